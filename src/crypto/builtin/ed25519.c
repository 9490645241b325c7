// ownerlock — Ed25519 signature verification (RFC 8032), portable C for MCUs.
//
// Written from the RFC (sections 5.1.2 to 5.1.7). Freestanding; the field is
// X25519's (fe25519.h). It checks signatures on firmware images: public keys,
// messages and signatures, so it runs in variable time (a double scalar
// multiplication that skips the zero bits, early exits on a bad encoding),
// and holds nothing secret.
//
// Strict, as libsodium is: S must be below the group order L (a signature is
// not malleable), the public key and R must be canonical encodings of points
// whose order is above 8, and R is compared as encoded. Points are in
// extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z, on
// -x^2 + y^2 = 1 + d x^2 y^2.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ownerlock/crypto.h"

#include "fe25519.h"

// d = -121665 / 121666, 2d, and sqrt(-1) = 2^((p - 1) / 4), little-endian
// (RFC 8032 5.1; the curve's constants).
static const uint8_t D_BYTES[32] = {
    0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
    0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
};
static const uint8_t SQRTM1_BYTES[32] = {
    0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
    0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b,
};
// The base point B: y = 4/5, x even (RFC 8032 5.1), encoded.
static const uint8_t B_BYTES[32] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};
// L = 2^252 + 27742317777372353535851937790883648493, the order of B.
static const uint8_t L_BYTES[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};
// p = 2^255 - 19, for the canonical check of an encoded y.
static const uint8_t P_BYTES[32] = {
    0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
};

typedef struct {
    fe X, Y, Z, T;
} point;

// Everything verification works in: the curve's constants, the points, the
// field's scratch. About 2.3 KB; on the caller's stack.
typedef struct {
    fe d, d2, sqrtm1;
    point a, r, base, base_minus_a, acc;
    fe w[6];
    int32_t t[2 * NL];
} ctx;

// ---- field helpers (results balanced, fit for fe_mul) ------------------------------

static void fe_carry(fe h) {
    fe_mul_small_add(h, h, 1, fe_zero);
}

static void fe_add(fe h, const fe f, const fe g) {
    for (int i = 0; i < NL; i++) {
        h[i] = f[i] + g[i];
    }
    fe_carry(h);
}

static void fe_sub(fe h, const fe f, const fe g) {
    for (int i = 0; i < NL; i++) {
        h[i] = f[i] - g[i];
    }
    fe_carry(h);
}

static void fe_neg(fe h, const fe f) {
    fe_sub(h, fe_zero, f);
}

static void fe_one(fe h) {
    memset(h, 0, sizeof(fe));
    h[0] = 1;
}

static bool fe_equal(const fe f, const fe g) {
    uint8_t a[32], b[32];
    fe_tobytes(a, f);
    fe_tobytes(b, g);
    return memcmp(a, b, 32) == 0;
}

static bool fe_is_zero(const fe f) {
    uint8_t a[32];
    fe_tobytes(a, f);
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++) {
        acc |= a[i];
    }
    return acc == 0;
}

static int fe_is_odd(const fe f) {
    uint8_t a[32];
    fe_tobytes(a, f);
    return a[0] & 1;
}

// ---- 256-bit little-endian numbers -------------------------------------------------

// a < b, both 32 bytes little-endian.
static bool less_than(const uint8_t a[32], const uint8_t b[32]) {
    for (int i = 31; i >= 0; i--) {
        if (a[i] != b[i]) {
            return a[i] < b[i];
        }
    }
    return false;
}

// out = the 64-byte little-endian h mod L, one bit at a time from the top:
// r = 2r + bit, less L when it reaches L (r < L < 2^253 throughout).
static void reduce_mod_l(uint8_t out[32], const uint8_t h[64]) {
    uint8_t r[33] = {0};
    for (int bit = 511; bit >= 0; bit--) {
        unsigned carry = (h[bit >> 3] >> (bit & 7)) & 1u;
        for (int i = 0; i < 33; i++) {
            unsigned v = ((unsigned)r[i] << 1) | carry;
            r[i] = (uint8_t)v;
            carry = v >> 8;
        }
        if (r[32] != 0 || !less_than(r, L_BYTES)) {
            unsigned borrow = 0;
            for (int i = 0; i < 32; i++) {
                unsigned v = (unsigned)r[i] - L_BYTES[i] - borrow;
                r[i] = (uint8_t)v;
                borrow = (v >> 8) & 1u;
            }
            r[32] = (uint8_t)(r[32] - borrow);
        }
    }
    memcpy(out, r, 32);
}

