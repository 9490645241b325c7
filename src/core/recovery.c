// ownerlock — owner recovery, without any manufacturer code.
//
// At commissioning (and at each rotation) the lock draws a recovery code of
// OL_RECOVERY_DIGITS digits from its TRNG, shows it once in groups with check
// digits, and on the owner's '#' keeps only its MAC under the device key.
// *99 then lets whoever holds it set a new manager code, after a delay that
// any valid code cancels:
//   step 0  the groups are typed, each checked by its check digit (a typo
//           costs nothing); the whole code is one try under the penalty;
//   delay   OL_RECOVERY_DELAY (*16) in RAM: a power cut forgets it;
//   step 2  a new manager code for slot 00, then step 3 its repeat;
//   then    the recovery code is used up and a new one is shown.
#include <string.h>

#include "audit.h"
#include "credentials.h"
#include "engine.h"
#include "fih.h"
#include "ownerlock/crypto.h"

static void wipe_digits(ol_lock *lock) {
    ol_wipe(lock->recovery_digits, sizeof lock->recovery_digits);
    lock->group = 0;
}

void recovery_cancel(ol_lock *lock) {
    wipe_digits(lock);
    ol_wipe(lock->pending, sizeof lock->pending);
    lock->recovery_until = 0;
    lock->recovery_window = 0;
    lock->step = 0;
    if (lock->mode == MODE_RECOVERY) {
        lock->mode = MODE_IDLE;
    }
}

ol_err recovery_interrupt(ol_lock *lock, uint8_t slot, uint16_t why) {
    if (lock->recovery_until == 0) {
        return OL_OK;
    }
    lock->recovery_until = 0;
    return audit_append(lock, OL_AUDIT_RECOVERY_USED, slot, why);
}

// ---- a new code, shown once ---------------------------------------------------

ol_err recovery_new_code(ol_lock *lock) {
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
                lock->recovery_digits[have++] = (uint8_t)(pool[i] % 10u);
            }
        }
    }
    ol_wipe(pool, sizeof pool);
    lock->mode = MODE_SHOW_CODE;
    lock->group = 0;
    lock->menu_deadline = 0;
    return OL_OK;
}

ol_err recovery_show_entry(ol_lock *lock, const ol_event *ev) {
    if (ev->ndigits != 0) {
        return OL_OK; // only '#' pages; digits typed here mean nothing
    }
    if (++lock->group < OL_RECOVERY_GROUPS) {
        return OL_OK;
    }
    // The owner has seen every group: only now does the code count.
    uint8_t tag[OL_TAG_BYTES];
    credential_recovery_tag(tag, lock->device_key, lock->recovery_digits);
    wipe_digits(lock);
    ol_err err = save_recovery(lock, tag);
    ol_wipe(tag, sizeof tag);
    if (err) {
        return err;
    }
    lock->mode = MODE_IDLE;
    say(lock, TONE_OK, "RECOVERY CODE", "SAVED");
    return audit_append(lock, OL_AUDIT_CONFIG_CHANGED, OL_AUDIT_NO_SLOT, 99);
}

// ---- typing a recovery code -----------------------------------------------------

ol_err recovery_take_group(ol_lock *lock, const ol_event *ev, bool *done, bool *valid) {
    *done = false;
    *valid = false;
    if (ev->ndigits != OL_RECOVERY_GROUP_DIGITS + 1 || !ol_check_valid(ev->digits, ev->ndigits)) {
        char l1[] = "TYPO IN GROUP 0";
        l1[14] = (char)('1' + lock->group);
        say(lock, TONE_ERROR, l1, "TYPE IT AGAIN");
        return OL_OK;
    }
    memcpy(lock->recovery_digits + OL_RECOVERY_GROUP_DIGITS * lock->group, ev->digits,
           OL_RECOVERY_GROUP_DIGITS);
    if (++lock->group < OL_RECOVERY_GROUPS) {
        return OL_OK;
    }
    *done = true;
    penalty was = penalty_now(lock);
    ol_err err = penalty_begin(lock);
    if (!err) {
        err = penalty_confirm(lock, was);
    }
    if (err) {
        wipe_digits(lock);
        return err;
    }
    uint8_t tag[OL_TAG_BYTES];
    credential_recovery_tag(tag, lock->device_key, lock->recovery_digits);
    wipe_digits(lock);
    // Two readings, as for a code (fih.h): the count is cleared only if both agree.
    uint32_t on = 0u - (uint32_t)lock->recovery_enabled;
    verdict v = {0};
    v.valid = (ol_ct_eq_mask(tag, lock->recovery_tag, OL_TAG_BYTES) & on) != 0;
    v.grant = fih_token(ol_ct_eq_mask(tag, fih_opaque_ptr(lock->recovery_tag), OL_TAG_BYTES) &
                        fih_opaque(on));
    ol_wipe(tag, sizeof tag);
    *valid = v.valid;
    return penalty_settle(lock, &v, NOTHING_CHANGED);
}

