// ownerlock — SHA-256 and HMAC-SHA256 on libsodium, for the host.
//
// libsodium's states are stored in the opaque contexts as raw storage; only
// this file touches them, always through libsodium's own types. The int that
// the crypto_hash/crypto_auth calls below return is always 0.
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "ownerlock/crypto.h"
#include "ready.h"

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(ol_sha256_ctx),
               "libsodium sha256 state too large");
_Static_assert(_Alignof(crypto_hash_sha256_state) <= _Alignof(ol_sha256_ctx),
               "libsodium sha256 state misaligned");
// The HMAC state (two sha256 states plus nothing else) spans the whole
// ol_hmac_sha256_ctx, not its inner and outer halves.
_Static_assert(sizeof(crypto_auth_hmacsha256_state) <= sizeof(ol_hmac_sha256_ctx),
               "libsodium hmac state too large");
_Static_assert(_Alignof(crypto_auth_hmacsha256_state) <= _Alignof(ol_hmac_sha256_ctx),
               "libsodium hmac state misaligned");

static crypto_hash_sha256_state *sha256_state_of(ol_sha256_ctx *ctx) {
    return (crypto_hash_sha256_state *)(void *)ctx;
}

static crypto_auth_hmacsha256_state *hmac_state_of(ol_hmac_sha256_ctx *ctx) {
    return (crypto_auth_hmacsha256_state *)(void *)ctx;
}

// ---- SHA-256 -----------------------------------------------------------------
void ol_sha256_init(ol_sha256_ctx *ctx) {
    sodium_ready();
    crypto_hash_sha256_init(sha256_state_of(ctx));
}

void ol_sha256_update(ol_sha256_ctx *ctx, const void *data, size_t len) {
    crypto_hash_sha256_update(sha256_state_of(ctx), data, (unsigned long long)len);
}

void ol_sha256_final(ol_sha256_ctx *ctx, uint8_t out[OL_SHA256_BYTES]) {
    crypto_hash_sha256_final(sha256_state_of(ctx), out);
    ol_wipe(ctx, sizeof *ctx);
}

void ol_sha256(uint8_t out[OL_SHA256_BYTES], const void *data, size_t len) {
    sodium_ready();
    crypto_hash_sha256(out, data, (unsigned long long)len);
}

// ---- HMAC-SHA256 -------------------------------------------------------------
// crypto_auth_hmacsha256_init takes keys of any length and hashes long ones,
// as RFC 2104 does.
void ol_hmac_sha256_init(ol_hmac_sha256_ctx *ctx, const uint8_t *key, size_t key_len) {
    static const uint8_t no_key = 0;
    sodium_ready();
    // The key pointer is declared nonnull, but ours may be NULL when empty.
    crypto_auth_hmacsha256_init(hmac_state_of(ctx), key_len > 0 ? key : &no_key, key_len);
}

void ol_hmac_sha256_update(ol_hmac_sha256_ctx *ctx, const void *data, size_t len) {
    crypto_auth_hmacsha256_update(hmac_state_of(ctx), data, (unsigned long long)len);
}

void ol_hmac_sha256_final(ol_hmac_sha256_ctx *ctx, uint8_t out[OL_SHA256_BYTES]) {
    crypto_auth_hmacsha256_final(hmac_state_of(ctx), out);
    ol_wipe(ctx, sizeof *ctx); // whatever libsodium itself clears
}

void ol_hmac_sha256(uint8_t out[OL_SHA256_BYTES], const uint8_t *key, size_t key_len,
                    const void *data, size_t len) {
    ol_hmac_sha256_ctx ctx;
    ol_hmac_sha256_init(&ctx, key, key_len);
    ol_hmac_sha256_update(&ctx, data, len);
    ol_hmac_sha256_final(&ctx, out); // wipes ctx
}

const char *ol_crypto_backend(void) {
    return "sodium";
}
