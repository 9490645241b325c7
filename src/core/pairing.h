// ownerlock — what the engine decides about the keypad link (internal; the
// link itself is src/link, the public calls lock.h's ol_lock_link_*).
#ifndef OWNERLOCK_CORE_PAIRING_H
#define OWNERLOCK_CORE_PAIRING_H

#include <stdbool.h>

#include "ownerlock/lock.h"

// May a message from a keypad that is not paired reach the engine now?
bool ol_unpaired_may_pass(const ol_lock *lock, const ol_event *ev);
// Refused frames counted since the last record are written within
// OL_REJECT_LOG_MS of the first.
ol_err ol_link_reject_timer(ol_lock *lock) OL_MUST_CHECK;

#endif
