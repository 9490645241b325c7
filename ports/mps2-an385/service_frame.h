// ownerlock — mps2-an385: the service port's framing on UART2
// (docs/PROTOCOL.md §10, "On the reference board").
//
// One whole request or answer per frame, as the keypad link frames its
// messages (COBS, so a 0x00 always ends a frame and a receiver resyncs on
// the next one), with a CRC-32 after the payload:
//
//   0x00 | COBS( payload | CRC-32(payload), little-endian ) | 0x00
//
// A frame with a wrong CRC, a malformed COBS block or more than
// AN385_SFRAME_MAX payload bytes is dropped without an answer: the tool sends
// it again. Pure C with no board header: the host's test rig links it too.
#ifndef OWNERLOCK_AN385_SERVICE_FRAME_H
#define OWNERLOCK_AN385_SERVICE_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/lock.h"

#define AN385_SFRAME_MAX OL_SERVICE_REQUEST_MAX // the largest payload (a request's)
// The wire bytes of a payload of n bytes, at most: the delimiters, the CRC,
// one COBS code byte per 254 bytes and one more.
#define AN385_SFRAME_WIRE(n) ((n) + 4u + (n) / 254u + 4u)

typedef struct an385_sframe {
    uint8_t buf[AN385_SFRAME_MAX + 4]; // payload and CRC, decoded
    uint16_t n;                        // bytes in buf
    uint8_t left;                      // data bytes still to come in this COBS block
    bool zero;                         // the block ends in an implied 0x00 if another follows
    bool bad;                          // too long or malformed: skip to the next 0x00
} an385_sframe;

void an385_sframe_init(an385_sframe *d);

// One received byte. A whole, intact frame ends here: its payload's length
// (the payload is d->buf), else -1.
int an385_sframe_feed(an385_sframe *d, uint8_t byte);

// Frames len bytes of payload into wire (AN385_SFRAME_WIRE(len) bytes);
// returns the wire length.
size_t an385_sframe_encode(uint8_t *wire, const uint8_t *payload, size_t len);

#endif
