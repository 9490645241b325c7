// ownerlock — the lock engine: events in, state changes and outputs out.
//
// Order matters here more than anywhere: a wrong try is saved before the
// entry is evaluated, an opening is in the audit trail before the bolt moves,
// and nothing is changed by a refused request.
#include <string.h>

#include "audit.h"
#include "credentials.h"
#include "engine.h"
#include "fih.h"
#include "ownerlock/crypto.h"
#include "penalty.h"
#include "persist.h"
#include "store/store.h"

// ---- small helpers ------------------------------------------------------------

void set_line(char dst[OL_DISPLAY_COLS + 1], const char *src) {
    size_t n = 0;
    while (n < OL_DISPLAY_COLS && src[n]) {
        dst[n] = src[n];
        n++;
    }
    dst[n] = '\0';
}

void put2(char *p, uint32_t v) {
    p[0] = (char)('0' + (v / 10) % 10);
    p[1] = (char)('0' + v % 10);
}

// "MM:SS" (up to 99:59) or "HH:MM" hours for longer times, at p (5 chars).
void put_time_left(char *p, uint32_t ms) {
    uint32_t s = (ms + 999u) / 1000u;
    uint32_t hi = s / 60u, lo = s % 60u;
    if (hi > 99) {
        hi = s / 3600u;
        lo = s % 3600u / 60u;
        p[2] = 'h';
    } else {
        p[2] = ':';
    }
    put2(p, hi);
    put2(p + 3, lo);
}

bool commissioned(const ol_lock *lock) {
    return (lock->enrolled & MANAGER_MASK) != 0;
}

uint32_t countdown_left(const ol_lock *lock, const ol_countdown *c) {
    uint64_t served = lock->now - c->base;
    return served >= c->ms ? 0 : (uint32_t)(c->ms - served);
}

static uint32_t until(const ol_lock *lock, uint64_t t) {
    return t > lock->now ? (uint32_t)(t - lock->now) : 0;
}

bool battery_critical(const ol_lock *lock) {
    return lock->battery_known && lock->battery_mv < OL_BATTERY_CRITICAL_MV;
}

void beep(ol_lock *lock, ol_beep pattern) {
    lock->out.beep = pattern;
    lock->out.beeps++;
}

void say(ol_lock *lock, enum tone tone, const char *l1, const char *l2) {
    set_line(lock->message[0], l1);
    set_line(lock->message[1], l2);
    lock->message_tone = (uint8_t)tone;
    lock->message_until = lock->now + OL_MESSAGE_MS;
    if (tone == TONE_OK) {
        beep(lock, OL_BEEP_OK);
    } else if (tone == TONE_ERROR) {
        beep(lock, OL_BEEP_ERROR);
    } else if (tone == TONE_ALERT) {
        beep(lock, OL_BEEP_ALERT);
    }
}

void end_function(ol_lock *lock) {
    if (lock->mode == MODE_FUNCTION) {
        lock->mode = MODE_IDLE;
    }
    lock->step = 0;
    lock->function = 0;
    lock->menu_deadline = 0;
    lock->need_second = false;
    ol_wipe(lock->pending, sizeof lock->pending);
}

void refuse(ol_lock *lock, const char *reason) {
    end_function(lock);
    say(lock, TONE_ERROR, reason, NOTHING_CHANGED);
}

// ---- credentials ----------------------------------------------------------------

penalty penalty_now(const ol_lock *lock) {
    return (penalty){lock->failures, lock->last_lockout, countdown_left(lock, &lock->lockout)};
}

ol_err penalty_begin(ol_lock *lock) {
    penalty if_wrong = penalty_after_failure(penalty_now(lock));
    return save_penalty(lock, if_wrong);
}

ol_err penalty_confirm(ol_lock *lock, penalty was) {
    penalty if_wrong = penalty_after_failure(was);
    return penalty_is_saved(lock, if_wrong);
}

// A valid credential is not a wrong try: the count goes back to what it was.
// Only an opening forgives the earlier ones (penalty_forgive): a code given to
// a function, or refused by a rule, must not refund an insider's guesses.
ol_err penalty_settle(ol_lock *lock, const verdict *v, penalty was, const char *wrong_note) {
    if (v->valid && fih_opaque(v->grant) == OL_GRANT) {
#if OL_REGRESS_FINDING == 1 // TEST ONLY: tests/property/policy.cmake
        was = penalty_cleared();
#endif
        return save_penalty(lock, was);
    }
    return penalty_wrong(lock, wrong_note);
}

