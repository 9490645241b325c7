// ownerlock — libFuzzer target: the lock engine behind its keypad, with a bolt
// monitor (DESIGN.md invariant 1) and an audit monitor.
//
// A lock is commissioned once per process (manager 482915 in slot 00, user
// 264803 in slot 05, recovery code read off the display and typed back,
// door shut, bolt thrown); every input starts from a copy of that flash image
// and lock state. The input is a little program, one byte per operation,
// readable as text for the seeds (an argument byte '0'..'9' means 0..9):
//   '0'-'9' '*' '#'  a key on the keypad unit, then 200 ms
//   'w' a / 'W' a    wait DURATION[a % 16] (w: stopping at every deadline the
//                    lock asks for, within a budget of ticks; W: one jump)
//   'o' / 'c'        open the door (skipped while the bolt is extended) / shut it
//   'p' a            power off for DURATION[a % 16] and on again (a & 0x80: the
//                    RTC backup cell was flat)
//   'b' a            battery measured: 4000 + 8a mV
//   'r'              remote-disable input toggled
//   'k' a / 'd' a    the code the harness knows for slot a % 32, or its duress
//                    variant, then '#'
//   'D' a            a code from a small dictionary, then '#'
//   'R' / 'g' a      the recovery code the harness read off the display, all
//                    five groups / group a % 5
//   'f' a            '*' and the two digits of a % 100
//   'e' type nd flags fn v0 v1 v2 v3 digits[min(nd, 16)]
//                    a raw ol_event straight into ol_lock_event: any type,
//                    length, digit, function or value (see raw_event)
//   'v' s m x        a raw ENTRY made from the code of slot s, mutated by m, x
//   bytes >= 0x80    a key (byte % 12); other bytes are ignored.
// Oracle (abort() marks a finding; ASan and UBSan watch memory and arithmetic):
//   - the bolt goes from extended to retracted only on an ENTRY whose digits
//     are a code the harness knows to be enrolled, or (duress on) its duress
//     variant; never while the remote disable is asserted, a lockout or a
//     time lock runs; never a user code while users are disabled (*12);
//   - the silent alarm rises only on a duress variant with duress on;
//   - the bolt is never extended with the door open, and is extended again
//     within 7 s once the door is shut;
//   - ol_lock_event returns OL_OK, or OL_ERR_ARG for a malformed raw event;
//     ol_lock_boot returns OL_OK;
//   - audit sequence numbers only grow, every record in the trail reads back;
//   - a recovery is accepted only with the recovery code the harness read.
// The harness learns codes only from the audit trail: user_added and
// code_changed (the ENTRY that caused them is the new code), user_deleted,
// recovery_used (a new manager code), config_changed for *06, *12, *15 and
// the recovery code shown and typed back (99: the groups last typed must be
// the groups shown).
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "frontend/keypad.h"
#include "link/link.h"
#include "ownerlock/lock.h"
#include "ownerlock/recovery.h"

// -DOL_FUZZ_TRACE: print every screen change, to see what a seed does.
#ifdef OL_FUZZ_TRACE
#include <stdio.h>
#endif

#include "fuzz.h"

#define KEY_GAP_MS 200u
#define TICK_BUDGET 400u                                // deadline stops per input ...
#define WAIT_STOPS 40u                                  // ... and per wait; then one jump
#define TIME_BUDGET_MS (10ull * 24u * 3600u * 1000u)    // virtual time per input
#define RELOCK_LIMIT_MS (OL_RELOCK_UNOPENED_MS + 1000u) // bolt back out after this
#define OPS_BUDGET 1500u                                // operations per input

static const uint32_t durations_ms[16] = {
    200u,   1000u,   2000u,   3000u,   5000u,    7000u,    15000u,    31000u,
    61000u, 121000u, 301000u, 601000u, 1801000u, 3661000u, 21600000u, 90000000u,
};

static const char *const dictionary[] = {
    "730519", "918273", "550917",   "604729", "13579246", "8642097531",  "000191", "123456",
    "482916", "264804", "482914",   "999999", "271828",   "31415926535", "482915", "264803",
    "0",      "1",      "20260105", "0930",   "1700",     "05",          "15",     "99",
};
#define DICTIONARY (sizeof dictionary / sizeof dictionary[0])

typedef struct code {
    uint8_t n; // as the event said (may exceed OL_ENTRY_MAX_DIGITS for a raw one)
    uint8_t d[OL_ENTRY_MAX_DIGITS];
} code;

