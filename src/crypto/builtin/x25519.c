// ownerlock — X25519 (RFC 7748), portable C for MCUs.
//
// Written from the RFC. Freestanding. The field GF(2^255 - 19) is held in
// twenty signed limbs of 13 bits, so that every product of two limbs, and
// every sum of a column of them, fits in 32 bits: the code multiplies only
// 32 x 32 -> 32 (on the Cortex-M3: MUL and MLA, whose time does not depend
// on the operands), never 32 x 32 -> 64, whose instructions on small CPUs
// finish early on small operands (the Cortex-M3's UMULL, SMULL, UMLAL and
// SMLAL), and it never divides. The Montgomery ladder walks all 255 bits of
// the clamped scalar and swaps with a mask; no branch, index or loop bound
// depends on the scalar or the point. Every secret it holds lives in one
// struct (scalarmult's), wiped once at the end; the field helpers keep no
// secret of their own in memory.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "burn.h"
#include "ownerlock/crypto.h"

#include "fe25519.h"

// ---- the stack ---------------------------------------------------------------------
// Registers the field functions saved and values they spilled (limbs of the
// secrets, the ladder's swap bit) are overwritten after scalarmult (burn.h):
// X25519_STACK_BURN bytes, above its deepest stack on the reference board
// (1,236 bytes with arm-none-eabi-gcc 12 at -Os: scalarmult's 1,016 and
// fe_sq_n's 16 from the firmware's .su files, then the assembly's fe_mul or
// fe_sq, 204 with the columns); a deeper port raises it.
#define X25519_STACK_BURN 1280

OL_STACK_BURNER(x25519_burn_stack, X25519_STACK_BURN)

// ---- the ladder (RFC 7748 section 5) -------------------------------------------------

// Everything secret the ladder holds, in one struct that one wipe clears:
// w[0], w[1] are x3 and z3, w[2..5] the step's temporaries (then fe_invert's
// six), so that the struct stays small with 32-bit limbs.
typedef struct {
    uint8_t k[32];
    fe x1, x2, z2;
    fe w[6];
    int32_t t[2 * NL]; // the columns of a product (the C fe_mul and fe_sq)
} ladder;

// base: the point is the base point 9 (ol_x25519_public), a public fact, so
// multiplying by it is fe_mul_small; the branch on it is not on a secret.
OL_NOINLINE static void scalarmult(uint8_t out[32], const uint8_t scalar[32],
                                   const uint8_t point[32], int base) {
    ladder l;
    int32_t *x3 = l.w[0], *z3 = l.w[1], *a = l.w[2], *b = l.w[3], *c = l.w[4], *d = l.w[5];
    memcpy(l.k, scalar, sizeof l.k);
    l.k[0] &= 248; // a multiple of the cofactor 8 ...
    l.k[31] &= 127;
    l.k[31] |= 64; // ... with bit 254 set
    fe_frombytes(l.x1, point);
    memset(l.x2, 0, sizeof l.x2); // x2 = 1, z2 = 0, x3 = x1, z3 = 1
    l.x2[0] = 1;
    memset(l.z2, 0, sizeof l.z2);
    memcpy(x3, l.x1, sizeof l.x1);
    memset(z3, 0, sizeof l.z2);
    z3[0] = 1;
    uint32_t swap = 0;
    for (int i = 254; i >= 0; i--) {
        uint32_t bit = (uint32_t)(l.k[i >> 3] >> (i & 7)) & 1;
        swap ^= bit;
        fe_cswap(l.x2, x3, swap);
        fe_cswap(l.z2, z3, swap);
        swap = bit;
        fe_addsub(a, b, l.x2, l.z2); // a = x2 + z2, b = x2 - z2
        fe_addsub(c, d, x3, z3);     // c = x3 + z3, d = x3 - z3
        fe_mul(d, d, a, l.t);        // da
        fe_mul(c, c, b, l.t);        // cb
        fe_sq(a, a, l.t);            // aa
        fe_sq(b, b, l.t);            // bb
        fe_addsub(x3, z3, d, c);     // da + cb, da - cb
        fe_sq(x3, x3, l.t);
        fe_sq(z3, z3, l.t);
        if (base) {
            fe_mul_small_add(z3, z3, 9, fe_zero);
        } else {
            fe_mul(z3, z3, l.x1, l.t);
        }
        fe_mul(l.x2, a, b, l.t);              // aa bb
        fe_addsub(c, d, a, b);                // d = e = aa - bb (c is free)
        fe_mul_small_add(l.z2, d, 121665, a); // (A - 2) / 4 e + aa
        fe_mul(l.z2, l.z2, d, l.t);
    }
    fe_cswap(l.x2, x3, swap);
    fe_cswap(l.z2, z3, swap);
    fe_invert(l.z2, l.z2, l.w, l.t);
    fe_mul(l.x2, l.x2, l.z2, l.t);
    fe_tobytes(out, l.x2);
    ol_wipe(&l, sizeof l);
}

ol_err ol_x25519(uint8_t out[OL_X25519_BYTES], const uint8_t scalar[OL_X25519_BYTES],
                 const uint8_t point[OL_X25519_BYTES]) {
    scalarmult(out, scalar, point, 0);
    x25519_burn_stack();
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
    scalarmult(pub, secret, base, 1);
    x25519_burn_stack();
}
