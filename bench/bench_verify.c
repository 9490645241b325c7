// ownerlock — bench: instructions the target executes for one code
// verification, with 1, 7 and 32 enrolled slots (Cortex-M3, mps2-an385; 32
// in ID mode, since plain mode holds OL_PLAIN_MAX_CODES (7)).
//
// Runs under QEMU with bench/insn-count.c, a TCG plugin that counts the
// instructions executed between a call of bench_begin() and the next call of
// bench_end(); this program prints one label per measurement, in the same
// order, and bench/run-bench.sh pairs them up. Nothing else runs meanwhile:
// no SysTick, no UART interrupt.
//
// For each lock (1, 7, 32 enrolled slots) and each candidate code:
//  - the whole ENTRY event through ol_lock_event, flash writes included,
//    every candidate from the same snapshot of flash and RAM, so the only
//    difference between two candidates is the code typed;
//  - within it, the verification in src/core/tries.c ol_authenticate(), the
//    code that sees the entry (invariant 3: its cost must not depend on the
//    code entered or the codes stored): the plugin's inner pair counts from
//    the first instruction of ol_credential_scope() (the ID read, in ID mode)
//    to the first of ol_credential_slot_of(), i.e. both readings tagged and
//    matched against every slot, measured in the real code, not a copy of it;
//  - on the 32-slot lock (in ID mode) also IDs of other slots and none: the ID
//    is secret too;
//  - ol_credential_tag and ol_credential_match called alone, for the breakdown.
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "core/credentials.h"
#include "ownerlock/lock.h"
#include "ownerlock/crypto.h"
#include "semihost.h"

#define CODE_DIGITS 8

#include "bench_markers.h"
#include "engine_ack.h"

// ---- the lock under test ----------------------------------------------------------------

typedef struct bench_lock {
    an385_flash flash;
    an385_test_trng trng;
    ol_platform plat;
    ol_lock lock;
    uint64_t now;
    uint8_t codes[OL_SLOTS][CODE_DIGITS];
} bench_lock;

static bench_lock bl;
// Snapshots: the flash cells and the lock context before each candidate.
static uint8_t flash_copy[AN385_FLASH_BYTES] __attribute__((section(".bench")));
static ol_lock lock_copy __attribute__((section(".bench")));

static uint32_t rtc_fixed(void *ctx) {
    (void)ctx;
    return 1767225600u; // 2026-01-01: a fixed clock, so runs repeat exactly
}

static void fail(const char *what) {
    printf("bench: %s\n", what);
    semihost_exit(1);
}

static void event(const ol_event *ev) {
    bl.now += 1000;
    if (ol_lock_event(&bl.lock, bl.now, ev) != OL_OK) {
        fail("lock event failed");
    }
}

static void entry(const uint8_t *digits, uint8_t n);

static bool type_field(const uint8_t *digits, uint8_t n) {
    entry(digits, n);
    return true;
}

static void entry(const uint8_t *digits, uint8_t n) {
    ol_event ev = {.type = OL_EV_ENTRY, .ndigits = n};
    if (n) {
        memcpy(ev.digits, digits, n);
    }
    event(&ev);
}

// A code per slot, fixed by the slot number, passing the policy (not trivial,
// two or more digits away from every other).
static void make_code(uint8_t slot, uint8_t code[CODE_DIGITS]) {
    uint32_t x = 0x9E3779B9u * (slot + 1u);
    for (int i = 0; i < CODE_DIGITS; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        code[i] = (uint8_t)(x % 10u);
    }
}

// More codes than plain mode holds (OL_PLAIN_MAX_CODES): the lock is in ID
// mode (*18), and every entry starts with an ID.
static bool id_mode_for(uint32_t slots) {
    return slots > OL_PLAIN_MAX_CODES;
}

