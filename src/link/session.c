// ownerlock — pairing and sessions between the keypad unit and the lock body.
//
// Handshake (docs/PROTOCOL.md has the byte layouts and the reasoning):
//   keypad -> body  HELLO   s_K | e_K | n_K
//   body -> keypad  WELCOME s_B | e_B | n_B | tag(k_bk, counter 0, th)
//   keypad -> body  FINISH  tag(k_kb, counter 0, th)
// th  = SHA-256("ownerlock link v1" | HELLO body | s_B | e_B | n_B)
// prk = HKDF-Extract(salt = th, ikm = X25519(s, S_peer) | X25519(e, E_peer))
// k_kb, k_bk = HKDF-Expand(prk, "ownerlock v1 keypad->body" / "...body->keypad", 32)
// DATA = counter (LE64) | ack (LE64) | ChaCha20-Poly1305(key of the direction,
//        nonce = direction (4) | counter (LE64), ad = type | len | counter | ack, msg) | tag
//
// Every branch here depends on public data only: frame types and lengths,
// public keys, counters and the verdicts of the tag checks.
#include <string.h>

#include "link/session.h"

enum { ROLE_KEYPAD = 1, ROLE_BODY = 2 };

#define COUNTER_BYTES 8
#define DATA_CT_AT (2 * COUNTER_BYTES) // counter, ack, then the sealed message
#define DATA_TAG_AT (DATA_CT_AT + OL_MSG_BYTES)
#define DATA_AD_BYTES (2 + DATA_CT_AT)
#define CONFIRM_AD_BYTES (2 + OL_SHA256_BYTES)

_Static_assert(OL_LINK_WELCOME_BODY <= OL_FRAME_MAX_BODY, "largest frame must fit");
_Static_assert(DATA_TAG_AT + OL_AEAD_TAG_BYTES == OL_LINK_DATA_BODY, "DATA layout");

static const char TRANSCRIPT_LABEL[] = "ownerlock link v1";
static const char INFO_KEYPAD_TO_BODY[] = "ownerlock v1 keypad->body";
static const char INFO_BODY_TO_KEYPAD[] = "ownerlock v1 body->keypad";
// The first four nonce bytes name the direction; with a key per direction as
// well, no frame can be reflected back to its sender.
static const uint8_t DIR_KEYPAD_TO_BODY[4] = {'k', '>', 'b', 0};
static const uint8_t DIR_BODY_TO_KEYPAD[4] = {'b', '>', 'k', 0};

// ---- small helpers -----------------------------------------------------------------
static void store64_le(uint8_t p[8], uint64_t x) {
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(x >> (8 * i));
    }
}

static uint64_t load64_le(const uint8_t p[8]) {
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) {
        x |= (uint64_t)p[i] << (8 * i);
    }
    return x;
}

static void make_nonce(uint8_t nonce[OL_AEAD_NONCE_BYTES], const uint8_t dir[4], uint64_t counter) {
    memcpy(nonce, dir, 4);
    store64_le(nonce + 4, counter);
}

static const uint8_t *tx_dir(const ol_session *s) {
    return s->role == ROLE_KEYPAD ? DIR_KEYPAD_TO_BODY : DIR_BODY_TO_KEYPAD;
}

static const uint8_t *rx_dir(const ol_session *s) {
    return s->role == ROLE_KEYPAD ? DIR_BODY_TO_KEYPAD : DIR_KEYPAD_TO_BODY;
}

static bool key_equal(const uint8_t a[OL_LINK_KEY_BYTES], const uint8_t b[OL_LINK_KEY_BYTES]) {
    return ol_ct_compare(a, b, OL_LINK_KEY_BYTES) == 0;
}

// The one body length each frame type has; -1 for a type that does not exist.
static int body_len_of(uint8_t type) {
    switch (type) {
    case OL_LINK_HELLO:
        return OL_LINK_HELLO_BODY;
    case OL_LINK_WELCOME:
        return OL_LINK_WELCOME_BODY;
    case OL_LINK_FINISH:
        return OL_LINK_FINISH_BODY;
    case OL_LINK_DATA:
        return OL_LINK_DATA_BODY;
    case OL_LINK_REFUSE:
        return OL_LINK_REFUSE_BODY;
    default:
        return -1;
    }
}

