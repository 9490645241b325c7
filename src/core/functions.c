// ownerlock — the *NN functions of the keypad grammar.
//
// Every function is a row of one table (docs/POLICY.md is the same table for
// people): who may run it, its fields, and what it does once the last field
// is in. Step 0 is always the login (an enabled code; a manager's for all but
// *01), then, under dual control, a second different enabled code for
// programming functions, then the fields in order. Each field is checked as
// it arrives; any refusal ends the function with nothing changed. A change
// that relaxes a rule restricting openings goes through change_rules(), the
// one gate that asks whether the rules in force have just been served.
#include <string.h>

#include "functions.h"

#include "audit.h"
#include "credentials.h"
#include "dual.h"
#include "duress.h"
#include "enrol.h"
#include "opening.h"
#include "ownerlock/crypto.h"
#include "store/store.h"
#include "persist.h"
#include "recovery.h"
#include "refusal.h"
#include "schedule.h"
#include "screen.h"
#include "sensors.h"
#include "service.h"
#include "state.h"
#include "timelock.h"
#include "tries.h"

enum field_kind {
    F_SLOT,     // 1-2 digits, 00..31
    F_SLOT_SET, // a slot that holds a code and may be deleted
    F_SLOT_NEW, // a slot to set a code in: an empty one must fit plain mode
    F_NEW_CODE, // a new code for lock->target, checked by the policy
    F_REPEAT,   // the same again; saves it
    F_CONFIRM,  // '#' alone
    F_NUMBER,   // min..max
    F_HHMM,     // 0000..2400, a minute of the day
    F_DATE,     // YYYYMMDD; 0 allowed when min == 0
    F_VIEW,     // the audit view: '#' pages
    F_RECOVERY, // the recovery code, one group per field ended by '#'
    F_FIRMWARE, // the running firmware's pages: '#' pages
};

typedef struct field {
    uint8_t kind;
    uint16_t min, max;
    const char *prompt;
} field;

// Who may run a function, and when: its row of docs/POLICY.md.
enum function_rule {
    MANAGER = 1,     // login must be a manager's code
    PROGRAMMING = 2, // changes the lock: dual control and battery rules apply
    DOOR_OPEN = 4,   // only with the door open (from inside the safe)
    RELAXES = 8,     // may relax a rule restricting openings: change_rules()
    CLOCK = 16,      // needs a clock that runs while nobody uses the lock
    KEYPAD = 32,     // makes every opening need what a dial cannot enter
};

typedef struct function {
    uint8_t number;
    uint8_t rules; // enum function_rule
    const char *title;
    ol_err (*apply)(ol_lock *lock);
    const field *fields; // ended by END
} function;

#define END                                                                                        \
    { 0, 0, 0, NULL }
// A function's fields, as many as it has, then END.
#define FIELDS(...) ((const field[]){__VA_ARGS__})

static ol_err apply_none(ol_lock *lock);
static ol_err apply_delete(ol_lock *lock);
static ol_err apply_delay(ol_lock *lock);
static ol_err apply_dual(ol_lock *lock);
static ol_err apply_duress(ol_lock *lock);
static ol_err apply_schedule(ol_lock *lock);
static ol_err apply_clock(ol_lock *lock);
static ol_err apply_holiday(ol_lock *lock);
static ol_err apply_timelock(ol_lock *lock);
static ol_err apply_supervisor(ol_lock *lock);
static ol_err apply_override(ol_lock *lock);
static ol_err apply_recovery_new(ol_lock *lock);
static ol_err apply_recovery_off(ol_lock *lock);
static ol_err apply_recovery_delay(ol_lock *lock);
static ol_err apply_pair(ol_lock *lock);
static ol_err apply_id_mode(ol_lock *lock);
static ol_err apply_service(ol_lock *lock);
static ol_err apply_openings(ol_lock *lock);

