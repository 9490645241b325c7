// ownerlock — what the lock keeps in its state store, and under which key.
// Key numbers and value layouts are on flash: append, never renumber.
#ifndef OWNERLOCK_CORE_PERSIST_H
#define OWNERLOCK_CORE_PERSIST_H

#include "ownerlock/config.h"

enum persist_key {
    KEY_DEVICE = 1,    // 32-byte device key, drawn from the TRNG at commissioning
    KEY_PENALTY = 2,   // struct penalty, little-endian u32 x3
    KEY_SLOT_BASE = 16 // KEY_SLOT_BASE + n: OL_TAG_BYTES tag of slot n's code
};

_Static_assert(KEY_SLOT_BASE + OL_SLOTS <= OL_KV_MAX_KEYS,
               "slot keys exceed the store's key space");

#endif