static void emit(ol_link_out *out, uint8_t type, const uint8_t *body, size_t len) {
    // Our bodies are at most OL_LINK_WELCOME_BODY (asserted above), so this
    // cannot fail; if it ever did, sending nothing is the safe outcome.
    if (ol_frame_encode(out->tx, &out->tx_len, type, body, len) != OL_OK) {
        out->tx_len = 0;
    }
}

static void drop_pending(ol_session *s) {
    s->pending = false;
    s->pending_pairing = false;
    ol_wipe(s->hs_secret, sizeof s->hs_secret);
    ol_wipe(s->hs_hello, sizeof s->hs_hello);
    ol_wipe(s->hs_th, sizeof s->hs_th);
    ol_wipe(s->hs_peer, sizeof s->hs_peer);
    ol_wipe(&s->hs_keys, sizeof s->hs_keys);
}

static void drop_session(ol_session *s) {
    s->established = false;
    ol_wipe(&s->cur, sizeof s->cur);
}

// ---- key schedule ---------------------------------------------------------------------
static void transcript_hash(uint8_t th[OL_SHA256_BYTES], const uint8_t hello[OL_LINK_HELLO_BODY],
                            const uint8_t welcome_keys[OL_LINK_HELLO_BODY]) {
    ol_sha256_ctx ctx;
    ol_sha256_init(&ctx);
    ol_sha256_update(&ctx, TRANSCRIPT_LABEL, sizeof TRANSCRIPT_LABEL - 1);
    ol_sha256_update(&ctx, hello, OL_LINK_HELLO_BODY);
    ol_sha256_update(&ctx, welcome_keys, OL_LINK_HELLO_BODY); // s_B | e_B | n_B
    ol_sha256_final(&ctx, th);
}

// The static-static secret with the peer's static key: with the pinned peer
// it is computed at the first handshake and kept until another key is
// pinned (one X25519 of the two each side runs per handshake; it is no more
// secret than id.secret beside it); any other key is computed afresh.
static int static_shared(ol_session *s, const uint8_t peer_static[32], bool pinned,
                         uint8_t ss[OL_X25519_BYTES]) {
    if (pinned && s->has_pinned_ss) {
        memcpy(ss, s->pinned_ss, OL_X25519_BYTES);
        return 0;
    }
    if (ol_x25519(ss, s->id.secret, peer_static) != OL_OK) {
        return -1;
    }
    if (pinned) {
        memcpy(s->pinned_ss, ss, OL_X25519_BYTES);
        s->has_pinned_ss = true;
    }
    return 0;
}

static void pin(ol_session *s, const uint8_t peer_static[OL_LINK_KEY_BYTES]) {
    memcpy(s->pinned, peer_static, OL_LINK_KEY_BYTES);
    s->has_pinned = true;
    ol_wipe(s->pinned_ss, sizeof s->pinned_ss);
    s->has_pinned_ss = false;
}

