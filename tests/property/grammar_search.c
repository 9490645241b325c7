// Property test: there is no other way to open (DESIGN.md invariant 1), and
// no other way to become able to open: no way to set a code, change a rule,
// pair a keypad or see a recovery code without the owner's credential
// (invariants 6, 7, 8), whatever is typed, sent, or cut.
//
// The lock runs on the host port behind the real keypad unit, as in the
// simulator. Locks set up by their owner with different settings (time
// delay with an override slot, dual control, duress, holiday and weekly
// schedule, lock-for-N-hours, users disabled, a short recovery delay), and
// factory locks with the door open and shut, are driven by
//   (a) every sequence, up to a length, over a reduced alphabet: keys 0 1 * #,
//       M and U (all but the last digit of a manager's and of a user's code,
//       so "M0#" is the manager's code and "M1#" its duress variant), W (61 s
//       pass), P (power cycle), D (the door, moved only as a door can) — from
//       24 start states: idle, just opened, door open, inside *01 and *02
//       after the login, one try from a lockout, in a time delay and in its
//       window, half-way through dual control, typing a recovery code, in the
//       recovery delay, after it, at the new manager code and its repeat, a
//       new recovery code shown (*14), factory;
//   (b) random sequences over everything a person, the lock body's inputs and
//       the cable can do: any key, fields of any length, any *NN, waits of up
//       to hours (and long sleeps through the lock's deadlines), power
//       cycles, power cuts in the middle of a flash write, the battery, the
//       remote-disable input, the RTC losing its time, the door; messages
//       from a forged keypad, half of them marked as coming from a keypad
//       that is not paired, and keypads asking to be paired. The generator
//       also does what owners do — types the real codes, duress variants,
//       near misses, whole programming functions, *99 with the recovery code
//       it read off the display (and typed back when it was shown) — so the
//       search reaches the states an owner
//       can put the lock in, and attacks from there. It also turns ID mode
//       on and off (*18; one configuration is set up in ID mode), and types
//       codes after their slot's ID (now and then another's, 40, or none).
//       In ID mode an entry is taken as a code only under its slot's ID.
//
// The oracle knows only what the owner did: the codes it set (learnt as they
// were typed), and the recovery code the lock showed. After every event:
//   - the bolt goes from extended to retracted only on an ENTRY, from the
//     paired keypad, whose digits are an enrolled code or (duress on) its
//     duress variant — never on a tick, the door, a power-up or cut, a
//     function, a cancel, or from inside a function; with keys, that entry
//     is what was typed last before '#';
//   - and only when the rules allow: not in a lockout, a timed lock, on a
//     holiday or outside the weekly schedule (or with the clock lost while a
//     calendar governs), with remote disable asserted, for a user while users
//     are disabled, before the time delay has run or after its window, or
//     under dual control without a second, different code within 60 s; a
//     duress variant raises the alarm;
//   - a slot's code changes only to digits just typed (checked against the
//     lock's own MAC), only in a function whose login (and second code, under
//     dual control) the oracle itself accepts — a manager's, or for *01 the
//     slot's own — not on a critically low battery, and never from a keypad
//     that is not paired; settings change only likewise; a disabled user's
//     code is no login; a change that relaxes a rule (docs/POLICY.md,
//     "relaxes when": by the oracle's own reading of the table), a running
//     time lock shortened or a known clock moved under a calendar, only by
//     someone who has served the rules (no time lock, the calendar open,
//     remote disable released, and an opening window open or the lock
//     standing open after an opening that served the time delay); only an
//     opening takes wrong tries back — as many as the count holds and the
//     lock has earned, whosever they were (docs/POLICY.md, "Wrong tries":
//     one per OL_PENALTY_UNDO_EARN_MS of powered time, at most
//     OL_PENALTY_UNDO_MAX) — and otherwise only a quiet day, one per
//     OL_PENALTY_FORGET_MS of powered time without a wrong try;
//   - *99 sets slot 00, and only after the whole recovery code, its delay
//     served, the whole code typed in *99 again within 10 minutes of the
//     delay's end, with no valid code typed on the idle screen nor a wrong
//     try meanwhile, and the new code typed twice; never below 4.4 V; a
//     recovery code is shown only with the door open, at commissioning or to
//     a manager who gave the old one (*14), never after a recovery; it is
//     kept only if it is the code shown and its groups were typed back, and
//     turned off only with it (*15);
//   - a keypad may be paired only with the door open, through a window a
//     manager opened with *17, or by a keypad that is not paired after *17
//     with a manager's code or after a recovery;
//   - nothing changes across a power cycle; a factory lock never throws its
//     bolt and is commissioned only by a code repeated with the door open;
//     the lock never reports a storage error; the sanitizers see nothing.
// Each arm is shown able to fail: the searches rerun with a mutated oracle
// (the manager's code taken as invalid, logins ignored, the time delay or the
// recovery delay taken as a minute longer, nobody taken as having served the
// rules) must report what they cause.
//
// Environment: GS_VERBOSE=1 times each plan; GS_RUNS=n sets the random runs
// per configuration and worker (40); an argument n multiplies the random
// search for soak runs; a violation prints GS_REPLAY=config:seed:rnd, which
// reruns that one random run tracing every event (GS_DEBUG=1 adds state).
#define _POSIX_C_SOURCE 200809L // clock_gettime, fork
#include <setjmp.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "splitmix.h"
#include "check.h"
#include "core/credentials.h"
#include "core/state.h"
#include "rig.h"
#include "store/store.h"
#include "undo_flash.h"

// ---- the owner's codes ----------------------------------------------------------
// Last digits 0 so that the exhaustive alphabet {0,1} completes each code ("0")
// or its duress variant ("1").
#define M0 "482910"   // slot 00, manager
#define M1 "73051928" // slot 01, manager
#define U2 "264800"   // slot 02, user
#define U5 "5193704"  // slot 05, user
#define M0_STEM "48291"
#define U2_STEM "26480"
#define NEW_CODE "5038172"                       // what a recovering owner chooses
#define GROUP_CAP (OL_RECOVERY_GROUP_DIGITS + 2) // a group as typed: digits, check digit

#define CODE_CAP (OL_ENTRY_MAX_DIGITS + 1)
#define FIELD_CAP 40
#define DUAL_RECS 16
#define DELAY_RECS 64
#define LOG_CAP 8192
#define MAX_DEPTH 12
#define REPORT_MAX 5
#define RTYPINGS 8

// ---- what the oracle knows ----------------------------------------------------------

typedef struct rec {
    uint64_t t; // lock time of an accepted entry on the idle screen
    uint8_t slot, delay_min, window_min;
} rec;

// Everything a search restores when it backtracks: the lock, the keypad, the
// world around them, and what the oracle knows.
typedef struct world {
    rig r;
    char code[OL_SLOTS][CODE_CAP]; // what the owner set each slot to, "" when empty
    bool remote;                   // the remote-disable input as the port reports it
    uint32_t battery_mv;           // last battery reading reported (0: none)
    // The function running, as the oracle saw it start.
    uint8_t fn;
    uint32_t auth;      // slots whose code (or duress variant) was its login
    uint8_t fn_entries; // fields typed in it so far
    bool fn_critical, fn_dual;
    uint8_t last_entry[OL_ENTRY_MAX_DIGITS]; // the previous ENTRY (commissioning repeat)
    uint8_t last_n;
    bool have_last;
    // Accepted codes on the idle screen since power-up or the last opening:
    // the evidence a time delay was served and a second person was there.
    rec dual[DUAL_RECS];
    uint32_t ndual;
    rec delay[DELAY_RECS];
    uint32_t ndelay;
    bool delay_lost; // a record still in play was overwritten: delay check relaxed
    // Owner recovery as the owner knows it: the groups read off the display
    // when the lock showed them, and the evidence of a recovery in progress.
    char rcode[OL_RECOVERY_GROUPS][GROUP_CAP];
    bool rcode_known;
    char rshown[OL_RECOVERY_GROUPS][GROUP_CAP]; // being shown now
    uint8_t rshown_mask;
    bool rshowing;
    int8_t rtyped; // groups of rcode typed in the *99/*14/*15 running, -1: none or wrong
    bool rgiven;   // the whole code was typed in the *14/*15 running
    uint8_t rfn;   // the function it is typed into
    // Each time the whole code was typed in *99 since the owner was last seen
    // (a valid code), a wrong try or a power cut: when, and the recovery delay
    // then in force. The newest is at rdone_at.
    struct {
        uint64_t at;
        uint16_t delay_min;
    } rtyping[RTYPINGS];
    uint8_t ntyping;
    bool rdone;        // the whole code was typed in *99 at rdone_at ...
    uint64_t rdone_at; // ... with a recovery delay of rdelay_min
    uint16_t rdelay_min;
    bool rready; // ... and that was once an earlier one's delay had run, within the window
    bool rlate;  // ... or only after that window had ended
    // The groups typed (check digit valid) while a recovery code is shown, the
    // newest last: a code is kept only once it has been typed back.
    char rback[OL_RECOVERY_GROUPS][GROUP_CAP];
    uint8_t nback;
    // The lock stands open after an opening that served the time delay (the
    // bolt not thrown since): a rule may be relaxed (docs/POLICY.md).
    bool served_open;
    // What an opening may take back: one wrong try earned per
    // OL_PENALTY_UNDO_EARN_MS of powered time since earn_from, at most
    // OL_PENALTY_UNDO_MAX (docs/POLICY.md, "Wrong tries"; a power-up earns
    // anew from nothing), and the quiet day: lock times.
    uint64_t earn_from;
    uint64_t quiet_from;   // the last wrong try or power-up (or the last quiet day)
    char field[FIELD_CAP]; // digits typed since the last '#' or '*' (the tail of them)
    uint32_t log_len;
} world;

typedef struct before {
    ol_status st;
    uint64_t now; // lock time
    uint8_t tags[OL_SLOTS][OL_TAG_BYTES];
    uint8_t key[32];
    uint32_t enrolled;
    ol_settings set;
    ol_bolt bolt;
    uint8_t mode;
    uint32_t rtc;
    unsigned bad;
    bool renabled;
    uint8_t rtag[OL_TAG_BYTES];
    bool has_peer, has_id;
    uint8_t peer[32], id[OL_LINK_ID_BYTES];
    uint64_t pair_until;
    uint32_t audit_next; // the audit trail's next sequence number
} before;

enum mutant {
    MUT_NONE = 0,
    MUT_MANAGER_INVALID, // the oracle forgets that slot 00's code is valid
    MUT_NO_AUTH,         // the oracle forgets every login
    MUT_LONGER_DELAY,    // the oracle believes the delay is a minute longer
    MUT_LONGER_RECOVERY, // the oracle believes the recovery delay is a minute longer
    MUT_NEVER_SERVED,    // the oracle believes nobody ever served the rules in force
    MUT_NO_UNDO,         // the oracle believes an opening takes no wrong try back
    MUT_NO_QUIET,        // the oracle believes a quiet day forgets nothing
};

typedef struct stats {
    uint64_t nodes, leaves, runs, actions, keys, frames, cuts, retractions;
    uint64_t violations, expected, relaxed;
    // coverage: what the search made the owner's lock do
    uint64_t code_changes, setting_changes, duress_openings, delayed_openings, dual_openings;
    uint64_t id_openings; // by an ID and its slot's code (*18)
    uint64_t lockouts, recovery_starts, recoveries, commissionings, pairings, pair_windows;
    uint64_t undone, kept, quiet_days; // tries taken back; openings that left some; days
} stats;

typedef struct search {
    world w;
    undo u;
    enum mutant mutant;
    const char *config;
    uint64_t seed, run_rnd; // how to replay the run in progress (GS_REPLAY)
    bool trace;             // print every event (GS_REPLAY)
    stats st;
    char log[LOG_CAP]; // the actions since the configured lock, to replay a finding
    unsigned reported;
    bool quiet;         // mutants: count, print one
    const char *expect; // mutants: the violation the mutation must produce
    bool stop;          // the run hit a storage fault: its state means nothing more
    // a power cut longjmps here, out of the middle of a flash write
    jmp_buf cut_env;
    bool cutting;   // a cut is armed for the action running
    bool in_flight; // the cut may hit inside the engine's handling of flight_ev
    ol_event flight_ev;
    before cut_before; // while cutting: the state before the event or wait running
    uint64_t rnd;
    world snaps[MAX_DEPTH + 1];
} search;

