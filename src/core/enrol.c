// ownerlock — new codes: typed twice, checked by the code policy, rationed.
#include "enrol.h"

#include <string.h>

#include "credentials.h"
#include "fih.h"
#include "ownerlock/crypto.h"
#include "persist.h"
#include "state.h"
#include "tries.h"

bool ol_code_checks_full(const ol_lock *lock) {
    for (uint32_t s = 0; s < OL_SLOTS; s++) {
        if (lock->code_checks[s] < OL_CODE_CHECK_BURST) {
            return false;
        }
    }
    return true;
}

// The policy's answer about other people's codes, as a try.
struct policy_check {
    const uint8_t *key;
    uint8_t target;
    const ol_event *ev;
    policy_verdict found;
};

static void check_policy(ol_lock *lock, void *entry, verdict *v) {
    struct policy_check *c = entry;
    c->found = ol_credential_policy(c->key, lock->tags, lock->enrolled, c->target, c->ev->digits,
                                    c->ev->ndigits);
    v->valid = c->found == POLICY_OK;
#if OL_REGRESS_FINDING == 1 // TEST ONLY: the answer for free
    v->valid = true;
#endif
    v->grant = v->valid ? OL_GRANT : OL_DENY; // no second reading: this opens nothing
}

// Every slot's checks as `left`: the refill keeps counting down, or starts
// when the first slot goes below the burst.
static ol_err save_checks(ol_lock *lock, const uint8_t left[OL_SLOTS]) {
    uint32_t refill = ol_code_checks_full(lock) ? OL_CODE_CHECK_REFILL_MS
                                                : ol_countdown_left(lock, &lock->check_refill);
    return ol_save_code_checks(lock, left, refill);
}

ol_err ol_code_checks_for_new_holder(ol_lock *lock, uint8_t slot) {
    uint8_t giver = lock->actor;
    if (slot == giver) {
        return OL_OK;
    }
    uint8_t left[OL_SLOTS];
    memcpy(left, lock->code_checks, OL_SLOTS);
    if (left[slot] > OL_CODE_CHECK_NEW) {
        left[slot] = OL_CODE_CHECK_NEW;
    } else {
        // Moved from the giver's, never made: what a slot's last holder
        // used up is not its next holder's loss, and no giver gains by it.
        uint8_t give = (uint8_t)(OL_CODE_CHECK_NEW - left[slot]);
        give = give < left[giver] ? give : left[giver];
        left[slot] = (uint8_t)(left[slot] + give);
        left[giver] = (uint8_t)(left[giver] - give);
    }
    return memcmp(left, lock->code_checks, OL_SLOTS) ? save_checks(lock, left) : OL_OK;
}

ol_err ol_new_code_check(ol_lock *lock, const uint8_t key[32], uint8_t target, const ol_event *ev,
                         const char **bad) {
    *bad = NULL;
    if (lock->set.id_mode) {
        // The ID says whose code it is: codes need not differ, and nothing
        // about anyone else's code is checked or told.
        return OL_OK;
    }
    struct policy_check c = {key, target, ev, POLICY_OK};
    ol_err err = OL_OK;
    verdict v;
    if (!ol_commissioned(lock)) {
        check_policy(lock, &c, &v); // a new lock has no other code: no try
    } else if (lock->mode == MODE_RECOVERY) {
        // "Too like another" tells about another person's code: it is a wrong
        // try, saved before the check like any other. Not rationed for the new
        // manager code of a recovery: it comes after the matching repeat, so
        // "not like another" sets slot 00 and uses the recovery code up, and
        // "like another" is a wrong try that ends the recovery.
        err = ol_try(lock, check_policy, &c, NULL, &v);
    } else {
        // Rationed too (config.h): the answer tells about three codes.
        uint8_t asker = lock->actor; // who gave the code that opened the function
        if (lock->code_checks[asker] == 0) {
            *bad = "TOO MANY CHANGES";
            return OL_OK;
        }
        uint8_t left[OL_SLOTS];
        memcpy(left, lock->code_checks, OL_SLOTS);
        left[asker]--;
        err = save_checks(lock, left);
        if (!err) {
            err = ol_try(lock, check_policy, &c, NULL, &v);
        }
    }
    if (!err && c.found != POLICY_OK) {
        *bad = ol_credential_policy_text(c.found);
    }
    return err;
}

ol_err ol_new_code_first(ol_lock *lock, const uint8_t key[32], uint8_t target, const ol_event *ev,
                         const char **bad) {
    *bad = ol_credential_policy_text(ol_credential_shape(ev->digits, ev->ndigits));
    if (**bad) {
        return OL_OK; // the digits alone said so: nothing about anyone else
    }
    *bad = NULL;
    // A recovery compares the new code after its repeat (recovery.c).
    if (lock->mode != MODE_RECOVERY) {
        ol_err err = ol_new_code_check(lock, key, target, ev, bad);
        if (err || *bad) {
            return err;
        }
    }
    ol_credential_tag(lock->pending, key, ev->digits, ev->ndigits);
    return OL_OK;
}

ol_err ol_code_checks_timer(ol_lock *lock) {
    if (ol_code_checks_full(lock) || ol_countdown_left(lock, &lock->check_refill)) {
        return OL_OK;
    }
    uint8_t left[OL_SLOTS];
    bool below = false;
    for (uint32_t s = 0; s < OL_SLOTS; s++) {
        left[s] = lock->code_checks[s] + (lock->code_checks[s] < OL_CODE_CHECK_BURST);
        below |= left[s] < OL_CODE_CHECK_BURST;
    }
    return ol_save_code_checks(lock, left, below ? OL_CODE_CHECK_REFILL_MS : 0);
}

bool ol_new_code_repeat(ol_lock *lock, const uint8_t key[32], const ol_event *ev,
                        uint8_t tag[OL_TAG_BYTES]) {
    ol_credential_tag(tag, key, ev->digits, ev->ndigits);
    bool same = ol_ct_compare(tag, lock->pending, OL_TAG_BYTES) == 0;
    ol_wipe(same ? lock->pending : tag, OL_TAG_BYTES);
    return same;
}
