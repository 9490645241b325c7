// ownerlock — X25519 (RFC 7748), portable C for MCUs.
//
// Written from the RFC. Freestanding. The field GF(2^255 - 19) is held in ten
// signed limbs of alternately 26 and 25 bits (radix 2^25.5): products of two
// limbs fit in 64 bits on a 32-bit CPU, and after every operation a carry
// pass brings each limb back under 2^26 in magnitude, so the bounds below
// hold for every input. The Montgomery ladder walks all 255 bits of the
// clamped scalar and swaps with a mask; no branch, index or loop bound
// depends on the scalar or the point.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ownerlock/crypto.h"

typedef int32_t fe[10];

// Limb i starts at bit ceil(25.5 i); even limbs are 26 bits, odd ones 25.
static const uint8_t LIMB_AT[11] = {0, 26, 51, 77, 102, 128, 153, 179, 204, 230, 255};

static unsigned limb_bits(int i) {
    return (i & 1) ? 25u : 26u;
}

// ---- carrying ------------------------------------------------------------------
// Floor division by 2^26 / 2^25 via an arithmetic right shift (what every
// compiler we target does with a signed >>), then the remainder in [0, 2^w).
static int64_t carry_out(int64_t *h, unsigned bits) {
    int64_t c = *h >> bits;
    *h -= c * ((int64_t)1 << bits);
    return c;
}

// One pass 0 -> 9, the carry out of limb 9 (weight 2^255 = 19 mod p) folded
// into limb 0, then limb 0 -> 1 once more. Inputs up to 2^62 in magnitude
// give limbs in [0, 2^26) except limb 1, which may be off by 2^15: every
// result limb is below 2^26 in magnitude. Written out: it runs 19 times per
// ladder step.
#define CARRY(i, bits, next, factor)                                                               \
    c = t[i] >> (bits);                                                                            \
    t[i] -= c * ((int64_t)1 << (bits));                                                            \
    t[next] += (factor)*c

static void fe_carry(fe out, int64_t t[10]) {
    int64_t c;
    CARRY(0, 26, 1, 1);
    CARRY(1, 25, 2, 1);
    CARRY(2, 26, 3, 1);
    CARRY(3, 25, 4, 1);
    CARRY(4, 26, 5, 1);
    CARRY(5, 25, 6, 1);
    CARRY(6, 26, 7, 1);
    CARRY(7, 25, 8, 1);
    CARRY(8, 26, 9, 1);
    CARRY(9, 25, 0, 19);
    CARRY(0, 26, 1, 1);
    for (int i = 0; i < 10; i++) {
        out[i] = (int32_t)t[i];
    }
}

#undef CARRY

// ---- basic operations ------------------------------------------------------------
static void fe_zero(fe h) {
    for (int i = 0; i < 10; i++) {
        h[i] = 0;
    }
}

static void fe_one(fe h) {
    fe_zero(h);
    h[0] = 1;
}

static void fe_copy(fe h, const fe f) {
    for (int i = 0; i < 10; i++) {
        h[i] = f[i];
    }
}

static void fe_add(fe h, const fe f, const fe g) {
    int64_t t[10];
    for (int i = 0; i < 10; i++) {
        t[i] = (int64_t)f[i] + g[i];
    }
    fe_carry(h, t);
}

static void fe_sub(fe h, const fe f, const fe g) {
    int64_t t[10];
    for (int i = 0; i < 10; i++) {
        t[i] = (int64_t)f[i] - g[i];
    }
    fe_carry(h, t);
}

// Swap f and g when swap is 1, leave them when it is 0; same work either way.
static void fe_cswap(fe f, fe g, uint32_t swap) {
    int32_t mask = -(int32_t)swap;
    for (int i = 0; i < 10; i++) {
        int32_t x = mask & (f[i] ^ g[i]);
        f[i] ^= x;
        g[i] ^= x;
    }
}

