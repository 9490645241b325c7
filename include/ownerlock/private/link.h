// ownerlock — layout of the link's and the keypad's contexts.
//
// Not an interface. ol_body and ol_keypad_unit, which an integrator owns,
// hold a link session (and the keypad unit its key collector), so their
// layout must be visible for the compiler to know their size. Nothing outside
// src/link and src/frontend (white-box tests aside) reads these fields, and
// they change without notice. The functions are in src/link/link.h,
// src/link/session.h and src/frontend/keypad.h.
#ifndef OWNERLOCK_PRIVATE_LINK_H
#define OWNERLOCK_PRIVATE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/config.h"
#include "ownerlock/crypto.h"
#include "ownerlock/error.h"
#include "ownerlock/lock.h"

// Every message on the link has this size, whatever it carries.
#define OL_MSG_BYTES 40

// ---- framing (src/link/frame.c) ---------------------------------------------------
#define OL_FRAME_MAX_BODY 96
#define OL_FRAME_MAX_DECODED (OL_FRAME_MAX_BODY + 6) // type, len, body, CRC

typedef struct ol_frame_decoder {
    uint8_t buf[OL_FRAME_MAX_DECODED];
    uint8_t n;          // decoded bytes in buf
    uint8_t block_left; // data bytes still to come in the current COBS block
    bool zero_pending;  // the last block ends in an implied zero (if another follows)
    bool active;        // a frame has started: a non-zero byte since the last 0x00
    bool overflow;      // too long: skip to the next 0x00
} ol_frame_decoder;

// ---- sessions (src/link/session.c) ------------------------------------------------
#define OL_LINK_KEY_BYTES 32   // X25519 public and secret keys
#define OL_LINK_NONCE_BYTES 16 // each side's handshake nonce
#define OL_LINK_HELLO_BODY (2 * OL_LINK_KEY_BYTES + OL_LINK_NONCE_BYTES) // 80

// The platform's TRNG (the same signature as ol_platform.trng): fill buf with
// len random bytes or return an error; never weak bytes.
typedef ol_err (*ol_trng_fn)(void *ctx, uint8_t *buf, size_t len);

// A unit's static key pair. The secret stays in the unit's own flash.
typedef struct ol_link_identity {
    uint8_t secret[OL_LINK_KEY_BYTES];
    uint8_t public_key[OL_LINK_KEY_BYTES];
} ol_link_identity;

typedef struct ol_link_keys {
    uint8_t tx_key[OL_AEAD_KEY_BYTES];
    uint8_t rx_key[OL_AEAD_KEY_BYTES];
    uint64_t tx_next; // counter of the next DATA frame sent
    uint64_t rx_last; // highest counter accepted
} ol_link_keys;

typedef struct ol_session {
    uint8_t role; // keypad or body
    ol_link_identity id;
    uint8_t pinned[OL_LINK_KEY_BYTES]; // the peer's static key, if has_pinned
    bool has_pinned;
    bool has_pinned_ss;
    uint8_t pinned_ss[OL_X25519_BYTES]; // static-static secret with it, once computed
    bool allow_pairing;
    ol_trng_fn trng;
    void *trng_ctx;
    ol_frame_decoder rx;
    // The session in use.
    bool established;
    ol_link_keys cur;
    // A handshake in progress. Keypad: from HELLO until WELCOME; the body:
    // from HELLO until FINISH (its current session stays usable meanwhile).
    bool pending;
    bool pending_pairing;                 // the peer key is not the pinned one
    uint8_t hs_secret[OL_X25519_BYTES];   // keypad: its ephemeral secret
    uint8_t hs_hello[OL_LINK_HELLO_BODY]; // keypad: the HELLO it sent
    uint8_t hs_th[OL_SHA256_BYTES];       // body: the transcript hash
    uint8_t hs_peer[OL_LINK_KEY_BYTES];   // body: the keypad's static key
    ol_link_keys hs_keys;                 // body: keys awaiting FINISH
} ol_session;

typedef struct ol_session_keypad {
    ol_session s;
} ol_session_keypad;

typedef struct ol_session_body {
    ol_session s;
} ol_session_body;

// ---- the keypad's key collector (src/frontend/keypad.c) ---------------------------
typedef struct ol_keypad {
    ol_display_msg shown; // last display message from the lock body
    uint8_t buf[OL_ENTRY_MAX_DIGITS];
    uint8_t n;        // digits collected in the current field
    uint8_t star;     // 0: none; 1: '*' pressed; 2: '*' and one digit
    uint8_t fn_first; // first digit of a function number
    uint64_t last_key_ms;
} ol_keypad;

// The dial (src/frontend/dial.h): the number shown and the turn in progress.
// A dial number is two digits of an entry: 00..99.
#define OL_DIAL_NUMBERS 100u
typedef struct ol_dial {
    uint8_t number; // 0..OL_DIAL_NUMBERS-1
    int8_t dir;     // +1 right, -1 left, 0 not turned since power-up
    bool spent;     // this turn completed the entry ('#'): its end enters nothing
    uint16_t run;   // steps since the last change of direction or gesture, for gestures
} ol_dial;

#endif
