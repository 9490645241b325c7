// ownerlock — the wrong-try penalty (DESIGN.md defaults, config.h limits).
//
// The rule is a pure function of the persisted state, so the lock can save
// the state a wrong try *would* produce before it evaluates the entry.
#ifndef OWNERLOCK_CORE_PENALTY_H
#define OWNERLOCK_CORE_PENALTY_H

#include <stdint.h>

typedef struct penalty {
    uint32_t failures;     // consecutive wrong entries since the last valid one
    uint32_t last_lockout; // ms of the last lockout since then, 0 if none
    uint32_t remaining;    // ms of lockout still to serve (powered time)
} penalty;

// The state after one more wrong entry.
penalty ol_penalty_after_failure(penalty p);
// The state after a valid credential: everything forgiven.
penalty ol_penalty_cleared(void);

#endif
