// ownerlock — tests of the crypto module: published vectors (FIPS 180-4
// examples, RFC 4231), incremental updates split at every offset, a
// differential run against libsodium, constant-time compare and wipe.
// Built once per backend; libsodium is called directly as the oracle.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "vectors.h"
#include "testvec.h"
#include "ownerlock/crypto.h"

// ---- helpers ------------------------------------------------------------------

static void oracle_sha256(uint8_t out[32], const uint8_t *msg, size_t len) {
    crypto_hash_sha256(out, msg, len);
}

static void oracle_hmac(uint8_t out[32], const uint8_t *key, size_t key_len, const uint8_t *msg,
                        size_t len) {
    static const uint8_t no_key = 0; // libsodium declares the key nonnull
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key_len > 0 ? key : &no_key, key_len);
    crypto_auth_hmacsha256_update(&st, msg, len);
    crypto_auth_hmacsha256_final(&st, out);
}

// Hash msg through init/update/final, as parts cut at a and b (a <= b).
static void sha256_split3(uint8_t out[32], const uint8_t *msg, size_t len, size_t a, size_t b) {
    ol_sha256_ctx ctx;
    ol_sha256_init(&ctx);
    ol_sha256_update(&ctx, msg, a);
    ol_sha256_update(&ctx, msg + a, b - a);
    ol_sha256_update(&ctx, msg + b, len - b);
    ol_sha256_final(&ctx, out);
}

static void hmac_split3(uint8_t out[32], const uint8_t *key, size_t key_len, const uint8_t *msg,
                        size_t len, size_t a, size_t b) {
    ol_hmac_sha256_ctx ctx;
    ol_hmac_sha256_init(&ctx, key, key_len);
    ol_hmac_sha256_update(&ctx, msg, a);
    ol_hmac_sha256_update(&ctx, msg + a, b - a);
    ol_hmac_sha256_update(&ctx, msg + b, len - b);
    ol_hmac_sha256_final(&ctx, out);
}

