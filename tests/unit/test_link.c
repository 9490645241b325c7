// Unit tests of the keypad <-> lock-body messages and the keypad unit.
#include "check.h"
#include "frontend/keypad.h"
#include "link/link.h"

static void test_entry_roundtrip(void) {
    uint8_t msg[OL_MSG_BYTES];
    uint8_t d[OL_ENTRY_MAX_DIGITS] = {4, 8, 2, 9, 1, 5, 0, 0, 9, 9, 1, 2, 3, 4, 5, 6};
    ol_event ev;
    for (uint8_t n = 0; n <= OL_ENTRY_MAX_DIGITS; n++) {
        ol_msg_entry(msg, d, n);
        CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_OK);
        CHECK_EQ(ev.type, OL_EV_ENTRY);
        CHECK_EQ(ev.ndigits, n);
        CHECK_MEM(ev.digits, d, n);
    }
    ol_msg_function(msg, 42);
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_OK);
    CHECK_EQ(ev.type, OL_EV_FUNCTION);
    CHECK_EQ(ev.function, 42);
    ol_msg_cancel(msg);
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_OK);
    CHECK_EQ(ev.type, OL_EV_CANCEL);
}

static void test_strict_decoding(void) {
    uint8_t msg[OL_MSG_BYTES];
    uint8_t d[6] = {1, 2, 3, 4, 5, 6};
    ol_event ev;
    ol_msg_entry(msg, d, 6);
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg - 1, &ev), OL_ERR_ARG); // short
    msg[2] = 10;                                                     // not a digit
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_ERR_ARG);
    ol_msg_entry(msg, d, 6);
    msg[1] = 17; // too long
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_ERR_ARG);
    ol_msg_entry(msg, d, 6);
    msg[OL_MSG_BYTES - 1] = 1; // padding not zero
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_ERR_ARG);
    ol_msg_entry(msg, d, 6);
    msg[8] = 3; // a digit past n
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_ERR_ARG);
    ol_msg_function(msg, 100 - 1);
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_OK);
    msg[1] = 100;
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_ERR_ARG);
    ol_msg_cancel(msg);
    msg[5] = 1;
    CHECK_EQ(ol_msg_to_event(msg, sizeof msg, &ev), OL_ERR_ARG);
    // Unknown types, including the lock's own DISPLAY type, are refused.
    for (unsigned t = 0; t < 256; t++) {
        if (t == OL_MSG_ENTRY || t == OL_MSG_FUNCTION || t == OL_MSG_CANCEL) {
            continue;
        }
        memset(msg, 0, sizeof msg);
        msg[0] = (uint8_t)t;
        CHECK(ol_msg_to_event(msg, sizeof msg, &ev) == OL_ERR_ARG);
    }
}

static void test_display_roundtrip(void) {
    ol_outputs o;
    memset(&o, 0, sizeof o);
    strcpy(o.line[0], "LOCKED OUT");
    strcpy(o.line[1], "WAIT 04:59");
    o.input = OL_INPUT_NONE;
    o.led_red = true;
    o.beep = OL_BEEP_ALERT;
    o.beeps = 0x01020304;
    uint8_t msg[OL_MSG_BYTES];
    ol_msg_display(msg, &o);
    ol_display_msg d;
    CHECK_EQ(ol_msg_parse_display(msg, sizeof msg, &d), OL_OK);
    CHECK(strcmp(d.line[0], "LOCKED OUT") == 0);
    CHECK(strcmp(d.line[1], "WAIT 04:59") == 0);
    CHECK_EQ(d.input, OL_INPUT_NONE);
    CHECK_EQ(d.leds, 2);
    CHECK_EQ(d.beep, OL_BEEP_ALERT);
    CHECK_EQ(d.beeps, 0x01020304);
    msg[10] = 0x07; // control character in a line
    CHECK_EQ(ol_msg_parse_display(msg, sizeof msg, &d), OL_ERR_ARG);
}