// Session keys for `role` from the static-static and the ephemeral-ephemeral
// shared secrets, salted with the transcript hash (which holds both nonces).
// -1 when either peer key has low order (the shared secret would be zero).
static int derive_keys(ol_link_keys *keys, int role, ol_session *s, const uint8_t peer_static[32],
                       bool pinned, const uint8_t eph_secret[32], const uint8_t peer_eph[32],
                       const uint8_t th[OL_SHA256_BYTES]) {
    uint8_t ikm[2 * OL_X25519_BYTES], prk[OL_SHA256_BYTES];
    uint8_t k_kb[OL_AEAD_KEY_BYTES], k_bk[OL_AEAD_KEY_BYTES];
    int bad = static_shared(s, peer_static, pinned, ikm);
    bad |= ol_x25519(ikm + OL_X25519_BYTES, eph_secret, peer_eph);
    if (bad == 0) {
        ol_hkdf_sha256_extract(prk, th, OL_SHA256_BYTES, ikm, sizeof ikm);
        bad |= ol_hkdf_sha256_expand(k_kb, sizeof k_kb, prk, (const uint8_t *)INFO_KEYPAD_TO_BODY,
                                     sizeof INFO_KEYPAD_TO_BODY - 1);
        bad |= ol_hkdf_sha256_expand(k_bk, sizeof k_bk, prk, (const uint8_t *)INFO_BODY_TO_KEYPAD,
                                     sizeof INFO_BODY_TO_KEYPAD - 1);
    }
    if (bad == 0) {
        memcpy(keys->tx_key, role == ROLE_KEYPAD ? k_kb : k_bk, OL_AEAD_KEY_BYTES);
        memcpy(keys->rx_key, role == ROLE_KEYPAD ? k_bk : k_kb, OL_AEAD_KEY_BYTES);
        keys->tx_next = 1; // counter 0 of each direction is the handshake's confirmation
        keys->rx_last = 0;
    }
    ol_wipe(ikm, sizeof ikm);
    ol_wipe(prk, sizeof prk);
    ol_wipe(k_kb, sizeof k_kb);
    ol_wipe(k_bk, sizeof k_bk);
    return bad == 0 ? 0 : -1;
}

// The key confirmation of WELCOME and FINISH: an AEAD tag over nothing, under
// the sender's direction key at counter 0, with the frame header and the
// transcript hash as associated data.
static void confirm_ad(uint8_t ad[CONFIRM_AD_BYTES], uint8_t type, uint8_t len,
                       const uint8_t th[OL_SHA256_BYTES]) {
    ad[0] = type;
    ad[1] = len;
    memcpy(ad + 2, th, OL_SHA256_BYTES);
}

static void confirm_make(uint8_t tag[OL_AEAD_TAG_BYTES], const uint8_t key[OL_AEAD_KEY_BYTES],
                         const uint8_t dir[4], uint8_t type, uint8_t len,
                         const uint8_t th[OL_SHA256_BYTES]) {
    uint8_t ad[CONFIRM_AD_BYTES], nonce[OL_AEAD_NONCE_BYTES];
    confirm_ad(ad, type, len, th);
    make_nonce(nonce, dir, 0);
    ol_aead_seal(NULL, tag, key, nonce, ad, sizeof ad, NULL, 0);
}

static int confirm_check(const uint8_t tag[OL_AEAD_TAG_BYTES], const uint8_t key[OL_AEAD_KEY_BYTES],
                         const uint8_t dir[4], uint8_t type, uint8_t len,
                         const uint8_t th[OL_SHA256_BYTES]) {
    uint8_t ad[CONFIRM_AD_BYTES], nonce[OL_AEAD_NONCE_BYTES];
    confirm_ad(ad, type, len, th);
    make_nonce(nonce, dir, 0);
    return ol_aead_open(NULL, tag, key, nonce, ad, sizeof ad, NULL, 0);
}

// ---- DATA ----------------------------------------------------------------------------------
static ol_err data_seal(ol_session *s, const uint8_t msg[OL_MSG_BYTES],
                        uint8_t wire[OL_FRAME_MAX_WIRE], size_t *wire_len) {
    if (!s->established || s->cur.tx_next == UINT64_MAX) {
        return OL_ERR_STATE; // no session (the counter cannot run out in practice)
    }
    uint64_t counter = s->cur.tx_next++;
    uint8_t body[OL_LINK_DATA_BODY], ad[DATA_AD_BYTES], nonce[OL_AEAD_NONCE_BYTES];
    store64_le(body, counter);
    store64_le(body + COUNTER_BYTES, s->cur.rx_last); // ack: the newest frame we have seen
    ad[0] = OL_LINK_DATA;
    ad[1] = OL_LINK_DATA_BODY;
    memcpy(ad + 2, body, DATA_CT_AT);
    make_nonce(nonce, tx_dir(s), counter);
    ol_aead_seal(body + DATA_CT_AT, body + DATA_TAG_AT, s->cur.tx_key, nonce, ad, sizeof ad, msg,
                 OL_MSG_BYTES);
    return ol_frame_encode(wire, wire_len, OL_LINK_DATA, body, sizeof body);
}

