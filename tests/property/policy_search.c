// Property search: the lock does what docs/POLICY.md allows, and nothing
// else, whoever acts and whenever.
//
// The real engine (on the host port, driven directly by ol_lock_event) and
// the reference model of POLICY.md (policy_model.h) are fed the same events.
// People act at the keypad as they can — a manager A (slot 00), a second
// manager B (01), users U (02) and V (03), a user D (04, the one a *12 0
// leaves disabled), a passer-by P who knows no code, and the recovery holder
// R — opening with their codes, running *NN functions with their own codes
// and fields valid or not (shorter delays, schedule periods, the clock moved,
// holidays removed, the override, *11 with fewer hours, codes near another
// person's, ...), cancelling, guessing; the world waits (seconds to hours),
// cuts and restores the power, loses the clock, moves the door (only with the
// bolt retracted), asserts remote disable, changes the battery. A lock is
// commissioned and configured at random at the start of each sequence.
// Since the second outside evaluation the people also: probe codes one up or
// down in the last digit of another's (TOO LIKE ANOTHER), use up the ration of
// new-code checks (*01 again and again), re-code a slot that has the override
// with *02, set a lost clock under a calendar with *08 and one or two codes,
// and type on a keypad that is not paired (a thief's) — codes while a
// recovery runs, *99 and the recovery code, functions it may not run.
// Since the recovery runs until the new manager code is set (POLICY.md), the
// recovery holder also leaves that code's fields by '*', another function,
// walking away or a power cut, types a code too like another's there (and
// finds no ration of checks to use up), and the port now and then wakes late
// after a recovery delay has ended (the 10 minutes run from the delay's end).
// Since the third outside evaluation: an insider drains his own ration and a
// manager then enrols; *02 and *99 re-code slots with the override; *01/*02
// on a lost clock under a calendar; the door shuts while *14 or *17 is typed;
// a rule is made stricter while the lock stands open or in a window, then
// relaxed at once.
// Since issue 13 (plain mode holds 8 codes, ID mode): a manager turns ID mode
// on and off (*18), in the set-up too; in ID mode people type their ID before
// their code — now and then none, another's, or one no slot has (40) — and
// in plain mode now and then an ID they should not; managers enrol slots
// beyond the five people (05-31) with fresh codes until plain mode is full
// (TOO MANY CODES), turn duress on with too many codes, and delete the others
// (*03) to leave ID mode (DELETE OTHERS until they have); codes set in ID mode
// may be alike; now and then a week passes (the ration's refill).
//
// After every event the search compares what POLICY.md speaks of: the bolt;
// ol_status (enrolled slots, wrong tries and lockout, delay and window, time
// lock, recovery delay and recovery code, the rules in force); the lock's
// clock; which code opens which slot (a copy of the flash booted apart and
// asked, after every change of codes and at the end of each sequence; the
// slot in the trail's `open` record after every opening); the trail's
// `recovery_used` records (every start, stop and end of a recovery, a power
// cut's at the next power-up); the new-code checks each slot has left and
// the time to the next one (ol_status, after every event; the hour adopted
// across a power cut); the duress alarm (across power cuts too); SET CLOCK
// FIRST and its refused record for a new code on a lost clock under a
// calendar; OPEN DOOR FIRST when *14 / *17 find the door shut at their last
// field; that the keypad dialogue goes on or ends where the model says; that
// an opening window the time lock has closed does not invite a code; TOO
// MANY CODES and DELETE OTHERS said where the model refuses, and not
// recorded; the prompts for a code ask for the ID in ID mode; that no
// secret field is echoed and that no recovery code is on the display behind
// a shut door or after its showing ended. Any difference is a violation: the sequence that
// found it is printed with the model's reading of each step, and the search
// exits 1 (crashes and sanitizer reports exit otherwise).
//
// Usage: policy_search [--sequences N] [--seed S] [--steps N] [--first] [--want KIND] [--trace]
// --first stops at the first violation; with --want, at the first whose kind
// contains KIND, and the exit status says whether one was found (the
// self-tests of tests/property/policy.cmake: each must find its own flaw, not
// another difference met on the way).
#define _POSIX_C_SOURCE 200809L // clock_gettime
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "splitmix.h"
#include "host.h"
#include "ownerlock/lock.h"
#include "ownerlock/recovery.h"
#include "policy_model.h"

#define EPOCH 1767225600 // 2026-01-01T00:00:00Z, a Thursday
#define FLASH_BYTES ((size_t)OL_HOST_SECTOR_SIZE * OL_HOST_SECTORS)
#define TRACE_CAP (256 * 1024)
#define RETIRED_CAP 24
#define KIND_CAP 64
#define KEY_GAP_MS 1500u // between the fields a person types
#define NOTHING_TEXT "NOTHING CHANGED"

// ---- the people -----------------------------------------------------------------------

enum actor { ACT_A, ACT_B, ACT_U, ACT_V, ACT_D, ACT_P, ACT_R, ACT_W, ACT_COUNT };
static const char *const actor_name[ACT_COUNT] = {
    "A (manager 00)", "B (manager 01)", "U (user 02)",  "V (user 03)",
    "D (user 04)",    "P (passer-by)",  "R (recovery)", "world"};
static const int actor_slot[ACT_COUNT] = {0, 1, 2, 3, 4, -1, -1, -1};

// ---- the lock on the host port ----------------------------------------------------------

typedef struct engine {
    ol_hostflash hf;
    ol_testrng rng;
    ol_vclock clk;
    ol_platform plat;
    ol_lock lock;
    uint64_t t;      // world time, ms
    uint64_t boot_t; // world time at the last power-up
    bool powered;
    bool door_open;
    bool remote;
    uint32_t battery_mv; // as the port last measured it (0: never)
} engine;

typedef struct kind_count {
    char key[240];
    uint64_t n;
} kind_count;

typedef struct stats {
    uint64_t sequences, steps, events, probes, violations, openings, relax_refused, relax_applied;
    uint64_t counted, functions_done, recoveries, shows_kept, lockouts;
    uint64_t checks_used, rationed, too_like, override_dropped, lost_clock_second, lost_clock_set;
    uint64_t unpaired_stops, unpaired_rejected, unpaired_events, window_time_locked, refills;
    uint64_t fields_ended[9]; // a recovery ended in the new manager code's fields, by arg
    uint64_t clock_refused, door_refused, tightened;
    uint64_t late_wakes, late_ready_expired; // woke after a recovery delay; ... past its 10 min
    uint64_t rec_records[9];                 // recovery_used records seen, by arg
    uint64_t actions[ACT_COUNT];
    // issue 13: ID mode turned on / off / refused DELETE OTHERS; TOO MANY
    // CODES at *02's slot and at *06 (and *18); openings in ID mode; codes
    // typed under a wrong ID or none in ID mode, or with an ID in plain mode
    uint64_t id_on, id_off, delete_others, too_many_slot, too_many_rule, id_openings, misid;
    uint64_t weeks, extra_enrolled, id_prompts;
    // outside evaluations 7 and 8: wrong tries openings took back, openings
    // that took back some, openings after wrong tries that took back none
    // (nothing earned), quiet days that forgot one, waits of a day or more
    uint64_t undone, undoing, unearned, quiet_forgot, days, mistypes;
    kind_count kinds[KIND_CAP];
    int nkinds;
} stats;

typedef struct search {
    engine e;
    pm m;
    // the copy of the flash a probe boots
    ol_hostflash pf;
    ol_testrng prng;
    ol_vclock pclk;
    ol_platform pplat;
    ol_lock plock;
    // what the people know
    char know[ACT_COUNT][PM_CODE_CAP];
    char retired[RETIRED_CAP][PM_CODE_CAP]; // codes once typed as new codes or replaced
    int retired_slot[RETIRED_CAP];          // ... for this slot (its ID in ID mode)
    int nretired;
    bool rknown;         // R holds the recovery code (read off the display)
    bool unpaired;       // the keys of the action running are typed on a keypad not paired
    uint32_t audit_seen; // the trail is compared up to here
    uint8_t rcode[OL_RECOVERY_DIGITS];
    int show_actor; // who is reading a shown code
    // the run
    uint64_t rnd;
    uint64_t seed;
    uint64_t seq;
    bool failed; // this sequence found a violation: it ends
    bool first_only, trace_all;
    const char *want; // --want: the kind of violation looked for
    bool wanted;      // ... found
    char trace[TRACE_CAP];
    size_t trace_len;
    char action[200]; // the action running, for the trace
    stats st;
} search;

static search S;

// ---- randomness (splitmix64: reproducible from the seed) -----------------------------------

static uint64_t rnd(search *s) {
    return splitmix64(&s->rnd);
}

static uint32_t below(search *s, uint32_t n) {
    return (uint32_t)(rnd(s) % n);
}

static bool chance(search *s, uint32_t percent) {
    return below(s, 100) < percent;
}

// ---- the trace -------------------------------------------------------------------------

__attribute__((format(printf, 2, 3))) static void trace(search *s, const char *fmt, ...) {
    if (s->trace_len + 512 >= TRACE_CAP) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->trace + s->trace_len, TRACE_CAP - s->trace_len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        s->trace_len += (size_t)n;
    }
    if (s->trace_all) {
        fputs(s->trace + s->trace_len - (size_t)n, stdout);
    }
}

static void clock_text(const search *s, char *out, size_t cap) {
    uint64_t t = s->e.t / 1000u;
    snprintf(out, cap, "%3" PRIu64 ":%02" PRIu64 ":%02" PRIu64, t / 3600u, t / 60u % 60u, t % 60u);
}

static void count_kind(search *s, const char *key) {
    stats *st = &s->st;
    for (int i = 0; i < st->nkinds; i++) {
        if (strcmp(st->kinds[i].key, key) == 0) {
            st->kinds[i].n++;
            return;
        }
    }
    if (st->nkinds < KIND_CAP) {
        snprintf(st->kinds[st->nkinds].key, sizeof st->kinds[0].key, "%s", key);
        st->kinds[st->nkinds++].n = 1;
    }
}

// A difference: counted by kind; the first of each kind is printed with the
// whole sequence that led to it. The sequence ends (the model no longer
// knows what the lock is).
__attribute__((format(printf, 3, 4))) static void violation(search *s, const char *kind,
                                                            const char *fmt, ...) {
    char what[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    s->st.violations++;
    if (s->want && strstr(kind, s->want)) {
        s->wanted = true;
    }
    bool first = true;
    for (int i = 0; i < s->st.nkinds; i++) {
        first &= strcmp(s->st.kinds[i].key, kind) != 0;
    }
    count_kind(s, kind);
    s->failed = true;
    if (!first) {
        return;
    }
    char when[24];
    clock_text(s, when, sizeof when);
    printf("\nVIOLATION [%s] seed %" PRIu64 " sequence %" PRIu64 " at %s\n  during: %s\n  %s\n"
           "  the sequence (t = world time h:mm:ss; [model: ...] is the model's reading):\n",
           kind, s->seed, s->seq, when, s->action, what);
    fwrite(s->trace, 1, s->trace_len, stdout);
    printf("  ---- end of sequence %" PRIu64 "\n", s->seq);
    fflush(stdout);
}

// ---- the engine ------------------------------------------------------------------------------

static ol_err engine_boot(engine *e) {
    e->boot_t = e->t;
    e->clk.now_ms = e->t;
    e->powered = true;
    ol_err err = ol_lock_boot(&e->lock, &e->plat, 0, e->door_open);
    return err;
}

static ol_err engine_event(engine *e, const ol_event *ev) {
    e->clk.now_ms = e->t;
    return ol_lock_event(&e->lock, e->t - e->boot_t, ev);
}

static ol_err engine_setup(engine *e, uint64_t seed) {
    memset(e, 0, sizeof *e);
    ol_err err = ol_hostflash_open(&e->hf, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS);
    if (err) {
        return err;
    }
    ol_testrng_seed(&e->rng, seed);
    e->clk.world_epoch = EPOCH;
    e->plat.flash = &e->hf.flash;
    e->plat.trng = ol_testrng_fill;
    e->plat.trng_ctx = &e->rng;
    e->plat.rtc_now = ol_vclock_rtc;
    e->plat.rtc_set = ol_vclock_rtc_set;
    e->plat.rtc_ctx = &e->clk;
    e->door_open = true;
    return engine_boot(e);
}

static ol_status engine_status(const engine *e) {
    ol_status st;
    memset(&st, 0, sizeof st);
    ol_lock_status(&e->lock, &st);
    return st;
}

// ---- comparing the lock with the model -----------------------------------------------------

static bool settings_differ(const ol_settings *a, const ol_settings *b, char *out, size_t cap) {
#define CMP(field)                                                                                 \
    if (a->field != b->field) {                                                                    \
        snprintf(out, cap, #field " %ld, model %ld", (long)a->field, (long)b->field);              \
        return true;                                                                               \
    }
    CMP(delay_min)
    CMP(window_min)
    CMP(dual)
    CMP(duress)
    CMP(users_disabled)
    CMP(override)
    CMP(recovery_delay_min)
    CMP(recovery_off)
    CMP(id_mode)
#undef CMP
    for (int d = 0; d < 7; d++) {
        for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
            for (int k = 0; k < 2; k++) {
                if (a->schedule[d][p][k] != b->schedule[d][p][k]) {
                    snprintf(out, cap, "schedule day %d period %d %s %u, model %u", d + 1, p + 1,
                             k ? "until" : "from", a->schedule[d][p][k], b->schedule[d][p][k]);
                    return true;
                }
            }
        }
    }
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        if (a->holidays[i] != b->holidays[i]) {
            snprintf(out, cap, "holiday %d day %u, model %u", i + 1, a->holidays[i],
                     b->holidays[i]);
            return true;
        }
    }
    return false;
}

// Does a line show group g of the code (digits, a space, the check digit),
// as a group of its own — not inside a longer number ("S04 260101 04:54" is a
// date and a time, not the group "0101 0")?
static bool shows_group(const char *line, const uint8_t *code, int g) {
    char text[OL_RECOVERY_GROUP_DIGITS + 3];
    const uint8_t *d = code + OL_RECOVERY_GROUP_DIGITS * g;
    for (int i = 0; i < OL_RECOVERY_GROUP_DIGITS; i++) {
        text[i] = (char)('0' + d[i]);
    }
    text[OL_RECOVERY_GROUP_DIGITS] = ' ';
    text[OL_RECOVERY_GROUP_DIGITS + 1] = (char)('0' + ol_check_digit(d, OL_RECOVERY_GROUP_DIGITS));
    text[OL_RECOVERY_GROUP_DIGITS + 2] = '\0';
    for (const char *at = strstr(line, text); at; at = strstr(at + 1, text)) {
        char before = at == line ? ' ' : at[-1], after = at[OL_RECOVERY_GROUP_DIGITS + 2];
        if (!(before >= '0' && before <= '9') && !(after >= '0' && after <= '9')) {
            return true;
        }
    }
    return false;
}

static bool shows_code(const ol_outputs *o, const uint8_t *code, uint8_t groups_mask) {
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        if ((groups_mask >> g) & 1u) {
            for (int l = 0; l < 2; l++) {
                if (shows_group(o->line[l], code, g)) {
                    return true;
                }
            }
        }
    }
    return false;
}