static const function functions[] = {
    {OL_FN_CHANGE_CODE, PROGRAMMING, "CHANGE CODE", apply_none,
     FIELDS({F_NEW_CODE, 0, 0, "NEW CODE"}, {F_REPEAT, 0, 0, "REPEAT NEW CODE"}, END)},
    {OL_FN_SET_CODE, MANAGER | PROGRAMMING, "SET CODE", apply_none,
     FIELDS({F_SLOT_NEW, 0, 0, "SLOT 00-31"}, {F_NEW_CODE, 0, 0, "NEW CODE"},
            {F_REPEAT, 0, 0, "REPEAT NEW CODE"}, END)},
    {OL_FN_DELETE_CODE, MANAGER | PROGRAMMING, "DELETE CODE", apply_delete,
     FIELDS({F_SLOT_SET, 0, 0, "SLOT 00-31"}, {F_CONFIRM, 0, 0, "# TO DELETE"}, END)},
    {OL_FN_TIME_DELAY, MANAGER | PROGRAMMING | RELAXES | CLOCK, "TIME DELAY", apply_delay,
     FIELDS({F_NUMBER, 0, OL_DELAY_MAX_MIN, "DELAY 00-99 MIN"},
            {F_NUMBER, OL_WINDOW_MIN_MIN, OL_WINDOW_MAX_MIN, "WINDOW 01-19 MIN"}, END)},
    {OL_FN_DUAL_CONTROL, MANAGER | PROGRAMMING | RELAXES, "DUAL CONTROL", apply_dual,
     FIELDS({F_NUMBER, 0, 1, "DUAL 0=OFF 1=ON"}, END)},
    {OL_FN_DURESS, MANAGER | PROGRAMMING, "DURESS", apply_duress,
     FIELDS({F_NUMBER, 0, 1, "DURESS: 0 OR 1"}, END)},
    {OL_FN_SCHEDULE, MANAGER | PROGRAMMING | RELAXES | CLOCK, "TIME LOCK", apply_schedule,
     FIELDS({F_NUMBER, 1, 7, "DAY 1=MON..7=SUN"}, {F_NUMBER, 1, OL_SCHEDULE_PERIODS, "PERIOD 1-4"},
            {F_HHMM, 0, 0, "OPEN FROM HHMM"}, {F_HHMM, 0, 0, "OPEN UNTIL HHMM"}, END)},
    {OL_FN_CLOCK, MANAGER | PROGRAMMING | RELAXES | CLOCK, "CLOCK", apply_clock,
     FIELDS({F_DATE, 1, 0, "DATE YYYYMMDD"}, {F_HHMM, 0, 0, "TIME HHMM"}, END)},
    {OL_FN_AUDIT, MANAGER, "AUDIT", apply_none, FIELDS({F_VIEW, 0, 0, ""}, END)},
    {OL_FN_HOLIDAY, MANAGER | PROGRAMMING | RELAXES | CLOCK, "HOLIDAY", apply_holiday,
     FIELDS({F_NUMBER, 1, OL_HOLIDAYS, "HOLIDAY 01-32"}, {F_DATE, 0, 0, "DATE YYYYMMDD"}, END)},
    {OL_FN_TIME_LOCK, MANAGER | PROGRAMMING | RELAXES | CLOCK, "LOCK FOR HOURS", apply_timelock,
     FIELDS({F_NUMBER, 1, OL_TIMELOCK_MAX_HOURS, "LOCK 01-99 HOURS"}, END)},
    {OL_FN_SUBORDINATES, MANAGER | PROGRAMMING | RELAXES, "SUBORDINATES", apply_supervisor,
     FIELDS({F_NUMBER, 0, 1, "USERS 0=OFF 1=ON"}, END)},
    {OL_FN_DELAY_OVERRIDE, MANAGER | PROGRAMMING | RELAXES, "DELAY OVERRIDE", apply_override,
     FIELDS({F_SLOT, 0, 0, "SLOT 00-31"}, {F_NUMBER, 0, 1, "OVERRIDE 0/1"}, END)},
    // Replacing or disabling the recovery code needs the code itself (when
    // there is one): a manager alone cannot take the owner's recovery away.
    {OL_FN_RECOVERY_CODE, MANAGER | PROGRAMMING | DOOR_OPEN, "RECOVERY CODE", apply_recovery_new,
     FIELDS({F_RECOVERY, 0, 0, ""}, END)},
    {OL_FN_RECOVERY_OFF, MANAGER | PROGRAMMING, "RECOVERY OFF", apply_recovery_off,
     FIELDS({F_RECOVERY, 0, 0, ""}, END)},
    // Pairing a keypad: only with the door open, i.e. from inside the safe.
    {OL_FN_PAIR_KEYPAD, MANAGER | PROGRAMMING | DOOR_OPEN, "PAIR KEYPAD", apply_pair, FIELDS(END)},
    {OL_FN_RECOVERY_DELAY, MANAGER | PROGRAMMING | RELAXES, "RECOVERY DELAY", apply_recovery_delay,
     FIELDS({F_NUMBER, OL_RECOVERY_DELAY_MIN_MIN, OL_RECOVERY_DELAY_MAX_MIN, "DELAY 15-4320 MIN"},
            END)},
    // ID + code: a guess tests one slot, not all of them (docs/SECURITY.md).
    {OL_FN_ID_MODE, MANAGER | PROGRAMMING | RELAXES | KEYPAD, "ID MODE", apply_id_mode,
     FIELDS({F_NUMBER, 0, 1, "ID 0=OFF 1=ON"}, END)},
    // The service port answers only in a session: from inside the safe.
    {OL_FN_SERVICE, MANAGER | PROGRAMMING | DOOR_OPEN, "SERVICE", apply_service, FIELDS(END)},
    {OL_FN_FIRMWARE, 0, "FIRMWARE", apply_none, FIELDS({F_FIRMWARE, 0, 0, ""}, END)},
    {OL_FN_OPENINGS, 0, "OPENINGS", apply_openings, FIELDS(END)},
};

