// ownerlock — the time delay and its opening window (*04) (internal).
#ifndef OWNERLOCK_CORE_DELAY_H
#define OWNERLOCK_CORE_DELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// The time delay, if one applies to this slot. *go_on: the caller may go on
// to open (the window is open, or no delay applies); *served: and the delay
// in force has been served (not skipped by the override).
ol_err ol_time_delay(ol_lock *lock, uint8_t slot, bool *go_on, bool *served) OL_MUST_CHECK;
// The window is open: the delay has run and the window has not closed.
bool ol_in_window(const ol_lock *lock);
// '*' at the idle screen cancels a running time delay (anyone may: it only
// makes opening slower).
ol_err ol_delay_cancel(ol_lock *lock) OL_MUST_CHECK;
// The window closes unused: the next code starts a new delay.
void ol_delay_timer(ol_lock *lock);

#endif