// Texts of an answer after which no dialogue goes on.
static bool result_text(const char *l1) {
    static const char *const results[] = {"SAVED",
                                          "CODE CHANGED",
                                          "CODE ADDED",
                                          "CODE DELETED",
                                          "CLOCK SET",
                                          "KEYPAD PAIRED",
                                          "PAIR KEYPAD NOW",
                                          "CANCELLED",
                                          "DELAY CANCELLED",
                                          "OPEN",
                                          "DOOR OPEN",
                                          "TIME DELAY",
                                          "TIMED OUT",
                                          "MANAGER CODE SET",
                                          "RECOVERY EXPIRED",
                                          "RECOVERY CODE",
                                          "ENTER CODE",
                                          "OPEN NOW: CODE",
                                          "NO RECOVERY",
                                          "NO RECOVERY CODE", // *99 with none: MAKE ONE: *14
                                          "RECOVERY STOPPED", // a code on an unpaired keypad
                                          "RECOVERY DELAY",
                                          "SET UP FIRST",
                                          "TOO MANY CODES", // | USE ID MODE *18
                                          "DELETE OTHERS",  // | TO LEAVE ID MODE
                                          "DUAL CONTROL"};  // | NEEDS 2 CODES
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
        if (strcmp(l1, results[i]) == 0) {
            return true;
        }
    }
    return false;
}

// Is the lock in a dialogue (a function, *99, a shown code) by its keypad?
// stale: the event left the display as it was (a result message from before
// may still stand over the new dialogue's prompt: *99 leaves it).
static bool engine_in_dialogue(const ol_outputs *o, bool stale) {
    if (o->input != OL_INPUT_SECRET && o->input != OL_INPUT_NUMBER) {
        return false;
    }
    (void)stale;
    return strcmp(o->line[1], NOTHING_TEXT) != 0 && !result_text(o->line[0]);
}

// What differs between the lock and the model now; "" when nothing. *key gets
// a short name of the difference, for counting kinds.
static bool differs(search *s, bool dialogue_event, bool stale, char *out, size_t cap,
                    const char **key) {
    engine *e = &s->e;
    pm *m = &s->m;
    const ol_outputs *o = ol_lock_outputs(&e->lock);
    ol_status st = engine_status(e);
    char sd[200];
    bool retracted = o->bolt == OL_BOLT_RETRACTED;
    *key = "";
    if (retracted != m->retracted) {
        *key = "bolt";
        snprintf(out, cap, "bolt %s, model %s", retracted ? "RETRACTED" : "extended",
                 m->retracted ? "RETRACTED" : "extended");
        return true;
    }
#define STATUS(field, mval, name)                                                                  \
    if ((uint64_t)(st.field) != (uint64_t)(mval)) {                                                \
        *key = name;                                                                               \
        snprintf(out, cap, #field " %" PRIu64 ", model %" PRIu64, (uint64_t)(st.field),            \
                 (uint64_t)(mval));                                                                \
        return true;                                                                               \
    }
    STATUS(enrolled, pm_enrolled_mask(m), "enrolled slots")
    STATUS(failures, m->failures, "wrong-try count")
    STATUS(last_lockout_ms, m->last_lockout, "wrong-try count")
    STATUS(lockout_remaining_ms, pm_left(m, &m->lockout), "lockout")
    STATUS(timelock_remaining_ms, pm_left(m, &m->timelock), "time lock")
    STATUS(delay_remaining_ms, pm_delay_running(m) ? m->delay_until - m->now : 0, "time delay")
    STATUS(window_remaining_ms, pm_window_open(m) ? m->window_until - m->now : 0, "opening window")
    STATUS(recovery_enabled, m->recovery_enabled, "recovery code kept")
    STATUS(recovery_delay_ms, m->rec == PM_REC_DELAY ? m->rec_until - m->now : 0, "recovery delay")
    STATUS(alarm, m->alarm, "duress alarm")
    for (int slot = 0; slot < OL_SLOTS; slot++) {
        STATUS(code_checks[slot], m->checks[slot], "new-code checks of a slot")
    }
    STATUS(code_check_refill_ms, pm_checks_full(m) ? 0 : pm_left(m, &m->refill),
           "new-code check refill")
#undef STATUS
    if (o->alarm != m->alarm) {
        *key = "duress alarm";
        snprintf(out, cap, "outputs alarm %d, model %d", o->alarm, m->alarm);
        return true;
    }
    if (settings_differ(&st.settings, &m->set, sd, sizeof sd)) {
        *key = "rules in force";
        snprintf(out, cap, "settings: %s", sd);
        return true;
    }
    if (e->clk.rtc_lost != m->rtc_lost || (!m->rtc_lost && e->clk.rtc_offset_s != m->rtc_offset)) {
        *key = "clock";
        snprintf(out, cap, "clock %s offset %" PRId64 " s, model %s offset %" PRId64 " s",
                 e->clk.rtc_lost ? "lost" : "known", e->clk.rtc_offset_s,
                 m->rtc_lost ? "lost" : "known", m->rtc_offset);
        return true;
    }
    // Nothing secret on the outside display.
    bool showing = m->stage == PM_SHOW;
    uint8_t all = (1u << OL_RECOVERY_GROUPS) - 1u;
    if (s->show_actor >= 0 && !showing && shows_code(o, m->show, m->show_seen)) {
        *key = e->door_open ? "recovery code shown after its showing ended"
                            : "recovery code shown with the door closed";
        snprintf(out, cap, "display \"%s | %s\" shows the recovery code", o->line[0], o->line[1]);
        return true;
    }
    if (m->recovery_enabled && shows_code(o, m->rcode, all) && !showing) {
        *key = "recovery code on the display";
        snprintf(out, cap, "display \"%s | %s\" shows the kept recovery code", o->line[0],
                 o->line[1]);
        return true;
    }
    if (pm_secret_field(m) && o->input == OL_INPUT_NUMBER) {
        *key = "secret echoed";
        snprintf(out, cap, "the keypad echoes digits (input NUMBER) while a secret is typed");
        return true;
    }
    // An opening window the time lock has closed (*11, the calendar, a lost
    // clock) says why, and does not invite a code.
    if (strncmp(o->line[1], "WINDOW ", 7) == 0 && pm_window_open(m)) {
        const char *why = pm_time_locked(m);
        const char *want = why ? why : "OPEN NOW: CODE";
        if (strcmp(o->line[0], want) != 0) {
            *key = why ? "window screen invites a code the time lock refuses"
                       : "window screen does not invite a code";
            snprintf(out, cap, "display \"%s | %s\", the model: \"%s\"", o->line[0], o->line[1],
                     want);
            return true;
        }
    }
    if (dialogue_event && !stale) {
        bool busy = engine_in_dialogue(o, stale);
        bool model_busy = m->stage != PM_IDLE && m->stage != PM_FACTORY_CODE && !pm_locked_out(m);
        if (busy != model_busy) {
            *key = busy ? "dialogue went on after a refusal" : "dialogue refused";
            snprintf(out, cap, "the lock %s (display \"%s | %s\"), the model %s",
                     busy ? "goes on" : "ended the dialogue", o->line[0], o->line[1],
                     model_busy ? "goes on" : "ended it");
            return true;
        }
    }
    // A code is asked for with its ID in ID mode (USER-MANUAL.md, *18).
    if (dialogue_event && !stale && o->input == OL_INPUT_SECRET && !pm_locked_out(m) &&
        (m->stage == PM_LOGIN || m->stage == PM_SECOND)) {
        bool id = m->set.id_mode;
        const char *want = m->stage == PM_SECOND         ? (id ? "SECOND ID+CODE" : "SECOND CODE")
                           : pm_function(m->fn)->manager ? (id ? "ID+MANAGER CODE" : "MANAGER CODE")
                                                         : (id ? "ID + YOUR CODE" : "YOUR CODE");
        if (strcmp(o->line[0], want) != 0 && strcmp(o->line[1], NOTHING_TEXT) != 0 &&
            !result_text(o->line[0])) {
            *key = "prompt for a code";
            snprintf(out, cap, "display \"%s | %s\", the model: \"%s\"", o->line[0], o->line[1],
                     want);
            return true;
        }
        s->st.id_prompts += id;
    }
    return false;
}

static uint32_t checks_sum(const pm *m) {
    uint32_t n = 0;
    for (int s = 0; s < OL_SLOTS; s++) {
        n += m->checks[s];
    }
    return n;
}

// ---- one event through both ------------------------------------------------------------------

static const char *event_text(const ol_event *ev, char *buf, size_t cap) {
    switch (ev->type) {
    case OL_EV_ENTRY: {
        size_t n = 0;
        for (uint8_t i = 0; i < ev->ndigits && n + 2 < cap; i++) {
            buf[n++] = (char)('0' + ev->digits[i]);
        }
        buf[n++] = '#';
        buf[n] = '\0';
        return buf;
    }
    case OL_EV_FUNCTION:
        snprintf(buf, cap, "*%02u", ev->function);
        return buf;
    case OL_EV_CANCEL:
        return "*";
    case OL_EV_DOOR:
        return ev->door_open ? "door opens" : "door closes";
    case OL_EV_BATTERY:
        snprintf(buf, cap, "battery %" PRIu32 " mV", ev->value);
        return buf;
    case OL_EV_REMOTE_DISABLE:
        return ev->value ? "remote disable asserted" : "remote disable released";
    default:
        return "tick";
    }
}

// The model's side of one event.
static void model_event(pm *m, const ol_event *ev, bool refuse_open, pm_out *out) {
    char digits[PM_CODE_CAP];
    switch (ev->type) {
    case OL_EV_ENTRY:
        for (uint8_t i = 0; i < ev->ndigits; i++) {
            digits[i] = (char)('0' + ev->digits[i]);
        }
        digits[ev->ndigits] = '\0';
        if (ev->unpaired) {
            pm_unpaired_entry(m, digits, refuse_open, out);
        } else {
            pm_entry(m, digits, refuse_open, out);
        }
        break;
    case OL_EV_FUNCTION:
        if (ev->unpaired) {
            pm_unpaired_function(m, ev->function, out);
        } else {
            pm_function_key(m, ev->function, out);
        }
        break;
    case OL_EV_CANCEL:
        pm_cancel(m, out);
        break;
    case OL_EV_DOOR:
        pm_door(m, ev->door_open);
        break;
    case OL_EV_BATTERY:
        pm_battery(m, ev->value);
        break;
    case OL_EV_REMOTE_DISABLE:
        pm_remote(m, ev->value != 0);
        break;
    default:
        break;
    }
}

// The newest `open` record names the slot the model says opened.
static void check_open_record(search *s, int slot) {
    ol_status st = engine_status(&s->e);
    for (uint32_t seq = st.audit_next_seq; seq > st.audit_first_seq && seq + 6 > st.audit_next_seq;
         seq--) {
        ol_audit_event ev;
        if (ol_lock_audit_read(&s->e.lock, seq - 1, &ev) == OL_OK && ev.kind == OL_AUDIT_OPEN) {
            if (ev.slot != slot) {
                violation(s, "opened for another slot",
                          "the trail's open record names slot %u, "
                          "the model slot %d",
                          ev.slot, slot);
            }
            return;
        }
    }
    violation(s, "opening not in the trail", "the lock opened for slot %d with no open record",
              slot);
}

// The trail's recovery_used records written since the last look are the
// ones the model says (in order; an optional one may be missing).
static void check_recovery_records(search *s) {
    ol_status st = engine_status(&s->e);
    pm *m = &s->m;
    uint8_t got[16];
    int n = 0;
    uint32_t from = s->audit_seen > st.audit_first_seq ? s->audit_seen : st.audit_first_seq;
    for (uint32_t seq = from; seq < st.audit_next_seq; seq++) {
        ol_audit_event ev;
        if (ol_lock_audit_read(&s->e.lock, seq, &ev) == OL_OK &&
            ev.kind == OL_AUDIT_RECOVERY_USED && n < 16) {
            got[n++] = (uint8_t)ev.arg;
            s->st.rec_records[ev.arg < 9 ? ev.arg : 0]++;
        }
    }
    s->audit_seen = st.audit_next_seq;
    int i = 0, j = 0;
    bool ok = true;
    while (ok && i < m->nrec_log) {
        if (j < n && got[j] == m->rec_log[i]) {
            i++;
            j++;
        } else if (m->rec_log_optional[i]) {
            i++;
        } else {
            ok = false;
        }
    }
    ok &= j == n;
    if (!ok) {
        char a[64] = "", b[64] = "";
        size_t la = 0, lb = 0;
        for (int k = 0; k < n && la + 6 < sizeof a; k++) {
            la += (size_t)snprintf(a + la, sizeof a - la, " %u", got[k]);
        }
        for (int k = 0; k < m->nrec_log && lb + 6 < sizeof b; k++) {
            lb += (size_t)snprintf(b + lb, sizeof b - lb, " %u%s", m->rec_log[k],
                                   m->rec_log_optional[k] ? "?" : "");
        }
        bool stale_cut =
            n > 0 && got[n - 1] == 8 && !(m->nrec_log > 0 && m->rec_log[m->nrec_log - 1] == 8);
        violation(s,
                  stale_cut ? "recovery_used: a power cut recorded with no recovery running"
                            : "recovery_used records",
                  "the trail has recovery_used arg [%s ], the model [%s ] (? = may be missing; "
                  "1 started, 2 done, 3 a valid code, 4 a wrong try, 5 cancelled, 6 expired, "
                  "7 ready, 8 a power cut)",
                  a, b);
    }
    m->nrec_log = 0;
}

