// ownerlock — the lock engine: events in, state changes and outputs out.
//
// Order matters here more than anywhere: a wrong try is saved before the
// entry is evaluated, an opening is in the audit trail before the bolt moves,
// and nothing is changed by a refused request.
#include <string.h>

#include "audit.h"
#include "credentials.h"
#include "ownerlock/crypto.h"
#include "ownerlock/lock.h"
#include "penalty.h"
#include "persist.h"

enum mode {
    MODE_FACTORY = 0, // no manager code yet: commissioning (step 0 first, 1 repeat)
    MODE_IDLE = 1,    // commissioned, waiting for a code or a function
    MODE_FUNCTION = 2,
    MODE_FAULT = 3, // storage failed: refuse everything
};

enum tone { TONE_INFO = 0, TONE_OK = 1, TONE_ERROR = 2, TONE_ALERT = 3 };

enum function {
    FN_CHANGE_OWN = 1, // *01 OLD# NEW# NEW#
    FN_SET_SLOT = 2,   // *02 MGR# SS# NEW# NEW#
    FN_DELETE_SLOT = 3 // *03 MGR# SS# #
};

#define MANAGER_MASK ((1u << OL_MANAGER_SLOTS) - 1u)
#define NOTHING_CHANGED "NOTHING CHANGED"

// ---- small helpers ------------------------------------------------------------

static void set_line(char dst[OL_DISPLAY_COLS + 1], const char *src) {
    size_t n = 0;
    while (n < OL_DISPLAY_COLS && src[n]) {
        dst[n] = src[n];
        n++;
    }
    dst[n] = '\0';
}

// Writes two decimal digits of v (0..99) at p.
static void put2(char *p, uint32_t v) {
    p[0] = (char)('0' + (v / 10) % 10);
    p[1] = (char)('0' + v % 10);
}

static bool commissioned(const ol_lock *lock) {
    return (lock->enrolled & MANAGER_MASK) != 0;
}

static uint32_t lockout_remaining(const ol_lock *lock) {
    uint64_t served = lock->now - lock->lockout_base;
    return served >= lock->lockout ? 0 : (uint32_t)(lock->lockout - served);
}

static void beep(ol_lock *lock, ol_beep pattern) {
    lock->out.beep = pattern;
    lock->out.beeps++;
}

// A transient message; the screen returns to the state's own after it.
static void say(ol_lock *lock, enum tone tone, const char *l1, const char *l2) {
    set_line(lock->message[0], l1);
    set_line(lock->message[1], l2);
    lock->message_tone = (uint8_t)tone;
    lock->message_until = lock->now + OL_MESSAGE_MS;
    if (tone == TONE_OK) {
        beep(lock, OL_BEEP_OK);
    } else if (tone == TONE_ERROR) {
        beep(lock, OL_BEEP_ERROR);
    } else if (tone == TONE_ALERT) {
        beep(lock, OL_BEEP_ALERT);
    }
}

static void end_function(ol_lock *lock) {
    lock->mode = MODE_IDLE;
    lock->step = 0;
    lock->function = 0;
    lock->menu_deadline = 0;
    ol_wipe(lock->pending, sizeof lock->pending);
}

static void refuse(ol_lock *lock, const char *reason) {
    end_function(lock);
    say(lock, TONE_ERROR, reason, NOTHING_CHANGED);
}

// ---- persistence: every change goes to flash first, then to RAM ---------------

static ol_err save_penalty(ol_lock *lock, const penalty *p) {
    uint8_t buf[PENALTY_BYTES];
    penalty_encode(p, buf);
    ol_err err = ol_kv_put(&lock->kv, KEY_PENALTY, buf, sizeof buf);
    if (err) {
        return err;
    }
    lock->failures = p->failures;
    lock->last_lockout = p->last_lockout;
    lock->lockout = p->remaining;
    lock->lockout_base = lock->now;
    lock->lockout_saved = lock->now;
    return OL_OK;
}

