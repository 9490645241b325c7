// ownerlock — dual control of openings: two different codes within
// OL_DUAL_WINDOW_MS; the second opens.
#include "dual.h"

#include "refusal.h"
#include "screen.h"

ol_err ol_dual_control(ol_lock *lock, uint8_t slot, bool *go_on, uint16_t *first) {
    *go_on = false;
    *first = 0;
    if (!lock->set.dual) {
        *go_on = true;
        return OL_OK;
    }
    if (lock->dual_until == 0) {
        lock->dual_first = slot;
        lock->dual_until = lock->now + OL_DUAL_WINDOW_MS;
        ol_say(lock, TONE_OK, "SECOND CODE", "");
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

ol_err ol_dual_timer(ol_lock *lock) {
    if (lock->dual_until != 0 && lock->now >= lock->dual_until) {
        lock->dual_until = 0; // one code alone, and no second came: in the trail too
        return ol_refusal_record(lock, lock->dual_first, OL_FN_OPENING, REFUSAL_ALONE);
    }
    return OL_OK;
}
