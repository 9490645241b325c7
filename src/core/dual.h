// ownerlock — dual control of openings (*05): two different codes (internal;
// for programming functions, functions.c asks for the second code).
#ifndef OWNERLOCK_CORE_DUAL_H
#define OWNERLOCK_CORE_DUAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// Two different codes within OL_DUAL_WINDOW_MS. *go_on: this code is the
// second; *first: the first code's slot + 1 (0 when dual control is off),
// for the opening's record.
ol_err ol_dual_control(ol_lock *lock, uint8_t slot, bool *go_on, uint16_t *first) OL_MUST_CHECK;
// A pending first code ends alone (a new delay starts, or it can no longer
// be given): recorded as refused, SECOND CODE (reason 9).
ol_err ol_dual_lapse(ol_lock *lock) OL_MUST_CHECK;
// Can dual control be met: two enabled codes (managers', and users' unless
// disabled)? With fewer, nothing would ever open again: *05, *03 and *12
// refuse to leave the lock so.
bool ol_dual_possible(uint32_t enrolled, bool users_disabled);
// A first code alone, and no second came in time: recorded.
ol_err ol_dual_timer(ol_lock *lock) OL_MUST_CHECK;

// The first code of dual control given again (NEED OTHER CODE, before a
// one-time code is asked for it: onetime.c).
bool ol_dual_repeats(const ol_lock *lock, uint8_t slot);

#endif
