// ownerlock — libFuzzer target: the frame decoder on arbitrary cable bytes.
//
// Invariants checked on every input (abort() = a finding):
//  - the decoder never reads or writes out of bounds (ASan) and its fill
//    level never passes its buffer;
//  - every frame it reports has a length it can hold, and encoding that frame
//    again gives the wire length the format promises and decodes to the same
//    frame (so a frame's length never depends on its content);
//  - the input itself, taken as a body, survives encode -> decode.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link/link.h"

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// Decode wire bytes with a fresh decoder; the one frame they hold, or not.
static int decode_one(const uint8_t *wire, size_t n, ol_frame *out) {
    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    int ready = 0;
    for (size_t i = 0; i < n; i++) {
        ol_frame f;
        ol_frame_status st = ol_frame_decoder_feed(&d, wire[i], &f);
        REQUIRE(st == OL_FRAME_NONE || st == OL_FRAME_READY); // our own encoding is never bad
        if (st == OL_FRAME_READY) {
            *out = f;
            ready++;
        }
    }
    return ready;
}

static void roundtrip(uint8_t type, const uint8_t *body, size_t len) {
    uint8_t wire[OL_FRAME_MAX_WIRE];
    size_t n = 0;
    REQUIRE(ol_frame_encode(wire, &n, type, body, len) == OL_OK);
    REQUIRE(n == len + OL_FRAME_OVERHEAD);
    for (size_t i = 1; i + 1 < n; i++) {
        REQUIRE(wire[i] != 0); // zero only as the delimiter
    }
    ol_frame f;
    REQUIRE(decode_one(wire, n, &f) == 1);
    REQUIRE(f.type == type && f.len == len && memcmp(f.body, body, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    for (size_t i = 0; i < size; i++) {
        ol_frame f;
        ol_frame_status st = ol_frame_decoder_feed(&d, data[i], &f);
        REQUIRE(d.n <= sizeof d.buf);
        REQUIRE(st >= OL_FRAME_BAD_CRC && st <= OL_FRAME_READY);
        if (st == OL_FRAME_READY) {
            REQUIRE(f.len <= OL_FRAME_MAX_BODY);
            roundtrip(f.type, f.body, f.len);
        }
    }
    if (size > 0 && size - 1 <= OL_FRAME_MAX_BODY) {
        roundtrip(data[0], data + 1, size - 1);
    }
    uint8_t wire[OL_FRAME_MAX_WIRE];
    size_t n = 0;
    if (size > OL_FRAME_MAX_BODY) {
        REQUIRE(ol_frame_encode(wire, &n, 1, data, size) == OL_ERR_TOO_BIG);
    }
    return 0;
}
