// ownerlock — the duress code: its holder is forced (internal).
#ifndef OWNERLOCK_CORE_DURESS_H
#define OWNERLOCK_CORE_DURESS_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// A valid code was given, to open (function OL_FN_OPENING) or to run a
// function. Its duress variant raises the silent alarm, recorded, before
// anything can refuse: a robbery is reported even if the lock then does not
// open, and nothing on the keypad differs. A manager's own code, at an
// opening, resets the alarm.
ol_err ol_duress_note(ol_lock *lock, uint8_t slot, bool duress, uint8_t function) OL_MUST_CHECK;

#endif
