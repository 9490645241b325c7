// ownerlock — pairing and sessions between a keypad and a lock body, both
// real contexts in memory joined by a byte "cable" the test controls: it can
// record, drop, delay, replay, reorder, cut, flip bits and inject noise.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "host.h"
#include "link/link.h"
#include "link/session.h"
#include "testvec.h"

#define WIRE_HELLO OL_LINK_WIRE_BYTES(OL_LINK_HELLO_BODY)
#define WIRE_WELCOME OL_LINK_WIRE_BYTES(OL_LINK_WELCOME_BODY)
#define WIRE_FINISH OL_LINK_WIRE_BYTES(OL_LINK_FINISH_BODY)
#define WIRE_DATA OL_LINK_WIRE_BYTES(OL_LINK_DATA_BODY)
#define WIRE_REFUSE OL_LINK_WIRE_BYTES(OL_LINK_REFUSE_BODY)

typedef struct {
    uint8_t w[OL_FRAME_MAX_WIRE];
    size_t n;
} wire;

typedef struct {
    ol_testrng rng_k, rng_b;
    ol_link_identity kid, bid;
    ol_session_keypad k;
    ol_session_body b;
} rig;

// Every frame length seen per type, to prove each type has one wire length.
static size_t seen_len[256];
static unsigned seen_mismatch;

static void note_len(const uint8_t *w, size_t n) {
    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    for (size_t i = 0; i < n; i++) {
        ol_frame f;
        if (ol_frame_decoder_feed(&d, w[i], &f) == OL_FRAME_READY) {
            if (seen_len[f.type] == 0) {
                seen_len[f.type] = n;
            } else if (seen_len[f.type] != n) {
                seen_mismatch++;
            }
        }
    }
}

static void rig_identities(rig *r, uint64_t seed) {
    memset(r, 0, sizeof *r);
    ol_testrng_seed(&r->rng_k, seed);
    ol_testrng_seed(&r->rng_b, seed ^ 0xb0d1);
    CHECK_EQ(ol_link_identity_generate(&r->kid, ol_testrng_fill, &r->rng_k), OL_OK);
    CHECK_EQ(ol_link_identity_generate(&r->bid, ol_testrng_fill, &r->rng_b), OL_OK);
}

// Power up both units: paired (each pins the other) or factory-fresh.
static void rig_power_up(rig *r, bool paired) {
    ol_session_keypad_init(&r->k, &r->kid, paired ? r->bid.public_key : NULL, ol_testrng_fill,
                           &r->rng_k);
    ol_session_body_init(&r->b, &r->bid, paired ? r->kid.public_key : NULL, ol_testrng_fill,
                         &r->rng_b);
}

// Feed bytes to one side. Returns the last result other than NONE (or NONE);
// *out gets the output that carried it or a frame to send. *events counts
// outputs with a result or a frame.
static ol_link_result to_body(ol_session_body *b, const uint8_t *w, size_t n, ol_link_out *out,
                              int *events) {
    ol_link_result res = OL_LINK_NONE;
    int ev = 0;
    for (size_t i = 0; i < n; i++) {
        ol_link_out o;
        ol_session_body_rx(b, w[i], &o);
        if (o.result != OL_LINK_NONE || o.tx_len > 0) {
            ev++;
            res = o.result;
            if (out != NULL) {
                *out = o;
            }
            if (o.tx_len > 0) {
                note_len(o.tx, o.tx_len);
            }
        }
    }
    if (events != NULL) {
        *events = ev;
    }
    return res;
}

static ol_link_result to_keypad(ol_session_keypad *k, const uint8_t *w, size_t n, ol_link_out *out,
                                int *events) {
    ol_link_result res = OL_LINK_NONE;
    int ev = 0;
    for (size_t i = 0; i < n; i++) {
        ol_link_out o;
        ol_session_keypad_rx(k, w[i], &o);
        if (o.result != OL_LINK_NONE || o.tx_len > 0) {
            ev++;
            res = o.result;
            if (out != NULL) {
                *out = o;
            }
            if (o.tx_len > 0) {
                note_len(o.tx, o.tx_len);
            }
        }
    }
    if (events != NULL) {
        *events = ev;
    }
    return res;
}

static void copy_tx(wire *dst, const ol_link_out *o) {
    memcpy(dst->w, o->tx, o->tx_len);
    dst->n = o->tx_len;
}

// The three handshake frames as they crossed the cable.
typedef struct {
    wire hello, welcome, finish;
    ol_link_result k_result, b_result;
} handshake_log;

static bool handshake(rig *r, handshake_log *log) {
    handshake_log local;
    if (log == NULL) {
        log = &local;
    }
    memset(log, 0, sizeof *log);
    if (ol_session_keypad_start(&r->k, log->hello.w, &log->hello.n) != OL_OK) {
        return false;
    }
    note_len(log->hello.w, log->hello.n);
    ol_link_out o;
    if (to_body(&r->b, log->hello.w, log->hello.n, &o, NULL) != OL_LINK_NONE || o.tx_len == 0) {
        return false;
    }
    copy_tx(&log->welcome, &o);
    log->k_result = to_keypad(&r->k, log->welcome.w, log->welcome.n, &o, NULL);
    if (o.tx_len == 0) {
        return false;
    }
    copy_tx(&log->finish, &o);
    log->b_result = to_body(&r->b, log->finish.w, log->finish.n, &o, NULL);
    return ol_session_keypad_established(&r->k) && ol_session_body_established(&r->b);
}

static void keypad_entry(rig *r, wire *out, const uint8_t *digits, uint8_t n) {
    uint8_t msg[OL_MSG_BYTES];
    ol_msg_entry(msg, digits, n);
    CHECK_EQ(ol_session_keypad_send(&r->k, msg, out->w, &out->n), OL_OK);
    note_len(out->w, out->n);
}

static void body_display(rig *r, wire *out, const char *line1) {
    ol_outputs o;
    memset(&o, 0, sizeof o);
    snprintf(o.line[0], sizeof o.line[0], "%s", line1);
    snprintf(o.line[1], sizeof o.line[1], "ready");
    o.input = OL_INPUT_IDLE;
    o.beep = OL_BEEP_OK;
    uint8_t msg[OL_MSG_BYTES];
    ol_msg_display(msg, &o);
    CHECK_EQ(ol_session_body_send(&r->b, msg, out->w, &out->n), OL_OK);
    note_len(out->w, out->n);
}

// The body of a well-formed wire frame.
static bool unframe(const wire *w, ol_frame *f) {
    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    for (size_t i = 0; i < w->n; i++) {
        if (ol_frame_decoder_feed(&d, w->w[i], f) == OL_FRAME_READY) {
            return true;
        }
    }
    return false;
}

