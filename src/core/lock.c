// ownerlock — the lock engine's dispatcher: each event goes to the part of
// the engine that handles it in the current mode (state.h); nothing else
// lives here. Where each rule is: docs/ARCHITECTURE.md, "Where is...".
//
// Order matters in every handler: a wrong try is saved before the entry is
// evaluated (tries.h), an opening is in the audit trail before the bolt
// moves (opening.c), and nothing is changed by a refused request.
#include <string.h>

#include "audit.h"
#include "commission.h"
#include "delay.h"
#include "dual.h"
#include "enrol.h"
#include "fault.h"
#include "functions.h"
#include "opening.h"
#include "ownerlock/crypto.h"
#include "store/store.h"
#include "onetime.h"
#include "pairing.h"
#include "persist.h"
#include "recovery.h"
#include "screen.h"
#include "sensors.h"
#include "service.h"
#include "state.h"
#include "timelock.h"
#include "tries.h"

// ---- timers ---------------------------------------------------------------------

// A field left unanswered for OL_MENU_TIMEOUT_MS.
static ol_err menu_timed_out(ol_lock *lock) {
    switch (lock->mode) {
    case MODE_SHOW_CODE:
        ol_recovery_abandon(lock);
        return OL_OK;
    case MODE_RECOVERY: {
        ol_err err = ol_recovery_cancel(lock);
        ol_say(lock, TONE_INFO, "TIMED OUT", NOTHING_CHANGED);
        return err;
    }
    case MODE_OFFER:
        return ol_service_offer_decline(lock);
    case MODE_ONE_TIME:
        lock->mode = MODE_IDLE;
        ol_say(lock, TONE_INFO, "TIMED OUT", "");
        return OL_OK;
    default:
        ol_function_stop(lock, TONE_INFO, "TIMED OUT");
        return OL_OK;
    }
}

static ol_err run_timers(ol_lock *lock) {
    ol_err err = ol_penalty_timer(lock);
    if (!err) {
        err = ol_timelock_timer(lock);
    }
    if (!err) {
        err = ol_bolt_timer(lock);
    }
    if (err) {
        return err;
    }
    if (lock->message_until != 0 && lock->now >= lock->message_until) {
        lock->message_until = 0;
    }
    if (lock->menu_deadline != 0 && lock->now >= lock->menu_deadline) {
        err = menu_timed_out(lock);
    }
    if (!err) {
        err = ol_link_reject_timer(lock);
    }
    if (!err) {
        err = ol_code_checks_timer(lock);
    }
    if (!err) {
        err = ol_recovery_timers(lock);
    }
    if (!err) {
        err = ol_service_timer(lock);
    }
    if (!err) {
        ol_delay_timer(lock);
        err = ol_dual_timer(lock);
    }
    return err;
}

// The next whole second of a countdown shown as MM:SS.
static uint64_t next_second(const ol_lock *lock, uint32_t left) {
    return lock->now + (left == 0 ? 0 : (left - 1) % 1000u + 1u);
}

uint64_t ol_lock_next_deadline(const ol_lock *lock) {
    uint64_t c[16] = {lock->relock_at, lock->message_until, lock->menu_deadline, lock->window_until,
                      lock->dual_until};
    if (lock->service_until != 0) {
        c[14] = lock->service_until;
        c[15] = next_second(lock, ol_until(lock, lock->service_until));
    }
    if (lock->rejects_unlogged != 0) {
        c[11] = lock->reject_logged_at + OL_REJECT_LOG_MS;
    }
    if (!ol_code_checks_full(lock)) {
        c[12] = lock->now + ol_countdown_left(lock, &lock->check_refill);
    }
    c[9] = lock->recovery_window;
    c[13] = lock->quiet_until;
    if (lock->recovery_until != 0) {
        c[10] = next_second(lock, ol_until(lock, lock->recovery_until));
    }
    if (lock->lockout.ms != 0) {
        c[5] = next_second(lock, ol_countdown_left(lock, &lock->lockout));
        c[6] = lock->lockout.saved + OL_PENALTY_CHECKPOINT_MS;
    }
    if (lock->timelock.ms != 0) {
        c[7] = lock->timelock.saved + OL_PENALTY_CHECKPOINT_MS;
        if (ol_countdown_left(lock, &lock->timelock) == 0) {
            c[7] = lock->now;
        }
    }
    if (lock->window_until != 0) {
        uint64_t end = lock->now < lock->delay_until ? lock->delay_until : lock->window_until;
        c[8] = next_second(lock, ol_until(lock, end));
    }
    uint64_t next = UINT64_MAX;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        if (c[i] != 0 && c[i] < next) {
            next = c[i];
        }
    }
    return next;
}

