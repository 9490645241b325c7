// ownerlock — new codes: typed twice, checked by the code policy, rationed
// (internal).
#ifndef OWNERLOCK_CORE_ENROL_H
#define OWNERLOCK_CORE_ENROL_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// The first typing of a new code for slot `target`, under `key`: its shape
// checked, then (but in a recovery, which does it after the repeat) the
// comparison with the other codes, and kept as a pending tag. *bad is NULL,
// or the refusal to show.
ol_err ol_new_code_first(ol_lock *lock, const uint8_t key[32], uint8_t target, const ol_event *ev,
                         const char **bad) OL_MUST_CHECK;
// The comparison of a well-shaped new code for `target` with the other
// codes, in plain mode (ID mode compares nothing). A refusal that tells about
// another code (TOO LIKE ANOTHER) is a counted wrong try; in *01 and *02 each
// comparison uses one of the asking slot's rationed checks (config.h), and
// with none left *bad is TOO MANY CHANGES.
ol_err ol_new_code_check(ol_lock *lock, const uint8_t key[32], uint8_t target, const ol_event *ev,
                         const char **bad) OL_MUST_CHECK;
// The repeat: true (and its tag in `tag`, for the caller to save and wipe)
// when it matches, and the pending tag is wiped; on a mismatch the pending
// tag stays for another repeat, until the caller's flow ends and wipes it.
bool ol_new_code_repeat(ol_lock *lock, const uint8_t key[32], const ol_event *ev,
                        uint8_t tag[OL_TAG_BYTES]);
// A code set for `slot` by someone else (lock->actor, in *02), in either
// mode: the slot gets OL_CODE_CHECK_NEW checks. More are taken away (so that
// enrolling slots with codes one knows gains no slot's burst); fewer are
// made up from the giver's own, as far as he has them (so that a new holder
// does not inherit the last one's used-up ration, and nobody gains by
// giving). Called before the code is saved: a cut in between leaves the old
// code with the new ration.
ol_err ol_code_checks_for_new_holder(ol_lock *lock, uint8_t slot) OL_MUST_CHECK;
// Is every slot's ration of checks full (so no refill is counting down)?
bool ol_code_checks_full(const ol_lock *lock);
// The ration comes back with powered time: one check per slot per
// OL_CODE_CHECK_REFILL_MS.
ol_err ol_code_checks_timer(ol_lock *lock) OL_MUST_CHECK;

#endif