// h = f * g. A product f_i g_j has weight 2^(LIMB_AT[i] + LIMB_AT[j]), which is
// twice the weight of limb i + j when i and j are both odd (25.5 rounding),
// and 2^255 = 19 (mod p) times that of limb i + j - 10 when i + j >= 10.
// With |f_i|, |g_j| <= 2^26 each term is at most 2 * 19 * 2^52 and each sum
// of ten stays below 2^61. All inputs are read before h is written, so h may
// alias f or g.
static void fe_mul(fe h, const fe f, const fe g) {
    int32_t f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
    int32_t f5 = f[5], f6 = f[6], f7 = f[7], f8 = f[8], f9 = f[9];
    int32_t g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4];
    int32_t g5 = g[5], g6 = g[6], g7 = g[7], g8 = g[8], g9 = g[9];
    int32_t f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
    int32_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4, g5_19 = 19 * g5;
    int32_t g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8, g9_19 = 19 * g9;
    int64_t t[10];
    t[0] = (int64_t)f0 * g0 + (int64_t)f1_2 * g9_19 + (int64_t)f2 * g8_19 + (int64_t)f3_2 * g7_19 +
           (int64_t)f4 * g6_19 + (int64_t)f5_2 * g5_19 + (int64_t)f6 * g4_19 +
           (int64_t)f7_2 * g3_19 + (int64_t)f8 * g2_19 + (int64_t)f9_2 * g1_19;
    t[1] = (int64_t)f0 * g1 + (int64_t)f1 * g0 + (int64_t)f2 * g9_19 + (int64_t)f3 * g8_19 +
           (int64_t)f4 * g7_19 + (int64_t)f5 * g6_19 + (int64_t)f6 * g5_19 + (int64_t)f7 * g4_19 +
           (int64_t)f8 * g3_19 + (int64_t)f9 * g2_19;
    t[2] = (int64_t)f0 * g2 + (int64_t)f1_2 * g1 + (int64_t)f2 * g0 + (int64_t)f3_2 * g9_19 +
           (int64_t)f4 * g8_19 + (int64_t)f5_2 * g7_19 + (int64_t)f6 * g6_19 +
           (int64_t)f7_2 * g5_19 + (int64_t)f8 * g4_19 + (int64_t)f9_2 * g3_19;
    t[3] = (int64_t)f0 * g3 + (int64_t)f1 * g2 + (int64_t)f2 * g1 + (int64_t)f3 * g0 +
           (int64_t)f4 * g9_19 + (int64_t)f5 * g8_19 + (int64_t)f6 * g7_19 + (int64_t)f7 * g6_19 +
           (int64_t)f8 * g5_19 + (int64_t)f9 * g4_19;
    t[4] = (int64_t)f0 * g4 + (int64_t)f1_2 * g3 + (int64_t)f2 * g2 + (int64_t)f3_2 * g1 +
           (int64_t)f4 * g0 + (int64_t)f5_2 * g9_19 + (int64_t)f6 * g8_19 + (int64_t)f7_2 * g7_19 +
           (int64_t)f8 * g6_19 + (int64_t)f9_2 * g5_19;
    t[5] = (int64_t)f0 * g5 + (int64_t)f1 * g4 + (int64_t)f2 * g3 + (int64_t)f3 * g2 +
           (int64_t)f4 * g1 + (int64_t)f5 * g0 + (int64_t)f6 * g9_19 + (int64_t)f7 * g8_19 +
           (int64_t)f8 * g7_19 + (int64_t)f9 * g6_19;
    t[6] = (int64_t)f0 * g6 + (int64_t)f1_2 * g5 + (int64_t)f2 * g4 + (int64_t)f3_2 * g3 +
           (int64_t)f4 * g2 + (int64_t)f5_2 * g1 + (int64_t)f6 * g0 + (int64_t)f7_2 * g9_19 +
           (int64_t)f8 * g8_19 + (int64_t)f9_2 * g7_19;
    t[7] = (int64_t)f0 * g7 + (int64_t)f1 * g6 + (int64_t)f2 * g5 + (int64_t)f3 * g4 +
           (int64_t)f4 * g3 + (int64_t)f5 * g2 + (int64_t)f6 * g1 + (int64_t)f7 * g0 +
           (int64_t)f8 * g9_19 + (int64_t)f9 * g8_19;
    t[8] = (int64_t)f0 * g8 + (int64_t)f1_2 * g7 + (int64_t)f2 * g6 + (int64_t)f3_2 * g5 +
           (int64_t)f4 * g4 + (int64_t)f5_2 * g3 + (int64_t)f6 * g2 + (int64_t)f7_2 * g1 +
           (int64_t)f8 * g0 + (int64_t)f9_2 * g9_19;
    t[9] = (int64_t)f0 * g9 + (int64_t)f1 * g8 + (int64_t)f2 * g7 + (int64_t)f3 * g6 +
           (int64_t)f4 * g5 + (int64_t)f5 * g4 + (int64_t)f6 * g3 + (int64_t)f7 * g2 +
           (int64_t)f8 * g1 + (int64_t)f9 * g0;
    fe_carry(h, t);
}