// A commissioned lock, door shut, bolt thrown, with `slots` enrolled codes:
// slot 00 by commissioning, the others through *02 as a manager would (in
// ID mode when plain mode would not hold them).
static void setup(uint32_t slots) {
    memset(&bl, 0, sizeof bl);
    if (an385_flash_init(&bl.flash, NULL) != OL_OK) {
        fail("flash");
    }
    an385_test_trng_init(&bl.trng, "bench");
    bl.plat.flash = &bl.flash.flash;
    bl.plat.trng = an385_test_trng_fill;
    bl.plat.trng_ctx = &bl.trng;
    bl.plat.rtc_now = rtc_fixed;
    if (ol_lock_boot(&bl.lock, &bl.plat, 0, true) != OL_OK) {
        fail("boot");
    }
    for (uint8_t s = 0; s < slots; s++) {
        make_code(s, bl.codes[s]);
    }
    entry(bl.codes[0], CODE_DIGITS);
    entry(bl.codes[0], CODE_DIGITS);
    // The recovery code is shown once, a group per '#', and typed back.
    ol_event tick = {.type = OL_EV_TICK};
    bl.now += OL_MESSAGE_MS;
    event(&tick);
    if (!engine_recovery_ack(&bl.lock, type_field)) {
        fail("recovery code not kept");
    }
    uint8_t login[2 + CODE_DIGITS] = {0, 0};
    memcpy(login + 2, bl.codes[0], CODE_DIGITS);
    uint8_t skip = 2; // the login's ID, in ID mode
    if (id_mode_for(slots)) {
        ol_event fn = {.type = OL_EV_FUNCTION, .function = OL_FN_ID_MODE};
        const uint8_t on = 1;
        event(&fn);
        entry(bl.codes[0], CODE_DIGITS);
        entry(&on, 1);
        skip = 0;
    }
    for (uint8_t s = 1; s < slots; s++) {
        ol_event fn = {.type = OL_EV_FUNCTION, .function = 2};
        event(&fn);
        entry(login + skip, (uint8_t)(sizeof login - skip));
        uint8_t slot[2] = {(uint8_t)(s / 10), (uint8_t)(s % 10)};
        entry(slot, 2);
        entry(bl.codes[s], CODE_DIGITS);
        entry(bl.codes[s], CODE_DIGITS);
    }
    ol_event door = {.type = OL_EV_DOOR, .door_open = false};
    event(&door);
    event(&tick);
    ol_status st;
    ol_lock_status(&bl.lock, &st);
    uint32_t want = slots >= 32 ? 0xFFFFFFFFu : (1u << slots) - 1u;
    if (!st.commissioned || st.enrolled != want || st.failures != 0 ||
        st.settings.id_mode != id_mode_for(slots) ||
        ol_lock_outputs(&bl.lock)->bolt != OL_BOLT_EXTENDED) {
        fail("setup did not enroll every slot");
    }
    memcpy(flash_copy, bl.flash.mem, AN385_FLASH_BYTES);
    lock_copy = bl.lock;
}

static void restore(void) {
    memcpy(bl.flash.mem, flash_copy, AN385_FLASH_BYTES);
    bl.lock = lock_copy;
}

// ---- candidates -----------------------------------------------------------------------

typedef struct candidate {
    char name[40];
    uint8_t digits[OL_ENTRY_MAX_DIGITS];
    uint8_t n;
    bool valid; // should open
} candidate;

static uint32_t make_candidates(uint32_t slots, candidate *c) {
    uint32_t k = 0;
    const uint8_t *code0 = bl.codes[0];
    const uint8_t *last = bl.codes[slots - 1];
    snprintf(c[k].name, sizeof c[k].name, "right code, slot 00");
    memcpy(c[k].digits, code0, CODE_DIGITS);
    c[k].n = CODE_DIGITS;
    c[k++].valid = true;
    if (slots > 1) {
        snprintf(c[k].name, sizeof c[k].name, "right code, last slot (%02u)",
                 (unsigned)(slots - 1));
        memcpy(c[k].digits, last, CODE_DIGITS);
        c[k].n = CODE_DIGITS;
        c[k++].valid = true;
    }
    // Wrong codes sharing the first `share` digits with slot 00's code, and
    // differing in every digit after that.
    for (uint8_t share = 0; share < CODE_DIGITS; share++) {
        snprintf(c[k].name, sizeof c[k].name, "wrong, shares %u leading digits", share);
        memcpy(c[k].digits, code0, CODE_DIGITS);
        for (uint8_t i = share; i < CODE_DIGITS; i++) {
            c[k].digits[i] = (uint8_t)((code0[i] + 5u) % 10u);
        }
        c[k].n = CODE_DIGITS;
        c[k++].valid = false;
    }
    snprintf(c[k].name, sizeof c[k].name, "wrong, slot 00's code + 1 digit");
    memcpy(c[k].digits, code0, CODE_DIGITS);
    c[k].digits[CODE_DIGITS] = 7;
    c[k].n = CODE_DIGITS + 1;
    c[k++].valid = false;
    snprintf(c[k].name, sizeof c[k].name, "wrong, 16 digits");
    memset(c[k].digits, 3, OL_ENTRY_MAX_DIGITS);
    c[k].n = OL_ENTRY_MAX_DIGITS;
    c[k++].valid = false;
    // In ID mode each entry but the 16 digits starts with the ID of the slot
    // it is about: the last slot's for its code, 00 for the others.
    for (uint32_t i = 0; id_mode_for(slots) && i + 1 < k; i++) {
        uint8_t id = i == 1 ? (uint8_t)(slots - 1) : 0;
        memmove(c[i].digits + 2, c[i].digits, c[i].n);
        c[i].digits[0] = (uint8_t)(id / 10u);
        c[i].digits[1] = (uint8_t)(id % 10u);
        c[i].n = (uint8_t)(c[i].n + 2);
    }
    return k;
}