static const char *const owner_codes[OL_SLOTS] = {[0] = M0, [1] = M1, [2] = U2, [5] = U5};

// ---- the action log and reports ------------------------------------------------------

static void log_add(search *s, const char *text) {
    size_t n = strlen(text);
    if (s->w.log_len + n + 1 < LOG_CAP) {
        memcpy(s->log + s->w.log_len, text, n + 1);
        s->w.log_len += (uint32_t)n;
    }
}

static void violation(search *s, const char *what) {
    s->st.violations++;
    if (s->quiet) {
        if (!strstr(what, s->expect) || s->st.expected++) {
            return;
        }
    } else if (s->reported >= REPORT_MAX) {
        return;
    }
    s->reported++;
    s->log[s->w.log_len] = '\0';
    fprintf(s->quiet ? stdout : stderr, "%s%s [%s] after: %s\n",
            s->quiet ? "  mutant caught: " : "VIOLATION: ", what, s->config, s->log);
    if (!s->quiet && s->run_rnd) {
        fprintf(stderr, "  replay: GS_REPLAY=%s:%llu:%llu\n", s->config,
                (unsigned long long)s->seed, (unsigned long long)s->run_rnd);
    }
    if (getenv("GS_DEBUG")) {
        const world *w = &s->w;
        const ol_lock *l = &w->r.lock;
        fprintf(stderr,
                "  t %llu now %llu mode %u fn %u auth %x rtyped %d rdone %d at %llu delay %u "
                "recovery_until %llu enabled %d cutting %d in_flight %d\n",
                (unsigned long long)w->r.t, (unsigned long long)l->now, l->mode, w->fn, w->auth,
                w->rtyped, w->rdone, (unsigned long long)w->rdone_at, w->rdelay_min,
                (unsigned long long)l->recovery_until, l->recovery_enabled, s->cutting,
                s->in_flight);
    }
}

// ---- the rules, as the manual states them ----------------------------------------------

static bool settings_equal(const ol_settings *a, const ol_settings *b) {
    return a->delay_min == b->delay_min && a->window_min == b->window_min && a->dual == b->dual &&
           a->duress == b->duress && a->users_disabled == b->users_disabled &&
           a->override == b->override && a->recovery_delay_min == b->recovery_delay_min &&
           a->id_mode == b->id_mode && memcmp(a->schedule, b->schedule, sizeof a->schedule) == 0 &&
           memcmp(a->holidays, b->holidays, sizeof a->holidays) == 0;
}

static bool any_period(const ol_settings *set) {
    bool periods = false;
    for (int d = 0; d < 7; d++) {
        for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
            periods |= set->schedule[d][p][0] != set->schedule[d][p][1];
        }
    }
    return periods;
}

static bool oracle_calendar_governs(const ol_settings *set) {
    bool holidays = false;
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        holidays |= set->holidays[i] != 0;
    }
    return holidays || any_period(set);
}

// USER-MANUAL.md, *07 and *10: holidays closed all day; with any period set,
// open only inside [from, until) of today's periods. Day 0 (1970-01-01) was
// a Thursday; weekday 0 is Monday.
static bool calendar_open(const ol_settings *set, uint32_t rtc) {
    uint32_t day = rtc / 86400u, minute = rtc % 86400u / 60u;
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        if (set->holidays[i] && set->holidays[i] == day) {
            return false;
        }
    }
    if (!any_period(set)) {
        return true;
    }
    const uint16_t(*today)[2] = set->schedule[(day + 3u) % 7u];
    for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
        if (minute >= today[p][0] && minute < today[p][1]) {
            return true;
        }
    }
    return false;
}

// docs/POLICY.md, "relaxes when", written from the table and not from the
// engine: would `next` let the lock open at some time or in some way that
// `now` does not? (A longer window relaxes only where a delay was in force:
// without one the window means nothing.)
static bool minute_open(const ol_settings *set, uint32_t weekday, uint32_t minute) {
    if (!any_period(set)) {
        return true;
    }
    for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
        if (minute >= set->schedule[weekday][p][0] && minute < set->schedule[weekday][p][1]) {
            return true;
        }
    }
    return false;
}

static bool oracle_relaxes(const ol_settings *now, const ol_settings *next) {
    if (next->delay_min < now->delay_min ||
        (now->delay_min && next->window_min > now->window_min) || (now->dual && !next->dual) ||
        (now->users_disabled && !next->users_disabled) || (next->override & ~now->override) != 0 ||
        next->recovery_delay_min < now->recovery_delay_min || (now->id_mode && !next->id_mode)) {
        return true; // *04, *05, *12, *13, *16, *18 (ID mode off)
    }
    for (uint32_t day = 0; day < 7; day++) { // *07: a closed minute opens
        for (uint32_t minute = 0; minute < 24u * 60u; minute++) {
            if (minute_open(next, day, minute) && !minute_open(now, day, minute)) {
                return true;
            }
        }
    }
    for (int i = 0; i < OL_HOLIDAYS; i++) { // *10: a holiday removed or moved
        bool kept = false;
        for (int j = 0; j < OL_HOLIDAYS; j++) {
            kept |= next->holidays[j] == now->holidays[i];
        }
        if (now->holidays[i] && !kept) {
            return true;
        }
    }
    return false;
}

static int popcount32(uint32_t x) {
    int n = 0;
    for (; x; x &= x - 1) {
        n++;
    }
    return n;
}

// The slot whose code the entry is — or, with duress on, whose duress
// variant (last digit + 1) it is — by the owner's codes; -1 if none. In ID
// mode (USER-MANUAL.md, *18) the entry is the slot's two digits and then the
// code, and only that slot's code is compared.
static int owner_slot_of(const search *s, const ol_event *ev, bool *variant) {
    const world *w = &s->w;
    *variant = false;
    if (ev->type != OL_EV_ENTRY || ev->ndigits == 0) {
        return -1;
    }
    int from = 0, to = OL_SLOTS;
    uint8_t skip = 0, n = ev->ndigits;
    if (w->r.lock.set.id_mode) {
        if (n < 2 || ev->digits[0] * 10 + ev->digits[1] >= OL_SLOTS) {
            return -1;
        }
        from = ev->digits[0] * 10 + ev->digits[1];
        to = from + 1;
        skip = 2;
        n -= 2;
    }
    for (int slot = from; slot < to && n > 0; slot++) {
        const char *c = w->code[slot];
        if (strlen(c) != n || (s->mutant == MUT_MANAGER_INVALID && slot == 0)) {
            continue;
        }
        bool same = true, dur = w->r.lock.set.duress;
        for (uint8_t i = 0; i < n; i++) {
            uint8_t d = (uint8_t)(c[i] - '0');
            same &= ev->digits[skip + i] == d;
            dur &= ev->digits[skip + i] == (i + 1 < n ? d : (d + 1) % 10);
        }
        if (same || dur) {
            *variant = !same;
            return slot;
        }
    }
    return -1;
}

// Does slot's stored tag belong to the digits of ev? (The lock's MAC under
// its own device key: the only way to tell which code a slot now holds.)
static bool tag_is(const ol_lock *lock, int slot, const ol_event *ev) {
    uint8_t tag[OL_TAG_BYTES];
    ol_credential_tag(tag, lock->device_key, ev->digits, ev->ndigits);
    return memcmp(tag, lock->tags[slot], OL_TAG_BYTES) == 0;
}

// The random search's generator (splitmix64); also the keys it pins.
static uint64_t rnd(search *s) {
    return splitmix64(&s->rnd);
}

static uint32_t below(search *s, uint32_t n) {
    return (uint32_t)(rnd(s) % n);
}

// The lock body's link layer pins a keypad (src/link/body.c). Not an engine
// event: a power cut is not injected into it.
static void pin_keypad(search *s, const uint8_t key[32]) {
    rig *r = &s->w.r;
    int64_t armed = r->hf.cut_countdown;
    r->hf.cut_countdown = -1;
    rig_note(r, ol_lock_link_pair(&r->lock, rig_now(r), key));
    r->hf.cut_countdown = armed;
}

// ---- one event through the oracle -------------------------------------------------------

// ol_lock_status, less the audit trail's sequence numbers (a lookup the
// oracle would otherwise pay for at every key).
static ol_status glance(const ol_lock *lock) {
    ol_status st;
    memset(&st, 0, sizeof st);
    st.commissioned = (lock->enrolled & MANAGER_MASK) != 0;
    st.door_open = lock->door_open;
    st.enrolled = lock->enrolled;
    st.failures = lock->failures;
    st.lockout_remaining_ms = ol_countdown_left(lock, &lock->lockout);
    st.timelock_remaining_ms = ol_countdown_left(lock, &lock->timelock);
    if (lock->window_until && lock->now < lock->delay_until) {
        st.delay_remaining_ms = (uint32_t)(lock->delay_until - lock->now);
    } else if (lock->window_until > lock->now) {
        st.window_remaining_ms = (uint32_t)(lock->window_until - lock->now);
    }
    st.alarm = lock->out.alarm;
    return st;
}

static void take_before(search *s, before *b) {
    rig *r = &s->w.r;
    r->clk.now_ms = r->t;
    b->st = glance(&r->lock);
    b->now = rig_now(r);
    memcpy(b->tags, r->lock.tags, sizeof b->tags);
    memcpy(b->key, r->lock.device_key, sizeof b->key);
    b->enrolled = r->lock.enrolled;
    b->set = r->lock.set;
    b->bolt = rig_bolt(r);
    b->mode = r->lock.mode;
    b->rtc = ol_vclock_rtc(&r->clk);
    b->bad = r->bad_retracts;
    b->renabled = r->lock.recovery_enabled;
    memcpy(b->rtag, r->lock.recovery_tag, sizeof b->rtag);
    b->has_peer = r->lock.has_link_peer;
    b->has_id = r->lock.has_link_id;
    memcpy(b->peer, r->lock.link_peer, sizeof b->peer);
    memcpy(b->id, r->lock.link_id, sizeof b->id);
    b->pair_until = r->lock.pair_until;
    b->audit_next = ol_log_next_seq(&r->lock.audit);
    if (s->cutting) {
        s->cut_before = *b;
    }
}

static uint32_t auth_of(const search *s) {
    return s->mutant == MUT_NO_AUTH ? 0 : s->w.auth;
}

static bool owner_may_program(const search *s) {
    uint32_t a = auth_of(s);
    return a != 0 && !s->w.fn_critical && (!s->w.fn_dual || popcount32(a) >= 2) && s->w.fn != 0;
}

// Does the lock's recovery tag belong to these groups (as shown, with their
// check digits)? The lock's MAC under its own device key.
static bool is_recovery_tag(const ol_lock *lock, const char groups[OL_RECOVERY_GROUPS][GROUP_CAP]) {
    uint8_t digits[OL_RECOVERY_GROUPS * OL_RECOVERY_GROUP_DIGITS], tag[OL_TAG_BYTES];
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        for (int i = 0; i < OL_RECOVERY_GROUP_DIGITS; i++) {
            digits[g * OL_RECOVERY_GROUP_DIGITS + i] = (uint8_t)(groups[g][i] - '0');
        }
    }
    ol_credential_recovery_tag(tag, lock->device_key, digits);
    return memcmp(tag, lock->recovery_tag, OL_TAG_BYTES) == 0;
}

// Were the last groups typed while the code was shown the code, in order?
static bool typed_back(const world *w) {
    if (w->nback < OL_RECOVERY_GROUPS) {
        return false;
    }
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        if (strcmp(w->rback[g], w->rshown[g]) != 0) {
            return false;
        }
    }
    return true;
}

static bool oracle_served(const search *s, const before *b);