static void fe_sq(fe h, const fe f) {
    fe_mul(h, f, f);
}

// h = f * (A - 2) / 4 = f * 121665, the curve constant of the ladder.
static void fe_mul121665(fe h, const fe f) {
    int64_t t[10];
    for (int i = 0; i < 10; i++) {
        t[i] = (int64_t)f[i] * 121665; // < 2^43
    }
    fe_carry(h, t);
}

// h = f squared n times.
static void fe_sq_n(fe h, const fe f, int n) {
    fe_sq(h, f);
    for (int i = 1; i < n; i++) {
        fe_sq(h, h);
    }
}

// h = 1 / f = f^(p - 2) = f^(2^255 - 21) (Fermat), by a fixed chain of 254
// squarings and 11 multiplications; the exponent is public.
static void fe_invert(fe h, const fe f) {
    fe z2, z9, z11, a, b, c;
    fe_sq(z2, f);        // 2
    fe_sq_n(a, z2, 2);   // 8
    fe_mul(z9, a, f);    // 9
    fe_mul(z11, z9, z2); // 11
    fe_sq(a, z11);       // 22
    fe_mul(a, a, z9);    // 31 = 2^5 - 1
    fe_sq_n(b, a, 5);    //
    fe_mul(b, b, a);     // 2^10 - 1
    fe_sq_n(c, b, 10);   //
    fe_mul(c, c, b);     // 2^20 - 1
    fe_sq_n(z2, c, 20);  //
    fe_mul(c, z2, c);    // 2^40 - 1
    fe_sq_n(c, c, 10);   //
    fe_mul(b, c, b);     // 2^50 - 1
    fe_sq_n(c, b, 50);   //
    fe_mul(c, c, b);     // 2^100 - 1
    fe_sq_n(z2, c, 100); //
    fe_mul(c, z2, c);    // 2^200 - 1
    fe_sq_n(c, c, 50);   //
    fe_mul(c, c, b);     // 2^250 - 1
    fe_sq_n(c, c, 5);    // 2^255 - 32
    fe_mul(h, c, z11);   // 2^255 - 21
    ol_wipe(z2, sizeof z2);
    ol_wipe(z9, sizeof z9);
    ol_wipe(z11, sizeof z11);
    ol_wipe(a, sizeof a);
    ol_wipe(b, sizeof b);
    ol_wipe(c, sizeof c);
}

// ---- encoding ----------------------------------------------------------------------
// Little-endian, the top bit ignored (RFC 7748 section 5). Values from p to
// 2^255 - 1 are accepted as they are: the arithmetic is mod p anyway.
static void fe_frombytes(fe h, const uint8_t s[32]) {
    for (int i = 0; i < 10; i++) {
        unsigned first = LIMB_AT[i] / 8u;
        uint64_t v = 0;
        for (unsigned b = 0; b < 5 && first + b < 32; b++) {
            v |= (uint64_t)s[first + b] << (8 * b);
        }
        h[i] = (int32_t)((v >> (LIMB_AT[i] % 8u)) & ((1u << limb_bits(i)) - 1));
    }
}

