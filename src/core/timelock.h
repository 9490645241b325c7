// ownerlock — the time lock: "lock for N hours" (*11), the weekly schedule
// (*07) and holidays (*10) (internal; calendar arithmetic: schedule.h).
#ifndef OWNERLOCK_CORE_TIMELOCK_H
#define OWNERLOCK_CORE_TIMELOCK_H

#include <stdbool.h>

#include "ownerlock/lock.h"
#include "refusal.h"

// A calendar (schedule or holiday) governs and the clock has lost its time:
// nobody can open, and whoever sets the clock chooses when the lock opens.
bool ol_clock_lost_under_calendar(const ol_lock *lock);
// Whether the time lock allows opening now (REFUSAL_NONE), or why not.
enum refusal ol_timelock_refusal(const ol_lock *lock);
// Saves the time lock served so far, every OL_PENALTY_CHECKPOINT_MS.
ol_err ol_timelock_timer(ol_lock *lock) OL_MUST_CHECK;
// Saves the time lock served so far, every OL_PENALTY_CHECKPOINT_MS.
ol_err ol_timelock_timer(ol_lock *lock) OL_MUST_CHECK;

#endif
