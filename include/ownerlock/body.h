// ownerlock — the lock body as a whole: the engine behind the secure link.
//
// A port feeds the bytes that arrive on the keypad cable and the lock body's
// own events (door switch, battery, remote disable, time); the body runs
// them through the link session (src/link/session.c), hands the decrypted
// messages to the engine, and sends the engine's display back, sealed. It
// decides nothing about security itself: the engine says when a new keypad
// may be paired and which messages an unpaired keypad may send, and logs
// every refused frame as keypad_rejected (rate-limited).
#ifndef OWNERLOCK_BODY_H
#define OWNERLOCK_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/error.h"
#include "ownerlock/hal.h"
#include "ownerlock/lock.h"
#include "ownerlock/private/link.h" // the layout of ol_body's link session

// Called with each whole frame to put on the cable.
typedef void (*ol_cable_send)(void *ctx, const uint8_t *bytes, size_t len);

// Private: use only through the functions below. Public so callers can own it.
typedef struct ol_body {
    ol_lock lock;
    ol_session_body link;
    ol_cable_send send;
    void *send_ctx;
    bool provisional;                // the session's keypad is not the paired one
    uint8_t peer[OL_LINK_KEY_BYTES]; // the session's keypad key
    uint8_t shown[OL_MSG_BYTES];     // the last DISPLAY sent
    uint64_t sent_at;
    uint64_t now;
} ol_body;

// Boot the engine (ol_lock_boot) and the link. On the very first boot the
// body draws its link identity (X25519) from the TRNG and stores it.
ol_err ol_body_boot(ol_body *b, const ol_platform *plat, uint64_t now_ms, bool door_open,
                    ol_cable_send send, void *send_ctx) OL_MUST_CHECK;
// One byte from the cable.
ol_err ol_body_rx(ol_body *b, uint64_t now_ms, uint8_t byte) OL_MUST_CHECK;
// The body's own events and time (DOOR, BATTERY, REMOTE_DISABLE, TICK).
ol_err ol_body_event(ol_body *b, uint64_t now_ms, const ol_event *ev) OL_MUST_CHECK;
// One request on the service port inside the door (lock.h's ol_lock_service);
// the keypad shows what it changed.
ol_err ol_body_service(ol_body *b, uint64_t now_ms, const uint8_t *req, size_t len,
                       uint8_t resp[OL_SERVICE_RESPONSE_MAX], size_t *resp_len) OL_MUST_CHECK;
// When ol_body_event should next be called with a TICK.
uint64_t ol_body_next_deadline(const ol_body *b);
// Is a session with a keypad up (for a status line)?
bool ol_body_session_established(const ol_body *b);
void ol_body_shutdown(ol_body *b);

#endif