// ---- points (RFC 8032 5.1.4) -------------------------------------------------------

static void point_identity(point *p) {
    memset(p->X, 0, sizeof p->X);
    fe_one(p->Y);
    fe_one(p->Z);
    memset(p->T, 0, sizeof p->T);
}

// o = p + q (add-2008-hwcd-3); o may be p or q.
static void point_add(ctx *c, point *o, const point *p, const point *q) {
    fe a, b, cc, d, e, f, g, h;
    fe_sub(a, p->Y, p->X);
    fe_sub(h, q->Y, q->X);
    fe_mul(a, a, h, c->t); // A = (Y1 - X1)(Y2 - X2)
    fe_add(b, p->Y, p->X);
    fe_add(h, q->Y, q->X);
    fe_mul(b, b, h, c->t); // B = (Y1 + X1)(Y2 + X2)
    fe_mul(cc, p->T, c->d2, c->t);
    fe_mul(cc, cc, q->T, c->t); // C = T1 2d T2
    fe_mul(d, p->Z, q->Z, c->t);
    fe_add(d, d, d); // D = 2 Z1 Z2
    fe_sub(e, b, a);
    fe_sub(f, d, cc);
    fe_add(g, d, cc);
    fe_add(h, b, a);
    fe_mul(o->X, e, f, c->t);
    fe_mul(o->Y, g, h, c->t);
    fe_mul(o->T, e, h, c->t);
    fe_mul(o->Z, f, g, c->t);
}

// o = 2p (dbl-2008-hwcd); o may be p.
static void point_double(ctx *c, point *o, const point *p) {
    fe a, b, cc, e, f, g, h;
    fe_sq(a, p->X, c->t);
    fe_sq(b, p->Y, c->t);
    fe_sq(cc, p->Z, c->t);
    fe_add(cc, cc, cc); // C = 2 Z1^2
    fe_add(h, a, b);    // H = A + B
    fe_add(e, p->X, p->Y);
    fe_sq(e, e, c->t);
    fe_sub(e, h, e);  // E = H - (X1 + Y1)^2
    fe_sub(g, a, b);  // G = A - B
    fe_add(f, cc, g); // F = C + G
    fe_mul(o->X, e, f, c->t);
    fe_mul(o->Y, g, h, c->t);
    fe_mul(o->T, e, h, c->t);
    fe_mul(o->Z, f, g, c->t);
}

static void point_negate(point *o, const point *p) {
    fe_neg(o->X, p->X);
    memcpy(o->Y, p->Y, sizeof o->Y);
    memcpy(o->Z, p->Z, sizeof o->Z);
    fe_neg(o->T, p->T);
}

// The encoding of p: y, with x's low bit on top (RFC 8032 5.1.2).
static void point_encode(ctx *c, uint8_t out[32], const point *p) {
    fe zi, x, y;
    fe_invert(zi, p->Z, c->w, c->t);
    fe_mul(x, p->X, zi, c->t);
    fe_mul(y, p->Y, zi, c->t);
    fe_tobytes(out, y);
    out[31] |= (uint8_t)(fe_is_odd(x) << 7);
}