// Feed one event to the lock and the model and compare. Returns the model's
// reading of it.
static pm_out step(search *s, const ol_event *ev) {
    pm_out out;
    memset(&out, 0, sizeof out);
    out.opened = out.matched = -1;
    if (s->failed) {
        return out;
    }
    engine *e = &s->e;
    // A new-code check comes back at its hour, a recovery delay or its 10
    // minutes end: a port wakes the lock at its deadline, so the lock is
    // ticked there even inside a person's typing (wake_late's ticks are not).
    uint64_t refill = pm_refill_at(&s->m);
    if ((s->m.rec == PM_REC_DELAY || s->m.rec == PM_REC_READY) && s->m.rec_until < refill) {
        refill = s->m.rec_until;
    }
    if (ev->type != OL_EV_TICK && e->powered && refill != UINT64_MAX && refill > e->clk.now_ms &&
        refill < e->t) {
        uint64_t t = e->t;
        e->t = refill;
        ol_event tk = {.type = OL_EV_TICK};
        step(s, &tk);
        e->t = t;
        if (s->failed) {
            return out;
        }
    }
    uint32_t checks_before = checks_sum(&s->m);
    bool in_fields = s->m.rec == PM_REC_FIELDS; // the recovery's new manager code
    pm_advance(&s->m, e->t);
    s->st.refills += checks_sum(&s->m) > checks_before ? checks_sum(&s->m) - checks_before : 0;
    pm before = s->m;
    bool was_busy = s->m.stage != PM_IDLE;
    bool dialogue =
        ev->type == OL_EV_ENTRY || ev->type == OL_EV_FUNCTION || ev->type == OL_EV_CANCEL;
    model_event(&s->m, ev, false, &out);
    if (in_fields && s->m.rec != PM_REC_FIELDS && s->m.nrec_log > 0) {
        s->st.fields_ended[s->m.rec_log[s->m.nrec_log - 1] % 9]++;
    }
    ol_status was = engine_status(e);
    ol_outputs shown = *ol_lock_outputs(&e->lock);
    ol_err err = engine_event(e, ev);
    const ol_outputs *now_shown = ol_lock_outputs(&e->lock);
    bool stale = ev->type == OL_EV_FUNCTION && strcmp(shown.line[0], now_shown->line[0]) == 0 &&
                 strcmp(shown.line[1], now_shown->line[1]) == 0;
    s->st.events++;
    char ebuf[40], when[24];
    clock_text(s, when, sizeof when);
    if (ev->type != OL_EV_TICK) {
        const ol_outputs *o = ol_lock_outputs(&e->lock);
        trace(s, "    t %s  %-22s%s -> \"%s | %s\"%s%s%s\n", when,
              event_text(ev, ebuf, sizeof ebuf), ev->unpaired ? " (unpaired keypad)" : "",
              o->line[0], o->line[1], out.note[0] ? "  [model: " : "", out.note,
              out.note[0] ? "]" : "");
    }
    if (err) {
        violation(s, "engine error", "ol_lock_event returned %d", (int)err);
        return out;
    }
    char diff[300];
    const char *key;
    bool check_flow = dialogue && (was_busy || s->m.stage != PM_IDLE || ev->type == OL_EV_FUNCTION);
    if (differs(s, check_flow, stale, diff, sizeof diff, &key) && out.ambiguous) {
        // POLICY.md leaves this relaxation open: the refusal is right too.
        pm_out alt;
        memset(&alt, 0, sizeof alt);
        alt.opened = alt.matched = -1;
        pm trial = before;
        model_event(&trial, ev, true, &alt);
        pm keep = s->m;
        s->m = trial;
        char diff2[300];
        const char *key2;
        if (!differs(s, check_flow, stale, diff2, sizeof diff2, &key2)) {
            out = alt;
            trace(s, "      [model: POLICY.md leaves this open; the lock refused: accepted]\n");
            diff[0] = '\0';
        } else {
            s->m = keep;
        }
    } else if (!differs(s, check_flow, stale, diff, sizeof diff, &key)) {
        diff[0] = '\0';
    }
    if (diff[0]) {
        char kind[240];
        snprintf(kind, sizeof kind, "%s", key);
        // Name the kinds the brief lists by what the model refused.
        const char *l1 = ol_lock_outputs(&e->lock)->line[0];
        if (out.too_many) {
            snprintf(kind, sizeof kind, "TOO MANY CODES not refused (%s)", key);
        } else if (out.delete_others) {
            snprintf(kind, sizeof kind, "ID mode left with other codes enrolled (%s)", key);
        } else if (strcmp(l1, "TOO MANY CODES") == 0 || strcmp(l1, "DELETE OTHERS") == 0) {
            snprintf(kind, sizeof kind, "%s where the model accepts (%s)", l1, key);
        } else if (strcmp(key, "rules in force") == 0 && out.relax_refused) {
            snprintf(kind, sizeof kind, "relaxing *%02u accepted while not served", before.fn);
        } else if (strcmp(key, "time lock") == 0 && out.relax_refused) {
            snprintf(kind, sizeof kind, "*11 shortened the running time lock");
        } else if (strcmp(key, "clock") == 0 && out.relax_refused) {
            snprintf(kind, sizeof kind, "*08 moved a governed clock while not served");
        } else if (strcmp(key, "wrong-try count") == 0 && out.opened >= 0) {
            // POLICY.md, "Wrong tries": an opening takes back as many as
            // the lock has earned.
            snprintf(kind, sizeof kind, "wrong tries %s by an opening: the model took back %u (%s)",
                     engine_status(e).failures < s->m.failures ? "taken back" : "kept", out.undone,
                     out.note);
        } else if (strcmp(key, "wrong-try count") == 0) {
            snprintf(kind, sizeof kind, "wrong-try count %s (%s)",
                     out.counted ? "not counted" : "changed", out.note);
        }
        violation(s, kind, "%s  [model: %s]", diff, out.note[0] ? out.note : "-");
        return out;
    }
    // A refused relaxation names a rule that stands in the way.
    if (out.relax_refused) {
        const ol_outputs *o = ol_lock_outputs(&e->lock);
        bool named = false;
        for (int i = 0; i < 5; i++) {
            named |= (out.why >> i & 1u) && strcmp(o->line[0], pm_why_text[i]) == 0;
        }
        if (!named) {
            violation(s, "refusal names no rule in the way",
                      "refused with \"%s\"; the rules in the way: %s%s%s%s%s", o->line[0],
                      out.why & PM_WHY_TIME_LOCKED ? "TIME LOCKED " : "",
                      out.why & PM_WHY_SET_CLOCK ? "SET CLOCK FIRST " : "",
                      out.why & PM_WHY_REMOTE ? "REMOTE DISABLED " : "",
                      out.why & PM_WHY_IN_WINDOW ? "ONLY IN WINDOW " : "",
                      out.why & PM_WHY_WHEN_OPEN ? "ONLY WHEN OPEN" : "");
            return out;
        }
        s->st.relax_refused++;
    } else if (strstr(out.note, "relaxes") && !out.delete_others) {
        s->st.relax_applied++;
    }
    // A new code refused on a lost clock under a calendar, *14 / *17 with the
    // door shut at their last field: said, and the first recorded.
    if (out.clock_refused || out.door_refused) {
        const ol_outputs *o = ol_lock_outputs(&e->lock);
        const char *want = out.clock_refused ? "SET CLOCK FIRST" : "OPEN DOOR FIRST";
        if (strcmp(o->line[0], want) != 0 || strcmp(o->line[1], NOTHING_TEXT) != 0) {
            violation(s,
                      out.clock_refused ? "new code on a lost clock: not SET CLOCK FIRST"
                                        : "door shut at the last field: not OPEN DOOR FIRST",
                      "display \"%s | %s\", the model: \"%s | %s\"", o->line[0], o->line[1], want,
                      NOTHING_TEXT);
            return out;
        }
        s->st.clock_refused += out.clock_refused;
        s->st.door_refused += out.door_refused;
    }
    if (out.clock_refused) {
        ol_status st = engine_status(e);
        ol_audit_event ae;
        memset(&ae, 0, sizeof ae);
        uint16_t arg = (uint16_t)(before.fn << 8 | 3u);
        if (st.audit_next_seq == st.audit_first_seq ||
            ol_lock_audit_read(&e->lock, st.audit_next_seq - 1, &ae) != OL_OK ||
            ae.kind != OL_AUDIT_REFUSED || ae.arg != arg || ae.slot != before.actor) {
            violation(s, "new code on a lost clock: no refused record",
                      "the newest record is kind %d slot %d arg 0x%04x; the model: refused, "
                      "slot %u, arg 0x%04x",
                      (int)ae.kind, (int)ae.slot, (unsigned)ae.arg, before.actor, arg);
            return out;
        }
    }
    // TOO MANY CODES, DELETE OTHERS: said, and not recorded (nothing was tried).
    if (out.too_many || out.delete_others) {
        const ol_outputs *o = ol_lock_outputs(&e->lock);
        const char *w1 = out.too_many ? "TOO MANY CODES" : "DELETE OTHERS";
        const char *w2 = out.too_many ? "USE ID MODE *18" : "TO LEAVE ID MODE";
        if (strcmp(o->line[0], w1) != 0 || strcmp(o->line[1], w2) != 0) {
            violation(s, out.too_many ? "TOO MANY CODES not said" : "DELETE OTHERS not said",
                      "display \"%s | %s\", the model: \"%s | %s\"", o->line[0], o->line[1], w1,
                      w2);
            return out;
        }
        // (What time did meanwhile may be written: the bolt thrown, a first
        // code of dual control that stood alone.)
        for (uint32_t seq = was.audit_next_seq; seq < engine_status(e).audit_next_seq; seq++) {
            ol_audit_event ae;
            if (ol_lock_audit_read(&e->lock, seq, &ae) == OL_OK &&
                ((ae.kind == OL_AUDIT_REFUSED && ae.arg >> 8 != 0) ||
                 ae.kind == OL_AUDIT_CONFIG_CHANGED || ae.kind == OL_AUDIT_USER_ADDED ||
                 ae.kind == OL_AUDIT_WRONG_CODE)) {
                violation(s, out.too_many ? "TOO MANY CODES recorded" : "DELETE OTHERS recorded",
                          "record %" PRIu32 ": kind %d slot %d arg 0x%04x", seq, (int)ae.kind,
                          (int)ae.slot, (unsigned)ae.arg);
                return out;
            }
        }
        s->st.delete_others += out.delete_others;
        s->st.too_many_slot += out.too_many && before.stage == PM_FIELD && before.fn == 2;
        s->st.too_many_rule += out.too_many && !(before.stage == PM_FIELD && before.fn == 2);
    }
    s->st.id_on += !before.set.id_mode && s->m.set.id_mode;
    s->st.id_off += before.set.id_mode && !s->m.set.id_mode;
    s->st.id_openings += out.opened >= 0 && before.set.id_mode;
    if (out.opened >= 0) {
        s->st.undone += out.undone;
        s->st.undoing += out.undone != 0;
        s->st.unearned += out.undone == 0 && before.failures != 0;
    }
    s->st.tightened += out.tightened;
    if (out.opened >= 0) {
        s->st.openings++;
        check_open_record(s, out.opened);
    }
    if (!s->failed) {
        check_recovery_records(s);
    }
    const ol_outputs *o = ol_lock_outputs(&e->lock);
    s->st.checks_used += out.check_used;
    s->st.rationed += out.rationed;
    s->st.too_like += strstr(out.note, "TOO LIKE ANOTHER") != NULL;
    s->st.override_dropped += strstr(out.note, "override cleared") != NULL;
    s->st.override_dropped +=
        strstr(out.note, "set by recovery") != NULL && (before.set.override & 1u) != 0;
    s->st.lost_clock_second += strstr(out.note, "lost clock: SECOND CODE") != NULL;
    s->st.lost_clock_set += before.rtc_lost && !s->m.rtc_lost;
    s->st.unpaired_stops += out.unpaired_stopped;
    s->st.unpaired_rejected += out.unpaired_ignored;
    s->st.unpaired_events += ev->unpaired;
    s->st.window_time_locked +=
        strncmp(o->line[1], "WINDOW ", 7) == 0 && strcmp(o->line[0], "OPEN NOW: CODE") != 0;
    if (out.counted) {
        s->st.counted++;
        if (engine_status(e).lockout_remaining_ms > was.lockout_remaining_ms) {
            s->st.lockouts++;
        }
    }
    return out;
}

// ---- time --------------------------------------------------------------------------------------

static void tick(search *s) {
    ol_event ev = {.type = OL_EV_TICK};
    step(s, &ev);
}

// Let time pass, stopping at every deadline of the lock and of the model.
static void wait_ms(search *s, uint64_t ms) {
    engine *e = &s->e;
    uint64_t end = e->t + ms;
    while (!s->failed && e->powered) {
        uint64_t d = ol_lock_next_deadline(&e->lock);
        uint64_t at = d == UINT64_MAX ? UINT64_MAX : d + e->boot_t;
        pm_advance(&s->m, e->t);
        uint64_t md = pm_next_deadline(&s->m);
        if (md < at) {
            at = md;
        }
        if (at <= e->t) {
            at = e->t + 1;
        }
        if (at >= end) {
            break;
        }
        e->t = at;
        tick(s);
    }
    e->t = end;
    if (e->powered) {
        tick(s);
    }
}

// Let time pass with the lock asleep past its deadlines (a port that woke
// late): it is ticked only at the end — and at the hours a new-code check
// comes back (step() wakes it there for other events, a tick is not one).
static void wake_late(search *s, uint64_t ms) {
    engine *e = &s->e;
    uint64_t end = e->t + ms;
    uint64_t ready_end = s->m.rec == PM_REC_DELAY ? s->m.rec_until + OL_RECOVERY_WINDOW_MS : 0;
    s->st.late_wakes++;
    s->st.late_ready_expired += ready_end != 0 && end >= ready_end;
    while (!s->failed && e->powered) {
        uint64_t refill = pm_refill_at(&s->m);
        if (refill == UINT64_MAX || refill >= end) {
            break;
        }
        e->t = refill > e->t ? refill : e->t + 1;
        tick(s);
    }
    e->t = end;
    if (e->powered && !s->failed) {
        tick(s);
    }
}

// ---- the copy of the lock that answers "does this code open?" ---------------------------------

// Boots a copy of the flash (the lock as it would be after a power cut) and
// types the code there: a wrong code adds a counted wrong try, a valid one
// does not. Nothing of it reaches the lock under test.
static bool probe_code(search *s, const char *code, bool *valid) {
    memcpy(s->pf.mem, s->e.hf.mem, FLASH_BYTES);
    s->pclk = s->e.clk;
    if (ol_lock_boot(&s->plock, &s->pplat, 0, false) != OL_OK) {
        return false;
    }
    ol_status st;
    ol_lock_status(&s->plock, &st);
    uint64_t now = 1000u + st.lockout_remaining_ms; // let a saved lockout run out
    ol_event ev = {.type = OL_EV_TICK};
    if (ol_lock_event(&s->plock, now, &ev) != OL_OK) {
        return false;
    }
    ol_lock_status(&s->plock, &st);
    uint32_t before = st.failures;
    ev.type = OL_EV_ENTRY;
    ev.ndigits = (uint8_t)strlen(code);
    for (uint8_t i = 0; i < ev.ndigits; i++) {
        ev.digits[i] = (uint8_t)(code[i] - '0');
    }
    if (st.lockout_remaining_ms != 0 || ol_lock_event(&s->plock, now + 1000u, &ev) != OL_OK) {
        return false;
    }
    ol_lock_status(&s->plock, &st);
    *valid = st.failures != before + 1u;
    ol_lock_shutdown(&s->plock);
    s->st.probes++;
    return true;
}

// The entry that types `code` for `slot`: in ID mode the slot's two digits,
// then the code (USER-MANUAL.md, *18).
static void with_id(const search *s, int slot, const char *code, char out[PM_CODE_CAP]) {
    size_t at = 0;
    if (s->m.set.id_mode) {
        slot = slot < 0 ? 0 : slot;
        out[at++] = (char)('0' + slot / 10 % 10);
        out[at++] = (char)('0' + slot % 10);
    }
    size_t n = strlen(code);
    n = n + at < PM_CODE_CAP ? n : PM_CODE_CAP - 1 - at;
    memcpy(out + at, code, n);
    out[at + n] = '\0';
}

