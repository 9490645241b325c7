// ownerlock — the lock the fault sweep attacks (tests/fault/skip.c).
//
// Built for the Cortex-M3 from the same objects as the target tests, and run
// in an emulated Cortex-M3 by the sweep, which calls these functions
// directly (no startup code, no peripherals: the flash is the board's NOR
// emulation in RAM, the TRNG the board's test stand-in, the clock fixed):
//   fault_setup(m)    a commissioned lock, door shut, bolt thrown; m = 1:
//                     in ID mode (*18), so entries are slot 00's ID + code;
//                     m = 2: in one-time code mode (a fleet's key set over
//                     the service port), slot 00's code typed and the lock
//                     asking ONE-TIME CODE;
//   fault_entry(w)    one ENTRY event: w = 0 a wrong code, 1 the right code
//                     (m = 2: a wrong or the right one-time code, counter 0);
//                     this call is where the sweep skips instructions;
//   fault_boot(b)     power-up of that lock, door shut (b = 1: of a blank
//                     store, a new lock); the sweep's other target;
//   fault_verdict()   what came of it, read by code that runs unfaulted.
// main() does the same in order, so the program also runs under QEMU.
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "core/state.h"
#include "engine_ack.h"
#include "ownerlock/lock.h"
#include "ownerlock/otc.h"
#include "verdict.h"

#define CODE_DIGITS 8
_Static_assert(CODE_DIGITS == OL_OTC_CODE_DIGITS, "one entry serves codes and one-time codes");

enum {
    SETUP_OK = 0,
    SETUP_BOOT = 1,
    SETUP_EVENT = 2,
    SETUP_STATE = 3,
};

static const uint8_t right_code[CODE_DIGITS] = {4, 8, 2, 9, 1, 5, 7, 3};

typedef struct harness {
    an385_flash flash;
    an385_test_trng trng;
    ol_platform plat;
    ol_lock lock;
    ol_lock rebooted;
    uint64_t now;
    bool id_mode;
    bool one_time;                             // the entry is a one-time code
    uint8_t one_time_code[OL_OTC_CODE_DIGITS]; // the right one, computed at setup
} harness;

static harness h;

static uint32_t rtc_fixed(void *ctx) {
    (void)ctx;
    return 1767225600u; // 2026-01-01
}

static ol_err event(const ol_event *ev) {
    h.now += 1000;
    return ol_lock_event(&h.lock, h.now, ev);
}

static ol_err entry(const uint8_t *digits, uint8_t n) {
    ol_event ev = {.type = OL_EV_ENTRY, .ndigits = n};
    if (n) {
        memcpy(ev.digits, digits, n);
    }
    return event(&ev);
}

static bool type_field(const uint8_t *digits, uint8_t n) {
    return entry(digits, n) == OL_OK;
}

enum { MODE_PLAIN = 0, MODE_ID = 1, MODE_ONE_TIME_CODE = 2 };