ol_err penalty_forgive(ol_lock *lock) {
    if (lock->failures == 0 && lock->last_lockout == 0) {
        return OL_OK;
    }
    return save_penalty(lock, penalty_cleared());
}

ol_err penalty_wrong(ol_lock *lock, const char *wrong_note) {
    // A wrong try stops a running recovery: a thief holding the recovery
    // code must not keep the owner locked out until its delay has run.
    ol_err err = recovery_stop(lock, OL_AUDIT_NO_SLOT, RECOVERY_STOPPED_WRONG);
    if (err) {
        return err;
    }
    // penalty_begin already saved (and mirrored) the state of a wrong try.
    err = audit_append(lock, OL_AUDIT_WRONG_CODE, OL_AUDIT_NO_SLOT,
                       (uint16_t)(lock->failures > 0xFFFF ? 0xFFFF : lock->failures));
    if (err) {
        return err;
    }
    if (lock->lockout.ms == 0) {
        if (wrong_note) {
            say(lock, TONE_ERROR, "WRONG CODE", wrong_note);
        }
        return OL_OK;
    }
    beep(lock, OL_BEEP_ALERT);
    lock->message_until = 0;
    return audit_append(lock, OL_AUDIT_LOCKOUT, OL_AUDIT_NO_SLOT,
                        (uint16_t)(lock->lockout.ms / 60000u));
}

ol_err penalty_open(ol_lock *lock, penalty *was) {
    *was = penalty_now(lock);
    ol_err err = penalty_begin(lock);
    if (!err) {
        err = penalty_confirm(lock, *was);
    }
    return err;
}

ol_err authenticate(ol_lock *lock, const ol_event *ev, const char *wrong_note, verdict *v) {
    v->valid = false;
    v->duress = false;
    v->slot = 0;
    v->grant = OL_DENY;
    penalty was;
    ol_err err = penalty_open(lock, &was);
    if (err) {
        return err;
    }
    // Both the code and its duress reading are always computed, so time and
    // path do not depend on the entry nor on whether duress is on.
    uint8_t tag[OL_TAG_BYTES], duress_tag[OL_TAG_BYTES];
    uint8_t variant[OL_ENTRY_MAX_DIGITS];
    credential_duress_variant(variant, ev->digits, ev->ndigits); // duress = last digit + 1
    credential_tag(tag, lock->device_key, ev->digits, ev->ndigits);
    credential_tag(duress_tag, lock->device_key, variant, ev->ndigits);
    uint32_t duress_on = 0u - (uint32_t)lock->set.duress;
    uint32_t plain = credential_match(lock->tags, lock->enrolled, tag);
    uint32_t forced = credential_match(lock->tags, lock->enrolled, duress_tag) & duress_on;
    // The second reading (fih.h): matched again, through an enrolled set the
    // compiler cannot see is the same, and kept only as a token for the bolt.
    uint32_t again = credential_match(lock->tags, fih_opaque(lock->enrolled), tag) |
                     (credential_match(lock->tags, fih_opaque(lock->enrolled), duress_tag) &
                      fih_opaque(duress_on));
    ol_wipe(tag, sizeof tag);
    ol_wipe(duress_tag, sizeof duress_tag);
    ol_wipe(variant, sizeof variant);
    // No branch on which matched: the same instructions run for a right
    // code, its duress variant and a wrong code (make bench counts them).
    uint32_t plain_hit = 0u - (uint32_t)(plain != 0);
    v->valid = (plain | forced) != 0;
    v->duress = (plain_hit == 0) & (forced != 0);
    v->slot = credential_slot_of(plain | (forced & ~plain_hit));
    v->grant = fih_token(again);
    err = penalty_settle(lock, v, was, wrong_note);
    if (!err && v->valid) {
        err = recovery_stop(lock, v->slot, RECOVERY_STOPPED_CODE); // the owner is here
    }
    return err;
}

static bool checks_all_full(const ol_lock *lock) {
    for (uint32_t s = 0; s < OL_SLOTS; s++) {
        if (lock->code_checks[s] < OL_CODE_CHECK_BURST) {
            return false;
        }
    }
    return true;
}