typedef struct world {
    ol_testrng rng;
    ol_vclock clk;
    ol_lock lock;
    ol_keypad kp;
    uint64_t t;      // world time, ms
    uint64_t boot_t; // world time at the last power-up
    uint64_t shut_t; // world time the door was last shut or the bolt last retracted
    bool door_open;
    bool remote;
    ol_bolt bolt;     // as last seen
    bool thrown_open; // thrown at power-up with the door open, not retracted since
    bool alarm;
    ol_outputs shown_out; // as last sent to the keypad
    uint32_t ticks;       // deadline stops used (budget)
    uint64_t start_t;
    // What the harness knows, learnt from the audit trail.
    code slot[OL_SLOTS]; // n == 0: empty
    bool duress;
    bool users_disabled;
    bool recovery_enabled;
    bool recovery_known;
    uint8_t recovery[OL_RECOVERY_GROUPS][OL_RECOVERY_GROUP_DIGITS + 1];
    uint8_t shown[OL_RECOVERY_GROUPS][OL_RECOVERY_GROUP_DIGITS + 1];
    uint8_t shown_mask;
    code groups[OL_RECOVERY_GROUPS]; // the last entries of recovery-group form, oldest first
    uint32_t audit_first, audit_next;
} world;

static ol_hostflash flash;
static ol_platform plat;
static world live, snapshot;
static uint8_t *image; // the flash of the snapshot
static size_t image_bytes;
static bool snapshot_ready;

// ---- helpers --------------------------------------------------------------------

static uint64_t now_of(const world *w) {
    return w->t - w->boot_t;
}

static bool same_code(const code *a, const code *b) {
    if (a->n != b->n || a->n > OL_ENTRY_MAX_DIGITS) {
        return false;
    }
    return memcmp(a->d, b->d, a->n) == 0;
}

static code code_of(const ol_event *ev) {
    code c;
    memset(&c, 0, sizeof c);
    c.n = ev->ndigits;
    memcpy(c.d, ev->digits, ev->ndigits < OL_ENTRY_MAX_DIGITS ? ev->ndigits : OL_ENTRY_MAX_DIGITS);
    return c;
}

// The code typed to open under duress: the last digit + 1 (mod 10).
static code duress_of(const code *c) {
    code v = *c;
    if (v.n > 0 && v.n <= OL_ENTRY_MAX_DIGITS) {
        v.d[v.n - 1] = (uint8_t)((v.d[v.n - 1] + 1u) % 10u);
    }
    return v;
}

// The slot whose known code the entry is (or, duress on, its duress
// variant), or -1.
static int known_slot(const world *w, const code *entry, bool *duress) {
    *duress = false;
    for (int s = 0; s < OL_SLOTS; s++) {
        if (w->slot[s].n != 0 && same_code(&w->slot[s], entry)) {
            return s;
        }
    }
    for (int s = 0; w->duress && s < OL_SLOTS; s++) {
        code v = duress_of(&w->slot[s]);
        if (w->slot[s].n != 0 && same_code(&v, entry)) {
            *duress = true;
            return s;
        }
    }
    return -1;
}

// A number field as the engine reads it.
static uint32_t number_of(const code *c) {
    uint32_t v = 0;
    for (uint8_t i = 0; i < c->n && i < OL_ENTRY_MAX_DIGITS; i++) {
        v = v * 10u + c->d[i];
    }
    return v;
}

// ---- the monitors -------------------------------------------------------------------

static void track_recovery_display(world *w) {
    const ol_outputs *o = ol_lock_outputs(&w->lock);
    const char *l1 = o->line[0], *l2 = o->line[1];
    // "RECOVERY 3/5" over "4821 7"
    if (strncmp(l1, "RECOVERY ", 9) != 0 || strlen(l1) != 12 || l1[10] != '/' ||
        strlen(l2) != OL_RECOVERY_GROUP_DIGITS + 2) {
        return;
    }
    int g = l1[9] - '1';
    REQUIRE(g >= 0 && g < OL_RECOVERY_GROUPS);
    for (int i = 0; i < OL_RECOVERY_GROUP_DIGITS + 2; i++) {
        char c = l2[i];
        if (i == OL_RECOVERY_GROUP_DIGITS) {
            REQUIRE(c == ' ');
            continue;
        }
        REQUIRE(c >= '0' && c <= '9');
        w->shown[g][i < OL_RECOVERY_GROUP_DIGITS ? i : i - 1] = (uint8_t)(c - '0');
    }
    REQUIRE(ol_check_valid(w->shown[g], OL_RECOVERY_GROUP_DIGITS + 1));
    w->shown_mask |= (uint8_t)(1u << g);
}

