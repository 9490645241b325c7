// ownerlock — the ring of flash sectors shared by ol_kv and ol_log (internal).
//
// On-flash layout, in 32-bit words stored in the MCU's byte order:
//
//   sector header (20 bytes, at the start of every sector)
//     [magic] [generation] [first seq] [header check] [ready]
//   record (12 bytes + payload padded to a word, right after the header)
//     [tag:8 | len:8 | key:16] [seq] [payload, zero-padded] [record check]
//
// A check is CRC-32 with bit 31 forced to 0, so an erased word (0xFFFFFFFF)
// never validates. The header check covers magic, generation and first seq;
// the record check covers the sector's generation and every other word of the
// record, so a record only validates in the sector life it was written in.
// The check word of a record and the ready word of a header are programmed
// last: a cut anywhere before leaves the record or sector invalid.
//
// Recovery rules:
//  - a sector counts only if its header check matches and ready is set;
//  - records are scanned from the sector start, each with seq = previous + 1,
//    and the scan stops at the first invalid one;
//  - anything but 0xFF after the last valid record closes the sector: it is
//    never programmed again before an erase;
//  - the newest counted sector (highest generation) is the open one; the next
//    sector in ring order is always erased before it is reused;
//  - any HAL error while writing leaves RAM possibly out of step with flash,
//    so the context refuses further writes (OL_ERR_STATE) until remounted.
#ifndef OWNERLOCK_STORE_RING_H
#define OWNERLOCK_STORE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define OL_RING_HEADER_BYTES 20u
#define OL_RING_READY_OFFSET 16u
#define OL_RING_RECORD_OVERHEAD 12u
#define OL_RING_READY 0x52454459u     // "REDY"; anything else (erased, torn) is not ready
#define OL_RING_MAGIC_KV 0x564B4C4Fu  // "OLKV"
#define OL_RING_MAGIC_LOG 0x474C4C4Fu // "OLLG"
#define OL_RING_TAG_KV 0x4Bu          // 'K'
#define OL_RING_TAG_LOG 0x4Cu         // 'L'

// The length field of a record is 8 bits wide.
_Static_assert(OL_KV_MAX_VALUE <= 255, "record length field is 8 bits");
_Static_assert(OL_KV_MAX_KEYS <= 65536, "record key field is 16 bits");

// One valid record as found by a scan.
typedef struct ol_ring_record {
    uint32_t addr; // flash address of the record's first word
    uint32_t seq;
    uint16_t key;
    uint16_t len; // payload bytes
} ol_ring_record;

// Called once per valid record, in order; a non-OK result stops the scan and
// is returned by it.
typedef ol_err (*ol_ring_visit)(void *arg, const ol_ring_record *rec);

typedef struct ol_ring_scan_result {
    uint32_t end;     // offset just past the last valid record
    uint32_t records; // valid records
    bool open;        // everything from end to the sector end is erased
} ol_ring_scan_result;

// CRC-32 (IEEE 802.3, reflected) continued from crc; start with 0.
uint32_t ol_ring_crc32(uint32_t crc, const void *data, size_t len);
// Check word of a sector header.
uint32_t ol_ring_header_check(uint32_t magic, uint32_t gen, uint32_t first_seq);
// Bytes a record with len payload bytes occupies.
uint32_t ol_ring_record_bytes(size_t len);
// Flash address of the start of the sector at ring position pos.
uint32_t ol_ring_sector_addr(const ol_ring *ring, uint32_t pos);
// True if a record of len payload bytes fits in the open sector.
bool ol_ring_has_room(const ol_ring *ring, size_t len);

// Check the geometry, read every sector header, and select the newest ready
// sector as cur (sector_gen[] holds every valid ready sector). Does not scan
// records: the caller scans cur and sets wpos and next_seq.
ol_err ol_ring_open(ol_ring *ring, const ol_flash *flash, uint32_t first_sector, uint32_t sectors,
                    uint32_t magic) OL_MUST_CHECK;
// Walk the valid records of the counted sector at pos (see the rules above).
ol_err ol_ring_scan(const ol_ring *ring, uint32_t pos, ol_ring_visit visit, void *arg,
                    ol_ring_scan_result *result) OL_MUST_CHECK;
// Read and verify (tag, length, check) the record at addr of a sector of
// generation gen; payload gets rec->len bytes. OL_ERR_CORRUPT if it does not
// verify. The caller checks key and seq.
ol_err ol_ring_read_record(const ol_ring *ring, uint32_t addr, uint32_t gen, ol_ring_record *rec,
                           uint8_t payload[OL_KV_MAX_VALUE]) OL_MUST_CHECK;

// ---- writing -----------------------------------------------------------------
// Erase the sector after cur and program its header (generation gen + 1,
// first seq next_seq), leaving it not ready. *pos and *gen get its position
// and generation.
ol_err ol_ring_start_sector(ol_ring *ring, uint32_t *pos, uint32_t *gen) OL_MUST_CHECK;
// Program one record at addr of a sector of generation gen, check word last.
ol_err ol_ring_program_record(ol_ring *ring, uint32_t addr, uint32_t gen, uint8_t tag, uint16_t key,
                              uint32_t seq, const void *data, size_t len) OL_MUST_CHECK;
// Program the ready word of the sector at pos: from now on it counts.
ol_err ol_ring_mark_ready(ol_ring *ring, uint32_t pos) OL_MUST_CHECK;
// Make the (ready) sector at pos the open one.
void ol_ring_switch(ol_ring *ring, uint32_t pos, uint32_t gen, uint32_t first_seq, uint32_t wpos,
                    uint32_t next_seq);
// Append one record to the open sector, which must have room.
ol_err ol_ring_append(ol_ring *ring, uint8_t tag, uint16_t key, const void *data, size_t len,
                      ol_ring_record *rec) OL_MUST_CHECK;

#endif