// Codes and settings: what changed must have been asked for by the owner.
// ev is the event that ran (NULL for a power-up on its own).
static void check_changes(search *s, const before *b, const ol_event *ev) {
    world *w = &s->w;
    const ol_lock *lock = &w->r.lock;
    bool entry = ev && ev->type == OL_EV_ENTRY;
    bool rchanged = b->renabled != lock->recovery_enabled ||
                    (b->renabled && memcmp(b->rtag, lock->recovery_tag, sizeof b->rtag) != 0);
    if (b->enrolled == lock->enrolled && memcmp(b->tags, lock->tags, sizeof b->tags) == 0 &&
        memcmp(b->key, lock->device_key, sizeof b->key) == 0 &&
        settings_equal(&b->set, &lock->set) && !rchanged && b->pair_until == lock->pair_until &&
        b->has_peer == lock->has_link_peer && b->has_id == lock->has_link_id &&
        memcmp(b->peer, lock->link_peer, sizeof b->peer) == 0 &&
        memcmp(b->id, lock->link_id, sizeof b->id) == 0) {
        return;
    }
    // The engine keeps the link identity and the pinned keypad; only the
    // lock body's link layer changes them, through ol_lock_link_pair().
    if (b->has_peer != lock->has_link_peer || b->has_id != lock->has_link_id ||
        memcmp(b->peer, lock->link_peer, sizeof b->peer) != 0 ||
        memcmp(b->id, lock->link_id, sizeof b->id) != 0) {
        violation(s, "the paired keypad or the link identity changed inside the engine");
    }
    // A pairing window (*17 on the paired keypad): a manager, the door open.
    if (lock->pair_until > b->pair_until) {
        s->st.pair_windows++;
        if (!entry || ev->unpaired || w->fn != 17 || !owner_may_program(s) ||
            !(auth_of(s) & MANAGER_MASK) || !b->st.door_open) {
            violation(s, "a keypad pairing window opened without a manager and an open door");
        }
    }
    // *99 completes on the repeat of the new code: the recovery code is used
    // up and slot 00 takes the new code (perhaps the same again); no new
    // recovery code is shown (*14, door open). Allowed after the whole
    // recovery code, its delay, the whole code again in *99 within the window
    // after it, with no valid code or wrong try in between.
    bool completing = b->mode == MODE_RECOVERY && entry &&
                      (rchanged || memcmp(b->tags[0], lock->tags[0], OL_TAG_BYTES) != 0);
    if (completing) {
        bool repeat = w->have_last && w->last_n == ev->ndigits &&
                      memcmp(w->last_entry, ev->digits, ev->ndigits) == 0;
        if (!repeat || !w->rdone || !w->rready) {
            violation(s, w->rlate && repeat
                             ? "a code changed in *99 typed again more than 10 min after its delay"
                             : "a code changed in *99 without the recovery code and its delay");
        }
        w->rdone = w->rready = w->rlate = false;
        w->ntyping = 0;
        w->rcode_known = false; // used up
        s->st.recoveries++;
    }
    if (b->st.commissioned && memcmp(b->key, lock->device_key, sizeof b->key) != 0) {
        violation(s, "the device key changed");
    }
    for (int slot = 0; slot < OL_SLOTS; slot++) {
        bool was = (b->enrolled >> slot) & 1u, is = (lock->enrolled >> slot) & 1u;
        if (was == is && (!is || memcmp(b->tags[slot], lock->tags[slot], OL_TAG_BYTES) == 0)) {
            continue;
        }
        if (!entry) {
            violation(s, "a code changed without an entry");
        } else if (is && !tag_is(lock, slot, ev)) {
            violation(s, "a slot now holds a code that was not just typed");
        } else if (ev->unpaired && !completing) {
            violation(s, "a keypad that is not paired changed a code");
        } else if (b->mode == MODE_RECOVERY) {
            if (slot != 0 || !is) {
                violation(s, "*99 changed a code other than the manager's in slot 00");
            }
        } else if (!b->st.commissioned) {
            // Commissioning: slot 00, door open, the same code twice.
            bool repeat = w->have_last && w->last_n == ev->ndigits &&
                          memcmp(w->last_entry, ev->digits, ev->ndigits) == 0;
            if (slot != 0 || !is || !b->st.door_open || !repeat) {
                violation(s, "commissioned other than by a code repeated with the door open");
            }
        } else if (!owner_may_program(s)) {
            violation(s, "a code changed without the owner's credential");
        } else if (is && !(w->fn == 1 ? (auth_of(s) >> slot) & 1u : auth_of(s) & MANAGER_MASK)) {
            violation(s, "a code set without the right role");
        } else if (!is && !(auth_of(s) & MANAGER_MASK)) {
            violation(s, "a code deleted without a manager");
        }
        s->st.code_changes++;
        s->st.commissionings += !b->st.commissioned;
        w->code[slot][0] = '\0';
        if (is && entry) {
            for (uint8_t i = 0; i < ev->ndigits; i++) {
                w->code[slot][i] = (char)('0' + ev->digits[i]);
            }
            w->code[slot][ev->ndigits] = '\0';
        }
    }
    if (rchanged && !ev) {
        violation(s, "the recovery code changed without an entry");
    } else if (rchanged && lock->recovery_enabled && b->mode != MODE_SHOW_CODE) {
        violation(s, "a recovery code was kept that the owner was not shown");
    } else if (rchanged && lock->recovery_enabled) {
        // Kept: the code shown (every group of it), typed back in full.
        if (w->rshown_mask != (1u << OL_RECOVERY_GROUPS) - 1u ||
            !is_recovery_tag(lock, w->rshown)) {
            violation(s, "a recovery code was kept other than the one shown");
        } else if (!typed_back(w)) {
            violation(s, "a recovery code was kept that was not typed back");
        }
        memcpy(w->rcode, w->rshown, sizeof w->rcode);
        w->rcode_known = true;
    } else if (rchanged && !lock->recovery_enabled && !completing &&
               !(w->fn == 15 && w->rgiven && owner_may_program(s) && (auth_of(s) & MANAGER_MASK))) {
        violation(s, "recovery was turned off without a manager and the recovery code");
    }
    // A recovery that sets slot 00's code drops that slot's override (the
    // code is not its holder's any more: docs/POLICY.md, *02 and *99).
    ol_settings recovered = b->set;
    recovered.override &= ~1u;
    bool dropped = completing && settings_equal(&recovered, &lock->set);
    if (b->st.commissioned && !settings_equal(&b->set, &lock->set)) {
        s->st.setting_changes++;
        if (!dropped &&
            (!ev || ev->unpaired || !owner_may_program(s) || !(auth_of(s) & MANAGER_MASK))) {
            violation(s, ev ? "settings changed without a manager's credential"
                            : "settings changed across a power cycle");
        }
        if (oracle_relaxes(&b->set, &lock->set) && !oracle_served(s, b)) {
            violation(s, "a rule was relaxed by someone who had not served the rules in force");
        }
    }
}

static void push_rec(rec *ring, uint32_t *n, uint32_t cap, rec r, uint64_t now, bool *lost) {
    rec *slot = &ring[*n % cap];
    if (lost && *n >= cap && now - slot->t < (99u + 19u) * 60000u) {
        *lost = true;
    }
    *slot = r;
    (*n)++;
}

// Is an opening window open now, by the oracle's own records of the codes
// that started a time delay? (Evidence overwritten: taken as open.)
static bool window_open(const search *s, uint64_t now) {
    const world *w = &s->w;
    if (w->delay_lost) {
        return true;
    }
    bool open = false;
    uint32_t n = w->ndelay < DELAY_RECS ? w->ndelay : DELAY_RECS;
    for (uint32_t i = 0; i < n; i++) {
        const rec *r = &w->delay[i];
        uint64_t d = (uint64_t)(r->delay_min + (s->mutant == MUT_LONGER_DELAY)) * 60000u;
        uint64_t end = (uint64_t)(r->delay_min + r->window_min) * 60000u;
        open |= r->delay_min && now - r->t >= d && now - r->t < end;
    }
    return open;
}

// docs/POLICY.md, "Served": no time lock, the calendar allows this minute
// (with the clock known if one governs), remote disable released, and an
// opening window open or the lock standing open after an opening that served
// the time delay in force. Only then may a rule be relaxed.
static bool oracle_served(const search *s, const before *b) {
    const world *w = &s->w;
    if (s->mutant == MUT_NEVER_SERVED || b->st.timelock_remaining_ms || w->remote) {
        return false;
    }
    if (oracle_calendar_governs(&b->set) &&
        (b->rtc == OL_RTC_LOST || !calendar_open(&b->set, b->rtc))) {
        return false;
    }
    return (w->served_open && b->bolt == OL_BOLT_RETRACTED) || window_open(s, b->now);
}

// The rules that decide whether a valid code may open now (USER-MANUAL.md).
static void check_opening(search *s, const before *b, int slot, uint64_t now) {
    world *w = &s->w;
    if (b->st.lockout_remaining_ms) {
        violation(s, "opened during a lockout");
    }
    if (b->st.timelock_remaining_ms) {
        violation(s, "opened during a timed lock (*11)");
    }
    if (w->remote) {
        violation(s, "opened with remote disable asserted");
    }
    if (slot >= OL_MANAGER_SLOTS && b->set.users_disabled) {
        violation(s, "a disabled user code opened (*12)");
    }
    if (oracle_calendar_governs(&b->set) &&
        (b->rtc == OL_RTC_LOST || !calendar_open(&b->set, b->rtc))) {
        violation(s, "opened outside the time lock's schedule or on a holiday");
    }
    if (b->set.delay_min && !((b->set.override >> slot) & 1u) && !w->delay_lost) {
        if (!window_open(s, now)) {
            violation(s, "opened without serving the time delay, or outside its window");
        }
    } else if (w->delay_lost) {
        s->st.relaxed++;
    }
    if (b->set.dual) {
        bool second = false;
        uint32_t n = w->ndual < DUAL_RECS ? w->ndual : DUAL_RECS;
        for (uint32_t i = 0; i < n; i++) {
            second |= w->dual[i].slot != slot && now - w->dual[i].t < OL_DUAL_WINDOW_MS;
        }
        if (!second) {
            violation(s, "dual control opened without a second, different code within 60 s");
        }
    }
}

// The owner reads each group of a new recovery code as the lock shows it
// ("RECOVERY 2/5 | 1212 6"); it is kept only once typed back (check_changes),
// and a showing ended otherwise (door shut, '*', no key) keeps nothing. It is
// shown only with the door open.
static void watch_recovery(search *s) {
    world *w = &s->w;
    if (w->r.lock.mode == MODE_SHOW_CODE) {
        if (!w->r.lock.door_open) {
            violation(s, "a recovery code is shown with the door shut");
        }
        if (!w->rshowing) {
            w->rshowing = true;
            w->rshown_mask = 0;
            w->nback = 0;
        }
        const char *d = rig_display(&w->r);
        unsigned g = 0;
        char digits[OL_RECOVERY_GROUP_DIGITS + 1], check = 0;
        if (sscanf(d, "RECOVERY %u/%*u | %4s %c", &g, digits, &check) == 3 && g >= 1 &&
            g <= OL_RECOVERY_GROUPS) {
            snprintf(w->rshown[g - 1], GROUP_CAP, "%s%c", digits, check);
            w->rshown_mask |= (uint8_t)(1u << (g - 1));
        }
    } else {
        w->rshowing = false;
    }
}

static void check_state(search *s) {
    rig *r = &s->w.r;
    watch_recovery(s);
    if (rig_bolt(r) == OL_BOLT_EXTENDED) {
        s->w.served_open = false; // thrown again: the lock no longer stands open
    }
    if (r->err || r->lock.mode == MODE_FAULT) {
        violation(s, "the lock reported a storage error (STORAGE FAULT)");
        s->stop = true;
    }
    if (ol_lock_pairing_allowed(&r->lock) && !r->lock.door_open) {
        violation(s, "a keypad may be paired with the door shut");
    }
    if (!(r->lock.enrolled & MANAGER_MASK) && rig_bolt(r) == OL_BOLT_EXTENDED) {
        violation(s, "a factory lock threw its bolt");
    }
}

// Deliver one event to the lock and judge it. typed: the digits typed since
// the last '#' or '*' when the event comes from a '#' key, else NULL.
// USER-MANUAL.md, keypad pairing: a keypad that is not paired may start *99,
// or *17 with the door open, cancel, and type into a recovery, a new recovery
// code being shown, or its *17; the lock refuses anything else it sends.
static bool reaches_engine(const search *s, const before *b, const ol_event *ev) {
    if (!ev->unpaired) {
        return true;
    }
    switch (ev->type) {
    case OL_EV_FUNCTION:
        return ev->function == 99 || (ev->function == 17 && b->st.door_open);
    case OL_EV_ENTRY:
        return b->mode == MODE_RECOVERY || b->mode == MODE_SHOW_CODE ||
               (b->mode == MODE_FUNCTION && s->w.fn == 17 && b->st.door_open);
    default:
        return true;
    }
}

