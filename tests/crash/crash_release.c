// Power-cut test of the provisioning and the release of one-time codes
// (docs/FLEET.md, "The lock"): in a *19 session the fleet's OTC_SET turns
// one-time codes on (the file's counter FLOOR); the lock opens once with a
// one-time code; in a second session OTC_OFF asks for the release code, a
// wrong one is typed (another manager's), then OTC_OFF again and the right
// one, which turns one-time codes off. Run once to count its flash
// operations, then for every operation k again on fresh flash with the power
// cut at k (otc_cut.h). Rebooted from the torn flash, the lock must:
//   - boot, with the bolt out when the door is shut; never have retracted it
//     without a valid credential, before or after the cut;
//   - keep every wrong try committed before the cut, and the wrong release
//     code's once its verdict was in the trail (saved before it is judged);
//   - never take its counter back;
//   - hold the provisioning whole or not at all: no key (then take the file
//     sent again), or the fleet's key and lock number with the counter at
//     FLOOR at least;
//   - with one-time codes still on, still take a release: the release code
//     typed before the cut, or the next counter's if the cut came after its
//     counter was saved; the next unused counter's if none was typed;
//   - with them off, have taken the release code's counter;
//   - then, given the same key again with a lower counter (0), answer a
//     counter above every one used: the release code that turned them off
//     releases no more, a used one-time code (and one below FLOOR) opens no
//     more, and the next one opens.
//   - have on record the provisioning and the release that took effect (each
//     recorded before it is done: this test found them done and unrecorded).
#include <stdlib.h>
#include <string.h>

#include "otc_cut.h"
#include "core/bytes.h"

#define FLOOR 20u                // the provisioning file's counter: past the look-ahead from 0
#define OPEN_C FLOOR             // the opening's one-time code
#define REL (FLOOR + 1u)         // the release code's counter
#define PROVISION_RECORD 0x4000u // service records: OL_SERVICE_OTC_SET << 8 | done
#define RELEASE_RECORD 0x4100u   // OL_SERVICE_OTC_OFF << 8 | done

typedef struct model {
    // How far the workload got before the cut.
    bool provisioning; // OTC_SET sent
    bool provisioned;  // ... and answered ONE-TIME CODES ON
    bool opening;      // OPEN_C's one-time code typed, at least begun
    bool opened;       // ... and it opened
    bool wrong_typed;  // the wrong release code typed in full, its verdict given
    bool releasing;    // the release code typed, at least begun
    bool released;     // ... and ONE-TIME CODES OFF
    // What the lock had committed at the cut (its RAM mirrors change only once
    // a write returned).
    uint32_t cut_failures;
    uint32_t cut_next;
    bool cut_judged; // the wrong release code's verdict in the trail
} model;

typedef struct trial {
    rig r;
    model m;
} trial;

// ---- the lock's service port and keypad --------------------------------------

// One request: the answer's message, and the u32 after it in *value if asked.
static const char *service(rig *r, const uint8_t *req, size_t len, uint32_t *value) {
    static char msg[OL_SERVICE_RESPONSE_MAX];
    uint8_t resp[OL_SERVICE_RESPONSE_MAX];
    size_t n = 0;
    r->clk.now_ms = r->t;
    rig_note(r, ol_lock_service(&r->lock, rig_now(r), req, len, resp, &n));
    rig_observe(r);
    msg[0] = '\0';
    if (n >= 2 && 2u + resp[1] <= n) {
        memcpy(msg, resp + 2, resp[1]);
        msg[resp[1]] = '\0';
        if (value && 2u + resp[1] + 4u <= n) {
            *value = get_le32(resp + 2 + resp[1]);
        }
    }
    return msg;
}

static void wait_out_lockout(rig *r) {
    uint32_t left = rig_status(r).lockout_remaining_ms;
    if (left) {
        rig_wait(r, left + 1000);
    }
}

// *19 and the manager's code, the door open: true once the session runs.
static bool session(rig *r) {
    wait_out_lockout(r);
    rig_keys(r, "*19");
    rig_keys_as(r, OTC_CODE, true);
    return rig_status(r).service_session_ms != 0;
}