static void reframe(wire *w, uint8_t type, const uint8_t *body, size_t len) {
    CHECK_EQ(ol_frame_encode(w->w, &w->n, type, body, len), OL_OK);
}

// ---- identities ---------------------------------------------------------------------
static ol_err failing_trng(void *ctx, uint8_t *buf, size_t len) {
    (void)ctx;
    memset(buf, 0x77, len);
    return OL_ERR_FLASH; // any error
}

static void test_identity(void) {
    rig r;
    rig_identities(&r, 1);
    uint8_t pub[32];
    ol_x25519_public(pub, r.kid.secret);
    CHECK_MEM(pub, r.kid.public_key, 32);
    CHECK(memcmp(r.kid.public_key, r.bid.public_key, 32) != 0);
    ol_link_identity id;
    memset(&id, 0x55, sizeof id);
    CHECK_EQ(ol_link_identity_generate(&id, failing_trng, NULL), OL_ERR_FLASH);
    CHECK(all_zero(&id, sizeof id));
}

// ---- pairing ----------------------------------------------------------------------------
static void test_pairing(void) {
    rig r;
    rig_identities(&r, 2);
    rig_power_up(&r, false);
    wire w;
    ol_link_out o;

    // An unpaired keypad that may not pair can only say so.
    CHECK_EQ(ol_session_keypad_start(&r.k, w.w, &w.n), OL_ERR_STATE);
    ol_session_keypad_allow_pairing(&r.k, true); // its policy: pair while it has no key

    // The lock body refuses while pairing is not allowed, and says why.
    CHECK_EQ(ol_session_keypad_start(&r.k, w.w, &w.n), OL_OK);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_REJECT_UNKNOWN_KEY);
    CHECK_EQ(o.tx_len, WIRE_REFUSE);
    CHECK_EQ(to_keypad(&r.k, o.tx, o.tx_len, &o, NULL), OL_LINK_REFUSED);
    CHECK_EQ(o.refuse_reason, OL_LINK_REFUSE_NOT_PAIRED);
    CHECK(!ol_session_keypad_established(&r.k));
    CHECK(!ol_session_body_established(&r.b));

    // Door open, pairing allowed: both sides pin the other's key.
    ol_session_body_allow_pairing(&r.b, true);
    handshake_log log;
    CHECK(handshake(&r, &log));
    CHECK_EQ(log.k_result, OL_LINK_PAIRED);
    CHECK_EQ(log.b_result, OL_LINK_PAIRED);
    CHECK_MEM(r.k.s.pinned, r.bid.public_key, 32);
    CHECK_MEM(r.b.s.pinned, r.kid.public_key, 32);
    ol_session_body_allow_pairing(&r.b, false);

    // The handshake's outputs carried the keys to persist.
    ol_session_keypad k2;
    ol_session_keypad_init(&k2, &r.kid, NULL, ol_testrng_fill, &r.rng_k);
    ol_session_keypad_allow_pairing(&k2, true);
    wire hello;
    CHECK_EQ(ol_session_keypad_start(&k2, hello.w, &hello.n), OL_OK);
    ol_session_body_allow_pairing(&r.b, false);
    // (the body knows this keypad now: no pairing needed, a plain session)
    CHECK_EQ(to_body(&r.b, hello.w, hello.n, &o, NULL), OL_LINK_NONE);
    CHECK_EQ(to_keypad(&k2, o.tx, o.tx_len, &o, NULL), OL_LINK_PAIRED);
    CHECK_MEM(o.peer_key, r.bid.public_key, 32);
    wire finish;
    copy_tx(&finish, &o);
    CHECK_EQ(to_body(&r.b, finish.w, finish.n, &o, NULL), OL_LINK_ESTABLISHED);
    CHECK_MEM(o.peer_key, r.kid.public_key, 32);

    // Next power-up, keys from flash, pairing not allowed: a plain session.
    rig_power_up(&r, true);
    CHECK(handshake(&r, &log));
    CHECK_EQ(log.k_result, OL_LINK_ESTABLISHED);
    CHECK_EQ(log.b_result, OL_LINK_ESTABLISHED);

    // A paired keypad meeting another lock body refuses it unless allowed.
    rig other;
    rig_identities(&other, 3);
    ol_session_body_init(&other.b, &other.bid, r.kid.public_key, ol_testrng_fill, &other.rng_b);
    ol_session_keypad k3;
    ol_session_keypad_init(&k3, &r.kid, r.bid.public_key, ol_testrng_fill, &r.rng_k);
    CHECK_EQ(ol_session_keypad_start(&k3, hello.w, &hello.n), OL_OK);
    CHECK_EQ(to_body(&other.b, hello.w, hello.n, &o, NULL), OL_LINK_NONE); // it pins this keypad
    CHECK_EQ(to_keypad(&k3, o.tx, o.tx_len, &o, NULL), OL_LINK_REJECT_UNKNOWN_KEY);
    CHECK_EQ(o.tx_len, 0);
    CHECK(!ol_session_keypad_established(&k3));
}

// The static-static secret is kept for the pinned peer after its first
// handshake (one X25519 fewer per handshake, each side), and forgotten when
// another key is pinned: a re-paired keypad or lock body must never meet the
// old peer's secret.
static void test_pinned_secret_kept(void) {
    rig r;
    rig_identities(&r, 40);
    rig_power_up(&r, true);
    CHECK(!r.k.s.has_pinned_ss && !r.b.s.has_pinned_ss); // computed only when first needed
    handshake_log log;
    CHECK(handshake(&r, &log));
    CHECK(r.k.s.has_pinned_ss && r.b.s.has_pinned_ss);
    uint8_t ss[32];
    CHECK_EQ(ol_x25519(ss, r.kid.secret, r.bid.public_key), OL_OK);
    CHECK_MEM(r.k.s.pinned_ss, ss, 32);
    CHECK_MEM(r.b.s.pinned_ss, ss, 32);
    for (int i = 0; i < 3; i++) { // later handshakes use it, and agree
        CHECK(handshake(&r, &log));
        CHECK_EQ(log.b_result, OL_LINK_ESTABLISHED);
    }

    // A new keypad pairs with this lock body (door open): the body pins its
    // key and forgets the old secret.
    rig b2;
    rig_identities(&b2, 41);
    ol_session_keypad_init(&r.k, &b2.kid, NULL, ol_testrng_fill, &b2.rng_k);
    ol_session_keypad_allow_pairing(&r.k, true);
    ol_session_body_allow_pairing(&r.b, true);
    CHECK(handshake(&r, &log));
    CHECK_EQ(log.b_result, OL_LINK_PAIRED);
    ol_session_body_allow_pairing(&r.b, false);
    CHECK(!r.b.s.has_pinned_ss);
    CHECK(all_zero(r.b.s.pinned_ss, sizeof r.b.s.pinned_ss));
    ol_session_keypad_init(&r.k, &b2.kid, r.bid.public_key, ol_testrng_fill, &b2.rng_k);
    for (int i = 0; i < 2; i++) { // with the new keypad, before and after its secret is kept
        CHECK(handshake(&r, &log));
        CHECK_EQ(log.b_result, OL_LINK_ESTABLISHED);
    }
    CHECK_EQ(ol_x25519(ss, b2.kid.secret, r.bid.public_key), OL_OK);
    CHECK_MEM(r.b.s.pinned_ss, ss, 32);

    // The same on the keypad's side: pinned to this body, kept, then paired
    // with another body.
    CHECK(r.k.s.has_pinned_ss);
    ol_session_body_init(&r.b, &b2.bid, NULL, ol_testrng_fill, &b2.rng_b);
    ol_session_body_allow_pairing(&r.b, true);
    ol_session_keypad_allow_pairing(&r.k, true);
    CHECK(handshake(&r, &log));
    CHECK_EQ(log.k_result, OL_LINK_PAIRED);
    CHECK(!r.k.s.has_pinned_ss);
    CHECK(handshake(&r, &log));
    CHECK_EQ(log.k_result, OL_LINK_ESTABLISHED);
    CHECK_EQ(ol_x25519(ss, b2.kid.secret, b2.bid.public_key), OL_OK);
    CHECK_MEM(r.k.s.pinned_ss, ss, 32);
    ol_wipe(ss, sizeof ss);
}

