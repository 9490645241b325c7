// ownerlock — owner recovery, without any manufacturer code (internal; the
// whole procedure is described at the top of recovery.c).
#ifndef OWNERLOCK_CORE_RECOVERY_H
#define OWNERLOCK_CORE_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// The arg of recovery_used records.
enum recovery_why {
    RECOVERY_STARTED = 1,       // the right code: the delay runs
    RECOVERY_DONE = 2,          // the new manager code is set
    RECOVERY_STOPPED_CODE = 3,  // a valid code stopped it
    RECOVERY_STOPPED_WRONG = 4, // a wrong try stopped it
    RECOVERY_CANCELLED = 5,     // '*', another function, or the field timed out
    RECOVERY_EXPIRED = 6,       // the code was not typed again in time
    RECOVERY_READY = 7,         // the delay has run: the code again, within 10 min
    RECOVERY_POWER_CUT = 8,     // recorded at power-up: a power cut ended it
};

// Draw a new recovery code and show it (MODE_SHOW_CODE); kept once typed back.
ol_err ol_recovery_new_code(ol_lock *lock, uint8_t slot) OL_MUST_CHECK;
// An entry while the new code is shown: '#' for the next group, then the
// code typed back.
ol_err ol_recovery_show_entry(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
// The showing ends unkept (door closed, '*', timeout).
void ol_recovery_abandon(ol_lock *lock);
// *99: the recovery code is typed next (MODE_RECOVERY).
void ol_recovery_start(ol_lock *lock);
// An entry in MODE_RECOVERY: a group of the code, or the new manager code.
ol_err ol_recovery_entry(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
// Checks typed groups against the recovery code, as a try under the
// penalty. *done is false while groups are still missing (or one had a typo).
ol_err ol_recovery_take_group(ol_lock *lock, const ol_event *ev, bool *done,
                              bool *valid) OL_MUST_CHECK;
// Ends the typing of *99 and any running recovery (recorded).
ol_err ol_recovery_cancel(ol_lock *lock) OL_MUST_CHECK;
// The delay ends (ready), the time to type the code again ends (expired).
ol_err ol_recovery_timers(ol_lock *lock) OL_MUST_CHECK;
// From the right *99 code to the new manager code: its delay, the time to
// type the code again, and the new code's fields.
bool ol_recovery_running(const ol_lock *lock);
// At power-up: a recovery that a power cut ended is recorded.
ol_err ol_recovery_power_up(ol_lock *lock) OL_MUST_CHECK;
// A running recovery (delay or ready) stops, recorded with `why`.
ol_err ol_recovery_stop(ol_lock *lock, uint8_t slot, uint16_t why) OL_MUST_CHECK;
// The recovery's screen, if one applies (typing, delay, ready, a code shown).
bool ol_recovery_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                        char l2[OL_DISPLAY_COLS + 1], ol_input *input);

#endif