static ol_link_result data_open(ol_session *s, const ol_frame *f, ol_link_out *out) {
    if (!s->established) {
        if (s->role == ROLE_BODY) { // the keypad thinks it has a session: tell it to start over
            uint8_t reason = OL_LINK_REFUSE_NO_SESSION;
            emit(out, OL_LINK_REFUSE, &reason, 1);
        }
        return OL_LINK_REJECT_NO_SESSION;
    }
    uint64_t counter = load64_le(f->body), ack = load64_le(f->body + COUNTER_BYTES);
    uint8_t ad[DATA_AD_BYTES], nonce[OL_AEAD_NONCE_BYTES];
    ad[0] = f->type;
    ad[1] = f->len;
    memcpy(ad + 2, f->body, DATA_CT_AT);
    make_nonce(nonce, rx_dir(s), counter);
    if (ol_aead_open(out->msg, f->body + DATA_TAG_AT, s->cur.rx_key, nonce, ad, sizeof ad,
                     f->body + DATA_CT_AT, OL_MSG_BYTES) != 0) {
        return OL_LINK_REJECT_AUTH; // out->msg is zeros
    }
    // Authentic; now it must also be new. Strictly increasing, gaps allowed
    // (a frame lost to noise), so a replay or a reordered frame is refused.
    if (counter <= s->cur.rx_last) {
        ol_wipe(out->msg, sizeof out->msg);
        return OL_LINK_REJECT_REPLAY;
    }
    // And fresh: the body takes a keypad frame only while it answers one of
    // the body's last few frames (see OL_LINK_FRESH_WINDOW). The keypad has
    // nothing to fear from a late DISPLAY and does not check.
    if (s->role == ROLE_BODY) {
        uint64_t last_sent = s->cur.tx_next - 1; // 0: only the WELCOME so far
        if (ack > last_sent || last_sent - ack > OL_LINK_FRESH_WINDOW) {
            ol_wipe(out->msg, sizeof out->msg);
            return OL_LINK_REJECT_STALE;
        }
    }
    s->cur.rx_last = counter;
    return OL_LINK_MESSAGE;
}

// ---- keypad ---------------------------------------------------------------------------------
static ol_link_result keypad_welcome(ol_session *s, const ol_frame *f, ol_link_out *out) {
    if (!s->pending) {
        return OL_LINK_REJECT_UNEXPECTED;
    }
    const uint8_t *s_b = f->body, *e_b = f->body + 32, *tag = f->body + OL_LINK_HELLO_BODY;
    bool known = s->has_pinned && key_equal(s_b, s->pinned);
    if (!known && !s->allow_pairing) {
        return OL_LINK_REJECT_UNKNOWN_KEY; // some other lock body
    }
    uint8_t th[OL_SHA256_BYTES];
    transcript_hash(th, s->hs_hello, f->body);
    ol_link_keys keys;
    if (derive_keys(&keys, ROLE_KEYPAD, s, s_b, known, s->hs_secret, e_b, th) != 0) {
        ol_wipe(th, sizeof th);
        return OL_LINK_REJECT_BAD_KEY; // still waiting for the real WELCOME
    }
    if (confirm_check(tag, keys.rx_key, DIR_BODY_TO_KEYPAD, OL_LINK_WELCOME, OL_LINK_WELCOME_BODY,
                      th) != 0) {
        ol_wipe(&keys, sizeof keys);
        ol_wipe(th, sizeof th);
        return OL_LINK_REJECT_AUTH; // forged, or an answer to an older HELLO
    }
    uint8_t finish[OL_LINK_FINISH_BODY];
    confirm_make(finish, keys.tx_key, DIR_KEYPAD_TO_BODY, OL_LINK_FINISH, OL_LINK_FINISH_BODY, th);
    emit(out, OL_LINK_FINISH, finish, sizeof finish);

    drop_pending(s); // wipes the ephemeral secret: forward secrecy from here on
    s->cur = keys;
    s->established = true;
    memcpy(out->peer_key, s_b, OL_LINK_KEY_BYTES);
    ol_wipe(&keys, sizeof keys);
    ol_wipe(th, sizeof th);
    if (!known) {
        pin(s, s_b);
        return OL_LINK_PAIRED;
    }
    return OL_LINK_ESTABLISHED;
}