ol_err new_code_first(ol_lock *lock, const uint8_t key[32], uint8_t target, const ol_event *ev,
                      const char **bad) {
    *bad = credential_policy_text(credential_shape(ev->digits, ev->ndigits));
    if (**bad) {
        return OL_OK; // the digits alone said so: nothing about anyone else
    }
    *bad = NULL;
    // "Too like another" tells about another person's code: it is a wrong
    // try, saved before the check like any other (a new lock has no other).
    // They are rationed too (config.h): the answer tells about three codes.
    // Not the new manager code of a recovery: its holder has served the
    // recovery delay, and a probe there costs the recovery if close, and
    // another delay if cancelled.
    bool counted = commissioned(lock);
    bool rationed = counted && lock->mode != MODE_RECOVERY;
    uint8_t asker = lock->actor; // who gave the code that opened the function
    if (rationed && lock->code_checks[asker] == 0) {
        *bad = "TOO MANY CHANGES";
        return OL_OK;
    }
    penalty was = {0, 0, 0};
    ol_err err = OL_OK;
    if (rationed) {
        uint8_t left[OL_SLOTS];
        memcpy(left, lock->code_checks, OL_SLOTS);
        uint32_t refill = checks_all_full(lock) ? OL_CODE_CHECK_REFILL_MS
                                                : countdown_left(lock, &lock->check_refill);
        left[asker]--;
        err = save_code_checks(lock, left, refill);
    }
    if (!err && counted) {
        err = penalty_open(lock, &was);
    }
    if (err) {
        return err;
    }
    policy_verdict v =
        credential_policy(key, lock->tags, lock->enrolled, target, ev->digits, ev->ndigits);
#if OL_REGRESS_FINDING == 1 // TEST ONLY: the answer for free
    if (counted) {
        err = save_penalty(lock, was);
        counted = false;
    }
#endif
    if (v != POLICY_OK) {
        *bad = credential_policy_text(v);
        return counted ? penalty_wrong(lock, NULL) : err;
    }
    if (counted) {
        err = save_penalty(lock, was);
    }
    if (!err) {
        credential_tag(lock->pending, key, ev->digits, ev->ndigits);
    }
    return err;
}

ol_err code_checks_timer(ol_lock *lock) {
    if (checks_all_full(lock) || countdown_left(lock, &lock->check_refill)) {
        return OL_OK;
    }
    uint8_t left[OL_SLOTS];
    bool below = false;
    for (uint32_t s = 0; s < OL_SLOTS; s++) {
        left[s] = lock->code_checks[s] + (lock->code_checks[s] < OL_CODE_CHECK_BURST);
        below |= left[s] < OL_CODE_CHECK_BURST;
    }
    return save_code_checks(lock, left, below ? OL_CODE_CHECK_REFILL_MS : 0);
}

bool new_code_repeat(ol_lock *lock, const uint8_t key[32], const ol_event *ev,
                     uint8_t tag[OL_TAG_BYTES]) {
    credential_tag(tag, key, ev->digits, ev->ndigits);
    bool same = ol_ct_compare(tag, lock->pending, OL_TAG_BYTES) == 0;
    ol_wipe(lock->pending, sizeof lock->pending);
    if (!same) {
        ol_wipe(tag, OL_TAG_BYTES);
    }
    return same;
}

// ---- bolt and door ---------------------------------------------------------------

static ol_err extend_bolt(ol_lock *lock) {
    lock->relock_at = 0;
    lock->served_open = false;
    if (lock->out.bolt == OL_BOLT_EXTENDED || lock->door_open || !commissioned(lock)) {
        return OL_OK;
    }
    lock->out.bolt = OL_BOLT_EXTENDED;
    return audit_append(lock, OL_AUDIT_BOLT_EXTENDED, OL_AUDIT_NO_SLOT, 0);
}

static void door_changed(ol_lock *lock, bool open) {
    lock->door_open = open;
    lock->message_until = 0; // the person has moved on: show the door's state
#if OL_REGRESS_FINDING != 4  // TEST ONLY: the recovery code stays behind a shut door
    if (!open) {
        recovery_abandon(lock); // nothing secret outside a closed door
    }
#endif
    if (open) {
        lock->relock_at = 0;
    } else if (commissioned(lock) && lock->out.bolt == OL_BOLT_RETRACTED) {
        lock->relock_at = lock->now + OL_RELOCK_AFTER_CLOSE_MS;
    }
}

