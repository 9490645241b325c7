// ownerlock — owner recovery, without any manufacturer code.
//
// At commissioning, and by *14 with the door open, the lock draws a recovery
// code of OL_RECOVERY_DIGITS digits from its TRNG and shows it in groups with
// check digits; it keeps only its MAC under the device key, and only once the
// whole code has been typed back: the lock trusts neither the display nor the
// moment to tell that the owner holds it. Closing the door, '*' or
// OL_RECOVERY_SHOW_MS without a key ends the showing, and nothing is kept.
// *99 then lets whoever holds the code set a new manager code:
//   step 0  the groups are typed, each checked by its check digit (a typo
//           costs nothing); the whole code is one try under the penalty;
//   delay   OL_RECOVERY_DELAY (*16) in RAM: a power cut forgets it; any valid
//           code or wrong try stops it;
//   ready   OL_RECOVERY_WINDOW_MS in which the holder types *99 and the code
//           again (so nobody who merely comes along later finds the lock
//           waiting for a new manager code);
//   step 2  a new manager code for slot 00, then step 3 its repeat;
//   then    the recovery code is used up; *14 with the door open makes a new one.
#include <string.h>

#include "recovery.h"

#include "audit.h"
#include "credentials.h"
#include "enrol.h"
#include "fih.h"
#include "functions.h"
#include "mod10.h"
#include "ownerlock/crypto.h"
#include "persist.h"
#include "screen.h"
#include "sensors.h"
#include "state.h"
#include "tries.h"

static void wipe_digits(ol_lock *lock) {
    ol_wipe(lock->recovery_digits, sizeof lock->recovery_digits);
    lock->group = 0;
}

static void end_typing(ol_lock *lock) {
    wipe_digits(lock);
    ol_wipe(lock->pending, sizeof lock->pending);
    lock->step = 0;
    lock->menu_deadline = 0;
    if (lock->mode == MODE_RECOVERY) {
        lock->mode = MODE_IDLE;
    }
}

// A recovery runs from the right code to the new manager code: its delay, the
// time to type the code again, and the new code's two fields.
bool ol_recovery_running(const ol_lock *lock) {
    return lock->recovery_until != 0 || lock->recovery_window != 0 ||
           (lock->mode == MODE_RECOVERY && lock->step >= 2);
}

ol_err ol_recovery_stop(ol_lock *lock, uint8_t slot, uint16_t why) {
    if (!ol_recovery_running(lock)) {
        return OL_OK;
    }
    if (lock->mode == MODE_RECOVERY && lock->step >= 2) {
        end_typing(lock); // no new manager code after a stop
    }
    lock->recovery_until = 0;
    lock->recovery_window = 0;
    ol_err err = ol_audit_append(lock, OL_AUDIT_RECOVERY_USED, slot, why);
    return err ? err : ol_save_recovery_running(lock, false);
}

ol_err ol_recovery_power_up(ol_lock *lock) {
    bool running;
    ol_err err = ol_load_recovery_running(lock, &running);
    if (!err && running) {
        err = ol_audit_append(lock, OL_AUDIT_RECOVERY_USED, OL_AUDIT_NO_SLOT, RECOVERY_POWER_CUT);
        if (!err) {
            err = ol_save_recovery_running(lock, false);
        }
    }
    return err;
}

ol_err ol_recovery_cancel(ol_lock *lock) {
    // Typing given up: it ends a recovery past its delay, never the delay
    // itself (*99 typed again while it runs, then '*').
    ol_err err = lock->recovery_until != 0
                     ? OL_OK
                     : ol_recovery_stop(lock, OL_AUDIT_NO_SLOT, RECOVERY_CANCELLED);
    end_typing(lock);
    return err;
}
// A code shown and no key for a while: not kept. A self-powered lock goes
// dark when its dial stops, which ends the showing; while the dial turns it
// needs no timer (twentieth outside evaluation: an owner copying slowly,
// still turning, lost the code after 2 minutes).
static void show_deadline(ol_lock *lock) {
    lock->menu_deadline = lock->plat->self_powered ? 0 : lock->now + OL_RECOVERY_SHOW_MS;
}

// ---- a new code, shown once, kept when typed back ------------------------------

