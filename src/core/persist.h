// ownerlock — what the lock keeps in its state store, and under which key.
// Key numbers and value layouts are on flash: append, never renumber.
#ifndef OWNERLOCK_CORE_PERSIST_H
#define OWNERLOCK_CORE_PERSIST_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"
#include "penalty.h"

enum persist_key {
    KEY_DEVICE = 1,        // (before the key store: moved there at boot; keystore.h)
    KEY_PENALTY = 2,       // failures, last lockout ms, lockout ms left, since: u32 x4
    KEY_SETTINGS = 3,      // delay min, window min, flags, 0, override mask u32,
                           // recovery delay min u16, 0 u16
    KEY_TIMELOCK = 4,      // "lock for N hours": ms left, u32
    KEY_HOLIDAYS = 5,      // OL_HOLIDAYS x u16 days since 1970
    KEY_RECOVERY = 6,      // OL_TAG_BYTES tag of the recovery code; absent: no recovery
    KEY_LINK_ID = 7,       // (before the key store: moved there at boot; keystore.h)
    KEY_LINK_PEER = 15,    // the paired keypad's public key (32 bytes)
    KEY_SCHEDULE_BASE = 8, // + weekday (0 = Monday): OL_SCHEDULE_PERIODS x (from, until) u16
    KEY_SLOT_BASE = 16,    // + n: OL_TAG_BYTES tag of slot n's code
    KEY_AUDIT_NOISE = 48,  // repeats not written to the trail (audit.c): u16 x3
    KEY_CODE_CHECKS = 49,  // new-code checks left per slot u8 x OL_SLOTS, ms until one more u32
    KEY_RECOVERY_RUN = 50, // present while a *99 recovery runs (its end is recorded)
    KEY_ALARM = 51,        // present while the duress alarm is raised
    KEY_OPENINGS = 52,     // openings since the lock was set up, u32 (*21)
    KEY_OTC = 53,          // one-time codes: next u32, seal due, seal slot, 0, 0,
                           // seal counter u32, seal from u32 (ol_otc_state)
};

#define SETTINGS_BYTES 12
#define PENALTY_BYTES 16 // 12 before issue 17 (no since): still read
#define OTC_BYTES 16
#define FLAG_DUAL 1u
#define FLAG_DURESS 2u
#define FLAG_USERS_DISABLED 4u
#define FLAG_RECOVERY_OFF 8u
#define FLAG_ID_MODE 16u

_Static_assert(KEY_SCHEDULE_BASE + 7 <= KEY_SLOT_BASE, "schedule keys overlap slot keys");
_Static_assert(KEY_SLOT_BASE + OL_SLOTS <= KEY_AUDIT_NOISE, "slot keys overlap the noise key");
_Static_assert(KEY_OTC < OL_KV_MAX_KEYS, "a key exceeds the store's key space");
_Static_assert(KEY_SLOT_BASE + OL_SLOTS <= OL_KV_MAX_KEYS,
               "slot keys exceed the store's key space");
_Static_assert(OL_HOLIDAYS * 2 <= OL_KV_MAX_VALUE, "holidays exceed one record");
_Static_assert(OL_SLOTS + 4 <= OL_KV_MAX_VALUE, "the code-check ration exceeds one record");
_Static_assert(OL_CODE_CHECK_BURST <= 255, "a slot's ration is one byte");
_Static_assert(OL_SCHEDULE_PERIODS * 4 <= OL_KV_MAX_VALUE, "a day's schedule exceeds one record");

// ---- saving (each returns once the value is durable) ------------------------
// One-time codes' state (NULL: off, the record deleted).
ol_err ol_save_otc(ol_lock *lock, const ol_otc_state *next) OL_MUST_CHECK;
ol_err ol_save_settings(ol_lock *lock, const ol_settings *next) OL_MUST_CHECK;
// tag == NULL deletes the recovery code (recovery disabled or used up).
ol_err ol_save_recovery(ol_lock *lock, const uint8_t tag[OL_TAG_BYTES]) OL_MUST_CHECK;
ol_err ol_save_slot(ol_lock *lock, uint8_t slot, const uint8_t tag[OL_TAG_BYTES]) OL_MUST_CHECK;
// A code set for a slot by someone other than its holder (*02, a recovery):
// the slot's roles (its delay override) are not the new holder's.
ol_err ol_save_slot_new_holder(ol_lock *lock, uint8_t slot,
                               const uint8_t tag[OL_TAG_BYTES]) OL_MUST_CHECK;
ol_err ol_delete_slot(ol_lock *lock, uint8_t slot) OL_MUST_CHECK;
ol_err ol_save_penalty(ol_lock *lock, penalty p) OL_MUST_CHECK;
// One opening more (*21), saved with its audit record, before the bolt moves.
ol_err ol_save_opening(ol_lock *lock) OL_MUST_CHECK;
// Reads the penalty record back from flash: OL_OK only if it holds exactly
// these values, OL_ERR_FLASH if it does not (a write that did not take, or a
// save that a glitch skipped).
ol_err ol_penalty_is_saved(ol_lock *lock, penalty p) OL_MUST_CHECK;
ol_err ol_save_timelock(ol_lock *lock, uint32_t remaining) OL_MUST_CHECK;
ol_err ol_save_audit_noise(ol_lock *lock, const uint16_t noise[OL_AUDIT_NOISE_KINDS]) OL_MUST_CHECK;
// The duress alarm stays raised across power cuts, until a manager's own code.
ol_err ol_save_alarm(ol_lock *lock, bool on) OL_MUST_CHECK;
ol_err ol_save_code_checks(ol_lock *lock, const uint8_t left[OL_SLOTS],
                           uint32_t refill_ms) OL_MUST_CHECK;
// A recovery runs (its delay, or the time after it): a power cut ends it, and
// the next power-up records that.
ol_err ol_save_recovery_running(ol_lock *lock, bool running) OL_MUST_CHECK;

// ---- loading ------------------------------------------------------------------
ol_err ol_load_recovery_running(ol_lock *lock, bool *running) OL_MUST_CHECK;
// At power-up: everything the store holds, into the lock's context.
ol_err ol_load_state(ol_lock *lock) OL_MUST_CHECK;

#endif