// OTC_SET: the fleet's key and lock number, its counter `floor`. The counter
// answered, or 0 if the lock did not answer ONE-TIME CODES ON.
static uint32_t provision(rig *r, uint32_t floor) {
    uint8_t req[9 + OL_OTC_KEY_BYTES] = {OL_SERVICE_OTC_SET};
    put_le32(req + 1, OTC_LOCK_NUMBER);
    memcpy(req + 5, otc_key(), OL_OTC_KEY_BYTES);
    put_le32(req + 5 + OL_OTC_KEY_BYTES, floor);
    uint32_t next = 0;
    bool on = strcmp(service(r, req, sizeof req, &next), "ONE-TIME CODES ON") == 0;
    return on ? next : 0;
}

// OTC_OFF in a session: true if the keypad now asks for the release code.
static bool ask_release(rig *r) {
    static const uint8_t off = OL_SERVICE_OTC_OFF;
    return strcmp(service(r, &off, 1, NULL), "TYPE RELEASE CODE") == 0;
}

// Slot's release code at counter, typed: did it turn one-time codes off?
static bool type_release(rig *r, uint32_t counter, uint8_t slot, bool valid) {
    char keys[OL_OTC_CODE_DIGITS + 2];
    otc_keys(keys, true, counter, slot);
    rig_keys_as(r, keys, valid);
    return !r->lock.has_otc;
}

// The same in a session of its own (a lockout may have outlasted the last).
static bool release_with(rig *r, uint32_t counter, uint8_t slot, bool valid) {
    return session(r) && ask_release(r) && type_release(r, counter, slot, valid);
}

// The manager's code (and counter's one-time code, if they are on), the door
// shut and the bolt out first: did the bolt come out of the door?
static bool open_with(rig *r, uint32_t counter, bool valid) {
    char keys[OL_OTC_CODE_DIGITS + 2];
    if (r->door_open) {
        rig_door(r, false);
        rig_wait(r, 3000);
    }
    wait_out_lockout(r);
    bool was_extended = rig_bolt(r) == OL_BOLT_EXTENDED;
    bool otc = r->lock.has_otc;
    rig_keys_as(r, OTC_CODE, valid);
    if (otc) {
        otc_keys(keys, false, counter, 0);
        rig_keys_as(r, keys, valid);
    }
    bool opened = was_extended && rig_bolt(r) == OL_BOLT_RETRACTED;
    if (!opened) {
        rig_wait(r, 7000);
    }
    return opened;
}

// The newest record of kind (with arg, unless any_arg) in the trail: its
// sequence number, 0 if none.
static uint32_t newest(const rig *r, uint8_t kind, uint16_t arg, bool any_arg) {
    ol_status st = rig_status(r);
    for (uint32_t s = st.audit_next_seq; s-- > st.audit_first_seq;) {
        ol_audit_event ev;
        if (ol_lock_audit_read(&r->lock, s, &ev) == OL_OK && ev.kind == kind &&
            (any_arg || ev.arg == arg)) {
            return s;
        }
    }
    return 0;
}

// As the fleet closes a release (audit ingest): the release's one-time code
// record, the newest, and the release done the very next record.
static bool release_recorded(const rig *r) {
    uint32_t code = newest(r, OL_AUDIT_ONE_TIME, 0, true);
    return code != 0 && newest(r, OL_AUDIT_SERVICE, RELEASE_RECORD, false) == code + 1u;
}

static bool provisioning_recorded(const rig *r) {
    return newest(r, OL_AUDIT_SERVICE, PROVISION_RECORD, false) != 0;
}

// ---- the workload --------------------------------------------------------------