static penalty current_penalty(const ol_lock *lock) {
    penalty p = {lock->failures, lock->last_lockout, lockout_remaining(lock)};
    return p;
}

static ol_err save_slot(ol_lock *lock, uint8_t slot, const uint8_t tag[OL_TAG_BYTES]) {
    ol_err err = ol_kv_put(&lock->kv, (uint16_t)(KEY_SLOT_BASE + slot), tag, OL_TAG_BYTES);
    if (err) {
        return err;
    }
    memcpy(lock->tags[slot], tag, OL_TAG_BYTES);
    lock->enrolled |= 1u << slot;
    return OL_OK;
}

static ol_err delete_slot(ol_lock *lock, uint8_t slot) {
    ol_err err = ol_kv_del(&lock->kv, (uint16_t)(KEY_SLOT_BASE + slot));
    if (err) {
        return err;
    }
    memset(lock->tags[slot], 0, OL_TAG_BYTES);
    lock->enrolled &= ~(1u << slot);
    return OL_OK;
}

static ol_err load_state(ol_lock *lock) {
    size_t len = 0;
    ol_err err = ol_kv_get(&lock->kv, KEY_DEVICE, lock->device_key, sizeof lock->device_key, &len);
    if (err == OL_OK && len != sizeof lock->device_key) {
        return OL_ERR_CORRUPT;
    }
    if (err != OL_OK && err != OL_ERR_NOT_FOUND) {
        return err;
    }
    bool have_key = err == OL_OK;
    for (uint8_t s = 0; s < OL_SLOTS; s++) {
        err =
            ol_kv_get(&lock->kv, (uint16_t)(KEY_SLOT_BASE + s), lock->tags[s], OL_TAG_BYTES, &len);
        if (err == OL_ERR_NOT_FOUND) {
            continue;
        }
        if (err) {
            return err;
        }
        if (len != OL_TAG_BYTES || !have_key) {
            return OL_ERR_CORRUPT;
        }
        lock->enrolled |= 1u << s;
    }
    uint8_t buf[PENALTY_BYTES];
    err = ol_kv_get(&lock->kv, KEY_PENALTY, buf, sizeof buf, &len);
    if (err == OL_OK) {
        if (len != sizeof buf) {
            return OL_ERR_CORRUPT;
        }
        penalty p;
        penalty_decode(&p, buf);
        lock->failures = p.failures;
        lock->last_lockout = p.last_lockout;
        lock->lockout = p.remaining;
    } else if (err != OL_ERR_NOT_FOUND) {
        return err;
    }
    return OL_OK;
}

// ---- credentials ----------------------------------------------------------------

// The one path by which an entry is checked against the enrolled codes. The
// state a wrong try would produce is saved before the entry is evaluated
// (invariant 4), so a power cut at any instant never loses a wrong try.
// A wrong entry shows WRONG CODE (with `wrong_note` below it) or, if it
// started a lockout, the lockout screen.
static ol_err authenticate(ol_lock *lock, const ol_event *ev, const char *wrong_note, bool *valid,
                           uint8_t *slot) {
    penalty if_wrong = penalty_after_failure(current_penalty(lock));
    ol_err err = save_penalty(lock, &if_wrong);
    if (err) {
        return err;
    }
    uint8_t tag[OL_TAG_BYTES];
    credential_tag(tag, lock->device_key, ev->digits, ev->ndigits);
    uint32_t match = credential_match(lock->tags, lock->enrolled, tag);
    ol_wipe(tag, sizeof tag);
    *valid = match != 0;
    *slot = credential_slot_of(match);
    if (*valid) {
        penalty cleared = penalty_cleared();
        return save_penalty(lock, &cleared);
    }
    err = audit_append(lock, OL_AUDIT_WRONG_CODE, OL_AUDIT_NO_SLOT,
                       (uint16_t)(if_wrong.failures > 0xFFFF ? 0xFFFF : if_wrong.failures));
    if (err) {
        return err;
    }
    if (if_wrong.remaining == 0) {
        say(lock, TONE_ERROR, "WRONG CODE", wrong_note);
        return OL_OK;
    }
    beep(lock, OL_BEEP_ALERT);
    lock->message_until = 0;
    return audit_append(lock, OL_AUDIT_LOCKOUT, OL_AUDIT_NO_SLOT,
                        (uint16_t)(if_wrong.remaining / 60000u));
}