// Pairing permission withdrawn between HELLO and FINISH: no pairing.
static void test_pairing_withdrawn(void) {
    rig r;
    rig_identities(&r, 4);
    rig_power_up(&r, false);
    ol_session_keypad_allow_pairing(&r.k, true);
    ol_session_body_allow_pairing(&r.b, true);
    wire hello, welcome, finish;
    ol_link_out o;
    CHECK_EQ(ol_session_keypad_start(&r.k, hello.w, &hello.n), OL_OK);
    CHECK_EQ(to_body(&r.b, hello.w, hello.n, &o, NULL), OL_LINK_NONE);
    copy_tx(&welcome, &o);
    CHECK_EQ(to_keypad(&r.k, welcome.w, welcome.n, &o, NULL), OL_LINK_PAIRED);
    copy_tx(&finish, &o);
    ol_session_body_allow_pairing(&r.b, false); // the door closed
    CHECK_EQ(to_body(&r.b, finish.w, finish.n, &o, NULL), OL_LINK_REJECT_UNKNOWN_KEY);
    CHECK(!ol_session_body_established(&r.b));
    CHECK(!r.b.s.has_pinned);
    // Its DATA now gets "no session".
    wire w;
    keypad_entry(&r, &w, (const uint8_t[]){1, 2, 3, 4, 5, 6}, 6);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_REJECT_NO_SESSION);
    CHECK_EQ(o.tx_len, WIRE_REFUSE);
}

// ---- messages both ways -------------------------------------------------------------------
static void test_messages(void) {
    rig r;
    rig_identities(&r, 5);
    rig_power_up(&r, true);
    CHECK(handshake(&r, NULL));
    ol_link_out o;
    wire w;
    unsigned bad = 0;
    uint8_t digits[OL_ENTRY_MAX_DIGITS];
    for (int round = 0; round < 3; round++) {
        for (uint8_t n = 0; n <= OL_ENTRY_MAX_DIGITS; n++) {
            for (uint8_t i = 0; i < n; i++) {
                digits[i] = (uint8_t)rng_below(10);
            }
            keypad_entry(&r, &w, digits, n);
            bad += w.n != WIRE_DATA; // whatever the code length
            // The digits are nowhere on the cable, in any plain encoding.
            for (size_t i = 0; n >= 4 && i + 4 <= w.n; i++) {
                bad += memcmp(w.w + i, digits, 4) == 0;
            }
            bad += to_body(&r.b, w.w, w.n, &o, NULL) != OL_LINK_MESSAGE;
            ol_event ev;
            bad += ol_msg_to_event(o.msg, sizeof o.msg, &ev) != OL_OK;
            bad += ev.type != OL_EV_ENTRY || ev.ndigits != n || memcmp(ev.digits, digits, n) != 0;
            // The lock answers with a DISPLAY.
            body_display(&r, &w, "Enter code");
            bad += w.n != WIRE_DATA;
            bad += to_keypad(&r.k, w.w, w.n, &o, NULL) != OL_LINK_MESSAGE;
            ol_display_msg d;
            bad += ol_msg_parse_display(o.msg, sizeof o.msg, &d) != OL_OK;
            bad += strcmp(d.line[0], "Enter code") != 0;
        }
    }
    CHECK_EQ(bad, 0);
    // FUNCTION and CANCEL have the same length too.
    uint8_t msg[OL_MSG_BYTES];
    ol_msg_function(msg, 2);
    CHECK_EQ(ol_session_keypad_send(&r.k, msg, w.w, &w.n), OL_OK);
    CHECK_EQ(w.n, WIRE_DATA);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
    CHECK_MEM(o.msg, msg, sizeof msg);
    ol_msg_cancel(msg);
    CHECK_EQ(ol_session_keypad_send(&r.k, msg, w.w, &w.n), OL_OK);
    CHECK_EQ(w.n, WIRE_DATA);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
    CHECK_MEM(o.msg, msg, sizeof msg);

    // Nothing can be sent without a session.
    ol_session_body b2;
    ol_session_body_init(&b2, &r.bid, r.kid.public_key, ol_testrng_fill, &r.rng_b);
    CHECK_EQ(ol_session_body_send(&b2, msg, w.w, &w.n), OL_ERR_STATE);
    ol_session_keypad k2;
    ol_session_keypad_init(&k2, &r.kid, r.bid.public_key, ol_testrng_fill, &r.rng_k);
    CHECK_EQ(ol_session_keypad_send(&k2, msg, w.w, &w.n), OL_ERR_STATE);
}

