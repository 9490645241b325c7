// Power-cut test of the whole lock (DESIGN.md invariants 4 and 5).
//
// A scripted workload — commission, add users, change and delete codes, wrong
// tries into two lockouts, power cycles, many openings so that the state
// store rotates sectors — is run once to count its flash operations (words
// programmed and sectors erased). Then, for every operation k in turn, the
// workload runs again on fresh flash and power is cut at operation k, tearing
// that word or erase. The lock is rebooted from the torn flash and must show:
//   - it boots (never bricked), and the bolt is extended if the door is shut;
//   - every audit event appended before the cut is still there, unchanged;
//   - no wrong try counted before the cut is lost, no lockout is shorter;
//   - every committed code opens (for the one change in flight, the old or
//     the new code), and a replaced code does not;
//   - the bolt never retracted, before or after the cut, without a valid code.
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>

#include "check.h"
#include "rig.h"

#define MAX_AUDIT 1024
#define CODE_LEN 16

typedef struct model {
    char recovery[64];             // the recovery code's groups as keys: "48217#09352#..."
    char code[OL_SLOTS][CODE_LEN]; // committed codes, "" when empty
    int inflight_slot;             // slot being changed by the step running, or -1
    char inflight_new[CODE_LEN];
    char replaced[CODE_LEN]; // a code that was replaced and must not open
    // snapshot taken at the instant of the cut
    ol_status at_cut;
    ol_audit_event audit[MAX_AUDIT];
    uint32_t naudit;
    bool cut_during_valid_entry;
    bool opening; // the valid entry being typed is an opening (only one forgives wrong tries)
} model;

typedef struct trial {
    rig r;
    model m;
    jmp_buf env;
} trial;

static const char *M0 = "482915", *M1 = "730519", *U2 = "264803", *U3 = "918273", *U3B = "550917",
                  *WRONG = "000191", *M0B = "604729";

// ---- the workload -----------------------------------------------------------

static void begin(model *m, int slot, const char *code) {
    m->inflight_slot = slot;
    snprintf(m->inflight_new, CODE_LEN, "%s", code ? code : "");
}

static void commit(model *m) {
    if (m->inflight_slot >= 0) {
        snprintf(m->code[m->inflight_slot], CODE_LEN, "%s", m->inflight_new);
    }
    m->inflight_slot = -1;
}

static void type_code(rig *r, const char *code, bool valid) {
    char keys[CODE_LEN + 2];
    snprintf(keys, sizeof keys, "%s#", code);
    rig_keys_as(r, keys, valid);
}

static void set_slot(rig *r, model *m, const char *mgr, int slot, const char *code) {
    char keys[64];
    begin(m, slot, code);
    rig_keys(r, "*02");
    type_code(r, mgr, true);
    snprintf(keys, sizeof keys, "%02d#%s#%s#", slot, code, code);
    rig_keys(r, keys);
    commit(m);
}

static void open_and_relock(rig *r, model *m, const char *code, bool use_door) {
    m->opening = true;
    type_code(r, code, true);
    m->opening = false;
    if (use_door) {
        rig_door(r, true);
        rig_wait(r, 1000);
        rig_door(r, false);
        rig_wait(r, 2000);
    } else {
        rig_wait(r, 7000);
    }
}

// Page through the recovery code the lock shows, writing it down, and type
// it back so that the lock keeps it (recovery_ack.h).
static void read_recovery_code(rig *r, char keys[64]) {
    char groups[OL_RECOVERY_GROUPS][RECOVERY_ACK_GROUP_CAP];
    rig_wait(r, 3000);
    keys[0] = '\0';
    if (rig_recovery_ack(r, groups)) {
        for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
            strcat(keys, groups[g]);
            strcat(keys, "#");
        }
    }
}

