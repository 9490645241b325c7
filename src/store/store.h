// ownerlock — power-fail-safe record store on NOR flash (internal: the lock
// engine and the keypad unit use it; integrators do not).
//
// Two clients share one mechanism, a *ring*: a run of flash sectors, each
// opened with a checksummed header carrying a generation number, then filled
// with checksummed, sequence-numbered records appended in order. A record is
// valid only if its check word matches; a torn program or erase leaves at most
// the record (or sector) being written invalid, and the mount scan stops there.
//
//  - ol_kv: the lock's state as small key/value records. The latest record of
//    a key wins. When the open sector is full, the next sector in the ring is
//    erased and every live key is copied into it before it is marked ready, so
//    the newest ready sector always holds the whole state; a cut during that
//    copy leaves the previous sector as the newest ready one.
//  - ol_log: the audit trail, append-only. When full, the oldest sector is
//    erased and reused; the ring always keeps at least OL_AUDIT_MIN_EVENTS.
//
// Sectors are used round-robin, so erases spread evenly (wear levelling).
// No function allocates; every context is caller-owned.
//
// When a write (put, del, append) fails with a flash error, flash may hold
// more than the context knows (a record can land whole and still be reported
// failed), so that context refuses further writes with OL_ERR_STATE until it
// is mounted again. An unmounted or failed-to-mount context returns
// OL_ERR_STATE from every call.
#ifndef OWNERLOCK_SRC_STORE_H
#define OWNERLOCK_SRC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/config.h"
#include "ownerlock/error.h"
#include "ownerlock/hal.h"
#include "ownerlock/private/store.h" // ol_ring, ol_kv, ol_log

// ---- key/value state --------------------------------------------------------
// Scan the ring, recover from any torn write, index the newest state.
// A blank (all-erased) ring mounts as empty. Never erases or programs.
// OL_ERR_CORRUPT for an image the store cannot have written (two newest
// sectors, a checked record with an unknown key).
ol_err ol_kv_mount(ol_kv *kv, const ol_flash *flash, uint32_t first_sector,
                   uint32_t sectors) OL_MUST_CHECK;
// Read the latest value of key. OL_ERR_NOT_FOUND if absent or deleted;
// OL_ERR_TOO_BIG if cap is short (*len then says how much is needed).
ol_err ol_kv_get(const ol_kv *kv, uint16_t key, void *buf, size_t cap, size_t *len) OL_MUST_CHECK;
// Append a new value (len <= OL_KV_MAX_VALUE; 0 deletes). Durable when it
// returns OL_OK. OL_ERR_FULL, changing nothing, if the whole state would no
// longer fit in one sector (every rotation copies it into one).
ol_err ol_kv_put(ol_kv *kv, uint16_t key, const void *val, size_t len) OL_MUST_CHECK;
// Delete key (a zero-length record). Durable when it returns OL_OK.
ol_err ol_kv_del(ol_kv *kv, uint16_t key) OL_MUST_CHECK;

// ---- append-only audit log --------------------------------------------------
ol_err ol_log_mount(ol_log *log, const ol_flash *flash, uint32_t first_sector,
                    uint32_t sectors) OL_MUST_CHECK;
// Append one record (len <= OL_KV_MAX_VALUE); *seq gets its sequence number
// (1, 2, 3, ...). Durable when it returns OL_OK.
ol_err ol_log_append(ol_log *log, const void *rec, size_t len, uint32_t *seq) OL_MUST_CHECK;
// Read the record with sequence number seq; OL_ERR_NOT_FOUND if it was never
// written or has been rotated out.
ol_err ol_log_read(const ol_log *log, uint32_t seq, void *buf, size_t cap,
                   size_t *len) OL_MUST_CHECK;
// Oldest readable and next-to-be-written sequence numbers (equal when empty).
uint32_t ol_log_first_seq(const ol_log *log);
uint32_t ol_log_next_seq(const ol_log *log);
// Records the log is guaranteed to retain (checked against OL_AUDIT_MIN_EVENTS
// by the lock) for records of rec_len bytes: (sectors - 2) full sectors, one
// being the open sector and one allowing for a sector closed early by a power
// cut during an append. Each further such cut within the window costs at
// most one more sector.
uint32_t ol_log_capacity(const ol_log *log, size_t rec_len);

#endif