// ---- replay and reorder -------------------------------------------------------------------
static void test_replay(void) {
    rig r;
    rig_identities(&r, 6);
    rig_power_up(&r, true);
    handshake_log log;
    CHECK(handshake(&r, &log));
    enum { N = 12 };
    wire from_k[N], from_b[N];
    ol_link_out o;
    for (int i = 0; i < N; i++) {
        keypad_entry(&r, &from_k[i], (const uint8_t[]){1, 3, 5, 7, 9, (uint8_t)(i % 10)}, 6);
        CHECK_EQ(to_body(&r.b, from_k[i].w, from_k[i].n, &o, NULL), OL_LINK_MESSAGE);
        body_display(&r, &from_b[i], "ok");
        CHECK_EQ(to_keypad(&r.k, from_b[i].w, from_b[i].n, &o, NULL), OL_LINK_MESSAGE);
    }
    // Every recorded frame again, in any order: refused.
    unsigned accepted = 0, wrong_reason = 0;
    for (int i = N - 1; i >= 0; i--) {
        ol_link_result res = to_body(&r.b, from_k[i].w, from_k[i].n, &o, NULL);
        accepted += res == OL_LINK_MESSAGE;
        wrong_reason += res != OL_LINK_REJECT_REPLAY;
        accepted += !all_zero(o.msg, sizeof o.msg); // no plaintext handed out
        res = to_keypad(&r.k, from_b[i].w, from_b[i].n, &o, NULL);
        accepted += res == OL_LINK_MESSAGE;
        wrong_reason += res != OL_LINK_REJECT_REPLAY;
    }
    CHECK_EQ(accepted, 0);
    CHECK_EQ(wrong_reason, 0);
    // The handshake frames again: FINISH has no handshake to finish, WELCOME
    // none to answer, and the session goes on.
    CHECK_EQ(to_body(&r.b, log.finish.w, log.finish.n, &o, NULL), OL_LINK_REJECT_UNEXPECTED);
    CHECK_EQ(to_keypad(&r.k, log.welcome.w, log.welcome.n, &o, NULL), OL_LINK_REJECT_UNEXPECTED);
    // A replayed HELLO makes the body answer a handshake nobody can finish;
    // its current session is untouched, and the old FINISH does not fit.
    CHECK_EQ(to_body(&r.b, log.hello.w, log.hello.n, &o, NULL), OL_LINK_NONE);
    CHECK_EQ(o.tx_len, WIRE_WELCOME);
    CHECK(memcmp(o.tx, log.welcome.w, WIRE_WELCOME) != 0); // fresh randomness
    CHECK_EQ(to_body(&r.b, log.finish.w, log.finish.n, &o, NULL), OL_LINK_REJECT_AUTH);
    wire w;
    keypad_entry(&r, &w, (const uint8_t[]){2, 4, 6, 8, 0, 2}, 6);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
}

static void test_reorder(void) {
    rig r;
    rig_identities(&r, 7);
    rig_power_up(&r, true);
    CHECK(handshake(&r, NULL));
    wire f[6];
    ol_link_out o;
    for (int i = 0; i < 6; i++) {
        keypad_entry(&r, &f[i], (const uint8_t[]){(uint8_t)i, 1, 2, 3, 4, 5}, 6);
    }
    // 1, then 3 (2 lost on the way: a gap is fine), then 2 late: refused.
    CHECK_EQ(to_body(&r.b, f[0].w, f[0].n, &o, NULL), OL_LINK_MESSAGE);
    CHECK_EQ(to_body(&r.b, f[2].w, f[2].n, &o, NULL), OL_LINK_MESSAGE);
    CHECK_EQ(o.msg[2], 2);
    CHECK_EQ(to_body(&r.b, f[1].w, f[1].n, &o, NULL), OL_LINK_REJECT_REPLAY);
    // 5 before 4: 4 is then refused.
    CHECK_EQ(to_body(&r.b, f[4].w, f[4].n, &o, NULL), OL_LINK_MESSAGE);
    CHECK_EQ(to_body(&r.b, f[3].w, f[3].n, &o, NULL), OL_LINK_REJECT_REPLAY);
    CHECK_EQ(to_body(&r.b, f[5].w, f[5].n, &o, NULL), OL_LINK_MESSAGE);
}

// ---- freshness: a frame held back goes stale ---------------------------------------------
static void test_stale(void) {
    rig r;
    rig_identities(&r, 8);
    rig_power_up(&r, true);
    CHECK(handshake(&r, NULL));
    ol_link_out o;
    wire held, display, w;
    // The user types the code; an attacker jams the cable and keeps the frame.
    keypad_entry(&r, &held, (const uint8_t[]){9, 1, 7, 3, 5, 2}, 6);
    // The lock body sends its heartbeat DISPLAYs (the keypad may or may not
    // see them). Within the window the held frame would still pass ...
    rig copy = r;
    body_display(&copy, &display, "tick");
    body_display(&copy, &display, "tick");
    CHECK_EQ(to_body(&copy.b, held.w, held.n, &o, NULL), OL_LINK_MESSAGE);
    // ... one heartbeat later it no longer does, even though it was never used.
    for (int i = 0; i < OL_LINK_FRESH_WINDOW + 1; i++) {
        body_display(&r, &display, "tick");
    }
    CHECK_EQ(to_body(&r.b, held.w, held.n, &o, NULL), OL_LINK_REJECT_STALE);
    CHECK(all_zero(o.msg, sizeof o.msg));
    // The keypad that hears the heartbeats stays fresh.
    CHECK_EQ(to_keypad(&r.k, display.w, display.n, &o, NULL), OL_LINK_MESSAGE);
    keypad_entry(&r, &w, (const uint8_t[]){1, 1, 2, 2, 3, 3}, 6);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
    // And the held frame never gets in (now its counter is old as well).
    CHECK_EQ(to_body(&r.b, held.w, held.n, &o, NULL), OL_LINK_REJECT_REPLAY);
    // An ack of a frame the body never sent (no real keypad does that).
    r.k.s.cur.rx_last += 5;
    keypad_entry(&r, &w, (const uint8_t[]){1, 1, 2, 2, 3, 3}, 6);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_REJECT_STALE);
}

// The counters cannot realistically run out; if one did, sending stops.
static void test_counter_end(void) {
    rig r;
    rig_identities(&r, 20);
    rig_power_up(&r, true);
    CHECK(handshake(&r, NULL));
    ol_link_out o;
    wire w;
    r.k.s.cur.tx_next = UINT64_MAX - 1;
    keypad_entry(&r, &w, (const uint8_t[]){4, 5, 6, 7, 8, 9}, 6);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
    uint8_t msg[OL_MSG_BYTES];
    ol_msg_cancel(msg);
    CHECK_EQ(ol_session_keypad_send(&r.k, msg, w.w, &w.n), OL_ERR_STATE);
    // A new handshake starts the counters over.
    CHECK(handshake(&r, NULL));
    CHECK_EQ(ol_session_keypad_send(&r.k, msg, w.w, &w.n), OL_OK);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
}

