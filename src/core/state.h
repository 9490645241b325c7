// ownerlock — the engine's modes, and the readings of the lock's state that
// every part of the engine shares (internal).
#ifndef OWNERLOCK_CORE_STATE_H
#define OWNERLOCK_CORE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// What the keypad's next entry means; lock.c hands each entry to the
// handler of the current mode. MODE_FACTORY is neither zero, what a cleared
// context holds, nor a small number, what a glitch-smashed one likely holds:
// a glitch at power-up must not make a lock look new.
enum mode {
    MODE_IDLE = 0,       // commissioned, waiting for a code or a function (opening.c)
    MODE_FACTORY = 0xA6, // no manager code yet (commission.c): step 0 first, 1 repeat
    MODE_FUNCTION = 2,   // a *NN function runs (functions.c)
    MODE_FAULT = 3,      // storage failed or a fault was detected: refuse everything (fault.c)
    MODE_RECOVERY = 4,   // *99: the recovery code (step 0), new manager code (2, 3) (recovery.c)
    MODE_SHOW_CODE = 5,  // a new recovery code is shown, one group per '#' (recovery.c)
    MODE_OFFER = 6,      // a firmware image waits for a manager's '#' (service.c)
    MODE_ONE_TIME = 7,   // a valid code waits for its one-time code (onetime.c)
};

#define MANAGER_MASK ((1u << OL_MANAGER_SLOTS) - 1u)

// A lock with a manager code is commissioned; without one it is new.
static inline bool ol_commissioned(const ol_lock *lock) {
    return (lock->enrolled & MANAGER_MASK) != 0;
}

// Milliseconds of a countdown still to serve (powered time).
uint32_t ol_countdown_left(const ol_lock *lock, const ol_countdown *c);
// A saved countdown (the lockout, the time lock) is saved again when it runs
// out and every OL_PENALTY_CHECKPOINT_MS while it runs, so a power cut loses
// at most one interval of served time. True when that save is due; *left is
// what remains to serve.
bool ol_countdown_checkpoint(const ol_lock *lock, const ol_countdown *c, uint32_t *left);
// Milliseconds until time t, 0 once it has passed.
uint32_t ol_until(const ol_lock *lock, uint64_t t);

#endif