// The groups last typed are the recovery code the harness knows.
static void require_recovery_typed(const world *w) {
    REQUIRE(w->recovery_enabled);
    if (!w->recovery_known) {
        return; // shown while a message covered the display: cannot tell
    }
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        REQUIRE(w->groups[g].n == OL_RECOVERY_GROUP_DIGITS + 1);
        REQUIRE(memcmp(w->groups[g].d, w->recovery[g], OL_RECOVERY_GROUP_DIGITS + 1) == 0);
    }
}

// What the new audit records say; entry is the ENTRY being handled, or NULL.
static void track_audit(world *w, const code *entry) {
    ol_status st;
    ol_lock_status(&w->lock, &st);
    REQUIRE(st.audit_first_seq <= st.audit_next_seq);
    REQUIRE(st.audit_next_seq >= w->audit_next); // sequence numbers only grow
    REQUIRE(st.audit_first_seq >= w->audit_first);
    uint32_t from = w->audit_next > st.audit_first_seq ? w->audit_next : st.audit_first_seq;
    for (uint32_t seq = from; seq < st.audit_next_seq; seq++) {
        ol_audit_event ev;
        REQUIRE(ol_lock_audit_read(&w->lock, seq, &ev) == OL_OK);
        REQUIRE(ev.seq == seq);
        REQUIRE(ev.kind > 0 && ev.kind < OL_AUDIT_KIND_COUNT);
        switch (ev.kind) {
        case OL_AUDIT_OPEN:
            w->shut_t = w->t; // the relock timer starts again
            break;
        case OL_AUDIT_COMMISSIONED:
        case OL_AUDIT_USER_ADDED:
        case OL_AUDIT_CODE_CHANGED:
            REQUIRE(entry != NULL && ev.slot < OL_SLOTS);
            w->slot[ev.slot] = *entry;
            break;
        case OL_AUDIT_USER_DELETED:
            REQUIRE(ev.slot < OL_SLOTS);
            w->slot[ev.slot].n = 0;
            break;
        case OL_AUDIT_RECOVERY_USED:
            if (ev.arg == 1) { // the recovery code was accepted: the delay runs
                require_recovery_typed(w);
            } else if (ev.arg == 2) { // a new manager code; the recovery code is used up
                REQUIRE(entry != NULL && ev.slot == 0);
                w->slot[0] = *entry;
                w->recovery_enabled = false;
            }
            break;
        case OL_AUDIT_CONFIG_CHANGED:
            if (ev.arg == 6) {
                REQUIRE(entry != NULL);
                w->duress = number_of(entry) != 0;
            } else if (ev.arg == 12) {
                REQUIRE(entry != NULL);
                w->users_disabled = number_of(entry) == 0;
            } else if (ev.arg == 15) {
                require_recovery_typed(w);
                w->recovery_enabled = false;
            } else if (ev.arg == 99) { // a new recovery code, seen to the end, typed back
                w->recovery_enabled = true;
                w->recovery_known = w->shown_mask == (1u << OL_RECOVERY_GROUPS) - 1u;
                memcpy(w->recovery, w->shown, sizeof w->recovery);
                w->shown_mask = 0;
                require_recovery_typed(w); // kept only once the groups shown came back
            }
            break;
        default:
            break;
        }
    }
    w->audit_first = st.audit_first_seq;
    w->audit_next = st.audit_next_seq;
}

