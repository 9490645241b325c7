// ownerlock — libFuzzer target: the lock body after a handshake, facing
// whatever reaches it, and the strict decoding of what it decrypts.
//
// A keypad and a lock body complete one handshake once (deterministic TRNG);
// every input starts from a copy of that pair. The input is a little program:
//   op 0: the keypad seals the next 40 bytes (any content, valid or not as a
//         message) and the body receives the frame: it must deliver exactly
//         those 40 bytes, or refuse the frame as stale; what it delivers goes
//         through ol_msg_to_event, the engine's strict decoder;
//   op 1: the next n bytes go to the body raw, then a delimiter (noise,
//         forgeries, replays of the seed corpus' recorded frames);
//   op 2: the body sends a DISPLAY of the next 40 bytes; the keypad must
//         receive exactly that;
//   op 3: a keypad frame with one bit flipped (and the CRC fixed or not) must
//         be refused;
//   op 4: the body sends a DISPLAY the keypad never hears (a jammed heartbeat);
//   op 5: if the next byte is 0x5a (and only once per input): the keypad
//         starts a new handshake, which must complete.
// abort() marks a finding; ASan and UBSan watch memory and arithmetic.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "link/link.h"
#include "link/session.h"

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    ol_testrng rng_k, rng_b;
    ol_session_keypad k;
    ol_session_body b;
    unsigned body_messages;   // MESSAGE results the body produced
    bool raw_message_arrived; // raw bytes replayed a genuine keypad frame (seed corpus)
} world;

static world snapshot;
static bool snapshot_ready;

// Feed bytes; the last result other than NONE. Every output is checked.
static ol_link_result to_body(world *w, const uint8_t *bytes, size_t n, ol_link_out *last) {
    ol_link_result res = OL_LINK_NONE;
    for (size_t i = 0; i < n; i++) {
        ol_link_out o;
        ol_session_body_rx(&w->b, bytes[i], &o);
        REQUIRE(o.tx_len <= OL_FRAME_MAX_WIRE);
        if (o.result == OL_LINK_MESSAGE) {
            w->body_messages++;
            ol_event ev;
            if (ol_msg_to_event(o.msg, sizeof o.msg, &ev) == OL_OK) {
                REQUIRE(ev.ndigits <= OL_ENTRY_MAX_DIGITS);
                for (uint8_t d = 0; d < ev.ndigits; d++) {
                    REQUIRE(ev.digits[d] <= 9);
                }
            }
        }
        if (o.result != OL_LINK_NONE || o.tx_len > 0) {
            res = o.result;
            if (last != NULL) {
                *last = o;
            }
        }
    }
    return res;
}

static ol_link_result to_keypad(world *w, const uint8_t *bytes, size_t n, ol_link_out *last) {
    ol_link_result res = OL_LINK_NONE;
    for (size_t i = 0; i < n; i++) {
        ol_link_out o;
        ol_session_keypad_rx(&w->k, bytes[i], &o);
        REQUIRE(o.tx_len <= OL_FRAME_MAX_WIRE);
        if (o.result != OL_LINK_NONE || o.tx_len > 0) {
            res = o.result;
            if (last != NULL) {
                *last = o;
            }
        }
    }
    return res;
}

static void handshake(world *w) {
    uint8_t hello[OL_FRAME_MAX_WIRE];
    size_t n;
    ol_link_out o;
    REQUIRE(ol_session_keypad_start(&w->k, hello, &n) == OL_OK);
    REQUIRE(to_body(w, hello, n, &o) == OL_LINK_NONE && o.tx_len > 0);
    uint8_t welcome[OL_FRAME_MAX_WIRE];
    size_t wn = o.tx_len;
    memcpy(welcome, o.tx, wn);
    REQUIRE(to_keypad(w, welcome, wn, &o) == OL_LINK_ESTABLISHED && o.tx_len > 0);
    uint8_t finish[OL_FRAME_MAX_WIRE];
    size_t fn = o.tx_len;
    memcpy(finish, o.tx, fn);
    REQUIRE(to_body(w, finish, fn, &o) == OL_LINK_ESTABLISHED);
}

static void build_snapshot(void) {
    world *w = &snapshot;
    ol_link_identity kid, bid;
    ol_testrng_seed(&w->rng_k, 1);
    ol_testrng_seed(&w->rng_b, 2);
    REQUIRE(ol_link_identity_generate(&kid, ol_testrng_fill, &w->rng_k) == OL_OK);
    REQUIRE(ol_link_identity_generate(&bid, ol_testrng_fill, &w->rng_b) == OL_OK);
    ol_session_keypad_init(&w->k, &kid, bid.public_key, ol_testrng_fill, &w->rng_k);
    ol_session_body_init(&w->b, &bid, kid.public_key, ol_testrng_fill, &w->rng_b);
    handshake(w);
    snapshot_ready = true;
}

