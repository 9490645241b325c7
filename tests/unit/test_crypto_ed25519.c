// ownerlock — SHA-512 (FIPS 180-4 examples, and against libsodium) and
// Ed25519 verification: RFC 8032 section 7.1 vectors, a differential run
// against libsodium (valid signatures, and each with one bit flipped in the
// signature, the message or the key), and the strict rules: S + L, small
// order keys and R, non-canonical encodings. Built once per backend.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "ed25519_vectors.h"
#include "ownerlock/crypto.h"
#include "testvec.h"

// ---- SHA-512 -----------------------------------------------------------------------
static void test_sha512_examples(void) {
    const size_t count = sizeof sha512_examples / sizeof sha512_examples[0];
    for (size_t i = 0; i < count; i++) {
        uint8_t want[64], got[64];
        unhex(want, sizeof want, sha512_examples[i].digest);
        size_t n = strlen(sha512_examples[i].msg);
        CHECK_EQ(crypto_hash_sha512(got, (const uint8_t *)sha512_examples[i].msg, n),
                 0); // the oracle agrees
        CHECK_MEM(got, want, 64);
        memset(got, 0, sizeof got);
        ol_sha512(got, sha512_examples[i].msg, n);
        CHECK_MEM(got, want, 64);
    }
}

// Random lengths around the block and padding edges, hashed in one call and
// in random pieces.
static void test_sha512_differential(void) {
    static uint8_t msg[1200];
    unsigned bad = 0;
    for (size_t len = 0; len < 300; len++) {
        rng_fill(msg, len);
        uint8_t want[64], one[64], pieces[64];
        crypto_hash_sha512(want, msg, len);
        ol_sha512(one, msg, len);
        ol_sha512_ctx ctx;
        ol_sha512_init(&ctx);
        for (size_t at = 0; at < len;) {
            size_t take = 1 + rng_below(len - at);
            ol_sha512_update(&ctx, msg + at, take);
            at += take;
        }
        ol_sha512_final(&ctx, pieces);
        bad += memcmp(one, want, 64) != 0;
        bad += memcmp(pieces, want, 64) != 0;
    }
    rng_fill(msg, sizeof msg);
    uint8_t want[64], got[64];
    crypto_hash_sha512(want, msg, sizeof msg);
    ol_sha512(got, msg, sizeof msg);
    bad += memcmp(got, want, 64) != 0;
    CHECK_EQ(bad, 0);
}

// ---- Ed25519: RFC 8032 section 7.1 ---------------------------------------------------
static void test_rfc8032_vectors(void) {
    const size_t count = sizeof rfc8032_vectors / sizeof rfc8032_vectors[0];
    for (size_t i = 0; i < count; i++) {
        uint8_t seed[32], pub[32], msg[8], sig[64], pk[32], sk[64], mine[64];
        unhex(seed, sizeof seed, rfc8032_vectors[i].seed);
        unhex(pub, sizeof pub, rfc8032_vectors[i].pub);
        size_t n = unhex(msg, sizeof msg, rfc8032_vectors[i].msg);
        unhex(sig, sizeof sig, rfc8032_vectors[i].sig);
        // The oracle derives the same key and signature (the vector is
        // transcribed right), then ours accepts it and refuses it altered.
        CHECK_EQ(crypto_sign_seed_keypair(pk, sk, seed), 0);
        CHECK_MEM(pk, pub, 32);
        CHECK_EQ(crypto_sign_detached(mine, NULL, msg, n, sk), 0);
        CHECK_MEM(mine, sig, 64);
        CHECK_EQ(ol_ed25519_verify(sig, n ? msg : NULL, n, pub), OL_OK);
        sig[5] ^= 1;
        CHECK_EQ(ol_ed25519_verify(sig, n ? msg : NULL, n, pub), OL_ERR_AUTH);
        sig[5] ^= 1;
        sig[40] ^= 0x10;
        CHECK_EQ(ol_ed25519_verify(sig, n ? msg : NULL, n, pub), OL_ERR_AUTH);
    }
}

