// ownerlock — the lock body: the engine behind the secure link.
//
// The session layer authenticates every keypad it talks to (proof of its
// static key, fresh keys per power-up, sealed and counted frames). Whether a
// keypad is *paired* is the engine's business: the body completes a handshake
// with any keypad, but one whose key is not the pinned one gets a
// provisional session — it sees NOT PAIRED, and the engine lets through only
// what an owner outside a closed door may do: *99 recovery, or *17 with the
// door open. Recovery or *17 then pins it.
#include <string.h>

#include "link/link.h"
#include "link/session.h"
#include "ownerlock/body.h"
#include "ownerlock/crypto.h"

_Static_assert(OL_LINK_ID_BYTES == OL_LINK_IDENTITY_BYTES, "the engine stores the link identity");

static bool same_key(const uint8_t a[OL_LINK_KEY_BYTES], const uint8_t b[OL_LINK_KEY_BYTES]) {
    return ol_ct_compare(a, b, OL_LINK_KEY_BYTES) == 0;
}

// Seal the engine's display and send it when it changed, when forced (a new
// session), or as the heartbeat the link's freshness rule relies on.
static void send_display(ol_body *b, bool force) {
    if (!ol_session_body_established(&b->link)) {
        return;
    }
    uint8_t msg[OL_MSG_BYTES];
    ol_outputs shown = *ol_lock_outputs(&b->lock);
    if (b->provisional && !ol_lock_unpaired_screen(&b->lock)) {
        memcpy(shown.line[0], "NOT PAIRED", sizeof "NOT PAIRED");
        memcpy(shown.line[1], "*99 = RECOVERY", sizeof "*99 = RECOVERY");
        shown.input = OL_INPUT_IDLE;
        shown.led_green = false;
    }
    ol_msg_display(msg, &shown);
    bool changed = memcmp(msg, b->shown, sizeof msg) != 0;
    if (!force && !changed && b->now < b->sent_at + OL_BODY_HEARTBEAT_MS) {
        return;
    }
    uint8_t wire[OL_FRAME_MAX_WIRE];
    size_t len = 0;
    if (ol_session_body_send(&b->link, msg, wire, &len) == OL_OK && len > 0) {
        b->send(b->send_ctx, wire, len);
        memcpy(b->shown, msg, sizeof msg);
        b->sent_at = b->now;
    }
}

// A handshake completed: is this keypad the paired one, or may it become it?
static ol_err session_up(ol_body *b, const uint8_t peer[OL_LINK_KEY_BYTES]) {
    uint8_t pinned[OL_LINK_KEY_BYTES];
    bool paired = ol_lock_link_peer(&b->lock, pinned) && same_key(pinned, peer);
    ol_err err = OL_OK;
    if (!paired && ol_lock_pairing_allowed(&b->lock)) {
        err = ol_lock_link_pair(&b->lock, b->now, peer);
        paired = err == OL_OK;
    }
    memcpy(b->peer, peer, OL_LINK_KEY_BYTES);
    b->provisional = !paired;
    send_display(b, true);
    return err;
}

static ol_err message_in(ol_body *b, uint8_t msg[OL_MSG_BYTES]) {
    ol_event ev;
    ol_err err = ol_msg_to_event(msg, OL_MSG_BYTES, &ev);
    ol_wipe(msg, OL_MSG_BYTES);
    if (err) {
        ol_wipe(&ev, sizeof ev);
        return ol_lock_link_rejected(&b->lock, b->now); // authentic but malformed
    }
    ev.unpaired = b->provisional;
    err = ol_lock_event(&b->lock, b->now, &ev);
    ol_wipe(&ev, sizeof ev);
    if (!err && b->provisional && ol_lock_take_pair_grant(&b->lock)) {
        err = ol_lock_link_pair(&b->lock, b->now, b->peer);
        b->provisional = err != OL_OK;
    }
    send_display(b, false);
    return err;
}