// ---- SHA-256: FIPS 180-4 examples (NIST "Example Values") --------------------
static void test_sha256_vectors(void) {
    const fips180_vector *v = fips180;
    for (size_t i = 0; i < sizeof fips180 / sizeof fips180[0]; i++) {
        const uint8_t *msg = (const uint8_t *)v[i].msg;
        size_t len = strlen(v[i].msg);
        uint8_t want[32], got[32], oracle[32];
        unhex(want, sizeof want, v[i].digest);
        oracle_sha256(oracle, msg, len);
        CHECK_MEM(oracle, want, 32); // the published value is what libsodium says
        ol_sha256(got, msg, len);
        CHECK_MEM(got, want, 32);
        sha256_split3(got, msg, len, len / 3, len / 2);
        CHECK_MEM(got, want, 32);
    }

    // One million 'a': one shot, then in uneven chunks that straddle blocks.
    uint8_t want[32], got[32], oracle[32];
    unhex(want, sizeof want, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    size_t len = 1000000;
    uint8_t *a = malloc(len);
    CHECK(a != NULL);
    if (a == NULL) {
        return;
    }
    memset(a, 'a', len);
    oracle_sha256(oracle, a, len);
    CHECK_MEM(oracle, want, 32);
    ol_sha256(got, a, len);
    CHECK_MEM(got, want, 32);
    ol_sha256_ctx ctx;
    ol_sha256_init(&ctx);
    for (size_t off = 0, step = 1; off < len; off += step, step = step % 997 + 7) {
        ol_sha256_update(&ctx, a + off, step < len - off ? step : len - off);
    }
    ol_sha256_final(&ctx, got);
    CHECK_MEM(got, want, 32);
    free(a);

    // An empty message may come as a NULL pointer.
    unhex(want, sizeof want, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ol_sha256(got, NULL, 0);
    CHECK_MEM(got, want, 32);
}

// ---- HMAC-SHA256: RFC 4231 test cases 1-7 -------------------------------------
static void test_hmac_vectors(void) {
    uint8_t key_aa131[131];
    memset(key_aa131, 0xaa, sizeof key_aa131);
    const rfc4231_vector *v = rfc4231;
    for (size_t i = 0; i < sizeof rfc4231 / sizeof rfc4231[0]; i++) {
        uint8_t key_buf[32], data_buf[64], want[32], got[32], oracle[32];
        const uint8_t *key = key_aa131, *data = (const uint8_t *)v[i].data;
        size_t key_len = sizeof key_aa131, data_len = v[i].data ? strlen(v[i].data) : 0;
        if (v[i].key_hex) {
            key_len = unhex(key_buf, sizeof key_buf, v[i].key_hex);
            key = key_buf;
        }
        if (v[i].data_hex) {
            data_len = unhex(data_buf, sizeof data_buf, v[i].data_hex);
            data = data_buf;
        }
        size_t mac_len = unhex(want, sizeof want, v[i].mac);
        CHECK_EQ(mac_len, i == 4 ? 16 : 32);
        oracle_hmac(oracle, key, key_len, data, data_len);
        CHECK_MEM(oracle, want, mac_len); // the published value is what libsodium says
        ol_hmac_sha256(got, key, key_len, data, data_len);
        CHECK_MEM(got, want, mac_len);
        hmac_split3(got, key, key_len, data, data_len, data_len / 4, data_len / 2);
        CHECK_MEM(got, want, mac_len);
    }
}

// ---- incremental updates, split at every offset ---------------------------------
static void test_split_everywhere(void) {
    // Lengths around the block and padding boundaries (55/56, 63/64/65).
    static const size_t lens[] = {1, 55, 56, 63, 64, 65, 119, 120, 128, 200};
    // Key lengths: empty, short, one under/at/over a block, hashed.
    static const size_t key_lens[] = {0, 20, 63, 64, 65, 131};
    uint8_t msg[200], key[131];
    rng_fill(msg, sizeof msg);
    rng_fill(key, sizeof key);
    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
        size_t len = lens[l];
        size_t key_len = key_lens[l % (sizeof key_lens / sizeof key_lens[0])];
        uint8_t want[32], want_mac[32], got[32];
        oracle_sha256(want, msg, len);
        oracle_hmac(want_mac, key, key_len, msg, len);
        unsigned sha_bad = 0, mac_bad = 0;
        for (size_t a = 0; a <= len; a++) {
            // Two parts at every offset; a third cut at a varied place.
            for (size_t b = a; b <= len; b += (len - a) / 3 + 1) {
                sha256_split3(got, msg, len, a, b);
                sha_bad += memcmp(got, want, 32) != 0;
                hmac_split3(got, key, key_len, msg, len, a, b);
                mac_bad += memcmp(got, want_mac, 32) != 0;
            }
        }
        CHECK_EQ(sha_bad, 0);
        CHECK_EQ(mac_bad, 0);

        // One byte at a time.
        ol_sha256_ctx ctx;
        ol_sha256_init(&ctx);
        for (size_t i = 0; i < len; i++) {
            ol_sha256_update(&ctx, msg + i, 1);
        }
        ol_sha256_final(&ctx, got);
        CHECK_MEM(got, want, 32);
        ol_hmac_sha256_ctx hctx;
        ol_hmac_sha256_init(&hctx, key, key_len);
        for (size_t i = 0; i < len; i++) {
            ol_hmac_sha256_update(&hctx, msg + i, 1);
        }
        ol_hmac_sha256_final(&hctx, got);
        CHECK_MEM(got, want_mac, 32);
    }
}

// ---- differential against libsodium ---------------------------------------------
static void test_differential(void) {
    enum { RUNS = 3000, MAX_MSG = 300, MAX_KEY = 200 };
    unsigned sha_bad = 0, mac_bad = 0, split_bad = 0;
    for (int run = 0; run < RUNS; run++) {
        uint8_t msg[MAX_MSG], key[MAX_KEY], want[32], got[32];
        size_t len = rng_below(MAX_MSG + 1), key_len = rng_below(MAX_KEY + 1);
        rng_fill(msg, len);
        rng_fill(key, key_len);

        oracle_sha256(want, msg, len);
        ol_sha256(got, msg, len);
        sha_bad += memcmp(got, want, 32) != 0;
        size_t a = rng_below(len + 1);
        size_t b = a + rng_below(len - a + 1);
        sha256_split3(got, msg, len, a, b);
        split_bad += memcmp(got, want, 32) != 0;

        oracle_hmac(want, key, key_len, msg, len);
        ol_hmac_sha256(got, key, key_len, msg, len);
        mac_bad += memcmp(got, want, 32) != 0;
        hmac_split3(got, key, key_len, msg, len, a, b);
        split_bad += memcmp(got, want, 32) != 0;
    }
    CHECK_EQ(sha_bad, 0);
    CHECK_EQ(mac_bad, 0);
    CHECK_EQ(split_bad, 0);

    // An empty key and message may come as NULL pointers.
    uint8_t want[32], got[32];
    oracle_hmac(want, NULL, 0, (const uint8_t *)"", 0);
    ol_hmac_sha256(got, NULL, 0, NULL, 0);
    CHECK_MEM(got, want, 32);
}

// ---- contexts are wiped by final ---------------------------------------------------
static void test_final_wipes(void) {
    uint8_t out[32], key[100];
    rng_fill(key, sizeof key);
    ol_sha256_ctx ctx;
    ol_sha256_init(&ctx);
    ol_sha256_update(&ctx, key, 70); // leaves a partial block behind
    ol_sha256_final(&ctx, out);
    CHECK(all_zero(&ctx, sizeof ctx));

    ol_hmac_sha256_ctx hctx;
    ol_hmac_sha256_init(&hctx, key, sizeof key);
    ol_hmac_sha256_update(&hctx, key, 10);
    ol_hmac_sha256_final(&hctx, out);
    CHECK(all_zero(&hctx, sizeof hctx));
}

// ---- constant-time compare and wipe --------------------------------------------------
static void test_ct(void) {
    enum { N = 64 };
    uint8_t a[N], b[N];
    rng_fill(a, N);

    // Length 0 is equal, whatever the pointers.
    CHECK_EQ(ol_ct_eq_mask(a, a + 1, 0), 0xffffffffu);
    CHECK_EQ(ol_ct_eq_mask(NULL, NULL, 0), 0xffffffffu);
    CHECK_EQ(ol_ct_compare(a, a + 1, 0), 0);

    unsigned bad = 0;
    for (size_t n = 1; n <= N; n++) {
        memcpy(b, a, N);
        bad += ol_ct_eq_mask(a, b, n) != 0xffffffffu;
        bad += ol_ct_compare(a, b, n) != 0;
        // A difference at every position, in every single bit and in all bits.
        for (size_t i = 0; i < n; i++) {
            for (unsigned bit = 0; bit <= 8; bit++) {
                uint8_t flip = bit == 8 ? 0xff : (uint8_t)(1u << bit);
                b[i] ^= flip;
                bad += ol_ct_eq_mask(a, b, n) != 0;
                bad += ol_ct_compare(a, b, n) != -1;
                bad += ol_ct_compare(b, a, n) != -1;
                b[i] ^= flip;
            }
        }
        // A difference past n is not looked at.
        if (n < N) {
            b[n] ^= 1;
            bad += ol_ct_eq_mask(a, b, n) != 0xffffffffu;
            bad += ol_ct_compare(a, b, n) != 0;
        }
    }
    CHECK_EQ(bad, 0);

    // Differences everywhere.
    memset(b, 0, N);
    memset(a, 0xff, N);
    CHECK_EQ(ol_ct_eq_mask(a, b, N), 0);
    CHECK_EQ(ol_ct_compare(a, b, N), -1);
}

static void test_wipe(void) {
    uint8_t buf[100];
    memset(buf, 0xa5, sizeof buf);
    ol_wipe(buf + 10, 50);
    CHECK(all_zero(buf + 10, 50));
    CHECK(buf[9] == 0xa5 && buf[60] == 0xa5); // nothing outside the range
    ol_wipe(buf, sizeof buf);
    CHECK(all_zero(buf, sizeof buf));
    ol_wipe(NULL, 0);
    ol_wipe(buf, 0);
    CHECK(all_zero(buf, sizeof buf));
}

int main(void) {
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    const char *backend = ol_crypto_backend();
    CHECK(strcmp(backend, "builtin") == 0 || strcmp(backend, "sodium") == 0);
    printf("test_crypto: backend %s\n", backend);
    rng_seed_from_env("test_crypto");

    test_sha256_vectors();
    test_hmac_vectors();
    test_split_everywhere();
    test_differential();
    test_final_wipes();
    test_ct();
    test_wipe();
    return check_done("test_crypto");
}