// ---- power-up -----------------------------------------------------------------------

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
        err = ol_load_state(lock);
    }
    if (!err) {
        err = ol_log_mount(&lock->audit, plat->flash, OL_AUDIT_FIRST_SECTOR, OL_AUDIT_SECTORS);
    }
    if (!err && ol_log_capacity(&lock->audit, AUDIT_RECORD_BYTES) < OL_AUDIT_MIN_EVENTS) {
        err = OL_ERR_FULL;
    }
    if (!err) {
        err = ol_audit_resume(lock);
    }
    if (!err) {
        err = ol_commission_mode(lock);
    }
    if (!err) {
        ol_bolt_at_power_up(lock);
        err = ol_audit_append(lock, OL_AUDIT_POWER_UP, OL_AUDIT_NO_SLOT, 0);
    }
    if (!err) {
        err = ol_recovery_power_up(lock);
    }
    if (!err) {
        err = ol_service_power_up(lock);
    }
    if (!err) {
        err = ol_penalty_power_up(lock);
    }
    if (!err) {
        // An opening by one-time code cut short: the bolt this power-up
        // threw is recorded, then the seal (which counts the cut too), once
        // the door is shut (twenty-second outside evaluation: a "close" seal
        // was shown with the door open).
        err = ol_onetime_shut(lock);
    }
    if (err) {
        ol_fault_enter(lock);
    }
    ol_screen_render(lock);
    return err;
}

// ---- events -------------------------------------------------------------------------

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

// Digits and '#'. An empty entry is never a try; it only pages, confirms or
// steps through a shown recovery code.
static ol_err entry(ol_lock *lock, const ol_event *ev) {
    if (ev->ndigits == 0 && lock->mode != MODE_SHOW_CODE && lock->mode != MODE_OFFER &&
        !ol_function_wants_empty(lock)) {
        return OL_OK;
    }
    bool had_message = lock->message_until != 0;
    lock->message_until = 0;
    switch (lock->mode) {
    case MODE_FACTORY:
        return ol_commission_entry(lock, ev);
    case MODE_FUNCTION:
        lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
        return ol_function_entry(lock, ev);
    case MODE_SHOW_CODE:
        if (had_message && ev->ndigits == 0) {
            return OL_OK; // this '#' only put the recovery code back on
        }
        return ol_recovery_show_entry(lock, ev);
    case MODE_RECOVERY:
        lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
        return ol_recovery_entry(lock, ev);
    case MODE_OFFER:
        return ol_service_offer_entry(lock, ev);
    case MODE_ONE_TIME:
        return ol_onetime_entry(lock, ev);
    default:
        return ol_open_attempt(lock, ev);
    }
}

// '*' NN.
static ol_err function_key(ol_lock *lock, uint8_t number) {
    switch (lock->mode) {
    case MODE_FACTORY:
        ol_say(lock, TONE_ERROR, "SET UP FIRST", "");
        return OL_OK;
    case MODE_SHOW_CODE:
        return OL_OK; // the new recovery code must be seen to the end
    case MODE_OFFER: {
        ol_err err = ol_service_offer_decline(lock);
        if (err) {
            return err;
        }
        break;
    }
    case MODE_RECOVERY: {
        ol_err err = ol_recovery_cancel(lock);
        if (err) {
            return err;
        }
        break;
    }
    case MODE_ONE_TIME:
        lock->mode = MODE_IDLE; // the code waiting is dropped
        break;
    default:
        break;
    }
    if (number == OL_FN_RECOVERY) {
        ol_recovery_start(lock);
    } else {
        ol_function_start(lock, number);
    }
    return OL_OK;
}

// '*' alone.
static ol_err cancel_key(ol_lock *lock) {
    switch (lock->mode) {
    case MODE_RECOVERY:
        ol_say(lock, TONE_INFO, "CANCELLED", NOTHING_CHANGED);
        return ol_recovery_cancel(lock);
    case MODE_SHOW_CODE:
        ol_recovery_abandon(lock);
        return OL_OK;
    case MODE_FACTORY:
        if (lock->step == 1) {
            ol_function_stop(lock, TONE_INFO, "CANCELLED"); // the first manager code's repeat
        }
        return OL_OK;
    case MODE_FUNCTION:
        ol_function_stop(lock, TONE_INFO, "CANCELLED");
        return OL_OK;
    case MODE_OFFER:
        return ol_service_offer_decline(lock);
    case MODE_ONE_TIME:
        lock->mode = MODE_IDLE;
        ol_say(lock, TONE_INFO, "CANCELLED", "");
        return OL_OK;
    default:
        return ol_delay_cancel(lock);
    }
}

