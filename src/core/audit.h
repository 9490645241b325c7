// ownerlock — the audit trail: encoding, MAC chain, append and read.
//
// Each record is chained: chain = HMAC-SHA256(audit key, previous chain ||
// seq || time || kind || slot || arg) truncated to 8 bytes. The audit key is
// derived from the device key once the lock is commissioned (before that it is
// all zeros, so the chain then only detects accidental damage). Records never
// hold code material.
#ifndef OWNERLOCK_CORE_AUDIT_H
#define OWNERLOCK_CORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

#define AUDIT_RECORD_BYTES 16

// Append an event; updates lock->chain. Durable when it returns OL_OK.
ol_err ol_audit_append(ol_lock *lock, ol_audit_kind kind, uint8_t slot, uint16_t arg) OL_MUST_CHECK;
// After mount: continue the chain from the newest record.
ol_err ol_audit_resume(ol_lock *lock) OL_MUST_CHECK;

#endif
