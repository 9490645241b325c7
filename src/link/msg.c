// ownerlock — messages between the keypad unit and the lock body.
//
// Layouts (all OL_MSG_BYTES long, unused bytes zero):
//   ENTRY    [0]=0x01 [1]=n (0..16) [2..17]=digits 0..9, zero past n
//   FUNCTION [0]=0x02 [1]=function (0..99)
//   CANCEL   [0]=0x03
//   DISPLAY  [0]=0x81 [1]=input [2]=leds [3]=beep [4..7]=beeps LE
//            [8..23]=line 1 [24..39]=line 2 (printable ASCII, NUL padded)
#include <string.h>

#include "link/link.h"

#define LINE1_AT 8
#define LINE2_AT (LINE1_AT + OL_DISPLAY_COLS)

_Static_assert(LINE2_AT + OL_DISPLAY_COLS == OL_MSG_BYTES, "display message layout");
_Static_assert(2 + OL_ENTRY_MAX_DIGITS <= OL_MSG_BYTES, "entry message layout");

void ol_msg_entry(uint8_t out[OL_MSG_BYTES], const uint8_t *digits, uint8_t n) {
    memset(out, 0, OL_MSG_BYTES);
    if (n > OL_ENTRY_MAX_DIGITS) {
        n = OL_ENTRY_MAX_DIGITS;
    }
    out[0] = OL_MSG_ENTRY;
    out[1] = n;
    memcpy(out + 2, digits, n);
}

void ol_msg_function(uint8_t out[OL_MSG_BYTES], uint8_t function) {
    memset(out, 0, OL_MSG_BYTES);
    out[0] = OL_MSG_FUNCTION;
    out[1] = function;
}

void ol_msg_cancel(uint8_t out[OL_MSG_BYTES]) {
    memset(out, 0, OL_MSG_BYTES);
    out[0] = OL_MSG_CANCEL;
}

static int zero_from(const uint8_t *msg, size_t from) {
    uint8_t acc = 0;
    for (size_t i = from; i < OL_MSG_BYTES; i++) {
        acc |= msg[i];
    }
    return acc == 0;
}

ol_err ol_msg_to_event(const uint8_t *msg, size_t len, ol_event *ev) {
    if (len != OL_MSG_BYTES) {
        return OL_ERR_ARG;
    }
    memset(ev, 0, sizeof *ev);
    switch (msg[0]) {
    case OL_MSG_ENTRY: {
        uint8_t n = msg[1];
        if (n > OL_ENTRY_MAX_DIGITS || !zero_from(msg, 2u + n)) {
            return OL_ERR_ARG;
        }
        for (uint8_t i = 0; i < n; i++) {
            if (msg[2 + i] > 9) {
                return OL_ERR_ARG;
            }
            ev->digits[i] = msg[2 + i];
        }
        ev->type = OL_EV_ENTRY;
        ev->ndigits = n;
        return OL_OK;
    }
    case OL_MSG_FUNCTION:
        if (msg[1] > 99 || !zero_from(msg, 2)) {
            return OL_ERR_ARG;
        }
        ev->type = OL_EV_FUNCTION;
        ev->function = msg[1];
        return OL_OK;
    case OL_MSG_CANCEL:
        if (!zero_from(msg, 1)) {
            return OL_ERR_ARG;
        }
        ev->type = OL_EV_CANCEL;
        return OL_OK;
    default:
        return OL_ERR_ARG;
    }
}

void ol_msg_display(uint8_t out[OL_MSG_BYTES], const ol_outputs *o) {
    memset(out, 0, OL_MSG_BYTES);
    out[0] = OL_MSG_DISPLAY;
    out[1] = (uint8_t)o->input;
    out[2] = (uint8_t)((o->led_green ? 1 : 0) | (o->led_red ? 2 : 0));
    out[3] = (uint8_t)o->beep;
    out[4] = (uint8_t)o->beeps;
    out[5] = (uint8_t)(o->beeps >> 8);
    out[6] = (uint8_t)(o->beeps >> 16);
    out[7] = (uint8_t)(o->beeps >> 24);
    for (size_t i = 0; i < OL_DISPLAY_COLS && o->line[0][i]; i++) {
        out[LINE1_AT + i] = (uint8_t)o->line[0][i];
    }
    for (size_t i = 0; i < OL_DISPLAY_COLS && o->line[1][i]; i++) {
        out[LINE2_AT + i] = (uint8_t)o->line[1][i];
    }
}

static ol_err parse_line(char dst[OL_DISPLAY_COLS + 1], const uint8_t *src) {
    size_t n = 0;
    while (n < OL_DISPLAY_COLS && src[n]) {
        if (src[n] < 0x20 || src[n] > 0x7E) {
            return OL_ERR_ARG;
        }
        dst[n] = (char)src[n];
        n++;
    }
    for (size_t i = n; i < OL_DISPLAY_COLS; i++) {
        if (src[i]) {
            return OL_ERR_ARG;
        }
    }
    dst[n] = '\0';
    return OL_OK;
}

ol_err ol_msg_parse_display(const uint8_t *msg, size_t len, ol_display_msg *d) {
    if (len != OL_MSG_BYTES || msg[0] != OL_MSG_DISPLAY || msg[1] > OL_INPUT_NONE || msg[2] > 3 ||
        msg[3] > OL_BEEP_ALERT) {
        return OL_ERR_ARG;
    }
    ol_display_msg tmp;
    if (parse_line(tmp.line[0], msg + LINE1_AT) || parse_line(tmp.line[1], msg + LINE2_AT)) {
        return OL_ERR_ARG;
    }
    tmp.input = (ol_input)msg[1];
    tmp.leds = msg[2];
    tmp.beep = (ol_beep)msg[3];
    tmp.beeps =
        (uint32_t)msg[4] | (uint32_t)msg[5] << 8 | (uint32_t)msg[6] << 16 | (uint32_t)msg[7] << 24;
    *d = tmp;
    return OL_OK;
}
