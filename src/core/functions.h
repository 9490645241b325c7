// ownerlock — the *NN functions of the keypad grammar (internal; their table
// is docs/POLICY.md, and ol_lock_function_policy() in lock.h).
#ifndef OWNERLOCK_CORE_FUNCTIONS_H
#define OWNERLOCK_CORE_FUNCTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"
#include "screen.h"

// *NN: the function starts at its login (or is refused, with the reason).
void ol_function_start(ol_lock *lock, uint8_t number);
// An entry while a function runs: the login, a second code, a field.
ol_err ol_function_entry(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
// The running function's screen (prompt, or the audit record *09 shows) and
// the kind of input its current field takes.
void ol_function_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                        char l2[OL_DISPLAY_COLS + 1], ol_input *input);
// Does the current field take '#' alone (a confirmation, paging)?
bool ol_function_wants_empty(const ol_lock *lock);
// The function ends (done, refused, cancelled, timed out); its pending
// secrets are wiped (the first manager code's too, in a new lock).
void ol_function_end(ol_lock *lock);
// A number field may come with 0s before it: a dial enters two digits at a
// time, so a field of an even count of them is dialled with 00 first (the
// user manual, "The dial"). Skips leading 0s while more than `want` digits
// are left (none of a field of OL_ENTRY_MAX_DIGITS, which the keypad may
// have cut); returns how many are.
size_t ol_unpadded(const uint8_t **digits, size_t n, size_t want);
// It ends with nothing changed: `why` | NOTHING CHANGED, with its tone.
void ol_function_stop(ol_lock *lock, enum tone tone, const char *why);
// The same, refused: `reason` | NOTHING CHANGED.
void ol_function_refuse(ol_lock *lock, const char *reason);

#endif