ol_err ol_body_boot(ol_body *b, const ol_platform *plat, uint64_t now_ms, bool door_open,
                    ol_cable_send send, void *send_ctx) {
    memset(b, 0, sizeof *b);
    b->send = send;
    b->send_ctx = send_ctx;
    b->now = now_ms;
    ol_err boot = ol_lock_boot(&b->lock, plat, now_ms, door_open);
    uint8_t stored[OL_LINK_ID_BYTES];
    ol_link_identity id;
    ol_err err = OL_OK;
    if (ol_lock_link_identity(&b->lock, stored)) {
        // Even in the fault state: the keypad then shows STORAGE FAULT.
        ol_link_identity_unpack(&id, stored);
    } else if (boot) {
        return boot; // no identity to speak with: the link stays down
    } else {
        // First boot: the identity exists from the factory state on, so the
        // owner's keypad can pair before commissioning.
        err = ol_link_identity_generate(&id, plat->trng, plat->trng_ctx);
        if (!err) {
            ol_link_identity_pack(stored, &id);
            err = ol_lock_link_set_identity(&b->lock, stored);
        }
    }
    if (!err) {
        uint8_t peer[OL_LINK_KEY_BYTES];
        bool has_peer = ol_lock_link_peer(&b->lock, peer);
        ol_session_body_init(&b->link, &id, has_peer ? peer : NULL, plat->trng, plat->trng_ctx);
        // Every keypad may complete a handshake; pairing is decided above.
        ol_session_body_allow_pairing(&b->link, true);
    }
    ol_wipe(stored, sizeof stored);
    ol_wipe(&id, sizeof id);
    return boot ? boot : err;
}

ol_err ol_body_rx(ol_body *b, uint64_t now_ms, uint8_t byte) {
    if (now_ms > b->now) {
        b->now = now_ms;
    }
    ol_link_out out;
    ol_session_body_rx(&b->link, byte, &out);
    if (out.tx_len > 0) {
        b->send(b->send_ctx, out.tx, out.tx_len);
    }
    ol_err err = OL_OK;
    if (out.result == OL_LINK_MESSAGE) {
        err = message_in(b, out.msg);
    } else if (out.result == OL_LINK_ESTABLISHED || out.result == OL_LINK_PAIRED) {
        err = session_up(b, out.peer_key);
    } else if (ol_link_rejected(out.result)) {
        err = ol_lock_link_rejected(&b->lock, b->now);
    }
    ol_wipe(&out, sizeof out);
    return err;
}

ol_err ol_body_event(ol_body *b, uint64_t now_ms, const ol_event *ev) {
    if (now_ms > b->now) {
        b->now = now_ms;
    }
    ol_err err = ol_lock_event(&b->lock, now_ms, ev);
    send_display(b, false);
    return err;
}

ol_err ol_body_service(ol_body *b, uint64_t now_ms, const uint8_t *req, size_t len,
                       uint8_t resp[OL_SERVICE_RESPONSE_MAX], size_t *resp_len) {
    if (now_ms > b->now) {
        b->now = now_ms;
    }
    ol_err err = ol_lock_service(&b->lock, now_ms, req, len, resp, resp_len);
    send_display(b, false); // an offer, a refusal: the keypad shows it
    return err;
}

uint64_t ol_body_next_deadline(const ol_body *b) {
    uint64_t next = ol_lock_next_deadline(&b->lock);
    if (ol_session_body_established(&b->link) && b->sent_at + OL_BODY_HEARTBEAT_MS < next) {
        next = b->sent_at + OL_BODY_HEARTBEAT_MS;
    }
    return next;
}

bool ol_body_session_established(const ol_body *b) {
    return ol_session_body_established(&b->link);
}

void ol_body_shutdown(ol_body *b) {
    ol_session_body_wipe(&b->link);
    ol_lock_shutdown(&b->lock);
    ol_wipe(b, sizeof *b);
}