// ---- tampering: every bit of a DATA frame ---------------------------------------------------
static void test_tamper_data(void) {
    rig r;
    rig_identities(&r, 9);
    rig_power_up(&r, true);
    CHECK(handshake(&r, NULL));
    wire w, g;
    ol_link_out o;
    keypad_entry(&r, &w, (const uint8_t[]){4, 8, 1, 5, 1, 6, 2, 3}, 8);
    ol_frame f;
    CHECK(unframe(&w, &f));
    unsigned accepted = 0, wrong = 0;
    // On the wire: the CRC catches each flip before the crypto sees it.
    for (size_t bit = 0; bit < 8 * w.n; bit++) {
        wire t = w;
        t.w[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ol_session_body b = r.b;
        int ev;
        ol_link_result res = to_body(&b, t.w, t.n, &o, &ev);
        accepted += res == OL_LINK_MESSAGE || !ol_session_body_established(&b);
        wrong += res != OL_LINK_NONE && !ol_link_rejected(res); // NONE: cut, still waiting
    }
    // With a valid CRC (an attacker re-frames): the tag catches each flip of
    // counter, ack, ciphertext and tag.
    for (size_t bit = 0; bit < 8u * f.len; bit++) {
        uint8_t body[OL_FRAME_MAX_BODY];
        memcpy(body, f.body, f.len);
        body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        reframe(&g, f.type, body, f.len);
        ol_session_body b = r.b;
        ol_link_result res = to_body(&b, g.w, g.n, &o, NULL);
        accepted += res == OL_LINK_MESSAGE;
        wrong += res != OL_LINK_REJECT_AUTH;
        accepted += !all_zero(o.msg, sizeof o.msg);
    }
    // Another type byte: no type takes 72 bytes but DATA.
    for (int type = 0; type < 256; type++) {
        if (type == OL_LINK_DATA) {
            continue;
        }
        reframe(&g, (uint8_t)type, f.body, f.len);
        ol_session_body b = r.b;
        ol_link_result res = to_body(&b, g.w, g.n, &o, NULL);
        accepted += res == OL_LINK_MESSAGE;
        wrong += res != OL_LINK_REJECT_MALFORMED;
    }
    CHECK_EQ(accepted, 0);
    CHECK_EQ(wrong, 0);
    // The untouched frame still goes through.
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);

    // The same for a DISPLAY on its way to the keypad.
    body_display(&r, &w, "hello");
    CHECK(unframe(&w, &f));
    accepted = wrong = 0;
    for (size_t bit = 0; bit < 8u * f.len; bit++) {
        uint8_t body[OL_FRAME_MAX_BODY];
        memcpy(body, f.body, f.len);
        body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        reframe(&g, f.type, body, f.len);
        ol_session_keypad k = r.k;
        ol_link_result res = to_keypad(&k, g.w, g.n, &o, NULL);
        accepted += res == OL_LINK_MESSAGE;
        wrong += res != OL_LINK_REJECT_AUTH;
    }
    CHECK_EQ(accepted, 0);
    CHECK_EQ(wrong, 0);
    CHECK_EQ(to_keypad(&r.k, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
}

// ---- tampering: the handshake -------------------------------------------------------------
static void test_tamper_handshake(void) {
    rig r;
    rig_identities(&r, 10);
    rig_power_up(&r, true);
    wire hello, welcome, finish, g;
    ol_link_out o;
    CHECK_EQ(ol_session_keypad_start(&r.k, hello.w, &hello.n), OL_OK);
    rig before_hello = r;
    CHECK_EQ(to_body(&r.b, hello.w, hello.n, &o, NULL), OL_LINK_NONE);
    copy_tx(&welcome, &o);
    rig before_welcome = r;
    CHECK_EQ(to_keypad(&r.k, welcome.w, welcome.n, &o, NULL), OL_LINK_ESTABLISHED);
    copy_tx(&finish, &o);
    rig before_finish = r;
    ol_frame f;
    unsigned accepted = 0, wrong = 0;

    // FINISH: every bit.
    CHECK(unframe(&finish, &f));
    for (size_t bit = 0; bit < 8u * f.len; bit++) {
        uint8_t body[OL_FRAME_MAX_BODY];
        memcpy(body, f.body, f.len);
        body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        reframe(&g, f.type, body, f.len);
        ol_session_body b = before_finish.b;
        ol_link_result res = to_body(&b, g.w, g.n, &o, NULL);
        accepted += ol_session_body_established(&b);
        wrong += res != OL_LINK_REJECT_AUTH;
    }
    CHECK_EQ(accepted, 0);
    CHECK_EQ(wrong, 0);

    // WELCOME: every bit of the body's static key (not pinned: refused before
    // any arithmetic) and of the confirmation tag; every 4th bit of the
    // ephemeral key and the nonce (each costs two X25519).
    CHECK(unframe(&welcome, &f));
    for (size_t bit = 0; bit < 8u * f.len; bit++) {
        bool key = bit < 256, tag = bit >= 8u * OL_LINK_HELLO_BODY;
        if (!key && !tag && bit % 4 != 0) {
            continue;
        }
        uint8_t body[OL_FRAME_MAX_BODY];
        memcpy(body, f.body, f.len);
        body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        reframe(&g, f.type, body, f.len);
        ol_session_keypad k = before_welcome.k;
        ol_link_result res = to_keypad(&k, g.w, g.n, &o, NULL);
        accepted += ol_session_keypad_established(&k) || o.tx_len > 0;
        wrong += key ? res != OL_LINK_REJECT_UNKNOWN_KEY
                     : res != OL_LINK_REJECT_AUTH && res != OL_LINK_REJECT_BAD_KEY;
    }
    CHECK_EQ(accepted, 0);
    CHECK_EQ(wrong, 0);

    // HELLO: a flipped keypad key is unknown; a flipped ephemeral key or
    // nonce gets a WELCOME that the real keypad cannot accept.
    CHECK(unframe(&hello, &f));
    for (size_t bit = 0; bit < 8u * f.len; bit += 5) {
        uint8_t body[OL_FRAME_MAX_BODY];
        memcpy(body, f.body, f.len);
        body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        reframe(&g, f.type, body, f.len);
        rig t = before_hello;
        ol_link_result res = to_body(&t.b, g.w, g.n, &o, NULL);
        if (bit < 256) {
            wrong += res != OL_LINK_REJECT_UNKNOWN_KEY;
            continue;
        }
        if (res == OL_LINK_REJECT_BAD_KEY) {
            continue;
        }
        wrong += res != OL_LINK_NONE || o.tx_len != WIRE_WELCOME;
        res = to_keypad(&t.k, o.tx, o.tx_len, &o, NULL);
        accepted += ol_session_keypad_established(&t.k);
        wrong += res != OL_LINK_REJECT_AUTH;
    }
    CHECK_EQ(accepted, 0);
    CHECK_EQ(wrong, 0);

    // The untouched handshake still completes.
    CHECK_EQ(to_body(&r.b, finish.w, finish.n, &o, NULL), OL_LINK_ESTABLISHED);
}

// ---- low-order keys --------------------------------------------------------------------------
static void test_low_order(void) {
    rig r;
    rig_identities(&r, 11);
    rig_power_up(&r, true);
    wire hello, g;
    ol_link_out o;
    CHECK_EQ(ol_session_keypad_start(&r.k, hello.w, &hello.n), OL_OK);
    ol_frame f;
    CHECK(unframe(&hello, &f));
    // An ephemeral key of order 1, 2 or 8.
    static const uint8_t order8[32] = {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae,
                                       0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
                                       0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd,
                                       0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00};
    uint8_t low[3][32] = {{0}, {1}, {0}};
    memcpy(low[2], order8, 32);
    for (int i = 0; i < 3; i++) {
        uint8_t body[OL_FRAME_MAX_BODY];
        memcpy(body, f.body, f.len);
        memcpy(body + 32, low[i], 32);
        reframe(&g, f.type, body, f.len);
        ol_session_body b = r.b;
        CHECK_EQ(to_body(&b, g.w, g.n, &o, NULL), OL_LINK_REJECT_BAD_KEY);
        CHECK_EQ(o.tx_len, 0);
    }
    // A low-order static key offered for pairing.
    ol_session_body fresh;
    ol_session_body_init(&fresh, &r.bid, NULL, ol_testrng_fill, &r.rng_b);
    ol_session_body_allow_pairing(&fresh, true);
    uint8_t body[OL_FRAME_MAX_BODY];
    memcpy(body, f.body, f.len);
    memset(body, 0, 32);
    reframe(&g, f.type, body, f.len);
    CHECK_EQ(to_body(&fresh, g.w, g.n, &o, NULL), OL_LINK_REJECT_BAD_KEY);
    // A WELCOME with a low-order ephemeral key.
    CHECK_EQ(to_body(&r.b, hello.w, hello.n, &o, NULL), OL_LINK_NONE);
    wire welcome;
    copy_tx(&welcome, &o);
    CHECK(unframe(&welcome, &f));
    memcpy(body, f.body, f.len);
    memset(body + 32, 0, 32);
    reframe(&g, f.type, body, f.len);
    ol_session_keypad k = r.k;
    CHECK_EQ(to_keypad(&k, g.w, g.n, &o, NULL), OL_LINK_REJECT_BAD_KEY);
    CHECK(!ol_session_keypad_established(&k));
}

// ---- truncation --------------------------------------------------------------------------------
static void test_truncation(void) {
    rig r;
    rig_identities(&r, 12);
    rig_power_up(&r, true);
    CHECK(handshake(&r, NULL));
    ol_link_out o;
    wire w, next, g;
    unsigned accepted = 0, lost = 0;
    keypad_entry(&r, &w, (const uint8_t[]){5, 5, 1, 2, 9, 0}, 6);
    // Cut at every point and followed by the next frame: the cut frame is
    // dropped as noise, the next one arrives. (Missing only the final 0x00 is
    // no cut: the next frame's leading 0x00 ends it.)
    for (size_t cut = 1; cut + 1 < w.n; cut++) {
        rig t = r;
        keypad_entry(&t, &next, (const uint8_t[]){1, 2, 3, 4, 5, 6}, 6);
        ol_link_result res = to_body(&t.b, w.w, cut, &o, NULL);
        accepted += res == OL_LINK_MESSAGE;
        res = to_body(&t.b, next.w, next.n, &o, NULL);
        lost += res != OL_LINK_MESSAGE || o.msg[2] != 1;
    }
    CHECK_EQ(accepted, 0);
    CHECK_EQ(lost, 0);
    // Re-framed shorter (valid CRC): every shorter length is malformed.
    ol_frame f;
    CHECK(unframe(&w, &f));
    unsigned wrong = 0;
    for (size_t len = 0; len < f.len; len++) {
        reframe(&g, f.type, f.body, len);
        ol_session_body b = r.b;
        wrong += to_body(&b, g.w, g.n, &o, NULL) != OL_LINK_REJECT_MALFORMED;
    }
    CHECK_EQ(wrong, 0);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
}

// ---- a keypad that is not the paired one -----------------------------------------------------
static void test_unknown_keypad(void) {
    rig r;
    rig_identities(&r, 13);
    rig_power_up(&r, true);
    CHECK(handshake(&r, NULL));
    ol_link_out o;
    wire w, display;

    // A replacement keypad (its own key pair) that even knows the body's key.
    rig evil;
    rig_identities(&evil, 14);
    ol_session_keypad ek;
    ol_session_keypad_init(&ek, &evil.kid, r.bid.public_key, ol_testrng_fill, &evil.rng_k);
    ol_session_keypad_allow_pairing(&ek, true);
    CHECK_EQ(ol_session_keypad_start(&ek, w.w, &w.n), OL_OK);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_REJECT_UNKNOWN_KEY);
    CHECK_EQ(to_keypad(&ek, o.tx, o.tx_len, &o, NULL), OL_LINK_REFUSED);
    CHECK(!ol_session_keypad_established(&ek));

    // One that claims the paired keypad's public key without its secret.
    ol_link_identity forged = evil.kid;
    memcpy(forged.public_key, r.kid.public_key, 32);
    ol_session_keypad_init(&ek, &forged, r.bid.public_key, ol_testrng_fill, &evil.rng_k);
    CHECK_EQ(ol_session_keypad_start(&ek, w.w, &w.n), OL_OK);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_NONE); // the body cannot tell yet
    CHECK_EQ(to_keypad(&ek, o.tx, o.tx_len, &o, NULL), OL_LINK_REJECT_AUTH);
    CHECK(!ol_session_keypad_established(&ek));
    // It makes up a FINISH and DATA frames: nothing gets through.
    uint8_t junk[OL_LINK_DATA_BODY];
    unsigned accepted = 0;
    for (int i = 0; i < 50; i++) {
        rng_fill(junk, sizeof junk);
        reframe(&w, OL_LINK_FINISH, junk, OL_LINK_FINISH_BODY);
        accepted += to_body(&r.b, w.w, w.n, &o, NULL) != OL_LINK_REJECT_AUTH;
        reframe(&w, OL_LINK_DATA, junk, OL_LINK_DATA_BODY);
        accepted += to_body(&r.b, w.w, w.n, &o, NULL) != OL_LINK_REJECT_AUTH;
    }
    CHECK_EQ(accepted, 0);
    // The real keypad's session still works.
    body_display(&r, &display, "still here");
    CHECK_EQ(to_keypad(&r.k, display.w, display.n, &o, NULL), OL_LINK_MESSAGE);
    keypad_entry(&r, &w, (const uint8_t[]){3, 1, 4, 1, 5, 9}, 6);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
}