static void workload(rig *r, model *m) {
    // Commissioning with the door open, then shut it.
    begin(m, 0, M0);
    type_code(r, M0, false);
    type_code(r, M0, false);
    commit(m);
    read_recovery_code(r, m->recovery);
    rig_door(r, false);
    rig_wait(r, 2000);
    set_slot(r, m, M0, 1, M1);
    set_slot(r, m, M0, 2, U2);
    set_slot(r, m, M0, 3, U3);
    open_and_relock(r, m, U2, false);
    open_and_relock(r, m, M0, true);
    // A user changes their own code.
    begin(m, 3, U3B);
    rig_keys(r, "*01");
    type_code(r, U3, true);
    type_code(r, U3B, false);
    type_code(r, U3B, false);
    commit(m);
    snprintf(m->replaced, CODE_LEN, "%s", U3);
    // The second manager deletes slot 02.
    begin(m, 2, "");
    rig_keys(r, "*03");
    type_code(r, M1, true);
    rig_keys(r, "02##");
    commit(m);
    // Five wrong tries: 5 min lockout, served across a power cycle.
    for (int i = 0; i < 5; i++) {
        type_code(r, WRONG, false);
    }
    rig_wait(r, 150000);
    rig_power_cycle(r, 60000);
    rig_wait(r, 160000);
    // One more wrong try: 10 min at once.
    type_code(r, WRONG, false);
    rig_wait(r, 601000);
    open_and_relock(r, m, M1, false);
    // Settings writes: a time delay of 0 with a 3 min window, then off again.
    rig_keys(r, "*04");
    type_code(r, M0, true);
    rig_keys(r, "0#3#");
    // Lock for 1 hour, across a power cycle.
    rig_keys(r, "*11");
    type_code(r, M0, true);
    rig_keys(r, "1#");
    rig_wait(r, 1500000);
    rig_power_cycle(r, 600000);
    rig_wait(r, 2200000);
    // Enough openings to rotate the state store's sectors.
    for (int i = 0; i < 72; i++) {
        open_and_relock(r, m, i % 2 ? U3B : M0, i % 5 == 0);
    }
    // The manager code is "lost": the recovery code starts the delay; once it
    // has run, *99 and the code again let a new one be set. The recovery code
    // is used up; the new manager opens and, door open, makes a new one (*14).
    begin(m, 0, M0B);
    rig_keys(r, "*99");
    rig_keys_as(r, m->recovery, true);
    rig_wait(r, 3601000);
    rig_keys(r, "*99");
    rig_keys_as(r, m->recovery, true);
    type_code(r, M0B, false);
    type_code(r, M0B, false);
    commit(m);
    rig_wait(r, 3000);
    m->opening = true;
    type_code(r, M0B, true);
    m->opening = false;
    rig_door(r, true);
    rig_keys(r, "*14");
    type_code(r, M0B, true);
    read_recovery_code(r, m->recovery);
    rig_door(r, false);
    rig_wait(r, 2000);
}

// ---- the cut and the checks -----------------------------------------------

static void on_cut(void *arg) {
    trial *tr = arg;
    model *m = &tr->m;
    // What the lock had committed at this instant: its RAM mirrors are only
    // updated after a write returned, and the log's index likewise.
    ol_lock_status(&tr->r.lock, &m->at_cut);
    m->naudit = 0;
    for (uint32_t s = m->at_cut.audit_first_seq; s < m->at_cut.audit_next_seq; s++) {
        if (m->naudit < MAX_AUDIT &&
            ol_lock_audit_read(&tr->r.lock, s, &m->audit[m->naudit]) == OL_OK) {
            m->naudit++;
        }
    }
    // Only an opening forgives wrong tries: a code given to a function or the
    // recovery code must leave the count as it was.
    m->cut_during_valid_entry = tr->r.entry_valid && m->opening;
    longjmp(tr->env, 1);
}

static bool opens(rig *r, const char *code) {
    if (r->door_open) {
        rig_door(r, false); // cut while the door stood open: shut it first
        rig_wait(r, 2000);
    }
    ol_status st = rig_status(r);
    uint32_t wait = st.lockout_remaining_ms > st.timelock_remaining_ms ? st.lockout_remaining_ms
                                                                       : st.timelock_remaining_ms;
    if (wait) {
        rig_wait(r, wait + 1000);
    }
    bool was_extended = rig_bolt(r) == OL_BOLT_EXTENDED;
    type_code(r, code, true);
    bool opened = was_extended && rig_bolt(r) == OL_BOLT_RETRACTED;
    rig_wait(r, 7000);
    return opened;
}

static unsigned failures_reported;

// One CHECK per property per cut point, with the cut point in the message.
static void holds(uint64_t k, bool ok, const char *what) {
    CHECK(ok);
    if (!ok && failures_reported++ < 20) {
        fprintf(stderr, "cut point %llu: %s\n", (unsigned long long)k, what);
    }
}