static const char *policy_reason(policy_verdict v) {
    switch (v) {
    case POLICY_LENGTH:
        return "CODE 6-12 DIGITS";
    case POLICY_TRIVIAL:
        return "CODE TOO SIMPLE";
    case POLICY_CLOSE:
        return "TOO LIKE ANOTHER";
    default:
        return "";
    }
}

// ---- opening and the bolt -------------------------------------------------------

static ol_err open_attempt(ol_lock *lock, const ol_event *ev) {
    bool valid;
    uint8_t slot;
    ol_err err = authenticate(lock, ev, "", &valid, &slot);
    if (err || !valid) {
        return err;
    }
    // Logged before the bolt moves: an opening is never missing from the trail.
    err = audit_append(lock, OL_AUDIT_OPEN, slot, 0);
    if (err) {
        return err;
    }
    lock->out.bolt = OL_BOLT_RETRACTED;
    lock->relock_at = lock->door_open ? 0 : lock->now + OL_RELOCK_UNOPENED_MS;
    say(lock, TONE_OK, "OPEN", "");
    return OL_OK;
}

static ol_err extend_bolt(ol_lock *lock) {
    lock->relock_at = 0;
    if (lock->out.bolt == OL_BOLT_EXTENDED || lock->door_open || !commissioned(lock)) {
        return OL_OK;
    }
    lock->out.bolt = OL_BOLT_EXTENDED;
    return audit_append(lock, OL_AUDIT_BOLT_EXTENDED, OL_AUDIT_NO_SLOT, 0);
}

static ol_err door_changed(ol_lock *lock, bool open) {
    lock->door_open = open;
    lock->message_until = 0; // the person has moved on: show the door's state
    if (open) {
        lock->relock_at = 0;
    } else if (commissioned(lock) && lock->out.bolt == OL_BOLT_RETRACTED) {
        lock->relock_at = lock->now + OL_RELOCK_AFTER_CLOSE_MS;
    }
    return OL_OK;
}

// ---- commissioning ------------------------------------------------------------------

static ol_err factory_entry(ol_lock *lock, const ol_event *ev) {
    if (!lock->door_open) {
        lock->step = 0;
        say(lock, TONE_ERROR, "OPEN DOOR FIRST", "");
        return OL_OK;
    }
    if (lock->step == 0) {
        policy_verdict v =
            credential_policy(lock->new_key, lock->tags, 0, 0, ev->digits, ev->ndigits);
        if (v != POLICY_OK) {
            say(lock, TONE_ERROR, policy_reason(v), "TRY AGAIN");
            return OL_OK;
        }
        // The device key exists from here on; it never leaves the lock body.
        ol_err err = lock->plat->trng(lock->plat->trng_ctx, lock->new_key, sizeof lock->new_key);
        if (err) {
            return err;
        }
        credential_tag(lock->pending, lock->new_key, ev->digits, ev->ndigits);
        lock->step = 1;
        return OL_OK;
    }
    uint8_t tag[OL_TAG_BYTES];
    credential_tag(tag, lock->new_key, ev->digits, ev->ndigits);
    int differ = ol_ct_compare(tag, lock->pending, OL_TAG_BYTES);
    ol_wipe(lock->pending, sizeof lock->pending);
    lock->step = 0;
    if (differ) {
        ol_wipe(tag, sizeof tag);
        say(lock, TONE_ERROR, "CODES DIFFER", "START AGAIN");
        return OL_OK;
    }
    // Key first, then the manager slot: the lock counts as commissioned only
    // once a manager slot exists, so a cut in between is a factory lock again.
    ol_err err = ol_kv_put(&lock->kv, KEY_DEVICE, lock->new_key, sizeof lock->new_key);
    if (!err) {
        memcpy(lock->device_key, lock->new_key, sizeof lock->device_key);
        err = save_slot(lock, 0, tag);
    }
    ol_wipe(tag, sizeof tag);
    ol_wipe(lock->new_key, sizeof lock->new_key);
    if (err) {
        return err;
    }
    err = audit_append(lock, OL_AUDIT_COMMISSIONED, 0, 0);
    if (err) {
        return err;
    }
    lock->mode = MODE_IDLE;
    say(lock, TONE_OK, "LOCK IS SET UP", "MANAGER SLOT 00");
    return OL_OK;
}