// Does `code` open `slot` (in ID mode typed under its ID; in plain mode the
// slot plays no part) where the model says?
static void check_code(search *s, int slot, const char *raw) {
    if (s->failed || raw[0] == '\0') {
        return;
    }
    char code[PM_CODE_CAP];
    with_id(s, slot, raw, code);
    bool duress, valid;
    slot = pm_match(&s->m, code, &duress);
    if (!probe_code(s, code, &valid)) {
        violation(s, "probe failed", "the copy of the lock could not be asked about %s", code);
        return;
    }
    if (valid != (slot >= 0)) {
        violation(s, valid ? "a code opens that the model does not know" : "a code no longer opens",
                  "code %s is %s in the lock; the model: %s%d", code, valid ? "valid" : "not valid",
                  slot >= 0 ? "slot " : "no slot ", slot);
    }
}

static void retire(search *s, int slot, const char *code) {
    if (code[0] == '\0') {
        return;
    }
    slot = slot >= 0 && slot < OL_SLOTS ? slot : 0;
    for (int i = 0; i < s->nretired; i++) {
        if (strcmp(s->retired[i], code) == 0 && s->retired_slot[i] == slot) {
            return;
        }
    }
    int at = s->nretired < RETIRED_CAP ? s->nretired++ : (int)below(s, RETIRED_CAP);
    snprintf(s->retired[at], PM_CODE_CAP, "%s", code);
    s->retired_slot[at] = slot;
}

static void check_all_codes(search *s) {
    for (int slot = 0; slot < OL_SLOTS; slot++) {
        check_code(s, slot, s->m.code[slot]);
    }
    for (int i = 0; i < s->nretired; i++) {
        check_code(s, s->retired_slot[i], s->retired[i]);
    }
}

// ---- what people type --------------------------------------------------------------------------

static ol_event entry_of(const char *digits) {
    ol_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = OL_EV_ENTRY;
    ev.ndigits = (uint8_t)strlen(digits);
    for (uint8_t i = 0; i < ev.ndigits; i++) {
        ev.digits[i] = (uint8_t)(digits[i] - '0');
    }
    return ev;
}

static pm_out type(search *s, const char *digits) {
    ol_event ev = entry_of(digits);
    ev.unpaired = s->unpaired;
    return step(s, &ev);
}

static void press_function(search *s, uint8_t fn) {
    ol_event ev = {.type = OL_EV_FUNCTION, .function = fn, .unpaired = s->unpaired};
    step(s, &ev);
}

static void press_cancel(search *s) {
    ol_event ev = {.type = OL_EV_CANCEL, .unpaired = s->unpaired};
    step(s, &ev);
}

static void random_digits(search *s, char *out, int n) {
    for (int i = 0; i < n; i++) {
        out[i] = (char)('0' + below(s, 10));
    }
    out[n] = '\0';
}

// A code the lock takes for `target`: 6-8 digits, not simple, two digits
// from every other code.
static void fresh_code(search *s, int target, char *out) {
    do {
        random_digits(s, out, 6 + (int)below(s, 3));
    } while (pm_code_rule(&s->m, target, out) != PM_CODE_OK);
}

// One digit away from the code of another enrolled slot, and not simple.
// last_digit: mostly that code with its last digit one up or down, or the
// code itself (TOO LIKE ANOTHER as a new code), now and then another digit
// changed (allowed as a new code since the second evaluation); otherwise any
// one digit changed (a passer-by's guess).
static bool near_code(search *s, int target, char *out, bool last_digit) {
    for (int tries = 0; tries < 20; tries++) {
        int slot = (int)below(s, 5);
        if (slot == target || !pm_enrolled(&s->m, slot)) {
            continue;
        }
        snprintf(out, PM_CODE_CAP, "%s", s->m.code[slot]);
        size_t n = strlen(out);
        uint32_t r = below(s, 100);
        if (last_digit && r < 80) {
            static const int deltas[] = {1, 9, 1, 9, 0};
            out[n - 1] = (char)('0' + (out[n - 1] - '0' + deltas[below(s, 5)]) % 10);
        } else {
            size_t i = last_digit ? below(s, (uint32_t)n - 1) : below(s, (uint32_t)n);
            out[i] = (char)('0' + (out[i] - '0' + 1 + below(s, 9)) % 10);
        }
        if (!pm_trivial(out)) {
            return true;
        }
    }
    return false;
}

// A guess by someone who knows no code: random, or one digit off a real one.
static void guess(search *s, char *out) {
    if (chance(s, 40) && near_code(s, -1, out, false)) {
        return;
    }
    random_digits(s, out, 6 + (int)below(s, 3));
}

static const char *code_of(search *s, int actor) {
    if (actor == ACT_P || actor == ACT_R || actor == ACT_W) {
        static char g[PM_CODE_CAP];
        guess(s, g);
        return g;
    }
    return s->know[actor];
}

// The code as `actor` types it, now and then its duress variant; in ID mode
// after the two digits of his slot — now and then none, another person's ID
// or one no slot has (40); in plain mode now and then with an ID all the same.
// Someone who knows no code picks an ID too.
static void as_typed(search *s, int actor, const char *code, char *out) {
    char c[PM_CODE_CAP];
    snprintf(c, sizeof c, "%s", code);
    size_t n = strlen(c);
    if (n && s->m.set.duress && chance(s, 10)) {
        c[n - 1] = (char)('0' + (c[n - 1] - '0' + 1) % 10);
    }
    int slot = actor_slot[actor] >= 0 ? actor_slot[actor] : (int)below(s, 6);
    uint32_t r = below(s, 100);
    bool id = s->m.set.id_mode;
    if (id && r < 5) {
        memcpy(out, c, n + 1); // no ID: the entry is the code alone
        s->st.misid += actor_slot[actor] >= 0;
        return;
    }
    if (id && r < 9) {
        int other;
        do {
            other = (int)below(s, 6);
        } while (other == slot);
        slot = other;
        s->st.misid += actor_slot[actor] >= 0;
    } else if (id && r < 12) {
        slot = chance(s, 70) ? 40 : 32 + (int)below(s, 68);
        s->st.misid += actor_slot[actor] >= 0;
    } else if (!id && r < 2) {
        s->st.misid += actor_slot[actor] >= 0;
        id = true; // an ID typed where none is asked for
    }
    if (id) {
        char entry[PM_CODE_CAP];
        entry[0] = (char)('0' + slot / 10);
        entry[1] = (char)('0' + slot % 10);
        snprintf(entry + 2, sizeof entry - 2, "%.12s", c);
        memcpy(out, entry, sizeof entry);
        return;
    }
    memcpy(out, c, n + 1);
}

static void group_text(const uint8_t *code, int g, char *out) {
    const uint8_t *d = code + OL_RECOVERY_GROUP_DIGITS * g;
    for (int i = 0; i < OL_RECOVERY_GROUP_DIGITS; i++) {
        out[i] = (char)('0' + d[i]);
    }
    out[OL_RECOVERY_GROUP_DIGITS] = (char)('0' + ol_check_digit(d, OL_RECOVERY_GROUP_DIGITS));
    out[OL_RECOVERY_GROUP_DIGITS + 1] = '\0';
}

// ---- a function, field by field
// -------------------------------------------------------------------

#define PLAN_MAX 12

typedef struct plan {
    uint8_t fn;
    int n;
    char entry[PLAN_MAX][PM_CODE_CAP];
    bool cancel_after; // *09: leave the view with '*'
    bool no_probe;     // the new codes typed need not be asked about
    int target;        // *01 / *02: the slot the new code is for (its ID when asked about)
    int new_at;        // the entry of the new code (its repeat follows); 0: every code-long entry
} plan;

static void plan_add(plan *p, const char *digits) {
    if (p->n < PLAN_MAX) {
        snprintf(p->entry[p->n++], PM_CODE_CAP, "%s", digits);
    }
}

// A number as typed; two digits for a slot.
static void plan_num(plan *p, bool two, unsigned v) {
    char buf[PM_CODE_CAP];
    snprintf(buf, sizeof buf, two ? "%02u" : "%u", v % 100000u);
    plan_add(p, buf);
}

// The recovery code's five groups as `who` types them: mostly right, now and
// then a typo (caught by the check digit, typed again) or a wrong digit.
static void plan_groups(search *s, plan *p, bool holds) {
    uint8_t code[OL_RECOVERY_DIGITS];
    if (holds && s->rknown) {
        memcpy(code, s->rcode, sizeof code);
    } else {
        for (int i = 0; i < OL_RECOVERY_DIGITS; i++) {
            code[i] = (uint8_t)below(s, 10);
        }
    }
    bool wrong = holds && chance(s, 8);
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        char text[8];
        uint8_t save = code[g * OL_RECOVERY_GROUP_DIGITS];
        if (wrong && g == 2) {
            code[g * OL_RECOVERY_GROUP_DIGITS] = (uint8_t)((save + 1) % 10);
        }
        group_text(code, g, text);
        code[g * OL_RECOVERY_GROUP_DIGITS] = save;
        if (chance(s, 5)) {
            char typo[8];
            memcpy(typo, text, sizeof typo);
            typo[4] = (char)('0' + (typo[4] - '0' + 1) % 10);
            plan_add(p, typo);
        }
        plan_add(p, text);
    }
}

static void plan_new_code(search *s, plan *p, int target) {
    char code[PM_CODE_CAP], again[PM_CODE_CAP];
    uint32_t r = below(s, 100);
    if (r < 25 && near_code(s, target, code, true)) {
        // TOO LIKE ANOTHER, or another digit off another's code (allowed)
    } else if (r < 30) {
        snprintf(code, sizeof code, "%s", chance(s, 50) ? "345678" : "777777");
    } else if (r < 34) {
        random_digits(s, code, chance(s, 50) ? 5 : 13);
    } else if (r < 44 && target >= 0 && target < OL_SLOTS && pm_enrolled(&s->m, target)) {
        snprintf(code, sizeof code, "%s", s->m.code[target]); // near its own: allowed
        size_t i = below(s, (uint32_t)strlen(code));
        code[i] = (char)('0' + (code[i] - '0' + 3) % 10);
        if (pm_code_rule(&s->m, target, code) != PM_CODE_OK) {
            fresh_code(s, target, code);
        }
    } else {
        fresh_code(s, target, code);
    }
    p->new_at = p->n;
    plan_add(p, code);
    snprintf(again, sizeof again, "%s", code);
    if (chance(s, 8)) {
        again[0] = (char)('0' + (again[0] - '0' + 1) % 10);
    }
    plan_add(p, again);
}

// Today's weekday (1 = Monday) and minute by the lock's clock, or a guess.
static void today(search *s, unsigned *weekday, unsigned *minute, uint32_t *day) {
    uint32_t rtc = pm_rtc(&s->m);
    if (rtc == OL_RTC_LOST) {
        rtc = (uint32_t)(EPOCH + s->e.t / 1000u);
    }
    *day = rtc / 86400u;
    *weekday = (*day + 3u) % 7u + 1u;
    *minute = rtc % 86400u / 60u;
}

static void civil(uint32_t days, unsigned *y, unsigned *mo, unsigned *d) {
    unsigned year = 1970, month = 1;
    while (days >= (pm_leap(year) ? 366u : 365u)) {
        days -= pm_leap(year) ? 366u : 365u;
        year++;
    }
    while (days >= pm_month_days(year, month)) {
        days -= pm_month_days(year, month);
        month++;
    }
    *y = year;
    *mo = month;
    *d = days + 1;
}

static void plan_date(plan *p, uint32_t days) {
    unsigned y, mo, d;
    civil(days, &y, &mo, &d);
    char buf[PM_CODE_CAP];
    snprintf(buf, sizeof buf, "%04u%02u%02u", y, mo, d);
    plan_add(p, buf);
}

static void plan_hhmm(plan *p, unsigned minute) {
    char buf[PM_CODE_CAP];
    snprintf(buf, sizeof buf, "%02u%02u", minute / 60u, minute % 60u);
    plan_add(p, buf);
}

// The fields of function fn, valid or not, as people would try them.
static void plan_fields(search *s, plan *p, int actor) {
    unsigned weekday, minute;
    uint32_t day;
    today(s, &weekday, &minute, &day);
    int own = actor_slot[actor] >= 0 ? actor_slot[actor] : 0;
    switch (p->fn) {
    case 1:
        p->target = own;
        plan_new_code(s, p, own);
        break;
    case 2: {
        static const unsigned slots[] = {1, 2, 3, 4, 4, 5, 0, 40};
        unsigned target = slots[below(s, 8)];
        if (chance(s, 20)) {
            target = 5 + below(s, OL_SLOTS - 5); // beyond the five people
        }
        uint32_t ov = s->m.set.override & 0x1Fu;
        if (ov != 0 && chance(s, 50)) {
            do { // a slot with the override gets a new code: the override goes
                target = below(s, 5);
            } while (!((ov >> target) & 1u));
        }
        p->target = target < OL_SLOTS ? (int)target : 0;
        plan_num(p, true, target);
        plan_new_code(s, p, (int)target);
        break;
    }
    case 3: {
        unsigned target = 1 + below(s, 5);
        uint32_t extra = pm_enrolled_mask(&s->m) & ~0x1Fu;
        if (extra != 0 && chance(s, 40)) {
            do { // one of the slots beyond the five people
                target = 5 + below(s, OL_SLOTS - 5);
            } while (!((extra >> target) & 1u));
        }
        plan_num(p, true, target);
        plan_add(p, chance(s, 85) ? "" : "1");
        break;
    }
    case 18: // mostly the other mode
        plan_num(p, false,
                 chance(s, 5) ? 2u : (chance(s, 80) ? !s->m.set.id_mode : s->m.set.id_mode));
        break;
    case 4: {
        static const unsigned delays[] = {0, 1, 1, 2, 3, 5};
        static const unsigned windows[] = {1, 2, 2, 3, 5, 25};
        plan_num(p, false, delays[below(s, 6)]);
        plan_num(p, false, windows[below(s, 6)]);
        break;
    }
    case 5:
    case 6:
    case 12:
        plan_num(p, false, chance(s, 5) ? 2u : below(s, 2));
        break;
    case 7: {
        plan_num(p, false, chance(s, 70) ? weekday : 1 + below(s, 7));
        plan_num(p, false, 1 + below(s, 2));
        uint32_t r = below(s, 100);
        if (r < 35) {
            plan_add(p, "0000");
            plan_add(p, "2400");
        } else if (r < 55) {
            plan_add(p, "0000");
            plan_add(p, "0000");
        } else if (r < 75) {
            plan_hhmm(p, minute >= 60 ? minute - 60 : 0);
            plan_hhmm(p, minute + 120 < 1440 ? minute + 120 : 1440);
        } else if (r < 90) {
            plan_hhmm(p, (minute + 180) % 1200);
            plan_hhmm(p, (minute + 180) % 1200 + 60);
        } else {
            plan_add(p, chance(s, 50) ? "1200" : "2460");
            plan_add(p, "1100");
        }
        break;
    }
    case 8: {
        uint32_t r = below(s, 100);
        uint32_t t = day * 1440u + minute;
        t += r < 40   ? 0
             : r < 70 ? 60u * (1 + below(s, 5))
             : r < 80 ? 1440u
             : r < 90 ? 0u - 180u
                      : 0;
        if (r >= 90) {
            plan_add(p, chance(s, 50) ? "20261301" : "20260230");
            plan_add(p, "1200");
        } else {
            plan_date(p, t / 1440u);
            plan_hhmm(p, t % 1440u);
        }
        break;
    }
    case 10: {
        plan_num(p, false, 1 + below(s, 3));
        uint32_t r = below(s, 100);
        if (r < 35) {
            plan_date(p, day);
        } else if (r < 65) {
            plan_date(p, day + 1 + below(s, 2));
        } else if (r < 90) {
            plan_add(p, "0");
        } else {
            plan_add(p, "20261232");
        }
        break;
    }
    case 11:
        plan_num(p, false, chance(s, 5) ? 0u : 1 + below(s, 3));
        break;
    case 13: {
        static const unsigned slots[] = {0, 1, 2, 3, 4};
        plan_num(p, true, chance(s, 30) ? (unsigned)own : slots[below(s, 5)]);
        plan_num(p, false, chance(s, 60) ? 1u : 0u);
        break;
    }
    case 14:
    case 15:
        if (s->m.recovery_enabled) {
            plan_groups(s, p, true);
        }
        break;
    case 16: {
        static const unsigned mins[] = {15, 20, 30, 60, 10};
        plan_num(p, false, mins[below(s, 5)]);
        break;
    }
    case 9:
        plan_add(p, "");
        p->cancel_after = true;
        break;
    default:
        break;
    }
}