// ---- inputs from the lock body's own sensors ---------------------------------------

static ol_err battery_measured(ol_lock *lock, uint32_t mv) {
    lock->battery_mv = mv;
    lock->battery_known = true; // 0 V is a reading too, and the lowest
    if (mv >= OL_BATTERY_WARN_MV + 100u) {
        lock->battery_low_logged = false; // a fresh battery re-arms the warning
    } else if (mv < OL_BATTERY_WARN_MV && !lock->battery_low_logged) {
        lock->battery_low_logged = true;
        return audit_append(lock, OL_AUDIT_LOW_BATTERY, OL_AUDIT_NO_SLOT, (uint16_t)(mv / 10u));
    }
    return OL_OK;
}

static ol_err remote_disable_changed(ol_lock *lock, bool on) {
    if (on == lock->remote_disabled) {
        return OL_OK;
    }
    lock->remote_disabled = on;
    return audit_append(lock, OL_AUDIT_REMOTE_DISABLED, OL_AUDIT_NO_SLOT, on ? 1 : 0);
}

// ---- commissioning ------------------------------------------------------------------

static ol_err factory_entry(ol_lock *lock, const ol_event *ev) {
    if (!lock->door_open) {
        lock->step = 0;
        say(lock, TONE_ERROR, "OPEN DOOR FIRST", "");
        return OL_OK;
    }
    if (lock->step == 0) {
        // The device key exists from here on; it never leaves the lock body.
        ol_err err = lock->plat->trng(lock->plat->trng_ctx, lock->new_key, sizeof lock->new_key);
        if (err) {
            return err;
        }
        const char *bad;
        err = new_code_first(lock, lock->new_key, 0, ev, &bad);
        if (err) {
            return err;
        }
        if (bad) {
            ol_wipe(lock->new_key, sizeof lock->new_key);
            say(lock, TONE_ERROR, bad, "TRY AGAIN");
            return OL_OK;
        }
        lock->step = 1;
        return OL_OK;
    }
    uint8_t tag[OL_TAG_BYTES];
    lock->step = 0;
    if (!new_code_repeat(lock, lock->new_key, ev, tag)) {
        say(lock, TONE_ERROR, "CODES DIFFER", "START AGAIN");
        return OL_OK;
    }
    // Key first, then the manager slot: the lock counts as commissioned only
    // once a manager slot exists, so a cut in between is a factory lock again.
    ol_err err = ol_kv_put(&lock->kv, KEY_DEVICE, lock->new_key, sizeof lock->new_key);
    if (!err) {
        memcpy(lock->device_key, lock->new_key, sizeof lock->device_key);
        err = save_slot(lock, 0, tag);
    }
    ol_wipe(tag, sizeof tag);
    ol_wipe(lock->new_key, sizeof lock->new_key);
    if (err) {
        return err;
    }
    err = audit_append(lock, OL_AUDIT_COMMISSIONED, 0, 0);
    if (err) {
        return err;
    }
    lock->mode = MODE_IDLE;
    say(lock, TONE_OK, "LOCK IS SET UP", "MANAGER SLOT 00");
    return recovery_new_code(lock); // shown once, kept when acknowledged
}

// ---- timers ---------------------------------------------------------------------------