// The prompts above spell out the ranges; a board that changes one of these
// options changes its prompt too, or the keypad would show a wrong range.
_Static_assert(OL_SLOTS == 32, "the prompts say SLOT 00-31");
_Static_assert(OL_DELAY_MAX_MIN == 99, "the *04 prompt says DELAY 00-99 MIN");
_Static_assert(OL_WINDOW_MIN_MIN == 1 && OL_WINDOW_MAX_MIN == 19,
               "the *04 prompt says WINDOW 01-19 MIN");
_Static_assert(OL_SCHEDULE_PERIODS == 4, "the *07 prompt says PERIOD 1-4");
_Static_assert(OL_HOLIDAYS == 32, "the *10 prompt says HOLIDAY 01-32");
_Static_assert(OL_TIMELOCK_MAX_HOURS == 99, "the *11 prompt says LOCK 01-99 HOURS");
_Static_assert(OL_RECOVERY_DELAY_MIN_MIN == 15 && OL_RECOVERY_DELAY_MAX_MIN == 4320,
               "the *16 prompt says DELAY 15-4320 MIN");
_Static_assert(OL_PAIRING_WINDOW_MS == 60000u, "*17 says WITHIN 60 S");

static const function *running(const ol_lock *lock) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (functions[i].number == lock->function) {
            return &functions[i];
        }
    }
    return NULL;
}

static const field *current_field(const ol_lock *lock) {
    const function *fn = running(lock);
    if (!fn || lock->step == 0 || lock->step > 4) {
        return NULL;
    }
    const field *f = &fn->fields[lock->step - 1];
    return f->prompt ? f : NULL;
}

// ---- parsing ------------------------------------------------------------------

size_t ol_unpadded(const uint8_t **digits, size_t n, size_t want) {
    // A full field may have been cut by the keypad (it keeps the first
    // OL_ENTRY_MAX_DIGITS): taken as it is, too long for any number, never
    // read as the number its first digits make (twenty-first evaluation).
    while (n > want && n < OL_ENTRY_MAX_DIGITS && **digits == 0) {
        ++*digits;
        n--;
    }
    return n;
}

// The digits' count (past any 0s before them), or 0 if none or too many.
static size_t parse_number(const ol_event *ev, uint8_t max_digits, uint32_t *value) {
    const uint8_t *d = ev->digits;
    size_t n = ol_unpadded(&d, ev->ndigits, max_digits);
    if (n < 1 || n > max_digits) {
        return 0;
    }
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v * 10u + d[i];
    }
    *value = v;
    return n;
}

// Plain mode is full: the one refusal that says what to do instead
// (docs/USER-MANUAL.md, "Many people: ID mode").
static const char too_many_codes[] = "TOO MANY CODES";
// Dual control with fewer than two usable codes would open nothing ever again.
static const char dual_needs_two[] = "DUAL CONTROL";

static void refuse(ol_lock *lock, const char *why) {
    ol_function_end(lock);
    ol_say(lock, TONE_ERROR, why,
           why == too_many_codes   ? "USE ID MODE *18"
           : why == dual_needs_two ? "NEEDS 2 CODES"
                                   : NOTHING_CHANGED);
}

// Checks one field; on success stores what it means in lock->field[] and
// returns NULL, else returns the refusal text.
static const char *take_field(ol_lock *lock, const field *f, const ol_event *ev) {
    uint32_t v = 0;
    uint32_t *out = &lock->field[lock->step - 1];
    switch (f->kind) {
    case F_SLOT:
    case F_SLOT_SET:
    case F_SLOT_NEW:
        if (!parse_number(ev, 2, &v) || v >= OL_SLOTS) {
            return "NO SUCH SLOT";
        }
        if (f->kind == F_SLOT_NEW &&
            !ol_codes_fit(lock->enrolled | (1u << v), lock->set.duress, lock->set.id_mode)) {
            return too_many_codes;
        }
        // With no recovery code slot 00's holder is the owner (*14 makes one
        // from his code alone): nobody else sets it (seventeenth outside
        // evaluation: a second manager took it with *02, then *14), and
        // nobody deletes it, its holder included (eighteenth: that left a
        // lock nobody could ever be the owner of).
        if (v == 0 && !lock->recovery_enabled && (lock->actor != 0 || f->kind == F_SLOT_SET)) {
            return ol_refusal_text(REFUSAL_OWNER); // recorded: ol_function_entry
        }
        if (f->kind == F_SLOT_SET && (lock->enrolled & (1u << v)) == 0) {
            return "SLOT EMPTY";
        }
        if (f->kind == F_SLOT_SET && (lock->enrolled & MANAGER_MASK) == (1u << v)) {
            return "LAST MANAGER";
        }
        if (f->kind == F_SLOT_SET && lock->set.dual &&
            !ol_dual_possible(lock->enrolled & ~(1u << v), lock->set.users_disabled)) {
            return dual_needs_two;
        }
        lock->target = (uint8_t)v;
        break;
    case F_CONFIRM:
        if (ev->ndigits != 0) {
            return "NOT CONFIRMED";
        }
        break;
    case F_NUMBER:
        if (!parse_number(ev,
                          f->max >= 1000  ? 4
                          : f->max >= 100 ? 3
                                          : 2,
                          &v) ||
            v < f->min || v > f->max) {
            return "OUT OF RANGE";
        }
        break;
    case F_HHMM:
        if (parse_number(ev, 4, &v) != 4 || v % 100u > 59u || v > 2400u) {
            return "BAD TIME HHMM";
        }
        v = v / 100u * 60u + v % 100u;
        break;
    case F_DATE: {
        size_t n = parse_number(ev, 8, &v);
        if (n == 0) {
            return "BAD DATE";
        }
        if (v == 0 && f->min == 0) {
            break; // clears the entry
        }
        if (n != 8 || !ol_valid_date(v / 10000u, v / 100u % 100u, v % 100u)) {
            return "BAD DATE";
        }
        v = ol_days_from_civil(v / 10000u, v / 100u % 100u, v % 100u);
        break;
    }
    default:
        break;
    }
    *out = v;
    return NULL;
}

