// ownerlock — new codes: typed twice, checked by the code policy, rationed
// (internal).
#ifndef OWNERLOCK_CORE_ENROL_H
#define OWNERLOCK_CORE_ENROL_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// The first typing of a new code for slot `target`, under `key`: checked by
// the policy and kept as a pending tag. *bad is NULL, or the refusal to
// show. A refusal that tells about another code (TOO LIKE ANOTHER) is a
// counted wrong try, and such checks are rationed per slot (config.h).
ol_err ol_new_code_first(ol_lock *lock, const uint8_t key[32], uint8_t target, const ol_event *ev,
                         const char **bad) OL_MUST_CHECK;
// The repeat: true (and its tag in `tag`, for the caller to save and wipe)
// when it matches; the pending tag is wiped either way.
bool ol_new_code_repeat(ol_lock *lock, const uint8_t key[32], const ol_event *ev,
                        uint8_t tag[OL_TAG_BYTES]);
// Is every slot's ration of checks full (so no refill is counting down)?
bool ol_code_checks_full(const ol_lock *lock);
// The ration comes back with powered time: one check per slot per
// OL_CODE_CHECK_REFILL_MS.
ol_err ol_code_checks_timer(ol_lock *lock) OL_MUST_CHECK;

#endif