// The second code, under dual control: mostly another person's.
static void plan_second(search *s, plan *p, int actor) {
    char code[PM_CODE_CAP];
    uint32_t r = below(s, 100);
    int other;
    if (r < 10) {
        other = actor; // the same code again: NEED OTHER CODE
    } else if (r < 15) {
        other = ACT_P;
    } else {
        do {
            other = (int)below(s, 5);
        } while (other == actor);
    }
    as_typed(s, other, code_of(s, other), code);
    plan_add(p, code);
}

static void plan_function(search *s, plan *p, int actor, uint8_t fn) {
    memset(p, 0, sizeof *p);
    p->fn = fn;
    p->target = actor_slot[actor] >= 0 ? actor_slot[actor] : 0;
    char code[PM_CODE_CAP];
    as_typed(s, actor, code_of(s, actor), code);
    plan_add(p, code);
    const pm_fn *f = pm_function(fn);
    // *08 on a lost clock under a calendar asks for a second code: mostly
    // given, now and then not (the date is then taken for the second code).
    bool lost_calendar = fn == 8 && pm_rtc(&s->m) == OL_RTC_LOST && pm_calendar_governs(&s->m.set);
    if (f && f->second && (s->m.set.dual || (lost_calendar && chance(s, 75)))) {
        plan_second(s, p, actor);
    }
    plan_fields(s, p, actor);
}

// Someone's code may have changed: the holder learns it (from the manager who
// set it), and the old one is kept to be asked about.
static void learn_codes(search *s) {
    for (int a = ACT_A; a <= ACT_D; a++) {
        const char *now = s->m.code[actor_slot[a]];
        if (now[0] && strcmp(now, s->know[a]) != 0) {
            retire(s, actor_slot[a], s->know[a]);
            check_code(s, actor_slot[a], s->know[a]);
            snprintf(s->know[a], PM_CODE_CAP, "%s", now);
            check_code(s, actor_slot[a], now);
        }
    }
}

static bool in_function(const pm *m) {
    return m->stage == PM_LOGIN || m->stage == PM_SECOND || m->stage == PM_FIELD;
}

static void run_plan(search *s, const plan *p) {
    bool was_id = s->m.set.id_mode;
    press_function(s, p->fn);
    for (int i = 0; i < p->n && !s->failed; i++) {
        if (!in_function(&s->m)) {
            break;
        }
        s->e.t += KEY_GAP_MS;
        type(s, p->entry[i]);
    }
    if (p->cancel_after && in_function(&s->m)) {
        s->e.t += KEY_GAP_MS;
        press_cancel(s);
    }
    if (in_function(&s->m) && !s->failed) {
        s->e.t += KEY_GAP_MS;
        press_cancel(s); // the plan ran out: walk away properly
    }
    // Codes typed as new codes must open only where the model says.
    for (int i = p->new_at;
         i < p->n && i < (p->new_at ? p->new_at + 2 : p->n) && !s->failed && !p->no_probe; i++) {
        size_t n = strlen(p->entry[i]);
        if (i > 0 && strcmp(p->entry[i], p->entry[i - 1]) == 0) {
            continue; // the repeat of the code just asked about
        }
        if ((p->fn == 1 || p->fn == 2) && n >= OL_CODE_MIN_DIGITS && n <= OL_CODE_MAX_DIGITS) {
            retire(s, p->target, p->entry[i]);
            check_code(s, p->target, p->entry[i]);
        }
    }
    if (p->fn <= 3) {
        learn_codes(s);
    }
    for (int slot = 0; slot < OL_SLOTS && s->m.set.id_mode != was_id; slot++) {
        check_code(s, slot, s->m.code[slot]); // every code is typed another way now
    }
    s->st.functions_done++;
}

// ---- the recovery code on the display
// ------------------------------------------------------------

// Reads the group the lock shows (line 2: "dddd c") into the model, as the
// person at the door writes it down. false if it is not there.
static bool read_shown_group(search *s) {
    const ol_outputs *o = ol_lock_outputs(&s->e.lock);
    const char *l = o->line[1];
    if (strlen(l) < 6 || l[4] != ' ') {
        return false;
    }
    uint8_t d[OL_RECOVERY_GROUP_DIGITS + 1];
    for (int i = 0; i < 4; i++) {
        if (l[i] < '0' || l[i] > '9') {
            return false;
        }
        d[i] = (uint8_t)(l[i] - '0');
    }
    if (l[5] < '0' || l[5] > '9') {
        return false;
    }
    d[4] = (uint8_t)(l[5] - '0');
    if (!ol_check_valid(d, 5)) {
        return false;
    }
    pm_show_seen(&s->m, s->m.show_group, d);
    return true;
}

// The person at the door goes on with a shown code: reads and pages, or
// types it back (now and then a group wrong).
static void continue_show(search *s) {
    pm *m = &s->m;
    s->e.t += KEY_GAP_MS;
    if (m->stage == PM_SHOW) {
        if (!read_shown_group(s)) {
            wait_ms(s, OL_MESSAGE_MS); // a message ("LOCK IS SET UP") may cover it a while
        }
        if (!s->failed && m->stage == PM_SHOW && !read_shown_group(s)) {
            violation(s, "recovery code not shown",
                      "the model shows group %u; the display: "
                      "\"%s | %s\"",
                      m->show_group + 1, ol_lock_outputs(&s->e.lock)->line[0],
                      ol_lock_outputs(&s->e.lock)->line[1]);
            return;
        }
        type(s, "");
        return;
    }
    char text[8];
    group_text(m->show, m->groups, text);
    if (chance(s, 3)) {
        text[1] = (char)('0' + (text[1] - '0' + 1) % 10);
        text[4] =
            (char)('0' + ol_check_digit(
                             (const uint8_t[]){(uint8_t)(text[0] - '0'), (uint8_t)(text[1] - '0'),
                                               (uint8_t)(text[2] - '0'), (uint8_t)(text[3] - '0')},
                             4));
    }
    bool was_enabled = m->recovery_enabled;
    type(s, text);
    if (!s->failed && m->recovery_enabled &&
        (!was_enabled || memcmp(s->rcode, m->rcode, sizeof s->rcode))) {
        memcpy(s->rcode, m->rcode, sizeof s->rcode);
        s->rknown = true; // the owner hands it to the recovery holder
        s->st.shows_kept++;
    }
}

// ---- the world
// -----------------------------------------------------------------------------------

static void set_door(search *s, bool open) {
    s->e.door_open = open;
    ol_event ev = {.type = OL_EV_DOOR, .door_open = open};
    step(s, &ev);
}

static void power_cycle(search *s, uint64_t off_ms) {
    engine *e = &s->e;
    pm_advance(&s->m, e->t);
    s->st.fields_ended[8] += s->m.rec == PM_REC_FIELDS;
    ol_lock_shutdown(&e->lock);
    pm_power_off(&s->m, e->t);
    e->powered = false;
    trace(s, "    power off for %" PRIu64 " s\n", off_ms / 1000u);
    e->t += off_ms;
    if (engine_boot(e) != OL_OK) {
        violation(s, "engine error", "ol_lock_boot failed");
        return;
    }
    pm_power_on(&s->m, e->t, e->door_open);
    // Countdowns saved at checkpoints come back no shorter, at most one
    // checkpoint longer: adopted.
    ol_status st = engine_status(e);
    pm_countdown *cd[2] = {&s->m.lockout, &s->m.timelock};
    uint32_t got[2] = {st.lockout_remaining_ms, st.timelock_remaining_ms};
    const char *name[2] = {"lockout", "time lock"};
    for (int i = 0; i < 2; i++) {
        uint32_t want = cd[i]->ms;
        if (got[i] < want || got[i] > want + OL_PENALTY_CHECKPOINT_MS + 1000u) {
            violation(s, i ? "time lock across a power cut" : "lockout across a power cut",
                      "%s %" PRIu32 " ms after power-up, model %" PRIu32 " ms (never shorter, at "
                      "most a checkpoint longer)",
                      name[i], got[i], want);
            return;
        }
        cd[i]->ms = got[i];
    }
    // The new-code checks each slot has left come back as they were; the
    // hour towards the next one, from where it was up to a full hour ("the
    // partial hour is lost"): adopted (ol_status reports both).
    uint32_t refill_left = st.code_check_refill_ms;
    for (int slot = 0; slot < OL_SLOTS; slot++) {
        if (st.code_checks[slot] != s->m.checks[slot]) {
            violation(s, "new-code checks across a power cut",
                      "slot %02d has %u checks left after power-up; model %u", slot,
                      st.code_checks[slot], s->m.checks[slot]);
            return;
        }
    }
    if (!pm_checks_full(&s->m) &&
        (refill_left < s->m.refill.ms || refill_left > OL_CODE_CHECK_REFILL_MS)) {
        violation(s, "new-code checks across a power cut",
                  "%" PRIu32 " ms to the next check after power-up; model %" PRIu32
                  " ms (up to %u ms: the partial hour is lost)",
                  refill_left, s->m.refill.ms, (unsigned)OL_CODE_CHECK_REFILL_MS);
        return;
    }
    if (!pm_checks_full(&s->m)) {
        s->m.refill.ms = refill_left;
    }
    trace(s, "    power on  -> \"%s | %s\"\n", ol_lock_outputs(&e->lock)->line[0],
          ol_lock_outputs(&e->lock)->line[1]);
    check_recovery_records(s);
    if (s->failed) {
        return;
    }
    tick(s);
    // The port reports its inputs again.
    if (e->battery_mv) {
        ol_event ev = {.type = OL_EV_BATTERY, .value = e->battery_mv};
        step(s, &ev);
    }
    if (e->remote) {
        ol_event ev = {.type = OL_EV_REMOTE_DISABLE, .value = 1};
        step(s, &ev);
    }
}

// ---- actions
// --------------------------------------------------------------------------------------

__attribute__((format(printf, 3, 4))) static void begin_action(search *s, int actor,
                                                               const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char what[160];
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(s->action, sizeof s->action, "%s: %s", actor_name[actor], what);
    trace(s, "  %s\n", s->action);
    s->st.actions[actor]++;
    s->st.steps++;
}

static void act_open(search *s, int actor) {
    char code[PM_CODE_CAP];
    as_typed(s, actor, code_of(s, actor), code);
    begin_action(s, actor, "types a code to open");
    s->e.t += KEY_GAP_MS;
    pm_out out = type(s, code);
    // Who opened goes in, mostly.
    if (!s->failed && out.opened >= 0 && !s->e.door_open && chance(s, 60)) {
        s->e.t += 1000;
        set_door(s, true);
    }
}

static const uint8_t manager_fns[] = {1,  2,  2,  3,  4,  4,  4,  5,  5,  6,  6,  7,
                                      7,  7,  8,  8,  9,  10, 10, 11, 11, 12, 12, 13,
                                      13, 13, 14, 14, 15, 16, 16, 17, 18, 18, 3,  2};

static void act_function(search *s, int actor, uint8_t forced) {
    uint8_t fn;
    if (forced) {
        fn = forced;
    } else if (actor == ACT_P) {
        fn = manager_fns[below(s, sizeof manager_fns)];
    } else if (actor >= ACT_U && actor <= ACT_D) {
        fn = chance(s, 75) ? 1 : manager_fns[below(s, sizeof manager_fns)];
    } else {
        fn = manager_fns[below(s, sizeof manager_fns)];
        if ((fn == 14 || fn == 17) && !s->e.door_open && chance(s, 70)) {
            fn = 13;
        }
    }
    plan p;
    plan_function(s, &p, actor, fn);
    char text[160];
    size_t n = (size_t)snprintf(text, sizeof text, "*%02u", fn);
    for (int i = 0; i < p.n && n + 20 < sizeof text; i++) {
        n += (size_t)snprintf(text + n, sizeof text - n, " %s#", p.entry[i]);
    }
    begin_action(s, actor, "%s", text);
    s->e.t += KEY_GAP_MS;
    run_plan(s, &p);
    if (fn == 14 && s->m.stage == PM_SHOW) {
        s->show_actor = actor;
    }
}

// The recovery holder leaves the new manager code's fields (the recovery
// still runs there): '*' (how < 8), walks away until the field times out
// (< 16), presses another function (< 22: *09, *01 or *99 again, then '*'),
// or the power is cut (else).
static void leave_fields(search *s, uint32_t how) {
    if (how < 8) {
        s->e.t += KEY_GAP_MS;
        press_cancel(s);
    } else if (how < 16) {
        wait_ms(s, OL_MENU_TIMEOUT_MS + 1000u);
    } else if (how < 22) {
        static const uint8_t fns[] = {9, 1, 99};
        s->e.t += KEY_GAP_MS;
        press_function(s, fns[below(s, 3)]);
        if ((in_function(&s->m) || s->m.stage == PM_RTYPE) && !s->failed) {
            s->e.t += KEY_GAP_MS;
            press_cancel(s);
        }
    } else {
        power_cycle(s, chance(s, 50) ? 1000u : 600000u);
    }
}