static ol_err run_timers(ol_lock *lock) {
    ol_err err = OL_OK;
    // Checkpoint served time; a cut loses at most one interval of it.
    if (lock->lockout.ms != 0) {
        uint32_t left = countdown_left(lock, &lock->lockout);
        if (left == 0 || lock->now - lock->lockout.saved >= OL_PENALTY_CHECKPOINT_MS) {
            err = save_penalty(lock, (penalty){lock->failures, lock->last_lockout, left});
        }
    }
    if (!err && lock->timelock.ms != 0) {
        uint32_t left = countdown_left(lock, &lock->timelock);
        if (left == 0 || lock->now - lock->timelock.saved >= OL_PENALTY_CHECKPOINT_MS) {
            err = save_timelock(lock, left);
        }
    }
    if (!err && lock->relock_at != 0 && lock->now >= lock->relock_at) {
        err = extend_bolt(lock);
    }
    if (err) {
        return err;
    }
    if (lock->message_until != 0 && lock->now >= lock->message_until) {
        lock->message_until = 0;
    }
    if (lock->menu_deadline != 0 && lock->now >= lock->menu_deadline) {
        if (lock->mode == MODE_SHOW_CODE) {
            recovery_abandon(lock);
        } else {
            err = lock->mode == MODE_RECOVERY ? recovery_cancel(lock) : OL_OK;
            end_function(lock);
            say(lock, TONE_INFO, "TIMED OUT", NOTHING_CHANGED);
        }
    }
    if (!err) {
        err = link_reject_timer(lock);
    }
    if (!err) {
        err = code_checks_timer(lock);
    }
    if (!err) {
        err = recovery_timers(lock);
    }
    if (err) {
        return err;
    }
    if (lock->window_until != 0 && lock->now >= lock->window_until) {
        lock->delay_until = 0; // the window closed unused: a new delay next time
        lock->window_until = 0;
    }
    if (lock->dual_until != 0 && lock->now >= lock->dual_until) {
        lock->dual_until = 0; // one code alone, and no second came: in the trail too
        return refusal_record(lock, lock->dual_first, 0, REFUSAL_ALONE);
    }
    return OL_OK;
}

// The next whole second of a countdown shown as MM:SS.
static uint64_t next_second(const ol_lock *lock, uint32_t left) {
    return lock->now + (left == 0 ? 0 : (left - 1) % 1000u + 1u);
}

uint64_t ol_lock_next_deadline(const ol_lock *lock) {
    uint64_t c[13] = {lock->relock_at, lock->message_until, lock->menu_deadline, lock->window_until,
                      lock->dual_until};
    if (lock->rejects_unlogged != 0) {
        c[11] = lock->reject_logged_at + OL_REJECT_LOG_MS;
    }
    if (!checks_all_full(lock)) {
        c[12] = lock->now + countdown_left(lock, &lock->check_refill);
    }
    c[9] = lock->recovery_window;
    if (lock->recovery_until != 0) {
        c[10] = next_second(lock, until(lock, lock->recovery_until));
    }
    if (lock->lockout.ms != 0) {
        c[5] = next_second(lock, countdown_left(lock, &lock->lockout));
        c[6] = lock->lockout.saved + OL_PENALTY_CHECKPOINT_MS;
    }
    if (lock->timelock.ms != 0) {
        c[7] = lock->timelock.saved + OL_PENALTY_CHECKPOINT_MS;
        if (countdown_left(lock, &lock->timelock) == 0) {
            c[7] = lock->now;
        }
    }
    if (lock->window_until != 0) {
        uint64_t end = lock->now < lock->delay_until ? lock->delay_until : lock->window_until;
        c[8] = next_second(lock, until(lock, end));
    }
    uint64_t next = UINT64_MAX;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        if (c[i] != 0 && c[i] < next) {
            next = c[i];
        }
    }
    return next;
}

// ---- outputs --------------------------------------------------------------------------

