// ownerlock — the fault mode: storage failed, or the two readings of an
// entry disagreed (internal; the hardening itself is fih.h).
#ifndef OWNERLOCK_CORE_FAULT_H
#define OWNERLOCK_CORE_FAULT_H

#include "ownerlock/lock.h"

// The lock refuses everything until power-up: timers stop, secrets are
// wiped, the bolt is thrown unless the door is open.
void ol_fault_enter(ol_lock *lock);
// The two readings of an entry disagree: only a fault can do that (fih.h).
// Logs fault_detected, then enters the fault mode.
ol_err ol_fault_detected(ol_lock *lock) OL_MUST_CHECK;
// What the fault mode still takes: the door switch (closing it throws the bolt).
void ol_fault_event(ol_lock *lock, const ol_event *ev);

#endif