// The wrong-try count after an event (ev; NULL: time passed) or a wait:
// it goes up by one per wrong try (which starts the quiet day again); it goes
// down only at an opening (`opening`), by as many as the count holds and the
// lock has earned, exactly (whosever they were), or by one per quiet day.
static void check_count(search *s, const before *b, bool opening) {
    world *w = &s->w;
    const ol_lock *lock = &w->r.lock;
    uint64_t now = rig_now(&w->r);
    uint32_t was = b->st.failures, got = lock->failures;
    if (got > was) {
        w->quiet_from = now;
        if (got != was + 1) {
            violation(s, "more than one wrong try counted at once");
        }
        return;
    }
    if (opening) {
        uint64_t full = (uint64_t)OL_PENALTY_UNDO_MAX * OL_PENALTY_UNDO_EARN_MS;
        if (now - w->earn_from > full) {
            w->earn_from = now - full; // no more is kept
        }
        uint32_t earned = (uint32_t)((now - w->earn_from) / OL_PENALTY_UNDO_EARN_MS);
        // A quiet day that fell due during the wait this opening ends (no
        // tick came between) is the lock's timer's, in the same event, before
        // the opening: one wrong try forgotten, then the undo (found by the
        // random run of stop 25, once an open finding: the count fell by
        // three where the undo had earned two, the third the quiet day's).
        uint32_t quiet =
            was != 0 && now - w->quiet_from >= OL_PENALTY_FORGET_MS && s->mutant != MUT_NO_QUIET
                ? 1u
                : 0u;
        uint32_t back = 0, q = 0;
        for (q = 0; q <= quiet; q++) { // either: the tick may have been noticed in time
            uint32_t left = was - q;
            back = s->mutant == MUT_NO_UNDO ? 0 : left < earned ? left : earned;
            if (got == left - back) {
                break;
            }
        }
        if (q > quiet) {
            q = quiet;
            if (got < was - quiet - back) {
                violation(s, "an opening took back more wrong tries than the lock had earned");
            } else {
                violation(s, "an opening did not take back the wrong tries the lock had earned");
            }
        }
        if (q) {
            w->quiet_from = now; // the quiet day starts again at the event
            s->st.quiet_days += q;
        }
        uint32_t undone = was - got > q ? was - got - q : 0;
        w->earn_from += (uint64_t)undone * OL_PENALTY_UNDO_EARN_MS;
        s->st.undone += undone;
        s->st.kept += got != 0;
        return;
    }
    if (got < was) {
        // Quiet days: one per OL_PENALTY_FORGET_MS of powered time without a
        // wrong try (a wait may hold more than one; a late tick may notice
        // them late, and then fewer).
        uint64_t days = (now - w->quiet_from) / OL_PENALTY_FORGET_MS;
        if (was - got > days || s->mutant == MUT_NO_QUIET) {
            violation(s, "wrong tries were forgiven without an opening or a quiet day");
        }
        w->quiet_from += (uint64_t)(was - got) * OL_PENALTY_FORGET_MS;
        s->st.quiet_days += was - got;
    }
}

// A recovery group in an entry (its check digit valid), as the manual says
// one may be typed: its five digits, or the same with 0s before them (a
// dial's pairs); else NULL.
static const uint8_t *group_of(const ol_event *ev) {
    size_t zeros = 0;
    while (zeros < ev->ndigits && ev->digits[zeros] == 0) {
        zeros++;
    }
    size_t pad = ev->ndigits > OL_RECOVERY_GROUP_DIGITS + 1
                     ? ev->ndigits - (OL_RECOVERY_GROUP_DIGITS + 1)
                     : 0;
    if (pad > zeros || (pad != 0 && ev->ndigits >= OL_ENTRY_MAX_DIGITS)) { // a full field: cut
        return NULL;
    }
    const uint8_t *g = ev->digits + pad;
    size_t n = ev->ndigits - pad;
    return n == OL_RECOVERY_GROUP_DIGITS + 1 && ol_check_valid(g, n) ? g : NULL;
}

static void deliver(search *s, const ol_event *ev, const char *typed) {
    world *w = &s->w;
    rig *r = &w->r;
    before b;
    take_before(s, &b);
    bool variant = false;
    bool reaches = reaches_engine(s, &b, ev);
    int slot = reaches ? owner_slot_of(s, ev, &variant) : -1;
    s->st.recovery_starts += ev->type == OL_EV_FUNCTION && ev->function == 99 && b.st.commissioned;
    if (ev->type == OL_EV_FUNCTION && b.st.lockout_remaining_ms == 0 && b.mode != MODE_SHOW_CODE &&
        reaches) {
        bool takes_code = ev->function == 99 || ev->function == 14 || ev->function == 15;
        w->rtyped = takes_code ? 0 : -1;
        w->rfn = ev->function;
        w->rgiven = false;
    }
    const uint8_t *group = group_of(ev);
    if (ev->type == OL_EV_ENTRY && reaches && w->rtyped >= 0 && b.st.lockout_remaining_ms == 0 &&
        group) {
        // A group with a wrong check digit is asked again; any other counts.
        const char *g = w->rcode[w->rtyped];
        bool same = w->rcode_known;
        for (uint8_t i = 0; i < OL_RECOVERY_GROUP_DIGITS + 1; i++) {
            same &= g[i] == (char)('0' + group[i]);
        }
        w->rtyped = same ? (int8_t)(w->rtyped + 1) : -1;
        if (w->rtyped == OL_RECOVERY_GROUPS && w->rfn == 99) {
            // The first time starts the delay; typed again once that delay has
            // run and within the window after it, the new manager code is
            // next. (The lock may have started over on its own, so any
            // earlier typing since the owner was last seen may be the first.)
            w->rready = w->rlate = false;
            uint8_t n = w->ntyping < RTYPINGS ? w->ntyping : RTYPINGS;
            for (uint8_t i = 0; i < n; i++) {
                uint64_t delay =
                    (uint64_t)(w->rtyping[i].delay_min + (s->mutant == MUT_LONGER_RECOVERY)) *
                    60000u;
                uint64_t el = r->t - w->rtyping[i].at;
                w->rready |= el >= delay && el < delay + OL_RECOVERY_WINDOW_MS;
                w->rlate |= el >= delay + OL_RECOVERY_WINDOW_MS;
            }
            w->rtyping[w->ntyping % RTYPINGS].at = r->t;
            w->rtyping[w->ntyping % RTYPINGS].delay_min = b.set.recovery_delay_min;
            w->ntyping++;
            w->rdone = true;
            w->rdone_at = r->t;
            w->rdelay_min = b.set.recovery_delay_min;
        }
        w->rgiven |= w->rtyped == OL_RECOVERY_GROUPS && w->rfn != 99;
    }
    if (b.mode == MODE_SHOW_CODE && ev->type == OL_EV_ENTRY && reaches && group) {
        // A group typed while a recovery code is shown: the last five count.
        if (w->nback == OL_RECOVERY_GROUPS) {
            memmove(w->rback[0], w->rback[1], sizeof w->rback - sizeof w->rback[0]);
            w->nback--;
        }
        for (uint8_t i = 0; i < OL_RECOVERY_GROUP_DIGITS + 1; i++) {
            w->rback[w->nback][i] = (char)('0' + group[i]);
        }
        w->rback[w->nback][OL_RECOVERY_GROUP_DIGITS + 1] = '\0';
        w->nback++;
    }
    if (ev->type == OL_EV_FUNCTION && reaches) {
        w->fn = ev->function;
        w->auth = 0;
        w->fn_entries = 0;
        w->fn_critical = w->battery_mv && w->battery_mv < OL_BATTERY_CRITICAL_MV;
        w->fn_dual = b.set.dual;
    }
    s->in_flight = true;
    s->flight_ev = *ev;
    r->entry_valid = slot >= 0;
    if (s->trace) {
        char d[OL_ENTRY_MAX_DIGITS + 1];
        for (uint8_t i = 0; i < ev->ndigits; i++) {
            d[i] = (char)('0' + ev->digits[i]);
        }
        d[ev->ndigits] = '\0';
        fprintf(stderr,
                "t=%llu ev %d fn %u '%s'%s slot %d | mode %u fn %u auth %x rtyped %d "
                "rdone %d ready %d | lock %llu delay to %llu ready to %llu | %s\n",
                (unsigned long long)r->t, ev->type, ev->function, d, ev->unpaired ? " u" : "", slot,
                b.mode, w->fn, w->auth, w->rtyped, w->rdone, w->rready,
                (unsigned long long)r->lock.now, (unsigned long long)r->lock.recovery_until,
                (unsigned long long)r->lock.recovery_window, rig_display(r));
    }
    rig_event(r, ev);
    r->entry_valid = false;
    s->in_flight = false;
    uint64_t now = rig_now(r);
    s->st.lockouts += !b.st.lockout_remaining_ms && ol_countdown_left(&r->lock, &r->lock.lockout);
    // The login is the function's first field, and under dual control for
    // programming its second too; a code typed in any other field is data. A
    // disabled user's code is no login at all, nor a second code.
    if (ev->type == OL_EV_ENTRY && reaches && ev->ndigits && w->fn) {
        bool disabled = slot >= OL_MANAGER_SLOTS && b.set.users_disabled;
        if (slot >= 0 && !disabled && w->fn_entries < (w->fn_dual ? 2 : 1)) {
            w->auth |= 1u << slot;
        }
        w->fn_entries++;
    }
    if (r->bad_retracts != b.bad) {
        violation(s, "the bolt retracted without an enrolled code");
    }
    bool opened = b.bolt == OL_BOLT_EXTENDED && rig_bolt(r) == OL_BOLT_RETRACTED;
    if (opened) {
        s->st.retractions++;
        if (slot >= 0) {
            check_opening(s, &b, slot, now);
            s->st.duress_openings += variant;
            s->st.delayed_openings += b.set.delay_min && !((b.set.override >> slot) & 1u);
            s->st.dual_openings += b.set.dual;
            s->st.id_openings += b.set.id_mode;
            if (b.mode != MODE_IDLE && (b.mode == MODE_FUNCTION || b.mode == MODE_FACTORY)) {
                violation(s, "opened from inside a function or commissioning");
            }
            if (ev->unpaired) {
                violation(s, "a keypad that is not paired opened the lock");
            }
            if (variant && !r->lock.out.alarm) {
                violation(s, "a duress code opened without raising the alarm");
            }
            if (typed) {
                size_t n = strlen(typed);
                bool tail = n >= ev->ndigits;
                for (uint8_t i = 0; tail && i < ev->ndigits; i++) {
                    tail = typed[n - ev->ndigits + i] == (char)('0' + ev->digits[i]);
                }
                if (!tail) {
                    violation(s, "opened on an entry that is not what was typed");
                }
            }
        }
        // An opening ends the window and any pending first code.
        w->ndelay = w->ndual = 0;
        w->delay_lost = false;
    }
    // An opening as the audit trail records it: the bolt moved, or it was
    // already in (door open). Only an opening forgives wrong tries; one that
    // served the time delay (not skipped by the override) lets the rules be
    // relaxed while the lock stands open.
    const ol_lock *lk = &r->lock;
    bool audited_open =
        ol_log_next_seq(&lk->audit) != b.audit_next && lk->audit_last_kind == OL_AUDIT_OPEN;
    ol_status after = glance(lk);
    if (audited_open && slot >= 0) {
        w->served_open = !b.set.delay_min || !((b.set.override >> slot) & 1u);
    }
    check_count(s, &b, audited_open);
    bool wrong_try = after.failures > b.st.failures ||
                     (!b.st.lockout_remaining_ms && after.lockout_remaining_ms);
    if ((slot >= 0 && b.mode == MODE_IDLE && b.st.lockout_remaining_ms == 0) || wrong_try) {
        w->rdone = w->rready = w->rlate = false; // the owner, or a guess: a recovery stops
        w->ntyping = 0;
    }
    // *11: a running time lock is never served, so never shortened.
    if (after.timelock_remaining_ms + 1000u < b.st.timelock_remaining_ms) {
        violation(s, "a running time lock was shortened");
    }
    // *08: moving a known clock while a calendar governs relaxes it.
    uint32_t rtc_after = ol_vclock_rtc(&r->clk);
    if (rtc_after != b.rtc && b.rtc != OL_RTC_LOST && oracle_calendar_governs(&b.set) &&
        !oracle_served(s, &b)) {
        violation(s, "the clock was moved by someone who had not served the rules in force");
    }
    if (ev->type == OL_EV_FUNCTION && ev->function == 99 && b.mode != MODE_RECOVERY &&
        lk->mode == MODE_RECOVERY && w->battery_mv && w->battery_mv < OL_BATTERY_CRITICAL_MV) {
        violation(s, "*99 started on a critically low battery");
    }
    if (!opened && slot >= 0 && b.mode == MODE_IDLE && b.st.lockout_remaining_ms == 0 &&
        b.st.commissioned) {
        rec rc = {now, (uint8_t)slot, b.set.delay_min, b.set.window_min};
        push_rec(w->dual, &w->ndual, DUAL_RECS, rc, now, NULL);
        push_rec(w->delay, &w->ndelay, DELAY_RECS, rc, now, &w->delay_lost);
    }
    if (ev->type == OL_EV_CANCEL) {
        ol_status st = glance(&r->lock);
        if (st.delay_remaining_ms == 0 && st.window_remaining_ms == 0) {
            w->ndelay = 0; // the delay was cancelled: it must start again
            w->delay_lost = false;
        }
    }
    uint64_t recovered = s->st.recoveries;
    check_changes(s, &b, ev);
    // A recovery code on the display is as good as the code: it is shown only
    // at commissioning, or to a manager who gave the old one (*14; if there is
    // none, to slot 00's manager: whoever holds it is the owner) with the door
    // open; never after a recovery.
    if (b.mode != MODE_SHOW_CODE && r->lock.mode == MODE_SHOW_CODE &&
        !(!b.st.commissioned ||
          (w->fn == 14 && owner_may_program(s) && (auth_of(s) & MANAGER_MASK) &&
           (w->rgiven || (!b.renabled && (auth_of(s) & 1u))) && b.st.door_open))) {
        violation(s, "a new recovery code was shown without the owner's credential");
    }
    // The engine grants pairing to the unpaired keypad in use after *17 with
    // a manager's code (door open) or after an owner's recovery; the lock
    // body then pins it, as src/link/body.c does.
    if (ol_lock_take_pair_grant(&r->lock)) {
        s->st.pairings++;
        bool by_manager =
            w->fn == 17 && owner_may_program(s) && (auth_of(s) & MANAGER_MASK) && b.st.door_open;
        if (!ev->unpaired || !(by_manager || s->st.recoveries != recovered)) {
            violation(s, "a keypad was paired without a manager (door open) or a recovery");
        }
        uint8_t key[32];
        for (size_t i = 0; i < sizeof key; i++) {
            key[i] = (uint8_t)rnd(s);
        }
        pin_keypad(s, key);
    }
    if (ev->type == OL_EV_ENTRY && reaches && ev->ndigits) {
        memcpy(w->last_entry, ev->digits, sizeof w->last_entry);
        w->last_n = ev->ndigits;
        w->have_last = true;
    }
    if (r->lock.mode != MODE_FUNCTION) {
        w->fn = 0; // the function is over: its logins count no more
        w->auth = 0;
    }
    if (r->lock.mode != MODE_RECOVERY && r->lock.mode != MODE_FUNCTION) {
        w->rtyped = -1;
    }
    check_state(s);
}