// ---- the steps -------------------------------------------------------------------

void ol_function_end(ol_lock *lock) {
    if (lock->mode == MODE_FUNCTION) {
        lock->mode = MODE_IDLE;
    }
    lock->step = 0;
    lock->function = 0;
    lock->menu_deadline = 0;
    lock->need_second = false;
    ol_wipe(lock->pending, sizeof lock->pending);
    ol_wipe(lock->new_key, sizeof lock->new_key); // a first manager code's key, if any
}

void ol_function_stop(ol_lock *lock, enum tone tone, const char *why) {
    ol_function_end(lock);
    ol_say(lock, tone, why, NOTHING_CHANGED);
}

void ol_function_refuse(ol_lock *lock, const char *reason) {
    ol_function_stop(lock, TONE_ERROR, reason);
}

void ol_function_start(ol_lock *lock, uint8_t number) {
    ol_function_end(lock); // a new function replaces one in progress
    lock->message_until = 0;
    lock->function = number;
    const function *fn = running(lock);
    if (!fn) {
        char l1[] = "NO FUNCTION 00";
        ol_put2(l1 + 12, number);
        lock->function = 0;
        ol_say(lock, TONE_ERROR, l1, "");
        return;
    }
    if ((fn->rules & PROGRAMMING) && ol_battery_critical(lock)) {
        ol_function_refuse(lock, "BATTERY LOW");
        return;
    }
    if ((fn->rules & DOOR_OPEN) && !lock->door_open) {
        ol_function_refuse(lock, "OPEN DOOR FIRST");
        return;
    }
    // A lock powered by its dial alone has no clock running between uses:
    // no time delay, time lock, schedule, holiday or clock (issue 17). And
    // an ID with a combination is four numbers, which a dial cannot enter
    // (a field ends on a number dialled turning left): ID mode would leave
    // nobody a way in.
    if ((fn->rules & (CLOCK | KEYPAD)) && lock->plat->self_powered) {
        ol_function_refuse(lock, fn->rules & CLOCK ? "NO STANDBY POWER" : "NOT ON A DIAL");
        return;
    }
    lock->mode = MODE_FUNCTION;
    lock->step = 0;
    lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
}

static ol_err login(ol_lock *lock, const function *fn, const ol_event *ev) {
    verdict v;
    ol_err err = ol_authenticate(lock, ev, NOTHING_CHANGED, &v);
    uint8_t slot = v.slot;
    if (err || !v.valid) {
        if (!err) {
            ol_function_end(lock);
        }
        return err;
    }
    err = ol_duress_note(lock, slot, v.duress, fn->number); // forced to program: reported
    if (err) {
        return err;
    }
    // A disabled code does nothing at all: not its own *01, not dual
    // control's second code.
    if (slot >= OL_MANAGER_SLOTS && lock->set.users_disabled) {
        uint8_t number = fn->number;
        ol_function_end(lock);
        return ol_refused(lock, slot, number, REFUSAL_DISABLED, NOTHING_CHANGED);
    }
    if (lock->need_second) {
        if (slot == lock->actor) {
            uint8_t number = fn->number;
            ol_function_end(lock);
            return ol_refused(lock, slot, number, REFUSAL_SAME, NOTHING_CHANGED);
        }
        lock->need_second = false;
        lock->step = 1;
        return OL_OK;
    }
    if ((fn->rules & MANAGER) && slot >= OL_MANAGER_SLOTS) {
        ol_function_refuse(lock, "NOT A MANAGER");
        return OL_OK;
    }
    lock->actor = slot;
    lock->target = slot;
    // Setting a lost clock while a calendar governs chooses when the lock
    // opens: two people, as under dual control, since nobody can serve the
    // rules before the clock is known.
    bool lost_calendar = fn->number == OL_FN_CLOCK && ol_clock_lost_under_calendar(lock);
    if (((fn->rules & PROGRAMMING) && lock->set.dual) || lost_calendar) {
        lock->need_second = true;
        return OL_OK;
    }
    lock->step = 1;
    return OL_OK;
}

