// ownerlock — mps2-an385 port: TEMPORARY framing of link.h messages on the
// cable UART, until the encrypted link (src/link/frame.c, issue 3) replaces
// it. docs/PORTING.md describes it.
//
//   0x7E | 40-byte message (link.h) | CRC-16/CCITT-FALSE of the message, big-endian
//
// The CRC only finds line noise; it authenticates nothing. Anyone on the
// cable can read and forge these frames, as they could the simulator's cable.
// Plain C, no board dependency: the host side of a system test uses it too.
#ifndef OWNERLOCK_AN385_CABLE_H
#define OWNERLOCK_AN385_CABLE_H

#include <stddef.h>
#include <stdint.h>

#include "ownerlock/link.h"

#define CABLE_SOF 0x7Eu
#define CABLE_FRAME_BYTES (1u + OL_MSG_BYTES + 2u)
// A frame whose bytes stop arriving for this long is dropped (a cut byte).
#define CABLE_GAP_MS 100u

typedef struct cable_rx {
    uint8_t buf[CABLE_FRAME_BYTES];
    size_t n;
    uint64_t last_ms;
    uint32_t bad_frames; // CRC failures (the bytes are rescanned for a frame start)
} cable_rx;

uint16_t cable_crc16(const uint8_t *data, size_t len);
void cable_frame(uint8_t out[CABLE_FRAME_BYTES], const uint8_t msg[OL_MSG_BYTES]);
void cable_rx_init(cable_rx *rx);
// Feed one received byte at now_ms. Returns 1 and fills msg when it completes
// a frame with a good CRC, else 0.
int cable_rx_byte(cable_rx *rx, uint8_t byte, uint64_t now_ms, uint8_t msg[OL_MSG_BYTES]);

#endif
