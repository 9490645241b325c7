// ownerlock — the few cryptographic primitives the lock needs.
//
// One header, two backends chosen at build time (OL_CRYPTO_BACKEND in CMake):
//  - builtin: portable C in src/crypto/builtin, for MCUs and the simulator;
//  - sodium:  libsodium, for the host (and as the test oracle).
// Functions that cannot fail on valid input return void. Comparisons over
// secrets run in time independent of the data.
#ifndef OWNERLOCK_CRYPTO_H
#define OWNERLOCK_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define OL_SHA256_BYTES 32
#define OL_SHA256_BLOCK 64

// Opaque, large enough for either backend's state.
typedef struct ol_sha256_ctx {
    union {
        uint64_t align;
        uint8_t bytes[112];
    } u;
} ol_sha256_ctx;

typedef struct ol_hmac_sha256_ctx {
    ol_sha256_ctx inner;
    ol_sha256_ctx outer;
} ol_hmac_sha256_ctx;

// ---- SHA-256 (FIPS 180-4) ---------------------------------------------------
void ol_sha256_init(ol_sha256_ctx *ctx);
void ol_sha256_update(ol_sha256_ctx *ctx, const void *data, size_t len);
void ol_sha256_final(ol_sha256_ctx *ctx, uint8_t out[OL_SHA256_BYTES]); // wipes ctx
void ol_sha256(uint8_t out[OL_SHA256_BYTES], const void *data, size_t len);

// ---- HMAC-SHA256 (RFC 2104, vectors in RFC 4231) -----------------------------
void ol_hmac_sha256_init(ol_hmac_sha256_ctx *ctx, const uint8_t *key, size_t key_len);
void ol_hmac_sha256_update(ol_hmac_sha256_ctx *ctx, const void *data, size_t len);
void ol_hmac_sha256_final(ol_hmac_sha256_ctx *ctx, uint8_t out[OL_SHA256_BYTES]); // wipes ctx
void ol_hmac_sha256(uint8_t out[OL_SHA256_BYTES], const uint8_t *key, size_t key_len,
                    const void *data, size_t len);

// ---- Constant time and hygiene (src/crypto/ct.c, shared by both backends) ---
// All-ones when the n bytes of a and b are equal, else zero. Reads every byte.
uint32_t ol_ct_eq_mask(const void *a, const void *b, size_t n);
// 0 when equal, -1 when not; constant time.
int ol_ct_compare(const void *a, const void *b, size_t n);
// Overwrite n bytes with zeros in a way the compiler may not remove.
void ol_wipe(void *p, size_t n);

// Name of the backend compiled in ("builtin" or "sodium").
const char *ol_crypto_backend(void);

#endif