static ol_link_result keypad_frame(ol_session *s, const ol_frame *f, ol_link_out *out) {
    switch (f->type) {
    case OL_LINK_WELCOME:
        return keypad_welcome(s, f, out);
    case OL_LINK_DATA:
        return data_open(s, f, out);
    case OL_LINK_REFUSE:
        if (!s->pending && !s->established) {
            return OL_LINK_REJECT_UNEXPECTED;
        }
        if (f->body[0] != OL_LINK_REFUSE_NOT_PAIRED && f->body[0] != OL_LINK_REFUSE_NO_SESSION) {
            return OL_LINK_REJECT_MALFORMED;
        }
        out->refuse_reason = f->body[0];
        return OL_LINK_REFUSED;
    default: // HELLO, FINISH: the body's to receive
        return OL_LINK_REJECT_UNEXPECTED;
    }
}

// ---- lock body ------------------------------------------------------------------------------
static ol_link_result body_hello(ol_session *s, const ol_frame *f, ol_link_out *out) {
    const uint8_t *s_k = f->body, *e_k = f->body + 32;
    bool known = s->has_pinned && key_equal(s_k, s->pinned);
    if (!known && !s->allow_pairing) {
        uint8_t reason = OL_LINK_REFUSE_NOT_PAIRED;
        emit(out, OL_LINK_REFUSE, &reason, 1);
        return OL_LINK_REJECT_UNKNOWN_KEY;
    }
    uint8_t rnd[OL_X25519_BYTES + OL_LINK_NONCE_BYTES];
    if (s->trng(s->trng_ctx, rnd, sizeof rnd) != OL_OK) {
        ol_wipe(rnd, sizeof rnd);
        return OL_LINK_ERROR_TRNG;
    }
    uint8_t welcome[OL_LINK_WELCOME_BODY], th[OL_SHA256_BYTES];
    memcpy(welcome, s->id.public_key, OL_LINK_KEY_BYTES);
    ol_x25519_public(welcome + 32, rnd); // e_B
    memcpy(welcome + 64, rnd + OL_X25519_BYTES, OL_LINK_NONCE_BYTES);
    transcript_hash(th, f->body, welcome);
    ol_link_keys keys;
    int bad = derive_keys(&keys, ROLE_BODY, s, s_k, known, rnd, e_k, th);
    ol_wipe(rnd, sizeof rnd); // the ephemeral secret is not needed again
    if (bad) {
        ol_wipe(th, sizeof th);
        return OL_LINK_REJECT_BAD_KEY;
    }
    confirm_make(welcome + OL_LINK_HELLO_BODY, keys.tx_key, DIR_BODY_TO_KEYPAD, OL_LINK_WELCOME,
                 OL_LINK_WELCOME_BODY, th);
    emit(out, OL_LINK_WELCOME, welcome, sizeof welcome);

    // A newer HELLO replaces an unfinished handshake; the current session (if
    // any) keeps working until FINISH proves the new one, so a replayed HELLO
    // cannot cut a working keypad off.
    drop_pending(s);
    s->pending = true;
    s->pending_pairing = !known;
    memcpy(s->hs_th, th, sizeof th);
    memcpy(s->hs_peer, s_k, OL_LINK_KEY_BYTES);
    s->hs_keys = keys;
    ol_wipe(&keys, sizeof keys);
    ol_wipe(th, sizeof th);
    return OL_LINK_NONE;
}

static ol_link_result body_finish(ol_session *s, const ol_frame *f, ol_link_out *out) {
    if (!s->pending) {
        return OL_LINK_REJECT_UNEXPECTED;
    }
    if (confirm_check(f->body, s->hs_keys.rx_key, DIR_KEYPAD_TO_BODY, OL_LINK_FINISH,
                      OL_LINK_FINISH_BODY, s->hs_th) != 0) {
        return OL_LINK_REJECT_AUTH; // the real FINISH may still come
    }
    if (s->pending_pairing && !s->allow_pairing) {
        drop_pending(s); // permission withdrawn (door closed) during the handshake
        return OL_LINK_REJECT_UNKNOWN_KEY;
    }
    bool pairing = s->pending_pairing;
    drop_session(s);
    s->cur = s->hs_keys;
    s->established = true;
    memcpy(out->peer_key, s->hs_peer, OL_LINK_KEY_BYTES);
    if (pairing) {
        pin(s, s->hs_peer);
    }
    drop_pending(s);
    return pairing ? OL_LINK_PAIRED : OL_LINK_ESTABLISHED;
}

