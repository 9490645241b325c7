// ownerlock — one-time codes (onetime.h).
#include "onetime.h"

#include <string.h>

#include "audit.h"
#include "fault.h"
#include "fih.h"
#include "keystore.h"
#include "opening.h"
#include "ownerlock/crypto.h"
#include "persist.h"
#include "screen.h"
#include "service.h"
#include "state.h"
#include "store/store.h"
#include "tries.h"

void ol_onetime_ask(ol_lock *lock, uint8_t slot, uint32_t grant) {
    lock->mode = MODE_ONE_TIME;
    lock->otc_slot = slot;
    lock->otc_grant = grant;
    lock->otc_release = false;
    lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
}

typedef struct typed {
    const ol_event *ev;
    uint32_t counter; // the one it matched
} typed;

// The entry against the slot's codes of every counter the lock still
// accepts (the oldest not used and OL_OTC_LOOKAHEAD - 1 after it): all
// computed and compared, so time and path tell nothing of which matched
// (the length is the only branch: public).
static void match_one_time(ol_lock *lock, void *entry, verdict *v) {
    typed *t = entry;
    uint8_t want[OL_OTC_CODE_DIGITS], got[OL_OTC_CODE_DIGITS] = {0};
    uint32_t length_ok = 0u - (uint32_t)(t->ev->ndigits == OL_OTC_CODE_DIGITS);
    memcpy(got, t->ev->digits, t->ev->ndigits < sizeof got ? t->ev->ndigits : sizeof got);
    uint32_t hit = 0, at = 0;
    void (*derive)(uint8_t *, const uint8_t *, uint32_t, uint32_t, uint8_t) =
        lock->otc_release ? ol_otc_release : ol_otc_code;
    for (uint32_t i = 0; i < OL_OTC_LOOKAHEAD; i++) {
        // Never past the last counter: the next after it would be 0, and every
        // used code would open again (twenty-fifth outside evaluation).
        uint32_t c = lock->otc.next + i;
        uint32_t before_end = 0u - (uint32_t)(c >= lock->otc.next && c != UINT32_MAX);
        derive(want, lock->otc_key, lock->otc_lock, c, lock->otc_slot);
        uint32_t m = ol_ct_eq_mask(want, got, sizeof want) & length_ok & before_end;
        hit |= m;
        at |= m & i;
    }
    ol_wipe(want, sizeof want);
    ol_wipe(got, sizeof got);
    t->counter = lock->otc.next + at;
    v->valid = hit != 0;
    v->slot = lock->otc_slot;
    v->grant = (lock->otc_grant & hit) | (OL_DENY & ~hit);
}

ol_err ol_onetime_entry(ol_lock *lock, const ol_event *ev) {
    lock->mode = MODE_IDLE;
    lock->menu_deadline = 0;
    typed t = {ev, 0};
    verdict v;
    ol_err err = ol_try(lock, match_one_time, &t, ol_onetime_prompt(lock), &v);
    if (err || !v.valid) {
        return err;
    }
#if OL_CRASH_TEST_FLAW == 1 // TEST ONLY: tests/crash/crash.cmake, off before the counter's save
    if (lock->otc_release && v.grant == OL_GRANT) {
        ol_otc_state flawed = {.next = t.counter + 1u};
        err = ol_audit_append(lock, OL_AUDIT_ONE_TIME, v.slot, (uint16_t)t.counter);
        err = err ? err : ol_service_released(lock);
        return err ? err : ol_save_otc(lock, &flawed);
    }
#endif
    // Used, and saved so before anything opens: it and every older one never
    // work again (twenty-second outside evaluation: an older code, issued
    // and not used, still opened after a newer one, and one never used kept
    // the look-ahead from moving on).
    ol_otc_state next = lock->otc;
    next.next = t.counter + 1u;
    err = ol_save_otc(lock, &next);
    if (!err) {
        err = ol_audit_append(lock, OL_AUDIT_ONE_TIME, v.slot, (uint16_t)t.counter);
    }
    if (err) {
        return err;
    }
    if (lock->otc_release) {
        // Both readings (fih.h): the lock leaves the fleet's hands.
        return v.grant == OL_GRANT ? ol_service_released(lock) : ol_fault_detected(lock);
    }
    lock->otc_used = t.counter; // the seal's, if this one opens
    return ol_open_rules(lock, v.slot, v.grant, true);
}

const char *ol_onetime_prompt(const ol_lock *lock) {
    return lock->otc_release ? "RELEASE CODE" : "ONE-TIME CODE";
}

