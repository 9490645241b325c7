// ownerlock — the fault mode.
#include "fault.h"

#include "audit.h"
#include "ownerlock/crypto.h"
#include "state.h"

void ol_fault_enter(ol_lock *lock) {
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

ol_err ol_fault_detected(ol_lock *lock) {
    // Logged first: the evidence outlives the power cycle that ends MODE_FAULT.
    ol_err err = ol_audit_append(lock, OL_AUDIT_FAULT_DETECTED, OL_AUDIT_NO_SLOT, 0);
    ol_fault_enter(lock);
    lock->glitch = true;
    return err;
}

void ol_fault_event(ol_lock *lock, const ol_event *ev) {
    if (ev->type == OL_EV_DOOR) {
        lock->door_open = ev->door_open;
        if (!lock->door_open) {
            lock->out.bolt = OL_BOLT_EXTENDED;
        }
    }
}
