// ownerlock — the time delay and its opening window: the first valid code
// starts the delay; the window follows, in which a valid code opens.
#include "delay.h"

#include "audit.h"
#include "dual.h"
#include "refusal.h"
#include "screen.h"
#include "state.h"

bool ol_in_window(const ol_lock *lock) {
    return lock->window_until != 0 && lock->now >= lock->delay_until;
}

ol_err ol_time_delay(ol_lock *lock, uint8_t slot, bool *go_on, bool *served) {
    *go_on = false;
    *served = lock->set.delay_min == 0;
    if (lock->set.delay_min == 0 || (lock->set.override >> slot) & 1u) {
        *go_on = true;
        return OL_OK;
    }
    if (ol_in_window(lock)) {
        *go_on = true;
        *served = true;
        return OL_OK;
    }
    if (lock->window_until != 0) {
        char l2[] = "00:00 LEFT";
        ol_put_time_left(l2, ol_until(lock, lock->delay_until));
        ol_say(lock, TONE_INFO, "TIME DELAY", l2);
        return ol_refusal_record(lock, slot, OL_FN_OPENING, REFUSAL_DELAY);
    }
    ol_err err = ol_dual_lapse(lock); // a first code of before does not carry into a new delay
    if (err) {
        return err;
    }
    lock->delay_until = lock->now + (uint64_t)lock->set.delay_min * 60000u;
    lock->window_until = lock->delay_until + (uint64_t)lock->set.window_min * 60000u;
    return ol_audit_append(lock, OL_AUDIT_DELAY_STARTED, slot, lock->set.delay_min);
}

ol_err ol_delay_cancel(ol_lock *lock) {
    // In the window a '*' is a typo cleared, not a cancel.
    if (lock->now >= lock->delay_until) {
        return OL_OK;
    }
    lock->delay_until = 0;
    lock->window_until = 0;
    ol_say(lock, TONE_INFO, "DELAY CANCELLED", "");
    return ol_audit_append(lock, OL_AUDIT_DELAY_CANCELLED, OL_AUDIT_NO_SLOT, 0);
}

void ol_delay_timer(ol_lock *lock) {
    if (lock->window_until != 0 && lock->now >= lock->window_until) {
        lock->delay_until = 0; // the window closed unused: a new delay next time
        lock->window_until = 0;
    }
}
