// ownerlock — the keypad <-> lock-body link: pairing and sessions.
//
// Pure state machines: no I/O, no clock, no malloc, no globals. The caller
// feeds received cable bytes one at a time and gets back, per byte, at most
// one result (a decrypted message, a session change, or "rejected: why") and
// at most one frame to send. Randomness comes from the caller's TRNG; pinned
// peer keys are stored by the caller, handed in and out as byte arrays.
//
// Each unit has a static X25519 key pair (ol_link_identity). Pairing pins the
// peer's public key on both sides and happens only while the caller allows it
// (the lock body: door open at commissioning, or a manager function). Each
// power-up runs a fresh handshake with ephemeral keys and nonces from both
// sides; every message then travels in one DATA frame sealed with
// ChaCha20-Poly1305 under a per-direction key and a strictly increasing
// counter. Replayed, reordered, truncated, forged, malformed frames and
// frames from unpinned keys are rejected and change nothing.
// Protocol, key schedule and rationale: docs/PROTOCOL.md.
//
// Internal: the lock body (src/link/body.c) and the keypad unit
// (src/frontend/keypad_unit.c) drive it. The session contexts, the identity
// and the key sizes are in ownerlock/private/link.h (ol_body and
// ol_keypad_unit embed them).
#ifndef OWNERLOCK_SRC_SESSION_H
#define OWNERLOCK_SRC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"
#include "ownerlock/config.h"
#include "ownerlock/crypto.h"
#include "ownerlock/error.h"
#include "ownerlock/private/link.h"

// Frame types on the cable.
enum ol_link_frame_type {
    OL_LINK_HELLO = 0x01,   // keypad -> body: static key, ephemeral key, nonce
    OL_LINK_WELCOME = 0x02, // body -> keypad: static key, ephemeral key, nonce, confirmation
    OL_LINK_FINISH = 0x03,  // keypad -> body: confirmation
    OL_LINK_DATA = 0x04,    // either way: counter, ack, one sealed OL_MSG_BYTES message, tag
    OL_LINK_REFUSE = 0x05,  // body -> keypad: an unauthenticated hint (reason byte)
};

// Body lengths of each frame type (each type has exactly one) and the wire
// length of a whole frame.
#define OL_LINK_WELCOME_BODY (OL_LINK_HELLO_BODY + OL_AEAD_TAG_BYTES) // 96
#define OL_LINK_FINISH_BODY OL_AEAD_TAG_BYTES                         // 16
#define OL_LINK_DATA_BODY (8 + 8 + OL_MSG_BYTES + OL_AEAD_TAG_BYTES)  // 72
#define OL_LINK_REFUSE_BODY 1
#define OL_LINK_WIRE_BYTES(body) ((body) + OL_FRAME_OVERHEAD)

// Freshness: every DATA frame carries the highest counter its sender has
// received from the peer (its "ack"); the body refuses keypad frames whose
// ack is older than OL_LINK_FRESH_WINDOW (config.h).

// Reasons carried by REFUSE.
enum ol_link_refuse_reason {
    OL_LINK_REFUSE_NOT_PAIRED = 1, // the body does not know this keypad's key
    OL_LINK_REFUSE_NO_SESSION = 2, // DATA reached a body with no session: start over
};

// Draw a new key pair from the TRNG (keypad: first boot; lock body: at
// commissioning). On error *id is wiped.
ol_err ol_link_identity_generate(ol_link_identity *id, ol_trng_fn trng,
                                 void *trng_ctx) OL_MUST_CHECK;

// The stored form of an identity: secret || public key.
#define OL_LINK_IDENTITY_BYTES (2 * OL_LINK_KEY_BYTES)
void ol_link_identity_pack(uint8_t out[OL_LINK_IDENTITY_BYTES], const ol_link_identity *id);
void ol_link_identity_unpack(ol_link_identity *id, const uint8_t in[OL_LINK_IDENTITY_BYTES]);

