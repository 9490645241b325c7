// ownerlock — what the keypad shows and sounds.
#include "screen.h"

#include "functions.h"
#include "onetime.h"
#include "refusal.h"
#include "recovery.h"
#include "service.h"
#include "state.h"
#include "timelock.h"

void ol_set_line(char dst[OL_DISPLAY_COLS + 1], const char *src) {
    size_t n = 0;
    while (n < OL_DISPLAY_COLS && src[n]) {
        dst[n] = src[n];
        n++;
    }
    dst[n] = '\0';
}

void ol_put2(char *p, uint32_t v) {
    p[0] = (char)('0' + (v / 10) % 10);
    p[1] = (char)('0' + v % 10);
}

void ol_put_time_left(char *p, uint32_t ms) {
    uint32_t s = (ms + 999u) / 1000u;
    uint32_t hi = s / 60u, lo = s % 60u;
    p[2] = ':';
    if (hi > 99) {
        hi = s / 3600u;
        lo = s % 3600u / 60u;
        p[2] = 'h';
    }
    ol_put2(p, hi);
    ol_put2(p + 3, lo);
}

void ol_play(ol_lock *lock, ol_beep pattern) {
    lock->out.beep = pattern;
    lock->out.beeps++;
}

void ol_say(ol_lock *lock, enum tone tone, const char *l1, const char *l2) {
    ol_set_line(lock->message[0], l1);
    ol_set_line(lock->message[1], l2);
    lock->message_tone = (uint8_t)tone;
    lock->message_until = lock->now + OL_MESSAGE_MS;
    if (tone == TONE_OK) {
        ol_play(lock, OL_BEEP_OK);
    } else if (tone == TONE_ERROR) {
        ol_play(lock, OL_BEEP_ERROR);
    } else if (tone == TONE_ALERT) {
        ol_play(lock, OL_BEEP_ALERT);
    }
}

// The state of an idle lock: open, a dual-control first code, a delay or its
// window, a time lock. Lines left as they are when none applies.
static void idle_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                        char l2[OL_DISPLAY_COLS + 1], ol_input *input) {
    if (lock->out.bolt == OL_BOLT_RETRACTED) {
        ol_set_line(l1, lock->door_open ? "DOOR OPEN" : "OPEN");
        if (lock->service_until != 0) {
            ol_set_line(l2, "SERVICE 00:00");
            ol_put_time_left(l2 + 8, ol_until(lock, lock->service_until));
        }
    } else if (lock->dual_until != 0) {
        ol_set_line(l1, lock->set.id_mode ? "SECOND ID+CODE" : "SECOND CODE");
    } else if (lock->window_until != 0 && lock->now < lock->delay_until) {
        ol_set_line(l1, "TIME DELAY");
        ol_set_line(l2, "00:00");
        ol_put_time_left(l2, ol_until(lock, lock->delay_until));
        *input = OL_INPUT_SECRET; // '*' cancels the delay
    } else if (lock->window_until != 0) {
        // A window the time lock has closed in the meantime is no
        // invitation to type a code.
        enum refusal why = ol_timelock_refusal(lock);
        ol_set_line(l1, why == REFUSAL_NONE ? "OPEN NOW: CODE" : ol_refusal_text(why));
        ol_set_line(l2, "WINDOW 00:00");
        ol_put_time_left(l2 + 7, ol_until(lock, lock->window_until));
    } else if (ol_countdown_left(lock, &lock->timelock) != 0) {
        ol_set_line(l1, "TIME LOCKED");
        ol_set_line(l2, "00:00 LEFT");
        ol_put_time_left(l2, ol_countdown_left(lock, &lock->timelock));
    }
}

void ol_screen_render(ol_lock *lock) {
    ol_outputs *o = &lock->out;
    uint32_t left = ol_countdown_left(lock, &lock->lockout);
    enum tone tone = TONE_INFO;
    char l1[OL_DISPLAY_COLS + 1] = "ENTER CODE", l2[OL_DISPLAY_COLS + 1] = "";
    if (lock->set.id_mode) {
        ol_set_line(l1, "ENTER ID + CODE");
    }
    o->input = OL_INPUT_IDLE;
    if (lock->mode == MODE_FAULT) {
        ol_set_line(l1, lock->glitch ? "FAULT DETECTED" : "STORAGE FAULT");
        ol_set_line(l2, "LOCK DISABLED");
        o->input = OL_INPUT_NONE;
        tone = TONE_ALERT;
    } else if (left != 0) {
        ol_set_line(l1, "LOCKED OUT");
        ol_set_line(l2, "WAIT 00:00");
        ol_put_time_left(l2 + 5, left);
        o->input = OL_INPUT_NONE;
        tone = TONE_ALERT;
    } else {
        if (lock->mode == MODE_FACTORY) {
            ol_set_line(l1, !lock->door_open  ? "NEW LOCK: OPEN"
                            : lock->step == 0 ? "SET MANAGER CODE"
                                              : "REPEAT CODE");
            ol_set_line(l2, lock->door_open ? "" : "THE DOOR");
            // The first field is like the idle screen ('*' NN reaches the
            // lock, which answers SET UP FIRST); in the repeat '*' cancels.
            o->input = lock->step == 0 ? OL_INPUT_IDLE : OL_INPUT_SECRET;
        } else if (lock->mode == MODE_FUNCTION) {
            ol_function_screen(lock, l1, l2, &o->input);
        } else if (lock->mode == MODE_OFFER) {
            ol_service_offer_screen(lock, l1, l2, &o->input);
        } else if (lock->mode == MODE_ONE_TIME) {
            ol_set_line(l1, ol_onetime_prompt(lock));
            o->input = OL_INPUT_SECRET;
        } else if (!ol_recovery_screen(lock, l1, l2, &o->input)) {
            idle_screen(lock, l1, l2, &o->input);
        }
        if (lock->message_until != 0) {
            ol_set_line(l1, lock->message[0]);
            ol_set_line(l2, lock->message[1]);
            tone = (enum tone)lock->message_tone;
        }
        // A warning on every use while the battery is low.
        if (lock->battery_known && lock->battery_mv < OL_BATTERY_WARN_MV && l2[0] == '\0') {
            ol_set_line(l2, "LOW BATTERY");
        }
        // A lock without the recovery code its owner did not turn off (a
        // showing cut short, a recovery used up) says so until *14.
        if (lock->mode == MODE_IDLE && !lock->recovery_enabled && !lock->set.recovery_off &&
            l2[0] == '\0') {
            ol_set_line(l2, "NO RECOVERY CODE");
        }
    }
    ol_set_line(o->line[0], l1);
    ol_set_line(o->line[1], l2);
    o->led_green = lock->mode != MODE_FAULT &&
                   (o->bolt == OL_BOLT_RETRACTED || (left == 0 && tone == TONE_OK));
    o->led_red = tone == TONE_ERROR || tone == TONE_ALERT;
}
