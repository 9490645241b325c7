// ownerlock — the wrong-try penalty (DESIGN.md defaults, config.h limits).
//
// The rule is a pure function of the persisted state, so the lock can save
// the state a wrong try *would* produce before it evaluates the entry.
#ifndef OWNERLOCK_CORE_PENALTY_H
#define OWNERLOCK_CORE_PENALTY_H

#include <stdint.h>

typedef struct penalty {
    uint32_t failures;     // wrong entries counted (docs/POLICY.md, "Wrong tries")
    uint32_t last_lockout; // ms of the lockout the count stands at, 0 if none
    uint32_t remaining;    // ms of lockout still to serve (powered time)
    uint32_t since;        // the clock's second of the last wrong entry, or one a
                           // quiet day forgave (OL_RTC_LOST: none known)
} penalty;

// The lockout the wrong entry that makes the count `failures` starts: none
// before OL_PENALTY_FREE_TRIES, then OL_PENALTY_FIRST_MS doubling per entry
// up to OL_PENALTY_MAX_MS.
uint32_t ol_penalty_lockout(uint32_t failures);
// The state after one more wrong entry.
penalty ol_penalty_after_failure(penalty p);
// The count of p taken back to `failures` (an opening's undo, a quiet day),
// no lockout running; p.since is kept.
penalty ol_penalty_back_to(penalty p, uint32_t failures);
// Nothing counted.
penalty ol_penalty_cleared(void);

#endif
