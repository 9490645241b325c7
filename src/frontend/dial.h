// ownerlock — the dial: turns become the keys a keypad would send.
//
// A rotary encoder, one detent per number, and a display of the number it is
// at, which starts at a random number at each power-up (a robot cannot dial
// blind). The grammar is the one a user of an FF-L-2740B lock knows:
//   - turning right counts up, left counts down, 00..99 around;
//   - changing direction enters the number shown where the dial turned (the
//     two digits of one number of a combination: 48-29-15 is the code 482915);
//   - OL_DIAL_GESTURE_STEPS detents (four whole turns) one way without
//     changing direction is a gesture, and each further four turns the same
//     again.
//     Right: the entry is complete ('#', "turn right to open"; four more
//     turns are '#' again, which pages); the change of direction that ends
//     such a turn enters nothing. Left: clear ('<', "turn left four times to
//     clear"); the turn may go on to the first number, entered where it turns
//     back.
// No number needs more than a whole turn, so no gesture is taken for one.
// What a clear and a complete entry mean is keypad.c's (ol_keypad_dial_key).
// The dial holds nothing of what was entered.
#ifndef OWNERLOCK_SRC_DIAL_H
#define OWNERLOCK_SRC_DIAL_H

#include <stddef.h>
#include <stdint.h>

#include "ownerlock/private/link.h"

// A dial at power-up, showing start (taken modulo OL_DIAL_NUMBERS): as
// after a '#', so a first turn right enters nothing where it turns back.
void ol_dial_init(ol_dial *d, uint32_t start);
// One detent: dir > 0 right, dir < 0 left (0 does nothing). Writes what it
// completes to keys[] ('0'..'9' two at a time, '#', '<'; at most 2) and
// returns how many.
size_t ol_dial_step(ol_dial *d, int dir, char keys[2]);

#endif