// The fleet's key over the service port, in a *19 session (door open).
static bool set_one_time_codes(void) {
    static const uint8_t key[OL_OTC_KEY_BYTES] = {7, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    ol_event fn = {.type = OL_EV_FUNCTION, .function = 19};
    uint8_t req[9 + OL_OTC_KEY_BYTES] = {OL_SERVICE_OTC_SET, 0x39, 0x30, 0,
                                         0}; // lock 12345, counter 0
    memcpy(req + 5, key, sizeof key);
    uint8_t resp[OL_SERVICE_RESPONSE_MAX];
    size_t rlen;
    bool ok = event(&fn) == OL_OK && entry(right_code, CODE_DIGITS) == OL_OK;
    h.now += 1000;
    ok = ok && ol_lock_service(&h.lock, h.now, req, sizeof req, resp, &rlen) == OL_OK &&
         h.lock.has_otc;
    ol_otc_code(h.one_time_code, key, 12345, 0, 0);
    return ok;
}

uint32_t fault_setup(uint32_t mode);
uint32_t fault_entry(uint32_t which);
uint32_t fault_boot(uint32_t blank);
uint32_t fault_verdict(void);

__attribute__((noinline, used)) uint32_t fault_setup(uint32_t mode) {
    memset(&h, 0, sizeof h);
    if (an385_flash_init(&h.flash, NULL) != OL_OK) {
        return SETUP_BOOT;
    }
    an385_test_trng_init(&h.trng, "fault");
    h.plat.flash = &h.flash.flash;
    h.plat.trng = an385_test_trng_fill;
    h.plat.trng_ctx = &h.trng;
    h.plat.rtc_now = rtc_fixed;
    if (ol_lock_boot(&h.lock, &h.plat, 0, true) != OL_OK) {
        return SETUP_BOOT;
    }
    ol_event tick = {.type = OL_EV_TICK};
    ol_event door = {.type = OL_EV_DOOR, .door_open = false};
    bool ok = entry(right_code, CODE_DIGITS) == OL_OK && entry(right_code, CODE_DIGITS) == OL_OK;
    h.now += OL_MESSAGE_MS;
    ok = ok && event(&tick) == OL_OK;
    // The recovery code is shown once, a group per '#', then typed back.
    ok = ok && engine_recovery_ack(&h.lock, type_field);
    if (mode == MODE_ONE_TIME_CODE) {
        h.now += OL_MESSAGE_MS;
        ok = ok && event(&tick) == OL_OK && set_one_time_codes();
        h.now += OL_MESSAGE_MS;
    }
    ok = ok && event(&door) == OL_OK && event(&tick) == OL_OK;
    if (mode == MODE_ONE_TIME_CODE) {
        // Slot 00's code: the lock asks for its one-time code.
        h.now += OL_MESSAGE_MS;
        ok = ok && event(&tick) == OL_OK && entry(right_code, CODE_DIGITS) == OL_OK &&
             h.lock.mode == MODE_ONE_TIME;
        h.one_time = true;
    }
    if (mode == MODE_ID) {
        // *18, the manager's code, 1#: ID mode on.
        ol_event fn = {.type = OL_EV_FUNCTION, .function = 18};
        static const uint8_t on[1] = {1};
        ok = ok && event(&fn) == OL_OK && entry(right_code, CODE_DIGITS) == OL_OK &&
             entry(on, 1) == OL_OK;
        h.now += OL_MESSAGE_MS;
        ok = ok && event(&tick) == OL_OK && h.lock.set.id_mode;
        h.id_mode = true;
    }
    if (!ok) {
        return SETUP_EVENT;
    }
    ol_status st;
    ol_lock_status(&h.lock, &st);
    if (!st.commissioned || st.failures != 0 || h.lock.out.bolt != OL_BOLT_EXTENDED) {
        return SETUP_STATE;
    }
    return SETUP_OK;
}

__attribute__((noinline, used)) uint32_t fault_entry(uint32_t which) {
    // ol_lock_event called from here, so nothing but the lock runs in the call.
    // In ID mode the entry is slot 00's ID, then the code.
    uint8_t id = h.id_mode ? 2 : 0;
    ol_event ev = {.type = OL_EV_ENTRY, .ndigits = (uint8_t)(id + CODE_DIGITS)};
    const uint8_t *right = h.one_time ? h.one_time_code : right_code;
    for (int i = 0; i < CODE_DIGITS; i++) {
        // The wrong code differs from the right one in every digit.
        ev.digits[id + i] = which ? right[i] : (uint8_t)((right[i] + 5u) % 10u);
    }
    h.now += 1000;
    return (uint32_t)ol_lock_event(&h.lock, h.now, &ev);
}

__attribute__((noinline, used)) uint32_t fault_boot(uint32_t blank) {
    if (blank) {
        memset(h.flash.mem, 0xFF, AN385_FLASH_BYTES);
    }
    h.now += 1000;
    return (uint32_t)ol_lock_boot(&h.lock, &h.plat, h.now, false);
}

__attribute__((noinline, used)) uint32_t fault_verdict(void) {
    uint32_t v = 0;
    if (h.lock.mode == MODE_FACTORY) {
        v |= VERDICT_NEW;
    }
    if (h.lock.out.bolt == OL_BOLT_RETRACTED) {
        v |= VERDICT_OPENED;
    }
    if (h.lock.glitch || h.lock.mode == MODE_FAULT) {
        v |= VERDICT_DETECTED;
    }
    ol_event tick = {.type = OL_EV_TICK};
    (void)event(&tick);
    if (h.lock.out.bolt == OL_BOLT_RETRACTED) {
        v |= VERDICT_OPENED;
    }
    // Power cut now: what does the next boot know of that try?
    ol_status st;
    if (ol_lock_boot(&h.rebooted, &h.plat, h.now, false) == OL_OK) {
        ol_lock_status(&h.rebooted, &st);
        if (st.failures >= 1) {
            v |= VERDICT_COUNTED;
        }
        if (h.rebooted.mode == MODE_FACTORY) {
            v |= VERDICT_NEW_REBOOT;
        }
    } else {
        v |= VERDICT_BRICKED;
    }
    return v;
}

int main(void) {
    uint32_t s = fault_setup(0);
    uint32_t e = fault_entry(0);
    uint32_t v = fault_verdict();
    uint32_t b = fault_boot(0);
    uint32_t bv = fault_verdict();
    printf("setup %u, wrong entry %u, verdict %u; power-up %u, verdict %u\n", (unsigned)s,
           (unsigned)e, (unsigned)v, (unsigned)b, (unsigned)bv);
    return s == SETUP_OK && v == VERDICT_COUNTED && b == 0 && bv == VERDICT_COUNTED ? 0 : 1;
}
