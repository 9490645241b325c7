// A lock body and a keypad unit joined by an in-memory byte cable, in
// virtual time. Header-only: each test is one program.
#ifndef OWNERLOCK_TEST_CABLE_H
#define OWNERLOCK_TEST_CABLE_H

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "host.h"
#include "link/link.h"
#include "link/session.h"
#include "ownerlock/body.h"
#include "ownerlock/keypad_unit.h"
#include "recovery_ack.h"

#define WIRE_MAX 65536
#define RECORD_MAX 512

typedef struct frame_rec {
    int to_lock;
    size_t len;
    uint8_t bytes[OL_FRAME_MAX_WIRE];
} frame_rec;

typedef struct bench {
    ol_hostflash lock_flash, keypad_flash;
    ol_testrng lock_rng, keypad_rng;
    ol_vclock clock;
    ol_platform lock_plat, keypad_plat;
    ol_body body;
    ol_keypad_unit keypad;
    uint64_t t;
    bool door_open;
    uint8_t to_lock[WIRE_MAX], to_keypad[WIRE_MAX];
    size_t n_to_lock, n_to_keypad;
    bool recording;
    frame_rec rec[RECORD_MAX];
    size_t nrec;
} bench;

static inline void record(bench *b, int to_lock, const uint8_t *bytes, size_t len) {
    if (b->recording && b->nrec < RECORD_MAX && len <= OL_FRAME_MAX_WIRE) {
        frame_rec *r = &b->rec[b->nrec++];
        r->to_lock = to_lock;
        r->len = len;
        memcpy(r->bytes, bytes, len);
    }
}

static inline void from_keypad(void *ctx, const uint8_t *bytes, size_t len) {
    bench *b = ctx;
    record(b, 1, bytes, len);
    memcpy(b->to_lock + b->n_to_lock, bytes, len);
    b->n_to_lock += len;
}

static inline void from_lock(void *ctx, const uint8_t *bytes, size_t len) {
    bench *b = ctx;
    record(b, 0, bytes, len);
    memcpy(b->to_keypad + b->n_to_keypad, bytes, len);
    b->n_to_keypad += len;
}

// Deliver everything on the cable, byte by byte, until both ways are quiet.
static inline void pump(bench *b) {
    while (b->n_to_lock || b->n_to_keypad) {
        uint8_t in[WIRE_MAX];
        size_t n = b->n_to_lock;
        memcpy(in, b->to_lock, n);
        b->n_to_lock = 0;
        for (size_t i = 0; i < n; i++) {
            CHECK_EQ(ol_body_rx(&b->body, b->t, in[i]), OL_OK);
        }
        n = b->n_to_keypad;
        memcpy(in, b->to_keypad, n);
        b->n_to_keypad = 0;
        for (size_t i = 0; i < n; i++) {
            ol_keypad_unit_rx(&b->keypad, b->t, in[i]);
        }
    }
}

static inline void advance(bench *b, uint64_t ms) {
    uint64_t end = b->t + ms;
    ol_event tick = {.type = OL_EV_TICK};
    for (;;) {
        uint64_t a = ol_body_next_deadline(&b->body), k = ol_keypad_unit_next_deadline(&b->keypad);
        uint64_t next = a < k ? a : k;
        if (next > end) {
            break;
        }
        b->t = next > b->t ? next : b->t + 1;
        b->clock.now_ms = b->t;
        CHECK_EQ(ol_body_event(&b->body, b->t, &tick), OL_OK);
        ol_keypad_unit_tick(&b->keypad, b->t);
        pump(b);
    }
    b->t = end;
    CHECK_EQ(ol_body_event(&b->body, b->t, &tick), OL_OK);
    ol_keypad_unit_tick(&b->keypad, b->t);
    pump(b);
}

static inline void keys(bench *b, const char *k) {
    for (; *k; k++) {
        ol_keypad_unit_key(&b->keypad, b->t, *k);
        pump(b);
        advance(b, 200);
    }
}

static inline void door(bench *b, bool open) {
    b->door_open = open;
    ol_event ev = {.type = OL_EV_DOOR, .door_open = open};
    CHECK_EQ(ol_body_event(&b->body, b->t, &ev), OL_OK);
    pump(b);
}

static inline void boot_keypad(bench *b, uint64_t seed) {
    ol_testrng_seed(&b->keypad_rng, seed);
    CHECK_EQ(ol_keypad_unit_boot(&b->keypad, &b->keypad_plat, b->t, from_keypad, b), OL_OK);
    pump(b);
}

static inline const char *display(bench *b) {
    static char text[40];
    char line[2][OL_DISPLAY_COLS + 1];
    ol_keypad_unit_display(&b->keypad, line);
    snprintf(text, sizeof text, "%s | %s", line[0], line[1]);
    return text;
}

static inline const char *display_cb(void *b) {
    return display(b);
}

static inline void keys_cb(void *b, const char *k) {
    keys(b, k);
}

// The recovery code shown (commissioning, *14): paged, read off the keypad
// unit's display and typed back (recovery_ack.h). groups may be NULL.
static inline bool recovery_ack_bench(bench *b,
                                      char groups[OL_RECOVERY_GROUPS][RECOVERY_ACK_GROUP_CAP]) {
    return recovery_ack(b, display_cb, keys_cb, groups);
}

static inline uint32_t count_audit(bench *b, uint8_t kind) {
    ol_status st;
    ol_lock_status(&b->body.lock, &st);
    uint32_t n = 0;
    for (uint32_t s = st.audit_first_seq; s < st.audit_next_seq; s++) {
        ol_audit_event ev;
        n += ol_lock_audit_read(&b->body.lock, s, &ev) == OL_OK && ev.kind == kind;
    }
    return n;
}

static inline ol_bolt bolt(bench *b) {
    return ol_lock_outputs(&b->body.lock)->bolt;
}

// Both units' platforms on their flash, and the lock body booted; the
// keypad unit is the caller's to boot (boot_keypad, or a test's own way).
static inline void bench_boot_lock(bench *b, uint64_t lock_seed) {
    ol_testrng_seed(&b->lock_rng, lock_seed);
    b->clock.world_epoch = 1767225600;
    b->lock_plat = (ol_platform){&b->lock_flash.flash, ol_testrng_fill,   &b->lock_rng,
                                 ol_vclock_rtc,        ol_vclock_rtc_set, &b->clock};
    b->keypad_plat = (ol_platform){&b->keypad_flash.flash, ol_testrng_fill,   &b->keypad_rng,
                                   ol_vclock_rtc,          ol_vclock_rtc_set, &b->clock};
    CHECK_EQ(ol_body_boot(&b->body, &b->lock_plat, b->t, b->door_open, from_lock, b), OL_OK);
}

// Fresh flash for both units (or keep the lock's), both booted.
static inline void bench_boot(bench *b, uint64_t lock_seed, uint64_t keypad_seed) {
    bench_boot_lock(b, lock_seed);
    boot_keypad(b, keypad_seed);
}

#endif
