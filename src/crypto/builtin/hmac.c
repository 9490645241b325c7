// ownerlock — HMAC-SHA256 (RFC 2104) on the built-in SHA-256.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ownerlock/crypto.h"

void ol_hmac_sha256_init(ol_hmac_sha256_ctx *ctx, const uint8_t *key, size_t key_len) {
    // K0 (FIPS 198-1): the key, or its hash when longer than a block,
    // zero-padded to the block size.
    uint8_t pad[OL_SHA256_BLOCK] = {0};
    if (key_len > OL_SHA256_BLOCK) {
        ol_sha256(pad, key, key_len);
    } else if (key_len > 0) { // key may be NULL when empty
        memcpy(pad, key, key_len);
    }
    for (size_t i = 0; i < sizeof pad; i++) {
        pad[i] ^= 0x36; // K0 ^ ipad
    }
    ol_sha256_init(&ctx->inner);
    ol_sha256_update(&ctx->inner, pad, sizeof pad);
    for (size_t i = 0; i < sizeof pad; i++) {
        pad[i] ^= 0x36 ^ 0x5c; // K0 ^ opad
    }
    ol_sha256_init(&ctx->outer);
    ol_sha256_update(&ctx->outer, pad, sizeof pad);
    ol_wipe(pad, sizeof pad);
}

void ol_hmac_sha256_update(ol_hmac_sha256_ctx *ctx, const void *data, size_t len) {
    ol_sha256_update(&ctx->inner, data, len);
}

void ol_hmac_sha256_final(ol_hmac_sha256_ctx *ctx, uint8_t out[OL_SHA256_BYTES]) {
    uint8_t inner[OL_SHA256_BYTES];
    ol_sha256_final(&ctx->inner, inner);
    ol_sha256_update(&ctx->outer, inner, sizeof inner);
    ol_sha256_final(&ctx->outer, out);
    ol_wipe(inner, sizeof inner);
    ol_wipe(ctx, sizeof *ctx); // the halves wipe themselves; this covers the whole struct
}

void ol_hmac_sha256(uint8_t out[OL_SHA256_BYTES], const uint8_t *key, size_t key_len,
                    const void *data, size_t len) {
    ol_hmac_sha256_ctx ctx;
    ol_hmac_sha256_init(&ctx, key, key_len);
    ol_hmac_sha256_update(&ctx, data, len);
    ol_hmac_sha256_final(&ctx, out); // wipes ctx
}