// ---- functions ------------------------------------------------------------------------

static bool parse_slot(const ol_event *ev, uint8_t *slot) {
    if (ev->ndigits < 1 || ev->ndigits > 2) {
        return false;
    }
    uint32_t v = ev->digits[0];
    if (ev->ndigits == 2) {
        v = v * 10 + ev->digits[1];
    }
    *slot = (uint8_t)v;
    return v < OL_SLOTS;
}

static ol_err start_function(ol_lock *lock, uint8_t fn) {
    if (lock->mode == MODE_FACTORY) {
        say(lock, TONE_ERROR, "SET UP FIRST", "");
        return OL_OK;
    }
    end_function(lock); // a new function replaces one in progress
    lock->message_until = 0;
    if (fn != FN_CHANGE_OWN && fn != FN_SET_SLOT && fn != FN_DELETE_SLOT) {
        char l1[] = "NO FUNCTION 00";
        put2(l1 + 12, fn);
        say(lock, TONE_ERROR, l1, "");
        return OL_OK;
    }
    lock->mode = MODE_FUNCTION;
    lock->function = fn;
    lock->step = 0;
    return OL_OK;
}

// Step 0 of every function: who is asking. Returns false if the function ended.
static ol_err function_login(ol_lock *lock, const ol_event *ev, bool need_manager, bool *ok) {
    bool valid;
    uint8_t slot;
    *ok = false;
    ol_err err = authenticate(lock, ev, NOTHING_CHANGED, &valid, &slot);
    if (err || !valid) {
        if (!valid) {
            end_function(lock);
        }
        return err;
    }
    if (need_manager && slot >= OL_MANAGER_SLOTS) {
        refuse(lock, "NOT A MANAGER");
        return OL_OK;
    }
    lock->actor = slot;
    *ok = true;
    return OL_OK;
}

// NEW# then NEW# again, for slot `target`; saves and logs on the repeat.
static ol_err function_new_code(ol_lock *lock, const ol_event *ev, bool repeat) {
    uint8_t target = lock->target;
    if (!repeat) {
        policy_verdict v = credential_policy(lock->device_key, lock->tags, lock->enrolled, target,
                                             ev->digits, ev->ndigits);
        if (v != POLICY_OK) {
            refuse(lock, policy_reason(v));
            return OL_OK;
        }
        credential_tag(lock->pending, lock->device_key, ev->digits, ev->ndigits);
        lock->step++;
        return OL_OK;
    }
    uint8_t tag[OL_TAG_BYTES];
    credential_tag(tag, lock->device_key, ev->digits, ev->ndigits);
    if (ol_ct_compare(tag, lock->pending, OL_TAG_BYTES) != 0) {
        ol_wipe(tag, sizeof tag);
        refuse(lock, "CODES DIFFER");
        return OL_OK;
    }
    bool added = (lock->enrolled & (1u << target)) == 0;
    ol_err err = save_slot(lock, target, tag);
    ol_wipe(tag, sizeof tag);
    if (err) {
        return err;
    }
    err = audit_append(lock, added ? OL_AUDIT_USER_ADDED : OL_AUDIT_CODE_CHANGED, target,
                       lock->actor);
    if (err) {
        return err;
    }
    end_function(lock);
    char l2[] = "SLOT 00";
    put2(l2 + 5, target);
    say(lock, TONE_OK, added ? "CODE ADDED" : "CODE CHANGED", l2);
    return OL_OK;
}

