// ownerlock — the keypad unit: keys and display, and its end of the link.
//
// Its flash holds its own link identity and, once paired, the lock body's
// public key: nothing that opens anything. Keys become messages (keypad.c),
// each sealed in one fixed-size frame; what the display shows comes from the
// lock body, except while there is no session.
#include <string.h>

#include "frontend/dial.h"
#include "frontend/keypad.h"
#include "link/link.h"
#include "link/session.h"
#include "ownerlock/crypto.h"
#include "ownerlock/keypad_unit.h"
#include "store/store.h"

enum keypad_key { KEY_IDENTITY = 1, KEY_BODY = 2 };

static void start_handshake(ol_keypad_unit *u) {
    uint8_t wire[OL_FRAME_MAX_WIRE];
    size_t len = 0;
    u->started_at = u->now;
    u->live = false;
    ol_session_keypad_allow_pairing(&u->link, !u->paired);
    if (ol_session_keypad_start(&u->link, wire, &len) == OL_OK && len > 0) {
        u->send(u->send_ctx, wire, len);
    }
}

ol_err ol_keypad_unit_boot(ol_keypad_unit *u, const ol_platform *plat, uint64_t now_ms,
                           ol_cable_send send, void *send_ctx) {
    memset(u, 0, sizeof *u);
    u->plat = plat;
    u->send = send;
    u->send_ctx = send_ctx;
    u->now = now_ms;
    ol_keypad_init(&u->kp);
    ol_err err = ol_kv_mount(&u->kv, plat->flash, 0, OL_KEYPAD_SECTORS);
    if (err) {
        return err;
    }
    uint8_t stored[2 * OL_LINK_KEY_BYTES], body[OL_LINK_KEY_BYTES];
    ol_link_identity id;
    size_t len = 0;
    err = ol_kv_get(&u->kv, KEY_IDENTITY, stored, sizeof stored, &len);
    if (err == OL_OK && len == sizeof stored) {
        ol_link_identity_unpack(&id, stored);
    } else if (err == OL_ERR_NOT_FOUND) {
        err = ol_link_identity_generate(&id, plat->trng, plat->trng_ctx); // first boot
        if (!err) {
            ol_link_identity_pack(stored, &id);
            err = ol_kv_put(&u->kv, KEY_IDENTITY, stored, sizeof stored);
        }
    } else if (!err) {
        err = OL_ERR_CORRUPT;
    }
    if (!err) {
        ol_err got = ol_kv_get(&u->kv, KEY_BODY, body, sizeof body, &len);
        u->paired = got == OL_OK && len == sizeof body;
        ol_session_keypad_init(&u->link, &id, u->paired ? body : NULL, plat->trng, plat->trng_ctx);
        start_handshake(u);
    }
    ol_wipe(stored, sizeof stored);
    ol_wipe(&id, sizeof id);
    return err;
}

// A key, or (dial) what a turn of the dial completed.
static void send_key(ol_keypad_unit *u, uint64_t now_ms, char key, bool dial) {
    if (now_ms > u->now) {
        u->now = now_ms;
    }
    uint8_t msg[OL_MSG_BYTES], wire[OL_FRAME_MAX_WIRE];
    size_t len = 0;
    bool complete = dial ? ol_keypad_dial_key(&u->kp, now_ms, key, msg)
                         : ol_keypad_key(&u->kp, now_ms, key, msg);
    if (complete && ol_session_keypad_send(&u->link, msg, wire, &len) == OL_OK && len > 0) {
        u->send(u->send_ctx, wire, len);
    }
    ol_wipe(msg, sizeof msg); // an ENTRY carries the digits typed
    ol_wipe(wire, sizeof wire);
}

void ol_keypad_unit_key(ol_keypad_unit *u, uint64_t now_ms, char key) {
    send_key(u, now_ms, key, false);
}

