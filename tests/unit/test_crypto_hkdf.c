// ownerlock — HKDF-SHA256: RFC 5869 test cases 1-3, the length limit, and a
// differential run against an HKDF built on libsodium's HMAC-SHA256 (the
// installed libsodium has no HKDF of its own). Built once per backend.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "ownerlock/crypto.h"
#include "testvec.h"

// ---- the oracle: RFC 5869 on crypto_auth_hmacsha256 -----------------------------
static void oracle_hmac(uint8_t out[32], const uint8_t *key, size_t key_len, const uint8_t *a,
                        size_t a_len, const uint8_t *b, size_t b_len, uint8_t counter) {
    static const uint8_t no_key = 0; // libsodium declares the key nonnull
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key_len > 0 ? key : &no_key, key_len);
    if (a_len > 0) {
        crypto_auth_hmacsha256_update(&st, a, a_len);
    }
    if (b_len > 0) {
        crypto_auth_hmacsha256_update(&st, b, b_len);
    }
    if (counter != 0) {
        crypto_auth_hmacsha256_update(&st, &counter, 1);
    }
    crypto_auth_hmacsha256_final(&st, out);
}

static void oracle_hkdf(uint8_t prk[32], uint8_t *okm, size_t okm_len, const uint8_t *salt,
                        size_t salt_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
                        size_t info_len) {
    uint8_t zeros[32] = {0};
    if (salt_len == 0) { // RFC 5869 2.2: HashLen zeros
        salt = zeros;
        salt_len = sizeof zeros;
    }
    oracle_hmac(prk, salt, salt_len, ikm, ikm_len, NULL, 0, 0);
    uint8_t t[32];
    size_t t_len = 0;
    for (size_t done = 0, i = 1; done < okm_len; done += 32, i++) {
        oracle_hmac(t, prk, 32, t, t_len, info, info_len, (uint8_t)i);
        t_len = 32;
        memcpy(okm + done, t, okm_len - done < 32 ? okm_len - done : 32);
    }
}

// ---- RFC 5869 appendix A.1-A.3 (the SHA-256 cases) ------------------------------
static void test_rfc5869(void) {
    struct {
        const char *ikm, *salt, *info, *prk, *okm;
    } v[] = {
        // A.1: basic
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
         "f0f1f2f3f4f5f6f7f8f9", "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
         "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
        // A.2: longer inputs and outputs (filled in below: 0x00.., 0x60.., 0xb0..)
        {NULL, NULL, NULL, "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
         "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c6"
         "5e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"},
        // A.3: zero-length salt and info
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
         "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
         "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
    };
    for (size_t c = 0; c < sizeof v / sizeof v[0]; c++) {
        uint8_t ikm[80], salt[80], info[80], want_prk[32], want_okm[82];
        size_t ikm_len, salt_len, info_len;
        if (v[c].ikm == NULL) {
            for (size_t i = 0; i < 80; i++) {
                ikm[i] = (uint8_t)i;
                salt[i] = (uint8_t)(0x60 + i);
                info[i] = (uint8_t)(0xb0 + i);
            }
            ikm_len = salt_len = info_len = 80;
        } else {
            ikm_len = unhex(ikm, sizeof ikm, v[c].ikm);
            salt_len = unhex(salt, sizeof salt, v[c].salt);
            info_len = unhex(info, sizeof info, v[c].info);
        }
        unhex(want_prk, sizeof want_prk, v[c].prk);
        size_t L = unhex(want_okm, sizeof want_okm, v[c].okm);
        CHECK_EQ(L, c == 1 ? 82 : 42);

        // The published values are what libsodium's HMAC gives.
        uint8_t prk[32], okm[82];
        oracle_hkdf(prk, okm, L, salt, salt_len, ikm, ikm_len, info, info_len);
        CHECK_MEM(prk, want_prk, 32);
        CHECK_MEM(okm, want_okm, L);

        memset(prk, 0, sizeof prk);
        memset(okm, 0, sizeof okm);
        ol_hkdf_sha256_extract(prk, salt_len ? salt : NULL, salt_len, ikm, ikm_len);
        CHECK_MEM(prk, want_prk, 32);
        CHECK_EQ(ol_hkdf_sha256_expand(okm, L, prk, info_len ? info : NULL, info_len), 0);
        CHECK_MEM(okm, want_okm, L);
        memset(okm, 0, sizeof okm);
        CHECK_EQ(ol_hkdf_sha256(okm, L, salt, salt_len, ikm, ikm_len, info, info_len), 0);
        CHECK_MEM(okm, want_okm, L);
        // A shorter output is a prefix of the longer one.
        memset(okm, 0, sizeof okm);
        CHECK_EQ(ol_hkdf_sha256_expand(okm, 33, prk, info, info_len), 0);
        CHECK_MEM(okm, want_okm, 33);
        CHECK(all_zero(okm + 33, sizeof okm - 33));
    }

    // An empty salt is the same as 32 zero bytes.
    uint8_t ikm[22], zeros[32] = {0}, a[32], b[32];
    memset(ikm, 0x0b, sizeof ikm);
    ol_hkdf_sha256_extract(a, NULL, 0, ikm, sizeof ikm);
    ol_hkdf_sha256_extract(b, zeros, sizeof zeros, ikm, sizeof ikm);
    CHECK_MEM(a, b, 32);
}

