// ownerlock — messages between the keypad unit and the lock body.
//
// Every message has the same size, whatever it carries, so the cable shows
// neither the kind of entry nor a code's length. Keypad -> lock: ENTRY (a
// field ended by '#'), FUNCTION ('*' NN), CANCEL ('*'). Lock -> keypad:
// DISPLAY (both lines, the input mode, LEDs and beep). See docs/PROTOCOL.md.
#ifndef OWNERLOCK_LINK_H
#define OWNERLOCK_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "ownerlock/error.h"
#include "ownerlock/lock.h"

#define OL_MSG_BYTES 40

enum ol_msg_type {
    OL_MSG_ENTRY = 0x01,
    OL_MSG_FUNCTION = 0x02,
    OL_MSG_CANCEL = 0x03,
    OL_MSG_DISPLAY = 0x81,
};

// Keypad side.
void ol_msg_entry(uint8_t out[OL_MSG_BYTES], const uint8_t *digits, uint8_t n);
void ol_msg_function(uint8_t out[OL_MSG_BYTES], uint8_t function);
void ol_msg_cancel(uint8_t out[OL_MSG_BYTES]);
// Lock side: decode a keypad message strictly (type, sizes, digit values,
// zero padding). Anything else is OL_ERR_ARG and must change nothing.
ol_err ol_msg_to_event(const uint8_t *msg, size_t len, ol_event *ev) OL_MUST_CHECK;
// Lock side: the display message for the current outputs.
void ol_msg_display(uint8_t out[OL_MSG_BYTES], const ol_outputs *o);

// Decoded DISPLAY message, as the keypad sees it.
typedef struct ol_display_msg {
    char line[2][OL_DISPLAY_COLS + 1];
    ol_input input;
    uint8_t leds; // bit 0 green, bit 1 red
    ol_beep beep;
    uint32_t beeps;
} ol_display_msg;
ol_err ol_msg_parse_display(const uint8_t *msg, size_t len, ol_display_msg *d) OL_MUST_CHECK;

#endif
