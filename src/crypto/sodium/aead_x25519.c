// ownerlock — ChaCha20-Poly1305 (IETF) and X25519 on libsodium, for the host.
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "ownerlock/crypto.h"
#include "ready.h"

_Static_assert(crypto_aead_chacha20poly1305_ietf_KEYBYTES == OL_AEAD_KEY_BYTES, "aead key");
_Static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == OL_AEAD_NONCE_BYTES, "aead nonce");
_Static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == OL_AEAD_TAG_BYTES, "aead tag");
_Static_assert(crypto_scalarmult_BYTES == OL_X25519_BYTES, "x25519 point");
_Static_assert(crypto_scalarmult_SCALARBYTES == OL_X25519_BYTES, "x25519 scalar");

// libsodium declares some buffer pointers nonnull even for length 0; ours may
// be NULL then.
static const uint8_t *or_dummy(const uint8_t *p) {
    static const uint8_t dummy = 0;
    return p != NULL ? p : &dummy;
}

void ol_aead_seal(uint8_t *ct, uint8_t tag[OL_AEAD_TAG_BYTES], const uint8_t key[OL_AEAD_KEY_BYTES],
                  const uint8_t nonce[OL_AEAD_NONCE_BYTES], const uint8_t *ad, size_t ad_len,
                  const uint8_t *pt, size_t len) {
    uint8_t dummy_out = 0;
    sodium_ready();
    // Returns 0 always (the only failure is a message over 256 GiB).
    crypto_aead_chacha20poly1305_ietf_encrypt_detached(ct != NULL ? ct : &dummy_out, tag, NULL,
                                                       or_dummy(pt), len, or_dummy(ad), ad_len,
                                                       NULL, nonce, key);
}

ol_err ol_aead_open(uint8_t *pt, const uint8_t tag[OL_AEAD_TAG_BYTES],
                    const uint8_t key[OL_AEAD_KEY_BYTES], const uint8_t nonce[OL_AEAD_NONCE_BYTES],
                    const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t len) {
    uint8_t dummy_out = 0;
    sodium_ready();
    // libsodium verifies in constant time before decrypting.
    int rc = crypto_aead_chacha20poly1305_ietf_decrypt_detached(pt != NULL ? pt : &dummy_out, NULL,
                                                                or_dummy(ct), len, tag,
                                                                or_dummy(ad), ad_len, nonce, key);
    if (rc != 0) {
        ol_wipe(pt, len); // libsodium clears it too; the contract is ours
        return OL_ERR_AUTH;
    }
    return OL_OK;
}

ol_err ol_x25519(uint8_t out[OL_X25519_BYTES], const uint8_t scalar[OL_X25519_BYTES],
                 const uint8_t point[OL_X25519_BYTES]) {
    sodium_ready();
    // OL_ERR_AUTH when the result is all zeros (libsodium also refuses a list of
    // low-order encodings up front, each of which would give zero anyway).
    if (crypto_scalarmult(out, scalar, point) != 0) {
        ol_wipe(out, OL_X25519_BYTES);
        return OL_ERR_AUTH;
    }
    return OL_OK;
}

void ol_x25519_public(uint8_t pub[OL_X25519_BYTES], const uint8_t secret[OL_X25519_BYTES]) {
    sodium_ready();
    // Fails only for a result of zero, which a clamped scalar times the base
    // point never is.
    if (crypto_scalarmult_base(pub, secret) != 0) {
        sodium_misuse();
    }
}