void recovery_start(ol_lock *lock) {
    end_function(lock);
    recovery_cancel(lock);
    if (!lock->recovery_enabled) {
        say(lock, TONE_ERROR, "NO RECOVERY", "IT IS DISABLED");
        return;
    }
    lock->mode = MODE_RECOVERY;
    lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
}

static ol_err new_manager_code(ol_lock *lock, const ol_event *ev) {
    if (lock->step == 2) {
        const char *bad = new_code_first(lock, lock->device_key, 0, ev);
        if (bad) {
            say(lock, TONE_ERROR, bad, "TRY AGAIN");
        } else {
            lock->step = 3;
        }
        return OL_OK;
    }
    uint8_t tag[OL_TAG_BYTES];
    if (!new_code_repeat(lock, lock->device_key, ev, tag)) {
        lock->step = 2;
        say(lock, TONE_ERROR, "CODES DIFFER", "TRY AGAIN");
        return OL_OK;
    }
    // The new code first, then the recovery code is used up: a cut in between
    // leaves a lock that opens with the new code and can still be recovered.
    ol_err err = save_slot(lock, 0, tag);
    ol_wipe(tag, sizeof tag);
    if (!err) {
        err = save_recovery(lock, NULL);
    }
    if (!err) {
        err = audit_append(lock, OL_AUDIT_RECOVERY_USED, 0, 2);
    }
    if (err) {
        return err;
    }
    // A replaced keypad may be paired by the owner's recovery.
    lock->pair_granted = lock->event_unpaired;
    recovery_cancel(lock);
    return recovery_new_code(lock);
}

ol_err recovery_entry(ol_lock *lock, const ol_event *ev) {
    if (lock->step >= 2) {
        return new_manager_code(lock, ev);
    }
    bool done, valid;
    ol_err err = recovery_take_group(lock, ev, &done, &valid);
    if (err || !done) {
        return err;
    }
    lock->mode = MODE_IDLE;
    lock->menu_deadline = 0;
    if (!valid) {
        return OL_OK;
    }
    // The delay runs on the idle screen, where any valid code cancels it.
    lock->recovery_until = lock->now + (uint64_t)lock->set.recovery_delay_min * 60000u;
    return audit_append(lock, OL_AUDIT_RECOVERY_USED, OL_AUDIT_NO_SLOT, 1);
}

ol_err recovery_timers(ol_lock *lock) {
    if (lock->recovery_until != 0 && lock->now >= lock->recovery_until && lock->mode == MODE_IDLE) {
        end_function(lock);
        lock->recovery_until = 0;
        lock->recovery_window = lock->now + OL_RECOVERY_WINDOW_MS;
        lock->mode = MODE_RECOVERY;
        lock->step = 2;
        beep(lock, OL_BEEP_OK);
    }
    if (lock->recovery_window != 0 && lock->now >= lock->recovery_window) {
        recovery_cancel(lock);
        say(lock, TONE_INFO, "RECOVERY EXPIRED", NOTHING_CHANGED);
    }
    return OL_OK;
}

bool recovery_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                     char l2[OL_DISPLAY_COLS + 1], ol_input *input) {
    if (lock->mode == MODE_SHOW_CODE) {
        char head[] = "RECOVERY 1/5";
        head[9] = (char)('1' + lock->group);
        head[11] = (char)('0' + OL_RECOVERY_GROUPS);
        set_line(l1, head);
        // "4821 7": the spaces are ignored by the keypad if typed back.
        const uint8_t *g = lock->recovery_digits + OL_RECOVERY_GROUP_DIGITS * lock->group;
        char text[OL_RECOVERY_GROUP_DIGITS + 3];
        for (int i = 0; i < OL_RECOVERY_GROUP_DIGITS; i++) {
            text[i] = (char)('0' + g[i]);
        }
        text[OL_RECOVERY_GROUP_DIGITS] = ' ';
        text[OL_RECOVERY_GROUP_DIGITS + 1] =
            (char)('0' + ol_check_digit(g, OL_RECOVERY_GROUP_DIGITS));
        text[OL_RECOVERY_GROUP_DIGITS + 2] = '\0';
        set_line(l2, text);
        *input = OL_INPUT_NUMBER;
        return true;
    }
    if (lock->mode == MODE_RECOVERY) {
        if (lock->step >= 2) {
            set_line(l1, lock->step == 2 ? "NEW MANAGER CODE" : "REPEAT CODE");
            *input = OL_INPUT_SECRET;
        } else {
            char head[] = "RECOVERY GROUP 1";
            head[15] = (char)('1' + lock->group);
            set_line(l1, head);
            *input = OL_INPUT_NUMBER;
        }
        return true;
    }
    if (lock->recovery_until != 0) {
        uint32_t left = (uint32_t)(lock->recovery_until - lock->now);
        uint32_t s = (left + 999u) / 1000u;
        char text[] = "00:00 LEFT";
        put2(text, s >= 6000u ? s / 3600u : s / 60u);
        text[2] = s >= 6000u ? 'h' : ':';
        put2(text + 3, s >= 6000u ? s % 3600u / 60u : s % 60u);
        set_line(l1, "RECOVERY DELAY");
        set_line(l2, text);
        return true;
    }
    return false;
}
