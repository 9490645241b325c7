// ownerlock — the keypad unit: collects keys, echoes them, forwards entries.
//
// It keeps only the field being typed, and wipes it as soon as the field is
// sent or dropped. What a key means is decided by the lock body; the keypad
// only needs to know when a field ends ('#'), when '*' starts a function
// number (idle screen, nothing typed) and when it cancels (anything else).
#include <string.h>

#include "frontend/keypad.h"
#include "link/link.h"
#include "ownerlock/crypto.h"

static void clear_field(ol_keypad *kp) {
    ol_wipe(kp->buf, sizeof kp->buf);
    kp->n = 0;
    kp->star = 0;
    kp->fn_first = 0;
}

void ol_keypad_init(ol_keypad *kp) {
    memset(kp, 0, sizeof *kp);
    kp->shown.input = OL_INPUT_NONE; // until the lock body has spoken
}

bool ol_keypad_key(ol_keypad *kp, uint64_t now_ms, char key, uint8_t out[OL_MSG_BYTES]) {
    if (kp->shown.input == OL_INPUT_NONE) {
        clear_field(kp);
        return false;
    }
    kp->last_key_ms = now_ms;
    if (key >= '0' && key <= '9') {
        uint8_t d = (uint8_t)(key - '0');
        if (kp->star == 1) {
            kp->fn_first = d;
            kp->star = 2;
        } else if (kp->star == 2) {
            uint8_t fn = (uint8_t)(kp->fn_first * 10 + d);
            clear_field(kp);
            ol_msg_function(out, fn);
            return true;
        } else if (kp->n < OL_ENTRY_MAX_DIGITS) {
            kp->buf[kp->n++] = d;
        }
        return false;
    }
    if (key == '#') {
        if (kp->star) {
            clear_field(kp);
            ol_msg_cancel(out);
            return true;
        }
        ol_msg_entry(out, kp->buf, kp->n);
        clear_field(kp);
        return true;
    }
    if (key == '*') {
        if (kp->shown.input == OL_INPUT_IDLE && kp->n == 0 && kp->star == 0) {
            kp->star = 1;
            return false;
        }
        clear_field(kp);
        ol_msg_cancel(out);
        return true;
    }
    return false;
}

bool ol_keypad_dial_key(ol_keypad *kp, uint64_t now_ms, char key, uint8_t out[OL_MSG_BYTES]) {
    bool idle = kp->shown.input == OL_INPUT_IDLE;
    if (key == '#' && idle && kp->n == 2 && kp->star == 0) {
        uint8_t fn = (uint8_t)(kp->buf[0] * 10u + kp->buf[1]);
        clear_field(kp);
        kp->last_key_ms = now_ms;
        ol_msg_function(out, fn);
        return true;
    }
    if (key == '<') {
        clear_field(kp);
        return false;
    }
    return ol_keypad_key(kp, now_ms, key, out);
}

void ol_keypad_tick(ol_keypad *kp, uint64_t now_ms) {
    if ((kp->n || kp->star) && now_ms - kp->last_key_ms >= OL_KEYPAD_IDLE_MS) {
        clear_field(kp);
    }
}

void ol_keypad_receive(ol_keypad *kp, const uint8_t *msg, size_t len) {
    ol_display_msg d;
    if (ol_msg_parse_display(msg, len, &d) != OL_OK) {
        return;
    }
    if (d.input == OL_INPUT_NONE) {
        clear_field(kp);
    }
    kp->shown = d;
}

void ol_keypad_display(const ol_keypad *kp, char line[2][OL_DISPLAY_COLS + 1]) {
    memcpy(line, kp->shown.line, sizeof kp->shown.line);
    if (kp->star) {
        line[1][0] = '*';
        line[1][1] = kp->star == 2 ? (char)('0' + kp->fn_first) : '\0';
        line[1][2] = '\0';
    } else if (kp->n) {
        // Codes are masked; numbers (slot, on/off) are shown as typed.
        for (uint8_t i = 0; i < kp->n && i < OL_DISPLAY_COLS; i++) {
            line[1][i] = kp->shown.input == OL_INPUT_NUMBER ? (char)('0' + kp->buf[i]) : '*';
        }
        line[1][kp->n < OL_DISPLAY_COLS ? kp->n : OL_DISPLAY_COLS] = '\0';
    }
}

bool ol_keypad_led(const ol_keypad *kp, int red) {
    return (kp->shown.leds & (red ? 2 : 1)) != 0;
}
