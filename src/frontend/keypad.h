// ownerlock — the keypad unit (outside the door, untrusted).
//
// It holds no code and no key that opens anything. It collects the keys being
// typed, echoes them on its own display, and on '#' (or '*' NN, or a lone '*')
// hands one fixed-size message to the lock body. Everything else it shows
// comes from the lock body.
//
// Internal: the keypad unit (src/frontend/keypad_unit.c) drives it; ol_keypad
// itself is in ownerlock/private/link.h (ol_keypad_unit embeds it).
#ifndef OWNERLOCK_SRC_KEYPAD_H
#define OWNERLOCK_SRC_KEYPAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/config.h"
#include "ownerlock/private/link.h"

void ol_keypad_init(ol_keypad *kp);
// A key was pressed: '0'..'9', '*' or '#'. Returns true and fills out when
// the key completes a message for the lock body (which must then be sent),
// else false.
bool ol_keypad_key(ol_keypad *kp, uint64_t now_ms, char key,
                   uint8_t out[OL_MSG_BYTES]) OL_MUST_CHECK;
// What a dial (dial.h) completes, as ol_keypad_key: digits as keys; '#' a
// complete entry, but one number alone on the idle screen is the function of
// that number (a combination is three numbers); '<' clears the field being
// dialled. A dial has no '*': what a keypad cancels with it, a dial leaves by
// stopping, since its units lose power when it stops turning.
bool ol_keypad_dial_key(ol_keypad *kp, uint64_t now_ms, char key,
                        uint8_t out[OL_MSG_BYTES]) OL_MUST_CHECK;
// Time passed: a half-typed field is dropped after OL_KEYPAD_IDLE_MS.
void ol_keypad_tick(ol_keypad *kp, uint64_t now_ms);
// A message arrived from the lock body. Malformed ones are ignored.
void ol_keypad_receive(ol_keypad *kp, const uint8_t *msg, size_t len);
// What the display shows now: the lock's text, or the echo while typing.
void ol_keypad_display(const ol_keypad *kp, char line[2][OL_DISPLAY_COLS + 1]);
// LEDs as the lock body last set them.
bool ol_keypad_led(const ol_keypad *kp, int red);

#endif
