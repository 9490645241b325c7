// ownerlock — the field GF(2^255 - 19) for the built-in curve code:
// X25519 (x25519.c) and Ed25519 verification (ed25519.c) include it, each
// its own static copy (a TU of its own keeps X25519's inlining as tuned),
// and a Cortex-M3 port's assembly serves both. Written from RFC 7748.
// Freestanding: 32 x 32 -> 32 products only, no division.
#ifndef OWNERLOCK_CRYPTO_FE25519_H
#define OWNERLOCK_CRYPTO_FE25519_H

#include <stdint.h>
#include <string.h>

#include "ownerlock/crypto.h"

#if defined(__GNUC__)
#define FE_FN __attribute__((unused)) static
#else
#define FE_FN static
#endif
#define FE_FN_DATA FE_FN

// ---- the field ---------------------------------------------------------------------
// h = sum h[i] 2^(13 i), twenty limbs in 32-bit words: 260 bits, and
// 2^260 = 2^5 2^255 = 32 * 19 = 608 (mod p). A carry leaves every limb in
// [-2^12, 2^12 + 3] (balanced), so the sum or difference of two such
// elements has limbs of at most 8200 in magnitude, and fe_add and fe_sub
// need no carry: a product of two limbs is then at most 8200^2 < 2^26.01,
// a column of twenty below 2^30.33, well inside an int32_t. Values are not
// reduced mod p until fe_tobytes.
#define NL 20
#define M13 0x1fff
#define HALF 4096 // 2^12: the balanced carry rounds v / 2^13 to nearest
#define FOLD 608  // 2^260 mod p
// 32-bit words, though the limbs fit 16 bits: a port's assembly then loads
// two limbs with one LDRD and stores a run of them with one STM.
typedef int32_t fe[NL];
FE_FN_DATA const fe fe_zero = {0};

// The products below are summed in the order written: row blocks whose
// window of column sums stays in registers. Left alone, GCC reassociates
// the sums into whole columns, which needs every limb of g at once and
// spills them; an empty asm that "changes" a value pins the order. Other
// compilers get plain C, just as correct.
#if defined(__GNUC__)
#define PIN(x) __asm__("" : "+r"(x))
#else
#define PIN(x) ((void)0)
#endif

// Written out limb by limb where it runs in the ladder: -Os keeps loops,
// whose counting costs as much as the work here.
#define X20(X)                                                                                     \
    X(0)                                                                                           \
    X(1)                                                                                           \
    X(2)                                                                                           \
    X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19)

#if defined(OL_X25519_CM3)
// A Cortex-M3 port's field arithmetic in Thumb-2 assembly
// (ports/mps2-an385/x25519_cm3.S, written by gen_x25519_cm3.py): the same
// limbs as the C below (ports/mps2-an385/tests/test_x25519.c compares them),
// from MUL and MLA only, straight-line; fe_mul and fe_sq keep their columns
// in their own stack frame, which the stack burn after scalarmult clears.
void ol_x25519_fe_mul(fe h, const fe f, const fe g);
void ol_x25519_fe_sq(fe h, const fe f);
void ol_x25519_fe_addsub(fe s, fe d, const fe f, const fe g);
void ol_x25519_fe_cswap(fe f, fe g, uint32_t swap);
void ol_x25519_fe_mul_small_add(fe h, const fe f, int32_t k, const fe g);
#define fe_mul(h, f, g, t) ((void)(t), ol_x25519_fe_mul((h), (f), (g)))
#define fe_sq(h, f, t) ((void)(t), ol_x25519_fe_sq((h), (f)))
#define fe_addsub ol_x25519_fe_addsub
#define fe_cswap ol_x25519_fe_cswap
#define fe_mul_small_add ol_x25519_fe_mul_small_add
#else
#define ADDSUB_LIMB(i)                                                                             \
    x = f[i];                                                                                      \
    y = g[i];                                                                                      \
    s[i] = x + y;                                                                                  \
    d[i] = x - y;