// R: *99 and the recovery code; after the delay, *99 and the code again and
// a new manager code.
static void act_recovery(search *s, int actor) {
    plan p;
    memset(&p, 0, sizeof p);
    bool holds = actor == ACT_R && s->rknown;
    plan_groups(s, &p, holds);
    bool ready = s->m.rec == PM_REC_READY;
    // Now and then on a keypad of their own, not paired (a thief's).
    s->unpaired = chance(s, 25);
    begin_action(s, actor, "*99 with %s%s%s", holds ? "the recovery code" : "a guessed code",
                 ready ? " again (delay served)" : "",
                 s->unpaired ? ", on a keypad not paired" : "");
    s->e.t += KEY_GAP_MS;
    press_function(s, 99);
    // After the delay the holder now and then gives up half-way: '*', or
    // walks away (the field times out), before or after the code again.
    int upto = ready && chance(s, 15) ? 1 + (int)below(s, 4) : p.n;
    for (int i = 0; i < upto && s->m.stage == PM_RTYPE && !s->failed; i++) {
        s->e.t += KEY_GAP_MS;
        type(s, p.entry[i]);
    }
    uint32_t quit = below(s, 100);
    if (s->m.stage == PM_RNEW && !s->failed && quit < 28) {
        leave_fields(s, quit);
    }
    if (s->m.stage == PM_RTYPE && upto < p.n && !s->failed && quit < 50) {
        wait_ms(s, OL_MENU_TIMEOUT_MS + 1000u);
    }
    if (s->m.stage == PM_RNEW && !s->failed) {
        // Mostly a fresh code; now and then one too like another's (TOO LIKE
        // ANOTHER: a counted wrong try that ends the recovery).
        char code[PM_CODE_CAP], other[PM_CODE_CAP];
        if (!(chance(s, 15) && near_code(s, 0, code, true))) {
            fresh_code(s, 0, code);
        }
        s->e.t += KEY_GAP_MS;
        type(s, code);
        uint32_t then = below(s, 100);
        if (s->m.stage == PM_RREPEAT && !s->failed && then < 16) {
            leave_fields(s, then < 4 ? 0 : then < 8 ? 10 : then < 12 ? 18 : 24);
        } else if (s->m.stage == PM_RREPEAT && !s->failed && then < 24) {
            fresh_code(s, 0, other); // CODES DIFFER: the repeat again
            s->e.t += KEY_GAP_MS;
            type(s, other);
        }
        if (s->m.stage == PM_RREPEAT && !s->failed) {
            s->e.t += KEY_GAP_MS;
            type(s, code);
        }
        if (!s->failed && strcmp(s->m.code[0], code) == 0) {
            s->st.recoveries++;
            s->rknown = false; // used up
            learn_codes(s);
        }
    }
    if (s->m.stage == PM_RTYPE && !s->failed) {
        press_cancel(s);
    }
    s->unpaired = false;
}

// A code, or a function, typed on a keypad that is not paired: while a
// recovery runs a code stops it (a valid one: nothing opens; a wrong one: a
// counted wrong try); otherwise nothing reaches the lock.
static void act_unpaired(search *s) {
    int actor = chance(s, 50) ? (int)below(s, 5) : (chance(s, 50) ? ACT_R : ACT_P);
    s->unpaired = true;
    if (chance(s, 80)) {
        char code[PM_CODE_CAP];
        as_typed(s, actor, code_of(s, actor), code);
        begin_action(s, actor, "types a code on a keypad not paired%s",
                     s->m.rec != PM_REC_NONE ? " (a recovery runs)" : "");
        s->e.t += KEY_GAP_MS;
        type(s, code);
    } else {
        static const uint8_t fns[] = {1, 2, 4, 5, 11, 13, 17};
        uint8_t fn = fns[below(s, sizeof fns)];
        begin_action(s, actor, "*%02u on a keypad not paired", fn);
        s->e.t += KEY_GAP_MS;
        press_function(s, fn);
        if (in_function(&s->m) && !s->failed) {
            char code[PM_CODE_CAP];
            as_typed(s, actor, code_of(s, actor), code);
            s->e.t += KEY_GAP_MS;
            type(s, code);
        }
        if (in_function(&s->m) && !s->failed) {
            s->e.t += KEY_GAP_MS;
            press_cancel(s);
        }
    }
    s->unpaired = false;
}

// Someone uses up new-code checks: *01 with a new code and a repeat that
// differs, again and again (now and then a code too like another's).
static void act_burn_checks(search *s, int actor) {
    int times = 4 + (int)below(s, 40);
    begin_action(s, actor, "*01 with a new code and a wrong repeat, up to %d times", times);
    for (int i = 0; i < times && !s->failed; i++) {
        if (pm_locked_out(&s->m) || s->m.stage != PM_IDLE) {
            break;
        }
        plan p;
        memset(&p, 0, sizeof p);
        p.fn = 1;
        p.no_probe = i + 1 < times;
        p.target = actor_slot[actor];
        char code[PM_CODE_CAP], again[PM_CODE_CAP];
        as_typed(s, actor, code_of(s, actor), code);
        plan_add(&p, code);
        if (s->m.set.dual) {
            plan_second(s, &p, actor);
        }
        if (!(chance(s, 12) && near_code(s, actor_slot[actor], code, true))) {
            fresh_code(s, actor_slot[actor], code);
        }
        plan_add(&p, code);
        snprintf(again, sizeof again, "%s", code);
        again[0] = (char)('0' + (again[0] - '0' + 1) % 10);
        plan_add(&p, again);
        s->e.t += KEY_GAP_MS;
        run_plan(s, &p);
    }
}

// A valid second code for `actor` (under dual control, or *08 on a lost
// clock): another enabled enrolled person's own code.
static void add_second(search *s, plan *p, int actor) {
    for (int a = ACT_A; a <= ACT_D; a++) {
        int slot = actor_slot[a];
        if (a != actor && pm_enrolled(&s->m, slot) && !pm_disabled(&s->m, slot) &&
            strcmp(s->know[a], s->m.code[slot]) == 0) {
            char code[PM_CODE_CAP];
            with_id(s, slot, s->know[a], code);
            plan_add(p, code);
            return;
        }
    }
    char code[PM_CODE_CAP];
    with_id(s, actor_slot[actor], s->know[actor], code);
    plan_add(p, code); // nobody else: NEED OTHER CODE
}

static void plan_login(search *s, plan *p, int actor, uint8_t fn) {
    memset(p, 0, sizeof *p);
    p->fn = fn;
    p->target = actor_slot[actor];
    char code[PM_CODE_CAP];
    with_id(s, actor_slot[actor], s->know[actor], code);
    plan_add(p, code);
    if (s->m.set.dual) {
        add_second(s, p, actor);
    }
}

// An insider (or a manager) uses up his own ration of new-code checks, then
// a manager enrols a code: the manager's ration is his own (POLICY.md).
static void act_drain_then_enrol(search *s) {
    int insider = chance(s, 75) ? ACT_U + (int)below(s, 3) : ACT_B;
    int manager = insider == ACT_B || chance(s, 70) ? ACT_A : ACT_B;
    int times = OL_CODE_CHECK_BURST + 2 + (int)below(s, 4);
    begin_action(s, insider,
                 "drains his own new-code checks: *01, a new code, a wrong repeat, "
                 "%d times",
                 times);
    for (int i = 0; i < times && !s->failed; i++) {
        if (pm_locked_out(&s->m) || s->m.stage != PM_IDLE) {
            break;
        }
        plan p;
        plan_login(s, &p, insider, 1);
        p.no_probe = true;
        char code[PM_CODE_CAP];
        fresh_code(s, actor_slot[insider], code);
        plan_add(&p, code);
        code[0] = (char)('0' + (code[0] - '0' + 1) % 10);
        plan_add(&p, code);
        s->e.t += KEY_GAP_MS;
        run_plan(s, &p);
    }
    if (s->failed || pm_locked_out(&s->m) || s->m.stage != PM_IDLE) {
        return;
    }
    plan p;
    plan_login(s, &p, manager, 2);
    static const unsigned targets[] = {2, 3, 4, 5, 6};
    unsigned target = targets[below(s, 5)];
    p.target = (int)target;
    plan_num(&p, true, target);
    char code[PM_CODE_CAP];
    fresh_code(s, (int)target, code);
    p.new_at = p.n;
    plan_add(&p, code);
    plan_add(&p, code);
    begin_action(s, manager, "*02 %02u: enrols a code after the insider's drain", target);
    s->e.t += KEY_GAP_MS;
    run_plan(s, &p);
}

// A manager enrols slots beyond the five people (05-31), fresh codes, one
// after another: in plain mode until it is full (TOO MANY CODES at the slot).
static void act_enrol_extra(search *s) {
    int manager = chance(s, 75) ? ACT_A : ACT_B;
    int times = 1 + (int)below(s, 6);
    begin_action(s, manager, "*02 to empty slots beyond the five people, up to %d times", times);
    for (int i = 0; i < times && !s->failed; i++) {
        if (pm_locked_out(&s->m) || s->m.stage != PM_IDLE) {
            break;
        }
        uint32_t empty = ~pm_enrolled_mask(&s->m) & ~0x1Fu;
        if (empty == 0) {
            break;
        }
        unsigned target;
        do {
            target = 5 + below(s, OL_SLOTS - 5);
        } while (!((empty >> target) & 1u));
        plan p;
        plan_login(s, &p, manager, 2);
        p.target = (int)target;
        plan_num(&p, true, target);
        char code[PM_CODE_CAP];
        if (s->m.set.id_mode && chance(s, 20)) {
            snprintf(code, sizeof code, "%s", s->know[(int)below(s, 5)]); // alike: allowed
            if (pm_code_shape(code) != PM_CODE_OK) {
                fresh_code(s, (int)target, code);
            }
        } else {
            fresh_code(s, (int)target, code);
        }
        p.new_at = p.n;
        plan_add(&p, code);
        plan_add(&p, code);
        s->e.t += KEY_GAP_MS;
        bool full = !pm_codes_fit(pm_enrolled_mask(&s->m) | 1u << target, s->m.set.duress,
                                  s->m.set.id_mode);
        run_plan(s, &p);
        s->st.extra_enrolled += pm_enrolled(&s->m, (int)target);
        if (full) {
            break; // TOO MANY CODES | USE ID MODE *18: he stops
        }
    }
}

// In ID mode a manager deletes (*03) every other code, opens to serve the
// rules, turns ID mode off (*18 0) and enrols the people again in plain mode
// (duress on: TOO MANY CODES for the last ones). Now and then he stops
// half-way, or gives *18 0 with others still enrolled: DELETE OTHERS.
static void act_leave_id_mode(search *s) {
    pm *m = &s->m;
    int manager = pm_enrolled(m, 0) && strcmp(s->know[ACT_A], m->code[0]) == 0 ? ACT_A : ACT_B;
    int own = actor_slot[manager];
    if (strcmp(s->know[manager], m->code[own]) != 0) {
        return;
    }
    bool all = chance(s, 75);
    begin_action(s, manager, "leaves ID mode: deletes %s other codes, opens, *18 0",
                 all ? "the" : "some");
    for (int slot = 0; slot < OL_SLOTS && !s->failed; slot++) {
        if (slot == own || !pm_enrolled(m, slot) || (!all && chance(s, 50))) {
            continue;
        }
        if (pm_locked_out(m) || m->stage != PM_IDLE) {
            return;
        }
        plan p;
        plan_login(s, &p, manager, 3);
        plan_num(&p, true, (unsigned)slot);
        plan_add(&p, "");
        s->e.t += KEY_GAP_MS;
        run_plan(s, &p);
    }
    if (s->failed || pm_locked_out(m) || m->stage != PM_IDLE) {
        return;
    }
    // Served: the lock stands open after an opening (or in a window).
    if (!(m->retracted && m->stands == PM_YES) && !pm_window_open(m)) {
        char code[PM_CODE_CAP];
        with_id(s, own, s->know[manager], code);
        s->e.t += KEY_GAP_MS;
        type(s, code);
        if (!s->failed && pm_delay_running(m)) {
            wait_ms(s, m->delay_until - m->now + 500u);
        }
        if (!s->failed && pm_window_open(m) && m->stage == PM_IDLE && chance(s, 50)) {
            with_id(s, own, s->know[manager], code);
            s->e.t += KEY_GAP_MS;
            type(s, code);
        }
    }
    if (s->failed || pm_locked_out(m) || m->stage != PM_IDLE) {
        return;
    }
    plan p;
    plan_login(s, &p, manager, 18);
    plan_add(&p, "0");
    s->e.t += KEY_GAP_MS;
    run_plan(s, &p);
    if (s->failed || m->set.id_mode) {
        return;
    }
    // The people again, in plain mode.
    for (int a = ACT_A; a <= ACT_D && !s->failed; a++) {
        if (a == manager || pm_locked_out(m) || m->stage != PM_IDLE || chance(s, 15)) {
            continue;
        }
        plan q;
        plan_login(s, &q, manager, 2);
        q.target = actor_slot[a];
        plan_num(&q, true, (unsigned)actor_slot[a]);
        char code[PM_CODE_CAP];
        fresh_code(s, actor_slot[a], code);
        q.new_at = q.n;
        plan_add(&q, code);
        plan_add(&q, code);
        s->e.t += KEY_GAP_MS;
        run_plan(s, &q);
    }
}

// A manager runs *14 (or *17) with the door open, and the door is shut at
// some point while it is typed: the function looks at the door again when
// its last field is in (POLICY.md, "door").
static void act_door_during(search *s) {
    int actor = chance(s, 70) ? ACT_A : ACT_B;
    uint8_t fn = chance(s, 75) ? 14 : 17;
    plan p;
    plan_login(s, &p, actor, fn);
    if (fn == 14 && s->m.recovery_enabled) {
        plan_groups(s, &p, true);
    }
    int shut_at = (int)below(s, (uint32_t)p.n + 1); // before entry shut_at (p.n: after all)
    begin_action(s, actor, "*%02u with the door open; the door shuts before field %d of %d", fn,
                 shut_at + 1, p.n);
    s->e.t += KEY_GAP_MS;
    press_function(s, fn);
    for (int i = 0; i <= p.n && !s->failed; i++) {
        if (i == shut_at && s->e.door_open && s->m.retracted) {
            s->e.t += 500;
            set_door(s, false);
        }
        if (i == p.n || !in_function(&s->m)) {
            break;
        }
        s->e.t += KEY_GAP_MS;
        type(s, p.entry[i]);
    }
    if (in_function(&s->m) && !s->failed) {
        s->e.t += KEY_GAP_MS;
        press_cancel(s);
    }
    if (s->m.stage == PM_SHOW) {
        s->show_actor = actor;
    }
    s->st.functions_done++;
}

