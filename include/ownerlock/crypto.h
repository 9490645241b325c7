// ownerlock — the few cryptographic primitives the lock needs.
//
// One header, two backends chosen at build time (OL_CRYPTO_BACKEND in CMake):
//  - builtin: portable C in src/crypto/builtin, for MCUs and the simulator;
//  - sodium:  libsodium, for the host (and as the test oracle).
// Functions that cannot fail on valid input return void; those that can (a
// tag or key that does not verify, a length over its limit) return an ol_err
// the caller must check. Comparisons over secrets run in time independent of
// the data.
//
// The builtin backend also avoids the instructions whose time depends on
// their operands on small CPUs: on secrets it multiplies only 32 x 32 -> 32
// (never the 64-bit products UMULL, SMULL, UMLAL, SMLAL, which finish early
// on small operands on a Cortex-M3) and never divides (UDIV, SDIV). X25519
// and the AEAD wipe what they held of a secret before they return, the stack
// their calls used included (as deep as they go on the reference board).
#ifndef OWNERLOCK_CRYPTO_H
#define OWNERLOCK_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "ownerlock/error.h" // OL_MUST_CHECK

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

// ---- HKDF-SHA256 (RFC 5869; src/crypto/hkdf.c, shared by both backends) -----
// Longest output one expansion may produce: 255 blocks of the hash.
#define OL_HKDF_SHA256_MAX_OKM (255u * OL_SHA256_BYTES)

// PRK = HMAC-SHA256(salt, ikm). An empty salt (NULL, 0) means HashLen zero
// bytes, which HMAC treats the same as an empty key.
void ol_hkdf_sha256_extract(uint8_t prk[OL_SHA256_BYTES], const uint8_t *salt, size_t salt_len,
                            const uint8_t *ikm, size_t ikm_len);
// okm = the first okm_len bytes of T(1) | T(2) | ... OL_ERR_TOO_BIG (and
// nothing written) when okm_len > OL_HKDF_SHA256_MAX_OKM, else OL_OK.
ol_err ol_hkdf_sha256_expand(uint8_t *okm, size_t okm_len, const uint8_t prk[OL_SHA256_BYTES],
                             const uint8_t *info, size_t info_len) OL_MUST_CHECK;
// Extract then expand; same result as the two calls above.
ol_err ol_hkdf_sha256(uint8_t *okm, size_t okm_len, const uint8_t *salt, size_t salt_len,
                      const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
                      size_t info_len) OL_MUST_CHECK;

// ---- ChaCha20-Poly1305 AEAD (RFC 8439), detached tag ----------------------------
#define OL_AEAD_KEY_BYTES 32
#define OL_AEAD_NONCE_BYTES 12
#define OL_AEAD_TAG_BYTES 16

// ct = ChaCha20(key, nonce, counter 1) xor pt; tag = Poly1305 over ad and ct.
// ct and pt may be the same buffer (in place), but must not overlap otherwise.
// A (key, nonce) pair must never seal two different messages.
void ol_aead_seal(uint8_t *ct, uint8_t tag[OL_AEAD_TAG_BYTES], const uint8_t key[OL_AEAD_KEY_BYTES],
                  const uint8_t nonce[OL_AEAD_NONCE_BYTES], const uint8_t *ad, size_t ad_len,
                  const uint8_t *pt, size_t len);
// Checks the tag in constant time before decrypting anything. Returns OL_OK
// and the plaintext in pt, or OL_ERR_AUTH with pt (len bytes) overwritten
// with zeros. pt and ct may be the same buffer.
ol_err ol_aead_open(uint8_t *pt, const uint8_t tag[OL_AEAD_TAG_BYTES],
                    const uint8_t key[OL_AEAD_KEY_BYTES], const uint8_t nonce[OL_AEAD_NONCE_BYTES],
                    const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t len) OL_MUST_CHECK;

// ---- X25519 (RFC 7748) ------------------------------------------------------------
#define OL_X25519_BYTES 32

// out = X25519(scalar, point): the scalar is clamped, the point's top bit is
// ignored, non-canonical points are accepted (RFC 7748 section 5). Returns
// OL_ERR_AUTH when the result is all zeros, i.e. the point has low order and
// the "shared secret" would be a constant any attacker knows; the caller must
// abort then. Constant time in the scalar and the point.
ol_err ol_x25519(uint8_t out[OL_X25519_BYTES], const uint8_t scalar[OL_X25519_BYTES],
                 const uint8_t point[OL_X25519_BYTES]) OL_MUST_CHECK;
// pub = X25519(secret, 9). secret is any 32 random bytes (clamped inside).
void ol_x25519_public(uint8_t pub[OL_X25519_BYTES], const uint8_t secret[OL_X25519_BYTES]);

// ---- SHA-512 (FIPS 180-4) ---------------------------------------------------
// For Ed25519 and firmware images: data that is public.
#define OL_SHA512_BYTES 64
#define OL_SHA512_BLOCK 128

typedef struct ol_sha512_ctx {
    union {
        uint64_t align;
        uint8_t bytes[216];
    } u;
} ol_sha512_ctx;

void ol_sha512_init(ol_sha512_ctx *ctx);
void ol_sha512_update(ol_sha512_ctx *ctx, const void *data, size_t len);
void ol_sha512_final(ol_sha512_ctx *ctx, uint8_t out[OL_SHA512_BYTES]); // wipes ctx
void ol_sha512(uint8_t out[OL_SHA512_BYTES], const void *data, size_t len);

// ---- Ed25519 signature verification (RFC 8032) --------------------------------
#define OL_ED25519_PUBLIC_BYTES 32
#define OL_ED25519_SIGNATURE_BYTES 64

// OL_OK when sig is an Ed25519 signature of msg under pub, else OL_ERR_AUTH.
// Strict, as libsodium: S must be below the group order L; pub and R must
// be canonical encodings of points of order above 8; the check is
// [S]B == R + [SHA-512(R || pub || msg)]pub, R compared as encoded. Over
// public data only (a signed image): not constant time.
ol_err ol_ed25519_verify(const uint8_t sig[OL_ED25519_SIGNATURE_BYTES], const void *msg, size_t len,
                         const uint8_t pub[OL_ED25519_PUBLIC_BYTES]) OL_MUST_CHECK;

// ---- Constant time and hygiene (src/crypto/ct.c, shared by both backends) ---
// All-ones when the n bytes of a and b are equal, else zero. Reads every byte.
uint32_t ol_ct_eq_mask(const void *a, const void *b, size_t n) OL_MUST_CHECK;
// 0 when equal, -1 when not; constant time. Not an ol_err on purpose: a
// comparison's verdict, not a failure (a difference is the expected answer
// for a wrong code), computed from the mask without a branch; memcmp's
// convention, so `ol_ct_compare(a, b, n) == 0` reads as "equal".
int ol_ct_compare(const void *a, const void *b, size_t n) OL_MUST_CHECK;
// Overwrite n bytes with zeros in a way the compiler may not remove.
void ol_wipe(void *p, size_t n);

// Name of the backend compiled in ("builtin" or "sodium").
const char *ol_crypto_backend(void);

#endif
