// ownerlock — messages between the keypad unit and the lock body.
//
// Every message has the same size, whatever it carries, so the cable shows
// neither the kind of entry nor a code's length. Keypad -> lock: ENTRY (a
// field ended by '#'), FUNCTION ('*' NN), CANCEL ('*'). Lock -> keypad:
// DISPLAY (both lines, the input mode, LEDs and beep). On the cable each
// message travels sealed in one frame (framing below, sessions in session.h).
// See docs/PROTOCOL.md. Internal: the lock body (src/link/body.c) and the
// keypad unit (src/frontend) use it; integrators call body.h and
// keypad_unit.h. OL_MSG_BYTES, the framing sizes and ol_frame_decoder are in
// ownerlock/private/link.h (the contexts an integrator owns embed them).
#ifndef OWNERLOCK_SRC_LINK_H
#define OWNERLOCK_SRC_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/error.h"
#include "ownerlock/lock.h"
#include "ownerlock/private/link.h"

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

ol_err ol_msg_parse_display(const uint8_t *msg, size_t len, ol_display_msg *d) OL_MUST_CHECK;

// ---- framing on the byte stream (src/link/frame.c) ------------------------------
// A frame on the wire (docs/PROTOCOL.md):
//   0x00 | COBS( type | len | body[len] | CRC-32(type | len | body), LE ) | 0x00
// COBS removes every zero byte from the frame, so 0x00 only ever delimits:
// after noise, the next 0x00 resynchronises the decoder. For the sizes used
// here COBS adds exactly one byte, so a frame's wire length depends on its
// body length only, never on its content.
#define OL_FRAME_OVERHEAD 9 // two delimiters, COBS code, type, len, CRC-32
#define OL_FRAME_MAX_WIRE (OL_FRAME_MAX_BODY + OL_FRAME_OVERHEAD)

typedef struct ol_frame {
    uint8_t type;
    uint8_t len; // body bytes, 0..OL_FRAME_MAX_BODY
    uint8_t body[OL_FRAME_MAX_BODY];
} ol_frame;

// What one byte did to the decoder. Not an ol_err, on purpose: it is a
// parser's verdict per byte, and most values are not failures of anything.
// NONE and READY are the normal course; the BAD_* values say why the bytes
// since the last 0x00 were dropped, which on a cable is expected (noise, a
// cut, an attacker) and changes nothing: the session reports them as
// OL_LINK_REJECT_NOISE, never as an error.
typedef enum ol_frame_status {
    OL_FRAME_NONE = 0,        // nothing complete yet
    OL_FRAME_READY = 1,       // *frame holds a whole frame whose CRC matched
    OL_FRAME_BAD_SHORT = -1,  // fewer bytes than type, len and CRC
    OL_FRAME_BAD_LONG = -2,   // more bytes than the largest frame
    OL_FRAME_BAD_CODING = -3, // a COBS block cut short by the delimiter
    OL_FRAME_BAD_LENGTH = -4, // the length byte disagrees with the bytes received
    OL_FRAME_BAD_CRC = -5,    // noise, or a frame cut and spliced
} ol_frame_status;

// Streaming decoder (ol_frame_decoder): one byte in at a time, a fixed
// buffer, no look-back.
void ol_frame_decoder_init(ol_frame_decoder *d);
// Feed one received byte. On a 0x00 that ends a frame, returns READY with the
// frame in *frame, or why the bytes since the last 0x00 were dropped; else
// NONE. *frame is written only on READY. Never reads or writes past its buffer.
ol_frame_status ol_frame_decoder_feed(ol_frame_decoder *d, uint8_t byte,
                                      ol_frame *frame) OL_MUST_CHECK;
// Encode one frame: wire gets len + OL_FRAME_OVERHEAD bytes. OL_ERR_TOO_BIG
// when len > OL_FRAME_MAX_BODY (nothing written).
ol_err ol_frame_encode(uint8_t wire[OL_FRAME_MAX_WIRE], size_t *wire_len, uint8_t type,
                       const uint8_t *body, size_t len) OL_MUST_CHECK;
// CRC-32 (IEEE 802.3, reflected, as zlib): check value 0xcbf43926 for "123456789".
uint32_t ol_crc32(const uint8_t *data, size_t len);

#endif