// ---- actions ----------------------------------------------------------------------------

// Let time pass; ticks only. Any retraction in them has no code behind it.
static void wait_ms(search *s, uint64_t ms) {
    rig *r = &s->w.r;
    before b;
    take_before(s, &b);
    rig_wait(r, ms);
    if (r->bad_retracts != b.bad) {
        violation(s, "the bolt retracted while time passed");
    }
    check_count(s, &b, false);
    check_changes(s, &b, NULL);
    check_state(s);
}

// Time passes with a single late tick, as from a port that slept through
// the lock's deadlines (every second of a countdown): the lock must not care.
static void sleep_through(search *s, uint64_t ms) {
    rig *r = &s->w.r;
    before b;
    take_before(s, &b);
    r->t += ms;
    ol_event tick = {.type = OL_EV_TICK};
    rig_event(r, &tick);
    ol_keypad_tick(&r->kp, rig_now(r));
    if (r->bad_retracts != b.bad) {
        violation(s, "the bolt retracted while time passed");
    }
    check_count(s, &b, false);
    check_changes(s, &b, NULL);
    check_state(s);
}

static void press(search *s, char k) {
    world *w = &s->w;
    rig *r = &w->r;
    char typed[FIELD_CAP];
    s->st.keys++;
    size_t n = strlen(w->field);
    if (k >= '0' && k <= '9') {
        if (n + 1 >= FIELD_CAP) {
            memmove(w->field, w->field + 1, n); // keep the tail
            n--;
        }
        w->field[n] = k;
        w->field[n + 1] = '\0';
    }
    memcpy(typed, w->field, sizeof typed);
    if (k == '#' || k == '*') {
        w->field[0] = '\0';
    }
    uint8_t msg[OL_MSG_BYTES];
    if (ol_keypad_key(&r->kp, rig_now(r), k, msg)) {
        ol_event ev;
        if (ol_msg_to_event(msg, sizeof msg, &ev) == OL_OK) {
            deliver(s, &ev, k == '#' ? typed : NULL);
        } else {
            violation(s, "the keypad built a malformed message");
        }
    }
    wait_ms(s, 200);
}

static void type(search *s, const char *keys) {
    log_add(s, keys);
    for (const char *k = keys; *k && !s->stop; k++) {
        press(s, *k);
    }
}

// A power-up tells the lock its inputs again, as a port does.
static void report_inputs(search *s) {
    world *w = &s->w;
    if (w->battery_mv) {
        ol_event ev = {.type = OL_EV_BATTERY, .value = w->battery_mv};
        deliver(s, &ev, NULL);
    }
    if (w->remote) {
        ol_event ev = {.type = OL_EV_REMOTE_DISABLE, .value = 1};
        deliver(s, &ev, NULL);
    }
}

static void forget_volatile(world *w) {
    w->rtyped = -1;
    w->rdone = w->rready = w->rlate = false;
    w->ntyping = 0;
    w->rshowing = false;
    w->served_open = false;
    w->field[0] = '\0';
    w->fn = 0;
    w->auth = 0;
    w->ndelay = w->ndual = 0;
    w->delay_lost = false;
    w->have_last = false;
    w->earn_from = rig_now(&w->r);  // a power cut forgets what was earned ...
    w->quiet_from = rig_now(&w->r); // ... and the quiet day starts again
}

static void power_cycle(search *s, uint64_t off_ms) {
    before b;
    take_before(s, &b);
    rig_power_cycle(&s->w.r, off_ms);
    forget_volatile(&s->w);
    if (s->w.r.bad_retracts != b.bad) {
        violation(s, "the bolt retracted at power-up");
    }
    check_changes(s, &b, NULL);
    check_state(s);
    report_inputs(s);
}

// The door moves only as a door can: it opens only with the bolt retracted.
static bool door(search *s) {
    rig *r = &s->w.r;
    if (!r->door_open && rig_bolt(r) == OL_BOLT_EXTENDED) {
        return false;
    }
    before b;
    take_before(s, &b);
    rig_door(r, !r->door_open);
    if (r->bad_retracts != b.bad) {
        violation(s, "the bolt retracted on a door event");
    }
    check_changes(s, &b, NULL);
    check_state(s);
    return true;
}

static void input_event(search *s, ol_event_type type, uint32_t value) {
    ol_event ev = {.type = type, .value = value};
    if (type == OL_EV_BATTERY) {
        s->w.battery_mv = value;
    } else {
        s->w.remote = value != 0;
    }
    deliver(s, &ev, NULL);
}

// The owner's part when the lock shows a recovery code (recovery_ack.h): page
// through it reading each group off the display, then type it back.
static const char *owner_display(void *ctx) {
    search *s = ctx;
    return rig_display(&s->w.r);
}

static void owner_keys(void *ctx, const char *keys) {
    type(ctx, keys);
}

static bool owner_acknowledges(search *s) {
    return recovery_ack(s, owner_display, owner_keys, NULL);
}

// ---- configured locks -----------------------------------------------------------------

typedef struct config {
    const char *name;
    bool factory, factory_door_shut;
    uint8_t delay_min, window_min; // *04
    bool override5;                // *13 05: slot 05 skips the delay
    bool duress, dual;             // *06, *05
    bool id;                       // *18: ID + code
    bool calendar;                 // *10 today a holiday, *07 Thursdays 09:00-17:00 only
    bool users_off;                // *12 0
    uint8_t timelock_h;            // *11
    uint16_t recovery_min;         // *16
} config;

static const config configs[] = {
    {.name = "plain"},
    {.name = "delay+duress", .delay_min = 1, .window_min = 1, .override5 = true, .duress = true},
    {.name = "dual+duress", .dual = true, .duress = true},
    {.name = "dual+delay", .dual = true, .delay_min = 2, .window_min = 3},
    {.name = "calendar+users-off", .calendar = true, .users_off = true},
    {.name = "timed-lock+users-off", .timelock_h = 1, .users_off = true},
    {.name = "recovery in 15 min", .recovery_min = 15},
    {.name = "factory, door open", .factory = true},
    {.name = "factory, door shut", .factory = true, .factory_door_shut = true},
    {.name = "id mode+duress", .duress = true, .id = true}, // random search only
};
#define NCONFIGS (sizeof configs / sizeof configs[0])

static void mgr_function(search *s, const char *fn, const char *fields) {
    char keys[96];
    snprintf(keys, sizeof keys, "%s" M0 "#%s", fn, fields);
    type(s, keys);
    wait_ms(s, 3500); // let the result message go
}

// A fresh lock, commissioned and set up by its owner through the keypad.
// The oracle learns the codes by watching them being set (check_changes).
static void set_up(search *s, const config *c, uint64_t seed) {
    world *w = &s->w;
    ol_hostflash_close(&w->r.hf);
    memset(w, 0, sizeof *w);
    s->stop = false;
    s->config = c->name;
    if (rig_setup(&w->r, seed) != OL_OK) {
        fprintf(stderr, "rig_setup failed\n");
        exit(2);
    }
    undo_attach(&s->u, &w->r.hf);
    w->r.plat.flash = &s->u.flash;
    w->r.plat.rtc_set = ol_vclock_rtc_set;
    CHECK_EQ(rig_boot(&w->r), OL_OK);
    if (c->factory) {
        if (c->factory_door_shut) {
            door(s);
        }
        w->log_len = 0;
        return;
    }
    type(s, M0 "#" M0 "#");
    // The recovery code the lock shows: read off, paged and typed back.
    wait_ms(s, 3500);
    CHECK(owner_acknowledges(s));
    // Plain mode with duress holds 3 people (docs/POLICY.md, "How many
    // codes"), and duress is turned on before ID mode: no second manager.
    bool three = c->duress;
    if (!three) {
        mgr_function(s, "*02", "01#" M1 "#" M1 "#");
    }
    mgr_function(s, "*02", "02#" U2 "#" U2 "#");
    mgr_function(s, "*02", "05#" U5 "#" U5 "#");
    // Relaxing changes (the override, a shorter recovery delay) are made
    // with the lock standing open after an opening; the rules that tighten
    // follow.
    door(s);
    wait_ms(s, 2500);
    uint64_t retractions = s->st.retractions;
    type(s, M0 "#");
    s->st.retractions = retractions; // the set-up's own opening: not the search's
    door(s);
    if (c->override5) {
        mgr_function(s, "*13", "05#1#");
    }
    if (c->recovery_min) {
        char f[8];
        snprintf(f, sizeof f, "%u#", c->recovery_min);
        mgr_function(s, "*16", f);
    }
    if (c->delay_min) {
        char f[16];
        snprintf(f, sizeof f, "%u#%u#", c->delay_min, c->window_min);
        mgr_function(s, "*04", f);
    }
    if (c->duress) {
        mgr_function(s, "*06", "1#");
    }
    if (c->calendar) {
        mgr_function(s, "*10", "01#20260101#"); // the rig's world starts 2026-01-01 00:00
        mgr_function(s, "*07", "4#1#0900#1700#");
    }
    if (c->users_off) {
        mgr_function(s, "*12", "0#");
    }
    if (c->timelock_h) {
        char f[8];
        snprintf(f, sizeof f, "%u#", c->timelock_h);
        mgr_function(s, "*11", f);
    }
    if (c->dual) {
        mgr_function(s, "*05", "1#");
    }
    if (c->id) {
        mgr_function(s, "*18", "1#"); // last: the logins above are typed without an ID
    }
    door(s);
    wait_ms(s, 2500);
    // The set-up is what it was meant to be, or the search proves nothing.
    const ol_lock *lock = &w->r.lock;
    CHECK_EQ(rig_bolt(&w->r), OL_BOLT_EXTENDED);
    CHECK_EQ(lock->enrolled, three ? 0x25u : 0x27u);
    for (int slot = 0; slot < OL_SLOTS; slot++) {
        const char *want = owner_codes[slot] && !(three && slot == 1) ? owner_codes[slot] : "";
        CHECK(strcmp(w->code[slot], want) == 0);
    }
    CHECK_EQ(lock->set.delay_min, c->delay_min);
    CHECK_EQ(lock->set.dual, c->dual);
    CHECK_EQ(lock->set.duress, c->duress);
    CHECK_EQ(lock->set.id_mode, c->id);
    CHECK_EQ(lock->set.users_disabled, c->users_off);
    CHECK_EQ(lock->set.override, c->override5 ? 1u << 5 : 0u);
    CHECK_EQ(oracle_calendar_governs(&lock->set), c->calendar);
    CHECK_EQ(rig_status(&w->r).timelock_remaining_ms != 0, c->timelock_h != 0);
    CHECK_EQ(rig_status(&w->r).failures, 0);
    CHECK(w->rcode_known && lock->recovery_enabled);
    CHECK_EQ(lock->set.recovery_delay_min,
             c->recovery_min ? c->recovery_min : OL_RECOVERY_DELAY_DEFAULT_MIN);
    w->log_len = 0;
}

