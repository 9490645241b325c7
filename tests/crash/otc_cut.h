// What the power-cut tests of one-time codes share (crash_otc, crash_release):
// the sweep that cuts the power at every flash operation of a workload, the
// fleet's key and lock number, and the digits it issues. Header-only, as
// rig.h: each test is one program.
#ifndef OWNERLOCK_TEST_OTC_CUT_H
#define OWNERLOCK_TEST_OTC_CUT_H

#include <setjmp.h>

#include "check.h"
#include "ownerlock/otc.h"
#include "rig.h"

#define OTC_LOCK_NUMBER 12345u

// Slot 00's code, the manager's: commissioning, openings and *19.
static const char *const OTC_CODE = "482915#";

static inline const uint8_t *otc_key(void) {
    static uint8_t key[OL_OTC_KEY_BYTES];
    for (int i = 0; i < OL_OTC_KEY_BYTES; i++) {
        key[i] = (uint8_t)i;
    }
    return key;
}

// The keys of slot's one-time code (or release code) at counter, '#' last.
static inline void otc_keys(char keys[OL_OTC_CODE_DIGITS + 2], bool release, uint32_t counter,
                            uint8_t slot) {
    uint8_t d[OL_OTC_CODE_DIGITS];
    (release ? ol_otc_release : ol_otc_code)(d, otc_key(), OTC_LOCK_NUMBER, counter, slot);
    for (int i = 0; i < OL_OTC_CODE_DIGITS; i++) {
        keys[i] = (char)('0' + d[i]);
    }
    keys[OL_OTC_CODE_DIGITS] = '#';
    keys[OL_OTC_CODE_DIGITS + 1] = '\0';
}

// Commissioned with slot 00's code, the door open; no recovery code kept
// (not what these tests are about).
static inline void otc_commission(rig *r) {
    rig_keys_as(r, OTC_CODE, false);
    rig_keys_as(r, OTC_CODE, false);
    rig_wait(r, 3000);
    rig_keys(r, "*");
    rig_wait(r, 4000);
}

static unsigned cut_failures_reported;

// One CHECK per property per cut point, with the cut point in the message.
static inline void holds(uint64_t k, bool ok, const char *what) {
    CHECK(ok);
    if (!ok && cut_failures_reported++ < 20) {
        fprintf(stderr, "cut point %llu: %s\n", (unsigned long long)k, what);
    }
}

// The workload is run once to count its flash operations (the first
// power-up's included), checked by `dry`; then, for every operation k (every
// stride-th), again on fresh flash with the power cut at k, that word or
// erase torn, and `check` reboots the lock from the torn flash.
typedef struct cut_sweep {
    const char *name;
    uint64_t seed; // the rig's TRNG
    rig *r;        // the trial's
    void *trial;
    void (*fresh)(void *trial); // the model back to its start (rig_setup resets the rig)
    void (*workload)(void *trial);
    void (*dry)(void *trial, uint64_t ops);
    void (*at_cut)(void *trial); // NULL, or a snapshot of what the lock had committed
    void (*check)(void *trial, uint64_t k);
    jmp_buf env;
} cut_sweep;

static inline void cut_sweep_on_cut(void *arg) {
    cut_sweep *s = arg;
    if (s->at_cut) {
        s->at_cut(s->trial);
    }
    longjmp(s->env, 1);
}

// False if the rig could not be set up.
static inline bool cut_sweep_run(cut_sweep *s, uint64_t stride) {
    s->fresh(s->trial);
    if (rig_init(s->r, s->seed) != OL_OK) {
        return false;
    }
    s->workload(s->trial);
    uint64_t total = ol_hostflash_ops(&s->r->hf);
    s->dry(s->trial, total);
    ol_hostflash_close(&s->r->hf);

    uint64_t cuts = 0;
    for (uint64_t k = 0; k < total; k += stride) {
        s->fresh(s->trial);
        if (rig_setup(s->r, s->seed) != OL_OK) {
            return false;
        }
        ol_hostflash_arm_cut(&s->r->hf, k, k * 2654435761u + 1, cut_sweep_on_cut, s);
        if (setjmp(s->env) == 0) {
            rig_boot(s->r);
            s->workload(s->trial);
            holds(k, false, "the workload finished without reaching the cut");
        } else {
            cuts++;
            s->check(s->trial, k);
        }
        ol_hostflash_close(&s->r->hf);
    }
    printf("%s: %llu cuts of %llu flash operations\n", s->name, (unsigned long long)cuts,
           (unsigned long long)total);
    return true;
}

#endif