static void workload(void *arg) {
    trial *t = arg;
    rig *r = &t->r;
    model *m = &t->m;
    otc_commission(r);
    rig_note(r, session(r) ? OL_OK : OL_ERR_STATE);
    m->provisioning = true;
    m->provisioned = provision(r, FLOOR) == FLOOR;
    rig_door(r, false);
    rig_wait(r, 3000);
    bool was_extended = rig_bolt(r) == OL_BOLT_EXTENDED;
    char keys[OL_OTC_CODE_DIGITS + 2];
    otc_keys(keys, false, OPEN_C, 0);
    rig_keys_as(r, OTC_CODE, true);
    m->opening = true;
    rig_keys_as(r, keys, true);
    m->opened = was_extended && rig_bolt(r) == OL_BOLT_RETRACTED;
    rig_door(r, true);
    rig_wait(r, 1000);
    // One session: slot 01's release code, no release code for slot 00's
    // session (a counted wrong try), then slot 00's.
    rig_note(r, session(r) && ask_release(r) ? OL_OK : OL_ERR_STATE);
    type_release(r, REL, 1, false);
    m->wrong_typed = true;
    rig_note(r, ask_release(r) ? OL_OK : OL_ERR_STATE);
    m->releasing = true;
    m->released = type_release(r, REL, 0, true);
    rig_wait(r, 3000);
    rig_door(r, false);
    rig_wait(r, 3000);
}

// ---- the cut and the checks --------------------------------------------------------

// How the cuts left the lock (printed: what the checks below went through).
static struct { unsigned blank, old, on, off, same_release, next_release; } seen;

static void at_cut(void *arg) {
    trial *t = arg;
    t->m.cut_failures = rig_status(&t->r).failures;
    t->m.cut_next = t->r.lock.otc.next;
    t->m.cut_judged = newest(&t->r, OL_AUDIT_WRONG_CODE, 0, true) != 0;
}

static uint32_t above(uint32_t a, uint32_t b) {
    return a > b ? a : b;
}

static void check_after_cut(void *arg, uint64_t k) {
    trial *t = arg;
    rig *r = &t->r;
    const model *m = &t->m;
    const ol_lock *lock = &r->lock;
    ol_hostflash_disarm(&r->hf); // the power back, and on
    holds(k, r->bad_retracts == 0, "the bolt retracted without a valid credential");
    r->t += 60000;
    r->err = OL_OK;
    if (rig_boot(r) != OL_OK) {
        holds(k, false, "the lock did not boot");
        return;
    }
    ol_status st = rig_status(r);
    holds(k, r->door_open || !st.commissioned || rig_bolt(r) == OL_BOLT_EXTENDED,
          "the bolt is not out with the door shut");
    holds(k, st.failures >= m->cut_failures, "a wrong try counted before the cut was lost");
    holds(k, !m->wrong_typed || st.failures >= 1, "the wrong release code's try was lost");
    holds(k, !m->cut_judged || st.failures >= 1,
          "a wrong release code judged before its try was saved");
    if (!st.commissioned) {
        seen.blank++;
        return; // cut before the lock was set up: nothing of this test's to check
    }
    holds(k, lock->otc.next >= m->cut_next, "the counter went back");
    bool released_by_cut = false;
    if (lock->has_otc) {
        holds(k, m->provisioning, "one-time codes on before the fleet sent its key");
        holds(k,
              lock->otc_lock == OTC_LOCK_NUMBER &&
                  memcmp(lock->otc_key, otc_key(), OL_OTC_KEY_BYTES) == 0,
              "one-time codes on with another key or lock number");
        holds(k, lock->otc.next >= FLOOR, "the key kept with a counter below the file's");
        holds(k, provisioning_recorded(r), "on, and the provisioning not in the trail");
        seen.on++;
    } else if (m->provisioned) {
        holds(k, m->releasing, "one-time codes went off without their release code");
        holds(k, lock->otc.next > REL, "off, and the release code's counter not used");
        holds(k, release_recorded(r), "off, and the release not in the trail");
        released_by_cut = true;
        seen.off++;
    } else {
        seen.old++;
    }

    // Every counter below `used` is dead (taking one kills the older ones):
    // what was committed, what opened or released, before the cut or below.
    uint32_t used = above(m->cut_next, m->opened ? OPEN_C + 1u : 0u);
    uint32_t last_release = REL;
    if (released_by_cut) {
        used = above(used, REL + 1u);
    } else if (!lock->has_otc) {
        // The old state (a cut before or during OTC_SET): the fleet sends it again.
        bool again = r->door_open && session(r) && provision(r, FLOOR) >= FLOOR;
        holds(k, again, "the provisioning sent again was not taken");
    }
    if (lock->has_otc) {
        // From here nothing was typed before the cut.
        uint32_t next_free = above(used, m->opening ? OPEN_C + 1u : FLOOR);
        if (!r->door_open) {
            // Cut between the door shutting and the opening's door opening.
            holds(k, open_with(r, next_free, true), "a later one-time code did not open");
            used = next_free + 1u;
            next_free = used;
            rig_door(r, true);
            rig_wait(r, 1000);
        }
        if (m->releasing) {
            // The release in flight: its code, or else (its counter taken
            // before the cut) the next counter's.
            bool off = release_with(r, REL, 0, m->cut_next <= REL);
            holds(k, !off || m->cut_next <= REL, "a release code whose counter was taken released");
            seen.same_release += off;
            if (!off) {
                last_release = REL + 1u;
                off = release_with(r, last_release, 0, true);
                seen.next_release += off;
            }
            holds(k, off, "the release was lost: neither its code nor the next one releases");
        } else {
            last_release = next_free;
            holds(k, release_with(r, last_release, 0, true), "a release code did not release");
        }
        holds(k, release_recorded(r), "the release after the cut not in the trail");
        used = above(used, last_release + 1u);
    }
    if (lock->has_otc) {
        return; // said above
    }
    if (!r->door_open) {
        // Cut after the release, the door shut: the code alone opens now.
        holds(k, open_with(r, 0, true), "the manager's code did not open, one-time codes off");
        rig_door(r, true);
        rig_wait(r, 1000);
    }

    // The same key again, its counter below every one used: none works again.
    uint32_t answered = session(r) ? provision(r, 0) : 0;
    holds(k, answered >= used, "provisioned again, the counter went back");
    bool again = release_with(r, last_release, 0, false);
    holds(k, !again, "a used release code released again");
    if (again) {
        holds(k, session(r) && provision(r, 0) != 0, "the key not taken a third time");
    }
    holds(k, !open_with(r, OPEN_C, false), "a used one-time code opened again");
    holds(k, !open_with(r, FLOOR - 1u, false), "a one-time code below the file's counter opened");
    holds(k, !open_with(r, last_release, false), "the release's counter opened as a one-time code");
    holds(k, open_with(r, used, true), "the next one-time code did not open");
    holds(k, r->bad_retracts == 0, "the bolt retracted without a valid credential after the cut");
    holds(k, r->err == OL_OK, "the lock reported an error after the cut");
}