ol_err ol_recovery_new_code(ol_lock *lock, uint8_t slot) {
    uint8_t pool[32];
    size_t have = 0;
    // Uniform digits: bytes of 250 and above are drawn again.
    while (have < OL_RECOVERY_DIGITS) {
        ol_err err = lock->plat->trng(lock->plat->trng_ctx, pool, sizeof pool);
        if (err) {
            ol_wipe(pool, sizeof pool);
            return err;
        }
        for (size_t i = 0; i < sizeof pool && have < OL_RECOVERY_DIGITS; i++) {
            if (pool[i] < 250) {
                lock->recovery_digits[have++] = (uint8_t)ol_mod10(pool[i]); // no UDIV
            }
        }
    }
    ol_wipe(pool, sizeof pool);
    lock->shown_for = slot; // named in the trail when it is kept
    lock->mode = MODE_SHOW_CODE;
    lock->step = 0;
    lock->group = 0;
    show_deadline(lock);
    return OL_OK;
}

void ol_recovery_abandon(ol_lock *lock) {
    if (lock->mode != MODE_SHOW_CODE) {
        return;
    }
    wipe_digits(lock);
    lock->mode = MODE_IDLE;
    lock->step = 0;
    lock->menu_deadline = 0;
    ol_say(lock, TONE_ERROR, "RECOVERY CODE", "NOT SAVED");
}

// A group typed into *99, *14, *15 or the type-back, its check digit first:
// its digits, or NULL. A dial enters digits in pairs, so a group may come
// with a 0 before it (5187 2 dialled as 05-18-72).
static const uint8_t *group_typed(ol_lock *lock, const ol_event *ev) {
    const uint8_t *g = ev->digits;
    size_t n = ol_unpadded(&g, ev->ndigits, OL_RECOVERY_GROUP_DIGITS + 1);
    if (n == OL_RECOVERY_GROUP_DIGITS + 1 && ol_check_valid(g, n)) {
        return g;
    }
    char l1[] = "TYPO IN GROUP 0";
    l1[14] = (char)('1' + lock->group);
    ol_say(lock, TONE_ERROR, l1, "TYPE IT AGAIN");
    return NULL;
}

// The owner has typed back every group: only now does the code count.
static ol_err keep_shown_code(ol_lock *lock) {
    uint8_t tag[OL_TAG_BYTES];
    ol_credential_recovery_tag(tag, lock->device_key, lock->recovery_digits);
    wipe_digits(lock);
    ol_err err = ol_save_recovery(lock, tag);
    ol_wipe(tag, sizeof tag);
    if (!err && lock->set.recovery_off) {
        ol_settings next = lock->set;
        next.recovery_off = false;
        err = ol_save_settings(lock, &next);
    }
    if (err) {
        return err;
    }
    lock->mode = MODE_IDLE;
    lock->step = 0;
    lock->menu_deadline = 0;
    ol_say(lock, TONE_OK, "RECOVERY CODE", "SAVED");
    // Named: a recovery code made with no old one (after a recovery, or a
    // showing cut short) makes its holder the owner, so the trail says whose
    // code asked for it (sixteenth outside evaluation).
    return ol_audit_append(lock, OL_AUDIT_CONFIG_CHANGED, lock->shown_for, OL_FN_RECOVERY);
}

ol_err ol_recovery_show_entry(ol_lock *lock, const ol_event *ev) {
    show_deadline(lock);
    if (lock->step == 0) {
        if (ev->ndigits != 0) {
            return OL_OK; // only '#' pages; digits typed here mean nothing
        }
        if (++lock->group == OL_RECOVERY_GROUPS) {
#if OL_REGRESS_FINDING == 4 // TEST ONLY: kept on the last '#', without type-back
            return keep_shown_code(lock);
#endif
            lock->step = 1; // now typed back, group by group
            lock->group = 0;
            lock->shown_diff = 0;
        }
        return OL_OK;
    }
    const uint8_t *g = group_typed(lock, ev);
    if (!g) {
        return OL_OK;
    }
    lock->shown_diff |=
        ~ol_ct_eq_mask(g, lock->recovery_digits + OL_RECOVERY_GROUP_DIGITS * lock->group,
                       OL_RECOVERY_GROUP_DIGITS);
    if (++lock->group < OL_RECOVERY_GROUPS) {
        return OL_OK;
    }
    lock->group = 0;
    if (lock->shown_diff != 0) {
        lock->step = 0;
        ol_say(lock, TONE_ERROR, "NOT THE SAME", "SHOWN AGAIN");
        return OL_OK;
    }
    return keep_shown_code(lock);
}

// ---- typing a recovery code -----------------------------------------------------

// The typed recovery code against the one kept, read twice as a code is
// (fih.h): valid only if both readings agree.
static void match_recovery(ol_lock *lock, void *entry, verdict *v) {
    (void)entry; // the digits typed are in lock->recovery_digits
    uint8_t tag[OL_TAG_BYTES];
    ol_credential_recovery_tag(tag, lock->device_key, lock->recovery_digits);
    wipe_digits(lock);
    uint32_t on = 0u - (uint32_t)lock->recovery_enabled;
    v->valid = (ol_ct_eq_mask(tag, lock->recovery_tag, OL_TAG_BYTES) & on) != 0;
    v->grant = fih_token(ol_ct_eq_mask(tag, fih_opaque_ptr(lock->recovery_tag), OL_TAG_BYTES) &
                         fih_opaque(on));
    ol_wipe(tag, sizeof tag);
}