// group;slots;digits typed;candidate — one line per measurement.
static void label(const char *what, uint32_t slots, uint8_t digits, const char *name) {
    printf("%s;%u;%u;%s\n", what, (unsigned)slots, (unsigned)digits, name);
}

// The two halves apart, for the record.
static void parts(uint32_t slots, const candidate *c) {
    uint8_t tag[OL_TAG_BYTES];
    uint8_t skip = id_mode_for(slots) ? 2 : 0; // the ID
    ol_event ev = {.type = OL_EV_ENTRY, .ndigits = (uint8_t)(c->n - skip)};
    memcpy(ev.digits, c->digits + skip, sizeof ev.digits - skip);
    label("tag", slots, c->n, c->name);
    bench_begin();
    ol_credential_tag(tag, bl.lock.device_key, ev.digits, ev.ndigits);
    bench_end();
    label("match", slots, c->n, c->name);
    bench_begin();
    uint32_t match =
        ol_credential_match((const uint8_t(*)[OL_TAG_BYTES])bl.lock.tags, bl.lock.enrolled, tag);
    bench_end();
    if ((match != 0) != c->valid) {
        fail("verification gave the wrong answer");
    }
}

static void measure(uint32_t slots, const candidate *cands, uint32_t n) {
    ol_event ev = {.type = OL_EV_ENTRY};
    for (uint32_t i = 0; i < n; i++) {
        restore();
        ev.ndigits = cands[i].n;
        memcpy(ev.digits, cands[i].digits, sizeof ev.digits);
        uint64_t at = bl.now + 1000;
        label("entry", slots, cands[i].n, cands[i].name);
        bench_begin();
        ol_err err = ol_lock_event(&bl.lock, at, &ev);
        bench_end();
        bool opened = ol_lock_outputs(&bl.lock)->bolt == OL_BOLT_RETRACTED;
        if (err != OL_OK || opened != cands[i].valid) {
            fail("ENTRY event gave the wrong answer");
        }
    }
}

static void run(uint32_t slots) {
    setup(slots);
    candidate cands[16];
    uint32_t n = make_candidates(slots, cands);
    parts(slots, &cands[0]);
    parts(slots, &cands[n - 1]);
    measure(slots, cands, n);
}

static void id_candidate(candidate *c, const char *name, uint8_t id, uint8_t slot, bool valid) {
    snprintf(c->name, sizeof c->name, "%s", name);
    c->digits[0] = (uint8_t)(id / 10u);
    c->digits[1] = (uint8_t)(id % 10u);
    memcpy(c->digits + 2, bl.codes[slot], CODE_DIGITS);
    c->n = 2 + CODE_DIGITS;
    c->valid = valid;
}

// ID mode (*18) on the 32-slot lock: the ID is as secret as the code, so the
// verification (which now starts at ol_credential_scope, where the ID is
// read) must cost the same whatever the ID, and the same as in plain mode.
static void run_id_mode(void) {
    setup(32); // in ID mode: plain mode holds no 32 codes
    candidate cands[5];
    id_candidate(&cands[0], "ID mode: ID 00 + its code", 0, 0, true);
    id_candidate(&cands[1], "ID mode: ID 31 + its code", 31, 31, true);
    id_candidate(&cands[2], "ID mode: ID 05 + slot 31's code", 5, 31, false);
    id_candidate(&cands[3], "ID mode: ID 99 + slot 00's code", 99, 0, false);
    snprintf(cands[4].name, sizeof cands[4].name, "ID mode: slot 00's code, no ID");
    memcpy(cands[4].digits, bl.codes[0], CODE_DIGITS);
    cands[4].n = CODE_DIGITS;
    cands[4].valid = false;
    measure(32, cands, 5);
}

int main(void) {
    uart_init(AN385_CONSOLE, 115200u); // for board_panic; no SysTick: nothing interrupts
    // The cost of the markers themselves, subtracted by run-bench.sh.
    label("calibrate", 0, 0, "empty");
    bench_begin();
    bench_end();
    run(1);
    run(OL_PLAIN_MAX_CODES);
    run(32);
    run_id_mode();
    printf("done\n");
    return 0;
}