static ol_err function_entry(ol_lock *lock, const ol_event *ev) {
    bool ok;
    ol_err err;
    lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
    if (lock->step == 0) {
        err = function_login(lock, ev, lock->function != FN_CHANGE_OWN, &ok);
        if (err || !ok) {
            return err;
        }
        lock->target = lock->actor;
        lock->step = 1;
        // *01 needs no slot number: skip straight to the new code.
        if (lock->function == FN_CHANGE_OWN) {
            lock->step = 2;
        }
        return OL_OK;
    }
    if (lock->step == 1) {
        uint8_t slot;
        if (!parse_slot(ev, &slot)) {
            refuse(lock, "NO SUCH SLOT");
            return OL_OK;
        }
        if (lock->function == FN_DELETE_SLOT) {
            if ((lock->enrolled & (1u << slot)) == 0) {
                refuse(lock, "SLOT EMPTY");
                return OL_OK;
            }
            if ((lock->enrolled & MANAGER_MASK) == (1u << slot)) {
                refuse(lock, "LAST MANAGER");
                return OL_OK;
            }
        }
        lock->target = slot;
        lock->step = 2;
        return OL_OK;
    }
    if (lock->function == FN_DELETE_SLOT) {
        // Step 2 of *03 is the confirmation: '#' alone, nothing else.
        if (ev->ndigits != 0) {
            refuse(lock, "NOT CONFIRMED");
            return OL_OK;
        }
        uint8_t target = lock->target;
        err = delete_slot(lock, target);
        if (!err) {
            err = audit_append(lock, OL_AUDIT_USER_DELETED, target, lock->actor);
        }
        if (err) {
            return err;
        }
        end_function(lock);
        char l2[] = "SLOT 00";
        put2(l2 + 5, target);
        say(lock, TONE_OK, "CODE DELETED", l2);
        return OL_OK;
    }
    return function_new_code(lock, ev, lock->step == 3);
}

// ---- timers ---------------------------------------------------------------------------

static ol_err run_timers(ol_lock *lock) {
    ol_err err = OL_OK;
    if (lock->lockout != 0) {
        uint32_t left = lockout_remaining(lock);
        // Checkpoint served time; a cut loses at most one interval of it.
        if (left == 0 || lock->now - lock->lockout_saved >= OL_PENALTY_CHECKPOINT_MS) {
            penalty p = current_penalty(lock);
            err = save_penalty(lock, &p);
            if (err) {
                return err;
            }
        }
    }
    if (lock->relock_at != 0 && lock->now >= lock->relock_at) {
        err = extend_bolt(lock);
        if (err) {
            return err;
        }
    }
    if (lock->message_until != 0 && lock->now >= lock->message_until) {
        lock->message_until = 0;
    }
    if (lock->menu_deadline != 0 && lock->now >= lock->menu_deadline) {
        end_function(lock);
        say(lock, TONE_INFO, "TIMED OUT", NOTHING_CHANGED);
    }
    return OL_OK;
}

uint64_t ol_lock_next_deadline(const ol_lock *lock) {
    uint64_t next = UINT64_MAX;
    uint64_t candidates[5] = {lock->relock_at, lock->message_until, lock->menu_deadline, 0, 0};
    uint32_t left = lockout_remaining(lock);
    if (lock->lockout != 0) {
        // The display counts whole seconds down; the end must be saved.
        candidates[3] = lock->now + (left == 0 ? 0 : (left - 1) % 1000u + 1u);
        candidates[4] = lock->lockout_saved + OL_PENALTY_CHECKPOINT_MS;
    }
    for (int i = 0; i < 5; i++) {
        if (candidates[i] != 0 && candidates[i] < next) {
            next = candidates[i];
        }
    }
    return next;
}

// ---- outputs --------------------------------------------------------------------------