// After every call into the lock. entry: the ENTRY just handled (NULL for
// anything else); before: the status just before it.
static void observe(world *w, const code *entry, const ol_status *before) {
    const ol_outputs *o = ol_lock_outputs(&w->lock);
#ifdef OL_FUZZ_TRACE
    static char last[40];
    char now[40];
    snprintf(now, sizeof now, "%-16s|%-16s|%c%c", o->line[0], o->line[1],
             o->bolt == OL_BOLT_EXTENDED ? 'X' : 'o', o->alarm ? '!' : ' ');
    if (strcmp(now, last) != 0) {
        fprintf(stderr, "%10.1f s  %s\n", (double)w->t / 1000.0, now);
        memcpy(last, now, sizeof last);
    }
#endif
    REQUIRE(o->bolt == OL_BOLT_EXTENDED || o->bolt == OL_BOLT_RETRACTED);
    // Never thrown into an open door, except by a power-up (a commissioned lock
    // throws the bolt whatever the door switch says), until it is retracted.
    REQUIRE(!(w->door_open && o->bolt == OL_BOLT_EXTENDED) || w->thrown_open);
    if (o->bolt == OL_BOLT_RETRACTED || !w->door_open) {
        w->thrown_open = false;
    }
    bool duress = false;
    int s = entry ? known_slot(w, entry, &duress) : -1;
    if (w->bolt == OL_BOLT_EXTENDED && o->bolt == OL_BOLT_RETRACTED) {
        // Invariant 1: only a credential the owner set, and only when allowed.
        REQUIRE(entry != NULL && before != NULL);
        REQUIRE(s >= 0);
        REQUIRE(!w->remote);
        REQUIRE(before->lockout_remaining_ms == 0 && before->timelock_remaining_ms == 0);
        REQUIRE(!w->users_disabled || s < OL_MANAGER_SLOTS);
        w->shut_t = w->t;
    }
    if (!w->alarm && o->alarm) {
        REQUIRE(entry != NULL && s >= 0 && duress);
    }
    w->bolt = o->bolt;
    w->alarm = o->alarm;
    track_recovery_display(w);
    track_audit(w, entry);
    // Shut long enough (or an opening long enough ago): the bolt is out.
    if (!w->door_open && w->bolt == OL_BOLT_RETRACTED) {
        REQUIRE(w->t - w->shut_t <= RELOCK_LIMIT_MS);
    }
    if (memcmp(&w->shown_out, o, sizeof *o) != 0) { // the keypad sees every change
        uint8_t msg[OL_MSG_BYTES];
        ol_msg_display(msg, o);
        ol_keypad_receive(&w->kp, msg, sizeof msg);
        w->shown_out = *o;
    }
}

// ---- driving the lock -----------------------------------------------------------

static void tick(world *w) {
    ol_event ev = {.type = OL_EV_TICK};
    w->clk.now_ms = w->t;
    REQUIRE(ol_lock_event(&w->lock, now_of(w), &ev) == OL_OK);
    observe(w, NULL, NULL);
}

// Feed one event. malformed: a raw event the lock may refuse with OL_ERR_ARG.
static void deliver(world *w, const ol_event *ev, bool malformed) {
    ol_status before;
    code entry;
    bool is_entry = ev->type == OL_EV_ENTRY;
    if (is_entry) {
        tick(w); // the status below is the one the entry meets
        ol_lock_status(&w->lock, &before);
        entry = code_of(ev);
        code group = entry;
        // (A raw event's count may exceed the digits it has: that one is
        // refused by the lock as malformed, and no group.)
        while (group.n > OL_RECOVERY_GROUP_DIGITS + 1 && group.n < OL_ENTRY_MAX_DIGITS &&
               group.d[0] == 0) {
            // "a number may come with 0s before it" (a dial enters pairs)
            memmove(group.d, group.d + 1, --group.n);
        }
        if (group.n == OL_RECOVERY_GROUP_DIGITS + 1 &&
            ol_check_valid(group.d, OL_RECOVERY_GROUP_DIGITS + 1)) {
            memmove(&w->groups[0], &w->groups[1], sizeof w->groups - sizeof w->groups[0]);
            w->groups[OL_RECOVERY_GROUPS - 1] = group;
        }
    }
    w->clk.now_ms = w->t;
    ol_err err = ol_lock_event(&w->lock, now_of(w), ev);
    REQUIRE(err == OL_OK || (malformed && err == OL_ERR_ARG));
    observe(w, is_entry ? &entry : NULL, is_entry ? &before : NULL);
}