// s = f + g and d = f - g, both at once (the ladder wants both each time).
// Neither may alias f or g.
FE_FN void fe_addsub(fe s, fe d, const fe f, const fe g) {
    int32_t x, y;
    X20(ADDSUB_LIMB)
}

// The carry out of limb 19 (|c| < 2^19) folded into limb 0 times 608, then
// limbs 0 -> 1 -> 2 once more, balanced: limb 2 ends in [-2^12, 2^12 + 3].
FE_FN void fe_fold(fe h, int32_t c) {
    int32_t v = h[0] + FOLD * c + HALF;
    c = v >> 13;
    h[0] = (v & M13) - HALF;
    v = h[1] + c + HALF;
    c = v >> 13;
    h[1] = (v & M13) - HALF;
    h[2] += c;
}

// h = f * k + g for a public k < 2^17 (121665, 9, or 1 to balance fresh
// limbs) and a g with balanced limbs: each sum below 2^30.
// Right shifts of negative values are arithmetic (floor division by a power
// of two), as every compiler we target does them.
FE_FN void fe_mul_small_add(fe h, const fe f, int32_t k, const fe g) {
    int32_t c = HALF;
    for (int i = 0; i < NL; i++) { // a loop: it runs once or twice a step
        int32_t v = f[i] * k + g[i] + c;
        c = (v >> 13) + HALF;
        h[i] = (v & M13) - HALF;
    }
    fe_fold(h, c - HALF);
}

// Reduce the 39 columns t[0..38] (|t| < 2^30.4; columns 0..19 carry +2^12,
// HALF, from the products) into h. The top half t[20..38] is carried into
// 13-bit limbs on the way (floor), each folded down times 608 onto the
// column 20 below (below 2^22.3), and the bottom half carried, balanced.
#define RED(i)                                                                                     \
    w = t[NL + (i)] + ct;                                                                          \
    ct = w >> 13;                                                                                  \
    v = t[i] + FOLD * (w & M13) + cb;                                                              \
    cb = v >> 13;                                                                                  \
    h[i] = (v & M13) - HALF

FE_FN void fe_reduce(fe h, const int32_t t[2 * NL]) {
    int32_t w, v, ct = 0, cb = 0;
    RED(0);
    RED(1);
    RED(2);
    RED(3);
    RED(4);
    RED(5);
    RED(6);
    RED(7);
    RED(8);
    RED(9);
    RED(10);
    RED(11);
    RED(12);
    RED(13);
    RED(14);
    RED(15);
    RED(16);
    RED(17);
    RED(18);
    // Column 39 is empty: the top carry (|ct| < 2^13.1) folds as it is.
    v = t[NL - 1] + FOLD * ct + cb;
    cb = v >> 13;
    h[NL - 1] = (v & M13) - HALF;
    fe_fold(h, cb);
}

#undef RED

// One step of a row block: the limb g[j] times the block's five limbs
// f0..f4 (limbs i..i+4 of f) adds to the window of columns i+j .. i+j+4,
// a0..a4. Column i+j is then complete for the block: it goes back to t, the
// window slides, and column i+j+5 comes in (what the earlier blocks left
// there, the bias HALF for the first block, 0 for a column not yet begun).
// Ten registers hold the block and the window.
#define MUL_STEP(j, next)                                                                          \
    gj = g[j];                                                                                     \
    a0 += f0 * gj;                                                                                 \
    a1 += f1 * gj;                                                                                 \
    a2 += f2 * gj;                                                                                 \
    a3 += f3 * gj;                                                                                 \
    a4 += f4 * gj;                                                                                 \
    PIN(a1);                                                                                       \
    PIN(a2);                                                                                       \
    PIN(a3);                                                                                       \
    PIN(a4);                                                                                       \
    t[j] = a0;                                                                                     \
    a0 = a1;                                                                                       \
    a1 = a2;                                                                                       \
    a2 = a3;                                                                                       \
    a3 = a4;                                                                                       \
    a4 = (next)