// p from its encoding (RFC 8032 5.1.3); false unless y is canonical and the
// point exists.
static bool point_decode(ctx *c, point *p, const uint8_t in[32]) {
    uint8_t y_bytes[32];
    memcpy(y_bytes, in, 32);
    int x0 = y_bytes[31] >> 7;
    y_bytes[31] &= 0x7f;
    if (!less_than(y_bytes, P_BYTES)) {
        return false;
    }
    fe u, v, v3, x, vxx;
    fe_frombytes(p->Y, y_bytes);
    fe_one(p->Z);
    fe_sq(u, p->Y, c->t);
    fe_mul(v, u, c->d, c->t);
    fe_sub(u, u, p->Z); // u = y^2 - 1
    fe_add(v, v, p->Z); // v = d y^2 + 1
    // x = u v^3 (u v^7)^((p - 5) / 8)
    fe_sq(v3, v, c->t);
    fe_mul(v3, v3, v, c->t); // v^3
    fe_sq(x, v3, c->t);
    fe_mul(x, x, v, c->t);
    fe_mul(x, x, u, c->t); // u v^7
    fe_pow22523(x, x, c->w, c->t);
    fe_mul(x, x, v3, c->t);
    fe_mul(x, x, u, c->t);
    fe_sq(vxx, x, c->t);
    fe_mul(vxx, vxx, v, c->t);
    if (!fe_equal(vxx, u)) {
        fe_neg(u, u);
        if (!fe_equal(vxx, u)) {
            return false; // no square root: not a point
        }
        fe_mul(x, x, c->sqrtm1, c->t);
    }
    if (fe_is_zero(x) && x0 == 1) {
        return false; // x = 0 has no negative
    }
    if (fe_is_odd(x) != x0) {
        fe_neg(x, x);
    }
    memcpy(p->X, x, sizeof x);
    fe_mul(p->T, p->X, p->Y, c->t);
    return true;
}

// Is p of order 1, 2, 4 or 8 (8p the identity: X = 0, Y = Z)?
static bool point_small_order(ctx *c, const point *p) {
    point q;
    point_double(c, &q, p);
    point_double(c, &q, &q);
    point_double(c, &q, &q);
    return fe_is_zero(q.X) && fe_equal(q.Y, q.Z);
}

static int bit_of(const uint8_t k[32], int i) {
    return (k[i >> 3] >> (i & 7)) & 1;
}

// ---- verification (RFC 8032 5.1.7) ---------------------------------------------------

ol_err ol_ed25519_verify(const uint8_t sig[OL_ED25519_SIGNATURE_BYTES], const void *msg, size_t len,
                         const uint8_t pub[OL_ED25519_PUBLIC_BYTES]) {
    const uint8_t *r_bytes = sig, *s = sig + 32;
    if (!less_than(s, L_BYTES)) {
        return OL_ERR_AUTH;
    }
    ctx c;
    fe_frombytes(c.d, D_BYTES);
    fe_add(c.d2, c.d, c.d);
    fe_frombytes(c.sqrtm1, SQRTM1_BYTES);
    if (!point_decode(&c, &c.a, pub) || point_small_order(&c, &c.a) ||
        !point_decode(&c, &c.r, r_bytes) || point_small_order(&c, &c.r) ||
        !point_decode(&c, &c.base, B_BYTES)) {
        return OL_ERR_AUTH;
    }
    // k = SHA-512(R || A || M) mod L
    uint8_t digest[OL_SHA512_BYTES], k[32];
    ol_sha512_ctx hash;
    ol_sha512_init(&hash);
    ol_sha512_update(&hash, r_bytes, 32);
    ol_sha512_update(&hash, pub, 32);
    if (len > 0) {
        ol_sha512_update(&hash, msg, len);
    }
    ol_sha512_final(&hash, digest);
    reduce_mod_l(k, digest);
    // [S]B + [k](-A), both scalars below 2^253, by one run of doublings
    // (Straus): each bit adds B, -A or B - A.
    point_negate(&c.a, &c.a);
    point_add(&c, &c.base_minus_a, &c.base, &c.a);
    point_identity(&c.acc);
    for (int i = 252; i >= 0; i--) {
        point_double(&c, &c.acc, &c.acc);
        int sb = bit_of(s, i), kb = bit_of(k, i);
        if (sb && kb) {
            point_add(&c, &c.acc, &c.acc, &c.base_minus_a);
        } else if (sb) {
            point_add(&c, &c.acc, &c.acc, &c.base);
        } else if (kb) {
            point_add(&c, &c.acc, &c.acc, &c.a);
        }
    }
    uint8_t check[32];
    point_encode(&c, check, &c.acc);
    return memcmp(check, r_bytes, 32) == 0 ? OL_OK : OL_ERR_AUTH;
}