static void render(ol_lock *lock) {
    ol_outputs *o = &lock->out;
    uint32_t left = lockout_remaining(lock);
    enum tone tone = TONE_INFO;
    o->input = OL_INPUT_IDLE;
    if (lock->mode == MODE_FAULT) {
        set_line(o->line[0], "STORAGE FAULT");
        set_line(o->line[1], "LOCK DISABLED");
        o->input = OL_INPUT_NONE;
        tone = TONE_ALERT;
    } else if (left != 0) {
        uint32_t s = (left + 999u) / 1000u;
        char l2[] = "WAIT 00:00";
        put2(l2 + 5, s / 60u);
        put2(l2 + 8, s % 60u);
        set_line(o->line[0], "LOCKED OUT");
        set_line(o->line[1], l2);
        o->input = OL_INPUT_NONE;
        tone = TONE_ALERT;
    } else {
        static const char *const prompts[4][4] = {
            [FN_CHANGE_OWN] = {"YOUR CODE", "", "NEW CODE", "REPEAT NEW CODE"},
            [FN_SET_SLOT] = {"MANAGER CODE", "SLOT 00-31", "NEW CODE", "REPEAT NEW CODE"},
            [FN_DELETE_SLOT] = {"MANAGER CODE", "SLOT 00-31", "# TO DELETE", ""},
        };
        const char *l1 = "ENTER CODE";
        if (lock->mode == MODE_FACTORY) {
            l1 = !lock->door_open  ? "NEW LOCK: OPEN"
                 : lock->step == 0 ? "SET MANAGER CODE"
                                   : "REPEAT CODE";
            // The first field is like the idle screen ('*' NN reaches the
            // lock, which answers SET UP FIRST); in the repeat '*' cancels.
            o->input = lock->step == 0 ? OL_INPUT_IDLE : OL_INPUT_SECRET;
        } else if (lock->mode == MODE_FUNCTION) {
            l1 = prompts[lock->function][lock->step];
            o->input = lock->step == 1 || (lock->function == FN_DELETE_SLOT && lock->step == 2)
                           ? OL_INPUT_NUMBER
                           : OL_INPUT_SECRET;
        } else if (o->bolt == OL_BOLT_RETRACTED) {
            l1 = lock->door_open ? "DOOR OPEN" : "OPEN";
        }
        set_line(o->line[0], l1);
        set_line(o->line[1], "");
        if (lock->mode == MODE_FACTORY && !lock->door_open) {
            set_line(o->line[1], "THE DOOR");
        }
        if (lock->message_until != 0) {
            set_line(o->line[0], lock->message[0]);
            set_line(o->line[1], lock->message[1]);
            tone = (enum tone)lock->message_tone;
        }
    }
    o->led_green = lock->mode != MODE_FAULT &&
                   (o->bolt == OL_BOLT_RETRACTED || (left == 0 && tone == TONE_OK));
    o->led_red = tone == TONE_ERROR || tone == TONE_ALERT;
}

// ---- entry points ---------------------------------------------------------------------

static void enter_fault(ol_lock *lock) {
    lock->mode = MODE_FAULT;
    lock->menu_deadline = 0;
    lock->message_until = 0;
    lock->relock_at = 0;
    if (!lock->door_open) {
        lock->out.bolt = OL_BOLT_EXTENDED;
    }
    ol_wipe(lock->pending, sizeof lock->pending);
    ol_wipe(lock->new_key, sizeof lock->new_key);
}