// h = f * g. Columns by row blocks of five limbs of f; t is the caller's
// scratch. h may alias f or g.
FE_FN void fe_mul(fe h, const fe f, const fe g, int32_t t0[2 * NL]) {
    // Rows i..i+4 add to columns i..i+18, written by the rows before (for
    // rows 0..4: the bias, set here), and begin i+19..i+23.
#define BIAS_COLUMN(i) t0[i] = HALF;
    X20(BIAS_COLUMN)
#undef BIAS_COLUMN
    int32_t *t = t0;
    for (int i = 0; i < NL; i += 5, t += 5) {
        PIN(g); // g is read again in each block, not held in registers for all four
        int32_t f0 = f[i], f1 = f[i + 1], f2 = f[i + 2], f3 = f[i + 3], f4 = f[i + 4];
        int32_t a0 = t[0], a1 = t[1], a2 = t[2], a3 = t[3], a4 = t[4], gj;
        MUL_STEP(0, t[5]);
        MUL_STEP(1, t[6]);
        MUL_STEP(2, t[7]);
        MUL_STEP(3, t[8]);
        MUL_STEP(4, t[9]);
        MUL_STEP(5, t[10]);
        MUL_STEP(6, t[11]);
        MUL_STEP(7, t[12]);
        MUL_STEP(8, t[13]);
        MUL_STEP(9, t[14]);
        MUL_STEP(10, t[15]);
        MUL_STEP(11, t[16]);
        MUL_STEP(12, t[17]);
        MUL_STEP(13, t[18]);
        MUL_STEP(14, 0);
        MUL_STEP(15, 0);
        MUL_STEP(16, 0);
        MUL_STEP(17, 0);
        MUL_STEP(18, 0);
        MUL_STEP(19, 0);
        t[20] = a0;
        t[21] = a1;
        t[22] = a2;
        t[23] = a3;
    }
    t -= NL;           // t0 again, without holding t0 through the loop
    t[NL - 1] += HALF; // column 19, begun at 0 by rows 0..4
    fe_reduce(h, t);
}

// Squaring: the same row blocks over the upper triangle only, the block's
// limbs doubled (d0..d4) for the products off the diagonal, each square on
// the diagonal added once: 210 products where fe_mul has 400. SQ_DIAGk is
// the step at the block's own limb k: the rows before it take d * f[j], its
// own row f[j]^2.
#define SQ_SHIFT(col, next)                                                                        \
    PIN(a1);                                                                                       \
    PIN(a2);                                                                                       \
    PIN(a3);                                                                                       \
    PIN(a4);                                                                                       \
    t[col] = a0;                                                                                   \
    a0 = a1;                                                                                       \
    a1 = a2;                                                                                       \
    a2 = a3;                                                                                       \
    a3 = a4;                                                                                       \
    a4 = (next)
#define SQ_DIAG0(j, col, next)                                                                     \
    gj = f[j];                                                                                     \
    a0 += gj * gj;                                                                                 \
    d0 = 2 * gj;                                                                                   \
    SQ_SHIFT(col, next)
#define SQ_DIAG1(j, col, next)                                                                     \
    gj = f[j];                                                                                     \
    a0 += d0 * gj;                                                                                 \
    a1 += gj * gj;                                                                                 \
    d1 = 2 * gj;                                                                                   \
    SQ_SHIFT(col, next)
#define SQ_DIAG2(j, col, next)                                                                     \
    gj = f[j];                                                                                     \
    a0 += d0 * gj;                                                                                 \
    a1 += d1 * gj;                                                                                 \
    a2 += gj * gj;                                                                                 \
    d2 = 2 * gj;                                                                                   \
    SQ_SHIFT(col, next)
#define SQ_DIAG3(j, col, next)                                                                     \
    gj = f[j];                                                                                     \
    a0 += d0 * gj;                                                                                 \
    a1 += d1 * gj;                                                                                 \
    a2 += d2 * gj;                                                                                 \
    a3 += gj * gj;                                                                                 \
    d3 = 2 * gj;                                                                                   \
    SQ_SHIFT(col, next)
