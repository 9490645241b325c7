// ownerlock — the open decision and the rules that restrict openings
// (internal; docs/POLICY.md is the same for people).
#ifndef OWNERLOCK_CORE_OPENING_H
#define OWNERLOCK_CORE_OPENING_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// An entry at the idle screen: a code that opens if every rule agrees.
ol_err ol_open_attempt(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
// '*' at the idle screen cancels a running time delay (anyone may: it only
// makes opening slower).
ol_err ol_delay_cancel(ol_lock *lock) OL_MUST_CHECK;
// The window closes unused; a lone first code of dual control expires.
ol_err ol_opening_timers(ol_lock *lock) OL_MUST_CHECK;
// The duress variant of slot's code was given, to open (function
// OL_FN_OPENING) or to run a function: the silent alarm, raised and recorded
// before anything can refuse.
ol_err ol_duress_raise(ol_lock *lock, uint8_t slot, uint8_t function) OL_MUST_CHECK;

// Why a rule refuses a valid code or a relaxing change. The numbers are the
// reason in `refused` audit records: append, never renumber.
enum refusal {
    REFUSAL_NONE = 0,
    REFUSAL_DISABLED = 1,    // CODE DISABLED
    REFUSAL_TIME_LOCKED = 2, // TIME LOCKED
    REFUSAL_CLOCK = 3,       // SET CLOCK FIRST
    REFUSAL_WINDOW = 4,      // ONLY IN WINDOW
    REFUSAL_OPEN = 5,        // ONLY WHEN OPEN
    REFUSAL_REMOTE = 6,      // REMOTE DISABLED
    REFUSAL_DELAY = 7,       // TIME DELAY: a code while the delay runs
    REFUSAL_SAME = 8,        // NEED OTHER CODE: dual control, the same code again
    REFUSAL_ALONE = 9,       // SECOND CODE: dual control, no second code came
};
const char *ol_refusal_text(enum refusal why);
// A calendar (schedule or holiday) governs and the clock has lost its time:
// nobody can open, and whoever sets the clock chooses when the lock opens.
bool ol_clock_lost_under_calendar(const ol_lock *lock);
// Whether the time lock allows opening now (REFUSAL_NONE), or why not.
enum refusal ol_timelock_refusal(const ol_lock *lock);
// Saves the time lock served so far, every OL_PENALTY_CHECKPOINT_MS.
ol_err ol_timelock_timer(ol_lock *lock) OL_MUST_CHECK;
// Has whoever is at the keypad just served every rule in force
// (docs/POLICY.md)? REFUSAL_NONE if so, else why a relaxing change is refused.
enum refusal ol_rules_served(const ol_lock *lock);
// A valid code refused by a rule: shown (with `second` on line 2) and
// recorded (refused, arg function << 8 | why).
ol_err ol_refused(ol_lock *lock, uint8_t slot, uint8_t function, enum refusal why,
                  const char *second) OL_MUST_CHECK;
// The same record, with the screen left as the caller set it.
ol_err ol_refusal_record(ol_lock *lock, uint8_t slot, uint8_t function,
                         enum refusal why) OL_MUST_CHECK;

#endif