// ---- power cycles: an old session's frames are worthless -------------------------------------
static void test_power_cycle(void) {
    rig r;
    rig_identities(&r, 15);
    rig_power_up(&r, true);
    handshake_log old_log;
    CHECK(handshake(&r, &old_log));
    enum { N = 5 };
    wire old_k[N], old_b[N], withheld;
    ol_link_out o;
    for (int i = 0; i < N; i++) {
        keypad_entry(&r, &old_k[i], (const uint8_t[]){7, 7, 0, 1, 2, (uint8_t)i}, 6);
        CHECK_EQ(to_body(&r.b, old_k[i].w, old_k[i].n, &o, NULL), OL_LINK_MESSAGE);
        body_display(&r, &old_b[i], "old");
        CHECK_EQ(to_keypad(&r.k, old_b[i].w, old_b[i].n, &o, NULL), OL_LINK_MESSAGE);
    }
    keypad_entry(&r, &withheld, (const uint8_t[]){6, 6, 6, 1, 2, 3}, 6); // never delivered

    // Both units lose power; a new session starts.
    rig_power_up(&r, true);
    handshake_log new_log;
    CHECK(handshake(&r, &new_log));
    unsigned accepted = 0, wrong = 0;
    for (int i = 0; i < N; i++) {
        ol_link_result res = to_body(&r.b, old_k[i].w, old_k[i].n, &o, NULL);
        accepted += res == OL_LINK_MESSAGE;
        wrong += res != OL_LINK_REJECT_AUTH;
        res = to_keypad(&r.k, old_b[i].w, old_b[i].n, &o, NULL);
        accepted += res == OL_LINK_MESSAGE;
        wrong += res != OL_LINK_REJECT_AUTH;
    }
    accepted += to_body(&r.b, withheld.w, withheld.n, &o, NULL) != OL_LINK_REJECT_AUTH;
    accepted += to_body(&r.b, old_log.finish.w, old_log.finish.n, &o, NULL) == OL_LINK_ESTABLISHED;
    CHECK_EQ(accepted, 0);
    CHECK_EQ(wrong, 0);

    // Only the keypad restarts (the body keeps running): once the new
    // handshake is finished, the old session's frames are refused too.
    wire w;
    keypad_entry(&r, &withheld, (const uint8_t[]){6, 6, 6, 4, 5, 6}, 6); // held back
    ol_session_keypad_init(&r.k, &r.kid, r.bid.public_key, ol_testrng_fill, &r.rng_k);
    CHECK(handshake(&r, NULL));
    CHECK_EQ(to_body(&r.b, withheld.w, withheld.n, &o, NULL), OL_LINK_REJECT_AUTH);
    keypad_entry(&r, &w, (const uint8_t[]){1, 0, 1, 0, 1, 0}, 6);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);

    // Only the body restarts: the keypad's next frame finds no session, the
    // body says so, and the keypad starts over.
    ol_session_body_init(&r.b, &r.bid, r.kid.public_key, ol_testrng_fill, &r.rng_b);
    keypad_entry(&r, &w, (const uint8_t[]){2, 0, 2, 0, 2, 0}, 6);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_REJECT_NO_SESSION);
    CHECK_EQ(o.tx_len, WIRE_REFUSE);
    CHECK_EQ(to_keypad(&r.k, o.tx, o.tx_len, &o, NULL), OL_LINK_REFUSED);
    CHECK_EQ(o.refuse_reason, OL_LINK_REFUSE_NO_SESSION);
    CHECK(handshake(&r, NULL));
    keypad_entry(&r, &w, (const uint8_t[]){3, 0, 3, 0, 3, 0}, 6);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_MESSAGE);
}