static void check_after_cut(trial *tr, uint64_t k) {
    rig *r = &tr->r;
    model *m = &tr->m;
    ol_hostflash_disarm(&r->hf);
    ol_err err = rig_boot(r);
    holds(k, err == OL_OK, "lock did not boot after the cut");
    if (err) {
        return;
    }
    ol_status st = rig_status(r);
    holds(k, r->door_open || !st.commissioned || rig_bolt(r) == OL_BOLT_EXTENDED,
          "bolt not extended after power-up with the door shut");
    bool audit_intact = true;
    for (uint32_t i = 0; i < m->naudit; i++) {
        ol_audit_event ev;
        if (ol_lock_audit_read(&r->lock, m->audit[i].seq, &ev) != OL_OK ||
            memcmp(&ev, &m->audit[i], sizeof ev) != 0) {
            audit_intact = false;
        }
    }
    holds(k, audit_intact, "committed audit event lost or changed");
    bool cleared = m->cut_during_valid_entry && st.failures == 0;
    holds(k, st.failures >= m->at_cut.failures || cleared, "a committed wrong try was lost");
    holds(k, st.lockout_remaining_ms >= m->at_cut.lockout_remaining_ms || cleared,
          "the lockout was shortened");
    holds(k, st.timelock_remaining_ms >= m->at_cut.timelock_remaining_ms,
          "the timed lock was shortened");
    // Every committed code still opens; the one in flight may be old or new.
    for (int s = 0; s < OL_SLOTS; s++) {
        const char *committed = m->code[s];
        if (s == m->inflight_slot) {
            const char *fresh = m->inflight_new;
            bool old_ok = committed[0] && opens(r, committed);
            bool new_ok = !old_ok && fresh[0] && opens(r, fresh);
            bool either_empty = !committed[0] || !fresh[0];
            holds(k, old_ok || new_ok || either_empty,
                  "neither the old nor the new code of the change in flight opens");
        } else if (committed[0]) {
            holds(k, opens(r, committed), "a committed code does not open");
        }
    }
    if (m->replaced[0] && m->inflight_slot != 3) {
        rig_wait(r, rig_status(r).lockout_remaining_ms + 1000);
        type_code(r, m->replaced, false);
        holds(k, rig_bolt(r) == OL_BOLT_EXTENDED, "a replaced code opened");
    }
    holds(k, r->bad_retracts == 0, "the bolt retracted without a valid code");
    holds(k, r->err == OL_OK, "the lock reported an error after reboot");
}

static void reset_trial(trial *tr) {
    ol_hostflash_close(&tr->r.hf);
    memset(&tr->m, 0, sizeof tr->m);
    tr->m.inflight_slot = -1;
}

int main(int argc, char **argv) {
    // Optional: a stride to sample cut points (1 = every one, the default).
    uint64_t stride = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
    trial *tr = calloc(1, sizeof *tr);
    if (!tr || stride == 0) {
        return 1;
    }

    // Dry run: count the operations and check the workload itself.
    tr->m.inflight_slot = -1;
    if (rig_init(&tr->r, 7) != OL_OK) {
        return 1;
    }
    workload(&tr->r, &tr->m);
    // The first power-up is part of the run: cuts land there too.
    uint64_t total = ol_hostflash_ops(&tr->r.hf);
    CHECK_EQ(tr->r.err, OL_OK);
    CHECK_EQ(tr->r.bad_retracts, 0);
    CHECK(rig_status(&tr->r).commissioned);
    CHECK(rig_status(&tr->r).recovery_enabled); // the renewed recovery code was kept
    CHECK_EQ(strlen(tr->m.recovery), 30);
    uint32_t max_erase = 0;
    for (uint32_t s = 0; s < OL_STATE_SECTORS; s++) {
        max_erase = tr->r.hf.erase_count[s] > max_erase ? tr->r.hf.erase_count[s] : max_erase;
    }
    CHECK(max_erase >= 1); // the workload did rotate the state store
    // ... and opened a second audit sector
    CHECK(tr->r.hf.erase_count[OL_AUDIT_FIRST_SECTOR + 1] >= 1);
    printf("workload: %llu flash operations, %u audit events, state sectors erased up to %u "
           "times\n",
           (unsigned long long)total, rig_status(&tr->r).audit_next_seq - 1, max_erase);
    reset_trial(tr);

    uint64_t exercised = 0, cuts_hit = 0;
    for (uint64_t k = 0; k < total; k += stride) {
        tr->m.inflight_slot = -1;
        if (rig_setup(&tr->r, 7) != OL_OK) {
            return 1;
        }
        ol_hostflash_arm_cut(&tr->r.hf, k, k * 2654435761u + 1, on_cut, tr);
        if (setjmp(tr->env) == 0) {
            rig_boot(&tr->r);
            workload(&tr->r, &tr->m);
            holds(k, false, "the workload finished without reaching the cut");
        } else {
            cuts_hit++;
            check_after_cut(tr, k);
        }
        exercised++;
        reset_trial(tr);
    }
    printf("crash_lock: %llu cut points exercised (%llu cuts hit) of %llu flash operations\n",
           (unsigned long long)exercised, (unsigned long long)cuts_hit, (unsigned long long)total);
    free(tr);
    return check_done("crash_lock");
}