// ---- (a) exhaustive search --------------------------------------------------------------

// One symbol of the reduced alphabet; false if it cannot happen here.
static void type_recovery_code(search *s) {
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        char keys[GROUP_CAP + 1];
        snprintf(keys, sizeof keys, "%s#", s->w.rcode[g]);
        type(s, keys);
    }
}

// Whatever the lock makes one wait for: a lockout, a timed lock, a time or
// a recovery delay (none: a second).
static uint64_t pending_wait(const search *s) {
    const ol_lock *lock = &s->w.r.lock;
    ol_status st = glance(lock);
    uint64_t ms = st.lockout_remaining_ms;
    ms = st.timelock_remaining_ms > ms ? st.timelock_remaining_ms : ms;
    ms = st.delay_remaining_ms > ms ? st.delay_remaining_ms : ms;
    if (lock->recovery_until > lock->now && lock->recovery_until - lock->now > ms) {
        ms = lock->recovery_until - lock->now;
    }
    return ms ? ms : 1000;
}

static bool symbol(search *s, char c) {
    char text[2] = {c, '\0'};
    s->st.actions++;
    switch (c) {
    case 'R': // the recovery code, all five groups
        type_recovery_code(s);
        return true;
    case 'Q':
        log_add(s, "Q");
        wait_ms(s, pending_wait(s));
        return true;
    case 'A': // the recovery code shown: paged, read off and typed back
        log_add(s, "A");
        return owner_acknowledges(s);
    case 'N':
        type(s, NEW_CODE);
        return true;
    case 'M':
        type(s, M0_STEM);
        return true;
    case 'U':
        type(s, U2_STEM);
        return true;
    case 'W':
        log_add(s, "W");
        wait_ms(s, 61000);
        return true;
    case 'Y': // a day of power (prefixes only): a quiet day forgets a wrong try
        log_add(s, "Y");
        wait_ms(s, OL_PENALTY_FORGET_MS + 1000u);
        return true;
    case 'P':
        log_add(s, "P");
        power_cycle(s, 5000);
        return true;
    case 'D':
        log_add(s, "D");
        return door(s);
    default:
        log_add(s, text);
        press(s, c);
        return true;
    }
}

static void dfs(search *s, const char *alphabet, int depth, int max) {
    if (depth == max || s->stop) {
        s->st.leaves += depth == max;
        return;
    }
    world *snap = &s->snaps[depth];
    memcpy(snap, &s->w, sizeof *snap);
    size_t mark = s->u.n;
    for (const char *c = alphabet; *c; c++) {
        if (symbol(s, *c)) {
            s->st.nodes++;
            dfs(s, alphabet, depth + 1, max);
        }
        undo_to(&s->u, mark);
        memcpy(&s->w, snap, sizeof s->w);
        s->stop = false;
    }
}

// Every sequence of `depth` symbols after `prefix`, on a lock set up as c.
static void exhaustive(search *s, const config *c, const char *prefix, const char *alphabet,
                       int depth) {
    set_up(s, c, 1000 + (uint64_t)(c - configs));
    for (const char *p = prefix; *p; p++) {
        symbol(s, *p);
    }
    dfs(s, alphabet, 0, depth);
}

// ---- (b) random search ------------------------------------------------------------------

static void random_digits(search *s, char *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[i] = (char)('0' + below(s, 10));
    }
    out[n] = '\0';
}

// A code of the owner's, picked at random (a manager's if manager); *slot
// gets its slot.
static const char *owner_code_of(search *s, bool manager, int *slot) {
    int n = manager ? OL_MANAGER_SLOTS : OL_SLOTS;
    for (int tries = 0; tries < 64; tries++) {
        *slot = (int)below(s, (uint32_t)n);
        if (s->w.code[*slot][0]) {
            return s->w.code[*slot];
        }
    }
    *slot = manager ? 0 : 2;
    return manager ? M0 : U2;
}

static const char *owner_code(search *s, bool manager) {
    int slot;
    return owner_code_of(s, manager, &slot);
}

// A code field as a person might type it: mostly the owner's, sometimes a
// duress variant, a near miss, or a constant anyone could read in firmware.
static void code_field(search *s, char out[CODE_CAP + 2], bool manager) {
    static const char *const folklore[] = {"123456",   "000000", "999999", "502550", "55555555",
                                           "12345678", "1234",   "0000",   "111111", "654321"};
    int slot;
    const char *c = owner_code_of(s, manager, &slot);
    size_t n = strlen(c);
    // In ID mode after its slot's two digits: mostly its own, now and then
    // another slot's, one no slot has, or none.
    if (s->w.r.lock.set.id_mode && below(s, 10) != 0) {
        unsigned id = below(s, 8) ? (unsigned)slot : below(s, 2) ? below(s, 6) : 40;
        out[0] = (char)('0' + id / 10);
        out[1] = (char)('0' + id % 10);
        out += 2;
    }
    memcpy(out, c, n + 1);
    switch (below(s, 12)) {
    case 0: // duress variant
        out[n - 1] = (char)('0' + (out[n - 1] - '0' + 1) % 10);
        break;
    case 1: // one digit wrong
        out[below(s, (uint32_t)n)] = (char)('0' + below(s, 10));
        break;
    case 2: // one digit more or less
        if (below(s, 2) && n < OL_CODE_MAX_DIGITS) {
            out[n] = (char)('0' + below(s, 10));
            out[n + 1] = '\0';
        } else {
            out[n - 1] = '\0';
        }
        break;
    case 3:
        snprintf(out, CODE_CAP, "%s", folklore[below(s, 10)]);
        break;
    default:
        break;
    }
    strcat(out, "#");
}

// The recovery code's groups as typed: the owner's (if known), sometimes
// with a typo, sometimes someone else's guess (with valid check digits).
static void recovery_groups(search *s, char *out, size_t cap) {
    out[0] = '\0';
    bool guess = !s->w.rcode_known || below(s, 10) == 0;
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        char grp[GROUP_CAP + 1];
        if (guess) {
            uint8_t d[OL_RECOVERY_GROUP_DIGITS];
            for (int i = 0; i < OL_RECOVERY_GROUP_DIGITS; i++) {
                d[i] = (uint8_t)below(s, 10);
                grp[i] = (char)('0' + d[i]);
            }
            grp[OL_RECOVERY_GROUP_DIGITS] =
                (char)('0' + ol_check_digit(d, OL_RECOVERY_GROUP_DIGITS));
            grp[OL_RECOVERY_GROUP_DIGITS + 1] = '\0';
        } else {
            memcpy(grp, s->w.rcode[g], GROUP_CAP);
        }
        if (below(s, 20) == 0) {
            grp[below(s, OL_RECOVERY_GROUP_DIGITS + 1)] = (char)('0' + below(s, 10)); // a typo
        }
        strcat(grp, "#");
        if (strlen(out) + strlen(grp) < cap) {
            strcat(out, grp);
        }
    }
}

// *99 as someone holding (or guessing) the recovery code does it: the groups,
// perhaps the whole delay, *99 and the groups again, a new manager code
// twice, perhaps a few '#' more — or any prefix of that.
static void recovery_macro(search *s) {
    char keys[96] = "*99", code[CODE_CAP];
    recovery_groups(s, keys + 3, sizeof keys - 3);
    if (below(s, 8) == 0) {
        keys[below(s, (uint32_t)strlen(keys))] = '\0';
    }
    type(s, keys);
    if (below(s, 2) && !s->stop) {
        uint64_t ms = pending_wait(s) + below(s, below(s, 4) ? 1500 : 12 * 60000);
        snprintf(keys, sizeof keys, " S%llu ", (unsigned long long)ms);
        log_add(s, keys);
        sleep_through(s, ms);
        if (below(s, 4)) {
            snprintf(keys, sizeof keys, "*99");
            recovery_groups(s, keys + 3, sizeof keys - 3);
            type(s, keys);
        }
    }
    random_digits(s, code, 6 + below(s, 7));
    if (below(s, 4) == 0) {
        snprintf(code, sizeof code, "%s", owner_code(s, false));
    }
    snprintf(keys, sizeof keys, "%s#%s#%s", code, code, below(s, 2) ? "######" : "");
    if (below(s, 6) == 0) {
        keys[0] = (char)('0' + (keys[0] - '0' + 1) % 10); // the repeat differs
    }
    type(s, keys);
}

// A whole programming function, as the owner types it — or nearly: the login
// is sometimes not a valid code, and the function is sometimes cut short.
static void function_macro(search *s) {
    char keys[200], login[CODE_CAP + 2], second[CODE_CAP + 2], code[CODE_CAP];
    char fields[64];
    code_field(s, login, true);
    code_field(s, second, false);
    if (!s->w.r.lock.set.dual || below(s, 4) == 0) {
        second[0] = '\0';
    }
    random_digits(s, code, 6 + below(s, 7));
    unsigned slot = below(s, 8) ? below(s, 6) : below(s, 40);
    unsigned fn = 1 + below(s, 18); // 18: on / off, as 5, 6, 12
    switch (fn) {
    case 17: // pair a keypad: no fields
        fields[0] = '\0';
        break;
    case 14:
    case 15:
        recovery_groups(s, fields, sizeof fields);
        break;
    case 16:
        snprintf(fields, sizeof fields, "%u#", below(s, 2) ? 10 + below(s, 50) : below(s, 5000));
        break;
    case 1:
    case 2:
        if (below(s, 3) == 0) { // a code the owner already has elsewhere
            snprintf(code, sizeof code, "%s", owner_code(s, false));
        }
        if (fn == 1) {
            code_field(s, login, false);
            snprintf(fields, sizeof fields, "%s#%s#", code, code);
        } else {
            snprintf(fields, sizeof fields, "%02u#%s#%s#", slot, code, code);
        }
        break;
    case 3:
        snprintf(fields, sizeof fields, "%02u##", slot);
        break;
    case 4:
        snprintf(fields, sizeof fields, "%u#%u#", below(s, 4), 1 + below(s, 3));
        break;
    case 7:
        snprintf(fields, sizeof fields, "%u#%u#%02u00#%02u00#", 1 + below(s, 7), 1 + below(s, 4),
                 below(s, 13), 12 + below(s, 13));
        break;
    case 8:
        snprintf(fields, sizeof fields, "202601%02u#%02u%02u#", 1 + below(s, 28), below(s, 24),
                 below(s, 60));
        break;
    case 10:
        snprintf(fields, sizeof fields, "%02u#202601%02u#", 1 + below(s, 32), 1 + below(s, 9));
        break;
    case 11:
        snprintf(fields, sizeof fields, "1#");
        break;
    case 13:
        snprintf(fields, sizeof fields, "%02u#%u#", slot, below(s, 2));
        break;
    default: // 5, 6, 9, 12: on/off or nothing
        snprintf(fields, sizeof fields, "%u#", below(s, 2));
        break;
    }
    snprintf(keys, sizeof keys, "*%02u%s%s%s", fn, login, second, fields);
    if (below(s, 5) == 0) {
        keys[below(s, (uint32_t)strlen(keys))] = '\0';
    }
    type(s, keys);
}

