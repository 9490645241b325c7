// ownerlock — the wrong-try penalty.
#include "penalty.h"

#include "ownerlock/config.h"

penalty ol_penalty_after_failure(penalty p) {
    if (p.failures < UINT32_MAX) {
        p.failures++;
    }
    uint32_t lockout = 0;
    if (p.last_lockout != 0) {
        // After the first lockout every wrong entry doubles it, up to the cap.
        lockout = p.last_lockout >= OL_PENALTY_MAX_MS / 2 ? OL_PENALTY_MAX_MS : 2 * p.last_lockout;
    } else if (p.failures >= OL_PENALTY_FREE_TRIES) {
        lockout = OL_PENALTY_FIRST_MS;
    }
    if (lockout != 0) {
        p.last_lockout = lockout;
        p.remaining = lockout;
    }
    return p;
}

penalty ol_penalty_cleared(void) {
    penalty p = {0, 0, 0};
    return p;
}