static void render(ol_lock *lock) {
    ol_outputs *o = &lock->out;
    uint32_t left = countdown_left(lock, &lock->lockout);
    enum tone tone = TONE_INFO;
    char l1[OL_DISPLAY_COLS + 1] = "ENTER CODE", l2[OL_DISPLAY_COLS + 1] = "";
    o->input = OL_INPUT_IDLE;
    if (lock->mode == MODE_FAULT) {
        set_line(l1, lock->glitch ? "FAULT DETECTED" : "STORAGE FAULT");
        set_line(l2, "LOCK DISABLED");
        o->input = OL_INPUT_NONE;
        tone = TONE_ALERT;
    } else if (left != 0) {
        set_line(l1, "LOCKED OUT");
        set_line(l2, "WAIT 00:00");
        put_time_left(l2 + 5, left);
        o->input = OL_INPUT_NONE;
        tone = TONE_ALERT;
    } else {
        if (lock->mode == MODE_FACTORY) {
            set_line(l1, !lock->door_open  ? "NEW LOCK: OPEN"
                         : lock->step == 0 ? "SET MANAGER CODE"
                                           : "REPEAT CODE");
            set_line(l2, lock->door_open ? "" : "THE DOOR");
            // The first field is like the idle screen ('*' NN reaches the
            // lock, which answers SET UP FIRST); in the repeat '*' cancels.
            o->input = lock->step == 0 ? OL_INPUT_IDLE : OL_INPUT_SECRET;
        } else if (lock->mode == MODE_FUNCTION) {
            function_screen(lock, l1, l2, &o->input);
        } else if (recovery_screen(lock, l1, l2, &o->input)) {
            // recovery: typing, delay, new manager code, or a new code shown
        } else if (o->bolt == OL_BOLT_RETRACTED) {
            set_line(l1, lock->door_open ? "DOOR OPEN" : "OPEN");
        } else if (lock->dual_until != 0) {
            set_line(l1, "SECOND CODE");
        } else if (lock->window_until != 0 && lock->now < lock->delay_until) {
            set_line(l1, "TIME DELAY");
            put_time_left(l2, until(lock, lock->delay_until));
            l2[5] = '\0';
            o->input = OL_INPUT_SECRET; // '*' cancels the delay
        } else if (lock->window_until != 0) {
            // A window the time lock has closed in the meantime is no
            // invitation to type a code.
            enum refusal why = timelock_refusal(lock);
            set_line(l1, why == REFUSAL_NONE ? "OPEN NOW: CODE" : refusal_text(why));
            set_line(l2, "WINDOW 00:00");
            put_time_left(l2 + 7, until(lock, lock->window_until));
        } else if (countdown_left(lock, &lock->timelock) != 0) {
            set_line(l1, "TIME LOCKED");
            set_line(l2, "00:00 LEFT");
            put_time_left(l2, countdown_left(lock, &lock->timelock));
        }
        if (lock->message_until != 0) {
            set_line(l1, lock->message[0]);
            set_line(l2, lock->message[1]);
            tone = (enum tone)lock->message_tone;
        }
        // A warning on every use while the battery is low.
        if (lock->battery_known && lock->battery_mv < OL_BATTERY_WARN_MV && l2[0] == '\0') {
            set_line(l2, "LOW BATTERY");
        }
        // A lock without the recovery code its owner did not turn off (a
        // showing cut short, a recovery used up) says so until *14.
        if (lock->mode == MODE_IDLE && !lock->recovery_enabled && !lock->set.recovery_off &&
            l2[0] == '\0') {
            set_line(l2, "NO RECOVERY CODE");
        }
    }
    set_line(o->line[0], l1);
    set_line(o->line[1], l2);
    o->led_green = lock->mode != MODE_FAULT &&
                   (o->bolt == OL_BOLT_RETRACTED || (left == 0 && tone == TONE_OK));
    o->led_red = tone == TONE_ERROR || tone == TONE_ALERT;
}

// ---- entry points ---------------------------------------------------------------------

static void enter_fault(ol_lock *lock) {
    lock->mode = MODE_FAULT;
    lock->menu_deadline = 0;
    lock->message_until = 0;
    lock->relock_at = 0;
    lock->delay_until = 0;
    lock->window_until = 0;
    lock->dual_until = 0;
    lock->recovery_until = 0;
    lock->recovery_window = 0;
    lock->served_open = false;
    if (!lock->door_open) {
        lock->out.bolt = OL_BOLT_EXTENDED;
    }
    ol_wipe(lock->recovery_digits, sizeof lock->recovery_digits);
    ol_wipe(lock->pending, sizeof lock->pending);
    ol_wipe(lock->new_key, sizeof lock->new_key);
}

ol_err fault_detected(ol_lock *lock) {
    // Logged first: the evidence outlives the power cycle that ends MODE_FAULT.
    ol_err err = audit_append(lock, OL_AUDIT_FAULT_DETECTED, OL_AUDIT_NO_SLOT, 0);
    enter_fault(lock);
    lock->glitch = true;
    return err;
}

// A lock without a manager code is new. That is read a second time, from a
// second mount of the store (into the same index: no RAM for a second one),
// apart from the first and from load_state, so that one glitch in either
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

// Power returns: a commissioned lock throws the bolt, whatever it was and
// even with the door open (the door switch is one input, and one glitch on
// its copy could say "open"; the owner's code retracts it again). A new lock
// keeps it retracted, only if both checks of the mode say so (fih.h).
static void bolt_at_power_up(ol_lock *lock) {
    if (lock->mode == MODE_FACTORY) {
        if (fih_opaque(lock->mode) == MODE_FACTORY) {
            lock->out.bolt = OL_BOLT_RETRACTED;
        }
    }
}