// A message from a forged keypad: well-formed mostly, so that it reaches
// the engine, and sometimes not.
static void forged_frame(search *s) {
    uint8_t msg[OL_MSG_BYTES];
    char text[16];
    memset(msg, 0, sizeof msg);
    uint32_t kind = below(s, 10);
    if (kind < 6) {
        char c[CODE_CAP + 2];
        uint8_t n = (uint8_t)below(s, OL_ENTRY_MAX_DIGITS + 1);
        uint8_t d[OL_ENTRY_MAX_DIGITS];
        for (uint8_t i = 0; i < n; i++) {
            d[i] = (uint8_t)below(s, 10);
        }
        if (kind == 0) {
            code_field(s, c, below(s, 2));
            n = (uint8_t)(strlen(c) - 1);
            for (uint8_t i = 0; i < n; i++) {
                d[i] = (uint8_t)(c[i] - '0');
            }
        }
        ol_msg_entry(msg, d, n);
    } else if (kind < 8) {
        ol_msg_function(msg, (uint8_t)below(s, 100));
    } else if (kind < 9) {
        ol_msg_cancel(msg);
    } else {
        for (size_t i = 0; i < sizeof msg; i++) {
            msg[i] = (uint8_t)(below(s, 3) ? 0 : rnd(s));
        }
        msg[0] = (uint8_t)below(s, 5);
    }
    bool unpaired = below(s, 2);
    snprintf(text, sizeof text, " F%02x%02x%s ", msg[0], msg[1], unpaired ? "u" : "");
    log_add(s, text);
    s->st.frames++;
    ol_event ev;
    if (ol_msg_to_event(msg, sizeof msg, &ev) == OL_OK) {
        ev.unpaired = unpaired;
        deliver(s, &ev, NULL);
        wait_ms(s, 200);
    }
}

static void unpaired_event(search *s, ol_event_type type, const char *digits, uint8_t fn) {
    ol_event ev = {.type = type, .function = fn, .unpaired = true};
    for (const char *d = digits; d && *d && ev.ndigits < OL_ENTRY_MAX_DIGITS; d++) {
        ev.digits[ev.ndigits++] = (uint8_t)(*d - '0');
    }
    s->st.frames++;
    deliver(s, &ev, NULL);
    wait_ms(s, 200);
}

// Entries "12#345#" from a keypad that is not paired.
static void unpaired_fields(search *s, const char *fields) {
    char field[CODE_CAP + 8];
    size_t n = 0;
    log_add(s, fields);
    for (const char *c = fields; *c && !s->stop; c++) {
        if (*c == '#') {
            field[n] = '\0';
            unpaired_event(s, OL_EV_ENTRY, field, 0);
            n = 0;
        } else if (n + 1 < sizeof field) {
            field[n++] = *c;
        }
    }
}

// A keypad that is not paired — the attacker's own, or the owner's
// replacement — may only start *99, or *17 with the door open: pairing by a
// manager's code, or by the owner's recovery. It may also just ask to be
// paired, which the lock body does only while ol_lock_pairing_allowed().
static void unpaired_macro(search *s) {
    char keys[96];
    uint32_t k = below(s, 10);
    if (k < 2) {
        log_add(s, " K ");
        if (ol_lock_pairing_allowed(&s->w.r.lock)) {
            uint8_t key[32];
            for (size_t i = 0; i < sizeof key; i++) {
                key[i] = (uint8_t)rnd(s);
            }
            s->st.pairings++;
            pin_keypad(s, key);
            check_state(s);
        }
        return;
    }
    bool pair = k < 6;
    log_add(s, pair ? " u*17 " : " u*99 ");
    unpaired_event(s, OL_EV_FUNCTION, NULL, pair ? 17 : 99);
    if (pair) {
        code_field(s, keys, true);
        unpaired_fields(s, keys);
        return;
    }
    recovery_groups(s, keys, sizeof keys);
    unpaired_fields(s, keys);
    if (below(s, 2) && !s->stop) {
        uint64_t ms = pending_wait(s) + below(s, 1500);
        snprintf(keys, sizeof keys, " S%llu ", (unsigned long long)ms);
        log_add(s, keys);
        sleep_through(s, ms);
        if (below(s, 4)) { // *99 and the groups again, once the delay has run
            log_add(s, " u*99 ");
            unpaired_event(s, OL_EV_FUNCTION, NULL, 99);
            recovery_groups(s, keys, sizeof keys);
            unpaired_fields(s, keys);
        }
    }
    char code[CODE_CAP];
    random_digits(s, code, 6 + below(s, 7));
    snprintf(keys, sizeof keys, "%s#%s######", code, code);
    unpaired_fields(s, keys);
}

static void on_cut(void *arg) {
    search *s = arg;
    longjmp(s->cut_env, 1);
}

static void random_action(search *s);

// Power fails in the middle of whatever flash write the next action makes.
static void cut_during_next_action(search *s) {
    rig *r = &s->w.r;
    char text[24];
    if (s->cutting) {
        random_action(s);
        return;
    }
    uint64_t ops = below(s, 40);
    snprintf(text, sizeof text, " C%llu ", (unsigned long long)ops);
    log_add(s, text);
    s->in_flight = false;
    s->cutting = true;
    ol_hostflash_arm_cut(&r->hf, ops, rnd(s), on_cut, s);
    if (setjmp(s->cut_env) == 0) {
        random_action(s);
        ol_hostflash_disarm(&r->hf);
        s->cutting = false;
        return;
    }
    // The power died part-way through an event or a wait; the lock boots
    // from the torn flash. What the event changed must be what it was
    // allowed to; a tick or a power-up may change nothing.
    s->cutting = false;
    s->st.cuts++;
    ol_hostflash_disarm(&r->hf);
    before b = s->cut_before;
    bool had_event = s->in_flight;
    ol_event ev = s->flight_ev;
    s->in_flight = false;
    ol_lock_shutdown(&r->lock);
    r->t += 1000 + below(s, 60000);
    r->clk.now_ms = r->t;
    r->err = OL_OK;
    r->entry_valid = false;
    rig_boot(r);
    if (r->bad_retracts != b.bad) {
        violation(s, "the bolt retracted across a power cut");
    }
    check_changes(s, &b, had_event ? &ev : NULL);
    forget_volatile(&s->w);
    // Power-up: a commissioned lock throws the bolt, door open or not (one
    // glitched input must not retract it); a new lock keeps it retracted.
    if (glance(&r->lock).commissioned ? rig_bolt(r) != OL_BOLT_EXTENDED
                                      : rig_bolt(r) != OL_BOLT_RETRACTED) {
        violation(s, "the bolt is not where it belongs after a power cut");
    }
    check_state(s);
    report_inputs(s);
}

static void random_wait(search *s) {
    rig *r = &s->w.r;
    uint64_t ms;
    uint32_t k = below(s, 100);
    ol_status st = glance(&r->lock);
    if (st.failures != 0 && below(s, 40) == 0) {
        ms = OL_PENALTY_FORGET_MS + below(s, 2) * OL_PENALTY_FORGET_MS / 2u; // a quiet day
    } else if (k < 40 && (st.delay_remaining_ms || r->lock.recovery_until > r->lock.now)) {
        ms = pending_wait(s) + below(s, 1500); // sit out a time or recovery delay
    } else if (k < 50) {
        ms = below(s, 5000);
    } else if (k < 85) {
        ms = 5000 + below(s, 115000);
    } else if (k < 95 || !(st.lockout_remaining_ms | st.timelock_remaining_ms)) {
        ms = 120000 + below(s, 20 * 60000);
    } else {
        ms = (st.lockout_remaining_ms > st.timelock_remaining_ms ? st.lockout_remaining_ms
                                                                 : st.timelock_remaining_ms) +
             below(s, 3);
    }
    char text[24];
    bool sleep = ms > 120000 && below(s, 4);
    snprintf(text, sizeof text, " %c%llu ", sleep ? 'S' : 'W', (unsigned long long)ms);
    log_add(s, text);
    if (sleep) {
        sleep_through(s, ms);
    } else {
        wait_ms(s, ms);
    }
}

static void random_action(search *s) {
    static const char keys[] = "0123456789*#";
    static const uint32_t volts[] = {3000, 4300, 4399, 4400, 4401, 4700, 4799, 4800, 4900, 6000};
    char buf[64];
    s->st.actions++;
    if (glance(&s->w.r.lock).lockout_remaining_ms && below(s, 10) < 6) {
        log_add(s, " S ");
        sleep_through(s, pending_wait(s)); // mostly, a locked-out person waits
        return;
    }
    if (strncmp(rig_display(&s->w.r), "RECOVERY 1/5 |", 14) == 0 && below(s, 3) == 0) {
        log_add(s, " A ");
        (void)owner_acknowledges(s); // the owner, there with the door open
        return;
    }
    uint32_t k = below(s, 1000);
    if (k < 220) { // one key
        buf[0] = keys[below(s, 12)];
        buf[1] = '\0';
        type(s, buf);
    } else if (k < 300) { // a field of any length
        unsigned n = below(s, 3) ? below(s, 13) : below(s, 20);
        random_digits(s, buf, n);
        strcat(buf, "#");
        type(s, buf);
    } else if (k < 350) { // a function number
        unsigned fn = below(s, 3) ? below(s, 17) : below(s, 3) ? below(s, 100) : 99;
        snprintf(buf, sizeof buf, "*%02u", fn);
        type(s, buf);
    } else if (k < 500) { // an owner's code, a variant, a near miss
        code_field(s, buf, below(s, 2));
        if (below(s, 6) == 0) {
            buf[strlen(buf) - 1] = '\0'; // not finished
        }
        type(s, buf);
    } else if (k < 590) {
        function_macro(s);
    } else if (k < 620) {
        recovery_macro(s);
    } else if (k < 760) {
        random_wait(s);
    } else if (k < 785) {
        uint64_t off = below(s, 2) ? below(s, 10000) : below(s, 7200000);
        snprintf(buf, sizeof buf, " P%llu ", (unsigned long long)off);
        log_add(s, buf);
        power_cycle(s, off);
    } else if (k < 835) {
        log_add(s, " D ");
        door(s);
    } else if (k < 850) {
        uint32_t mv = volts[below(s, 10)];
        snprintf(buf, sizeof buf, " B%u ", mv);
        log_add(s, buf);
        input_event(s, OL_EV_BATTERY, mv);
    } else if (k < 862) {
        log_add(s, s->w.remote ? " R0 " : " R1 ");
        input_event(s, OL_EV_REMOTE_DISABLE, !s->w.remote);
    } else if (k < 864) {
        log_add(s, " L ");
        s->w.r.clk.rtc_lost = true;
    } else if (k < 945) {
        forged_frame(s);
    } else if (k < 975) {
        unpaired_macro(s);
    } else {
        cut_during_next_action(s);
    }
}

// One random run of `actions` actions from the lock set up as c (restored
// from `base`, a snapshot of it).
static void random_run(search *s, const world *base, size_t base_mark, uint32_t actions) {
    undo_to(&s->u, base_mark);
    memcpy(&s->w, base, sizeof s->w);
    s->stop = false;
    s->st.runs++;
    s->run_rnd = s->rnd;
    for (uint32_t i = 0; i < actions && !s->stop; i++) {
        random_action(s);
    }
}

static void random_search(search *s, const config *c, uint64_t seed, uint32_t runs,
                          uint32_t actions) {
    static world base;
    set_up(s, c, seed);
    memcpy(&base, &s->w, sizeof base);
    size_t mark = s->u.n;
    s->seed = seed;
    s->rnd = seed * 0x2545F4914F6CDD1Du;
    for (uint32_t i = 0; i < runs; i++) {
        random_run(s, &base, mark, actions);
    }
    s->run_rnd = 0;
}

