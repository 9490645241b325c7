// ownerlock — libFuzzer target: the dial unit's front end (issue 17), turns
// of the dial through the keypad logic behind it, against a model of the
// grammar the user manual gives (src/frontend/dial.h).
//
// Input: a start number, then per byte one turn: bit 7 the direction (1 is
// right), bits 0-6 the detents, (n & 63) + 1, times 8 when bit 6 is set; a
// byte 0x00 changes what the lock shows (the next byte picks the input mode:
// idle, a code, a number, none), so every mode meets every turn.
//
// Invariants checked (abort() = a finding):
//  - the number shown is always 00..99 and moves one per detent;
//  - the keys the dial completes are exactly the model's: a change of
//    direction enters the number where the dial turned (two digits), unless
//    the turn that ends there made a '#'; every OL_DIAL_GESTURE_STEPS detents
//    one way is '#' (right) or '<' (left);
//  - every message the keypad logic completes decodes strictly on the lock
//    body's side (ol_msg_to_event), an entry of whole numbers only (an even
//    number of digits), a function 00..99 only from one number on the idle
//    screen, and never a CANCEL (a dial has no '*');
//  - nothing reads or writes out of bounds (ASan, UBSan).
#include <stdbool.h>
#include <string.h>

#include "frontend/dial.h"
#include "frontend/keypad.h"
#include "fuzz.h"
#include "link/link.h"

// The model: a position and the turn in progress, counted from scratch.
typedef struct model {
    int number;   // 0..99
    int dir;      // +1, -1, 0 before the first detent
    uint32_t len; // detents of the turn in progress
    bool first;   // the turn in progress is the first since power-up
} model;

// What the model says one detent completes; returns the count.
static size_t model_step(model *m, int dir, char keys[4]) {
    size_t n = 0;
    if (dir != m->dir) {
        // The turn that ends here: entered unless it was right and made '#',
        // or was the first, right (it woke the lock).
        bool made_hash = m->dir > 0 && m->len >= OL_DIAL_GESTURE_STEPS;
        bool woke = m->dir > 0 && m->first;
        if (m->dir != 0 && !made_hash && !woke) {
            keys[n++] = (char)('0' + m->number / 10);
            keys[n++] = (char)('0' + m->number % 10);
        }
        m->first = m->dir == 0;
        m->dir = dir;
        m->len = 0;
    }
    m->number = (m->number + 100 + dir) % 100;
    m->len++;
    if (m->len % OL_DIAL_GESTURE_STEPS == 0) {
        keys[n++] = dir > 0 ? '#' : '<';
    }
    return n;
}

static void show(ol_keypad *kp, uint8_t mode) {
    static const ol_input modes[] = {OL_INPUT_IDLE, OL_INPUT_SECRET, OL_INPUT_NUMBER,
                                     OL_INPUT_NONE};
    uint8_t msg[OL_MSG_BYTES] = {OL_MSG_DISPLAY, (uint8_t)modes[mode % 4]};
    memcpy(msg + 8, "FUZZ", 4);
    ol_keypad_receive(kp, msg, sizeof msg);
    REQUIRE(kp->shown.input == modes[mode % 4]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) {
        return 0;
    }
    ol_dial d;
    ol_dial_init(&d, data[0]);
    model m = {.number = data[0] % 100};
    ol_keypad kp;
    ol_keypad_init(&kp);
    show(&kp, 0);
    uint64_t now = 0;
    for (size_t i = 1; i < size; i++) {
        if (data[i] == 0x00) {
            show(&kp, i + 1 < size ? data[++i] : 0);
            continue;
        }
        int dir = data[i] & 0x80 ? 1 : -1;
        unsigned count = ((data[i] & 63u) + 1u) * (data[i] & 0x40 ? 8u : 1u);
        for (unsigned s = 0; s < count; s++) {
            char got[2], want[4];
            int before = d.number;
            size_t n = ol_dial_step(&d, dir, got);
            size_t w = model_step(&m, dir, want);
            REQUIRE(d.number < 100 && d.number == m.number);
            REQUIRE((d.number + 100 - before) % 100 == (dir > 0 ? 1 : 99));
            REQUIRE(n == w && n <= 2 && memcmp(got, want, n) == 0);
            for (size_t k = 0; k < n; k++) {
                bool idle_one =
                    got[k] == '#' && kp.shown.input == OL_INPUT_IDLE && kp.n == 2 && kp.star == 0;
                uint8_t msg[OL_MSG_BYTES];
                now += 10;
                if (!ol_keypad_dial_key(&kp, now, got[k], msg)) {
                    continue;
                }
                ol_event ev;
                REQUIRE(ol_msg_to_event(msg, sizeof msg, &ev) == OL_OK);
                REQUIRE(ev.type == OL_EV_ENTRY || ev.type == OL_EV_FUNCTION);
                REQUIRE(ev.type != OL_EV_FUNCTION || (idle_one && ev.function <= 99));
                REQUIRE(ev.type != OL_EV_ENTRY || (!idle_one && ev.ndigits % 2 == 0));
            }
        }
    }
    return 0;
}