static void wait(world *w, uint64_t ms, bool stop_at_deadlines) {
    uint64_t spent = w->t - w->start_t;
    if (spent >= TIME_BUDGET_MS) {
        ms = 0;
    } else if (ms > TIME_BUDGET_MS - spent) {
        ms = TIME_BUDGET_MS - spent;
    }
    uint64_t end = w->t + ms, last_stop = UINT64_MAX;
    for (unsigned stops = 0; stop_at_deadlines && stops < WAIT_STOPS && w->ticks < TICK_BUDGET;
         stops++) {
        uint64_t d = ol_lock_next_deadline(&w->lock);
        if (d == UINT64_MAX) {
            break;
        }
        uint64_t at = d + w->boot_t > w->t ? d + w->boot_t : w->t;
        if (at > end || at == last_stop) {
            break;
        }
        w->t = at;
        w->ticks++;
        tick(w);
        last_stop = at;
    }
    w->t = end;
    tick(w);
    ol_keypad_tick(&w->kp, now_of(w));
}

static void key(world *w, char k) {
    uint8_t msg[OL_MSG_BYTES];
    if (ol_keypad_key(&w->kp, now_of(w), k, msg)) {
        ol_event ev;
        REQUIRE(ol_msg_to_event(msg, sizeof msg, &ev) == OL_OK);
        deliver(w, &ev, false);
    }
    wait(w, KEY_GAP_MS, true);
}

static void keys(world *w, const char *s) {
    for (; *s; s++) {
        key(w, *s);
    }
}

static void type_code(world *w, const code *c) {
    for (uint8_t i = 0; i < c->n && i < OL_ENTRY_MAX_DIGITS; i++) {
        key(w, (char)('0' + c->d[i] % 10u));
    }
    key(w, '#');
}

static void type_group(world *w, int g) {
    code c = {.n = OL_RECOVERY_GROUP_DIGITS + 1};
    memcpy(c.d, w->recovery[g], OL_RECOVERY_GROUP_DIGITS + 1);
    type_code(w, &c);
}

static void door(world *w, bool open) {
    if (open && w->bolt == OL_BOLT_EXTENDED) {
        return; // physics: the bolt holds the door
    }
    ol_event ev = {.type = OL_EV_DOOR, .door_open = open};
    if (!open && w->door_open) {
        w->shut_t = w->t;
    }
    w->door_open = open;
    deliver(w, &ev, false);
}

static void power_cycle(world *w, uint64_t off_ms, bool rtc_lost) {
    ol_lock_shutdown(&w->lock);
    w->t += off_ms;
    w->clk.now_ms = w->t;
    w->clk.rtc_lost |= rtc_lost;
    w->boot_t = w->t;
    w->shut_t = w->t;
    w->shown_mask = 0; // a recovery code being shown is gone
    REQUIRE(ol_lock_boot(&w->lock, &plat, 0, w->door_open) == OL_OK);
    w->thrown_open = w->door_open && ol_lock_outputs(&w->lock)->bolt == OL_BOLT_EXTENDED;
    ol_keypad_init(&w->kp);
    memset(&w->shown_out, 0, sizeof w->shown_out);
    w->remote = false; // the input is read again: the lock assumes it released
    // The duress alarm survives the cut (it is saved): only a manager's own code clears it.
    observe(w, NULL, NULL);
}

// ---- raw events ------------------------------------------------------------------

typedef struct cursor {
    const uint8_t *data;
    size_t size, at;
} cursor;

static uint8_t next_byte(cursor *c) {
    return c->at < c->size ? c->data[c->at++] : 0;
}

// A digit argument in a text seed means its value.
static uint8_t next_arg(cursor *c) {
    uint8_t a = next_byte(c);
    return a >= '0' && a <= '9' ? (uint8_t)(a - '0') : a;
}

static bool raw_malformed(const ol_event *ev) {
    if (ev->type < OL_EV_TICK || ev->type > OL_EV_REMOTE_DISABLE) {
        return true;
    }
    if (ev->type == OL_EV_ENTRY) {
        if (ev->ndigits > OL_ENTRY_MAX_DIGITS) {
            return true;
        }
        for (uint8_t i = 0; i < ev->ndigits; i++) {
            if (ev->digits[i] > 9) {
                return true;
            }
        }
    }
    return ev->type == OL_EV_FUNCTION && ev->function > 99;
}

static void deliver_raw(world *w, const ol_event *ev) {
    if (ev->type == OL_EV_DOOR) {
        if (ev->door_open && w->bolt == OL_BOLT_EXTENDED) {
            return; // physics
        }
        if (!ev->door_open && w->door_open) {
            w->shut_t = w->t;
        }
        w->door_open = ev->door_open;
    }
    if (ev->type == OL_EV_REMOTE_DISABLE) {
        w->remote = ev->value != 0;
    }
    deliver(w, ev, raw_malformed(ev));
}