#define SQ_DIAG4(j, col, next)                                                                     \
    gj = f[j];                                                                                     \
    a0 += d0 * gj;                                                                                 \
    a1 += d1 * gj;                                                                                 \
    a2 += d2 * gj;                                                                                 \
    a3 += d3 * gj;                                                                                 \
    a4 += gj * gj;                                                                                 \
    d4 = 2 * gj;                                                                                   \
    SQ_SHIFT(col, next)
#define SQ_STEP(j, col, next)                                                                      \
    gj = f[j];                                                                                     \
    a0 += d0 * gj;                                                                                 \
    a1 += d1 * gj;                                                                                 \
    a2 += d2 * gj;                                                                                 \
    a3 += d3 * gj;                                                                                 \
    a4 += d4 * gj;                                                                                 \
    SQ_SHIFT(col, next)

// h = f^2; h may alias f. Written out block by block (rows 0..4 over limbs
// 0..19, rows 5..9 over 5..19, ...); a window column comes from t where an
// earlier block wrote it, else it begins at the bias (bottom) or 0 (top).
FE_FN void fe_sq(fe h, const fe f, int32_t t[2 * NL]) {
    int32_t a0, a1, a2, a3, a4, gj, d0, d1, d2, d3, d4;
    // rows 0..4
    PIN(f);
    a0 = HALF;
    a1 = HALF;
    a2 = HALF;
    a3 = HALF;
    a4 = HALF;
    SQ_DIAG0(0, 0, HALF);
    SQ_DIAG1(1, 1, HALF);
    SQ_DIAG2(2, 2, HALF);
    SQ_DIAG3(3, 3, HALF);
    SQ_DIAG4(4, 4, HALF);
    SQ_STEP(5, 5, HALF);
    SQ_STEP(6, 6, HALF);
    SQ_STEP(7, 7, HALF);
    SQ_STEP(8, 8, HALF);
    SQ_STEP(9, 9, HALF);
    SQ_STEP(10, 10, HALF);
    SQ_STEP(11, 11, HALF);
    SQ_STEP(12, 12, HALF);
    SQ_STEP(13, 13, HALF);
    SQ_STEP(14, 14, HALF);
    SQ_STEP(15, 15, 0);
    SQ_STEP(16, 16, 0);
    SQ_STEP(17, 17, 0);
    SQ_STEP(18, 18, 0);
    SQ_STEP(19, 19, 0);
    t[20] = a0;
    t[21] = a1;
    t[22] = a2;
    t[23] = a3;
    // rows 5..9
    PIN(f);
    a0 = t[10];
    a1 = t[11];
    a2 = t[12];
    a3 = t[13];
    a4 = t[14];
    SQ_DIAG0(5, 10, t[15]);
    SQ_DIAG1(6, 11, t[16]);
    SQ_DIAG2(7, 12, t[17]);
    SQ_DIAG3(8, 13, t[18]);
    SQ_DIAG4(9, 14, t[19]);
    SQ_STEP(10, 15, t[20]);
    SQ_STEP(11, 16, t[21]);
    SQ_STEP(12, 17, t[22]);
    SQ_STEP(13, 18, t[23]);
    SQ_STEP(14, 19, 0);
    SQ_STEP(15, 20, 0);
    SQ_STEP(16, 21, 0);
    SQ_STEP(17, 22, 0);
    SQ_STEP(18, 23, 0);
    SQ_STEP(19, 24, 0);
    t[25] = a0;
    t[26] = a1;
    t[27] = a2;
    t[28] = a3;
    // rows 10..14
    PIN(f);
    a0 = t[20];
    a1 = t[21];
    a2 = t[22];
    a3 = t[23];
    a4 = t[24];
    SQ_DIAG0(10, 20, t[25]);
    SQ_DIAG1(11, 21, t[26]);
    SQ_DIAG2(12, 22, t[27]);
    SQ_DIAG3(13, 23, t[28]);
    SQ_DIAG4(14, 24, 0);
    SQ_STEP(15, 25, 0);
    SQ_STEP(16, 26, 0);
    SQ_STEP(17, 27, 0);
    SQ_STEP(18, 28, 0);
    SQ_STEP(19, 29, 0);
    t[30] = a0;
    t[31] = a1;
    t[32] = a2;
    t[33] = a3;
    // rows 15..19
    PIN(f);
    a0 = t[30];
    a1 = t[31];
    a2 = t[32];
    a3 = t[33];
    a4 = 0;
    SQ_DIAG0(15, 30, 0);
    SQ_DIAG1(16, 31, 0);
    SQ_DIAG2(17, 32, 0);
    SQ_DIAG3(18, 33, 0);
    SQ_DIAG4(19, 34, 0);
    t[35] = a0;
    t[36] = a1;
    t[37] = a2;
    t[38] = a3;
    fe_reduce(h, t);
}