static ol_err new_code(ol_lock *lock, const field *f, const ol_event *ev) {
    uint8_t target = lock->target;
    // While a lost clock keeps a calendar-governed lock shut, no new codes:
    // a manager could otherwise make himself the second code *08 asks for.
    if (f->kind == F_NEW_CODE && ol_clock_lost_under_calendar(lock)) {
        uint8_t fn = lock->function;
        ol_function_end(lock);
        return ol_refused(lock, lock->actor, fn, REFUSAL_CLOCK, NOTHING_CHANGED);
    }
    if (f->kind == F_NEW_CODE) {
        const char *bad;
        ol_err err = ol_new_code_first(lock, lock->device_key, target, ev, &bad);
        if (!err && bad) {
            ol_function_refuse(lock, bad);
        } else if (!err) {
            lock->step++;
        }
        return err;
    }
    uint8_t tag[OL_TAG_BYTES];
    if (!ol_new_code_repeat(lock, lock->device_key, ev, tag)) {
        ol_function_refuse(lock, "CODES DIFFER");
        return OL_OK;
    }
    bool added = (lock->enrolled & (1u << target)) == 0;
    // *01 is the holder's own; any other function sets it for someone else.
    ol_err err = OL_OK;
    if (lock->function == OL_FN_CHANGE_CODE) {
        err = ol_save_slot(lock, target, tag);
    } else {
        err = ol_code_checks_for_new_holder(lock, target);
        if (!err) {
            err = ol_save_slot_new_holder(lock, target, tag);
        }
    }
    ol_wipe(tag, sizeof tag);
    if (!err) {
        err = ol_audit_append(lock, added ? OL_AUDIT_USER_ADDED : OL_AUDIT_CODE_CHANGED, target,
                              lock->actor);
    }
    if (err) {
        return err;
    }
    ol_function_end(lock);
    char l2[] = "SLOT 00";
    ol_put2(l2 + 5, target);
    ol_say(lock, TONE_OK, added ? "CODE ADDED" : "CODE CHANGED", l2);
    return OL_OK;
}

// The audit view: '#' alone shows the next older record; duress is never
// shown, and the records are numbered back from the newest shown, so that no
// gap in the numbers tells a robber standing there that one was left out.
static void view_step_back(ol_lock *lock) {
    uint32_t first = ol_log_first_seq(&lock->audit);
    while (lock->view_seq > first) {
        lock->view_seq--;
        ol_audit_event ev;
        if (ol_lock_audit_read(lock, lock->view_seq, &ev) == OL_OK && ev.kind != OL_AUDIT_DURESS) {
            lock->view_index++;
            return;
        }
    }
    lock->view_seq = 0; // past the oldest
}

static ol_err finish(ol_lock *lock, const function *fn);

ol_err ol_function_entry(ol_lock *lock, const ol_event *ev) {
    const function *fn = running(lock);
    if (!fn) {
        ol_function_end(lock);
        return OL_OK;
    }
    if (lock->step == 0) {
        ol_err err = login(lock, fn, ev);
        if (err || lock->step != 1) {
            return err;
        }
        if (fn->fields[0].kind == F_VIEW) {
            lock->view_seq = ol_log_next_seq(&lock->audit);
            lock->view_index = 0;
            view_step_back(lock);
        }
        if (fn->fields[0].kind == F_FIRMWARE) {
            lock->view_index = 0; // the page shown
        }
        if (!current_field(lock)) {
            return finish(lock, fn); // a function with no fields
        }
        if (fn->fields[0].kind == F_RECOVERY && !lock->recovery_enabled) {
            if (fn->number == OL_FN_RECOVERY_OFF) {
                ol_function_refuse(lock, "NO RECOVERY");
                return OL_OK;
            }
            // No code to give: a new one is made, and whoever holds it is the
            // owner (firmware, keys, recovery). Only slot 00's holder may ask:
            // the manager who set the lock up, or whom a recovery set
            // (sixteenth outside evaluation: any manager could, and then
            // pinned his own firmware key). Nobody else sets slot 00's code
            // while there is no recovery code (take_field).
            if (lock->actor != 0) {
                uint8_t number = lock->function;
                ol_function_end(lock);
                return ol_refused(lock, lock->actor, number, REFUSAL_SLOT_00, NOTHING_CHANGED);
            }
            return finish(lock, fn);
        }
        return OL_OK;
    }
    const field *f = current_field(lock);
    if (!f) {
        ol_function_end(lock);
        return OL_OK;
    }
    if (f->kind == F_VIEW) {
        if (ev->ndigits == 0 && lock->view_seq != 0) {
            view_step_back(lock);
        }
        return OL_OK;
    }
    if (f->kind == F_FIRMWARE) {
        if (ev->ndigits == 0 && ++lock->view_index > SERVICE_DIGEST_PAGES) {
            ol_function_end(lock); // past the last page
        }
        return OL_OK;
    }
    if (f->kind == F_NEW_CODE || f->kind == F_REPEAT) {
        return new_code(lock, f, ev);
    }
    if (f->kind == F_RECOVERY) {
        bool done, valid;
        ol_err err = ol_recovery_take_group(lock, ev, &done, &valid);
        if (err || !done) {
            return err;
        }
        if (!valid) {
            ol_function_end(lock); // a wrong try, already said and counted
            return OL_OK;
        }
        lock->step++;
        return current_field(lock) ? OL_OK : finish(lock, fn);
    }
    const char *bad = take_field(lock, f, ev);
    if (bad) {
        uint8_t number = lock->function;
        refuse(lock, bad);
        // A try at the owner's slot is in the trail for him to see
        // (eighteenth outside evaluation).
        return bad == ol_refusal_text(REFUSAL_OWNER)
                   ? ol_refusal_record(lock, lock->actor, number, REFUSAL_OWNER)
                   : OL_OK;
    }
    lock->step++;
    return current_field(lock) ? OL_OK : finish(lock, fn);
}