ol_err ol_lock_boot(ol_lock *lock, const ol_platform *plat, uint64_t now_ms, bool door_open) {
    memset(lock, 0, sizeof *lock);
    lock->plat = plat;
    lock->now = now_ms;
    lock->door_open = door_open;
    lock->out.bolt = OL_BOLT_EXTENDED; // until the store says the lock is new
    // The state first: with it the lock body can still reach its keypad
    // (and show STORAGE FAULT there) if the audit ring is what failed.
    ol_err err = ol_kv_mount(&lock->kv, plat->flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS);
    if (!err) {
        err = load_state(lock);
    }
    if (!err) {
        err = ol_log_mount(&lock->audit, plat->flash, OL_AUDIT_FIRST_SECTOR, OL_AUDIT_SECTORS);
    }
    if (!err && ol_log_capacity(&lock->audit, AUDIT_RECORD_BYTES) < OL_AUDIT_MIN_EVENTS) {
        err = OL_ERR_FULL;
    }
    if (!err) {
        err = audit_resume(lock);
    }
    if (!err) {
        lock->mode = commissioned(lock) ? MODE_IDLE : MODE_FACTORY;
        if (lock->mode == MODE_FACTORY) {
            err = confirm_new(lock);
        }
    }
    if (!err) {
        bolt_at_power_up(lock);
        err = audit_append(lock, OL_AUDIT_POWER_UP, OL_AUDIT_NO_SLOT, 0);
    }
    if (!err) {
        err = recovery_power_up(lock);
    }
    if (err) {
        enter_fault(lock);
    }
    render(lock);
    return err;
}

// Every event is checked before anything reads it: digits 0..9 (all of
// them, no early exit: the digits are secret), function numbers 0..99.
static bool well_formed(const ol_event *ev) {
    if (ev->type == OL_EV_ENTRY) {
        uint32_t bad = ev->ndigits > OL_ENTRY_MAX_DIGITS;
        for (uint32_t i = 0; i < OL_ENTRY_MAX_DIGITS; i++) {
            bad |= (uint32_t)(ev->digits[i] > 9) & (uint32_t)(i < ev->ndigits);
        }
        return bad == 0;
    }
    return ev->type != OL_EV_FUNCTION || ev->function <= 99;
}