static ol_err dispatch(ol_lock *lock, const ol_event *ev) {
    if (!well_formed(ev)) {
        return OL_ERR_ARG;
    }
    if (ev->type == OL_EV_ENTRY || ev->type == OL_EV_FUNCTION || ev->type == OL_EV_CANCEL) {
        lock->event_unpaired = ev->unpaired; // the keypad the current screen answers
    }
    if (ev->unpaired && !ol_unpaired_may_pass(lock, ev)) {
        // A keypad that is not paired can start a recovery, or pair itself
        // with a manager code while the door is open; nothing else.
        return ol_lock_link_rejected(lock, lock->now);
    }
    // Keys during a lockout are ignored and do not extend it.
    bool keys_off = ol_countdown_left(lock, &lock->lockout) != 0;
    switch (ev->type) {
    case OL_EV_TICK:
        return OL_OK;
    case OL_EV_DOOR: {
        ol_door_changed(lock, ev->door_open);
        ol_err err = ol_onetime_shut(lock);        // shut on a bolt already out
        return err ? err : ol_service_timer(lock); // a shut door ends a service session
    }
    case OL_EV_BATTERY:
        return ol_battery_measured(lock, ev->value);
    case OL_EV_REMOTE_DISABLE:
        return ol_remote_disable_changed(lock, ev->value != 0);
    case OL_EV_ENTRY:
        return keys_off ? OL_OK : entry(lock, ev);
    case OL_EV_FUNCTION:
        return keys_off ? OL_OK : function_key(lock, ev->function);
    case OL_EV_CANCEL:
        return keys_off ? OL_OK : cancel_key(lock);
    }
    return OL_ERR_ARG;
}

ol_err ol_lock_event(ol_lock *lock, uint64_t now_ms, const ol_event *ev) {
    if (now_ms > lock->now) {
        lock->now = now_ms;
    }
    if (lock->mode == MODE_FAULT) {
        ol_fault_event(lock, ev);
        ol_screen_render(lock);
        return OL_OK;
    }
    ol_err err = run_timers(lock);
    if (!err) {
        err = dispatch(lock, ev);
    }
    if (err && err != OL_ERR_ARG) {
        ol_fault_enter(lock);
    }
    ol_screen_render(lock);
    return err;
}

// ---- outputs ------------------------------------------------------------------------

const ol_outputs *ol_lock_outputs(const ol_lock *lock) {
    return &lock->out;
}

void ol_lock_status(const ol_lock *lock, ol_status *st) {
    st->commissioned = ol_commissioned(lock);
    st->door_open = lock->door_open;
    st->enrolled = lock->enrolled;
    st->failures = lock->failures;
    st->openings = lock->openings;
    st->lockout_remaining_ms = ol_countdown_left(lock, &lock->lockout);
    st->last_lockout_ms = lock->last_lockout;
    st->audit_first_seq = ol_log_first_seq(&lock->audit);
    st->audit_next_seq = ol_log_next_seq(&lock->audit);
    st->delay_remaining_ms = lock->window_until ? ol_until(lock, lock->delay_until) : 0;
    st->window_remaining_ms = lock->window_until && lock->now >= lock->delay_until
                                  ? ol_until(lock, lock->window_until)
                                  : 0;
    st->timelock_remaining_ms = ol_countdown_left(lock, &lock->timelock);
    st->alarm = lock->out.alarm;
    st->recovery_delay_ms = lock->recovery_until ? ol_until(lock, lock->recovery_until) : 0;
    st->recovery_enabled = lock->recovery_enabled;
    st->settings = lock->set;
    memcpy(st->code_checks, lock->code_checks, OL_SLOTS);
    st->code_check_refill_ms =
        ol_code_checks_full(lock) ? 0 : ol_countdown_left(lock, &lock->check_refill);
    st->service_session_ms = lock->service_until ? ol_until(lock, lock->service_until) : 0;
}

void ol_lock_shutdown(ol_lock *lock) {
    ol_wipe(lock, sizeof *lock);
}
