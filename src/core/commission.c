// ownerlock — a new lock: its first manager code, set with the door open.
#include "commission.h"

#include "keystore.h"

#include <string.h>

#include "audit.h"
#include "enrol.h"
#include "ownerlock/crypto.h"
#include "store/store.h"
#include "persist.h"
#include "recovery.h"
#include "screen.h"
#include "state.h"

// A lock without a manager code is new. That is read a second time, from a
// second mount of the store (into the same index: no RAM for a second one),
// apart from the first and from ol_load_state, so that one glitch in either
// cannot make a commissioned lock look new (and take a new manager code): the
// two readings disagree, and the lock stops. (Not the device key: a power
// cut during commissioning leaves one without a code, and that lock is new.)
static ol_err confirm_new(ol_lock *lock) {
#ifdef OL_FIH_TEST_WEAK // TEST ONLY: tests/fault's self-test builds without it
    (void)lock;
    return OL_OK;
#endif
    ol_err err = ol_kv_mount(&lock->kv, lock->plat->flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS);
    for (uint8_t s = 0; s < OL_MANAGER_SLOTS; s++) {
        uint8_t tag[OL_TAG_BYTES];
        size_t len = 0;
        if (!err && ol_kv_get(&lock->kv, (uint16_t)(KEY_SLOT_BASE + s), tag, sizeof tag, &len) !=
                        OL_ERR_NOT_FOUND) {
            err = OL_ERR_CORRUPT;
        }
    }
    return err;
}

ol_err ol_commission_mode(ol_lock *lock) {
    lock->mode = ol_commissioned(lock) ? MODE_IDLE : MODE_FACTORY;
    return lock->mode == MODE_FACTORY ? confirm_new(lock) : OL_OK;
}

ol_err ol_commission_entry(ol_lock *lock, const ol_event *ev) {
    if (!lock->door_open) {
        lock->step = 0;
        ol_say(lock, TONE_ERROR, "OPEN DOOR FIRST", "");
        return OL_OK;
    }
    if (lock->step == 0) {
        // The device key exists from here on; it never leaves the lock body.
        ol_err err = lock->plat->trng(lock->plat->trng_ctx, lock->new_key, sizeof lock->new_key);
        if (err) {
            return err;
        }
        const char *bad;
        err = ol_new_code_first(lock, lock->new_key, 0, ev, &bad);
        if (err) {
            return err;
        }
        if (bad) {
            ol_wipe(lock->new_key, sizeof lock->new_key);
            ol_say(lock, TONE_ERROR, bad, "TRY AGAIN");
            return OL_OK;
        }
        lock->step = 1; // the repeat, within OL_MENU_TIMEOUT_MS like any field
        lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
        return OL_OK;
    }
    uint8_t tag[OL_TAG_BYTES];
    lock->step = 0;
    lock->menu_deadline = 0;
    if (!ol_new_code_repeat(lock, lock->new_key, ev, tag)) {
        ol_wipe(lock->pending, sizeof lock->pending);
        ol_say(lock, TONE_ERROR, "CODES DIFFER", "START AGAIN");
        return OL_OK;
    }
    // Key first (into the key store), then the manager slot: the lock counts
    // as commissioned only once a manager slot exists, so a cut in between is
    // a factory lock again.
    ol_err err = ol_keystore_save(lock, lock->new_key, NULL);
    if (!err) {
        err = ol_save_slot(lock, 0, tag);
    }
    ol_wipe(tag, sizeof tag);
    ol_wipe(lock->new_key, sizeof lock->new_key);
    if (err) {
        return err;
    }
    err = ol_audit_append(lock, OL_AUDIT_COMMISSIONED, 0, 0);
    if (err) {
        return err;
    }
    lock->mode = MODE_IDLE;
    ol_say(lock, TONE_OK, "LOCK IS SET UP", "MANAGER SLOT 00");
    return ol_recovery_new_code(lock, 0); // shown once, kept when acknowledged
}
