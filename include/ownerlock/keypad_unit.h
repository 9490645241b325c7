// ownerlock — the keypad unit as a whole: keys, display, and its end of the
// secure link. It keeps its own X25519 identity and the paired lock body's
// public key in its own flash (a small ol_kv); nothing else. An unpaired or
// refused keypad shows NOT PAIRED and still lets the owner type *99 (a
// recovery) or, with the door open, *17 (pairing).
#ifndef OWNERLOCK_KEYPAD_UNIT_H
#define OWNERLOCK_KEYPAD_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/body.h" // ol_cable_send
#include "ownerlock/config.h"
#include "ownerlock/error.h"
#include "ownerlock/hal.h"
#include "ownerlock/lock.h"
#include "ownerlock/private/link.h"  // the layout of the keypad and its link session
#include "ownerlock/private/store.h" // the layout of its flash store

// Private: use only through the functions below. Public so callers can own it.
typedef struct ol_keypad_unit {
    ol_keypad kp;
    ol_session_keypad link;
    ol_kv kv; // the keypad's flash: its identity and the pinned body key
    const ol_platform *plat;
    ol_cable_send send;
    void *send_ctx;
    bool paired; // holds a pinned lock-body key
    bool refused;
    bool live;           // a DISPLAY arrived in this session
    uint64_t started_at; // last handshake start
    uint64_t heard_at;   // last authentic frame from the body
    uint64_t now;
    ol_dial dial;  // a dial unit's dial (ol_keypad_unit_dial_on)
    bool has_dial; // turns, not keys: a dial unit
} ol_keypad_unit;

// plat: the keypad's own flash (OL_KEYPAD_SECTORS sectors from 0) and TRNG.
ol_err ol_keypad_unit_boot(ol_keypad_unit *u, const ol_platform *plat, uint64_t now_ms,
                           ol_cable_send send, void *send_ctx) OL_MUST_CHECK;
void ol_keypad_unit_key(ol_keypad_unit *u, uint64_t now_ms, char key);
// A dial unit (FF-L-2740B style, src/frontend/dial.h): the same unit with a
// dial for keys. _dial_on after each boot draws the number the dial starts at
// from the TRNG; _turn is one detent (dir > 0 right, < 0 left) and sends what
// it completes as keys would; _dial_number is the number its display shows.
ol_err ol_keypad_unit_dial_on(ol_keypad_unit *u) OL_MUST_CHECK;
void ol_keypad_unit_turn(ol_keypad_unit *u, uint64_t now_ms, int dir);
int ol_keypad_unit_dial_number(const ol_keypad_unit *u); // -1: no dial
void ol_keypad_unit_rx(ol_keypad_unit *u, uint64_t now_ms, uint8_t byte);
void ol_keypad_unit_tick(ol_keypad_unit *u, uint64_t now_ms);
uint64_t ol_keypad_unit_next_deadline(const ol_keypad_unit *u);
// What the display shows, and the LEDs.
void ol_keypad_unit_display(const ol_keypad_unit *u, char line[2][OL_DISPLAY_COLS + 1]);
bool ol_keypad_unit_led(const ol_keypad_unit *u, int red);
const ol_display_msg *ol_keypad_unit_shown(const ol_keypad_unit *u);
void ol_keypad_unit_shutdown(ol_keypad_unit *u);

#endif
