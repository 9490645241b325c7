// ownerlock — one-time codes (onetime.h).
#include "onetime.h"

#include <string.h>

#include "audit.h"
#include "fih.h"
#include "keystore.h"
#include "opening.h"
#include "ownerlock/crypto.h"
#include "persist.h"
#include "screen.h"
#include "state.h"
#include "store/store.h"
#include "tries.h"

void ol_onetime_ask(ol_lock *lock, uint8_t slot, uint32_t grant) {
    lock->mode = MODE_ONE_TIME;
    lock->otc_slot = slot;
    lock->otc_grant = grant;
    lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
}

typedef struct typed {
    const ol_event *ev;
    uint32_t counter; // the one it matched
} typed;

// The entry against the slot's codes of every counter the lock still
// accepts: all computed and compared, used or not, matched or not, so time
// and path tell nothing of which (the length is the only branch: public).
static void match_one_time(ol_lock *lock, void *entry, verdict *v) {
    typed *t = entry;
    uint8_t want[OL_OTC_CODE_DIGITS], got[OL_OTC_CODE_DIGITS] = {0};
    uint32_t length_ok = 0u - (uint32_t)(t->ev->ndigits == OL_OTC_CODE_DIGITS);
    memcpy(got, t->ev->digits, t->ev->ndigits < sizeof got ? t->ev->ndigits : sizeof got);
    uint32_t hit = 0, at = 0;
    for (uint32_t i = 0; i < OL_OTC_LOOKAHEAD; i++) {
        ol_otc_code(want, lock->otc_key, lock->otc.lock, lock->otc.next + i, lock->otc_slot);
        uint32_t unused = ((uint32_t)lock->otc.used >> i & 1u) - 1u; // all-ones if not used
        uint32_t m = ol_ct_eq_mask(want, got, sizeof want) & unused & length_ok;
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
    ol_err err = ol_try(lock, match_one_time, &t, "", &v);
    if (err || !v.valid) {
        return err;
    }
    // Used, and saved so, before anything opens: a used code never works again.
    ol_otc_state next = lock->otc;
    next.used |= (uint8_t)(1u << (t.counter - next.next));
    while (next.used & 1u) {
        next.used >>= 1;
        next.next++;
    }
    err = ol_save_otc(lock, &next);
    if (!err) {
        err = ol_audit_append(lock, OL_AUDIT_ONE_TIME, v.slot, (uint16_t)t.counter);
    }
    if (!err) {
        lock->otc.seal_counter = t.counter; // RAM until the opening saves it
        err = ol_open_rules(lock, v.slot, v.grant, true);
    }
    return err;
}

ol_err ol_onetime_opened(ol_lock *lock, uint8_t slot) {
    ol_otc_state next = lock->otc;
    next.seal_due = true;
    next.seal_slot = slot;
    next.seal_from = ol_log_next_seq(&lock->audit) - 1u;
    return ol_save_otc(lock, &next);
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
    ol_otc_seal(d, lock->otc_key, next.lock, next.seal_counter, next.seal_slot, records);
    char l2[] = "00-0000-0000";
    ol_put2(l2, records);
    for (int i = 0; i < OL_OTC_SEAL_DIGITS; i++) {
        l2[3 + i + i / 4] = (char)('0' + d[i]);
    }
    ol_say(lock, TONE_OK, "CLOSE SEAL", l2);
    lock->message_until = lock->now + OL_MENU_TIMEOUT_MS; // to be copied: longer than a message
    return OL_OK;
}

ol_err ol_onetime_set(ol_lock *lock, uint32_t number, const uint8_t key[OL_OTC_KEY_BYTES]) {
    // The state first: a cut before the key leaves the old key with a
    // counter from 0 (codes refused: set again), never a new key with
    // the old counters.
    ol_otc_state fresh = {.lock = number};
    ol_err err = ol_save_otc(lock, &fresh);
    if (!err) {
        err = ol_keystore_save_otc(lock, key);
    }
    if (!err) {
        ol_say(lock, TONE_OK, "ONE-TIME CODES", "ON");
    }
    return err;
}

ol_err ol_onetime_off(ol_lock *lock) {
    ol_err err = ol_keystore_save_otc(lock, NULL);
    if (!err) {
        err = ol_save_otc(lock, NULL);
    }
    if (!err) {
        ol_say(lock, TONE_OK, "ONE-TIME CODES", "OFF");
    }
    return err;
}