// ---- output length limit: 255 blocks ---------------------------------------------
static void test_length_limit(void) {
    static uint8_t okm[OL_HKDF_SHA256_MAX_OKM + 1];
    uint8_t prk[32], info[5] = {1, 2, 3, 4, 5};
    rng_fill(prk, sizeof prk);
    CHECK_EQ(ol_hkdf_sha256_expand(okm, 0, prk, info, sizeof info), 0);
    memset(okm, 0xa5, sizeof okm);
    CHECK_EQ(ol_hkdf_sha256_expand(okm, OL_HKDF_SHA256_MAX_OKM + 1, prk, info, sizeof info),
             OL_ERR_TOO_BIG);
    CHECK_EQ(okm[0], 0xa5); // nothing written
    CHECK_EQ(okm[OL_HKDF_SHA256_MAX_OKM], 0xa5);
    CHECK_EQ(ol_hkdf_sha256(okm, OL_HKDF_SHA256_MAX_OKM + 1, NULL, 0, prk, 32, NULL, 0),
             OL_ERR_TOO_BIG);
    CHECK_EQ(ol_hkdf_sha256_expand(okm, OL_HKDF_SHA256_MAX_OKM, prk, info, sizeof info), 0);
    CHECK_EQ(okm[OL_HKDF_SHA256_MAX_OKM], 0xa5); // not one byte more
    // All 255 blocks, T(i) = HMAC(PRK, T(i-1) | info | i), by the oracle; the
    // last one uses counter 255 (the counter byte never wraps).
    uint8_t t[32];
    oracle_hmac(t, prk, 32, NULL, 0, info, sizeof info, 1);
    CHECK_MEM(okm, t, 32);
    uint8_t prev[32];
    memcpy(prev, t, 32);
    unsigned bad = 0;
    for (unsigned i = 2; i <= 255; i++) {
        oracle_hmac(t, prk, 32, prev, 32, info, sizeof info, (uint8_t)i);
        bad += memcmp(okm + 32 * (i - 1), t, 32) != 0;
        memcpy(prev, t, 32);
    }
    CHECK_EQ(bad, 0);
}

// ---- differential against libsodium ---------------------------------------------------
static void test_differential(void) {
    enum { RUNS = 1500, MAX_IN = 150, MAX_OUT = 200 };
    unsigned bad_prk = 0, bad_okm = 0, bad_oneshot = 0;
    for (int run = 0; run < RUNS; run++) {
        uint8_t ikm[MAX_IN], salt[MAX_IN], info[MAX_IN];
        size_t ikm_len = rng_below(MAX_IN + 1), salt_len = rng_below(MAX_IN + 1);
        size_t info_len = rng_below(MAX_IN + 1), okm_len = rng_below(MAX_OUT + 1);
        rng_fill(ikm, ikm_len);
        rng_fill(salt, salt_len);
        rng_fill(info, info_len);
        uint8_t want_prk[32], want[MAX_OUT], prk[32], got[MAX_OUT];
        oracle_hkdf(want_prk, want, okm_len, salt, salt_len, ikm, ikm_len, info, info_len);
        ol_hkdf_sha256_extract(prk, salt, salt_len, ikm, ikm_len);
        bad_prk += memcmp(prk, want_prk, 32) != 0;
        bad_okm += ol_hkdf_sha256_expand(got, okm_len, prk, info, info_len) != 0 ||
                   memcmp(got, want, okm_len) != 0;
        memset(got, 0, sizeof got);
        bad_oneshot +=
            ol_hkdf_sha256(got, okm_len, salt, salt_len, ikm, ikm_len, info, info_len) != 0 ||
            memcmp(got, want, okm_len) != 0;
    }
    CHECK_EQ(bad_prk, 0);
    CHECK_EQ(bad_okm, 0);
    CHECK_EQ(bad_oneshot, 0);
}

int main(void) {
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    printf("test_crypto_hkdf: backend %s\n", ol_crypto_backend());
    rng_seed_from_env("test_crypto_hkdf");
    test_rfc5869();
    test_length_limit();
    test_differential();
    return check_done("test_crypto_hkdf");
}
