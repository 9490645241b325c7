// A reference model of docs/POLICY.md: who may do what, when, and what it
// changes. Written from that page (and, for the keypad grammar it builds on,
// docs/USER-MANUAL.md), never from src/: it uses only the public types, so
// that it is a second opinion and not a copy of the engine.
//
// The model is a state machine fed the same events as the lock (a field typed
// and ended by '#', '*' NN, '*', the door, power, the inputs, time). It keeps
// what POLICY.md speaks of — the codes each slot holds (as the digit strings
// typed), the rules in force, the wrong-try count and lockout, the time lock,
// the time delay and its window, whether the lock stands open after a served
// opening, the recovery code and a recovery running — and decides at every
// event what the lock is allowed to become. Header-only: one search includes
// it (tests/property/policy_search.c).
//
// Where POLICY.md leaves a choice to the engine (an opening by an override
// slot with no delay in force: did it serve the delay?), the model says the
// decision is open (pm_out.ambiguous) and the caller may take either answer.
//
// Since the second outside evaluation (POLICY.md, "New codes", *02, *08 and
// the recovery): a new code is compared only with another code equal to it or
// with its last digit one up or down, and those checks are rationed
// (OL_CODE_CHECK_BURST, one more per OL_CODE_CHECK_REFILL_MS of powered time);
// *02 clears the slot's override; *08 on a lost clock under a calendar asks
// for a second code; a code typed on a keypad that is not paired stops a
// running recovery and opens nothing; every end of a recovery is recorded
// (pm.rec_log: the recovery_used records the lock must write), a power cut's
// at the next power-up.
//
// The recovery as POLICY.md now states it ("The recovery code on the
// keypad"): it runs from the right *99 code until the new manager code is set
// — its delay, the 10 minutes after it, and the new manager code's two fields
// (PM_REC_FIELDS) — so '*', another function, the field's timeout (5), a
// counted wrong try (4, the fields end with it) and a power cut (8, at the
// next power-up) end it there too, and once the code is set (2) nothing more
// is recorded. The 10 minutes run from the end of the delay, not from when the
// lock noticed it. The recovery's new manager code uses none of the rationed
// checks and is never refused with TOO MANY CHANGES (still TOO LIKE ANOTHER).
//
// Since the third outside evaluation: the ration is per slot — the slot whose
// code opened the function (the login) has its own OL_CODE_CHECK_BURST, and
// one shared hourly refill gives one back to every slot below the burst; a
// code set for a slot by someone other than its holder (*02, the recovery's
// slot 00) clears the slot's override, *01 keeps it; while a lost clock keeps
// a calendar-governed lock shut, *01 and *02 refuse the new code (SET CLOCK
// FIRST, function << 8 | 3 in the trail, nothing used, nothing counted); *14
// and *17 look at the door again when their last field is in; an accepted
// change that makes a rule stricter ends the served state (the lock standing
// open, a running delay or window); the duress alarm survives a power cut and
// is reset only by a manager's own code typed to open.
//
// Since issue 13 (POLICY.md, "How many codes", "New codes", *02, *06, *18):
// ID mode (*18, a setting): every code typed to open or to log in (the second
// code of dual control too) is the slot's two digits, then the code, as one
// entry, and matches only the slot its ID names (an ID of 32 or more, or an
// entry shorter than two digits, matches nothing); new codes, slots, numbers
// and recovery groups are typed without an ID. In ID mode a new code is
// compared with nobody's (no TOO LIKE ANOTHER, no rationed check used, never
// TOO MANY CHANGES; the recovery's new manager code too). Plain mode holds at
// most OL_PLAIN_MAX_CODES codes: each enrolled slot, slot 00 always, twice
// each with duress on; *02 naming an empty slot that would make more, and *06
// turning duress on when it would, are refused TOO MANY CODES (not recorded).
// Turning ID mode on is stricter; turning it off relaxes (served, or the
// recorded refusal), and then is refused DELETE OTHERS (not recorded) unless
// no slot but the giver's own (the login) holds a code. The ration refills
// weekly and the lockouts double up to 12 h: both read from config.h.
//
// Since outside evaluation 7 (POLICY.md, "Wrong tries"): the lockout is a
// function of the count (pm_lockout_of). Since outside evaluation 8, an
// opening takes back wrong tries whosever they were, as many as the count
// holds and the lock has earned: one per OL_PENALTY_UNDO_EARN_MS of powered
// time, at most OL_PENALTY_UNDO_MAX kept, none at power-up (pm.earn counts
// down the powered time to the most kept; each one taken back puts its share
// back on it). A quiet day forgets one: OL_PENALTY_FORGET_MS of powered time without a wrong try
// (restarted by each wrong try and by a power-up) lowers the count by one.
#ifndef OWNERLOCK_POLICY_MODEL_H
#define OWNERLOCK_POLICY_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ownerlock/config.h"
#include "ownerlock/hal.h"
#include "ownerlock/lock.h"
#include "ownerlock/recovery.h"

#define PM_CODE_CAP (OL_ENTRY_MAX_DIGITS + 1) // a code as typed, NUL-terminated
#define PM_MIN_MS 60000u
#define PM_HOUR_MS 3600000u

// Texts a refused relaxation may give (POLICY.md, "The rules that restrict openings").
enum pm_why {
    PM_WHY_TIME_LOCKED = 1u << 0,
    PM_WHY_SET_CLOCK = 1u << 1,
    PM_WHY_REMOTE = 1u << 2,
    PM_WHY_IN_WINDOW = 1u << 3,
    PM_WHY_WHEN_OPEN = 1u << 4,
};

static const char *const pm_why_text[] = {"TIME LOCKED", "SET CLOCK FIRST", "REMOTE DISABLED",
                                          "ONLY IN WINDOW", "ONLY WHEN OPEN"};

enum pm_tri { PM_NO = 0, PM_YES = 1, PM_MAYBE = 2 };

// Where the keypad dialogue stands.
enum pm_stage {
    PM_IDLE = 0,
    PM_FACTORY_CODE, // a new lock: the first manager code
    PM_FACTORY_REPEAT,
    PM_LOGIN,  // a function's first code
    PM_SECOND, // dual control: a second, different, enabled code
    PM_FIELD,  // the function's fields
    PM_RTYPE,  // *99: the recovery code's groups
    PM_RNEW,   // *99 after its delay: the new manager code
    PM_RREPEAT,
    PM_SHOW,     // a new recovery code shown, a group per '#'
    PM_TYPEBACK, // ... and typed back
};

// A recovery running: its delay, the 10 minutes after it, the new manager
// code's fields (after *99 and the code again, until the code is set).
enum pm_rec { PM_REC_NONE = 0, PM_REC_DELAY, PM_REC_READY, PM_REC_FIELDS };

// Kinds of function fields (USER-MANUAL.md, the function table).
enum pm_kind {
    PK_NONE = 0,
    PK_SLOT,     // 00..31
    PK_SLOT_SET, // a slot holding a code, never the last manager
    PK_SLOT_NEW, // a slot to set a code in: an empty one must fit plain mode's limit
    PK_NEW,      // a new code for the target slot
    PK_REPEAT,   // the same again
    PK_CONFIRM,  // '#' alone
    PK_NUM,      // min..max
    PK_HHMM,     // 0000..2400
    PK_DATE,     // YYYYMMDD (0 clears, where allowed)
    PK_GROUPS,   // the recovery code, five groups
    PK_VIEW,     // the audit view: '#' pages
};

typedef struct pm_fn {
    uint8_t number;
    bool manager; // else any enabled code, own slot
    bool second;  // under dual control a second code
    bool door;    // only with the door open
    bool battery; // refused on a critically low battery
    uint8_t nfields;
    uint8_t kind[4];
    uint16_t min[4], max[4];
} pm_fn;

// POLICY.md, "Functions": who, 2nd, door, battery; the fields from the manual.
static const pm_fn pm_functions[] = {
    {1, false, true, false, true, 2, {PK_NEW, PK_REPEAT}, {0}, {0}},
    {2, true, true, false, true, 3, {PK_SLOT_NEW, PK_NEW, PK_REPEAT}, {0}, {0}},
    {3, true, true, false, true, 2, {PK_SLOT_SET, PK_CONFIRM}, {0}, {0}},
    {4,
     true,
     true,
     false,
     true,
     2,
     {PK_NUM, PK_NUM},
     {0, OL_WINDOW_MIN_MIN},
     {OL_DELAY_MAX_MIN, OL_WINDOW_MAX_MIN}},
    {5, true, true, false, true, 1, {PK_NUM}, {0}, {1}},
    {6, true, true, false, true, 1, {PK_NUM}, {0}, {1}},
    {7,
     true,
     true,
     false,
     true,
     4,
     {PK_NUM, PK_NUM, PK_HHMM, PK_HHMM},
     {1, 1},
     {7, OL_SCHEDULE_PERIODS}},
    {8, true, true, false, true, 2, {PK_DATE, PK_HHMM}, {1}, {0}},
    {9, true, false, false, false, 1, {PK_VIEW}, {0}, {0}},
    {10, true, true, false, true, 2, {PK_NUM, PK_DATE}, {1, 0}, {OL_HOLIDAYS, 0}},
    {11, true, true, false, true, 1, {PK_NUM}, {1}, {OL_TIMELOCK_MAX_HOURS}},
    {12, true, true, false, true, 1, {PK_NUM}, {0}, {1}},
    {13, true, true, false, true, 2, {PK_SLOT, PK_NUM}, {0, 0}, {0, 1}},
    {14, true, true, true, true, 1, {PK_GROUPS}, {0}, {0}},
    {15, true, true, false, true, 1, {PK_GROUPS}, {0}, {0}},
    {16,
     true,
     true,
     false,
     true,
     1,
     {PK_NUM},
     {OL_RECOVERY_DELAY_MIN_MIN},
     {OL_RECOVERY_DELAY_MAX_MIN}},
    {17, true, true, true, true, 0, {0}, {0}, {0}},
    {18, true, true, false, true, 1, {PK_NUM}, {0}, {1}},
};

