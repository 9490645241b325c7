// ownerlock — the wrong-try penalty.
#include "penalty.h"

#include "ownerlock/config.h"

uint32_t ol_penalty_lockout(uint32_t failures) {
    if (failures < OL_PENALTY_FREE_TRIES) {
        return 0;
    }
    // From the first lockout on, every wrong entry doubles it, up to the cap.
    uint32_t lockout = OL_PENALTY_FIRST_MS;
    for (uint32_t k = OL_PENALTY_FREE_TRIES; k < failures && lockout < OL_PENALTY_MAX_MS; k++) {
        lockout = lockout >= OL_PENALTY_MAX_MS / 2 ? OL_PENALTY_MAX_MS : 2 * lockout;
    }
    return lockout;
}

penalty ol_penalty_after_failure(penalty p) {
    if (p.failures < UINT32_MAX) {
        p.failures++;
    }
    uint32_t lockout = ol_penalty_lockout(p.failures);
    if (lockout != 0) {
        p.last_lockout = lockout;
        p.remaining = lockout;
    }
    return p;
}

penalty ol_penalty_back_to(penalty p, uint32_t failures) {
    p.failures = failures;
    p.last_lockout = ol_penalty_lockout(failures);
    p.remaining = 0;
    return p;
}

penalty ol_penalty_cleared(void) {
    return (penalty){0, 0, 0, UINT32_MAX};
}