// GS_REPLAY=config:seed:rnd runs one reported random run again, tracing it.
static int replay(search *s, const char *spec) {
    char name[64];
    unsigned long long seed = 0, r = 0;
    const char *colon = strchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof name ||
        sscanf(colon + 1, "%llu:%llu", &seed, &r) != 2) {
        fprintf(stderr, "GS_REPLAY=config:seed:rnd\n");
        return 2;
    }
    memcpy(name, spec, (size_t)(colon - spec));
    name[colon - spec] = '\0';
    for (size_t i = 0; i < NCONFIGS; i++) {
        if (!strcmp(configs[i].name, name)) {
            static world base;
            set_up(s, &configs[i], seed);
            memcpy(&base, &s->w, sizeof base);
            s->seed = seed;
            s->rnd = r;
            s->trace = true;
            random_run(s, &base, s->u.n, 400);
            return s->st.violations ? 1 : 0;
        }
    }
    fprintf(stderr, "no configuration \"%s\"\n", name);
    return 2;
}

// ---- the program ---------------------------------------------------------------------------

static double seconds_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

// A mutated oracle must report the violation it causes, or that arm of the
// oracle is dead.
static void self_check(search *s, enum mutant m, const char *what, const char *expect,
                       const config *c, const char *prefix, int depth, uint32_t runs) {
    stats saved = s->st;
    memset(&s->st, 0, sizeof s->st);
    s->mutant = m;
    s->quiet = true;
    s->expect = expect;
    printf("self-check, oracle mutated (%s):\n", what);
    if (prefix) {
        exhaustive(s, c, prefix, "01*#MUW", depth);
    } else {
        random_search(s, c, 77, runs, 300);
    }
    printf("  -> %llu \"%s\" reported\n", (unsigned long long)s->st.expected, expect);
    CHECK(s->st.expected > 0);
    s->mutant = MUT_NONE;
    s->quiet = false;
    s->st = saved;
}

// ---- two workers: the search is split over two processes --------------------------------

typedef struct plan {
    size_t config;
    const char *prefix;
    int depth;
    int worker;
} plan;

// Depth 6 leaves P out (7^6 sequences: a power cycle costs a store mount);
// the other plans use the whole alphabet, the factory ones without U.
static const plan plans[] = {
    {0, "", 6, 0},                             // idle
    {0, "M0#", 5, 0},                          // just opened, door still shut
    {0, "M0#D", 4, 1},                         // door open
    {0, "*02M0#", 5, 0},                       // inside *02 after the manager's login
    {0, "*01U0#", 4, 1},                       // inside *01 after a user's login
    {0, "000000#000000#000000#000000#", 4, 1}, // one try from a lockout
    {1, "", 4, 1},                             // delay + duress, idle
    {1, "M0#", 4, 1},                          // delay running
    {1, "M0#W", 5, 1},                         // opening window
    {2, "", 4, 1},                             // dual + duress
    {2, "M0#", 5, 1},                          // dual: first code given
    {3, "M0#W", 4, 1},                         // dual + delay: still in the delay
    {3, "M0#WW", 4, 1},                        // dual + delay: in the window
    {4, "", 4, 1},                             // calendar closed, users off
    {5, "", 4, 1},                             // timed lock running
    {6, "*99", 4, 1},                          // typing the recovery code
    {6, "*99R", 4, 1},                         // recovery delay running
    {6, "*99RQ", 4, 1},                        // after it: ready for *99 again
    {6, "*99RQ*99R", 4, 1},                    // typed again: the new manager code
    {6, "*99RQ*99RN#", 4, 1},                  // its repeat
    {0, "M0#D*14M0#R", 4, 1},                  // a new recovery code shown (*14)
    {7, "M0#", 5, 1},                          // factory, door open: first code given
    {7, "", 4, 1},                             // factory, door open
    {8, "", 4, 1},                             // factory, door shut
};
#define NPLANS (sizeof plans / sizeof plans[0])

typedef struct tally {
    stats a, b;
    unsigned passed, failed;
} tally;

static void work(search *s, int worker, uint32_t scale, tally *t, const struct timespec *t0) {
    for (size_t i = 0; i < NPLANS; i++) {
        if (plans[i].worker != worker) {
            continue;
        }
        const config *c = &configs[plans[i].config];
        uint64_t n0 = s->st.nodes;
        double t1 = seconds_since(t0);
        const char *alphabet = c->factory           ? "01*#MWPD"
                               : plans[i].depth > 5 ? "01*#MUWD"
                                                    : "01*#MUWPD";
        exhaustive(s, c, plans[i].prefix, alphabet, plans[i].depth);
        if (getenv("GS_VERBOSE")) {
            printf("  [%d] %-20s %-28s +%d: %7llu sequences, %.2f s\n", worker, c->name,
                   plans[i].prefix, plans[i].depth, (unsigned long long)(s->st.nodes - n0),
                   seconds_since(t0) - t1);
        }
    }
    t->a = s->st;
    memset(&s->st, 0, sizeof s->st);
    if (getenv("GS_VERBOSE")) {
        printf("  [%d] exhaustive done at %.2f s\n", worker, seconds_since(t0));
    }
    uint32_t runs = getenv("GS_RUNS") ? (uint32_t)strtoul(getenv("GS_RUNS"), NULL, 10) : 40;
    for (uint32_t k = 0; k < scale; k++) {
        for (size_t i = 0; i < NCONFIGS; i++) {
            uint64_t seed = 1 + i + 100 * (uint64_t)k + 10000 * (uint64_t)worker;
            random_search(s, &configs[i], seed, runs, 400);
        }
    }
    t->b = s->st;
    if (getenv("GS_VERBOSE")) {
        printf("  [%d] random: %llu keys, done at %.2f s\n", worker, (unsigned long long)t->b.keys,
               seconds_since(t0));
    }
}

static void add(stats *to, const stats *from) {
    to->nodes += from->nodes;
    to->leaves += from->leaves;
    to->runs += from->runs;
    to->actions += from->actions;
    to->keys += from->keys;
    to->frames += from->frames;
    to->cuts += from->cuts;
    to->retractions += from->retractions;
    to->violations += from->violations;
    to->relaxed += from->relaxed;
    to->code_changes += from->code_changes;
    to->setting_changes += from->setting_changes;
    to->duress_openings += from->duress_openings;
    to->id_openings += from->id_openings;
    to->delayed_openings += from->delayed_openings;
    to->dual_openings += from->dual_openings;
    to->lockouts += from->lockouts;
    to->undone += from->undone;
    to->kept += from->kept;
    to->quiet_days += from->quiet_days;
    to->recovery_starts += from->recovery_starts;
    to->commissionings += from->commissionings;
    to->recoveries += from->recoveries;
    to->pairings += from->pairings;
    to->pair_windows += from->pair_windows;
}

int main(int argc, char **argv) {
    // Optional: a scale factor for the random search in longer soak runs.
    uint32_t scale = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1;
    scale = scale ? scale : 1;
    static search srch;
    search *s = &srch;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fflush(stdout);

    if (getenv("GS_REPLAY")) {
        return replay(s, getenv("GS_REPLAY"));
    }
    // Worker 1 runs in a child process when it can, worker 0 here.
    int fds[2] = {-1, -1};
    pid_t child = pipe(fds) == 0 ? fork() : -1;
    if (child == 0) {
        tally t;
        close(fds[0]);
        work(s, 1, scale, &t, &t0);
        t.passed = check_passed;
        t.failed = check_failed;
        ssize_t n = write(fds[1], &t, sizeof t);
        fflush(stdout);
        _exit(n == (ssize_t)sizeof t ? 0 : 3);
    }
    tally mine, theirs;
    memset(&theirs, 0, sizeof theirs);
    work(s, 0, scale, &mine, &t0);
    if (child > 0) {
        close(fds[1]);
        int status = 0;
        ssize_t n = read(fds[0], &theirs, sizeof theirs);
        CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0 && n == (ssize_t)sizeof theirs);
        check_passed += theirs.passed;
        check_failed += theirs.failed;
    } else {
        work(s, 1, scale, &theirs, &t0); // no fork: both workers here
    }
    add(&mine.a, &theirs.a);
    add(&mine.b, &theirs.b);
    const stats *a = &mine.a, *b = &mine.b;
    printf("(a) exhaustive: %llu sequences (%llu at full length) over 0 1 * # M U W P D from "
           "%zu start states in %zu configurations; %llu keys; %llu retractions, all by an "
           "enrolled code under the rules: %s\n",
           (unsigned long long)a->nodes, (unsigned long long)a->leaves, NPLANS, NCONFIGS,
           (unsigned long long)a->keys, (unsigned long long)a->retractions,
           a->violations ? "NO" : "yes");
    printf("(b) random: %llu runs, %llu actions, %llu keys, %llu forged frames, %llu power cuts "
           "mid-write; %llu retractions, all by an enrolled code under the rules: %s\n",
           (unsigned long long)b->runs, (unsigned long long)b->actions, (unsigned long long)b->keys,
           (unsigned long long)b->frames, (unsigned long long)b->cuts,
           (unsigned long long)b->retractions, b->violations ? "NO" : "yes");
    for (int i = 0; i < 2; i++) {
        const stats *x = i ? b : a;
        printf("    %s reached: %llu code changes, %llu setting changes, %llu commissionings, "
               "%llu lockouts, %llu *99 of which %llu recovered, %llu keypads paired, %llu *17 "
               "windows; openings: %llu duress, %llu after a time delay, %llu dual, %llu in ID "
               "mode; wrong tries taken back by openings %llu, openings that left some counted "
               "%llu; %llu quiet days\n",
               i ? "(b)" : "(a)", (unsigned long long)x->code_changes,
               (unsigned long long)x->setting_changes, (unsigned long long)x->commissionings,
               (unsigned long long)x->lockouts, (unsigned long long)x->recovery_starts,
               (unsigned long long)x->recoveries, (unsigned long long)x->pairings,
               (unsigned long long)x->pair_windows, (unsigned long long)x->duress_openings,
               (unsigned long long)x->delayed_openings, (unsigned long long)x->dual_openings,
               (unsigned long long)x->id_openings, (unsigned long long)x->undone,
               (unsigned long long)x->kept, (unsigned long long)x->quiet_days);
    }
    if (b->relaxed) {
        printf("    (the time-delay check was relaxed on %llu openings: evidence overwritten)\n",
               (unsigned long long)b->relaxed);
    }
    CHECK_EQ(a->violations, 0);
    CHECK_EQ(b->violations, 0);
    CHECK(a->retractions > 0 && b->retractions > 0);

    // The oracle can fail.
    self_check(s, MUT_MANAGER_INVALID, "slot 00's code counted as invalid",
               "the bolt retracted without an enrolled code", &configs[0], "", 4, 0);
    self_check(s, MUT_NO_AUTH, "logins ignored", "without the owner's credential", &configs[0],
               NULL, 0, 4);
    self_check(s, MUT_LONGER_DELAY, "time delay one minute longer",
               "without serving the time delay", &configs[1], "M0#W", 3, 0);
    self_check(s, MUT_LONGER_RECOVERY, "recovery delay one minute longer",
               "without the recovery code and its delay", &configs[6], "*99RQ*99RN#N#", 0, 0);
    self_check(s, MUT_NEVER_SERVED, "nobody ever served the rules", "had not served the rules",
               &configs[0], "M0#D*13M0#05#1#", 0, 0);
    self_check(s, MUT_NO_UNDO, "an opening takes nothing back",
               "an opening took back more wrong tries", &configs[0], "000000#000000#YM0#", 0, 0);
    self_check(s, MUT_NO_QUIET, "a quiet day forgets nothing", "without an opening or a quiet day",
               &configs[0], "000000#000000#WWWM0#Y", 0, 0);

    // The owner's recovery passes the oracle: the new code is learnt, opens,
    // and the old manager code no longer does.
    stats saved = s->st;
    memset(&s->st, 0, sizeof s->st);
    exhaustive(s, &configs[6], "*99RQ*99RN#N#WN#D*14N#ADWM0#", "", 0);
    CHECK_EQ(s->st.violations, 0);
    CHECK_EQ(s->st.recoveries, 1);
    CHECK_EQ(s->st.retractions, 1);
    CHECK(strcmp(s->w.code[0], NEW_CODE) == 0);
    CHECK(s->w.rcode_known); // a new recovery code, shown by *14 and typed back
    printf("owner recovery through *99: %llu recovery, new code opens, old one does not: %s\n",
           (unsigned long long)s->st.recoveries,
           s->st.violations == 0 && s->st.retractions == 1 ? "yes" : "NO");
    s->st = saved;

    ol_hostflash_close(&s->w.r.hf);
    undo_free(&s->u);
    printf("%.1f s (two processes)\n", seconds_since(&t0));
    return check_done("grammar_search");
}