// The next n input bytes, zero-padded when the input runs out.
static void take(uint8_t *dst, size_t n, const uint8_t *data, size_t size, size_t *at) {
    memset(dst, 0, n);
    size_t have = *at < size ? size - *at : 0;
    size_t k = have < n ? have : n;
    if (k > 0) {
        memcpy(dst, data + *at, k);
    }
    *at += k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!snapshot_ready) {
        build_snapshot();
    }
    world w = snapshot;
    w.k.s.trng_ctx = &w.rng_k; // the copy draws from its own generators
    w.b.s.trng_ctx = &w.rng_b;
    unsigned handshakes = 0;

    size_t at = 0;
    while (at < size) {
        uint8_t op = data[at++] % 6;
        uint8_t msg[OL_MSG_BYTES], wire[OL_FRAME_MAX_WIRE];
        size_t n;
        ol_link_out o;
        switch (op) {
        case 0: {
            take(msg, sizeof msg, data, size, &at);
            REQUIRE(ol_session_keypad_send(&w.k, msg, wire, &n) == OL_OK);
            REQUIRE(n == OL_LINK_WIRE_BYTES(OL_LINK_DATA_BODY));
            ol_link_result res = to_body(&w, wire, n, &o);
            // A replayed future frame from the corpus may have moved the
            // body's counter past the keypad's: then REPLAY is right too.
            REQUIRE(res == OL_LINK_MESSAGE || res == OL_LINK_REJECT_STALE ||
                    (res == OL_LINK_REJECT_REPLAY && w.raw_message_arrived));
            if (res == OL_LINK_MESSAGE) {
                REQUIRE(memcmp(o.msg, msg, sizeof msg) == 0);
            }
            break;
        }
        case 1: {
            uint8_t len = 0;
            take(&len, 1, data, size, &at);
            size_t k = at < size ? size - at : 0;
            k = k < len ? k : len;
            unsigned before = w.body_messages;
            to_body(&w, data + at, k, NULL);
            // Close what the raw bytes left open (the next frame's leading
            // delimiter would), so a frame they complete counts as theirs.
            uint8_t zero = 0;
            to_body(&w, &zero, 1, NULL);
            w.raw_message_arrived |= w.body_messages != before;
            at += k;
            break;
        }
        case 2:
        case 4:
            take(msg, sizeof msg, data, size, &at);
            REQUIRE(ol_session_body_send(&w.b, msg, wire, &n) == OL_OK);
            REQUIRE(n == OL_LINK_WIRE_BYTES(OL_LINK_DATA_BODY));
            if (op == 2) {
                REQUIRE(to_keypad(&w, wire, n, &o) == OL_LINK_MESSAGE);
                REQUIRE(memcmp(o.msg, msg, sizeof msg) == 0);
            }
            break;
        case 3: {
            uint8_t where[2];
            take(where, 2, data, size, &at);
            take(msg, sizeof msg, data, size, &at);
            REQUIRE(ol_session_keypad_send(&w.k, msg, wire, &n) == OL_OK);
            if (where[1] & 1) {
                // Flip a bit of the body and fix the CRC, as an attacker would.
                ol_frame_decoder d;
                ol_frame f;
                ol_frame_decoder_init(&d);
                for (size_t i = 0; i < n; i++) {
                    (void)ol_frame_decoder_feed(&d, wire[i], &f);
                }
                size_t bit = ((size_t)where[0] << 1 | (where[1] >> 1)) % (8u * f.len);
                f.body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                REQUIRE(ol_frame_encode(wire, &n, f.type, f.body, f.len) == OL_OK);
            } else {
                size_t bit = ((size_t)where[0] << 1 | (where[1] >> 1)) % (8u * n);
                wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            }
            ol_link_result res = to_body(&w, wire, n, &o);
            REQUIRE(res != OL_LINK_MESSAGE);
            REQUIRE(res == OL_LINK_NONE || ol_link_rejected(res));
            if (res == OL_LINK_NONE) {
                // The trailing delimiter was hit: the damaged frame is still
                // open; end it so the next op starts clean.
                uint8_t zero = 0;
                REQUIRE(to_body(&w, &zero, 1, &o) != OL_LINK_MESSAGE);
            }
            break;
        }
        default: { // 5
            // A handshake costs six X25519: only when the next byte asks for
            // it, and once per input, so the fuzzer spends its time elsewhere.
            uint8_t really = 0;
            take(&really, 1, data, size, &at);
            if (really == 0x5a && handshakes++ == 0) {
                // End any frame the raw bytes left open first.
                uint8_t zero = 0;
                to_body(&w, &zero, 1, NULL);
                to_keypad(&w, &zero, 1, NULL);
                handshake(&w);
                w.raw_message_arrived = false; // the old session's frames are dead now
            }
            break;
        }
        }
        REQUIRE(ol_session_body_established(&w.b));
    }
    return 0;
}
