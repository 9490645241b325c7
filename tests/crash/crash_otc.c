// Power-cut test of one-time openings (issue 18, docs/FLEET.md): a lock in
// OTC mode opens four times, each with the code and the next one-time code,
// the door opened and shut after each (the close seal). It is run once to
// count its flash operations; then, for every operation k, again on fresh
// flash with the power cut at k (that word or erase torn). Rebooted from the
// torn flash, the lock must:
//   - boot, with the bolt out once the door is shut;
//   - never open again with a one-time code it opened with before the cut
//     (nor with the one whose use it was saving when the power went);
//   - still open with a later one-time code (the cut lost no more than the
//     look-ahead allows: the code two counters on);
//   - never have retracted the bolt without a valid code and one-time code.
#include <stdlib.h>
#include <string.h>

#include "core/onetime.h"
#include "otc_cut.h"

#define OPENINGS 4

typedef struct trial {
    rig r;
    uint32_t typing;  // the counter whose one-time code is being typed (UINT32_MAX: none)
    uint32_t opened;  // bit c: counter c opened the lock before the cut
    uint32_t started; // bit c: counter c's one-time code was typed in full, at least begun
} trial;

// The code, then counter's one-time code: did the bolt come out of the door?
static bool open_with(trial *t, uint32_t counter, bool valid) {
    rig *r = &t->r;
    char keys[OL_OTC_CODE_DIGITS + 2];
    otc_keys(keys, false, counter, 0);
    bool was_extended = rig_bolt(r) == OL_BOLT_EXTENDED;
    rig_keys_as(r, OTC_CODE, valid);
    t->typing = counter;
    t->started |= 1u << counter;
    rig_keys_as(r, keys, valid);
    t->typing = UINT32_MAX;
    return was_extended && rig_bolt(r) == OL_BOLT_RETRACTED;
}

static void workload(void *arg) {
    trial *t = arg;
    rig *r = &t->r;
    otc_commission(r);
    rig_note(r, ol_onetime_set(&r->lock, OTC_LOCK_NUMBER, otc_key(), 0));
    rig_door(r, false);
    rig_wait(r, 3000);
    for (uint32_t c = 0; c < OPENINGS; c++) {
        if (open_with(t, c, true)) {
            t->opened |= 1u << c;
        }
        rig_door(r, true);
        rig_wait(r, 1000);
        rig_door(r, false);
        rig_wait(r, 3000); // the bolt thrown, the seal shown
    }
}

static void check_after_cut(void *arg, uint64_t k) {
    trial *t = arg;
    rig *r = &t->r;
    ol_hostflash_disarm(&r->hf); // the power back, and on
    holds(k, t->r.bad_retracts == 0, "the bolt retracted without a valid code");
    r->t += 60000;
    r->err = OL_OK;
    if (rig_boot(r) != OL_OK) {
        holds(k, false, "the lock did not boot");
        return;
    }
    if (r->door_open) {
        rig_door(r, false);
    }
    rig_wait(r, 3000);
    holds(k, !rig_status(r).commissioned || rig_bolt(r) == OL_BOLT_EXTENDED,
          "the bolt is not out with the door shut");
    if (!rig_status(r).commissioned || !r->lock.has_otc) {
        return; // cut before one-time codes were on: nothing of theirs to check
    }
    // Every code used (opened), or whose use was being saved, opens no more.
    uint32_t last = 0;
    for (uint32_t c = 0; c < OPENINGS; c++) {
        if (t->opened & (1u << c)) {
            holds(k, !open_with(t, c, false), "a one-time code opened twice");
            rig_wait(r, 7000);
        }
        last = t->started & (1u << c) ? c : last;
    }
    // A later one still opens: the look-ahead covers what a cut left unused.
    bool opened = open_with(t, last + 2, true);
    holds(k, opened, "a later one-time code did not open");
    holds(k, t->r.bad_retracts == 0, "the bolt retracted without a valid code after the cut");
}

static void fresh(void *arg) {
    trial *t = arg;
    t->typing = UINT32_MAX;
    t->opened = t->started = 0;
}

// The workload itself: four openings, no error, no wrong try.
static void dry(void *arg, uint64_t ops) {
    trial *t = arg;
    CHECK_EQ(t->r.err, OL_OK);
    CHECK_EQ(t->r.bad_retracts, 0);
    CHECK_EQ(t->opened, (1u << OPENINGS) - 1u);
    CHECK_EQ(rig_status(&t->r).failures, 0);
    printf("workload: %llu flash operations, %u audit events\n", (unsigned long long)ops,
           rig_status(&t->r).audit_next_seq - 1);
}

int main(int argc, char **argv) {
    uint64_t stride = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
    trial *t = calloc(1, sizeof *t);
    cut_sweep *s = calloc(1, sizeof *s);
    if (!t || !s || stride == 0) {
        return 1;
    }
    *s = (cut_sweep){.name = "crash_otc",
                     .seed = 11,
                     .r = &t->r,
                     .trial = t,
                     .fresh = fresh,
                     .workload = workload,
                     .dry = dry,
                     .check = check_after_cut};
    if (!cut_sweep_run(s, stride)) {
        return 1;
    }
    free(s);
    free(t);
    return check_done("crash_otc");
}