static void fresh(void *arg) {
    trial *t = arg;
    memset(&t->m, 0, sizeof t->m);
}

// The workload itself: provisioned, opened once, one wrong release, released.
static void dry(void *arg, uint64_t ops) {
    trial *t = arg;
    rig *r = &t->r;
    ol_status st = rig_status(r);
    CHECK_EQ(r->err, OL_OK);
    CHECK_EQ(r->bad_retracts, 0);
    CHECK(t->m.provisioned);
    CHECK(t->m.opened);
    CHECK(t->m.released);
    CHECK(!r->lock.has_otc);
    CHECK_EQ(r->lock.otc.next, REL + 1u);
    CHECK_EQ(st.failures, 1);
    CHECK(release_recorded(r));
    CHECK_EQ(rig_bolt(r), OL_BOLT_EXTENDED);
    printf("workload: %llu flash operations, %u audit events\n", (unsigned long long)ops,
           st.audit_next_seq - 1);
}

int main(int argc, char **argv) {
    uint64_t stride = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
    trial *t = calloc(1, sizeof *t);
    cut_sweep *s = calloc(1, sizeof *s);
    if (!t || !s || stride == 0) {
        return 1;
    }
    *s = (cut_sweep){.name = "crash_release",
                     .seed = 13,
                     .r = &t->r,
                     .trial = t,
                     .fresh = fresh,
                     .workload = workload,
                     .dry = dry,
                     .at_cut = at_cut,
                     .check = check_after_cut};
    if (!cut_sweep_run(s, stride)) {
        return 1;
    }
    printf("after the cut: %u not set up, %u without one-time codes, %u with them on (the release "
           "in flight taken by its code %u times, by the next counter's %u), %u with them off\n",
           seen.blank, seen.old, seen.on, seen.same_release, seen.next_release, seen.off);
    free(s);
    free(t);
    return check_done("crash_release");
}
