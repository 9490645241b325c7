// ownerlock — every credential check is a try under the penalty.
#include "tries.h"

#include "audit.h"
#include "credentials.h"
#include "fih.h"
#include "ownerlock/crypto.h"
#include "persist.h"
#include "recovery.h"
#include "screen.h"
#include "state.h"

static penalty penalty_now(const ol_lock *lock) {
    return (penalty){lock->failures, lock->last_lockout, ol_countdown_left(lock, &lock->lockout),
                     lock->wrong_since};
}

static uint32_t clock_now(const ol_lock *lock) {
    return lock->plat->rtc_now(lock->plat->rtc_ctx);
}

// The state a wrong try at clock second `at` leaves.
static penalty after_wrong(penalty was, uint32_t at) {
    penalty p = ol_penalty_after_failure(was);
    p.since = at;
    return p;
}

// Steps 1 and 2; *was is the state from before.
static ol_err penalty_open(ol_lock *lock, penalty *was) {
    *was = penalty_now(lock);
    uint32_t at = clock_now(lock);
    ol_err err = ol_save_penalty(lock, after_wrong(*was, at));
    if (!err) {
        // Computed again, not kept from the save: a glitch that corrupts the
        // first computation (or skips it) then saves one state and checks
        // another, and the lock stops (fih.h).
        err = ol_penalty_is_saved(lock, after_wrong(*was, at));
    }
    return err;
}

ol_err ol_penalty_wrong(ol_lock *lock, const char *wrong_note) {
    // A wrong try stops a running recovery: a thief holding the recovery
    // code must not keep the owner locked out until its delay has run.
    ol_err err = ol_recovery_stop(lock, OL_AUDIT_NO_SLOT, RECOVERY_STOPPED_WRONG);
    if (err) {
        return err;
    }
    // penalty_open already saved (and mirrored) the state of a wrong try.
    err = ol_audit_append(lock, OL_AUDIT_WRONG_CODE, OL_AUDIT_NO_SLOT,
                          (uint16_t)(lock->failures > 0xFFFF ? 0xFFFF : lock->failures));
    if (err) {
        return err;
    }
    if (lock->lockout.ms == 0) {
        if (wrong_note) {
            ol_say(lock, TONE_ERROR, "WRONG CODE", wrong_note);
        }
        return OL_OK;
    }
    ol_play(lock, OL_BEEP_ALERT);
    lock->message_until = 0;
    return ol_audit_append(lock, OL_AUDIT_LOCKOUT, OL_AUDIT_NO_SLOT,
                           (uint16_t)(lock->lockout.ms / 60000u));
}

// Step 4. A valid credential is not a wrong try: the count goes back to what
// it was, and no lower: a code given to a function, or refused by a rule,
// must not refund an insider's guesses.
static ol_err penalty_settle(ol_lock *lock, const verdict *v, penalty was, const char *wrong_note) {
    if (v->valid && fih_opaque(v->grant) == OL_GRANT) {
#if OL_REGRESS_FINDING == 1 // TEST ONLY: tests/property/policy.cmake
        was = ol_penalty_cleared();
#endif
        return ol_save_penalty(lock, was);
    }
    lock->quiet_until = lock->now + OL_PENALTY_FORGET_MS; // the quiet day starts again
    return ol_penalty_wrong(lock, wrong_note);
}

ol_err ol_try(ol_lock *lock, ol_check check, void *entry, const char *wrong_note, verdict *v) {
    v->valid = false;
    v->duress = false;
    v->slot = 0;
    v->grant = OL_DENY;
    penalty was;
    ol_err err = penalty_open(lock, &was);
    if (err) {
        return err;
    }
    check(lock, entry, v);
    return penalty_settle(lock, v, was, wrong_note);
}

// Earned: one per OL_PENALTY_UNDO_EARN_MS since undo_from, at most
// OL_PENALTY_UNDO_MAX (computed when asked: no timer, nothing saved).
static uint32_t undo_earned(const ol_lock *lock) {
    uint64_t since = lock->now - lock->undo_from;
    uint32_t n = 0;
    while (n < OL_PENALTY_UNDO_MAX && since >= (uint64_t)(n + 1u) * OL_PENALTY_UNDO_EARN_MS) {
        n++; // no 64-bit division on the MCU: at most OL_PENALTY_UNDO_MAX steps
    }
    return n;
}

ol_err ol_penalty_undo(ol_lock *lock) {
#if OL_REGRESS_FINDING == 6 // TEST ONLY: an opening forgives everything, as before issue 13
    return ol_save_penalty(lock, ol_penalty_cleared());
#endif
    uint32_t left = undo_earned(lock);
    uint32_t back = lock->failures < left ? lock->failures : left;
    if (back == 0) {
        return OL_OK;
    }
    // Spent before the save: a power cut after it forgets them anyway, and a
    // save that fails leaves the count where it was.
    uint64_t full = (uint64_t)OL_PENALTY_UNDO_MAX * OL_PENALTY_UNDO_EARN_MS;
    uint64_t from = lock->now - lock->undo_from > full ? lock->now - full : lock->undo_from;
    lock->undo_from = from + (uint64_t)back * OL_PENALTY_UNDO_EARN_MS;
    return ol_save_penalty(lock, ol_penalty_back_to(penalty_now(lock), lock->failures - back));
}

// The quiet day starts again, if a wrong try is still counted.
static void quiet_day_again(ol_lock *lock) {
    lock->quiet_until = lock->failures != 0 ? lock->now + OL_PENALTY_FORGET_MS : 0;
}

