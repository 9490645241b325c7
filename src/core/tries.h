// ownerlock — every credential check is a try under the penalty (internal).
//
// The protocol, in this order, for a code, a recovery code and a new code
// that could tell about another person's:
//   1. save the penalty state a wrong try would produce (before the check);
//   2. read that record back from flash, apart from the save (a glitch that
//      skips the save, or the call, stops the lock instead: OL_ERR_FLASH);
//   3. check;
//   4. settle: a valid entry puts the count back where it was; a wrong one is
//      recorded, with any lockout it started.
// The count goes down only by an opening, as far as the lock has earned
// (ol_penalty_undo), and by a quiet day (ol_penalty_timer; on a self-powered
// lock, ol_penalty_power_up).
// The penalty rule itself, a pure function of the saved state, is penalty.h.
#ifndef OWNERLOCK_CORE_TRIES_H
#define OWNERLOCK_CORE_TRIES_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"
#include "penalty.h"

// What a check found.
typedef struct verdict {
    bool valid;     // the entry is an enrolled code (or, duress on, its duress variant)
    bool duress;    // it is the duress variant; slot is then that code's slot
    uint8_t slot;   // the slot that matched (0 when none)
    uint32_t grant; // OL_GRANT or OL_DENY: the second, independent reading (fih.h)
} verdict;

// A check of an entry: fills *v (which starts invalid, OL_DENY); it may
// also write what it found into the entry it was given.
typedef void (*ol_check)(ol_lock *lock, void *entry, verdict *v);

// Steps 1-4 around `check`. wrong_note: line 2 under WRONG CODE, or NULL to
// show nothing (the caller says why). The entry is valid only when both its
// readings agree (fih.h): a glitch on one cannot wipe a wrong try.
ol_err ol_try(ol_lock *lock, ol_check check, void *entry, const char *wrong_note,
              verdict *v) OL_MUST_CHECK;

// A typed code against the enrolled codes (and, duress on, their duress
// variants): the one path by which a code is checked. A valid code stops a
// running recovery (the owner is here).
ol_err ol_authenticate(ol_lock *lock, const ol_event *ev, const char *wrong_note,
                       verdict *v) OL_MUST_CHECK;

// A wrong try that needs no check (the answer was already known to be
// wrong): recorded as in step 4. The state was saved by step 1.
ol_err ol_penalty_wrong(ol_lock *lock, const char *wrong_note) OL_MUST_CHECK;
// An opening: takes back wrong tries, as many as the count holds and the
// lock has earned (config.h, OL_PENALTY_UNDO_*; docs/POLICY.md). Whose they
// were is not asked: nobody can tell, and the brute-force model counts them
// all as an attacker's.
ol_err ol_penalty_undo(ol_lock *lock) OL_MUST_CHECK;
// Saves the lockout served so far, every OL_PENALTY_CHECKPOINT_MS, and
// forgets one wrong try per OL_PENALTY_FORGET_MS without one.
ol_err ol_penalty_timer(ol_lock *lock) OL_MUST_CHECK;
// At power-up: the quiet day starts again and nothing is earned (what ran
// before the cut is lost). A self-powered lock first forgets the quiet days
// its clock counted while it was dark.
ol_err ol_penalty_power_up(ol_lock *lock) OL_MUST_CHECK;

#endif