ol_err ol_recovery_take_group(ol_lock *lock, const ol_event *ev, bool *done, bool *valid) {
    *done = false;
    *valid = false;
    const uint8_t *g = group_typed(lock, ev);
    if (!g) {
        return OL_OK;
    }
    memcpy(lock->recovery_digits + OL_RECOVERY_GROUP_DIGITS * lock->group, g,
           OL_RECOVERY_GROUP_DIGITS);
    if (++lock->group < OL_RECOVERY_GROUPS) {
        return OL_OK;
    }
    *done = true;
    verdict v;
    ol_err err = ol_try(lock, match_recovery, NULL, NOTHING_CHANGED, &v);
    wipe_digits(lock);
    *valid = v.valid;
    return err;
}

void ol_recovery_start(ol_lock *lock) {
    ol_function_end(lock);
    end_typing(lock);
    if (!lock->recovery_enabled) {
        ol_say(lock, TONE_ERROR, lock->set.recovery_off ? "NO RECOVERY" : "NO RECOVERY CODE",
               lock->set.recovery_off ? "IT IS DISABLED" : "MAKE ONE: *14");
    } else if (ol_battery_critical(lock)) {
        ol_say(lock, TONE_ERROR, "BATTERY LOW", NOTHING_CHANGED);
    } else {
        // Also while its delay runs: the groups are taken and answered after
        // (twelfth outside evaluation: refused at once, the groups the owner
        // typed on landed as five wrong codes and stopped his recovery).
        lock->mode = MODE_RECOVERY;
        lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
    }
}

static ol_err new_manager_code(ol_lock *lock, const ol_event *ev) {
    if (lock->step == 2) {
        const char *bad;
        ol_err err = ol_new_code_first(lock, lock->device_key, 0, ev, &bad);
        if (!err && bad) {
            ol_say(lock, TONE_ERROR, bad, "TRY AGAIN"); // its shape alone: another code
        } else if (!err) {
            lock->step = 3;
        }
        return err;
    }
    uint8_t tag[OL_TAG_BYTES];
    if (!ol_new_code_repeat(lock, lock->device_key, ev, tag)) {
        // The repeat again, never a new first entry (tenth outside
        // evaluation: a loop back to it was a free oracle); `*` ends it.
        ol_say(lock, TONE_ERROR, "CODES DIFFER", "REPEAT IT");
        return OL_OK;
    }
    // Compared with the other codes only now: "not like another" sets slot
    // 00 and uses the recovery code up, "like another" is a wrong try that
    // ends the recovery. Nothing about them is free for whoever holds the
    // recovery code (the eleventh outside evaluation compared a first entry,
    // then `*`, a new recovery, again and again).
    const char *bad;
    ol_err err = ol_new_code_check(lock, lock->device_key, 0, ev, &bad);
    if (err || bad) {
        ol_wipe(tag, sizeof tag);
        if (!err) {
            // A counted wrong try (TOO LIKE ANOTHER) has ended the recovery.
            ol_say(lock, TONE_ERROR, bad, NOTHING_CHANGED);
        }
        return err;
    }
    // The new code first, then the recovery code is used up: a cut in between
    // leaves a lock that opens with the new code and can still be recovered.
    err = ol_save_slot_new_holder(lock, 0, tag);
    ol_wipe(tag, sizeof tag);
    if (!err) {
        err = ol_save_recovery(lock, NULL);
    }
    if (!err) {
        err = ol_audit_append(lock, OL_AUDIT_RECOVERY_USED, 0, RECOVERY_DONE);
    }
    if (!err) {
        err = ol_save_recovery_running(lock, false);
    }
    if (err) {
        return err;
    }
    // A replaced keypad may be paired by the owner's recovery.
    lock->pair_granted = lock->event_unpaired;
    end_typing(lock);
    // No new recovery code on the outside keypad: *14, with the door open.
    ol_say(lock, TONE_OK, "MANAGER CODE SET", "OPEN, THEN *14");
    return OL_OK;
}