static ol_link_result body_frame(ol_session *s, const ol_frame *f, ol_link_out *out) {
    switch (f->type) {
    case OL_LINK_HELLO:
        return body_hello(s, f, out);
    case OL_LINK_FINISH:
        return body_finish(s, f, out);
    case OL_LINK_DATA:
        return data_open(s, f, out);
    default: // WELCOME, REFUSE: the keypad's to receive
        return OL_LINK_REJECT_UNEXPECTED;
    }
}

// ---- shared entry points ----------------------------------------------------------------------
static void session_init(ol_session *s, uint8_t role, const ol_link_identity *id,
                         const uint8_t pinned[OL_LINK_KEY_BYTES], ol_trng_fn trng, void *trng_ctx) {
    memset(s, 0, sizeof *s);
    s->role = role;
    s->id = *id;
    if (pinned != NULL) {
        pin(s, pinned);
    }
    s->trng = trng;
    s->trng_ctx = trng_ctx;
    ol_frame_decoder_init(&s->rx);
}

// Each side passes its own frame handler, so an image that holds only one
// side (the lock body's firmware) does not carry the other's code.
typedef ol_link_result (*frame_handler)(ol_session *s, const ol_frame *f, ol_link_out *out);

static void session_rx(ol_session *s, uint8_t byte, ol_link_out *out, frame_handler on_frame) {
    out->result = OL_LINK_NONE;
    out->tx_len = 0;
    ol_frame f;
    ol_frame_status status = ol_frame_decoder_feed(&s->rx, byte, &f);
    if (status == OL_FRAME_NONE) {
        return;
    }
    if (status != OL_FRAME_READY) {
        out->result = OL_LINK_REJECT_NOISE;
        return;
    }
    if (body_len_of(f.type) != (int)f.len) {
        out->result = OL_LINK_REJECT_MALFORMED;
        return;
    }
    out->result = on_frame(s, &f, out);
}

ol_err ol_link_identity_generate(ol_link_identity *id, ol_trng_fn trng, void *trng_ctx) {
    ol_err err = trng(trng_ctx, id->secret, sizeof id->secret);
    if (err != OL_OK) {
        ol_wipe(id, sizeof *id);
        return err;
    }
    ol_x25519_public(id->public_key, id->secret);
    return OL_OK;
}

bool ol_link_rejected(ol_link_result r) {
    return r >= OL_LINK_REJECT_NOISE;
}

const char *ol_link_result_name(ol_link_result r) {
    switch (r) {
    case OL_LINK_NONE:
        return "none";
    case OL_LINK_MESSAGE:
        return "message";
    case OL_LINK_ESTABLISHED:
        return "established";
    case OL_LINK_PAIRED:
        return "paired";
    case OL_LINK_REFUSED:
        return "refused";
    case OL_LINK_ERROR_TRNG:
        return "error_trng";
    case OL_LINK_REJECT_NOISE:
        return "reject_noise";
    case OL_LINK_REJECT_MALFORMED:
        return "reject_malformed";
    case OL_LINK_REJECT_UNEXPECTED:
        return "reject_unexpected";
    case OL_LINK_REJECT_UNKNOWN_KEY:
        return "reject_unknown_key";
    case OL_LINK_REJECT_BAD_KEY:
        return "reject_bad_key";
    case OL_LINK_REJECT_AUTH:
        return "reject_auth";
    case OL_LINK_REJECT_REPLAY:
        return "reject_replay";
    case OL_LINK_REJECT_NO_SESSION:
        return "reject_no_session";
    case OL_LINK_REJECT_STALE:
        return "reject_stale";
    }
    return "unknown";
}