ol_err ol_lock_boot(ol_lock *lock, const ol_platform *plat, uint64_t now_ms, bool door_open) {
    memset(lock, 0, sizeof *lock);
    lock->plat = plat;
    lock->now = now_ms;
    lock->door_open = door_open;
    lock->lockout_base = now_ms;
    lock->lockout_saved = now_ms;
    lock->out.bolt = OL_BOLT_RETRACTED;
    ol_err err = ol_kv_mount(&lock->kv, plat->flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS);
    if (!err) {
        err = ol_log_mount(&lock->audit, plat->flash, OL_AUDIT_FIRST_SECTOR, OL_AUDIT_SECTORS);
    }
    if (!err && ol_log_capacity(&lock->audit, AUDIT_RECORD_BYTES) < OL_AUDIT_MIN_EVENTS) {
        err = OL_ERR_FULL;
    }
    if (!err) {
        err = load_state(lock);
    }
    if (!err) {
        err = audit_resume(lock);
    }
    if (!err) {
        lock->mode = commissioned(lock) ? MODE_IDLE : MODE_FACTORY;
        // Power returns with the door shut: throw the bolt whatever it was.
        if (commissioned(lock) && !door_open) {
            lock->out.bolt = OL_BOLT_EXTENDED;
        }
        err = audit_append(lock, OL_AUDIT_POWER_UP, OL_AUDIT_NO_SLOT, 0);
    }
    if (err) {
        enter_fault(lock);
    }
    render(lock);
    return err;
}

ol_err ol_lock_event(ol_lock *lock, uint64_t now_ms, const ol_event *ev) {
    if (now_ms > lock->now) {
        lock->now = now_ms;
    }
    ol_err err = OL_OK;
    if (lock->mode == MODE_FAULT) {
        if (ev->type == OL_EV_DOOR) {
            lock->door_open = ev->door_open;
            if (!lock->door_open) {
                lock->out.bolt = OL_BOLT_EXTENDED;
            }
        }
        render(lock);
        return OL_OK;
    }
    err = run_timers(lock);
    bool locked_out = lockout_remaining(lock) != 0;
    if (!err) {
        switch (ev->type) {
        case OL_EV_TICK:
            break;
        case OL_EV_DOOR:
            err = door_changed(lock, ev->door_open);
            break;
        case OL_EV_ENTRY:
            // Keys during a lockout are ignored and do not extend it; an
            // empty entry is never a try.
            if (locked_out ||
                (ev->ndigits == 0 && !(lock->mode == MODE_FUNCTION &&
                                       lock->function == FN_DELETE_SLOT && lock->step == 2))) {
                break;
            }
            if (ev->ndigits > OL_ENTRY_MAX_DIGITS) {
                err = OL_ERR_ARG;
                break;
            }
            lock->message_until = 0;
            if (lock->mode == MODE_FACTORY) {
                err = factory_entry(lock, ev);
            } else if (lock->mode == MODE_FUNCTION) {
                err = function_entry(lock, ev);
            } else {
                err = open_attempt(lock, ev);
            }
            break;
        case OL_EV_FUNCTION:
            if (!locked_out) {
                err = start_function(lock, ev->function);
                if (lock->mode == MODE_FUNCTION) {
                    lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
                }
            }
            break;
        case OL_EV_CANCEL:
            if (locked_out) {
                break;
            }
            if (lock->mode == MODE_FUNCTION || (lock->mode == MODE_FACTORY && lock->step == 1)) {
                end_function(lock);
                if (lock->mode == MODE_FACTORY || !commissioned(lock)) {
                    lock->mode = MODE_FACTORY;
                }
                ol_wipe(lock->new_key, sizeof lock->new_key);
                say(lock, TONE_INFO, "CANCELLED", NOTHING_CHANGED);
            }
            break;
        default:
            err = OL_ERR_ARG;
            break;
        }
    }
    if (err && err != OL_ERR_ARG) {
        enter_fault(lock);
    }
    render(lock);
    return err;
}

const ol_outputs *ol_lock_outputs(const ol_lock *lock) {
    return &lock->out;
}

void ol_lock_status(const ol_lock *lock, ol_status *st) {
    st->commissioned = commissioned(lock);
    st->door_open = lock->door_open;
    st->enrolled = lock->enrolled;
    st->failures = lock->failures;
    st->lockout_remaining_ms = lockout_remaining(lock);
    st->last_lockout_ms = lock->last_lockout;
    st->audit_first_seq = ol_log_first_seq(&lock->audit);
    st->audit_next_seq = ol_log_next_seq(&lock->audit);
}

void ol_lock_shutdown(ol_lock *lock) {
    ol_wipe(lock, sizeof *lock);
}
