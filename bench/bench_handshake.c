// ownerlock — bench: instructions the target executes for a session
// handshake of the secure link, both sides (Cortex-M3, mps2-an385).
//
// Runs under QEMU with bench/insn-count.c, like bench_verify.c: one label per
// measurement, printed in the order of the bench_begin()/bench_end() pairs.
//
// The lock body side is measured the way the firmware runs it: every byte of
// a frame through ol_body_rx (the link session and the engine behind it,
// src/link/body.c), up to the frame it answers with. The keypad side is its
// end of the session (ol_session_keypad_*; the keypad unit adds its keys and
// display around it). The handshake is the one at each power-up of a paired
// keypad: both static keys pinned, fresh ephemeral keys and nonces. It runs
// three times with fresh keys (rounds): round 1 is the first with the pinned
// peer (the pairing in setup() pins it), which computes the static-static
// secret; rounds 2 and 3 reuse it. Then its parts are measured alone:
// one X25519, one key generation, one DATA frame sealed and opened; and the
// checks of a firmware image (an Ed25519 verification, SHA-256 of 48 KiB).
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "ownerlock/body.h"
#include "ownerlock/crypto.h"
#include "ownerlock/keypad_unit.h"
#include "link/session.h"
#include "semihost.h"

#define ROUNDS 3

#include "bench_markers.h"

// ---- the two ends -----------------------------------------------------------------------

typedef struct wire {
    uint8_t bytes[4 * OL_FRAME_MAX_WIRE];
    size_t len;
} wire;

typedef struct bench_link {
    an385_flash flash;
    an385_test_trng body_trng, keypad_trng;
    ol_platform plat;
    ol_body body;
    ol_session_keypad keypad;
    wire to_keypad; // what the lock body sent
    uint64_t now;
} bench_link;

static bench_link bl;

static uint32_t rtc_fixed(void *ctx) {
    (void)ctx;
    return 1767225600u; // 2026-01-01: a fixed clock, so runs repeat exactly
}

static void fail(const char *what) {
    printf("bench: %s\n", what);
    semihost_exit(1);
}

static void body_send(void *ctx, const uint8_t *bytes, size_t len) {
    wire *w = ctx;
    if (w->len + len > sizeof w->bytes) {
        fail("lock body sent too much");
    }
    memcpy(w->bytes + w->len, bytes, len);
    w->len += len;
}

static void label(const char *group, unsigned round, const char *name) {
    printf("%s;%u;%s\n", group, round, name);
}

// The lock body takes a whole frame, byte by byte, as the firmware does.
static void body_takes(const uint8_t *bytes, size_t len) {
    bl.now += 10;
    for (size_t i = 0; i < len; i++) {
        if (ol_body_rx(&bl.body, bl.now, bytes[i]) != OL_OK) {
            fail("ol_body_rx failed");
        }
    }
}

// The keypad takes everything the lock body sent; returns the last result.
static ol_link_result keypad_takes(ol_link_out *out, uint8_t *reply, size_t *reply_len) {
    ol_link_result last = OL_LINK_NONE;
    *reply_len = 0;
    for (size_t i = 0; i < bl.to_keypad.len; i++) {
        ol_session_keypad_rx(&bl.keypad, bl.to_keypad.bytes[i], out);
        if (out->tx_len > 0) {
            memcpy(reply, out->tx, out->tx_len);
            *reply_len = out->tx_len;
        }
        if (out->result != OL_LINK_NONE) {
            last = out->result;
        }
    }
    bl.to_keypad.len = 0;
    return last;
}

// A factory lock (door open) and a new keypad that pairs with it, unmeasured;
// then the keypad knows the lock body's key and the lock body the keypad's.
static void setup(void) {
    memset(&bl, 0, sizeof bl);
    if (an385_flash_init(&bl.flash, NULL) != OL_OK) {
        fail("flash");
    }
    an385_test_trng_init(&bl.body_trng, "bench body");
    an385_test_trng_init(&bl.keypad_trng, "bench keypad");
    bl.plat.flash = &bl.flash.flash;
    bl.plat.trng = an385_test_trng_fill;
    bl.plat.trng_ctx = &bl.body_trng;
    bl.plat.rtc_now = rtc_fixed;
    if (ol_body_boot(&bl.body, &bl.plat, bl.now, true, body_send, &bl.to_keypad) != OL_OK) {
        fail("ol_body_boot");
    }
    ol_link_identity id;
    if (ol_link_identity_generate(&id, an385_test_trng_fill, &bl.keypad_trng) != OL_OK) {
        fail("keypad identity");
    }
    ol_session_keypad_init(&bl.keypad, &id, NULL, an385_test_trng_fill, &bl.keypad_trng);
    ol_session_keypad_allow_pairing(&bl.keypad, true);
    uint8_t frame[OL_FRAME_MAX_WIRE];
    size_t len = 0;
    ol_link_out out;
    if (ol_session_keypad_start(&bl.keypad, frame, &len) != OL_OK) {
        fail("keypad start");
    }
    body_takes(frame, len);
    if (keypad_takes(&out, frame, &len) != OL_LINK_PAIRED || len == 0) {
        fail("pairing: no WELCOME");
    }
    body_takes(frame, len);
    uint8_t pinned[OL_LINK_KEY_BYTES];
    if (!ol_lock_link_peer(&bl.body.lock, pinned) || !ol_session_body_established(&bl.body.link)) {
        fail("pairing did not complete");
    }
    bl.to_keypad.len = 0;
    ol_session_keypad_allow_pairing(&bl.keypad, false);
}