// What one received byte (or a start) produced. Not an ol_err, on purpose:
// an outcome of feeding a byte, and most outcomes are not failures (nothing
// yet, a message, a session up). The rejections are expected events on a
// cable anyone can reach: the frame is dropped, nothing changes, and the lock
// body logs them (rate-limited) instead of failing. The one real failure, the
// TRNG's, is OL_LINK_ERROR_TRNG; the caller reports it as the TRNG's error.
typedef enum ol_link_result {
    OL_LINK_NONE = 0,        // nothing to report (maybe a frame to send)
    OL_LINK_MESSAGE = 1,     // out->msg holds the peer's next message
    OL_LINK_ESTABLISHED = 2, // a new session with the pinned peer is up
    OL_LINK_PAIRED = 3,      // a new session with a peer not pinned before: the caller must
                             // persist out->peer_key as the new pinned key
    OL_LINK_REFUSED = 4,     // keypad: the body refused us (out->refuse_reason). Not
                             // authenticated: show it, change nothing else
    OL_LINK_ERROR_TRNG = 5,  // the TRNG failed; the frame was dropped
    // Rejections (ol_link_rejected): the frame was dropped and changed nothing
    // (docs/PROTOCOL.md section 6). The lock body logs them as keypad_rejected.
    OL_LINK_REJECT_NOISE = 16,       // framing: bad CRC, COBS, length (line noise or cut)
    OL_LINK_REJECT_MALFORMED = 17,   // unknown type, or a length its type never has
    OL_LINK_REJECT_UNEXPECTED = 18,  // a valid frame that has no place now
    OL_LINK_REJECT_UNKNOWN_KEY = 19, // a static key that is not pinned, pairing not allowed
    OL_LINK_REJECT_BAD_KEY = 20,     // a low-order public key (X25519 gives zero)
    OL_LINK_REJECT_AUTH = 21,        // tag wrong: forged, altered, or another session's
    OL_LINK_REJECT_REPLAY = 22,      // authentic but its counter is not above the last one
    OL_LINK_REJECT_NO_SESSION = 23,  // DATA before any session (the body answers REFUSE)
    OL_LINK_REJECT_STALE = 24,       // body: authentic and new, but it answers a DISPLAY older
                                     // than the freshness window: it was held back
} ol_link_result;

bool ol_link_rejected(ol_link_result r);
const char *ol_link_result_name(ol_link_result r); // "reject_replay", ... for logs

// One byte's output. Only the fields named for the result are meaningful. An
// ENTRY in msg may carry a code: wipe it (ol_wipe) once it has been used.
typedef struct ol_link_out {
    ol_link_result result;
    uint8_t msg[OL_MSG_BYTES];           // OL_LINK_MESSAGE
    uint8_t peer_key[OL_LINK_KEY_BYTES]; // OL_LINK_ESTABLISHED, OL_LINK_PAIRED
    uint8_t refuse_reason;               // OL_LINK_REFUSED
    size_t tx_len;                       // > 0: send tx[0..tx_len) on the cable now
    uint8_t tx[OL_FRAME_MAX_WIRE];
} ol_link_out;

// ---- keypad unit ----------------------------------------------------------------
// pinned_body: the lock body's public key from the keypad's flash, or NULL
// when the keypad is not paired. Pairing is refused until allowed.
void ol_session_keypad_init(ol_session_keypad *k, const ol_link_identity *id,
                            const uint8_t pinned_body[OL_LINK_KEY_BYTES], ol_trng_fn trng,
                            void *trng_ctx);
// Allow pairing with a lock body whose key is not the pinned one (the keypad
// application's policy: normally only while it holds no pinned key).
void ol_session_keypad_allow_pairing(ol_session_keypad *k, bool allow);
// Start a new handshake (at power-up, after REFUSED, or after a silence):
// drops the current session and writes a HELLO frame to wire. OL_ERR_STATE if
// unpaired and pairing is not allowed (show "not paired"); a TRNG error as is.
ol_err ol_session_keypad_start(ol_session_keypad *k, uint8_t wire[OL_FRAME_MAX_WIRE],
                               size_t *wire_len) OL_MUST_CHECK;
void ol_session_keypad_rx(ol_session_keypad *k, uint8_t byte, ol_link_out *out);
// Seal one message (an ENTRY, FUNCTION or CANCEL of link.h) into a DATA
// frame: always OL_LINK_WIRE_BYTES(OL_LINK_DATA_BODY) bytes. OL_ERR_STATE
// without a session.
ol_err ol_session_keypad_send(ol_session_keypad *k, const uint8_t msg[OL_MSG_BYTES],
                              uint8_t wire[OL_FRAME_MAX_WIRE], size_t *wire_len) OL_MUST_CHECK;
bool ol_session_keypad_established(const ol_session_keypad *k);
void ol_session_keypad_wipe(ol_session_keypad *k);

// ---- lock body --------------------------------------------------------------------
// pinned_keypad: the paired keypad's public key from the lock's store, or
// NULL before any pairing.
void ol_session_body_init(ol_session_body *b, const ol_link_identity *id,
                          const uint8_t pinned_keypad[OL_LINK_KEY_BYTES], ol_trng_fn trng,
                          void *trng_ctx);
// The lock engine allows pairing only with the door open, at commissioning or
// through a manager function, and withdraws it afterwards.
void ol_session_body_allow_pairing(ol_session_body *b, bool allow);
void ol_session_body_rx(ol_session_body *b, uint8_t byte, ol_link_out *out);
// Seal one DISPLAY message into a DATA frame. OL_ERR_STATE without a session.
ol_err ol_session_body_send(ol_session_body *b, const uint8_t msg[OL_MSG_BYTES],
                            uint8_t wire[OL_FRAME_MAX_WIRE], size_t *wire_len) OL_MUST_CHECK;
bool ol_session_body_established(const ol_session_body *b);
void ol_session_body_wipe(ol_session_body *b);

#endif