// The last field is in: do it, log it, say it.
static ol_err finish(ol_lock *lock, const function *fn) {
    if ((fn->rules & DOOR_OPEN) && !lock->door_open) {
        ol_function_refuse(lock, "OPEN DOOR FIRST"); // it was shut while the fields were typed
        return OL_OK;
    }
    ol_err err = fn->apply(lock);
    if (err || lock->mode != MODE_FUNCTION) {
        return err; // applied (and said so), or refused
    }
    if (fn->number != 8) {
        err = ol_audit_append(lock, OL_AUDIT_CONFIG_CHANGED, lock->actor, fn->number);
    }
    ol_function_end(lock);
    ol_say(lock, TONE_OK, "SAVED", fn->title);
    return err;
}

void ol_function_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                        char l2[OL_DISPLAY_COLS + 1], ol_input *input) {
    const field *f = current_field(lock);
    *input = OL_INPUT_SECRET;
    l2[0] = '\0';
    // In ID mode each code is typed after its slot's two digits.
    bool id = lock->set.id_mode;
    if (lock->need_second) {
        ol_set_line(l1, id ? "SECOND ID+CODE" : "SECOND CODE");
        return;
    }
    if (lock->step == 0) {
        const function *fn = running(lock);
        bool manager = fn && (fn->rules & MANAGER);
        ol_set_line(l1, manager ? (id ? "ID+MANAGER CODE" : "MANAGER CODE")
                                : (id ? "ID + YOUR CODE" : "YOUR CODE"));
        return;
    }
    if (!f) {
        l1[0] = '\0';
        return;
    }
    if (f->kind == F_NEW_CODE || f->kind == F_REPEAT) {
        ol_set_line(l1, f->prompt);
        return;
    }
    *input = OL_INPUT_NUMBER;
    if (f->kind == F_RECOVERY) {
        char head[] = "RECOVERY GROUP 1";
        head[15] = (char)('1' + lock->group);
        ol_set_line(l1, head);
        *input = OL_INPUT_SECRET; // never echoed
        return;
    }
    if (f->kind == F_FIRMWARE) {
        ol_service_running_page(lock, (uint8_t)lock->view_index, l1, l2);
        return;
    }
    if (f->kind != F_VIEW) {
        ol_set_line(l1, f->prompt);
        return;
    }
    // The view takes '#' alone; digits typed here are someone's code, typed
    // at what looked like an idle screen: masked, never echoed.
    *input = OL_INPUT_SECRET;
    // "#0123 WRONG CODE" / "S05 260102 13:45"
    ol_audit_event ev;
    if (lock->view_seq == 0 || ol_lock_audit_read(lock, lock->view_seq, &ev) != OL_OK) {
        ol_set_line(l1, "END OF TRAIL");
        ol_set_line(l2, "* TO EXIT");
        return;
    }
    char name[OL_DISPLAY_COLS + 1];
    ol_set_line(name, ol_audit_kind_name(ev.kind));
    for (char *c = name; *c; c++) {
        *c = *c == '_' ? ' ' : (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    }
    char head[OL_DISPLAY_COLS + 1] = "0000 ";
    ol_put2(head, lock->view_index / 100u % 100u);
    ol_put2(head + 2, lock->view_index % 100u);
    memcpy(head + 5, name, OL_DISPLAY_COLS - 5);
    head[OL_DISPLAY_COLS] = '\0';
    ol_set_line(l1, head);
    char when[OL_DISPLAY_COLS + 1] = "--- ------ --:--";
    if (ev.slot != OL_AUDIT_NO_SLOT) {
        when[0] = 'S';
        ol_put2(when + 1, ev.slot);
    }
    if (ev.time != OL_RTC_LOST) {
        uint32_t y, m, d;
        ol_civil_from_days(ev.time / 86400u, &y, &m, &d);
        ol_put2(when + 4, y % 100u);
        ol_put2(when + 6, m);
        ol_put2(when + 8, d);
        ol_put2(when + 11, ev.time % 86400u / 3600u);
        ol_put2(when + 14, ev.time % 3600u / 60u);
    }
    ol_set_line(l2, when);
}

bool ol_function_wants_empty(const ol_lock *lock) {
    const field *f = lock->mode == MODE_FUNCTION && !lock->need_second ? current_field(lock) : NULL;
    return f && (f->kind == F_CONFIRM || f->kind == F_VIEW || f->kind == F_FIRMWARE);
}

// ---- what each function does ------------------------------------------------------

static ol_err apply_none(ol_lock *lock) {
    (void)lock;
    return OL_OK;
}

static ol_err apply_delete(ol_lock *lock) {
    uint8_t target = lock->target;
    ol_err err = ol_delete_slot(lock, target);
    if (!err) {
        err = ol_audit_append(lock, OL_AUDIT_USER_DELETED, target, lock->actor);
    }
    if (err) {
        return err;
    }
    ol_function_end(lock);
    char l2[] = "SLOT 00";
    ol_put2(l2 + 5, target);
    ol_say(lock, TONE_OK, "CODE DELETED", l2);
    return OL_OK;
}

// The one gate for changes to the rules: a change that relaxes one is made
// only by someone who has just served every rule in force (docs/POLICY.md).
// Refused, it is recorded; nothing changes.
static ol_err relaxing_refused(ol_lock *lock, bool relaxes, bool *stop) {
    enum refusal why = relaxes ? ol_rules_served(lock) : REFUSAL_NONE;
    *stop = why != REFUSAL_NONE;
    if (!*stop) {
        return OL_OK;
    }
    uint8_t fn = lock->function;
    ol_function_end(lock);
    return ol_refused(lock, lock->actor, fn, why, NOTHING_CHANGED);
}

static ol_err change_rules(ol_lock *lock, const ol_settings *next) {
    bool stop;
    ol_err err = relaxing_refused(lock, ol_settings_relax(&lock->set, next), &stop);
    if (err || stop) {
        return err;
    }
    // Codes enrolled in ID mode were never compared with each other: they
    // may be alike, which plain mode cannot tell apart.
    bool leaves_id = lock->set.id_mode && !next->id_mode;
    uint32_t others = lock->enrolled & ~(1u << lock->actor);
    if (leaves_id && others != 0) {
        ol_function_end(lock);
        ol_say(lock, TONE_ERROR, "DELETE OTHERS", "TO LEAVE ID MODE");
        return OL_OK;
    }
    if (next->dual && !ol_dual_possible(lock->enrolled, next->users_disabled)) {
        refuse(lock, dual_needs_two);
        return OL_OK;
    }
    // More codes counting toward plain mode's limit: duress on, or ID off.
    bool more = (next->duress && !lock->set.duress) || leaves_id;
    if (more && !ol_codes_fit(lock->enrolled, next->duress, next->id_mode)) {
        refuse(lock, too_many_codes);
        return OL_OK;
    }
    bool stricter = ol_settings_relax(next, &lock->set); // no copy: the stack is 3 KiB
    err = ol_save_settings(lock, next);
    if (!err && stricter) {
        // A stricter rule has not been served by anyone yet: the lock
        // standing open, or a window under the old delay, serves it no more.
        lock->served_open = false;
        lock->delay_until = 0;
        lock->window_until = 0;
    }
    return err;
}

static ol_err apply_delay(ol_lock *lock) {
    ol_settings next = lock->set;
    next.delay_min = (uint8_t)lock->field[0];
    next.window_min = (uint8_t)lock->field[1];
    return change_rules(lock, &next);
}

static ol_err apply_flag(ol_lock *lock, bool *flag_in_next, ol_settings *next) {
    *flag_in_next = lock->field[0] != 0;
    return change_rules(lock, next);
}

static ol_err apply_dual(ol_lock *lock) {
    ol_settings next = lock->set;
    return apply_flag(lock, &next.dual, &next);
}

static ol_err apply_duress(ol_lock *lock) {
    ol_settings next = lock->set;
    return apply_flag(lock, &next.duress, &next);
}

static ol_err apply_id_mode(ol_lock *lock) {
    ol_settings next = lock->set;
    return apply_flag(lock, &next.id_mode, &next);
}

static ol_err apply_supervisor(ol_lock *lock) {
    ol_settings next = lock->set;
    next.users_disabled = lock->field[0] == 0;
    return change_rules(lock, &next);
}

static ol_err apply_schedule(ol_lock *lock) {
    uint32_t from = lock->field[2], to = lock->field[3];
    if (from >= to && !(from == 0 && to == 0)) {
        ol_function_refuse(lock, "FROM AFTER UNTIL");
        return OL_OK;
    }
    ol_settings next = lock->set;
    next.schedule[lock->field[0] - 1][lock->field[1] - 1][0] = (uint16_t)from;
    next.schedule[lock->field[0] - 1][lock->field[1] - 1][1] = (uint16_t)to;
    return change_rules(lock, &next);
}

static ol_err apply_holiday(ol_lock *lock) {
    ol_settings next = lock->set;
    next.holidays[lock->field[0] - 1] = (uint16_t)lock->field[1];
    return change_rules(lock, &next);
}

static ol_err apply_override(ol_lock *lock) {
    ol_settings next = lock->set;
    uint32_t bit = 1u << lock->field[0];
    next.override = lock->field[1] ? next.override | bit : next.override & ~bit;
    return change_rules(lock, &next);
}

static ol_err apply_timelock(ol_lock *lock) {
    // Powered time, like a lockout: a power cut or a clock change cannot
    // shorten it, and nobody can shorten or cancel it (a running time lock is
    // never served, so a shorter one is always refused).
    uint32_t ms = lock->field[0] * 3600000u;
    bool stop = false;
#if OL_REGRESS_FINDING != 2 // TEST ONLY: a second *11 replaces the first
    ol_err err = relaxing_refused(lock, ms < ol_countdown_left(lock, &lock->timelock), &stop);
    if (err || stop) {
        return err;
    }
#endif
    return stop ? OL_OK : ol_save_timelock(lock, ms);
}

static ol_err apply_clock(ol_lock *lock) {
    if (lock->field[1] >= 24u * 60u) {
        ol_function_refuse(lock, "BAD TIME HHMM");
        return OL_OK;
    }
    if (!lock->plat->rtc_set) {
        ol_function_refuse(lock, "NO CLOCK");
        return OL_OK;
    }
    // Moving a known clock moves every period and holiday; a lost one is set
    // with two codes (login).
    bool stop;
    ol_err err = relaxing_refused(lock,
                                  ol_calendar_governs(&lock->set) &&
                                      lock->plat->rtc_now(lock->plat->rtc_ctx) != OL_RTC_LOST,
                                  &stop);
    if (err || stop) {
        return err;
    }
    uint32_t t = lock->field[0] * 86400u + lock->field[1] * 60u;
    err = lock->plat->rtc_set(lock->plat->rtc_ctx, t);
    if (err == OL_ERR_STATE) {
        ol_function_refuse(lock, "NO CLOCK");
        return OL_OK;
    }
    if (!err) {
        err = ol_audit_append(lock, OL_AUDIT_CLOCK_SET, lock->actor, 0);
    }
    if (err) {
        return err;
    }
    ol_function_end(lock);
    ol_say(lock, TONE_OK, "CLOCK SET", "");
    return OL_OK;
}

static ol_err apply_recovery_new(ol_lock *lock) {
    ol_function_end(lock);
    return ol_recovery_new_code(lock, lock->actor); // kept once the owner has seen it all
}

static ol_err apply_recovery_off(ol_lock *lock) {
    ol_settings next = lock->set;
    next.recovery_off = true; // chosen: no NO RECOVERY CODE reminder
    ol_err err = ol_save_recovery(lock, NULL);
    return err ? err : ol_save_settings(lock, &next);
}

static ol_err apply_recovery_delay(ol_lock *lock) {
    ol_settings next = lock->set;
    next.recovery_delay_min = (uint16_t)lock->field[0];
    return change_rules(lock, &next);
}

static ol_err apply_pair(ol_lock *lock) {
    ol_function_end(lock); // the door was checked by finish(): DOOR_OPEN
    if (lock->event_unpaired) {
        lock->pair_granted = true; // the keypad in use: src/link/body.c pins it
        ol_say(lock, TONE_OK, "KEYPAD PAIRED", "");
        return OL_OK;
    }
    lock->pair_until = lock->now + OL_PAIRING_WINDOW_MS;
    ol_say(lock, TONE_OK, "PAIR KEYPAD NOW", "WITHIN 60 S");
    return OL_OK;
}

// The openings since the lock was set up, as approved locks count them.
static ol_err apply_openings(ol_lock *lock) {
    ol_function_end(lock);
    ol_say(lock, TONE_OK, "OPENINGS", "00000000");
    for (uint32_t n = lock->openings, i = 8; n != 0 && i-- > 0; n /= 10u) {
        lock->message[1][i] = (char)('0' + n % 10u);
    }
    return OL_OK;
}

static ol_err apply_service(ol_lock *lock) {
    ol_function_end(lock); // the door was checked by finish(): DOOR_OPEN
    return ol_service_open(lock);
}

bool ol_lock_function_policy(uint8_t number, ol_function_policy *policy) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        const function *fn = &functions[i];
        if (fn->number == number) {
            policy->manager = (fn->rules & MANAGER) != 0;
            policy->second = (fn->rules & PROGRAMMING) != 0;
            policy->door_open = (fn->rules & DOOR_OPEN) != 0;
            policy->battery = (fn->rules & PROGRAMMING) != 0;
            policy->relaxes = (fn->rules & RELAXES) != 0;
            return true;
        }
    }
    if (number == OL_FN_RECOVERY) { // owner recovery: the recovery holder, not a code
        *policy = (ol_function_policy){.battery = true};
        return true;
    }
    return false;
}