#define SWAP_LIMB(i)                                                                               \
    x = (uint32_t)f[i];                                                                            \
    y = (uint32_t)g[i];                                                                            \
    d = mask & (x ^ y);                                                                            \
    f[i] = (int32_t)(x ^ d);                                                                       \
    g[i] = (int32_t)(y ^ d);

// Swap f and g when swap is 1, leave them when it is 0; same work either way.
FE_FN void fe_cswap(fe f, fe g, uint32_t swap) {
    uint32_t x, y, d, mask = 0u - swap; // all ones or zero
    X20(SWAP_LIMB)
}

#undef SWAP_LIMB

#endif // OL_X25519_CM3

#undef SQ_SHIFT
#undef SQ_DIAG0
#undef SQ_DIAG1
#undef SQ_DIAG2
#undef SQ_DIAG3
#undef SQ_DIAG4
#undef SQ_STEP
#undef MUL_STEP
#undef ADDSUB_LIMB

// h = f squared n times.
FE_FN void fe_sq_n(fe h, const fe f, int n, int32_t t[2 * NL]) {
    fe_sq(h, f, t);
    for (int i = 1; i < n; i++) {
        fe_sq(h, h, t);
    }
}

// w[5] = f^(2^250 - 1) and w[2] = f^11, by a fixed chain of 249 squarings
// and 11 multiplications (the exponents are public); w[0..4] are its
// temporaries. The start of both inversion and square root.
FE_FN void fe_pow250(const fe f, fe w[6], int32_t t[2 * NL]) {
    int32_t *z2 = w[0], *z9 = w[1], *z11 = w[2], *a = w[3], *b = w[4], *c = w[5];
    fe_sq(z2, f, t);        // 2
    fe_sq_n(a, z2, 2, t);   // 8
    fe_mul(z9, a, f, t);    // 9
    fe_mul(z11, z9, z2, t); // 11
    fe_sq(a, z11, t);       // 22
    fe_mul(a, a, z9, t);    // 31 = 2^5 - 1
    fe_sq_n(b, a, 5, t);    //
    fe_mul(b, b, a, t);     // 2^10 - 1
    fe_sq_n(c, b, 10, t);   //
    fe_mul(c, c, b, t);     // 2^20 - 1
    fe_sq_n(z2, c, 20, t);  //
    fe_mul(c, z2, c, t);    // 2^40 - 1
    fe_sq_n(c, c, 10, t);   //
    fe_mul(b, c, b, t);     // 2^50 - 1
    fe_sq_n(c, b, 50, t);   //
    fe_mul(c, c, b, t);     // 2^100 - 1
    fe_sq_n(z2, c, 100, t); //
    fe_mul(c, z2, c, t);    // 2^200 - 1
    fe_sq_n(c, c, 50, t);   //
    fe_mul(c, c, b, t);     // 2^250 - 1
}

