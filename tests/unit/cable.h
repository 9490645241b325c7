// A lock body and a keypad unit joined by a byte cable, in virtual time: the
// simulator's rig (tools/common/safe_rig.h), with every result of the lock
// body checked to be OL_OK, and a test's words for driving it. Header-only:
// each test is one program.
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
#include "safe_rig.h"

typedef safe_rig bench;

static inline void bench_checked(void *ctx, ol_err err, const char *during) {
    (void)ctx;
    if (err != OL_OK) {
        fprintf(stderr, "  the lock body failed (%s)\n", during);
    }
    CHECK_EQ(err, OL_OK);
}

static inline void pump(bench *b) {
    CHECK(safe_rig_pump(b));
}

static inline void advance(bench *b, uint64_t ms) {
    CHECK(safe_rig_advance(b, ms));
}

// Keys as a person types them, 200 ms apart; spaces ignored.
static inline void keys(bench *b, const char *k) {
    for (; *k; k++) {
        if (*k == ' ') {
            continue;
        }
        CHECK(safe_rig_key(b, *k));
        advance(b, 200);
    }
}

static inline void door(bench *b, bool open) {
    b->door_open = open;
    ol_event ev = {.type = OL_EV_DOOR, .door_open = open};
    CHECK(safe_rig_event(b, &ev, "door"));
}

static inline void boot_keypad(bench *b, uint64_t seed) {
    ol_testrng_seed(&b->keypad_rng, seed);
    CHECK_EQ(safe_rig_boot_keypad(b), OL_OK);
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

// Both units' flash erased, in memory, and the door open; not yet powered.
static inline void bench_open(bench *b) {
    CHECK_EQ(ol_hostflash_open(&b->lock_flash, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS), OL_OK);
    CHECK_EQ(ol_hostflash_open(&b->keypad_flash, NULL, OL_HOST_SECTOR_SIZE, OL_KEYPAD_SECTORS),
             OL_OK);
    CHECK_EQ(safe_rig_factory(b), OL_OK); // a new lock body holds the maker's image
    b->door_open = true;
}

// The flashes and the cable freed (the units shut down first, if booted).
static inline void bench_close(bench *b) {
    ol_hostflash_close(&b->lock_flash);
    ol_hostflash_close(&b->keypad_flash);
    safe_rig_free(b);
}

// Both units' platforms on their flash (bench_open, or the caller's), every result
// of the lock body checked, and the lock body booted; the keypad unit is the
// caller's to boot (boot_keypad, or a test's own way).
static inline void bench_boot_lock(bench *b, uint64_t lock_seed) {
    ol_testrng_seed(&b->lock_rng, lock_seed);
    b->clock.world_epoch = 1767225600; // 2026-01-01T00:00:00Z
    b->hooks = (safe_rig_hooks){.result = bench_checked};
    safe_rig_platforms(b);
    CHECK_EQ(safe_rig_boot_lock(b), OL_OK);
}

// Fresh flash for both units (or keep the lock's), both booted.
static inline void bench_boot(bench *b, uint64_t lock_seed, uint64_t keypad_seed) {
    bench_boot_lock(b, lock_seed);
    boot_keypad(b, keypad_seed);
}

#endif