ol_err ol_recovery_entry(ol_lock *lock, const ol_event *ev) {
    if (lock->step >= 2) {
        return new_manager_code(lock, ev);
    }
    bool done, valid;
    ol_err err = ol_recovery_take_group(lock, ev, &done, &valid);
    if (err || !done) {
        return err;
    }
    end_typing(lock);
    if (!valid) {
        return OL_OK;
    }
    if (lock->recovery_until != 0) {
        // Typed again while its delay runs (a wrong one above stopped it).
        ol_say(lock, TONE_INFO, "RECOVERY DELAY", "IS RUNNING");
        return OL_OK;
    }
    if (lock->recovery_window != 0) {
        // The delay has been served, and the holder is back with the code.
        lock->recovery_window = 0;
        lock->mode = MODE_RECOVERY;
        lock->step = 2;
        lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
        return OL_OK;
    }
    // The delay runs on the idle screen, where any valid code cancels it.
    // Marked in flash first: a power cut ends it, and the next power-up says so.
    err = ol_save_recovery_running(lock, true);
    if (err) {
        return err;
    }
    lock->recovery_until = lock->now + (uint64_t)lock->set.recovery_delay_min * 60000u;
    return ol_audit_append(lock, OL_AUDIT_RECOVERY_USED, OL_AUDIT_NO_SLOT, RECOVERY_STARTED);
}

ol_err ol_recovery_timers(ol_lock *lock) {
    if (lock->recovery_until != 0 && lock->now >= lock->recovery_until) {
        // From the delay's end, not from whenever the port next woke up.
        lock->recovery_window = lock->recovery_until + OL_RECOVERY_WINDOW_MS;
        lock->recovery_until = 0;
        ol_play(lock, OL_BEEP_OK);
        ol_err err =
            ol_audit_append(lock, OL_AUDIT_RECOVERY_USED, OL_AUDIT_NO_SLOT, RECOVERY_READY);
        if (err) {
            return err;
        }
    }
    if (lock->recovery_window != 0 && lock->now >= lock->recovery_window) {
        // Someone typing *99's groups goes on typing them (a right code starts
        // a new delay): the rest of the groups must not land as codes.
        ol_say(lock, TONE_INFO, "RECOVERY EXPIRED", NOTHING_CHANGED);
        return ol_recovery_stop(lock, OL_AUDIT_NO_SLOT, RECOVERY_EXPIRED);
    }
    return OL_OK;
}

static void put_group(char *text, const uint8_t *g) {
    // "4821 7": the space is ignored by the keypad if typed back.
    for (int i = 0; i < OL_RECOVERY_GROUP_DIGITS; i++) {
        text[i] = (char)('0' + g[i]);
    }
    text[OL_RECOVERY_GROUP_DIGITS] = ' ';
    text[OL_RECOVERY_GROUP_DIGITS + 1] = (char)('0' + ol_check_digit(g, OL_RECOVERY_GROUP_DIGITS));
    text[OL_RECOVERY_GROUP_DIGITS + 2] = '\0';
}

bool ol_recovery_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                        char l2[OL_DISPLAY_COLS + 1], ol_input *input) {
    // Whatever is typed here is part of a recovery code or a new manager
    // code: never echoed.
    *input = OL_INPUT_SECRET;
    if (lock->mode == MODE_SHOW_CODE) {
        char head[] = "RECOVERY 1/5";
        char back[] = "TYPE BACK 1/5";
        char *h = lock->step == 0 ? head : back;
        size_t at = lock->step == 0 ? 9 : 10;
        h[at] = (char)('1' + lock->group);
        h[at + 2] = (char)('0' + OL_RECOVERY_GROUPS);
        ol_set_line(l1, h);
        if (lock->step == 0) {
            char text[OL_RECOVERY_GROUP_DIGITS + 3];
            put_group(text, lock->recovery_digits + OL_RECOVERY_GROUP_DIGITS * lock->group);
            ol_set_line(l2, text);
        }
        return true;
    }
    if (lock->mode == MODE_RECOVERY) {
        if (lock->step >= 2) {
            ol_set_line(l1, lock->step == 2 ? "NEW MANAGER CODE" : "REPEAT CODE");
        } else {
            char head[] = "RECOVERY GROUP 1";
            head[15] = (char)('1' + lock->group);
            ol_set_line(l1, head);
        }
        return true;
    }
    if (lock->recovery_window != 0) {
        ol_set_line(l1, "RECOVERY READY");
        ol_set_line(l2, "TYPE *99 AGAIN");
        *input = OL_INPUT_IDLE;
        return true;
    }
    if (lock->recovery_until != 0) {
        ol_set_line(l1, "RECOVERY DELAY");
        ol_set_line(l2, "00:00 LEFT");
        ol_put_time_left(l2, ol_until(lock, lock->recovery_until));
        *input = OL_INPUT_IDLE;
        return true;
    }
    *input = OL_INPUT_IDLE;
    return false;
}
