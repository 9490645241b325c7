// ownerlock — layout of the store's contexts (src/store/store.h has the API).
//
// Not an interface. ol_lock and ol_keypad_unit, which an integrator owns,
// hold a state store and an audit log, so their layout must be visible for
// the compiler to know their size. Nothing outside src/store (white-box
// tests aside) reads these fields, and they change without notice.
#ifndef OWNERLOCK_PRIVATE_STORE_H
#define OWNERLOCK_PRIVATE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/config.h"
#include "ownerlock/hal.h"

// A run of flash sectors (src/store/ring.h has the rules).
typedef struct ol_ring {
    const ol_flash *flash; // NULL until mounted (then every call: OL_ERR_STATE)
    uint32_t first_sector; // device sector index of ring position 0
    uint32_t sectors;      // sectors in the ring (>= 2)
    uint32_t magic;        // sector magic of this kind of ring
    uint32_t cur;          // ring position of the open sector
    uint32_t gen;          // generation of the open sector (0: none yet)
    uint32_t wpos;         // next write offset in the open sector; 0: closed
    uint32_t next_seq;     // sequence number of the next record
    // A write failed part-way: flash may hold more than RAM knows, so writes
    // return OL_ERR_STATE until the next mount has rescanned it.
    bool needs_mount;
    uint32_t sector_gen[OL_RING_MAX_SECTORS];       // 0 when blank/invalid/not counted
    uint32_t sector_first_seq[OL_RING_MAX_SECTORS]; // seq of first record
} ol_ring;

// The lock's state: small key/value records.
typedef struct ol_kv {
    ol_ring ring;
    uint32_t loc[OL_KV_MAX_KEYS]; // flash address of the key's latest record, 0 = none
    uint16_t len[OL_KV_MAX_KEYS];
} ol_kv;

// The audit trail, append-only.
typedef struct ol_log {
    ol_ring ring;
} ol_log;

#endif