static int press(ol_keypad *kp, const char *keys, uint8_t out[OL_MSG_BYTES]) {
    int sent = 0;
    for (const char *k = keys; *k; k++) {
        sent += ol_keypad_key(kp, 0, *k, out);
    }
    return sent;
}

static void show(ol_keypad *kp, ol_input input) {
    ol_outputs o;
    memset(&o, 0, sizeof o);
    strcpy(o.line[0], "ENTER CODE");
    o.input = input;
    uint8_t msg[OL_MSG_BYTES];
    ol_msg_display(msg, &o);
    ol_keypad_receive(kp, msg, sizeof msg);
}

static void test_keypad(void) {
    ol_keypad kp;
    uint8_t out[OL_MSG_BYTES];
    ol_event ev;
    char line[2][OL_DISPLAY_COLS + 1];
    ol_keypad_init(&kp);
    // Before the lock body has spoken, keys are ignored.
    CHECK_EQ(press(&kp, "123456#", out), 0);
    show(&kp, OL_INPUT_IDLE);
    // Digits are collected and masked; nothing is sent until '#'.
    CHECK_EQ(press(&kp, "482", out), 0);
    ol_keypad_display(&kp, line);
    CHECK(strcmp(line[0], "ENTER CODE") == 0);
    CHECK(strcmp(line[1], "***") == 0);
    CHECK_EQ(press(&kp, "915#", out), 1);
    CHECK_EQ(ol_msg_to_event(out, sizeof out, &ev), OL_OK);
    CHECK_EQ(ev.type, OL_EV_ENTRY);
    CHECK_EQ(ev.ndigits, 6);
    CHECK_EQ(kp.n, 0);
    for (unsigned i = 0; i < sizeof kp.buf; i++) {
        CHECK_EQ(kp.buf[i], 0); // wiped once sent
    }
    // '*' NN on the idle screen selects a function.
    CHECK_EQ(press(&kp, "*0", out), 0);
    ol_keypad_display(&kp, line);
    CHECK(strcmp(line[1], "*0") == 0);
    CHECK_EQ(press(&kp, "2", out), 1);
    CHECK_EQ(ol_msg_to_event(out, sizeof out, &ev), OL_OK);
    CHECK_EQ(ev.type, OL_EV_FUNCTION);
    CHECK_EQ(ev.function, 2);
    // Inside a function '*' cancels; numbers are echoed in clear.
    show(&kp, OL_INPUT_NUMBER);
    CHECK_EQ(press(&kp, "05", out), 0);
    ol_keypad_display(&kp, line);
    CHECK(strcmp(line[1], "05") == 0);
    CHECK_EQ(press(&kp, "*", out), 1);
    CHECK_EQ(ol_msg_to_event(out, sizeof out, &ev), OL_OK);
    CHECK_EQ(ev.type, OL_EV_CANCEL);
    // Long fields are cut at OL_ENTRY_MAX_DIGITS.
    show(&kp, OL_INPUT_IDLE);
    CHECK_EQ(press(&kp, "12345678901234567890#", out), 1);
    CHECK_EQ(ol_msg_to_event(out, sizeof out, &ev), OL_OK);
    CHECK_EQ(ev.ndigits, OL_ENTRY_MAX_DIGITS);
    // A half-typed field is dropped after the idle time.
    CHECK_EQ(press(&kp, "12", out), 0);
    ol_keypad_tick(&kp, OL_KEYPAD_IDLE_MS);
    CHECK_EQ(kp.n, 0);
    // During a lockout the keypad ignores keys.
    show(&kp, OL_INPUT_NONE);
    CHECK_EQ(press(&kp, "123456#", out), 0);
}

int main(void) {
    test_entry_roundtrip();
    test_strict_decoding();
    test_display_roundtrip();
    test_keypad();
    return check_done("test_link");
}