// While the lock stands open after a served opening, or in a window, a
// manager makes a rule stricter, then relaxes it again: the stricter rule
// ends the served state, so the relaxation is refused (POLICY.md, "Served").
// Now and then one change does both (a shorter delay with a shorter window).
static void act_tighten_relax(search *s) {
    pm *m = &s->m;
    int actor = chance(s, 70) ? ACT_A : ACT_B;
    if (!pm_enrolled(m, actor_slot[actor]) || strcmp(s->know[actor], m->code[actor_slot[actor]])) {
        actor = ACT_A;
    }
    unsigned weekday, minute;
    uint32_t day;
    today(s, &weekday, &minute, &day);
    plan t, r;
    uint32_t k = below(s, m->set.id_mode ? 8 : 9);
    char a[PM_CODE_CAP], b[PM_CODE_CAP];
    const ol_settings *set = &m->set;
    plan_login(s, &t, actor, 4);
    switch (k) {
    case 0: // a longer delay, then the old one
    default:
        t.fn = 4;
        plan_num(&t, false, set->delay_min + 1u);
        plan_num(&t, false, set->window_min);
        snprintf(a, sizeof a, "%u", set->delay_min);
        snprintf(b, sizeof b, "%u", set->window_min);
        break;
    case 1: // dual on, then off
        t.fn = 5;
        plan_add(&t, "1");
        snprintf(a, sizeof a, "0");
        b[0] = 0;
        break;
    case 2: // users disabled, then enabled
        t.fn = 12;
        plan_add(&t, "0");
        snprintf(a, sizeof a, "1");
        b[0] = 0;
        break;
    case 3: { // an override removed, then given back
        unsigned slot = 2 + below(s, 3);
        for (unsigned i = 0; i < 5; i++) {
            if ((set->override >> i) & 1u) {
                slot = i;
            }
        }
        t.fn = 13;
        plan_num(&t, true, slot);
        plan_add(&t, (set->override >> slot) & 1u ? "0" : "1"); // on: not stricter
        snprintf(a, sizeof a, "%02u", slot);
        snprintf(b, sizeof b, "%s", (set->override >> slot) & 1u ? "1" : "0");
        break;
    }
    case 4: // a holiday added (tomorrow), then removed
        t.fn = 10;
        plan_add(&t, "3");
        plan_date(&t, day + 1);
        snprintf(a, sizeof a, "3");
        snprintf(b, sizeof b, "0");
        break;
    case 5: // a longer recovery delay, then the old one
        t.fn = 16;
        plan_num(&t, false,
                 set->recovery_delay_min + 5u > OL_RECOVERY_DELAY_MAX_MIN
                     ? OL_RECOVERY_DELAY_MAX_MIN
                     : set->recovery_delay_min + 5u);
        snprintf(a, sizeof a, "%u", set->recovery_delay_min);
        b[0] = 0;
        break;
    case 6: // a schedule period that closes the rest of the week, then cleared
        t.fn = 7;
        plan_num(&t, false, weekday);
        plan_add(&t, "2");
        plan_hhmm(&t, minute >= 60 ? minute - 60 : 0);
        plan_hhmm(&t, minute + 120 < 1440 ? minute + 120 : 1440);
        snprintf(a, sizeof a, "%u", weekday);
        snprintf(b, sizeof b, "2");
        break;
    case 8: // ID mode on, then off (DELETE OTHERS too, were it served)
        t.fn = 18;
        plan_add(&t, "1");
        snprintf(a, sizeof a, "0");
        b[0] = 0;
        break;
    case 7: // one change both: a shorter delay, a shorter window; then the old
        t.fn = 4;
        plan_num(&t, false, set->delay_min ? set->delay_min - 1u : 0u);
        plan_num(&t, false, OL_WINDOW_MIN_MIN);
        snprintf(a, sizeof a, "%u", set->delay_min);
        snprintf(b, sizeof b, "%u", set->window_min);
        break;
    }
    // t's login was planned for *04: the fields follow it, fn set above.
    begin_action(s, actor, "*%02u: a stricter rule while %s", t.fn,
                 pm_window_open(m) ? "in the window" : "the lock stands open");
    s->e.t += KEY_GAP_MS;
    run_plan(s, &t);
    if (s->failed || s->m.stage != PM_IDLE || pm_locked_out(m)) {
        return;
    }
    plan_login(s, &r, actor, t.fn);
    if (t.fn == 7) {
        plan_add(&r, a);
        plan_add(&r, b);
        plan_add(&r, "0000");
        plan_add(&r, "0000");
    } else if (t.fn == 10) {
        plan_add(&r, a);
        plan_add(&r, b);
    } else {
        plan_add(&r, a);
        if (b[0]) {
            plan_add(&r, b);
        }
    }
    begin_action(s, actor, "*%02u: relaxes it again at once", r.fn);
    s->e.t += KEY_GAP_MS;
    run_plan(s, &r);
}

// ---- wrong tries taken back, forgotten (outside evaluation 7) ----------------------------

// Another enrolled, enabled person whose code `actor` may be joined by under
// dual control; -1 if none.
static int second_person(search *s, int actor) {
    for (int a = ACT_A; a <= ACT_D; a++) {
        int slot = actor_slot[a];
        if (a != actor && pm_enrolled(&s->m, slot) && !pm_disabled(&s->m, slot) &&
            strcmp(s->know[a], s->m.code[slot]) == 0) {
            return a;
        }
    }
    return -1;
}

// `actor` opens as far as the rules let him at once: his code (under his ID),
// through a time delay he waits out, with a second person under dual control.
static void open_now(search *s, int actor) {
    pm *m = &s->m;
    char code[PM_CODE_CAP];
    with_id(s, actor_slot[actor], s->know[actor], code);
    s->e.t += KEY_GAP_MS;
    pm_out out = type(s, code);
    if (!s->failed && out.opened < 0 && pm_delay_running(m)) {
        wait_ms(s, m->delay_until - m->now + 500u);
        s->e.t += KEY_GAP_MS;
        out = type(s, code);
    }
    int other = second_person(s, actor);
    if (!s->failed && out.opened < 0 && m->dual_until != 0 && other >= 0) {
        with_id(s, actor_slot[other], s->know[other], code);
        s->e.t += KEY_GAP_MS;
        out = type(s, code);
    }
    if (!s->failed && out.opened >= 0 && !s->e.door_open && chance(s, 60)) {
        s->e.t += 1000;
        set_door(s, true);
    }
}

// `actor`'s code with one digit (not the last: that is duress) typed wrong,
// under his own ID in ID mode — or, id_how 1, under another person's, 2 with none.
static void mistyped(search *s, int actor, int id_how, char out[PM_CODE_CAP]) {
    char c[PM_CODE_CAP];
    snprintf(c, sizeof c, "%s", s->know[actor]);
    size_t n = strlen(c);
    if (n < 2) {
        random_digits(s, c, 6);
        n = 6;
    }
    size_t i = below(s, (uint32_t)n - 1);
    c[i] = (char)('0' + (c[i] - '0' + 1 + (int)below(s, 9)) % 10);
    int slot = actor_slot[actor];
    if (id_how == 1) {
        int other;
        do {
            other = (int)below(s, 5);
        } while (other == slot);
        slot = other;
    }
    if (id_how == 2 && s->m.set.id_mode) {
        memcpy(out, c, n + 1);
        return;
    }
    with_id(s, slot, c, out);
}

// POLICY.md, "Wrong tries": someone mistypes and then opens — within 2
// minutes of his first mistake (taken back) or later (kept); in ID mode now
// and then under another person's ID or none (kept); with a code too like
// another's typed in between (kept), or a power cut (forgotten: kept); or a
// passer-by guesses in the night and the owner opens in the morning (kept);
// and now and then days pass (one forgotten per quiet day).
static void act_mistype_then_open(search *s) {
    pm *m = &s->m;
    int actor = chance(s, 60) ? (int)below(s, 2) : ACT_U + (int)below(s, 3);
    if (!pm_enrolled(m, actor_slot[actor]) ||
        strcmp(s->know[actor], m->code[actor_slot[actor]]) != 0) {
        actor = ACT_A;
    }
    uint32_t how = below(s, 100);
    int tries = 1 + (int)below(s, 3);
    int id_how = m->set.id_mode && chance(s, 30) ? 1 + (int)below(s, 2) : 0;
    static const char *const hows[] = {
        "a passer-by guessed in the night", "a code too like another's in between",
        "a power cut in between", "more than 2 minutes later", "at once"};
    int kind = how < 15 ? 0 : how < 30 ? 1 : how < 40 ? 2 : how < 55 ? 3 : 4;
    begin_action(s, kind == 0 ? ACT_P : actor, "%d wrong %s%s, then %s opens: %s", tries,
                 kind == 0 ? "guesses" : "codes",
                 id_how == 1   ? " under another's ID"
                 : id_how == 2 ? " without an ID"
                               : "",
                 actor_name[actor], hows[kind]);
    s->st.mistypes++;
    for (int i = 0; i < tries && !s->failed && !pm_locked_out(m) && m->stage == PM_IDLE; i++) {
        char code[PM_CODE_CAP];
        if (kind == 0) {
            as_typed(s, ACT_P, code_of(s, ACT_P), code);
        } else {
            mistyped(s, actor, id_how, code);
        }
        s->e.t += KEY_GAP_MS + below(s, 8000);
        type(s, code);
    }
    if (s->failed || pm_locked_out(m) || m->stage != PM_IDLE) {
        return;
    }
    if (kind == 1 && !m->set.id_mode) {
        // *01 (a manager: now and then *02) with a new code one up or down in
        // the last digit of another's: TOO LIKE ANOTHER, counted.
        plan p;
        plan_login(s, &p, actor, actor <= ACT_B && chance(s, 30) ? 2 : 1);
        char near[PM_CODE_CAP];
        if (p.fn == 2) {
            plan_num(&p, true, (unsigned)actor_slot[actor]);
        }
        if (!near_code(s, actor_slot[actor], near, true)) {
            return;
        }
        p.new_at = p.n;
        plan_add(&p, near);
        plan_add(&p, near);
        p.no_probe = true;
        s->e.t += KEY_GAP_MS;
        run_plan(s, &p);
        if (s->failed || pm_locked_out(m)) {
            return;
        }
        if (m->stage != PM_IDLE) {
            s->e.t += KEY_GAP_MS;
            press_cancel(s);
        }
    } else if (kind == 2) {
        power_cycle(s, chance(s, 50) ? 1000u : 20000u);
    } else if (kind == 3) {
        static const uint64_t later[] = {120000u, 600000u, OL_PENALTY_UNDO_EARN_MS + 1000u};
        wait_ms(s, later[below(s, 3)]);
    } else if (kind == 0) {
        static const uint64_t night[] = {3600000u, 8 * 3600000ull,
                                         2ull * OL_PENALTY_UNDO_EARN_MS + 5000u};
        wait_ms(s, night[below(s, 3)]);
    }
    if (s->failed || pm_locked_out(m) || m->stage != PM_IDLE) {
        return;
    }
    open_now(s, actor);
    // Now and then days pass: quiet (one forgotten each), or with a wrong
    // try on the way (the day starts again).
    if (!s->failed && m->failures != 0 && chance(s, 25)) {
        if (chance(s, 30)) {
            wait_ms(s, OL_PENALTY_FORGET_MS / 2u);
            if (!s->failed && !pm_locked_out(m) && m->stage == PM_IDLE) {
                char code[PM_CODE_CAP];
                as_typed(s, ACT_P, code_of(s, ACT_P), code);
                s->e.t += KEY_GAP_MS;
                type(s, code);
            }
        }
        s->st.days++;
        wait_ms(s, (1u + below(s, 2)) * (uint64_t)OL_PENALTY_FORGET_MS + 1000u);
    }
}

static void act_world(search *s) {
    engine *e = &s->e;
    pm *m = &s->m;
    uint32_t r = below(s, 100);
    if (r < 55) {
        uint64_t ms;
        uint32_t w = below(s, 10);
        if (pm_delay_running(m) && w < 5) {
            ms = m->delay_until - m->now + 500u; // into the window
        } else if (m->rec == PM_REC_DELAY && w < 6) {
            ms = m->rec_until - m->now + 1000u;
            if (w < 2) {
                // The port wakes late: READY (and EXPIRED, past the 10
                // minutes) from the delay's end, recorded at once.
                static const uint64_t late[] = {20000, 300000, 599000, 600000, 900000, 7200000};
                ms = m->rec_until - m->now + late[below(s, 6)];
                begin_action(s, ACT_W, "%" PRIu64 " s pass, the port wakes late", ms / 1000u);
                wake_late(s, ms);
                return;
            }
        } else if (m->failures != 0 && chance(s, 6)) {
            // A quiet day (or two): one wrong try forgotten per day of power.
            ms = (chance(s, 70) ? 1u : 2u) * (uint64_t)OL_PENALTY_FORGET_MS + 60000u;
            s->st.days++;
        } else if (!pm_checks_full(m) && w < 3 && chance(s, 12)) {
            // A week: one new-code check comes back to each slot below the burst.
            ms = OL_CODE_CHECK_REFILL_MS + 60000ull;
            s->st.weeks++;
        } else {
            static const uint64_t waits[] = {2000,           7000,           31000,  61000,
                                             180000,         310000,         900000, 3600000,
                                             3 * 3600000ull, 11 * 3600000ull};
            ms = waits[below(s, 10)];
        }
        begin_action(s, ACT_W, "%" PRIu64 " s pass", ms / 1000u);
        wait_ms(s, ms);
    } else if (r < 63) {
        static const uint64_t offs[] = {1000, 600000, 2 * 3600000ull};
        uint64_t off = offs[below(s, 3)];
        begin_action(s, ACT_W, "power cut for %" PRIu64 " s", off / 1000u);
        power_cycle(s, off);
    } else if (r < 66 || (r < 70 && pm_calendar_governs(&m->set) && !m->rtc_lost)) {
        begin_action(s, ACT_W, "the clock's backup cell goes flat");
        e->clk.rtc_lost = true;
        pm_lose_clock(m);
        tick(s);
    } else if (r < 84) {
        if (m->retracted) {
            begin_action(s, ACT_W, "the door %s", e->door_open ? "closes" : "opens");
            set_door(s, !e->door_open);
            if (!e->door_open) {
                wait_ms(s, 2000); // the bolt is thrown within 2 s
            }
        } else {
            begin_action(s, ACT_W, "2 s pass");
            wait_ms(s, 2000);
        }
    } else if (r < 92) {
        e->remote = !e->remote;
        begin_action(s, ACT_W, "remote disable %s", e->remote ? "asserted" : "released");
        ol_event ev = {.type = OL_EV_REMOTE_DISABLE, .value = e->remote};
        step(s, &ev);
    } else {
        static const uint32_t mvs[] = {5200, 5200, 4600, 4300};
        e->battery_mv = mvs[below(s, 4)];
        begin_action(s, ACT_W, "battery %" PRIu32 " mV", e->battery_mv);
        ol_event ev = {.type = OL_EV_BATTERY, .value = e->battery_mv};
        step(s, &ev);
    }
}