// One handshake of the paired keypad, each step measured.
static void handshake(unsigned round) {
    uint8_t hello[OL_FRAME_MAX_WIRE], finish[OL_FRAME_MAX_WIRE];
    size_t hello_len = 0, finish_len = 0;
    ol_link_out out;

    label("keypad", round, "start: draw e_K, n_K, HELLO out");
    bench_begin();
    ol_err err = ol_session_keypad_start(&bl.keypad, hello, &hello_len);
    bench_end();
    if (err != OL_OK) {
        fail("keypad start");
    }

    label("body", round, "HELLO in (89 bytes), WELCOME out");
    bench_begin();
    body_takes(hello, hello_len);
    bench_end();
    if (bl.to_keypad.len != OL_LINK_WIRE_BYTES(OL_LINK_WELCOME_BODY)) {
        fail("no WELCOME");
    }

    label("keypad", round, "WELCOME in (105 bytes), FINISH out");
    bench_begin();
    ol_link_result r = keypad_takes(&out, finish, &finish_len);
    bench_end();
    if (r != OL_LINK_ESTABLISHED || finish_len == 0) {
        fail("keypad: WELCOME refused");
    }

    label("body", round, "FINISH in (25 bytes), first DISPLAY out");
    bench_begin();
    body_takes(finish, finish_len);
    bench_end();
    if (!ol_session_body_established(&bl.body.link) ||
        bl.to_keypad.len != OL_LINK_WIRE_BYTES(OL_LINK_DATA_BODY)) {
        fail("lock body: no session");
    }
    if (keypad_takes(&out, finish, &finish_len) != OL_LINK_MESSAGE) {
        fail("keypad: first DISPLAY refused");
    }
}

// The parts alone.
static void parts(unsigned round) {
    uint8_t secret[OL_X25519_BYTES], peer[OL_X25519_BYTES], shared[OL_X25519_BYTES];
    if (an385_test_trng_fill(&bl.keypad_trng, secret, sizeof secret) != OL_OK ||
        an385_test_trng_fill(&bl.keypad_trng, peer, sizeof peer) != OL_OK) {
        fail("trng");
    }
    label("x25519", round, "one X25519 key generation (ol_x25519_public)");
    bench_begin();
    ol_x25519_public(peer, peer);
    bench_end();
    label("x25519", round, "one X25519 shared secret (ol_x25519)");
    bench_begin();
    int bad = ol_x25519(shared, secret, peer);
    bench_end();
    if (bad) {
        fail("x25519");
    }

    // One message each way in the established session.
    uint8_t msg[OL_MSG_BYTES], frame[OL_FRAME_MAX_WIRE];
    size_t len = 0;
    ol_msg_cancel(msg);
    label("data", round, "keypad: seal one message (DATA out)");
    bench_begin();
    ol_err err = ol_session_keypad_send(&bl.keypad, msg, frame, &len);
    bench_end();
    if (err != OL_OK) {
        fail("seal");
    }
    ol_session_body *link = &bl.body.link;
    ol_link_out out;
    label("data", round, "lock body: open one DATA frame (81 bytes, session only)");
    bench_begin();
    for (size_t i = 0; i < len; i++) {
        ol_session_body_rx(link, frame[i], &out);
    }
    bench_end();
    if (out.result != OL_LINK_MESSAGE) {
        fail("open");
    }
}

