// ownerlock — X25519 on the Cortex-M3 with the port's Thumb-2 field products
// (x25519_cm3.S): RFC 7748 section 5.2 (the two vectors, one iteration of the
// iterated one) and section 6.1 (the Diffie-Hellman example) through the
// library's ol_x25519, and the assembly against the portable C, which this
// file compiles in with its public names changed (the host tests check that
// C against libsodium): fe_mul, fe_sq, fe_addsub, fe_cswap and
// fe_mul_small_add must give the same limbs for inputs at the edges of the
// bounds and at random, and whole X25519s the same bytes.
#undef OL_X25519_CM3 // the C below is the portable code
#define ol_x25519 portable_x25519
#define ol_x25519_public portable_x25519_public
#include "crypto/builtin/x25519.c"
#undef ol_x25519
#undef ol_x25519_public

#include <stdio.h>

#include "check.h"
#include "testvec.h"

// The library's (with the port's assembly), linked with this test.
ol_err ol_x25519(uint8_t out[OL_X25519_BYTES], const uint8_t scalar[OL_X25519_BYTES],
                 const uint8_t point[OL_X25519_BYTES]);
void ol_x25519_public(uint8_t pub[OL_X25519_BYTES], const uint8_t secret[OL_X25519_BYTES]);
void ol_x25519_fe_mul(fe h, const fe f, const fe g);
void ol_x25519_fe_sq(fe h, const fe f);
void ol_x25519_fe_addsub(fe s, fe d, const fe f, const fe g);
void ol_x25519_fe_cswap(fe f, fe g, uint32_t swap);
void ol_x25519_fe_mul_small_add(fe h, const fe f, int32_t k, const fe g);

// ---- RFC 7748 --------------------------------------------------------------------------
static void test_rfc7748(void) {
    static const struct {
        const char *scalar, *u, *out;
    } v[] = {
        {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
        {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
        // section 5.2, the iterated vector after one iteration (k = u = 9)
        {"0900000000000000000000000000000000000000000000000000000000000000",
         "0900000000000000000000000000000000000000000000000000000000000000",
         "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"},
        // section 6.1: Alice's and Bob's public keys, and their shared secret
        {"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
         "0900000000000000000000000000000000000000000000000000000000000000",
         "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"},
        {"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
         "0900000000000000000000000000000000000000000000000000000000000000",
         "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"},
        {"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
         "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
         "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t k[32], u[32], want[32], got[32];
        unhex(k, sizeof k, v[i].scalar);
        unhex(u, sizeof u, v[i].u);
        unhex(want, sizeof want, v[i].out);
        CHECK_EQ(ol_x25519(got, k, u), OL_OK);
        CHECK_MEM(got, want, 32);
        if (u[0] == 9 && all_zero(u + 1, 31)) {
            ol_x25519_public(got, k);
            CHECK_MEM(got, want, 32);
        }
    }
}

// ---- the assembly against the portable C ---------------------------------------------------
// Limbs at the bounds the code relies on, as test_builtin_crypto builds them
// on the host: a carried limb is in [-2^12 - 2, 2^12 + 3]; an input of a
// product may be a sum or difference of two.
static void fe_pick(fe h, int wide) {
    int32_t lo = wide ? -2 * (HALF + 2) : -(HALF + 2), hi = wide ? 2 * (HALF + 3) : HALF + 3;
    uint64_t r = rng_next();
    int mode = (int)(r & 3);
    for (int i = 0; i < NL; i++) {
        uint64_t x = rng_next();
        if (mode == 0) { // random in the range
            h[i] = lo + (int32_t)(x % (uint64_t)(hi - lo + 1));
        } else { // at an edge, the sign per limb (all one sign when mode is 1 or 2)
            int bit = mode == 3 ? (int)(x & 1) : mode == 1;
            h[i] = bit ? lo : hi;
        }
    }
}

static int fe_same(const fe a, const fe b) {
    return memcmp(a, b, sizeof(fe)) == 0;
}

static void test_against_c(void) {
    unsigned bad = 0, runs = 600;
    int32_t t[2 * NL];
    for (unsigned run = 0; run < runs; run++) {
        fe f, g, a, b, c, d;
        fe_pick(f, 1);
        fe_pick(g, 1);
        fe_mul(a, f, g, t);
        ol_x25519_fe_mul(b, f, g);
        bad += !fe_same(a, b);
        memcpy(c, f, sizeof c); // aliased output
        ol_x25519_fe_mul(c, c, g);
        bad += !fe_same(a, c);
        fe_sq(a, f, t);
        ol_x25519_fe_sq(b, f);
        bad += !fe_same(a, b);
        memcpy(c, f, sizeof c);
        ol_x25519_fe_sq(c, c);
        bad += !fe_same(a, c);
        // addsub and cswap on carried limbs, as the ladder has them
        fe_pick(f, 0);
        fe_pick(g, 0);
        fe_addsub(a, b, f, g);
        ol_x25519_fe_addsub(c, d, f, g);
        bad += !fe_same(a, c) + !fe_same(b, d);
        uint32_t swap = run & 1;
        memcpy(a, f, sizeof a);
        memcpy(b, g, sizeof b);
        memcpy(c, f, sizeof c);
        memcpy(d, g, sizeof d);
        fe_cswap(a, b, swap);
        ol_x25519_fe_cswap(c, d, swap);
        bad += !fe_same(a, c) + !fe_same(b, d);
        // the small multiple: a difference times 121665 plus a carried limb, and
        // the base point's 9
        fe_pick(f, 1);
        fe_mul_small_add(a, f, 121665, g);
        ol_x25519_fe_mul_small_add(b, f, 121665, g);
        bad += !fe_same(a, b);
        fe_mul_small_add(a, g, 9, fe_zero);
        memcpy(b, g, sizeof b);
        ol_x25519_fe_mul_small_add(b, b, 9, fe_zero);
        bad += !fe_same(a, b);
    }
    CHECK_EQ(bad, 0);
    // Whole X25519s: the port's and the portable C's, random keys and points.
    for (int run = 0; run < 4; run++) {
        uint8_t k[32], u[32], r1[32], r2[32];
        rng_fill(k, sizeof k);
        rng_fill(u, sizeof u);
        ol_err e1 = ol_x25519(r1, k, u), e2 = portable_x25519(r2, k, u);
        CHECK_EQ(e1, e2);
        CHECK_MEM(r1, r2, 32);
        ol_x25519_public(r1, k);
        portable_x25519_public(r2, k);
        CHECK_MEM(r1, r2, 32);
    }
}

int main(void) {
    rng_seed_from_env("test_x25519");
    test_rfc7748();
    test_against_c();
    return check_done("test_x25519");
}