// ---- the strict rules ----------------------------------------------------------------
static void keypair(uint8_t pk[32], uint8_t sk[64]) {
    uint8_t seed[32];
    rng_fill(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
}

static void test_strict(void) {
    uint8_t pk[32], sk[64], sig[64], msg[40];
    keypair(pk, sk);
    rng_fill(msg, sizeof msg);
    crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
    CHECK_EQ(ol_ed25519_verify(sig, msg, sizeof msg, pk), OL_OK);
    // S + L: the same [S]B, but malleable; refused by both.
    uint8_t bad[64];
    memcpy(bad, sig, 64);
    ed25519_add_l(bad + 32);
    CHECK(crypto_sign_verify_detached(bad, msg, sizeof msg, pk) != 0);
    CHECK_EQ(ol_ed25519_verify(bad, msg, sizeof msg, pk), OL_ERR_AUTH);
    // A key of small order: the identity (y = 1) signs anything with
    // R = identity and S = 0 ([0]B = R + [k]identity). Refused by both.
    uint8_t ident[32] = {1}, forged[64] = {1};
    CHECK(crypto_sign_verify_detached(forged, msg, sizeof msg, ident) != 0);
    CHECK_EQ(ol_ed25519_verify(forged, msg, sizeof msg, ident), OL_ERR_AUTH);
    // The point of order 2, (0, -1): y = p - 1.
    uint8_t order2[32];
    memset(order2, 0xff, 32);
    order2[0] = 0xec;
    order2[31] = 0x7f;
    CHECK(crypto_sign_verify_detached(forged, msg, sizeof msg, order2) != 0);
    CHECK_EQ(ol_ed25519_verify(forged, msg, sizeof msg, order2), OL_ERR_AUTH);
    // R of small order in a signature under a good key.
    memcpy(bad, sig, 64);
    memset(bad, 0, 32);
    bad[0] = 1;
    CHECK_EQ(ol_ed25519_verify(bad, msg, sizeof msg, pk), OL_ERR_AUTH);
    // A key whose y is not canonical: y = p + 1 (the identity again) and
    // y = 2^255 - 1; and a y with no x at all (y = 2: -x^2 = 3 / (4d + 1)).
    uint8_t noncanon[32];
    memset(noncanon, 0xff, 32);
    noncanon[0] = 0xee;
    noncanon[31] = 0x7f;
    CHECK_EQ(ol_ed25519_verify(sig, msg, sizeof msg, noncanon), OL_ERR_AUTH);
    memset(noncanon, 0xff, 32);
    noncanon[31] = 0x7f;
    CHECK_EQ(ol_ed25519_verify(sig, msg, sizeof msg, noncanon), OL_ERR_AUTH);
    // x = 0 with the sign bit set: y = 1 encoded "negative".
    uint8_t neg_zero[32] = {1};
    neg_zero[31] = 0x80;
    CHECK_EQ(ol_ed25519_verify(forged, msg, sizeof msg, neg_zero), OL_ERR_AUTH);
    // An empty message, NULL.
    crypto_sign_detached(sig, NULL, msg, 0, sk);
    CHECK_EQ(ol_ed25519_verify(sig, NULL, 0, pk), OL_OK);
}

// ---- differential against libsodium ----------------------------------------------------
static void test_differential(void) {
    enum { KEYS = 120 };
    static uint8_t msg[700];
    unsigned bad_good = 0, bad_mut = 0, refused = 0;
    for (int run = 0; run < KEYS; run++) {
        uint8_t pk[32], sk[64], sig[64];
        keypair(pk, sk);
        size_t len = rng_below(sizeof msg);
        rng_fill(msg, len);
        crypto_sign_detached(sig, NULL, msg, len, sk);
        bad_good += ol_ed25519_verify(sig, msg, len, pk) != OL_OK;
        // One bit flipped: in the signature, the message or the key.
        for (int m = 0; m < 3; m++) {
            uint8_t s2[64], k2[32];
            memcpy(s2, sig, 64);
            memcpy(k2, pk, 32);
            size_t where = rng_below(m == 0 ? 512 : m == 1 ? (len ? len * 8 : 1) : 256);
            if (m == 0) {
                s2[where / 8] ^= (uint8_t)(1u << (where % 8));
            } else if (m == 1 && len) {
                msg[where / 8] ^= (uint8_t)(1u << (where % 8));
            } else {
                k2[where / 8] ^= (uint8_t)(1u << (where % 8));
            }
            int want = crypto_sign_verify_detached(s2, msg, len, k2) == 0;
            int got = ol_ed25519_verify(s2, msg, len, k2) == OL_OK;
            bad_mut += want != got;
            refused += !got;
            if (m == 1 && len) {
                msg[where / 8] ^= (uint8_t)(1u << (where % 8));
            }
        }
    }
    CHECK_EQ(bad_good, 0);
    CHECK_EQ(bad_mut, 0);
    CHECK_EQ(refused, 3 * KEYS); // every flip is refused
}

int main(void) {
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    printf("test_crypto_ed25519: backend %s\n", ol_crypto_backend());
    rng_seed_from_env("test_crypto_ed25519");
    test_sha512_examples();
    test_sha512_differential();
    test_rfc8032_vectors();
    test_strict();
    test_differential();
    return check_done("test_crypto_ed25519");
}