// One random action by someone.
static void random_action(search *s) {
    pm *m = &s->m;
    // A recovery code being shown: the person at the door mostly goes on.
    if ((m->stage == PM_SHOW || m->stage == PM_TYPEBACK) && chance(s, 85)) {
        begin_action(s, s->show_actor >= 0 ? s->show_actor : ACT_A, "%s",
                     m->stage == PM_SHOW ? "reads the shown group, #" : "types a group back");
        continue_show(s);
        return;
    }
    if (m->stage == PM_SHOW || m->stage == PM_TYPEBACK) {
        uint32_t r = below(s, 3);
        if (r == 0 && m->retracted && s->e.door_open) {
            begin_action(s, ACT_W, "the door closes while the recovery code is shown");
            set_door(s, false);
            wait_ms(s, 2000);
        } else if (r == 1) {
            begin_action(s, s->show_actor >= 0 ? s->show_actor : ACT_A, "* while it is shown");
            press_cancel(s);
        } else {
            begin_action(s, ACT_W, "2 min 5 s pass while it is shown");
            wait_ms(s, OL_RECOVERY_SHOW_MS + 5000u);
        }
        return;
    }
    // The recovery holder comes back in the 10 minutes after the delay.
    if (m->rec == PM_REC_READY && chance(s, 70)) {
        act_recovery(s, ACT_R);
        return;
    }
    // Since the third evaluation: an insider drains his own ration, then a
    // manager enrols; *01/*02 on a lost clock under a calendar; the door
    // shut while *14 or *17 is typed; a rule tightened while the lock stands
    // open or in a window, then relaxed.
    if (m->stage == PM_IDLE && !pm_locked_out(m)) {
        uint32_t r = below(s, 1000);
        if (r < 8 && !m->set.id_mode) { // in ID mode nothing is rationed
            act_drain_then_enrol(s);
            return;
        }
        if (r < 60 && m->rtc_lost && pm_calendar_governs(&m->set)) {
            int actor = (int)below(s, 5);
            act_function(s, actor, actor <= ACT_B && chance(s, 60) ? 2 : 1);
            return;
        }
        if (r < 100 && m->retracted && s->e.door_open) {
            act_door_during(s);
            return;
        }
        if (r < 160 && (pm_window_open(m) || (m->retracted && m->stands == PM_YES))) {
            act_tighten_relax(s);
            return;
        }
        if (r < 185) {
            act_enrol_extra(s);
            return;
        }
        if (r < 215 && m->set.id_mode) {
            act_leave_id_mode(s);
            return;
        }
        if (r >= 215 && r < 275) {
            act_mistype_then_open(s);
            return;
        }
    }
    // A recovery runs: someone types on the keypad the thief fitted.
    if (m->rec != PM_REC_NONE && m->stage == PM_IDLE && chance(s, 20)) {
        act_unpaired(s);
        return;
    }
    // A slot has the override: a manager gives it a new code (*02).
    if ((m->set.override & 0x1Fu) != 0 && m->stage == PM_IDLE && chance(s, 3)) {
        act_function(s, chance(s, 70) ? ACT_A : ACT_B, 2);
        return;
    }
    // A time lock runs: a manager tries *11 again (fewer hours: never served).
    if (pm_left(m, &m->timelock) != 0 && m->stage == PM_IDLE && chance(s, 8)) {
        act_function(s, chance(s, 70) ? ACT_A : ACT_B, 11);
        return;
    }
    // The clock is lost under a calendar: a manager sets it (*08).
    if (m->rtc_lost && pm_calendar_governs(&m->set) && m->stage == PM_IDLE && chance(s, 25)) {
        act_function(s, chance(s, 70) ? ACT_A : ACT_B, 8);
        return;
    }
    // A second code is awaited (dual control).
    if (m->dual_until != 0 && chance(s, 60)) {
        int actor = (int)below(s, 5);
        act_open(s, actor);
        return;
    }
    uint32_t r = below(s, 100);
    if (r < 28) {
        act_world(s);
    } else if (r < 56) {
        int actor = chance(s, 70) ? (int)below(s, 2) : (int)below(s, 5);
        if (chance(s, 40)) {
            act_open(s, actor);
        } else {
            act_function(s, actor, 0);
        }
    } else if (r < 66) {
        act_open(s, (int)below(s, 5));
    } else if (r < 76) {
        act_function(s, ACT_U + (int)below(s, 3), 0);
    } else if (r < 78) {
        act_burn_checks(s, (int)below(s, 5));
    } else if (r < 88) {
        if (chance(s, 75)) {
            act_open(s, ACT_P);
        } else if (chance(s, 50)) {
            act_function(s, ACT_P, 0);
        } else if (chance(s, 70)) {
            act_recovery(s, ACT_P);
        } else {
            act_unpaired(s);
        }
    } else if (r < 95) {
        if (s->rknown && m->recovery_enabled && m->rec == PM_REC_NONE) {
            act_recovery(s, ACT_R);
        } else {
            act_open(s, ACT_P);
        }
    } else {
        int actor = (int)below(s, 7);
        begin_action(s, actor, "presses * alone");
        s->e.t += KEY_GAP_MS;
        press_cancel(s);
    }
}

// ---- a sequence
// -----------------------------------------------------------------------------------

// Commissioning, the recovery code read and typed back, the other codes
// added, and rules set at random (POLICY.md allows every one of these here).
static void setup_lock(search *s) {
    pm *m = &s->m;
    engine *e = &s->e;
    fresh_code(s, 0, s->know[ACT_A]);
    begin_action(s, ACT_A, "commissions the lock, door open");
    type(s, s->know[ACT_A]);
    e->t += KEY_GAP_MS;
    type(s, s->know[ACT_A]);
    s->show_actor = ACT_A;
    for (int i = 0; i < 10 && (m->stage == PM_SHOW || m->stage == PM_TYPEBACK) && !s->failed; i++) {
        continue_show(s);
    }
    // The manager opens (the lock stands open), then sets up the others. ID
    // mode (*18) is turned on after the relaxations below (it is stricter:
    // nobody has served it yet); plain mode holds 8 codes, so with duress
    // (*06) D is mostly not enrolled there (he then knows a code no slot has).
    bool id = chance(s, 35), duress = chance(s, 30);
    begin_action(s, ACT_A, "opens, door open");
    e->t += KEY_GAP_MS;
    type(s, s->know[ACT_A]);
    for (int a = ACT_B; a <= ACT_D && !s->failed; a++) {
        if (a == ACT_D && duress && !id && chance(s, 85)) {
            fresh_code(s, actor_slot[a], s->know[a]);
            continue;
        }
        plan p;
        memset(&p, 0, sizeof p);
        p.fn = 2;
        p.target = actor_slot[a];
        char login[PM_CODE_CAP];
        with_id(s, 0, s->know[ACT_A], login);
        plan_add(&p, login);
        plan_num(&p, true, (unsigned)actor_slot[a]);
        fresh_code(s, actor_slot[a], s->know[a]);
        p.new_at = p.n;
        plan_add(&p, s->know[a]);
        plan_add(&p, s->know[a]);
        begin_action(s, ACT_A, "*02 %02d: %s's code", actor_slot[a], actor_name[a]);
        e->t += KEY_GAP_MS;
        run_plan(s, &p);
    }
    // Rules, at random: relaxations first, while the lock stands open.
    struct {
        uint8_t fn;
        uint32_t percent;
        const char *f[4];
    } rules[] = {
        {16, 60, {"15"}},
        {13, 35, {"02", "1"}},
        {18, id ? 100 : 0, {"1"}},
        {6, duress ? 100 : 0, {"1"}},
        {4, 45, {"1", "2"}},
        {7, 25, {"0", "1", "0000", "2400"}}, // day filled in below
        {10, 25, {"1", "0"}},                // date filled in below
        {5, 35, {"1"}},
        {12, 20, {"0"}},
    };
    unsigned weekday, minute;
    uint32_t day;
    today(s, &weekday, &minute, &day);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0] && !s->failed; i++) {
        if (!chance(s, rules[i].percent)) {
            continue;
        }
        plan p;
        memset(&p, 0, sizeof p);
        p.fn = rules[i].fn;
        char login[PM_CODE_CAP];
        with_id(s, 0, s->know[ACT_A], login);
        plan_add(&p, login);
        if (m->set.dual) {
            with_id(s, 1, s->know[ACT_B], login);
            plan_add(&p, login);
        }
        for (int k = 0; k < 4 && rules[i].f[k]; k++) {
            if (p.fn == 7 && k == 0) {
                plan_num(&p, false, weekday);
            } else if (p.fn == 10 && k == 1) {
                plan_date(&p, day + 2);
            } else {
                plan_add(&p, rules[i].f[k]);
            }
        }
        if (p.fn == 13) {
            snprintf(p.entry[1 + m->set.dual], PM_CODE_CAP, "%02u", below(s, 5));
        }
        begin_action(s, ACT_A, "sets up *%02u", p.fn);
        e->t += KEY_GAP_MS;
        run_plan(s, &p);
    }
    // In ID mode, now and then more people beyond the five.
    if (!s->failed && m->set.id_mode && chance(s, 40)) {
        act_enrol_extra(s);
    }
    if (!s->failed && e->door_open && m->retracted) {
        begin_action(s, ACT_A, "closes the door");
        set_door(s, false);
        wait_ms(s, 2000);
    }
}

static void run_sequence(search *s, int steps) {
    s->trace_len = 0;
    s->failed = false;
    s->nretired = 0;
    s->rknown = false;
    s->unpaired = false;
    s->audit_seen = 0;
    s->show_actor = -1;
    memset(s->know, 0, sizeof s->know);
    uint64_t seed = s->rnd;
    if (s->e.hf.mem) {
        ol_hostflash_close(&s->e.hf);
    }
    if (engine_setup(&s->e, seed) != OL_OK) {
        violation(s, "engine error", "first boot failed");
        return;
    }
    pm_init(&s->m, EPOCH, true);
    trace(s, "  sequence %" PRIu64 " (lock seed %" PRIu64 ")\n", s->seq, seed);
    setup_lock(s);
    for (int i = 0; i < steps && !s->failed; i++) {
        random_action(s);
        if (s->m.stage == PM_SHOW && s->show_actor < 0) {
            s->show_actor = ACT_A;
        }
    }
    if (!s->failed) {
        check_all_codes(s);
    }
    s->st.quiet_forgot += s->m.quiet_forgot;
    s->st.sequences++;
}

// ---- main
// ----------------------------------------------------------------------------------------

static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    search *s = &S;
    uint64_t sequences = 600, seed = 20261203;
    int steps = 70;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sequences") == 0 && i + 1 < argc) {
            sequences = strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc) {
            steps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--first") == 0) {
            s->first_only = true;
        } else if (strcmp(argv[i], "--want") == 0 && i + 1 < argc) {
            s->want = argv[++i];
        } else if (strcmp(argv[i], "--trace") == 0) {
            s->trace_all = true;
        } else {
            fprintf(stderr,
                    "usage: %s [--sequences N] [--seed S] [--steps N] [--first] [--want KIND] "
                    "[--trace]\n",
                    argv[0]);
            return 2;
        }
    }
    s->seed = seed;
    s->rnd = seed;
    if (ol_hostflash_open(&s->pf, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS) != OL_OK) {
        fprintf(stderr, "policy_search: no memory for the probe flash\n");
        return 2;
    }
    ol_testrng_seed(&s->prng, seed ^ 0x5EED);
    s->pplat.flash = &s->pf.flash;
    s->pplat.trng = ol_testrng_fill;
    s->pplat.trng_ctx = &s->prng;
    s->pplat.rtc_now = ol_vclock_rtc;
    s->pplat.rtc_set = ol_vclock_rtc_set;
    s->pplat.rtc_ctx = &s->pclk;
    double t0 = seconds_now();
    for (s->seq = 0; s->seq < sequences; s->seq++) {
        run_sequence(s, steps);
        if (s->first_only && (s->want ? s->wanted : s->st.violations != 0)) {
            break;
        }
    }
    double secs = seconds_now() - t0;
    stats *st = &s->st;
    printf("\npolicy_search: seed %" PRIu64 ", %" PRIu64 " sequences, %" PRIu64 " steps, %" PRIu64
           " events, %.1f s\n",
           seed, st->sequences, st->steps, st->events, secs);
    printf("  actions:");
    for (int a = 0; a < ACT_COUNT; a++) {
        printf(" %s %" PRIu64 "%s", actor_name[a], st->actions[a], a + 1 < ACT_COUNT ? "," : "\n");
    }
    printf("  openings %" PRIu64 ", functions %" PRIu64 ", relaxations refused %" PRIu64
           " / applied %" PRIu64 ", wrong tries %" PRIu64 ", lockouts %" PRIu64
           ", recovery codes kept %" PRIu64 ", recoveries %" PRIu64 ", code probes %" PRIu64 "\n",
           st->openings, st->functions_done, st->relax_refused, st->relax_applied, st->counted,
           st->lockouts, st->shows_kept, st->recoveries, st->probes);
    printf("  new codes: checks used %" PRIu64 ", refused TOO MANY CHANGES %" PRIu64
           ", TOO LIKE ANOTHER %" PRIu64 ", checks back %" PRIu64
           "; *02 or *99 cleared an override %" PRIu64 "\n",
           st->checks_used, st->rationed, st->too_like, st->refills, st->override_dropped);
    printf("  lost clock under a calendar: *08 asked a second code %" PRIu64 ", clock set %" PRIu64
           "; window screens naming the time lock %" PRIu64 "\n",
           st->lost_clock_second, st->lost_clock_set, st->window_time_locked);
    printf("  third evaluation: new codes refused SET CLOCK FIRST %" PRIu64
           ", *14/*17 door shut at the last field %" PRIu64
           ", stricter changes ended served %" PRIu64 "\n",
           st->clock_refused, st->door_refused, st->tightened);
    printf("  unpaired keypad: events %" PRIu64 ", recoveries stopped %" PRIu64
           ", rejected %" PRIu64 "\n",
           st->unpaired_events, st->unpaired_stops, st->unpaired_rejected);
    printf("  recovery ended in the new manager code's fields: wrong try (4) %" PRIu64
           ", left (5) %" PRIu64 ", power cut (8) %" PRIu64 "; late wakes after a delay %" PRIu64
           " (past its 10 minutes %" PRIu64 ")\n",
           st->fields_ended[4], st->fields_ended[5], st->fields_ended[8], st->late_wakes,
           st->late_ready_expired);
    printf("  ID mode: turned on %" PRIu64 ", off %" PRIu64 ", refused DELETE OTHERS %" PRIu64
           "; TOO MANY CODES %" PRIu64 " (*02's slot %" PRIu64 ", *06 %" PRIu64
           "); openings in ID mode %" PRIu64 ", codes typed under a wrong ID or none %" PRIu64
           ", ID prompts %" PRIu64 "; slots 05-31 enrolled %" PRIu64 "; weeks passed %" PRIu64 "\n",
           st->id_on, st->id_off, st->delete_others, st->too_many_slot + st->too_many_rule,
           st->too_many_slot, st->too_many_rule, st->id_openings, st->misid, st->id_prompts,
           st->extra_enrolled, st->weeks);
    printf("  undo: wrong tries taken back %" PRIu64 " by %" PRIu64
           " openings; openings after wrong tries with none earned %" PRIu64
           "; quiet days forgot %" PRIu64 " (waits of a day or more %" PRIu64
           "; mistakes then an opening %" PRIu64 ")\n",
           st->undone, st->undoing, st->unearned, st->quiet_forgot, st->days, st->mistypes);
    printf("  recovery_used records:");
    for (int a = 1; a <= 8; a++) {
        printf(" arg %d: %" PRIu64 "%s", a, st->rec_records[a], a < 8 ? "," : "\n");
    }
    printf("  violations: %" PRIu64 "\n", st->violations);
    for (int i = 0; i < st->nkinds; i++) {
        printf("    %6" PRIu64 "  %s\n", st->kinds[i].n, st->kinds[i].key);
    }
    ol_hostflash_close(&s->pf);
    ol_hostflash_close(&s->e.hf);
    if (s->want) {
        printf("  %s: %s\n", s->want, s->wanted ? "found" : "NOT FOUND");
        return s->wanted ? 1 : 0;
    }
    return st->violations ? 1 : 0;
}
