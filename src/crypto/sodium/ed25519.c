// ownerlock — SHA-512 and Ed25519 verification on libsodium, for the host.
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "ownerlock/crypto.h"
#include "ready.h"

_Static_assert(sizeof(crypto_hash_sha512_state) <= sizeof(ol_sha512_ctx),
               "libsodium sha512 state too large");
_Static_assert(_Alignof(crypto_hash_sha512_state) <= _Alignof(ol_sha512_ctx),
               "libsodium sha512 state misaligned");
_Static_assert(crypto_sign_PUBLICKEYBYTES == OL_ED25519_PUBLIC_BYTES, "ed25519 key");
_Static_assert(crypto_sign_BYTES == OL_ED25519_SIGNATURE_BYTES, "ed25519 signature");

static crypto_hash_sha512_state *state_of(ol_sha512_ctx *ctx) {
    return (crypto_hash_sha512_state *)(void *)ctx;
}

void ol_sha512_init(ol_sha512_ctx *ctx) {
    sodium_ready();
    crypto_hash_sha512_init(state_of(ctx));
}

void ol_sha512_update(ol_sha512_ctx *ctx, const void *data, size_t len) {
    crypto_hash_sha512_update(state_of(ctx), data, (unsigned long long)len);
}

void ol_sha512_final(ol_sha512_ctx *ctx, uint8_t out[OL_SHA512_BYTES]) {
    crypto_hash_sha512_final(state_of(ctx), out);
    ol_wipe(ctx, sizeof *ctx);
}

void ol_sha512(uint8_t out[OL_SHA512_BYTES], const void *data, size_t len) {
    sodium_ready();
    crypto_hash_sha512(out, data, (unsigned long long)len);
}

ol_err ol_ed25519_verify(const uint8_t sig[OL_ED25519_SIGNATURE_BYTES], const void *msg, size_t len,
                         const uint8_t pub[OL_ED25519_PUBLIC_BYTES]) {
    static const uint8_t empty = 0;
    sodium_ready();
    // The message pointer may be NULL when empty; libsodium's is nonnull.
    int r = crypto_sign_verify_detached(sig, len > 0 ? msg : &empty, (unsigned long long)len, pub);
    return r == 0 ? OL_OK : OL_ERR_AUTH;
}