static const pm_fn *pm_function(uint8_t number) {
    for (size_t i = 0; i < sizeof pm_functions / sizeof pm_functions[0]; i++) {
        if (pm_functions[i].number == number) {
            return &pm_functions[i];
        }
    }
    return NULL;
}

// A time that runs only while the lock has power (lockout, time lock).
typedef struct pm_countdown {
    uint32_t ms;   // left at base
    uint64_t base; // model time at which ms was exact
} pm_countdown;

typedef struct pm {
    // ---- the world, as the lock sees it
    uint64_t now; // ms, never decreases; only powered time counts down
    bool powered;
    bool door_open;
    bool remote;
    uint32_t battery_mv; // 0: not measured since power-up
    int64_t epoch;       // world seconds at now == 0
    bool rtc_lost;
    int64_t rtc_offset; // lock clock = world + offset
    // ---- what is kept
    char code[OL_SLOTS][PM_CODE_CAP]; // "" when the slot is empty
    ol_settings set;
    bool recovery_enabled;
    uint8_t rcode[OL_RECOVERY_DIGITS]; // the recovery code, as it was shown
    uint32_t failures, last_lockout;   // last_lockout: the lockout the count stands at
    pm_countdown lockout, timelock;
    pm_countdown quiet; // powered time to the next quiet day (while failures > 0)
    // ---- what an opening may take back: powered time until OL_PENALTY_UNDO_MAX
    // are earned (all of it after a power-up: none earned)
    pm_countdown earn;
    uint32_t quiet_forgot; // quiet days that lowered the count (for the caller's counters)
    // ---- the bolt
    bool retracted;
    uint64_t relock_at; // 0: none
    uint8_t stands;     // pm_tri: the lock stands open after a served opening
    // ---- time delay, window, dual control (forgotten by a power cut)
    uint64_t delay_until, window_until; // window_until 0: no delay running
    uint8_t delay_started_min;          // the delay in force when it started
    uint64_t dual_until;                // 0: no first code
    uint8_t dual_first;
    // ---- the keypad dialogue
    uint8_t stage;
    uint64_t deadline; // the dialogue ends with no key until then (0: none)
    uint8_t fn;
    uint8_t field;
    uint8_t actor, target;
    uint32_t val[4];
    char pending[PM_CODE_CAP]; // a new code awaiting its repeat
    uint8_t groups;            // recovery groups typed so far
    uint8_t typed[OL_RECOVERY_DIGITS];
    // ---- recovery running
    uint8_t rec;
    uint64_t rec_until; // delay end (DELAY) or the 10 minutes' end (READY); 0 (FIELDS)
    // ---- a new recovery code being shown
    uint8_t show[OL_RECOVERY_DIGITS];
    uint8_t show_seen; // bit g: group g was read off the display
    uint8_t show_group;
    // ---- new-code checks (POLICY.md, "New codes"): rationed per slot
    uint8_t checks[OL_SLOTS]; // left, per slot that logs in
    pm_countdown refill;      // until one more comes back to each slot below the burst
    // ---- the silent alarm (duress): kept across power cuts
    bool alarm;
    // ---- the recovery_used records the lock must have written since the
    // caller last looked (arg: 1 started ... 8 a power cut ended it)
    uint8_t rec_log[16];
    bool rec_log_optional[16]; // POLICY.md leaves open whether this one is written
    uint8_t nrec_log;
} pm;

// What the model decided about one event.
typedef struct pm_out {
    char note[96];  // the decision, for the trace
    bool ambiguous; // POLICY.md leaves this relaxation open: the refusal is right too
    uint32_t why;   // a refused relaxation: the texts that name a rule standing in the way
    bool relax_refused;
    bool counted;          // a wrong try was counted
    int opened;            // the slot that opened, -1
    int matched;           // the slot whose code (or duress variant) was typed, -1
    bool rationed;         // a new code refused: TOO MANY CHANGES
    bool check_used;       // a new code used one of the rationed checks
    bool unpaired_stopped; // a code on an unpaired keypad stopped a recovery
    bool unpaired_ignored; // an event from an unpaired keypad was refused (keypad_rejected)
    bool clock_refused;    // a new code refused: SET CLOCK FIRST (lost clock under a calendar)
    bool door_refused;     // *14 / *17 found the door shut at their last field
    bool tightened;        // an accepted change made a rule stricter: served ended
    bool too_many;         // TOO MANY CODES | USE ID MODE *18 (plain mode full), not recorded
    bool delete_others;    // DELETE OTHERS | TO LEAVE ID MODE (*18 0), not recorded
    uint8_t undone;        // an opening: the wrong tries it took back
} pm_out;

// ---- small helpers ------------------------------------------------------------------

static uint32_t pm_left(const pm *m, const pm_countdown *c) {
    uint64_t served = m->now - c->base;
    return served >= c->ms ? 0 : (uint32_t)(c->ms - served);
}

static void pm_set_countdown(pm *m, pm_countdown *c, uint32_t ms) {
    c->ms = ms;
    c->base = m->now;
}

static uint32_t pm_rtc(const pm *m) {
    if (m->rtc_lost) {
        return OL_RTC_LOST;
    }
    return (uint32_t)(m->epoch + (int64_t)(m->now / 1000u) + m->rtc_offset);
}

static bool pm_enrolled(const pm *m, int slot) {
    return m->code[slot][0] != '\0';
}

static uint32_t pm_enrolled_mask(const pm *m) {
    uint32_t mask = 0;
    for (int s = 0; s < OL_SLOTS; s++) {
        mask |= pm_enrolled(m, s) ? 1u << s : 0;
    }
    return mask;
}

// POLICY.md, "How many codes": may these slots hold codes under these
// settings? Always in ID mode; in plain mode at most OL_PLAIN_MAX_CODES,
// each enrolled slot and slot 00 (enrolled or not) counting once, or twice
// with duress on.
static bool pm_codes_fit(uint32_t enrolled, bool duress, bool id_mode) {
    uint32_t codes = 0;
    for (int s = 0; s < OL_SLOTS; s++) {
        codes += ((enrolled | 1u) >> s) & 1u;
    }
    return id_mode || codes * (duress ? 2u : 1u) <= OL_PLAIN_MAX_CODES;
}

static bool pm_is_manager(int slot) {
    return slot < OL_MANAGER_SLOTS;
}

// POLICY.md, *05 / *03 / *12: dual control never with fewer than two usable
// codes (managers', and users' unless disabled).
static bool pm_dual_possible(uint32_t enrolled, bool users_disabled) {
    int usable = 0;
    for (int s = 0; s < OL_SLOTS; s++) {
        usable += (enrolled >> s & 1u) && (pm_is_manager(s) || !users_disabled);
    }
    return usable >= 2;
}

static bool pm_disabled(const pm *m, int slot) {
    return !pm_is_manager(slot) && m->set.users_disabled;
}

static bool pm_battery_critical(const pm *m) {
    return m->battery_mv != 0 && m->battery_mv < OL_BATTERY_CRITICAL_MV;
}

static bool pm_locked_out(const pm *m) {
    return pm_left(m, &m->lockout) != 0;
}

static bool pm_delay_running(const pm *m) {
    return m->window_until != 0 && m->now < m->delay_until;
}

static bool pm_window_open(const pm *m) {
    return m->window_until != 0 && m->now >= m->delay_until && m->now < m->window_until;
}

// The slot whose code the digits are — or, duress on, whose code with the
// last digit one higher they are (POLICY.md, "The people"); -1 if none. In
// ID mode (USER-MANUAL.md, *18) the entry is the slot's two digits and then
// the code, and only the slot the ID names is compared: an ID of 32 or more,
// an entry shorter than two digits, or a code under another slot's ID (or
// none) matches nothing.
static int pm_match(const pm *m, const char *digits, bool *duress) {
    size_t n = strlen(digits);
    int from = 0, to = OL_SLOTS;
    *duress = false;
    if (m->set.id_mode) {
        if (n < 2) {
            return -1;
        }
        int id = (digits[0] - '0') * 10 + (digits[1] - '0');
        if (id >= OL_SLOTS) {
            return -1;
        }
        digits += 2;
        n -= 2;
        from = id;
        to = id + 1;
    }
    for (int s = from; s < to && n > 0; s++) {
        if (strcmp(m->code[s], digits) == 0) {
            return s;
        }
    }
    for (int s = from; s < to && n > 0 && m->set.duress; s++) {
        const char *c = m->code[s];
        if (strlen(c) == n && memcmp(c, digits, n - 1) == 0 &&
            digits[n - 1] == (char)('0' + (c[n - 1] - '0' + 1) % 10)) {
            *duress = true;
            return s;
        }
    }
    return -1;
}