// The checks of a firmware image (issue 15), apart from the handshake: one
// Ed25519 verification (RFC 8032 TEST 2: a 1-byte message) and SHA-256 over
// 48 KiB, the lock body's flash budget (this program's own flash from 0).
// (image() below.)
static void image(unsigned round) {
    static const uint8_t pub[32] = {
        0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a,
        0xa7, 0x4d, 0x1b, 0x7e, 0xbc, 0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4,
        0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c,
    };
    static const uint8_t sig[64] = {
        0x92, 0xa0, 0x09, 0xa9, 0xf0, 0xd4, 0xca, 0xb8, 0x72, 0x0e, 0x82, 0x0b, 0x5f,
        0x64, 0x25, 0x40, 0xa2, 0xb2, 0x7b, 0x54, 0x16, 0x50, 0x3f, 0x8f, 0xb3, 0x76,
        0x22, 0x23, 0xeb, 0xdb, 0x69, 0xda, 0x08, 0x5a, 0xc1, 0xe4, 0x3e, 0x15, 0x99,
        0x6e, 0x45, 0x8f, 0x36, 0x13, 0xd0, 0xf1, 0x1d, 0x8c, 0x38, 0x7b, 0x2e, 0xae,
        0xb4, 0x30, 0x2a, 0xee, 0xb0, 0x0d, 0x29, 0x16, 0x12, 0xbb, 0x0c, 0x00,
    };
    static const uint8_t msg[1] = {0x72};
    label("image", round, "one Ed25519 verification (ol_ed25519_verify)");
    bench_begin();
    ol_err err = ol_ed25519_verify(sig, msg, sizeof msg, pub);
    bench_end();
    if (err != OL_OK) {
        fail("ed25519");
    }
    uint8_t digest[OL_SHA256_BYTES];
    label("image", round, "SHA-256 of 48 KiB (ol_sha256)");
    bench_begin();
    ol_sha256(digest, (const void *)0x00000000u, 48u * 1024u);
    bench_end();
}

// ---- power-up (issue 17) ----------------------------------------------------------------
// A dial unit powers both units only while it turns, so both start at every
// use: the lock body boots (the store mounted, the state read) and the dial
// unit boots (its store, its identity, the dial's random start, and its
// HELLO: an ephemeral key pair). The handshake then goes on as measured
// above (round 1: the lock body's first after a power-up).
#define KP_SECTOR 1024u
static uint8_t kp_cells[OL_KEYPAD_SECTORS][KP_SECTOR];

static ol_err kp_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    (void)ctx;
    memcpy(buf, &kp_cells[0][0] + addr, len);
    return OL_OK;
}

static ol_err kp_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    (void)ctx;
    uint8_t *cell = &kp_cells[0][0] + addr;
    for (size_t i = 0; i < len; i++) {
        cell[i] &= ((const uint8_t *)buf)[i]; // NOR: bits only go from 1 to 0
    }
    return OL_OK;
}

static ol_err kp_erase(void *ctx, uint32_t sector) {
    (void)ctx;
    memset(kp_cells[sector], 0xFF, KP_SECTOR);
    return OL_OK;
}

static const ol_flash kp_flash = {NULL,    KP_SECTOR,  OL_KEYPAD_SECTORS,
                                  kp_read, kp_program, kp_erase};
static ol_keypad_unit unit;
static an385_test_trng unit_trng;
static ol_platform unit_plat;

static void unit_send(void *ctx, const uint8_t *bytes, size_t len) {
    (void)ctx;
    (void)bytes;
    (void)len; // the HELLO: the handshake above measures what follows
}

static void unit_boot(void) {
    if (ol_keypad_unit_boot(&unit, &unit_plat, 0, unit_send, NULL) != OL_OK ||
        ol_keypad_unit_dial_on(&unit) != OL_OK) {
        fail("dial unit boot");
    }
}

static void powerup(unsigned round) {
    if (round == 1) { // the unit's first boot draws its identity: not measured
        memset(kp_cells, 0xFF, sizeof kp_cells);
        an385_test_trng_init(&unit_trng, "bench dial");
        unit_plat =
            (ol_platform){.flash = &kp_flash, .trng = an385_test_trng_fill, .trng_ctx = &unit_trng};
        unit_boot();
    }
    label("powerup", round, "lock body: ol_body_boot (store mounted, state read)");
    bench_begin();
    ol_err err = ol_body_boot(&bl.body, &bl.plat, bl.now, true, body_send, &bl.to_keypad);
    bench_end();
    if (err != OL_OK) {
        fail("ol_body_boot");
    }
    label("powerup", round, "dial unit: boot, the dial's start, HELLO out");
    bench_begin();
    unit_boot();
    bench_end();
}

int main(void) {
    uart_init(AN385_CONSOLE, 115200u); // for board_panic; no SysTick: nothing interrupts
    label("calibrate", 0, "empty");
    bench_begin();
    bench_end();
    setup();
    for (unsigned round = 1; round <= ROUNDS; round++) {
        handshake(round);
    }
    for (unsigned round = 1; round <= ROUNDS; round++) {
        parts(round);
    }
    for (unsigned round = 1; round <= ROUNDS; round++) {
        image(round);
    }
    for (unsigned round = 1; round <= ROUNDS; round++) {
        powerup(round);
    }
    printf("done\n");
    return 0;
}
