// ownerlock — X25519: RFC 7748 section 5.2 vectors (including the iterated
// one: 1 and 1000 rounds; 1 000 000 with OL_TEST_X25519_MILLION=1), the
// section 6.1 Diffie-Hellman example, low-order points refused, non-canonical
// encodings, and a differential run against libsodium. Built once per backend.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "ownerlock/crypto.h"
#include "testvec.h"

// ---- RFC 7748 section 5.2 ------------------------------------------------------
static void test_rfc7748_vectors(void) {
    static const struct {
        const char *scalar, *u, *out;
    } v[] = {
        {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
        // u has its top bit set: it must be ignored.
        {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t k[32], u[32], want[32], got[32];
        unhex(k, sizeof k, v[i].scalar);
        unhex(u, sizeof u, v[i].u);
        unhex(want, sizeof want, v[i].out);
        CHECK_EQ(crypto_scalarmult(got, k, u), 0); // the published value is libsodium's
        CHECK_MEM(got, want, 32);
        memset(got, 0, sizeof got);
        CHECK_EQ(ol_x25519(got, k, u), 0);
        CHECK_MEM(got, want, 32);
    }
}

// k = u = 9; then k, u = X25519(k, u), k.
static void iterate(uint8_t k[32], unsigned rounds) {
    uint8_t u[32] = {9}, r[32];
    memset(k, 0, 32);
    k[0] = 9;
    for (unsigned i = 0; i < rounds; i++) {
        if (ol_x25519(r, k, u) != 0) {
            CHECK(0);
            return;
        }
        memcpy(u, k, 32);
        memcpy(k, r, 32);
    }
}

static void test_rfc7748_iterated(void) {
    uint8_t k[32], want[32];
    iterate(k, 1);
    unhex(want, sizeof want, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    CHECK_MEM(k, want, 32);
    iterate(k, 1000);
    unhex(want, sizeof want, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
    CHECK_MEM(k, want, 32);
    const char *million = getenv("OL_TEST_X25519_MILLION");
    if (million != NULL && strcmp(million, "1") == 0) {
        iterate(k, 1000000);
        unhex(want, sizeof want,
              "7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424");
        CHECK_MEM(k, want, 32);
        printf("test_crypto_x25519: 1000000 iterations checked\n");
    }
}

// ---- RFC 7748 section 6.1 ------------------------------------------------------------
static void test_rfc7748_dh(void) {
    uint8_t a[32], a_pub[32], b[32], b_pub[32], shared[32], got[32];
    unhex(a, sizeof a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    unhex(a_pub, sizeof a_pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    unhex(b, sizeof b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    unhex(b_pub, sizeof b_pub, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    unhex(shared, sizeof shared,
          "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    CHECK_EQ(crypto_scalarmult_base(got, a), 0);
    CHECK_MEM(got, a_pub, 32);
    CHECK_EQ(crypto_scalarmult(got, a, b_pub), 0);
    CHECK_MEM(got, shared, 32);

    ol_x25519_public(got, a);
    CHECK_MEM(got, a_pub, 32);
    ol_x25519_public(got, b);
    CHECK_MEM(got, b_pub, 32);
    memset(got, 0, sizeof got);
    CHECK_EQ(ol_x25519(got, a, b_pub), 0);
    CHECK_MEM(got, shared, 32);
    memset(got, 0, sizeof got);
    CHECK_EQ(ol_x25519(got, b, a_pub), 0);
    CHECK_MEM(got, shared, 32);
}

// ---- low-order points ---------------------------------------------------------------
// The u-coordinates of the points of order 1, 2, 4 and 8 and their encodings
// past p: 0, 1, the two of order 8, p - 1, p, p + 1. With or without the top
// bit, with any scalar, the result is zero and ol_x25519 refuses it.
static void test_low_order(void) {
    static const char *low[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };
    unsigned accepted = 0, not_zero = 0, oracle_accepted = 0;
    for (size_t i = 0; i < sizeof low / sizeof low[0]; i++) {
        for (int top = 0; top < 2; top++) {
            uint8_t u[32];
            unhex(u, sizeof u, low[i]);
            u[31] |= (uint8_t)(top << 7);
            for (int s = 0; s < 8; s++) {
                uint8_t k[32], out[32], oracle[32];
                rng_fill(k, sizeof k);
                memset(out, 0xa5, sizeof out);
                accepted += ol_x25519(out, k, u) != OL_ERR_AUTH;
                not_zero += !all_zero(out, sizeof out);
                oracle_accepted += crypto_scalarmult(oracle, k, u) != -1;
            }
        }
    }
    CHECK_EQ(accepted, 0);
    CHECK_EQ(not_zero, 0);
    CHECK_EQ(oracle_accepted, 0); // they are low order indeed

    // A point of order 8 plus a full-order point is fine again.
    uint8_t k[32], out[32];
    rng_fill(k, sizeof k);
    uint8_t nine[32] = {9};
    CHECK_EQ(ol_x25519(out, k, nine), 0);
}

// ---- non-canonical encodings: u + p is u ----------------------------------------------
static void test_non_canonical(void) {
    uint8_t k[32], a[32], b[32];
    // p + 9 = 2^255 - 10, and 9: the same point.
    uint8_t nine[32] = {9}, p_plus_9[32];
    memset(p_plus_9, 0xff, sizeof p_plus_9);
    p_plus_9[0] = 0xf6;
    p_plus_9[31] = 0x7f;
    unsigned bad = 0;
    for (int i = 0; i < 4; i++) {
        rng_fill(k, sizeof k);
        bad += ol_x25519(a, k, nine) != 0;
        bad += ol_x25519(b, k, p_plus_9) != 0;
        bad += memcmp(a, b, 32) != 0;
        // 2^255 - 1 = p + 18: agree with libsodium.
        uint8_t top[32], oracle[32];
        memset(top, 0xff, sizeof top);
        bad += ol_x25519(a, k, top) != 0;
        bad += crypto_scalarmult(oracle, k, top) != 0;
        bad += memcmp(a, oracle, 32) != 0;
    }
    CHECK_EQ(bad, 0);
}

// ---- differential against libsodium ----------------------------------------------------
static void test_differential(void) {
    enum { RUNS = 1000, PUBLIC_RUNS = 200 };
    unsigned bad = 0, bad_rc = 0, bad_pub = 0, bad_dh = 0;
    for (int run = 0; run < RUNS; run++) {
        uint8_t k[32], u[32], want[32], got[32];
        rng_fill(k, sizeof k);
        rng_fill(u, sizeof u); // about half are on the twist; X25519 is defined there too
        int want_rc = crypto_scalarmult(want, k, u);
        int rc = ol_x25519(got, k, u);
        bad_rc += (rc != OL_OK) != (want_rc != 0);
        bad += rc == 0 && memcmp(got, want, 32) != 0;
    }
    for (int run = 0; run < PUBLIC_RUNS; run++) {
        uint8_t a[32], b[32], a_pub[32], b_pub[32], want[32], s1[32], s2[32];
        rng_fill(a, sizeof a);
        rng_fill(b, sizeof b);
        CHECK_EQ(crypto_scalarmult_base(want, a), 0);
        ol_x25519_public(a_pub, a);
        bad_pub += memcmp(a_pub, want, 32) != 0;
        if (run < 20) { // both sides of a key agreement
            ol_x25519_public(b_pub, b);
            bad_dh += ol_x25519(s1, a, b_pub) != 0;
            bad_dh += ol_x25519(s2, b, a_pub) != 0;
            bad_dh += memcmp(s1, s2, 32) != 0;
        }
    }
    CHECK_EQ(bad_rc, 0);
    CHECK_EQ(bad, 0);
    CHECK_EQ(bad_pub, 0);
    CHECK_EQ(bad_dh, 0);
}

int main(void) {
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    printf("test_crypto_x25519: backend %s\n", ol_crypto_backend());
    rng_seed_from_env("test_crypto_x25519");
    test_rfc7748_vectors();
    test_rfc7748_dh();
    test_low_order();
    test_non_canonical();
    test_rfc7748_iterated();
    test_differential();
    return check_done("test_crypto_x25519");
}