// A self-powered lock (a dial) has next to no powered time to be quiet in:
// it counts quiet days on the lock body's clock, which runs on a cell of its
// own inside the door and which nobody sets from outside (every CLOCK
// function refuses on such a lock, *08 included). One wrong try is forgotten
// per OL_PENALTY_FORGET_MS since the last one (or the last one forgotten),
// and only with no lockout left: a lockout is still served turning.
static ol_err quiet_days_on_clock(ol_lock *lock) {
    if (!lock->plat->self_powered || lock->failures == 0) {
        return OL_OK;
    }
    uint32_t now = clock_now(lock);
    if (now == OL_RTC_LOST) {
        // Its cell went flat: the clock starts again from 0 (1970-01-01 in
        // the trail), a count of seconds, on a lock that cannot set a date.
        ol_err err = lock->plat->rtc_set ? lock->plat->rtc_set(lock->plat->rtc_ctx, 0) : OL_OK;
        now = clock_now(lock);
        if (err || now == OL_RTC_LOST) {
            return err; // no clock: nothing is forgiven
        }
    }
    penalty p = penalty_now(lock);
    if (p.since == OL_RTC_LOST || p.since > now) {
        p.since = now; // the clock started again (or the count is older): from now
        return ol_save_penalty(lock, p);
    }
    const uint32_t day_s = OL_PENALTY_FORGET_MS / 1000u;
    uint32_t days = (now - p.since) / day_s;
    uint32_t back = days < p.failures ? days : p.failures;
    if (back == 0 || p.remaining != 0) {
        return OL_OK;
    }
    p.since += back * day_s;
    return ol_save_penalty(lock, ol_penalty_back_to(p, p.failures - back));
}

ol_err ol_penalty_power_up(ol_lock *lock) {
    lock->undo_from = lock->now; // none earned yet
    ol_err err = quiet_days_on_clock(lock);
    quiet_day_again(lock);
    // The wrong tries the count holds (the lockouts follow it; openings and
    // quiet days take them back), shown at power-up as approved locks show
    // their failed attempts: the owner of a dial lock, powered up at every
    // use, sees at once that someone tried (issue 17).
    if (lock->failures != 0) {
        char l1[] = "WRONG TRIES: 00";
        ol_put2(l1 + 13, lock->failures > 99 ? 99 : lock->failures);
        ol_say(lock, TONE_INFO, l1, "STILL COUNTED");
    }
    return err;
}

ol_err ol_penalty_timer(ol_lock *lock) {
    uint32_t left;
    if (ol_countdown_checkpoint(lock, &lock->lockout, &left)) {
        return ol_save_penalty(
            lock, (penalty){lock->failures, lock->last_lockout, left, lock->wrong_since});
    }
    if (lock->quiet_until == 0 || lock->now < lock->quiet_until) {
        return OL_OK;
    }
    // A quiet day: one wrong try forgotten (a quiet day outlasts any lockout;
    // after a power-up the lockout's rest may not: then a day more).
    if (lock->failures == 0 || ol_countdown_left(lock, &lock->lockout) != 0) {
        quiet_day_again(lock);
        return OL_OK;
    }
    penalty p = penalty_now(lock);
    p.since = clock_now(lock); // a self-powered lock's clock counts from here too
    ol_err err = ol_save_penalty(lock, ol_penalty_back_to(p, p.failures - 1));
    quiet_day_again(lock); // the next one, if any is still counted
    return err;
}

static void match_code(ol_lock *lock, void *entry, verdict *v) {
    const ol_event *ev = entry;
    uint8_t code[OL_ENTRY_MAX_DIGITS], n;
    uint32_t scope = ol_credential_scope(code, &n, ev->digits, ev->ndigits, lock->set.id_mode);
    // Both the code and its duress reading are always computed, so time and
    // path do not depend on the entry nor on whether duress is on.
    uint8_t tag[OL_TAG_BYTES], duress_tag[OL_TAG_BYTES];
    uint8_t variant[OL_ENTRY_MAX_DIGITS];
    ol_credential_duress_variant(variant, code, n); // duress = last digit + 1
    ol_credential_tag(tag, lock->device_key, code, n);
    ol_credential_tag(duress_tag, lock->device_key, variant, n);
    uint32_t duress_on = 0u - (uint32_t)lock->set.duress;
    uint32_t enrolled = lock->enrolled & scope;
    uint32_t plain = ol_credential_match(lock->tags, enrolled, tag);
    uint32_t forced = ol_credential_match(lock->tags, enrolled, duress_tag) & duress_on;
    // The second reading (fih.h): matched again, through an enrolled set the
    // compiler cannot see is the same, and kept only as a token for the bolt.
    uint32_t again_set = fih_opaque(lock->enrolled) & fih_opaque(scope);
    uint32_t again =
        ol_credential_match(lock->tags, again_set, tag) |
        (ol_credential_match(lock->tags, again_set, duress_tag) & fih_opaque(duress_on));
    ol_wipe(code, sizeof code);
    ol_wipe(tag, sizeof tag);
    ol_wipe(duress_tag, sizeof duress_tag);
    ol_wipe(variant, sizeof variant);
    // No branch on which matched: the same instructions run for a right
    // code, its duress variant and a wrong code (make bench counts them).
    uint32_t plain_hit = 0u - (uint32_t)(plain != 0);
    v->valid = (plain | forced) != 0;
    v->duress = (plain_hit == 0) & (forced != 0);
    v->slot = ol_credential_slot_of(plain | (forced & ~plain_hit));
    v->grant = fih_token(again);
}

ol_err ol_authenticate(ol_lock *lock, const ol_event *ev, const char *wrong_note, verdict *v) {
    ol_err err = ol_try(lock, match_code, (void *)ev, wrong_note, v); // read, never written
    if (!err && v->valid) {
        err = ol_recovery_stop(lock, v->slot, RECOVERY_STOPPED_CODE); // the owner is here
    }
    return err;
}