ol_err ol_keypad_unit_dial_on(ol_keypad_unit *u) {
    uint8_t r[4];
    ol_err err = u->plat->trng(u->plat->trng_ctx, r, sizeof r);
    ol_dial_init(&u->dial, (uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 |
                               (uint32_t)r[3] << 24);
    u->has_dial = err == OL_OK;
    return err;
}

void ol_keypad_unit_turn(ol_keypad_unit *u, uint64_t now_ms, int dir) {
    char keys[2];
    size_t n = u->has_dial ? ol_dial_step(&u->dial, dir, keys) : 0;
    for (size_t i = 0; i < n; i++) {
        send_key(u, now_ms, keys[i], true);
    }
    ol_wipe(keys, sizeof keys); // a number of a combination
}

int ol_keypad_unit_dial_number(const ol_keypad_unit *u) {
    return u->has_dial ? u->dial.number : -1;
}

void ol_keypad_unit_rx(ol_keypad_unit *u, uint64_t now_ms, uint8_t byte) {
    if (now_ms > u->now) {
        u->now = now_ms;
    }
    ol_link_out out;
    ol_session_keypad_rx(&u->link, byte, &out);
    if (out.tx_len > 0) {
        u->send(u->send_ctx, out.tx, out.tx_len);
    }
    switch (out.result) {
    case OL_LINK_MESSAGE:
        ol_keypad_receive(&u->kp, out.msg, OL_MSG_BYTES);
        u->heard_at = u->now;
        u->live = true;
        break;
    case OL_LINK_PAIRED:
        // First pairing of this keypad: pin the lock body's key.
        u->paired = ol_kv_put(&u->kv, KEY_BODY, out.peer_key, OL_LINK_KEY_BYTES) == OL_OK;
        /* fall through */
    case OL_LINK_ESTABLISHED:
        u->refused = false;
        u->heard_at = u->now;
        break;
    case OL_LINK_REFUSED:
        u->refused = out.refuse_reason == OL_LINK_REFUSE_NOT_PAIRED;
        if (out.refuse_reason == OL_LINK_REFUSE_NO_SESSION) {
            start_handshake(u);
        }
        break;
    default:
        break;
    }
    ol_wipe(&out, sizeof out);
}

void ol_keypad_unit_tick(ol_keypad_unit *u, uint64_t now_ms) {
    if (now_ms > u->now) {
        u->now = now_ms;
    }
    ol_keypad_tick(&u->kp, now_ms);
    // No session, or the body fell silent (it sends at least every
    // OL_BODY_HEARTBEAT_MS): start again.
    bool silent = ol_session_keypad_established(&u->link)
                      ? u->now >= u->heard_at + 3u * OL_BODY_HEARTBEAT_MS + 500u
                      : u->now >= u->started_at + OL_KEYPAD_RETRY_MS;
    if (silent) {
        ol_keypad_init(&u->kp); // what it showed is no longer true
        start_handshake(u);
        u->heard_at = u->now;
    }
}

uint64_t ol_keypad_unit_next_deadline(const ol_keypad_unit *u) {
    uint64_t next = ol_session_keypad_established(&u->link)
                        ? u->heard_at + 3u * OL_BODY_HEARTBEAT_MS + 500u
                        : u->started_at + OL_KEYPAD_RETRY_MS;
    if (u->kp.n || u->kp.star) {
        uint64_t idle = u->kp.last_key_ms + OL_KEYPAD_IDLE_MS;
        next = idle < next ? idle : next;
    }
    return next;
}

void ol_keypad_unit_display(const ol_keypad_unit *u, char line[2][OL_DISPLAY_COLS + 1]) {
    if (ol_session_keypad_established(&u->link) && u->live) {
        ol_keypad_display(&u->kp, line);
        return;
    }
    memset(line, 0, 2 * (OL_DISPLAY_COLS + 1));
    memcpy(line[0], u->refused ? "NOT PAIRED" : "CONNECTING", sizeof "NOT PAIRED");
}

bool ol_keypad_unit_led(const ol_keypad_unit *u, int red) {
    return ol_session_keypad_established(&u->link) && ol_keypad_led(&u->kp, red);
}

const ol_display_msg *ol_keypad_unit_shown(const ol_keypad_unit *u) {
    return &u->kp.shown;
}

void ol_keypad_unit_shutdown(ol_keypad_unit *u) {
    ol_session_keypad_wipe(&u->link);
    ol_wipe(u, sizeof *u);
}
