// ownerlock — dual control of openings: two different codes within
// OL_DUAL_WINDOW_MS; the second opens.
#include "dual.h"

#include "audit.h"
#include "refusal.h"
#include "screen.h"
#include "state.h"

bool ol_dual_possible(uint32_t enrolled, bool users_disabled) {
    uint32_t usable = enrolled & (users_disabled ? MANAGER_MASK : UINT32_MAX);
    return (usable & (usable - 1u)) != 0; // two bits or more
}

ol_err ol_dual_control(ol_lock *lock, uint8_t slot, bool *go_on, uint16_t *first) {
    *go_on = false;
    *first = 0;
    if (!lock->set.dual) {
        *go_on = true;
        return OL_OK;
    }
    // The first code counts only while it could still be given: a slot
    // deleted, or a user disabled, since it was typed is nobody's code now.
    uint8_t first_slot = lock->dual_first;
    bool first_stands = (lock->enrolled >> first_slot) & 1u &&
                        !(first_slot >= OL_MANAGER_SLOTS && lock->set.users_disabled);
    if (lock->dual_until == 0 || !first_stands) {
        // Recorded now, not only when no second came in time: a dial lock
        // goes dark when the dial stops, and RAM with it (issue 17).
        ol_err err = ol_dual_lapse(lock);
        if (!err) {
            err = ol_audit_append(lock, OL_AUDIT_FIRST_CODE, slot, 0);
        }
        if (err) {
            return err;
        }
        lock->dual_first = slot;
        lock->dual_until = lock->now + OL_DUAL_WINDOW_MS;
        ol_say(lock, TONE_OK, lock->set.id_mode ? "SECOND ID+CODE" : "SECOND CODE", "");
        return OL_OK;
    }
    if (slot == lock->dual_first) {
        return ol_refused(lock, slot, OL_FN_OPENING, REFUSAL_SAME, "");
    }
    *first = (uint16_t)(1u + lock->dual_first);
    lock->dual_until = 0;
    *go_on = true;
    return OL_OK;
}

bool ol_dual_repeats(const ol_lock *lock, uint8_t slot) {
    return lock->set.dual && lock->dual_until != 0 && slot == lock->dual_first;
}

ol_err ol_dual_lapse(ol_lock *lock) {
    if (lock->dual_until == 0) {
        return OL_OK;
    }
    lock->dual_until = 0; // one code alone, and no second came: in the trail too
    return ol_refusal_record(lock, lock->dual_first, OL_FN_OPENING, REFUSAL_ALONE);
}

ol_err ol_dual_timer(ol_lock *lock) {
    if (lock->dual_until != 0 && lock->now >= lock->dual_until) {
        return ol_dual_lapse(lock);
    }
    return OL_OK;
}
