// ownerlock — why a rule refuses: shown, and recorded as `refused`
// (internal).
#ifndef OWNERLOCK_CORE_REFUSAL_H
#define OWNERLOCK_CORE_REFUSAL_H

#include <stdint.h>

#include "ownerlock/lock.h"

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
    REFUSAL_OWNER = 10,      // SLOT 00: OWNER'S: *02/*03 on the owner's slot, no recovery code
    REFUSAL_SLOT_00 = 11,    // SLOT 00 ONLY: *14 with no recovery code, not by slot 00
};
const char *ol_refusal_text(enum refusal why);
// A valid code refused by a rule: shown (with `second` on line 2) and
// recorded (refused, arg function << 8 | why).
ol_err ol_refused(ol_lock *lock, uint8_t slot, uint8_t function, enum refusal why,
                  const char *second) OL_MUST_CHECK;
// The same record, with the screen left as the caller set it.
ol_err ol_refusal_record(ol_lock *lock, uint8_t slot, uint8_t function,
                         enum refusal why) OL_MUST_CHECK;

#endif