// h = 1 / f = f^(p - 2) = f^(2^255 - 21) (Fermat). Its temporaries are the
// caller's w (the ladder's, which one wipe clears); h may alias f.
FE_FN void fe_invert(fe h, const fe f, fe w[6], int32_t t[2 * NL]) {
    fe_pow250(f, w, t);
    fe_sq_n(w[5], w[5], 5, t); // 2^255 - 32
    fe_mul(h, w[5], w[2], t);  // 2^255 - 21
}

// h = f^((p - 5) / 8) = f^(2^252 - 3), for square roots (RFC 8032 5.1.3);
// h may alias f.
FE_FN void fe_pow22523(fe h, const fe f, fe w[6], int32_t t[2 * NL]) {
    fe_pow250(f, w, t);
    fe_sq_n(w[5], w[5], 2, t); // 2^252 - 4
    fe_mul(h, w[5], f, t);     // 2^252 - 3
}

// ---- encoding ----------------------------------------------------------------------
// Little-endian, the top bit ignored (RFC 7748 section 5). Values from p to
// 2^255 - 1 are accepted as they are: the arithmetic is mod p anyway. Limb i
// is bits 13i .. 13i+12, read from the three bytes that hold them.
FE_FN void fe_frombytes(fe h, const uint8_t s[32]) {
    for (int i = 0; i < NL; i++) {
        unsigned bit = 13u * (unsigned)i, first = bit / 8u;
        uint32_t v = 0;
        for (unsigned b = 0; b < 3 && first + b < 32; b++) {
            v |= (uint32_t)s[first + b] << (8 * b);
        }
        h[i] = (int32_t)((v >> (bit % 8u)) & M13);
    }
    h[NL - 1] &= 0xff;                  // limb 19 is bits 247..259: keep 247..254
    fe_mul_small_add(h, h, 1, fe_zero); // limbs in [0, 2^13) -> balanced
}

// Floor carry chain with c coming in: every limb in [0, 2^13); returns the
// carry out of the top.
FE_FN int32_t fe_chain(int32_t t[NL], int32_t c) {
    for (int i = 0; i < NL; i++) {
        c += t[i];
        t[i] = c & M13;
        c >>= 13;
    }
    return c;
}

// The unique representative in [0, p), little-endian.
FE_FN void fe_tobytes(uint8_t s[32], const fe f) {
    int32_t t[NL];
    for (int i = 0; i < NL; i++) {
        t[i] = f[i];
    }
    // Floor chains with the 608 fold: the value is congruent and, after the
    // third, every limb in [0, 2^13) (the value in [0, 2^260)). A negative
    // value wraps up by 2^260 = 608 (mod p) (its top carry is -1), a small
    // one stays; either way the last chain's carry is 0.
    t[0] += FOLD * fe_chain(t, 0);
    t[0] += FOLD * fe_chain(t, 0);
    t[0] += FOLD * fe_chain(t, 0);
    // Bits 255..259 (the top five of limb 19) times 19, twice: the value is
    // then below 2^255.
    for (int pass = 0; pass < 2; pass++) {
        int32_t top = t[NL - 1] >> 8;
        t[NL - 1] &= 0xff;
        (void)fe_chain(t, 19 * top);
    }
    // v >= p exactly when v + 19 >= 2^255: q is that carry, 0 or 1. Then
    // v - q p = v + 19 q - q 2^255: add 19 q and drop bit 255.
    int32_t q = 19;
    for (int i = 0; i < NL - 1; i++) {
        q = (t[i] + q) >> 13;
    }
    q = (t[NL - 1] + q) >> 8;
    (void)fe_chain(t, 19 * q);
    t[NL - 1] &= 0xff;
    // Pack the 255 bits.
    uint32_t acc = 0;
    unsigned have = 0, o = 0;
    for (int i = 0; i < NL; i++) {
        acc |= (uint32_t)t[i] << have;
        have += 13;
        while (have >= 8) {
            s[o++] = (uint8_t)acc;
            acc >>= 8;
            have -= 8;
        }
    }
    ol_wipe(t, sizeof t);
}

#endif