// ---- keypad API -------------------------------------------------------------------------------
void ol_session_keypad_init(ol_session_keypad *k, const ol_link_identity *id,
                            const uint8_t pinned_body[OL_LINK_KEY_BYTES], ol_trng_fn trng,
                            void *trng_ctx) {
    session_init(&k->s, ROLE_KEYPAD, id, pinned_body, trng, trng_ctx);
}

void ol_session_keypad_allow_pairing(ol_session_keypad *k, bool allow) {
    k->s.allow_pairing = allow;
}

ol_err ol_session_keypad_start(ol_session_keypad *k, uint8_t wire[OL_FRAME_MAX_WIRE],
                               size_t *wire_len) {
    ol_session *s = &k->s;
    if (!s->has_pinned && !s->allow_pairing) {
        return OL_ERR_STATE; // an unpaired keypad can only say so
    }
    drop_session(s);
    drop_pending(s);
    uint8_t nonce[OL_LINK_NONCE_BYTES];
    ol_err err = s->trng(s->trng_ctx, s->hs_secret, sizeof s->hs_secret);
    if (err == OL_OK) {
        err = s->trng(s->trng_ctx, nonce, sizeof nonce);
    }
    if (err != OL_OK) {
        drop_pending(s);
        return err;
    }
    memcpy(s->hs_hello, s->id.public_key, OL_LINK_KEY_BYTES);
    ol_x25519_public(s->hs_hello + 32, s->hs_secret); // e_K
    memcpy(s->hs_hello + 64, nonce, sizeof nonce);
    s->pending = true;
    return ol_frame_encode(wire, wire_len, OL_LINK_HELLO, s->hs_hello, OL_LINK_HELLO_BODY);
}

void ol_session_keypad_rx(ol_session_keypad *k, uint8_t byte, ol_link_out *out) {
    session_rx(&k->s, byte, out, keypad_frame);
}

ol_err ol_session_keypad_send(ol_session_keypad *k, const uint8_t msg[OL_MSG_BYTES],
                              uint8_t wire[OL_FRAME_MAX_WIRE], size_t *wire_len) {
    return data_seal(&k->s, msg, wire, wire_len);
}

bool ol_session_keypad_established(const ol_session_keypad *k) {
    return k->s.established;
}

void ol_session_keypad_wipe(ol_session_keypad *k) {
    ol_wipe(k, sizeof *k);
}

// ---- lock body API ----------------------------------------------------------------------------
void ol_session_body_init(ol_session_body *b, const ol_link_identity *id,
                          const uint8_t pinned_keypad[OL_LINK_KEY_BYTES], ol_trng_fn trng,
                          void *trng_ctx) {
    session_init(&b->s, ROLE_BODY, id, pinned_keypad, trng, trng_ctx);
}

void ol_session_body_allow_pairing(ol_session_body *b, bool allow) {
    b->s.allow_pairing = allow;
}

void ol_session_body_rx(ol_session_body *b, uint8_t byte, ol_link_out *out) {
    session_rx(&b->s, byte, out, body_frame);
}

ol_err ol_session_body_send(ol_session_body *b, const uint8_t msg[OL_MSG_BYTES],
                            uint8_t wire[OL_FRAME_MAX_WIRE], size_t *wire_len) {
    return data_seal(&b->s, msg, wire, wire_len);
}

bool ol_session_body_established(const ol_session_body *b) {
    return b->s.established;
}

void ol_session_body_wipe(ol_session_body *b) {
    ol_wipe(b, sizeof *b);
}

void ol_link_identity_pack(uint8_t out[OL_LINK_IDENTITY_BYTES], const ol_link_identity *id) {
    memcpy(out, id->secret, OL_LINK_KEY_BYTES);
    memcpy(out + OL_LINK_KEY_BYTES, id->public_key, OL_LINK_KEY_BYTES);
}

void ol_link_identity_unpack(ol_link_identity *id, const uint8_t in[OL_LINK_IDENTITY_BYTES]) {
    memcpy(id->secret, in, OL_LINK_KEY_BYTES);
    memcpy(id->public_key, in + OL_LINK_KEY_BYTES, OL_LINK_KEY_BYTES);
}
