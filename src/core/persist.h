// ownerlock — what the lock keeps in its state store, and under which key.
// Key numbers and value layouts are on flash: append, never renumber.
#ifndef OWNERLOCK_CORE_PERSIST_H
#define OWNERLOCK_CORE_PERSIST_H

#include "ownerlock/config.h"

enum persist_key {
    KEY_DEVICE = 1,        // 32-byte device key, drawn from the TRNG at commissioning
    KEY_PENALTY = 2,       // failures, last lockout ms, lockout ms left: u32 x3
    KEY_SETTINGS = 3,      // delay min, window min, flags, 0, override mask u32,
                           // recovery delay min u16, 0 u16
    KEY_TIMELOCK = 4,      // "lock for N hours": ms left, u32
    KEY_HOLIDAYS = 5,      // OL_HOLIDAYS x u16 days since 1970
    KEY_RECOVERY = 6,      // OL_TAG_BYTES tag of the recovery code; absent: no recovery
    KEY_LINK_ID = 7,       // the lock body's X25519 secret and public key (64 bytes)
    KEY_LINK_PEER = 15,    // the paired keypad's public key (32 bytes)
    KEY_SCHEDULE_BASE = 8, // + weekday (0 = Monday): OL_SCHEDULE_PERIODS x (from, until) u16
    KEY_SLOT_BASE = 16,    // + n: OL_TAG_BYTES tag of slot n's code
    KEY_AUDIT_NOISE = 48,  // repeats not written to the trail (audit.c): u16 x3
    KEY_CODE_CHECKS = 49,  // new-code checks left per slot u8 x OL_SLOTS, ms until one more u32
    KEY_RECOVERY_RUN = 50, // present while a *99 recovery runs (its end is recorded)
    KEY_ALARM = 51,        // present while the duress alarm is raised
};

#define SETTINGS_BYTES 12
#define FLAG_DUAL 1u
#define FLAG_DURESS 2u
#define FLAG_USERS_DISABLED 4u
#define FLAG_RECOVERY_OFF 8u

_Static_assert(KEY_SCHEDULE_BASE + 7 <= KEY_SLOT_BASE, "schedule keys overlap slot keys");
_Static_assert(KEY_SLOT_BASE + OL_SLOTS <= KEY_AUDIT_NOISE, "slot keys overlap the noise key");
_Static_assert(KEY_RECOVERY_RUN < OL_KV_MAX_KEYS, "a key exceeds the store's key space");
_Static_assert(KEY_SLOT_BASE + OL_SLOTS <= OL_KV_MAX_KEYS,
               "slot keys exceed the store's key space");
_Static_assert(OL_HOLIDAYS * 2 <= OL_KV_MAX_VALUE, "holidays exceed one record");
_Static_assert(OL_SLOTS + 4 <= OL_KV_MAX_VALUE, "the code-check ration exceeds one record");
_Static_assert(OL_CODE_CHECK_BURST <= 255, "a slot's ration is one byte");
_Static_assert(OL_SCHEDULE_PERIODS * 4 <= OL_KV_MAX_VALUE, "a day's schedule exceeds one record");

#endif
