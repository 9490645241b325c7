// ownerlock — the keypad unit (outside the door, untrusted).
//
// It holds no code and no key that opens anything. It collects the keys being
// typed, echoes them on its own display, and on '#' (or '*' NN, or a lone '*')
// hands one fixed-size message to the lock body. Everything else it shows
// comes from the lock body.
#ifndef OWNERLOCK_KEYPAD_H
#define OWNERLOCK_KEYPAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/config.h"
#include "ownerlock/link.h"

typedef struct ol_keypad {
    ol_display_msg shown; // last display message from the lock body
    uint8_t buf[OL_ENTRY_MAX_DIGITS];
    uint8_t n;        // digits collected in the current field
    uint8_t star;     // 0: none; 1: '*' pressed; 2: '*' and one digit
    uint8_t fn_first; // first digit of a function number
    uint64_t last_key_ms;
} ol_keypad;

void ol_keypad_init(ol_keypad *kp);
// A key was pressed: '0'..'9', '*' or '#'. Returns 1 and fills out when the
// key completes a message for the lock body, else 0.
int ol_keypad_key(ol_keypad *kp, uint64_t now_ms, char key, uint8_t out[OL_MSG_BYTES]);
// Time passed: a half-typed field is dropped after OL_KEYPAD_IDLE_MS.
void ol_keypad_tick(ol_keypad *kp, uint64_t now_ms);
// A message arrived from the lock body. Malformed ones are ignored.
void ol_keypad_receive(ol_keypad *kp, const uint8_t *msg, size_t len);
// What the display shows now: the lock's text, or the echo while typing.
void ol_keypad_display(const ol_keypad *kp, char line[2][OL_DISPLAY_COLS + 1]);
// LEDs as the lock body last set them.
bool ol_keypad_led(const ol_keypad *kp, int red);

#endif