// USER-MANUAL.md, "Codes and slots": the refusals of a new code for `target`.
enum pm_code_rule { PM_CODE_OK = 0, PM_CODE_LENGTH, PM_CODE_SIMPLE, PM_CODE_CLOSE };

static bool pm_trivial(const char *c) {
    size_t n = strlen(c);
    bool same = true, up = true, down = true;
    for (size_t i = 1; i < n; i++) {
        int a = c[i - 1] - '0', b = c[i] - '0';
        same &= a == b;
        up &= b == (a + 1) % 10;
        down &= b == (a + 9) % 10;
    }
    return same || up || down;
}

// POLICY.md, "New codes": another code is too like `c` only if it is `c`, or
// `c` with its last digit one up or one down (mod 10) — what duress needs.
static bool pm_too_like(const char *other, const char *c) {
    size_t n = strlen(c);
    if (strlen(other) != n || n == 0 || memcmp(other, c, n - 1) != 0) {
        return false;
    }
    int d = (other[n - 1] - c[n - 1] + 10) % 10;
    return d == 0 || d == 1 || d == 9;
}

// The checks of the digits alone (length, triviality): they tell nothing
// about anyone else, and use none of the rationed checks.
static int pm_code_shape(const char *c) {
    size_t n = strlen(c);
    if (n < OL_CODE_MIN_DIGITS || n > OL_CODE_MAX_DIGITS) {
        return PM_CODE_LENGTH;
    }
    return pm_trivial(c) ? PM_CODE_SIMPLE : PM_CODE_OK;
}

// In ID mode a new code is compared with nobody's: only its shape counts.
static int pm_code_rule(const pm *m, int target, const char *c) {
    int shape = pm_code_shape(c);
    if (shape != PM_CODE_OK || m->set.id_mode) {
        return shape;
    }
    for (int s = 0; s < OL_SLOTS; s++) {
        if (s != target && pm_enrolled(m, s) && pm_too_like(m->code[s], c)) {
            return PM_CODE_CLOSE;
        }
    }
    return PM_CODE_OK;
}

// ---- the calendar (USER-MANUAL.md, *07 and *10) ----------------------------------------

static bool pm_schedule_in_force(const ol_settings *set) {
    for (int d = 0; d < 7; d++) {
        for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
            if (set->schedule[d][p][0] != set->schedule[d][p][1]) {
                return true;
            }
        }
    }
    return false;
}

static bool pm_calendar_governs(const ol_settings *set) {
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        if (set->holidays[i] != 0) {
            return true;
        }
    }
    return pm_schedule_in_force(set);
}

// Is minute `minute` of weekday `day` (0 = Monday) open by the schedule alone?
static bool pm_schedule_open(const ol_settings *set, int day, uint32_t minute) {
    if (!pm_schedule_in_force(set)) {
        return true;
    }
    for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
        if (minute >= set->schedule[day][p][0] && minute < set->schedule[day][p][1]) {
            return true;
        }
    }
    return false;
}

// Does the calendar allow this minute (a lost clock allows nothing it governs)?
static bool pm_calendar_allows(const pm *m) {
    if (!pm_calendar_governs(&m->set)) {
        return true;
    }
    uint32_t rtc = pm_rtc(m);
    if (rtc == OL_RTC_LOST) {
        return false;
    }
    uint32_t day = rtc / 86400u;
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        if (m->set.holidays[i] != 0 && m->set.holidays[i] == day) {
            return false;
        }
    }
    return pm_schedule_open(&m->set, (int)((day + 3u) % 7u), rtc % 86400u / 60u); // 1970-01-01: Thu
}

// The rule of the time lock that keeps the lock shut now (*11, the calendar,
// a lost clock under a calendar), as the lock names it; NULL if none does.
static const char *pm_time_locked(const pm *m) {
    if (pm_left(m, &m->timelock) != 0) {
        return "TIME LOCKED";
    }
    if (pm_calendar_governs(&m->set) && pm_rtc(m) == OL_RTC_LOST) {
        return "SET CLOCK FIRST";
    }
    return pm_calendar_allows(m) ? NULL : "TIME LOCKED";
}

// ---- served (POLICY.md, "The rules that restrict openings") --------------------------

// PM_YES, PM_NO, or PM_MAYBE where POLICY.md leaves it open. *why gets the
// texts of the rules that stand in the way when it is not PM_YES.
static int pm_served(const pm *m, uint32_t *why) {
    *why = 0;
    if (pm_left(m, &m->timelock) != 0) {
        *why |= PM_WHY_TIME_LOCKED;
    }
    if (pm_calendar_governs(&m->set)) {
        if (pm_rtc(m) == OL_RTC_LOST) {
            *why |= PM_WHY_SET_CLOCK;
        } else if (!pm_calendar_allows(m)) {
            *why |= PM_WHY_TIME_LOCKED;
        }
    }
    if (m->remote) {
        *why |= PM_WHY_REMOTE;
    }
    int open = PM_NO;
    if (pm_window_open(m)) {
        // A window opened by a shorter delay than the one now in force: has
        // "the time delay in force" run? POLICY.md does not say.
        open = m->delay_started_min == m->set.delay_min ? PM_YES : PM_MAYBE;
    }
    if (m->retracted && m->stands != PM_NO && open != PM_YES) {
        open = m->stands;
    }
    if (open != PM_YES) {
        *why |= m->set.delay_min != 0 ? PM_WHY_IN_WINDOW : PM_WHY_WHEN_OPEN;
    }
    if (*why & (PM_WHY_TIME_LOCKED | PM_WHY_SET_CLOCK | PM_WHY_REMOTE)) {
        return PM_NO;
    }
    return open;
}

// ---- what relaxes (POLICY.md, the "relaxes when" column) ------------------------------

static bool pm_schedule_relaxes(const ol_settings *was, const ol_settings *next) {
    for (int d = 0; d < 7; d++) {
        for (uint32_t minute = 0; minute < 24u * 60u; minute++) {
            if (pm_schedule_open(next, d, minute) && !pm_schedule_open(was, d, minute)) {
                return true;
            }
        }
    }
    return false;
}

static bool pm_settings_relax(const pm *m, const ol_settings *was, const ol_settings *next) {
    // A longer window relaxes only where a delay was in force: without one
    // the window restricts nothing.
    if (next->delay_min < was->delay_min ||
        (was->delay_min != 0 && next->window_min > was->window_min)) {
        return true;
    }
    if (was->dual && !next->dual) {
        return true;
    }
    if (was->users_disabled && !next->users_disabled) {
        return true;
    }
    if ((next->override & ~was->override) != 0) {
        return true;
    }
    if (next->recovery_delay_min < was->recovery_delay_min) {
        return true;
    }
    if (was->id_mode && !next->id_mode) {
        return true; // *18: ID mode turned off
    }
    // "A holiday date is removed or moved": a date that was closed opens
    // (the same date kept in another holiday entry stays closed).
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        bool kept = was->holidays[i] == 0;
        for (int k = 0; k < OL_HOLIDAYS && !kept; k++) {
            kept = next->holidays[k] == was->holidays[i];
        }
        if (!kept) {
            return true;
        }
    }
    (void)m;
    return pm_schedule_relaxes(was, next);
}

// ---- the penalty (POLICY.md, "Wrong tries"; USER-MANUAL.md, lockout) --------------------

// A recovery_used record the lock must write (optional: POLICY.md leaves it open).
static void pm_rec_log(pm *m, uint8_t arg, bool optional) {
    if (m->nrec_log < sizeof m->rec_log) {
        m->rec_log[m->nrec_log] = arg;
        m->rec_log_optional[m->nrec_log++] = optional;
    }
}

static void pm_end_dialogue(pm *m);

// A running recovery ends, recorded with `why` ("each end is recorded"). In
// the new manager code's fields it ends them too: no new manager code after it.
static void pm_end_recovery(pm *m, uint8_t why) {
    if (m->rec != PM_REC_NONE) {
        pm_rec_log(m, why, false);
    }
    if (m->rec == PM_REC_FIELDS && (m->stage == PM_RNEW || m->stage == PM_RREPEAT)) {
        pm_end_dialogue(m);
    }
    m->rec = PM_REC_NONE;
    m->rec_until = 0;
}

// The typing of *99 ends without a new manager code ('*', another function,
// the field timed out): a running recovery ends (5) — in its delay's 10
// minutes (the groups) or in the new manager code's fields alike.
static void pm_end_recovery_typing(pm *m) {
    if (m->rec != PM_REC_DELAY) { // a delay goes on through '*' (*99 typed again in it)
        pm_end_recovery(m, 5);
    }
}

// ---- the ration of new-code checks (POLICY.md, "New codes") --------------------------

static bool pm_checks_full(const pm *m) {
    for (int s = 0; s < OL_SLOTS; s++) {
        if (m->checks[s] < OL_CODE_CHECK_BURST) {
            return false;
        }
    }
    return true;
}