ol_err ol_onetime_opened(ol_lock *lock, uint8_t slot) {
    ol_otc_state next = lock->otc;
    // A second opening before the close (the door still open) keeps the
    // first's start: the seal then counts it, and all in between
    // (twenty-second evaluation: it began again, and a `01` hid an enrolment).
    if (!next.seal_due) {
        next.seal_from = ol_log_next_seq(&lock->audit) - 1u;
    }
    next.seal_due = true;
    next.seal_slot = slot;
    next.seal_counter = lock->otc_used;
    return ol_save_otc(lock, &next);
}

ol_err ol_onetime_shut(ol_lock *lock) {
    if (!lock->has_otc || !lock->otc.seal_due || lock->door_open ||
        lock->out.bolt != OL_BOLT_EXTENDED) {
        return OL_OK;
    }
    ol_err err = ol_audit_append(lock, OL_AUDIT_BOLT_EXTENDED, OL_AUDIT_NO_SLOT, 0);
    return err ? err : ol_onetime_closed(lock);
}

ol_err ol_onetime_closed(ol_lock *lock) {
    if (!lock->has_otc || !lock->otc.seal_due) {
        return OL_OK;
    }
    ol_otc_state next = lock->otc;
    next.seal_due = false;
    ol_err err = ol_save_otc(lock, &next);
    if (err) {
        return err;
    }
    // The records between the opening's and the seal's: 1, the bolt thrown,
    // when nothing else happened.
    uint32_t after = ol_log_next_seq(&lock->audit) - next.seal_from - 1u;
    uint8_t records = after > 99u ? 99u : (uint8_t)after;
    err = ol_audit_append(lock, OL_AUDIT_SEAL, next.seal_slot, records);
    if (err) {
        return err;
    }
    uint8_t d[OL_OTC_SEAL_DIGITS];
    ol_otc_seal(d, lock->otc_key, lock->otc_lock, next.seal_counter, next.seal_slot, records);
    char l2[] = "00-0000-0000";
    ol_put2(l2, records);
    for (int i = 0; i < OL_OTC_SEAL_DIGITS; i++) {
        l2[3 + i + i / 4] = (char)('0' + d[i]);
    }
    ol_say(lock, TONE_OK, "CLOSE SEAL", l2);
    lock->message_until = lock->now + OL_MENU_TIMEOUT_MS; // to be copied: longer than a message
    return OL_OK;
}

bool ol_onetime_held(const ol_lock *lock, uint32_t number, const uint8_t key[OL_OTC_KEY_BYTES]) {
    return lock->has_otc &&
           (lock->otc_lock != number || ol_ct_compare(lock->otc_key, key, OL_OTC_KEY_BYTES) != 0);
}

void ol_onetime_ask_release(ol_lock *lock, uint8_t slot) {
    ol_onetime_ask(lock, slot, OL_GRANT);
    lock->otc_release = true;
    lock->message_until = 0; // the question, not the session's message
}

ol_err ol_onetime_set(ol_lock *lock, uint32_t number, const uint8_t key[OL_OTC_KEY_BYTES],
                      uint32_t floor) {
    // Another key is held back (ol_onetime_held), so a key held now is this
    // one, sent again (a provisioning file sent twice): it keeps a seal owed.
    // The counter is the lock's, not the key's: it goes on under a new key,
    // so a used code never comes back, whatever key comes in between
    // (twenty-second outside evaluation: counter 0 opened twice; the
    // twenty-third: off, then the same key again, and every used code opened).
    // And it rises to the fleet's: a lock erased and set up again (its
    // counter from 0) takes no code the fleet issued before (twenty-fourth).
    // The counter first: it only rises, so a cut before the key is harmless.
#if OL_CRASH_TEST_FLAW == 2 // TEST ONLY: tests/crash/crash.cmake, the key before the counter
    if (!lock->has_otc && ol_keystore_save_otc(lock, key, number) != OL_OK) {
        return OL_ERR_FLASH;
    }
#endif
    ol_err err = OL_OK;
    if (floor > lock->otc.next) {
        ol_otc_state raised = lock->otc;
        raised.next = floor;
        err = ol_save_otc(lock, &raised);
    }
    if (!err && !lock->has_otc) {
        err = ol_keystore_save_otc(lock, key, number);
    }
    if (!err) {
        ol_say(lock, TONE_OK, "ONE-TIME CODES", "ON");
    }
    return err;
}

ol_err ol_onetime_off(ol_lock *lock) {
    // The seal owed goes (its key with it), the counter stays (ol_onetime_set).
    ol_otc_state kept = {.next = lock->otc.next};
    ol_err err = ol_save_otc(lock, &kept);
    if (!err) {
        err = ol_keystore_save_otc(lock, NULL, 0);
    }
    if (!err) {
        ol_say(lock, TONE_OK, "ONE-TIME CODES", "OFF");
    }
    return err;
}