// The unique representative in [0, p), little-endian.
static void fe_tobytes(uint8_t s[32], const fe f) {
    int64_t t[10];
    for (int i = 0; i < 10; i++) {
        t[i] = f[i];
    }
    // Two floor-carry passes with the 19 fold: the first leaves limbs 1..9 in
    // range and limb 0 off by at most 19 * 4; the second then wraps at most
    // once more, leaving every limb in [0, 2^w) and the value in [0, 2^255).
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 9; i++) {
            t[i + 1] += carry_out(&t[i], limb_bits(i));
        }
        t[0] += 19 * carry_out(&t[9], 25);
    }
    // v >= p exactly when v + 19 >= 2^255: q is that carry, 0 or 1. Then
    // v - q p = v + 19 q - q 2^255: add 19 q and drop bit 255.
    int64_t q = (t[0] + 19) >> 26;
    for (int i = 1; i < 10; i++) {
        q = (t[i] + q) >> limb_bits(i);
    }
    t[0] += 19 * q;
    for (int i = 0; i < 9; i++) {
        t[i + 1] += carry_out(&t[i], limb_bits(i));
    }
    t[9] &= ((int64_t)1 << 25) - 1;
    // Pack the 255 bits.
    uint64_t acc = 0;
    unsigned have = 0, o = 0;
    for (int i = 0; i < 10; i++) {
        acc |= (uint64_t)t[i] << have;
        have += limb_bits(i);
        while (have >= 8) {
            s[o++] = (uint8_t)acc;
            acc >>= 8;
            have -= 8;
        }
    }
    s[o] = (uint8_t)acc; // the last 7 bits; bit 255 is zero
    ol_wipe(t, sizeof t);
}

// ---- the ladder (RFC 7748 section 5) -------------------------------------------------
static void scalarmult(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]) {
    uint8_t k[32];
    memcpy(k, scalar, sizeof k);
    k[0] &= 248; // a multiple of the cofactor 8 ...
    k[31] &= 127;
    k[31] |= 64; // ... with bit 254 set
    fe x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb;
    fe_frombytes(x1, point);
    fe_one(x2);
    fe_zero(z2);
    fe_copy(x3, x1);
    fe_one(z3);
    uint32_t swap = 0;
    for (int t = 254; t >= 0; t--) {
        uint32_t bit = (uint32_t)(k[t >> 3] >> (t & 7)) & 1;
        swap ^= bit;
        fe_cswap(x2, x3, swap);
        fe_cswap(z2, z3, swap);
        swap = bit;
        fe_add(a, x2, z2);
        fe_sq(aa, a);
        fe_sub(b, x2, z2);
        fe_sq(bb, b);
        fe_sub(e, aa, bb);
        fe_add(c, x3, z3);
        fe_sub(d, x3, z3);
        fe_mul(da, d, a);
        fe_mul(cb, c, b);
        fe_add(x3, da, cb);
        fe_sq(x3, x3);
        fe_sub(z3, da, cb);
        fe_sq(z3, z3);
        fe_mul(z3, z3, x1);
        fe_mul(x2, aa, bb);
        fe_mul121665(z2, e);
        fe_add(z2, z2, aa);
        fe_mul(z2, z2, e);
    }
    fe_cswap(x2, x3, swap);
    fe_cswap(z2, z3, swap);
    fe_invert(z2, z2);
    fe_mul(x2, x2, z2);
    fe_tobytes(out, x2);

    ol_wipe(k, sizeof k);
    ol_wipe(x1, sizeof x1);
    ol_wipe(x2, sizeof x2);
    ol_wipe(z2, sizeof z2);
    ol_wipe(x3, sizeof x3);
    ol_wipe(z3, sizeof z3);
    ol_wipe(a, sizeof a);
    ol_wipe(aa, sizeof aa);
    ol_wipe(b, sizeof b);
    ol_wipe(bb, sizeof bb);
    ol_wipe(e, sizeof e);
    ol_wipe(c, sizeof c);
    ol_wipe(d, sizeof d);
    ol_wipe(da, sizeof da);
    ol_wipe(cb, sizeof cb);
}

ol_err ol_x25519(uint8_t out[OL_X25519_BYTES], const uint8_t scalar[OL_X25519_BYTES],
                 const uint8_t point[OL_X25519_BYTES]) {
    scalarmult(out, scalar, point);
    // A low-order point gives zero whatever the scalar (RFC 7748 section 6.1).
    // Checked over all 32 bytes; only the verdict, which is public, branches.
    uint8_t acc = 0;
    for (int i = 0; i < OL_X25519_BYTES; i++) {
        acc |= out[i];
    }
    return acc == 0 ? OL_ERR_AUTH : OL_OK;
}

void ol_x25519_public(uint8_t pub[OL_X25519_BYTES], const uint8_t secret[OL_X25519_BYTES]) {
    static const uint8_t base[OL_X25519_BYTES] = {9};
    scalarmult(pub, secret, base);
}