// A new code that passed its shape checks is about to be compared with the
// others: on a commissioned lock that uses one of the checks of the slot
// that logged in (m->actor: the holder in *01, the manager in *02); false
// (TOO MANY CHANGES, nothing changed, no wrong try) when it has none left.
// The refill hour starts when the first slot goes below the burst. m->target
// is the slot the code is for (the actor's own in *01).
static bool pm_use_check(pm *m, pm_out *o) {
    if (!(m->code[0][0] || m->code[1][0])) {
        return true; // commissioning uses none
    }
    if (m->checks[m->actor] == 0) {
        o->rationed = true;
        return false;
    }
    if (pm_checks_full(m)) {
        pm_set_countdown(m, &m->refill, OL_CODE_CHECK_REFILL_MS);
    }
    m->checks[m->actor]--;
    o->check_used = true;
    return true;
}

// The absolute time at which one more check comes back (UINT64_MAX: none).
static uint64_t pm_refill_at(const pm *m) {
    if (pm_checks_full(m)) {
        return UINT64_MAX;
    }
    return m->refill.base + m->refill.ms;
}

// POLICY.md, "Wrong tries": the lockout at count k — none below
// OL_PENALTY_FREE_TRIES, then OL_PENALTY_FIRST_MS doubling per try up to
// OL_PENALTY_MAX_MS.
static uint32_t pm_lockout_of(uint32_t k) {
    if (k < OL_PENALTY_FREE_TRIES) {
        return 0;
    }
    uint64_t ms = OL_PENALTY_FIRST_MS;
    for (uint32_t i = OL_PENALTY_FREE_TRIES; i < k && ms < OL_PENALTY_MAX_MS; i++) {
        ms *= 2u;
    }
    return ms > OL_PENALTY_MAX_MS ? OL_PENALTY_MAX_MS : (uint32_t)ms;
}

// A counted wrong try: the lockout is the new count's; the quiet day starts
// again.
static void pm_wrong_try(pm *m, pm_out *o) {
    m->failures++;
    uint32_t lockout = pm_lockout_of(m->failures);
    m->last_lockout = lockout;
    if (lockout != 0) {
        pm_set_countdown(m, &m->lockout, lockout);
    }
    pm_set_countdown(m, &m->quiet, OL_PENALTY_FORGET_MS);
    pm_end_recovery(m, 4); // "a running recovery ends on ... any wrong try"
    o->counted = true;
}

// An opening: wrong tries taken back, whosever they were, as many as the
// count holds and the lock has earned; each puts its share of powered time
// back on the countdown to the most kept.
static uint8_t pm_take_back(pm *m) {
    const uint32_t full = OL_PENALTY_UNDO_MAX * OL_PENALTY_UNDO_EARN_MS;
    uint32_t left = pm_left(m, &m->earn);
    uint32_t earned = (full - left) / OL_PENALTY_UNDO_EARN_MS;
    uint32_t back = m->failures < earned ? m->failures : earned;
    m->failures -= back;
    m->last_lockout = pm_lockout_of(m->failures);
    pm_set_countdown(m, &m->earn, left + back * OL_PENALTY_UNDO_EARN_MS);
    return (uint8_t)back;
}

// A valid code was checked: it is not counted and clears nothing, but it
// ends a running recovery ("any valid code").
static void pm_valid_code(pm *m) {
    pm_end_recovery(m, 3);
}

static void pm_note(pm_out *o, const char *text) {
    size_t n = strlen(o->note);
    if (n + 3 < sizeof o->note) {
        if (n) {
            o->note[n++] = ';';
            o->note[n++] = ' ';
        }
        size_t k = strlen(text);
        if (n + k >= sizeof o->note) {
            k = sizeof o->note - n - 1;
        }
        memcpy(o->note + n, text, k);
        o->note[n + k] = '\0';
    }
}

static void pm_end_dialogue(pm *m) {
    m->stage = PM_IDLE;
    m->deadline = 0;
    m->fn = 0;
    m->field = 0;
    m->groups = 0;
    m->pending[0] = '\0';
}

// ---- the bolt -----------------------------------------------------------------------

static void pm_throw_bolt(pm *m) {
    m->relock_at = 0;
    if (!m->retracted || m->door_open) {
        return;
    }
    m->retracted = false;
    m->stands = PM_NO; // "until the bolt is thrown again"
}

// ---- time ---------------------------------------------------------------------------

// The absolute time of the next quiet day (UINT64_MAX: nothing to forget).
static uint64_t pm_quiet_at(const pm *m) {
    if (m->failures == 0 || !m->powered) {
        return UINT64_MAX;
    }
    return m->quiet.base + m->quiet.ms;
}

// The earliest time after which something changes by itself (UINT64_MAX: none).
static uint64_t pm_next_deadline(const pm *m) {
    uint64_t quiet = pm_quiet_at(m);
    uint64_t t[10] = {m->relock_at,
                      m->deadline,
                      m->window_until,
                      m->dual_until,
                      m->rec_until,
                      0,
                      0,
                      0,
                      pm_refill_at(m),
                      quiet == UINT64_MAX ? 0 : quiet};
    if (m->window_until != 0 && m->now < m->delay_until) {
        t[5] = m->delay_until;
    }
    if (pm_left(m, &m->lockout) != 0) {
        t[6] = m->now + pm_left(m, &m->lockout);
    }
    if (pm_left(m, &m->timelock) != 0) {
        t[7] = m->now + pm_left(m, &m->timelock);
    }
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < 10; i++) {
        if (t[i] != 0 && t[i] < next) {
            next = t[i];
        }
    }
    return next;
}

// Let powered time pass to `now`, one expiry at a time, in the order they fall.
static void pm_advance(pm *m, uint64_t now) {
    while (m->powered) {
        uint64_t refill = pm_refill_at(m), quiet = pm_quiet_at(m);
        uint64_t t[7] = {m->relock_at,
                         m->deadline,
                         m->window_until,
                         m->dual_until,
                         m->rec_until,
                         refill == UINT64_MAX ? 0 : refill,
                         quiet == UINT64_MAX ? 0 : quiet};
        int first = -1;
        for (int i = 0; i < 7; i++) {
            if (t[i] != 0 && t[i] <= now && (first < 0 || t[i] < t[first])) {
                first = i;
            }
        }
        if (first < 0) {
            break;
        }
        m->now = t[first] > m->now ? t[first] : m->now;
        switch (first) {
        case 0:
            pm_throw_bolt(m);
            break;
        case 1:
            // A function, *99 typing or a shown recovery code with no key:
            // it ends with nothing changed (a shown code is not kept).
            if (m->stage == PM_RTYPE || m->stage == PM_RNEW || m->stage == PM_RREPEAT) {
                pm_end_recovery_typing(m);
            }
            pm_end_dialogue(m);
            break;
        case 2:
            m->delay_until = 0; // the window closed unused
            m->window_until = 0;
            break;
        case 3:
            m->dual_until = 0;
            break;
        case 4:
            if (m->rec == PM_REC_DELAY) {
                // *99 and the code again within 10 minutes of the delay's end
                // (rec_until), not of whenever the lock noticed: a late look
                // may find READY and EXPIRED at once (this loop, twice).
                m->rec = PM_REC_READY;
                m->rec_until += OL_RECOVERY_WINDOW_MS;
                pm_rec_log(m, 7, false);
            } else {
                if (m->stage == PM_RTYPE) {
                    pm_end_dialogue(m); // the *99 being typed ends with it
                }
                pm_end_recovery(m, 6); // not typed again within 10 minutes
            }
            break;
        case 5:
            // One more new-code check to every slot below the burst, and
            // the next hour starts if one still is.
            for (int s = 0; s < OL_SLOTS; s++) {
                m->checks[s] += m->checks[s] < OL_CODE_CHECK_BURST;
            }
            if (!pm_checks_full(m)) {
                pm_set_countdown(m, &m->refill, OL_CODE_CHECK_REFILL_MS);
            }
            break;
        case 6:
            // A quiet day: one wrong try forgotten (kept), the next day starts.
            m->failures--;
            m->last_lockout = pm_lockout_of(m->failures);
            m->quiet_forgot++;
            pm_set_countdown(m, &m->quiet, OL_PENALTY_FORGET_MS);
            break;
        }
    }
    if (now > m->now) {
        m->now = now;
    }
}

// ---- power, door, inputs --------------------------------------------------------------

static void pm_init(pm *m, int64_t epoch, bool door_open) {
    memset(m, 0, sizeof *m);
    m->epoch = epoch;
    m->powered = true;
    m->door_open = door_open;
    m->retracted = true; // a new lock keeps its bolt retracted
    m->stage = PM_FACTORY_CODE;
    m->set.window_min = OL_WINDOW_DEFAULT_MIN;
    m->set.recovery_delay_min = OL_RECOVERY_DELAY_DEFAULT_MIN;
    memset(m->checks, OL_CODE_CHECK_BURST, sizeof m->checks);
    pm_set_countdown(m, &m->quiet, OL_PENALTY_FORGET_MS);
    pm_set_countdown(m, &m->earn, OL_PENALTY_UNDO_MAX * OL_PENALTY_UNDO_EARN_MS);
}

static bool pm_commissioned(const pm *m) {
    return pm_enrolled(m, 0) || pm_enrolled(m, 1);
}