// ---- noise on the cable ----------------------------------------------------------------------
static void test_noise(void) {
    rig r;
    rig_identities(&r, 16);
    rig_power_up(&r, true);
    ol_link_out o;
    uint8_t noise[200];
    // Noise before and between the handshake frames does not stop it.
    rng_fill(noise, sizeof noise);
    to_body(&r.b, noise, sizeof noise, NULL, NULL);
    to_keypad(&r.k, noise, sizeof noise, NULL, NULL);
    CHECK(handshake(&r, NULL));
    unsigned lost = 0, bad_reason = 0;
    for (int i = 0; i < 100; i++) {
        size_t n = rng_below(sizeof noise);
        rng_fill(noise, n);
        if (i % 2) {
            for (size_t j = 0; j < n; j++) {
                noise[j] |= 0x80; // no delimiter inside: one long run
            }
        }
        int ev;
        ol_link_result res = to_body(&r.b, noise, n, &o, &ev);
        bad_reason += res != OL_LINK_NONE && !ol_link_rejected(res);
        wire w;
        keypad_entry(&r, &w, (const uint8_t[]){8, 6, 7, 5, 3, 0, 9}, 7);
        res = to_body(&r.b, w.w, w.n, &o, NULL);
        lost += res != OL_LINK_MESSAGE;
        body_display(&r, &w, "x");
        res = to_keypad(&r.k, noise, n, &o, NULL);
        bad_reason += res != OL_LINK_NONE && !ol_link_rejected(res);
        lost += to_keypad(&r.k, w.w, w.n, &o, NULL) != OL_LINK_MESSAGE;
    }
    CHECK_EQ(lost, 0);
    CHECK_EQ(bad_reason, 0);
}