// 'e' type nd flags fn v0 v1 v2 v3 digits...: mostly well-formed values, and
// from the top of each byte's range, anything.
static void raw_event(world *w, cursor *c) {
    static const uint32_t odd_types[8] = {0, 8, 9, 100, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 255};
    ol_event ev;
    memset(&ev, 0, sizeof ev);
    uint8_t t = next_byte(c), nd = next_byte(c), flags = next_byte(c);
    ev.type = t < 0xE0 ? (ol_event_type)(OL_EV_TICK + t % 7u) : (ol_event_type)odd_types[t & 7u];
    ev.ndigits = nd < 0xE0 ? (uint8_t)(nd % (OL_ENTRY_MAX_DIGITS + 1u)) : nd;
    ev.door_open = (flags & 1u) != 0;
    ev.unpaired = (flags & 6u) == 6u;
    ev.function = next_byte(c);
    uint32_t v = next_byte(c);
    v |= (uint32_t)next_byte(c) << 8;
    v |= (uint32_t)next_byte(c) << 16;
    v |= (uint32_t)next_byte(c) << 24;
    ev.value = v;
    uint8_t n = ev.ndigits < OL_ENTRY_MAX_DIGITS ? ev.ndigits : OL_ENTRY_MAX_DIGITS;
    for (uint8_t i = 0; i < n; i++) {
        uint8_t d = next_byte(c);
        ev.digits[i] = d < 0xE0 ? (uint8_t)(d % 10u) : d;
    }
    if (flags & 0x80u) { // garbage behind the digits
        for (uint8_t i = n; i < OL_ENTRY_MAX_DIGITS; i++) {
            ev.digits[i] = flags;
        }
    }
    deliver_raw(w, &ev);
}

// 'v' s m x: a known code, bent: a digit replaced (by anything), a digit
// pushed out of range but equal mod 10, its duress variant spelt out of
// range, a digit more or less, any length, garbage after it.
static void raw_variant(world *w, cursor *c) {
    uint8_t s = next_arg(c), m = next_byte(c), x = next_byte(c);
    code base = w->slot[s % OL_SLOTS];
    for (int i = 0; base.n == 0 && i < OL_SLOTS; i++) {
        base = w->slot[i];
    }
    if (base.n == 0 || base.n > OL_ENTRY_MAX_DIGITS) {
        return;
    }
    ol_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = OL_EV_ENTRY;
    ev.ndigits = base.n;
    memcpy(ev.digits, base.d, base.n);
    uint8_t pos = (uint8_t)((m >> 3) % base.n), last = (uint8_t)(base.n - 1);
    switch (m & 7u) {
    case 0:
        ev.digits[pos] = x;
        break;
    case 1:
        ev.digits[pos] = (uint8_t)(ev.digits[pos] % 10u + 10u * (1u + x % 24u));
        break;
    case 2:
        ev.digits[last] = (uint8_t)((ev.digits[last] + 1u) % 10u + 10u * (x % 25u));
        break;
    case 3:
        if (ev.ndigits < OL_ENTRY_MAX_DIGITS) {
            ev.digits[ev.ndigits++] = x;
        }
        break;
    case 4:
        ev.ndigits--;
        break;
    case 5:
        ev.ndigits = x;
        break;
    case 6:
        for (uint8_t i = ev.ndigits; i < OL_ENTRY_MAX_DIGITS; i++) {
            ev.digits[i] = x;
        }
        break;
    default:
        for (uint8_t i = 0; i < ev.ndigits; i++) {
            ev.digits[i] = (uint8_t)(ev.digits[i] + 10u);
        }
        break;
    }
    deliver_raw(w, &ev);
}

// ---- the program ------------------------------------------------------------------