static void pm_power_off(pm *m, uint64_t now) {
    pm_advance(m, now);
    m->lockout.ms = pm_left(m, &m->lockout);
    m->timelock.ms = pm_left(m, &m->timelock);
    m->refill.ms = pm_left(m, &m->refill);
    m->powered = false;
}

// Power returns: a commissioned lock throws its bolt (even with the door
// open); every delay, window, dialogue and running recovery is forgotten,
// and a shown recovery code is not kept. Countdowns go on from where they
// were; the caller may find them up to a checkpoint longer (lengthened, never
// shortened) and adopt that. The hour towards the next new-code check: "the
// partial hour is lost at a power cut" — the caller may find it anywhere from
// where it was up to a full hour, and adopts that.
// A recovery that was running — in its delay, its 10 minutes or the new
// manager code's fields — is ended by the cut, recorded at power-up (8).
static void pm_power_on(pm *m, uint64_t now, bool door_open) {
    m->now = now;
    m->powered = true;
    m->door_open = door_open;
    m->lockout.base = now;
    m->timelock.base = now;
    m->refill.base = now;
    pm_set_countdown(m, &m->quiet, OL_PENALTY_FORGET_MS); // the part before the cut is lost
    pm_set_countdown(m, &m->earn, OL_PENALTY_UNDO_MAX * OL_PENALTY_UNDO_EARN_MS); // none earned
    m->battery_mv = 0;
    m->remote = false;
    m->relock_at = 0;
    m->stands = PM_NO;
    m->delay_until = m->window_until = 0;
    m->dual_until = 0;
    pm_end_recovery(m, 8);
    pm_end_dialogue(m);
    if (pm_commissioned(m)) {
        m->retracted = false;
    } else {
        m->retracted = true;
        m->stage = PM_FACTORY_CODE;
    }
}

static void pm_door(pm *m, bool open) {
    m->door_open = open;
    if (open) {
        m->relock_at = 0;
    } else {
        if (pm_commissioned(m) && m->retracted) {
            m->relock_at = m->now + OL_RELOCK_AFTER_CLOSE_MS;
        }
        if (m->stage == PM_SHOW || m->stage == PM_TYPEBACK) {
            pm_end_dialogue(m); // "Closing the door ... ends the showing, nothing is kept"
        }
        if (m->stage == PM_FACTORY_REPEAT) {
            m->stage = PM_FACTORY_CODE;
        }
    }
}

static void pm_battery(pm *m, uint32_t mv) {
    m->battery_mv = mv;
}

static void pm_remote(pm *m, bool on) {
    m->remote = on;
}

static void pm_lose_clock(pm *m) {
    m->rtc_lost = true;
}

// ---- openings (POLICY.md, "Openings") ----------------------------------------------------

static void pm_open_attempt(pm *m, const char *digits, pm_out *o) {
    bool duress;
    int slot = pm_match(m, digits, &duress);
    o->matched = slot;
    if (slot < 0) {
        pm_wrong_try(m, o);
        pm_note(o, "WRONG CODE: counted");
        return;
    }
    pm_valid_code(m);
    // The duress alarm: raised by any duress code, reset by a manager's own
    // code typed to open, whether it then opens or not (POLICY.md, "The people").
    if (duress) {
        m->alarm = true;
    } else if (pm_is_manager(slot)) {
        m->alarm = false;
    }
    if (pm_disabled(m, slot)) {
        pm_note(o, "CODE DISABLED");
        return;
    }
    if (m->remote) {
        pm_note(o, "REMOTE DISABLED");
        return;
    }
    if (pm_left(m, &m->timelock) != 0 || !pm_calendar_allows(m)) {
        pm_note(o, "TIME LOCKED / SET CLOCK FIRST");
        return;
    }
    bool override = (m->set.override >> slot) & 1u;
    bool window = false;
    if (m->set.delay_min != 0 && !override) {
        if (pm_delay_running(m)) {
            pm_note(o, "TIME DELAY running");
            return;
        }
        if (!pm_window_open(m)) {
            m->delay_until = m->now + (uint64_t)m->set.delay_min * PM_MIN_MS;
            m->window_until = m->delay_until + (uint64_t)m->set.window_min * PM_MIN_MS;
            m->delay_started_min = m->set.delay_min;
            m->dual_until = 0; // a first code of before does not carry into the delay
            pm_note(o, "TIME DELAY started");
            return;
        }
        window = true;
    }
    if (m->set.dual) {
        // POLICY.md: a first code counts only while it could still be given
        // (its slot not deleted, its user not disabled since).
        bool first_stands = pm_enrolled(m, m->dual_first) && !pm_disabled(m, m->dual_first);
        if (m->dual_until == 0 || !first_stands) {
            m->dual_first = (uint8_t)slot;
            m->dual_until = m->now + OL_DUAL_WINDOW_MS;
            pm_note(o, "SECOND CODE");
            return;
        }
        if (slot == m->dual_first) {
            pm_note(o, "NEED OTHER CODE");
            return;
        }
        m->dual_until = 0;
    }
    // Opens: wrong tries taken back, as far as earned.
    o->undone = pm_take_back(m);
    m->retracted = true;
    m->relock_at = m->door_open ? 0 : m->now + OL_RELOCK_UNOPENED_MS;
    int served;
    if (!override) {
        served = window && m->delay_started_min != m->set.delay_min ? PM_MAYBE : PM_YES;
    } else if (m->set.delay_min == 0 || pm_window_open(m)) {
        served = PM_MAYBE; // nothing was skipped: POLICY.md leaves it open
    } else {
        served = PM_NO; // skipped the delay by the override
    }
    m->stands = (uint8_t)served;
    m->delay_until = 0; // the window ends at its first opening
    m->window_until = 0;
    o->opened = slot;
    pm_note(o, served == PM_YES  ? "OPEN (served)"
               : served == PM_NO ? "OPEN (override, not served)"
                                 : "OPEN (served?)");
    if (o->undone != 0) {
        pm_note(o, "wrong tries taken back");
    }
}

// ---- functions -------------------------------------------------------------------------

// "A number may come with 0s before it" (a dial enters digits in pairs): the
// ones that make it longer than its field are skipped.
static const char *pm_unpad(const char *digits, size_t width) {
    // Not a full field: the keypad keeps OL_ENTRY_MAX_DIGITS, so one may be cut.
    while (strlen(digits) > width && strlen(digits) < OL_ENTRY_MAX_DIGITS && digits[0] == '0') {
        digits++;
    }
    return digits;
}

static bool pm_parse(const char *digits, size_t max_digits, uint32_t *v) {
    digits = pm_unpad(digits, max_digits);
    size_t n = strlen(digits);
    if (n < 1 || n > max_digits) {
        return false;
    }
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        *v = *v * 10u + (uint32_t)(digits[i] - '0');
    }
    return true;
}

