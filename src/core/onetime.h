// ownerlock — one-time codes (internal; docs/FLEET.md, include/ownerlock/otc.h).
//
// With an OTC key in the key store, a code that would open (every rule
// agreed but dual control) is followed by that person's one-time code; the
// lock accepts the next OL_OTC_LOOKAHEAD counters it has not used, and saves
// the one used before anything opens. When the bolt is thrown again after an
// opening by one-time code, the lock shows the close seal.
#ifndef OWNERLOCK_CORE_ONETIME_H
#define OWNERLOCK_CORE_ONETIME_H

#include <stdint.h>

#include "ownerlock/lock.h"

// The code of `slot` (its fih token `grant`) was valid: ask for its
// one-time code.
void ol_onetime_ask(ol_lock *lock, uint8_t slot, uint32_t grant);
// The entry at ONE-TIME CODE: a try under the penalty; a valid one goes on
// to open (opening.c).
ol_err ol_onetime_entry(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
// An opening by one-time code was recorded (its record the newest): its seal
// falls due at the next throw of the bolt.
ol_err ol_onetime_opened(ol_lock *lock, uint8_t slot) OL_MUST_CHECK;
// The bolt was thrown (its record the newest), or the lock powered up with
// it thrown: a seal due is shown and recorded.
ol_err ol_onetime_closed(ol_lock *lock) OL_MUST_CHECK;
// The door shut on a bolt already out (thrown at a power-up with the door
// open, or thrown at power-up after a cut): recorded, then a seal due shown.
ol_err ol_onetime_shut(ol_lock *lock) OL_MUST_CHECK;
// The service port's requests. While the lock holds a key, another key (or
// lock number) is held back, and turning one-time codes off takes the
// fleet's release code, typed at the keypad by the manager of the session
// (`slot`): without it one manager in a session took the lock out of the
// fleet's hands (twenty-second outside evaluation).
bool ol_onetime_held(const ol_lock *lock, uint32_t number, const uint8_t key[OL_OTC_KEY_BYTES]);
void ol_onetime_ask_release(ol_lock *lock, uint8_t slot);
// What MODE_ONE_TIME asks for (the screen, a wrong try's note).
const char *ol_onetime_prompt(const ol_lock *lock);
// One-time codes on (the lock's number and key; not held back), the counter
// raised to the fleet's `floor` if below it; or off.
ol_err ol_onetime_set(ol_lock *lock, uint32_t number, const uint8_t key[OL_OTC_KEY_BYTES],
                      uint32_t floor) OL_MUST_CHECK;
ol_err ol_onetime_off(ol_lock *lock) OL_MUST_CHECK;

#endif