static void run(world *w, cursor *c) {
    static const char keypad_keys[12] = {'0', '1', '2', '3', '4', '5',
                                         '6', '7', '8', '9', '*', '#'};
    for (unsigned ops = 0; c->at < c->size && ops < OPS_BUDGET; ops++) {
        uint8_t op = next_byte(c);
        if ((op >= '0' && op <= '9') || op == '*' || op == '#') {
            key(w, (char)op);
            continue;
        }
        switch (op) {
        case 'w':
        case 'W':
            wait(w, durations_ms[next_arg(c) % 16u], op == 'w');
            break;
        case 'o':
        case 'c':
            door(w, op == 'o');
            break;
        case 'p': {
            uint8_t a = next_byte(c);
            uint8_t i = (a & 0x7Fu) >= '0' && (a & 0x7Fu) <= '9' ? (a & 0x7Fu) - '0' : a;
            power_cycle(w, durations_ms[i % 16u], (a & 0x80u) != 0);
            break;
        }
        case 'b': {
            ol_event ev = {.type = OL_EV_BATTERY, .value = 4000u + 8u * next_arg(c)};
            deliver(w, &ev, false);
            break;
        }
        case 'r': {
            w->remote = !w->remote;
            ol_event ev = {.type = OL_EV_REMOTE_DISABLE, .value = w->remote};
            deliver(w, &ev, false);
            break;
        }
        case 'k':
        case 'd': {
            code k = w->slot[next_arg(c) % OL_SLOTS];
            if (k.n != 0) {
                if (op == 'd') {
                    k = duress_of(&k);
                }
                type_code(w, &k);
            }
            break;
        }
        case 'D':
            keys(w, dictionary[next_arg(c) % DICTIONARY]);
            key(w, '#');
            break;
        case 'R':
            for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
                type_group(w, g);
            }
            break;
        case 'g':
            type_group(w, next_arg(c) % OL_RECOVERY_GROUPS);
            break;
        case 'f': {
            uint8_t f = next_arg(c) % 100u;
            key(w, '*');
            key(w, (char)('0' + f / 10u));
            key(w, (char)('0' + f % 10u));
            break;
        }
        case 'e':
            raw_event(w, c);
            break;
        case 'v':
            raw_variant(w, c);
            break;
        default:
            if (op >= 0x80) {
                key(w, keypad_keys[op % 12u]);
            }
            break;
        }
    }
}

// ---- the commissioned lock every input starts from -------------------------------------

static void build_snapshot(void) {
    REQUIRE(ol_hostflash_open(&flash, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS) == OL_OK);
    world *w = &live;
    memset(w, 0, sizeof *w);
    ol_testrng_seed(&w->rng, 7);
    w->clk.world_epoch = 1767225600; // 2026-01-01T00:00:00Z
    plat.flash = &flash.flash;
    plat.trng = ol_testrng_fill;
    plat.trng_ctx = &w->rng;
    plat.rtc_now = ol_vclock_rtc;
    plat.rtc_set = ol_vclock_rtc_set;
    plat.rtc_ctx = &w->clk;
    w->door_open = true;
    w->bolt = OL_BOLT_RETRACTED;
    REQUIRE(ol_lock_boot(&w->lock, &plat, 0, true) == OL_OK);
    ol_keypad_init(&w->kp);
    observe(w, NULL, NULL);
    keys(w, "482915#482915#");
    wait(w, 3000, true); // LOCK IS SET UP, then the first group
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        key(w, '#'); // each group read off the display (track_recovery_display)
    }
    REQUIRE(w->shown_mask == (1u << OL_RECOVERY_GROUPS) - 1u);
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) { // typed back: only now is it kept
        code c = {.n = OL_RECOVERY_GROUP_DIGITS + 1};
        memcpy(c.d, w->shown[g], OL_RECOVERY_GROUP_DIGITS + 1);
        type_code(w, &c);
    }
    REQUIRE(w->recovery_enabled && w->recovery_known);
    door(w, false);
    wait(w, 2000, true);
    keys(w, "*02482915#05#264803#264803#");
    wait(w, 3000, true);
    ol_status st;
    ol_lock_status(&w->lock, &st);
    REQUIRE(st.commissioned && st.enrolled == (1u << 0 | 1u << 5));
    REQUIRE(w->slot[0].n == 6 && w->slot[5].n == 6 && w->bolt == OL_BOLT_EXTENDED);
    image_bytes = (size_t)OL_HOST_SECTOR_SIZE * OL_HOST_SECTORS;
    image = malloc(image_bytes);
    REQUIRE(image != NULL);
    memcpy(image, flash.mem, image_bytes);
    w->ticks = 0;
    snapshot = *w;
    snapshot_ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!snapshot_ready) {
        build_snapshot();
    }
    memcpy(flash.mem, image, image_bytes);
    live = snapshot; // plat points at live's generator and clock
    live.start_t = live.t;
    cursor c = {data, size, 0};
    run(&live, &c);
    return 0;
}