static bool pm_leap(uint32_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint32_t pm_month_days(uint32_t y, uint32_t mo) {
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mo == 2 && pm_leap(y) ? 29u : days[mo - 1];
}

// Days since 1970 of YYYYMMDD, or -1 if it is no date the lock keeps.
static int64_t pm_date(uint32_t v) {
    uint32_t y = v / 10000u, mo = v / 100u % 100u, d = v % 100u;
    if (y < 1970 || y > 2105 || mo < 1 || mo > 12 || d < 1 || d > pm_month_days(y, mo)) {
        return -1;
    }
    int64_t days = d - 1;
    for (uint32_t year = 1970; year < y; year++) {
        days += pm_leap(year) ? 366 : 365;
    }
    for (uint32_t month = 1; month < mo; month++) {
        days += pm_month_days(y, month);
    }
    return days;
}

// Checks one field as the manual describes it; NULL or the refusal.
static const char *pm_take_field(pm *m, const pm_fn *f, const char *digits) {
    uint8_t k = f->kind[m->field];
    uint32_t v = 0;
    size_t n = strlen(digits);
    switch (k) {
    case PK_SLOT:
    case PK_SLOT_SET:
    case PK_SLOT_NEW:
        if (!pm_parse(digits, 2, &v) || v >= OL_SLOTS) {
            return "NO SUCH SLOT";
        }
        if (k == PK_SLOT_NEW &&
            !pm_codes_fit(pm_enrolled_mask(m) | 1u << v, m->set.duress, m->set.id_mode)) {
            return "TOO MANY CODES"; // USE ID MODE *18: plain mode is full
        }
        if (v == 0 && !m->recovery_enabled && (m->actor != 0 || k == PK_SLOT_SET)) {
            return "SLOT 00: OWNER'S"; // "nobody else may set or delete slot 00"; *03: nobody
        }
        if (k == PK_SLOT_SET && !pm_enrolled(m, (int)v)) {
            return "SLOT EMPTY";
        }
        if (k == PK_SLOT_SET && pm_is_manager((int)v) && !pm_enrolled(m, (int)(v ^ 1u))) {
            return "LAST MANAGER"; // "never the last manager"
        }
        if (k == PK_SLOT_SET && m->set.dual &&
            !pm_dual_possible(pm_enrolled_mask(m) & ~(1u << v), m->set.users_disabled)) {
            return "DUAL CONTROL"; // NEEDS 2 CODES
        }
        m->target = (uint8_t)v;
        break;
    case PK_CONFIRM:
        if (n != 0) {
            return "NOT CONFIRMED";
        }
        break;
    case PK_NUM: {
        uint16_t max = f->max[m->field];
        if (!pm_parse(digits,
                      max >= 1000  ? 4
                      : max >= 100 ? 3
                                   : 2,
                      &v) ||
            v < f->min[m->field] || v > max) {
            return "OUT OF RANGE";
        }
        break;
    }
    case PK_HHMM:
        if (strlen(pm_unpad(digits, 4)) != 4 || !pm_parse(digits, 4, &v) || v % 100u > 59u ||
            v > 2400u) {
            return "BAD TIME HHMM";
        }
        v = v / 100u * 60u + v % 100u;
        break;
    case PK_DATE: {
        if (!pm_parse(digits, 8, &v)) {
            return "BAD DATE";
        }
        if (v == 0 && f->min[m->field] == 0) {
            break;
        }
        int64_t days = strlen(pm_unpad(digits, 8)) == 8 ? pm_date(v) : -1;
        if (days < 0) {
            return "BAD DATE";
        }
        v = (uint32_t)days;
        break;
    }
    default:
        break;
    }
    m->val[m->field] = v;
    return NULL;
}

static void pm_show_new_code(pm *m) {
    m->stage = PM_SHOW;
    m->show_group = 0;
    m->show_seen = 0;
    m->deadline = m->now + OL_RECOVERY_SHOW_MS;
}

// The last field is in: apply it, if POLICY.md allows it. refuse_open: when
// it leaves open whether the actor has served the rules, refuse (else apply).
static void pm_finish(pm *m, const pm_fn *f, bool refuse_open, pm_out *o) {
    if (f->door && !m->door_open) {
        // *17: the door was shut after the function began (POLICY.md, "door").
        o->door_refused = true;
        pm_end_dialogue(m);
        pm_note(o, "OPEN DOOR FIRST: the door was shut, nothing changed");
        return;
    }
    ol_settings next = m->set;
    uint8_t fn = f->number;
    int relax = 0; // 0 no, 1 yes (by settings), 2 *11 shorter, 3 *08 a governed clock
    switch (fn) {
    case 3:
        m->code[m->target][0] = '\0';
        m->set.override &= ~(1u << m->target); // "deletes a slot ... and its override"
        pm_end_dialogue(m);
        pm_note(o, "CODE DELETED");
        return;
    case 4:
        next.delay_min = (uint8_t)m->val[0];
        next.window_min = (uint8_t)m->val[1];
        break;
    case 5:
        next.dual = m->val[0] != 0;
        break;
    case 6:
        next.duress = m->val[0] != 0;
        break;
    case 7:
        if (m->val[2] >= m->val[3] && !(m->val[2] == 0 && m->val[3] == 0)) {
            pm_end_dialogue(m);
            pm_note(o, "FROM AFTER UNTIL");
            return;
        }
        next.schedule[m->val[0] - 1][m->val[1] - 1][0] = (uint16_t)m->val[2];
        next.schedule[m->val[0] - 1][m->val[1] - 1][1] = (uint16_t)m->val[3];
        break;
    case 8:
        if (m->val[1] >= 24u * 60u) {
            pm_end_dialogue(m);
            pm_note(o, "BAD TIME HHMM");
            return;
        }
        relax = pm_rtc(m) != OL_RTC_LOST && pm_calendar_governs(&m->set) ? 3 : 0;
        break;
    case 9:
    case 17:
        pm_end_dialogue(m);
        pm_note(o, "done, nothing changed");
        return;
    case 10:
        next.holidays[m->val[0] - 1] = (uint16_t)m->val[1];
        break;
    case 11: {
        uint32_t ms = m->val[0] * PM_HOUR_MS, left = pm_left(m, &m->timelock);
        relax = ms < left ? 2 : 0;
        break;
    }
    case 12:
        next.users_disabled = m->val[0] == 0;
        break;
    case 13:
        next.override =
            m->val[1] ? next.override | (1u << m->target) : next.override & ~(1u << m->target);
        break;
    case 16:
        next.recovery_delay_min = (uint16_t)m->val[0];
        break;
    case 18:
        next.id_mode = m->val[0] != 0;
        break;
    default:
        break;
    }
    if (relax == 0 && pm_settings_relax(m, &m->set, &next)) {
        relax = 1;
    }
    if (relax) {
        uint32_t why;
        int served = pm_served(m, &why);
        if (served == PM_MAYBE) {
            o->ambiguous = true;
            o->why = why;
        }
        if (served == PM_NO || (served == PM_MAYBE && refuse_open)) {
            o->relax_refused = true;
            o->why = why;
            pm_end_dialogue(m);
            pm_note(o, "relaxes, not served: refused");
            return;
        }
        pm_note(o, served == PM_YES ? "relaxes, served: applied" : "relaxes, served?: applied");
    }
    if (fn == 8) {
        uint32_t t = m->val[0] * 86400u + m->val[1] * 60u;
        m->rtc_offset = (int64_t)t - (m->epoch + (int64_t)(m->now / 1000u));
        m->rtc_lost = false;
        pm_end_dialogue(m);
        pm_note(o, "CLOCK SET");
        return;
    }
    // POLICY.md, "How many codes": ID mode is left only while no slot but
    // the giver's own holds a code; then nothing may make plain mode hold
    // more than its limit (duress turned on). Neither refusal is recorded.
    bool leaves_id = m->set.id_mode && !next.id_mode;
    if (leaves_id && (pm_enrolled_mask(m) & ~(1u << m->actor)) != 0) {
        o->delete_others = true;
        pm_end_dialogue(m);
        pm_note(o, "DELETE OTHERS | TO LEAVE ID MODE: nothing changed, not recorded");
        return;
    }
    if (next.dual && !pm_dual_possible(pm_enrolled_mask(m), next.users_disabled)) {
        pm_end_dialogue(m);
        pm_note(o, "DUAL CONTROL");
        return;
    }
    if (((next.duress && !m->set.duress) || leaves_id) &&
        !pm_codes_fit(pm_enrolled_mask(m), next.duress, next.id_mode)) {
        o->too_many = true;
        pm_end_dialogue(m);
        pm_note(o, "TOO MANY CODES | USE ID MODE *18: nothing changed, not recorded");
        return;
    }
    if (fn == 11) {
        pm_set_countdown(m, &m->timelock, m->val[0] * PM_HOUR_MS);
    }
    if (pm_settings_relax(m, &next, &m->set)) {
        // Stricter (the old rules allow something the new ones do not): not
        // served by anyone yet. The lock standing open serves no more, and a
        // running delay or window ends (POLICY.md, "Served").
        m->stands = PM_NO;
        m->delay_until = m->window_until = 0;
        o->tightened = true;
        pm_note(o, "stricter: served ends");
    }
    m->set = next;
    pm_end_dialogue(m);
    pm_note(o, "SAVED");
}

// The next field of the running function (or its end).
static void pm_next_field(pm *m, const pm_fn *f, bool refuse_open, pm_out *o) {
    if (m->field >= f->nfields) {
        pm_finish(m, f, refuse_open, o);
        return;
    }
    m->stage = PM_FIELD;
    if (f->kind[m->field] == PK_GROUPS && !m->recovery_enabled) {
        if (f->number == 15) {
            pm_end_dialogue(m);
            pm_note(o, "NO RECOVERY");
            return;
        }
        if (m->actor != 0) {
            // A code made with no old one makes its holder the owner: slot
            // 00's holder only (who set the lock up, or whom a recovery set).
            pm_end_dialogue(m);
            pm_note(o, "SLOT 00 ONLY");
            return;
        }
        if (!m->door_open) {
            o->door_refused = true; // the door was shut after *14 began
            pm_end_dialogue(m);
            pm_note(o, "OPEN DOOR FIRST: the door was shut, nothing changed");
            return;
        }
        pm_show_new_code(m); // *14 with no recovery code: slot 00's manager alone
        pm_note(o, "new recovery code shown");
    }
}

static void pm_function_key(pm *m, uint8_t number, pm_out *o) {
    if (pm_locked_out(m) || m->stage == PM_SHOW || m->stage == PM_TYPEBACK) {
        pm_note(o, "ignored");
        return;
    }
    if (m->stage == PM_FACTORY_CODE || m->stage == PM_FACTORY_REPEAT) {
        pm_note(o, "SET UP FIRST");
        return;
    }
    if (m->stage == PM_RTYPE || m->stage == PM_RNEW || m->stage == PM_RREPEAT) {
        pm_end_recovery_typing(m); // "another function" ends it (5)
    }
    pm_end_dialogue(m);
    if (number == 99) {
        if (!m->recovery_enabled) {
            pm_note(o, "NO RECOVERY");
        } else if (pm_battery_critical(m)) {
            pm_note(o, "BATTERY LOW");
        } else {
            // Also while the delay runs: the groups are taken, answered after
            // (twelfth outside evaluation).
            m->stage = PM_RTYPE;
            m->groups = 0;
            m->deadline = m->now + OL_MENU_TIMEOUT_MS;
        }
        return;
    }
    const pm_fn *f = pm_function(number);
    if (!f) {
        pm_note(o, "NO FUNCTION");
        return;
    }
    if (f->battery && pm_battery_critical(m)) {
        pm_note(o, "BATTERY LOW");
        return;
    }
    if (f->door && !m->door_open) {
        pm_note(o, "OPEN DOOR FIRST");
        return;
    }
    m->fn = number;
    m->stage = PM_LOGIN;
    m->field = 0;
    m->deadline = m->now + OL_MENU_TIMEOUT_MS;
}

// The five groups of a recovery code, typed one per field; true once all are
// in (then *match says whether they are the recovery code).
static bool pm_take_group(pm *m, const char *digits, bool *match, pm_out *o) {
    uint8_t g[OL_RECOVERY_GROUP_DIGITS + 1];
    digits = pm_unpad(digits, OL_RECOVERY_GROUP_DIGITS + 1);
    size_t n = strlen(digits);
    for (size_t i = 0; i < n && i < sizeof g; i++) {
        g[i] = (uint8_t)(digits[i] - '0');
    }
    if (n != OL_RECOVERY_GROUP_DIGITS + 1 || !ol_check_valid(g, n)) {
        pm_note(o, "TYPO IN GROUP: costs nothing");
        return false;
    }
    memcpy(m->typed + OL_RECOVERY_GROUP_DIGITS * m->groups, g, OL_RECOVERY_GROUP_DIGITS);
    if (++m->groups < OL_RECOVERY_GROUPS) {
        return false;
    }
    m->groups = 0;
    *match = m->recovery_enabled && memcmp(m->typed, m->rcode, OL_RECOVERY_DIGITS) == 0;
    return true;
}

static void pm_function_entry(pm *m, const char *digits, bool refuse_open, pm_out *o) {
    const pm_fn *f = pm_function(m->fn);
    m->deadline = m->now + OL_MENU_TIMEOUT_MS;
    if (m->stage == PM_LOGIN || m->stage == PM_SECOND) {
        bool duress;
        int slot = pm_match(m, digits, &duress);
        o->matched = slot;
        if (slot < 0) {
            pm_wrong_try(m, o);
            pm_end_dialogue(m);
            pm_note(o, "WRONG CODE: counted");
            return;
        }
        pm_valid_code(m); // not counted, clears nothing
        if (duress) {
            m->alarm = true; // forced to program (a function's code resets nothing)
        }
        if (pm_disabled(m, slot)) {
            pm_end_dialogue(m);
            pm_note(o, "CODE DISABLED");
            return;
        }
        if (m->stage == PM_SECOND) {
            if (slot == m->actor) {
                pm_end_dialogue(m);
                pm_note(o, "NEED OTHER CODE");
                return;
            }
            pm_note(o, "second code");
            pm_next_field(m, f, refuse_open, o);
            return;
        }
        if (f->manager && !pm_is_manager(slot)) {
            pm_end_dialogue(m);
            pm_note(o, "NOT A MANAGER");
            return;
        }
        m->actor = m->target = (uint8_t)slot;
        // *08 on a lost clock while a calendar governs: a second, different,
        // enabled code, dual control or not (POLICY.md, *08).
        bool lost_calendar =
            f->number == 8 && pm_rtc(m) == OL_RTC_LOST && pm_calendar_governs(&m->set);
        if ((f->second && m->set.dual) || lost_calendar) {
            m->stage = PM_SECOND;
            pm_note(o, lost_calendar && !m->set.dual ? "login, lost clock: SECOND CODE"
                                                     : "login, SECOND CODE");
            return;
        }
        pm_note(o, "login");
        pm_next_field(m, f, refuse_open, o);
        return;
    }
    uint8_t k = f->kind[m->field];
    if (k == PK_VIEW) {
        return; // '#' pages back; nothing changes
    }
    if (k == PK_NEW && (m->fn == 1 || m->fn == 2) && pm_rtc(m) == OL_RTC_LOST &&
        pm_calendar_governs(&m->set)) {
        // A lost clock keeps a calendar-governed lock shut: no new codes,
        // nothing used, nothing counted (a refused record, fn << 8 | 3).
        o->clock_refused = true;
        pm_end_dialogue(m);
        pm_note(o, "SET CLOCK FIRST: new code refused, nothing changed");
        return;
    }
    if (k == PK_NEW) {
        // In ID mode nothing is compared, so nothing is rationed.
        int rule = pm_code_shape(digits);
        if (rule == PM_CODE_OK && !m->set.id_mode && !pm_use_check(m, o)) {
            pm_end_dialogue(m);
            pm_note(o, "TOO MANY CHANGES: nothing changed, not counted");
            return;
        }
        if (rule == PM_CODE_OK) {
            rule = pm_code_rule(m, m->target, digits);
        }
        if (rule != PM_CODE_OK) {
            if (rule == PM_CODE_CLOSE) {
                pm_wrong_try(m, o); // it tells about another's code
                pm_note(o, "TOO LIKE ANOTHER: counted");
            } else {
                pm_note(o, rule == PM_CODE_LENGTH ? "CODE 6-12 DIGITS" : "CODE TOO SIMPLE");
            }
            pm_end_dialogue(m);
            return;
        }
        memcpy(m->pending, digits, strlen(digits) + 1);
        m->field++;
        return;
    }
    if (k == PK_REPEAT) {
        if (strcmp(digits, m->pending) != 0) {
            pm_end_dialogue(m);
            pm_note(o, "CODES DIFFER");
            return;
        }
        if (m->fn == 2 && m->target != m->actor) {
            // A code set for another's slot (*02), in either mode, gives that
            // slot OL_CODE_CHECK_NEW checks: more are taken away (enrolling
            // slots gives their enroller no burst), fewer made up from the
            // manager's own as far as he has them (tenth outside evaluation).
            uint8_t *to = &m->checks[m->target], *from = &m->checks[m->actor];
            bool full = pm_checks_full(m);
            if (*to > OL_CODE_CHECK_NEW) {
                *to = OL_CODE_CHECK_NEW;
            } else {
                int give = OL_CODE_CHECK_NEW - *to;
                give = give < *from ? give : *from;
                *to = (uint8_t)(*to + give);
                *from = (uint8_t)(*from - give);
            }
            if (full && !pm_checks_full(m)) {
                pm_set_countdown(m, &m->refill, OL_CODE_CHECK_REFILL_MS);
            }
        }
        memcpy(m->code[m->target], m->pending, sizeof m->pending);
        bool dropped = false;
        if (m->fn == 2 && ((m->set.override >> m->target) & 1u)) {
            // *02: the slot's override is not the new holder's (POLICY.md, *02).
            m->set.override &= ~(1u << m->target);
            dropped = true;
        }
        pm_end_dialogue(m);
        pm_note(o, dropped ? "CODE SET, the slot's override cleared" : "CODE SET");
        return;
    }
    if (k == PK_GROUPS) {
        bool match;
        if (!pm_take_group(m, digits, &match, o)) {
            return;
        }
        if (!match) {
            pm_wrong_try(m, o);
            pm_end_dialogue(m);
            pm_note(o, "wrong recovery code: counted");
            return;
        }
        if (m->fn == 15) {
            m->recovery_enabled = false;
            m->set.recovery_off = true;
            pm_end_dialogue(m);
            pm_note(o, "RECOVERY OFF");
            return;
        }
        if (!m->door_open) {
            o->door_refused = true; // shut while the groups were typed
            pm_end_dialogue(m);
            pm_note(o, "recovery code given; OPEN DOOR FIRST: the door was shut, nothing changed");
            return;
        }
        pm_show_new_code(m);
        pm_note(o, "recovery code given: new one shown");
        return;
    }
    const char *bad = pm_take_field(m, f, digits);
    if (bad) {
        o->too_many = strcmp(bad, "TOO MANY CODES") == 0;
        pm_end_dialogue(m);
        pm_note(o, bad);
        return;
    }
    m->field++;
    pm_next_field(m, f, refuse_open, o);
}

// *99: the groups, then (after the delay and *99 with the code again) the new
// manager code twice (POLICY.md, "The recovery code on the keypad").
static void pm_recovery_entry(pm *m, const char *digits, pm_out *o) {
    if (m->stage == PM_RTYPE) {
        m->deadline = m->now + OL_MENU_TIMEOUT_MS;
        bool match;
        if (!pm_take_group(m, digits, &match, o)) {
            return;
        }
        pm_end_dialogue(m);
        if (!match) {
            pm_wrong_try(m, o);
            pm_note(o, "wrong recovery code: counted, recovery ends");
            return;
        }
        if (m->rec == PM_REC_DELAY) {
            pm_note(o, "recovery delay running: nothing");
            return;
        }
        if (m->rec == PM_REC_READY) {
            // Served: still running until the new manager code is set.
            m->rec = PM_REC_FIELDS;
            m->rec_until = 0;
            m->stage = PM_RNEW;
            m->deadline = m->now + OL_MENU_TIMEOUT_MS;
            pm_note(o, "recovery code again: NEW MANAGER CODE");
            return;
        }
        m->rec = PM_REC_DELAY;
        m->rec_until = m->now + (uint64_t)m->set.recovery_delay_min * PM_MIN_MS;
        pm_rec_log(m, 1, false);
        pm_note(o, "recovery delay started");
        return;
    }
    m->deadline = m->now + OL_MENU_TIMEOUT_MS; // each field has its 30 s
    if (m->stage == PM_RNEW) {
        // Its shape only: the comparison with the others waits for the
        // matching repeat (eleventh outside evaluation).
        if (pm_code_shape(digits) != PM_CODE_OK) {
            pm_note(o, "new manager code refused: try again");
            return;
        }
        memcpy(m->pending, digits, strlen(digits) + 1);
        m->stage = PM_RREPEAT;
        return;
    }
    if (strcmp(digits, m->pending) != 0) {
        // The repeat again, never a new first entry (tenth outside
        // evaluation).
        pm_note(o, "CODES DIFFER: repeat it");
        return;
    }
    // Not rationed (the ration is *01's and *02's): no check used, never
    // TOO MANY CHANGES; compared with the others in plain mode (in ID mode
    // with nobody's: pm_code_rule).
    if (pm_code_rule(m, 0, digits) == PM_CODE_CLOSE) {
        pm_wrong_try(m, o); // counted: the recovery ends (4), and its fields
        pm_note(o, "TOO LIKE ANOTHER: counted, recovery ends, NOTHING CHANGED");
        return;
    }
    memcpy(m->code[0], m->pending, sizeof m->pending);
    m->set.override &= ~1u;      // set by someone other than its holder: no override
    m->recovery_enabled = false; // used up; *14 with the door open makes a new one
    m->rec = PM_REC_NONE;        // over: no later end, no power-cut record
    m->rec_until = 0;
    pm_rec_log(m, 2, false);
    pm_end_dialogue(m);
    pm_note(o, "manager slot 00 set by recovery");
}

static void pm_show_entry(pm *m, const char *digits, pm_out *o) {
    m->deadline = m->now + OL_RECOVERY_SHOW_MS;
    if (m->stage == PM_SHOW) {
        if (digits[0] != '\0') {
            return; // only '#' pages
        }
        if (++m->show_group == OL_RECOVERY_GROUPS) {
            m->stage = PM_TYPEBACK;
            m->groups = 0;
            pm_note(o, "shown: now typed back");
        }
        return;
    }
    bool match;
    uint8_t saved[OL_RECOVERY_DIGITS];
    memcpy(saved, m->rcode, sizeof saved);
    bool enabled = m->recovery_enabled;
    // Typed back against the code shown, not the one kept.
    memcpy(m->rcode, m->show, sizeof m->rcode);
    m->recovery_enabled = true;
    bool done = pm_take_group(m, digits, &match, o);
    memcpy(m->rcode, saved, sizeof saved);
    m->recovery_enabled = enabled;
    if (!done) {
        return;
    }
    if (!match) {
        // Not kept. POLICY.md does not say what follows; the lock shows it again.
        m->stage = PM_SHOW;
        m->show_group = 0;
        pm_note(o, "typed back wrong: not kept, shown again");
        return;
    }
    memcpy(m->rcode, m->show, sizeof m->rcode);
    m->recovery_enabled = true;
    m->set.recovery_off = false;
    pm_end_dialogue(m);
    pm_note(o, "typed back: recovery code kept");
}

// A field ended by '#' ("" is '#' alone).
static void pm_entry(pm *m, const char *digits, bool refuse_open, pm_out *o) {
    if (pm_locked_out(m)) {
        pm_note(o, "locked out: ignored");
        return;
    }
    bool empty = digits[0] == '\0';
    bool wants_empty = m->stage == PM_SHOW ||
                       (m->stage == PM_FIELD && (pm_function(m->fn)->kind[m->field] == PK_CONFIRM ||
                                                 pm_function(m->fn)->kind[m->field] == PK_VIEW));
    if (empty && !wants_empty) {
        return; // '#' alone is never a try
    }
    switch (m->stage) {
    case PM_FACTORY_CODE:
        if (!m->door_open) {
            pm_note(o, "OPEN DOOR FIRST");
        } else if (pm_code_rule(m, 0, digits) != PM_CODE_OK) {
            pm_note(o, "code refused");
        } else {
            memcpy(m->pending, digits, strlen(digits) + 1);
            m->stage = PM_FACTORY_REPEAT;
        }
        return;
    case PM_FACTORY_REPEAT:
        m->stage = PM_FACTORY_CODE;
        if (strcmp(digits, m->pending) == 0) {
            memcpy(m->code[0], digits, strlen(digits) + 1);
            pm_show_new_code(m);
            pm_note(o, "LOCK IS SET UP: recovery code shown");
        } else {
            pm_note(o, "CODES DIFFER");
        }
        return;
    case PM_LOGIN:
    case PM_SECOND:
    case PM_FIELD:
        pm_function_entry(m, digits, refuse_open, o);
        return;
    case PM_RTYPE:
    case PM_RNEW:
    case PM_RREPEAT:
        pm_recovery_entry(m, digits, o);
        return;
    case PM_SHOW:
    case PM_TYPEBACK:
        pm_show_entry(m, digits, o);
        return;
    default:
        pm_open_attempt(m, digits, o);
        return;
    }
}

// '*' alone: ends a function, *99 (and the recovery it runs), a shown code;
// on the idle screen anyone may cancel a running time delay.
static void pm_cancel(pm *m, pm_out *o) {
    if (pm_locked_out(m)) {
        return;
    }
    switch (m->stage) {
    case PM_RTYPE:
    case PM_RNEW:
    case PM_RREPEAT:
        pm_end_recovery_typing(m); // "or * in *99"
        pm_end_dialogue(m);
        pm_note(o, "CANCELLED: recovery ends");
        return;
    case PM_LOGIN:
    case PM_SECOND:
    case PM_FIELD:
    case PM_SHOW:
    case PM_TYPEBACK:
        pm_end_dialogue(m);
        pm_note(o, "CANCELLED");
        return;
    case PM_FACTORY_REPEAT:
        m->stage = PM_FACTORY_CODE;
        return;
    case PM_IDLE:
        // "* during the delay cancels it" (USER-MANUAL.md, *04); in the
        // window it cancels nothing.
        if (pm_delay_running(m)) {
            m->delay_until = m->window_until = 0;
            pm_note(o, "DELAY CANCELLED");
        }
        return;
    default:
        return;
    }
}

// ---- a keypad that is not paired (a thief's) ------------------------------------------

// A keypad that is not paired may start a recovery (*99) and type it, pair
// itself with *17 and the door open, and — POLICY.md, "The recovery code on
// the keypad" — while a recovery runs, type a code: it is checked, stops the
// recovery (a valid code: 3, a wrong one: a counted wrong try, 4) and opens
// nothing. Anything else from it changes nothing (keypad_rejected).
static bool pm_unpaired_may_type(const pm *m) {
    switch (m->stage) {
    case PM_RTYPE:
    case PM_RNEW:
    case PM_RREPEAT:
    case PM_SHOW:
    case PM_TYPEBACK:
        return true;
    case PM_LOGIN:
    case PM_SECOND:
    case PM_FIELD:
        return m->fn == 17 && m->door_open;
    case PM_IDLE:
        return m->rec != PM_REC_NONE;
    default:
        return false;
    }
}

static void pm_unpaired_entry(pm *m, const char *digits, bool refuse_open, pm_out *o) {
    if (!pm_unpaired_may_type(m)) {
        o->unpaired_ignored = true;
        pm_note(o, "unpaired keypad: rejected, nothing changes");
        return;
    }
    if (m->stage != PM_IDLE) {
        pm_entry(m, digits, refuse_open, o);
        return;
    }
    if (pm_locked_out(m) || digits[0] == '\0') {
        return;
    }
    bool duress;
    int slot = pm_match(m, digits, &duress);
    o->matched = slot;
    o->unpaired_stopped = true;
    if (slot < 0) {
        pm_wrong_try(m, o);
        pm_note(o, "unpaired keypad, WRONG CODE: counted, recovery stopped");
        return;
    }
    pm_valid_code(m);
    pm_note(o, "unpaired keypad, valid code: RECOVERY STOPPED, opens nothing");
}

static void pm_unpaired_function(pm *m, uint8_t number, pm_out *o) {
    if (number == 99 || (number == 17 && m->door_open)) {
        pm_function_key(m, number, o);
        return;
    }
    o->unpaired_ignored = true;
    pm_note(o, "unpaired keypad: rejected, nothing changes");
}

// The recovery code's group g as the display showed it (4 digits).
static void pm_show_seen(pm *m, uint8_t g, const uint8_t digits[OL_RECOVERY_GROUP_DIGITS]) {
    memcpy(m->show + OL_RECOVERY_GROUP_DIGITS * g, digits, OL_RECOVERY_GROUP_DIGITS);
    m->show_seen |= (uint8_t)(1u << g);
}

// Does the dialogue take a secret now (a code, a recovery code, its type-back,
// or the keys while one is shown)? Those are never echoed.
static bool pm_secret_field(const pm *m) {
    if (pm_locked_out(m)) {
        return false;
    }
    switch (m->stage) {
    case PM_FACTORY_REPEAT:
    case PM_LOGIN:
    case PM_SECOND:
    case PM_RTYPE:
    case PM_RNEW:
    case PM_RREPEAT:
    case PM_SHOW:
    case PM_TYPEBACK:
        return true;
    case PM_FIELD: {
        uint8_t k = pm_function(m->fn)->kind[m->field];
        return k == PK_NEW || k == PK_REPEAT || k == PK_GROUPS;
    }
    default:
        return false;
    }
}

#endif