// ---- frames in the wrong place
// -------------------------------------------------------------------
static void test_wrong_place(void) {
    rig r;
    rig_identities(&r, 17);
    rig_power_up(&r, true);
    handshake_log log;
    CHECK(handshake(&r, &log));
    ol_link_out o;
    wire g;
    // The body never takes WELCOME or REFUSE; the keypad never HELLO or FINISH.
    CHECK_EQ(to_body(&r.b, log.welcome.w, log.welcome.n, &o, NULL), OL_LINK_REJECT_UNEXPECTED);
    uint8_t reason = OL_LINK_REFUSE_NOT_PAIRED;
    reframe(&g, OL_LINK_REFUSE, &reason, 1);
    CHECK_EQ(to_body(&r.b, g.w, g.n, &o, NULL), OL_LINK_REJECT_UNEXPECTED);
    CHECK_EQ(to_keypad(&r.k, log.hello.w, log.hello.n, &o, NULL), OL_LINK_REJECT_UNEXPECTED);
    CHECK_EQ(to_keypad(&r.k, log.finish.w, log.finish.n, &o, NULL), OL_LINK_REJECT_UNEXPECTED);
    // A REFUSE with an unknown reason; one before any handshake.
    reason = 9;
    reframe(&g, OL_LINK_REFUSE, &reason, 1);
    CHECK_EQ(to_keypad(&r.k, g.w, g.n, &o, NULL), OL_LINK_REJECT_MALFORMED);
    ol_session_keypad idle;
    ol_session_keypad_init(&idle, &r.kid, r.bid.public_key, ol_testrng_fill, &r.rng_k);
    reason = OL_LINK_REFUSE_NOT_PAIRED;
    reframe(&g, OL_LINK_REFUSE, &reason, 1);
    CHECK_EQ(to_keypad(&idle, g.w, g.n, &o, NULL), OL_LINK_REJECT_UNEXPECTED);
    // Unknown types and wrong lengths for every type.
    uint8_t body[OL_FRAME_MAX_BODY] = {0};
    unsigned wrong = 0;
    for (int type = 0; type < 256; type++) {
        for (size_t len = 0; len <= OL_FRAME_MAX_BODY; len += 7) {
            bool valid = (type == OL_LINK_HELLO && len == OL_LINK_HELLO_BODY) ||
                         (type == OL_LINK_WELCOME && len == OL_LINK_WELCOME_BODY) ||
                         (type == OL_LINK_FINISH && len == OL_LINK_FINISH_BODY) ||
                         (type == OL_LINK_DATA && len == OL_LINK_DATA_BODY) ||
                         (type == OL_LINK_REFUSE && len == OL_LINK_REFUSE_BODY);
            if (valid) {
                continue;
            }
            reframe(&g, (uint8_t)type, body, len);
            wrong += to_body(&r.b, g.w, g.n, &o, NULL) != OL_LINK_REJECT_MALFORMED;
            wrong += to_keypad(&r.k, g.w, g.n, &o, NULL) != OL_LINK_REJECT_MALFORMED;
        }
    }
    CHECK_EQ(wrong, 0);
    CHECK(ol_session_body_established(&r.b));
    // DATA to a keypad without a session: refused, and the keypad sends nothing.
    wire d;
    keypad_entry(&r, &d, (const uint8_t[]){1, 2, 3, 4, 5, 6}, 6);
    body_display(&r, &d, "x");
    CHECK_EQ(to_keypad(&idle, d.w, d.n, &o, NULL), OL_LINK_REJECT_NO_SESSION);
    CHECK_EQ(o.tx_len, 0);
    // Names for the log: one per result, all different.
    const char *names[32];
    size_t nnames = 0;
    for (int res = 0; res < 32; res++) {
        const char *name = ol_link_result_name((ol_link_result)res);
        if (strcmp(name, "unknown") != 0) {
            for (size_t i = 0; i < nnames; i++) {
                wrong += strcmp(names[i], name) == 0;
            }
            names[nnames++] = name;
            wrong += ol_link_rejected((ol_link_result)res) != (strncmp(name, "reject_", 7) == 0);
        }
    }
    CHECK_EQ(nnames, 15);
    CHECK_EQ(wrong, 0);
    CHECK(strcmp(ol_link_result_name(OL_LINK_REJECT_REPLAY), "reject_replay") == 0);
    CHECK(strcmp(ol_link_result_name(OL_LINK_REJECT_STALE), "reject_stale") == 0);
    CHECK(strcmp(ol_link_result_name((ol_link_result)99), "unknown") == 0);
    CHECK(ol_link_rejected(OL_LINK_REJECT_NOISE) && !ol_link_rejected(OL_LINK_MESSAGE));
}

// ---- a TRNG that fails
// -----------------------------------------------------------------------------
typedef struct {
    ol_testrng rng;
    int fail_after; // calls that succeed before it fails
} flaky_trng;

static ol_err flaky_fill(void *ctx, uint8_t *buf, size_t len) {
    flaky_trng *t = ctx;
    if (t->fail_after-- <= 0) {
        return OL_ERR_FLASH;
    }
    return ol_testrng_fill(&t->rng, buf, len);
}

static void test_trng_failure(void) {
    rig r;
    rig_identities(&r, 18);
    flaky_trng tk = {.fail_after = 0}, tb = {.fail_after = 0};
    ol_testrng_seed(&tk.rng, 1);
    ol_testrng_seed(&tb.rng, 2);
    ol_session_keypad_init(&r.k, &r.kid, r.bid.public_key, flaky_fill, &tk);
    ol_session_body_init(&r.b, &r.bid, r.kid.public_key, flaky_fill, &tb);
    wire w;
    ol_link_out o;
    CHECK_EQ(ol_session_keypad_start(&r.k, w.w, &w.n), OL_ERR_FLASH);
    tk.fail_after = 1; // the ephemeral key comes, the nonce does not
    CHECK_EQ(ol_session_keypad_start(&r.k, w.w, &w.n), OL_ERR_FLASH);
    CHECK(all_zero(r.k.s.hs_secret, sizeof r.k.s.hs_secret));
    tk.fail_after = 100;
    CHECK_EQ(ol_session_keypad_start(&r.k, w.w, &w.n), OL_OK);
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_ERROR_TRNG);
    CHECK_EQ(o.tx_len, 0);
    CHECK(!ol_link_rejected(OL_LINK_ERROR_TRNG));
    tb.fail_after = 100;
    CHECK_EQ(to_body(&r.b, w.w, w.n, &o, NULL), OL_LINK_NONE);
    CHECK_EQ(o.tx_len, WIRE_WELCOME);
}

// ---- wiping
// -------------------------------------------------------------------------------------------
static void test_wipe(void) {
    rig r;
    rig_identities(&r, 19);
    rig_power_up(&r, true);
    CHECK(handshake(&r, NULL));
    // After the handshake no ephemeral secret is left.
    CHECK(all_zero(r.k.s.hs_secret, sizeof r.k.s.hs_secret));
    CHECK(all_zero(&r.b.s.hs_keys, sizeof r.b.s.hs_keys));
    ol_session_keypad_wipe(&r.k);
    ol_session_body_wipe(&r.b);
    CHECK(all_zero(&r.k, sizeof r.k));
    CHECK(all_zero(&r.b, sizeof r.b));
}

int main(void) {
    rng_seed_from_env("test_session");
    test_identity();
    test_pairing();
    test_pairing_withdrawn();
    test_pinned_secret_kept();
    test_messages();
    test_replay();
    test_reorder();
    test_stale();
    test_counter_end();
    test_tamper_data();
    test_tamper_handshake();
    test_low_order();
    test_truncation();
    test_unknown_keypad();
    test_power_cycle();
    test_noise();
    test_wrong_place();
    test_trng_failure();
    test_wipe();

    // Every frame of one type had one wire length, whatever it carried.
    CHECK_EQ(seen_mismatch, 0);
    CHECK_EQ(seen_len[OL_LINK_HELLO], WIRE_HELLO);
    CHECK_EQ(seen_len[OL_LINK_WELCOME], WIRE_WELCOME);
    CHECK_EQ(seen_len[OL_LINK_FINISH], WIRE_FINISH);
    CHECK_EQ(seen_len[OL_LINK_DATA], WIRE_DATA);
    CHECK_EQ(seen_len[OL_LINK_REFUSE], WIRE_REFUSE);
    return check_done("test_session");
}