static ol_err dispatch(ol_lock *lock, const ol_event *ev, bool locked_out) {
    if (!well_formed(ev)) {
        return OL_ERR_ARG;
    }
    if (ev->type == OL_EV_ENTRY || ev->type == OL_EV_FUNCTION || ev->type == OL_EV_CANCEL) {
        lock->event_unpaired = ev->unpaired; // the keypad the current screen answers
    }
    if (ev->unpaired && !unpaired_may_pass(lock, ev)) {
        // A keypad that is not paired can start a recovery, or pair itself
        // with a manager code while the door is open; nothing else.
        return ol_lock_link_rejected(lock, lock->now);
    }
    switch (ev->type) {
    case OL_EV_TICK:
        return OL_OK;
    case OL_EV_DOOR:
        door_changed(lock, ev->door_open);
        return OL_OK;
    case OL_EV_BATTERY:
        return battery_measured(lock, ev->value);
    case OL_EV_REMOTE_DISABLE:
        return remote_disable_changed(lock, ev->value != 0);
    case OL_EV_ENTRY:
        // Keys during a lockout are ignored and do not extend it; an empty
        // entry is never a try.
        if (locked_out ||
            (ev->ndigits == 0 && lock->mode != MODE_SHOW_CODE && !function_wants_empty(lock))) {
            return OL_OK;
        }
        bool had_message = lock->message_until != 0;
        lock->message_until = 0;
        if (lock->mode == MODE_FACTORY) {
            return factory_entry(lock, ev);
        }
        if (lock->mode == MODE_FUNCTION) {
            lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
            return function_entry(lock, ev);
        }
        if (lock->mode == MODE_SHOW_CODE) {
            if (had_message && ev->ndigits == 0) {
                return OL_OK; // this '#' only put the recovery code back on
            }
            return recovery_show_entry(lock, ev);
        }
        if (lock->mode == MODE_RECOVERY) {
            lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
            return recovery_entry(lock, ev);
        }
        return open_attempt(lock, ev);
    case OL_EV_FUNCTION:
        if (locked_out) {
            return OL_OK;
        }
        if (lock->mode == MODE_FACTORY) {
            say(lock, TONE_ERROR, "SET UP FIRST", "");
            return OL_OK;
        }
        if (lock->mode == MODE_SHOW_CODE) {
            return OL_OK; // the new recovery code must be seen to the end
        }
        if (lock->mode == MODE_RECOVERY) {
            ol_err err = recovery_cancel(lock);
            if (err) {
                return err;
            }
        }
        if (ev->function == 99) {
            recovery_start(lock);
            return OL_OK;
        }
        start_function(lock, ev->function);
        return OL_OK;
    case OL_EV_CANCEL:
        if (locked_out) {
            return OL_OK;
        }
        if (lock->mode == MODE_RECOVERY) {
            say(lock, TONE_INFO, "CANCELLED", NOTHING_CHANGED);
            return recovery_cancel(lock);
        } else if (lock->mode == MODE_SHOW_CODE) {
            recovery_abandon(lock);
        } else if (lock->mode == MODE_FUNCTION || (lock->mode == MODE_FACTORY && lock->step == 1)) {
            end_function(lock);
            ol_wipe(lock->new_key, sizeof lock->new_key);
            say(lock, TONE_INFO, "CANCELLED", NOTHING_CHANGED);
        } else if (lock->mode == MODE_IDLE && lock->now < lock->delay_until) {
            // Anyone may cancel a running time delay: it only makes opening
            // slower. In the window a '*' is a typo cleared, not a cancel.
            lock->delay_until = 0;
            lock->window_until = 0;
            say(lock, TONE_INFO, "DELAY CANCELLED", "");
            return audit_append(lock, OL_AUDIT_DELAY_CANCELLED, OL_AUDIT_NO_SLOT, 0);
        }
        return OL_OK;
    }
    return OL_ERR_ARG;
}

ol_err ol_lock_event(ol_lock *lock, uint64_t now_ms, const ol_event *ev) {
    if (now_ms > lock->now) {
        lock->now = now_ms;
    }
    if (lock->mode == MODE_FAULT) {
        if (ev->type == OL_EV_DOOR) {
            lock->door_open = ev->door_open;
            if (!lock->door_open) {
                lock->out.bolt = OL_BOLT_EXTENDED;
            }
        }
        render(lock);
        return OL_OK;
    }
    ol_err err = run_timers(lock);
    if (!err) {
        err = dispatch(lock, ev, countdown_left(lock, &lock->lockout) != 0);
    }
    if (err && err != OL_ERR_ARG) {
        enter_fault(lock);
    }
    render(lock);
    return err;
}

const ol_outputs *ol_lock_outputs(const ol_lock *lock) {
    return &lock->out;
}

void ol_lock_status(const ol_lock *lock, ol_status *st) {
    st->commissioned = commissioned(lock);
    st->door_open = lock->door_open;
    st->enrolled = lock->enrolled;
    st->failures = lock->failures;
    st->lockout_remaining_ms = countdown_left(lock, &lock->lockout);
    st->last_lockout_ms = lock->last_lockout;
    st->audit_first_seq = ol_log_first_seq(&lock->audit);
    st->audit_next_seq = ol_log_next_seq(&lock->audit);
    st->delay_remaining_ms = lock->window_until ? until(lock, lock->delay_until) : 0;
    st->window_remaining_ms =
        lock->window_until && lock->now >= lock->delay_until ? until(lock, lock->window_until) : 0;
    st->timelock_remaining_ms = countdown_left(lock, &lock->timelock);
    st->alarm = lock->out.alarm;
    st->recovery_delay_ms = lock->recovery_until ? until(lock, lock->recovery_until) : 0;
    st->recovery_enabled = lock->recovery_enabled;
    st->settings = lock->set;
    memcpy(st->code_checks, lock->code_checks, OL_SLOTS);
    st->code_check_refill_ms =
        checks_all_full(lock) ? 0 : countdown_left(lock, &lock->check_refill);
}

void ol_lock_shutdown(ol_lock *lock) {
    ol_wipe(lock, sizeof *lock);
}
