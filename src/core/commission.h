// ownerlock — a new lock: its first manager code, set with the door open
// (internal).
#ifndef OWNERLOCK_CORE_COMMISSION_H
#define OWNERLOCK_CORE_COMMISSION_H

#include "ownerlock/lock.h"

// At power-up, after the state is loaded: MODE_IDLE if a manager code
// exists, else MODE_FACTORY once a second reading of the store agrees.
ol_err ol_commission_mode(ol_lock *lock) OL_MUST_CHECK;
// An entry in MODE_FACTORY: the new manager code, then its repeat.
ol_err ol_commission_entry(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;

#endif
