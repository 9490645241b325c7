// ownerlock — the internals of the built-in backend, which the public API
// cannot reach: Poly1305 on the edge vectors of RFC 8439 appendix A.3 (the
// final reduction around 2^130 - 5) and against libsodium; the ChaCha20 block
// function against libsodium; X25519 field elements at the extremes of their
// limb bounds (UBSan stops on any overflow, and every product and column must
// fit 32 bits) and canonical encoding around p.
//
// The built-in sources are compiled into this file with their public names
// changed, so they do not clash with the library this test links.
#define ol_aead_seal builtin_aead_seal
#define ol_aead_open builtin_aead_open
#define ol_x25519 builtin_x25519
#define ol_x25519_public builtin_x25519_public
#include "crypto/builtin/chacha20poly1305.c"
#include "crypto/builtin/x25519.c"
#undef ol_aead_seal
#undef ol_aead_open
#undef ol_x25519
#undef ol_x25519_public

#include <stdio.h>

#include <sodium.h>

#include "check.h"
#include "testvec.h"

static void poly1305_tag(uint8_t tag[16], const uint8_t key[32], const uint8_t *msg, size_t len) {
    poly1305 p;
    poly1305_init(&p, key);
    poly1305_padded(&p, msg, len); // whole blocks only: plain Poly1305
    poly1305_final(&p, tag);
}

// ---- Poly1305: RFC 8439 A.3, the vectors made of whole blocks ------------------------------
static void test_poly1305_vectors(void) {
    static const struct {
        const char *key, *msg, *tag;
    } v[] = {
        // #1: all zero
        {"0000000000000000000000000000000000000000000000000000000000000000",
         "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
         "000000000000000000000000000000000000000000",
         "00000000000000000000000000000000"},
        // #5: h reaches p exactly?
        {"0200000000000000000000000000000000000000000000000000000000000000",
         "ffffffffffffffffffffffffffffffff", "03000000000000000000000000000000"},
        // #6: s makes the sum wrap 2^128
        {"02000000000000000000000000000000ffffffffffffffffffffffffffffffff",
         "02000000000000000000000000000000", "03000000000000000000000000000000"},
        // #7: a limb of all ones taking a carry
        {"0100000000000000000000000000000000000000000000000000000000000000",
         "fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff1100000000000000000000000"
         "0"
         "000000",
         "05000000000000000000000000000000"},
        // #8: the result is 2^130 - 5
        {"0100000000000000000000000000000000000000000000000000000000000000",
         "fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe010101010101010101010101"
         "01010101",
         "00000000000000000000000000000000"},
        // #9: the result is 2^130 - 6
        {"0200000000000000000000000000000000000000000000000000000000000000",
         "fdffffffffffffffffffffffffffffff", "faffffffffffffffffffffffffffffff"},
        // #10: 5 H + L gives a 131-bit intermediate
        {"0100000000000000040000000000000000000000000000000000000000000000",
         "e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000000000000"
         "0"
         "00000001000000000000000000000000000000",
         "14000000000000005500000000000000"},
        // #11: ... and a 131-bit final result
        {"0100000000000000040000000000000000000000000000000000000000000000",
         "e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000000000000"
         "0"
         "000000",
         "13000000000000000000000000000000"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t key[32], msg[64], want[16], got[16], oracle[16];
        unhex(key, sizeof key, v[i].key);
        size_t len = unhex(msg, sizeof msg, v[i].msg);
        unhex(want, sizeof want, v[i].tag);
        CHECK_EQ(len % 16, 0);
        crypto_onetimeauth_poly1305(oracle, msg, len, key);
        CHECK_MEM(oracle, want, 16);
        poly1305_tag(got, key, msg, len);
        CHECK_MEM(got, want, 16);
    }
}

static void test_poly1305_differential(void) {
    enum { RUNS = 3000, MAX_BLOCKS = 12 };
    unsigned bad = 0;
    for (int run = 0; run < RUNS; run++) {
        uint8_t key[32], msg[16 * MAX_BLOCKS], want[16], got[16];
        size_t len = 16 * rng_below(MAX_BLOCKS + 1);
        rng_fill(key, sizeof key);
        rng_fill(msg, len);
        switch (run % 4) { // saturate what carries: r, s and the message
        case 1:
            memset(key, 0xff, 16);
            break;
        case 2:
            memset(msg, 0xff, len);
            break;
        case 3:
            memset(key, 0xff, sizeof key);
            memset(msg, 0xff, len);
            break;
        default:
            break;
        }
        crypto_onetimeauth_poly1305(want, msg, len, key);
        poly1305_tag(got, key, msg, len);
        bad += memcmp(got, want, 16) != 0;
    }
    CHECK_EQ(bad, 0);
}

// ---- ChaCha20: the keystream against libsodium, any counter ---------------------------------
static void test_chacha20(void) {
    unsigned bad = 0;
    for (int run = 0; run < 500; run++) {
        uint8_t key[32], nonce[12], in[300], want[300], got[300];
        size_t len = rng_below(sizeof in + 1);
        uint32_t counter = (uint32_t)rng_next();
        rng_fill(key, sizeof key);
        rng_fill(nonce, sizeof nonce);
        rng_fill(in, len);
        // No block counter wraps here: RFC 8439 leaves that undefined (libsodium
        // carries into the nonce). The AEAD never comes near it.
        if (run % 5 == 0) {
            counter = 0xffffffffu - 5; // the last blocks before the wrap
        } else if (counter > 0xffffffffu - 5) {
            counter = 0;
        }
        crypto_stream_chacha20_ietf_xor_ic(want, in, len, nonce, counter, key);
        chacha20_xor(got, in, len, key, nonce, counter);
        bad += memcmp(got, want, len) != 0;
    }
    CHECK_EQ(bad, 0);
    // RFC 8439 2.3.2: the block function's test vector.
    uint8_t key[32], nonce[12], block[64], want[64];
    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t)i;
    }
    unhex(nonce, sizeof nonce, "000000090000004a00000000");
    unhex(want, sizeof want,
          "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d7"
          "05d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
    chacha20_block(block, key, nonce, 1);
    CHECK_MEM(block, want, 64);
    uint8_t zeros[64] = {0};
    crypto_stream_chacha20_ietf_xor_ic(block, zeros, sizeof zeros, nonce, 1, key);
    CHECK_MEM(block, want, 64);
}

// ---- X25519 field elements ----------------------------------------------------------------------
static void fe_from_hex(fe h, const char *hex) {
    uint8_t b[32];
    unhex(b, sizeof b, hex);
    fe_frombytes(h, b);
}

// Canonical encoding of the values around p: x -> x mod p.
static void test_fe_canonical(void) {
    static const struct {
        const char *in, *out;
    } v[] = {
        {"0000000000000000000000000000000000000000000000000000000000000000",
         "0000000000000000000000000000000000000000000000000000000000000000"},
        {"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1
         "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"},
        {"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p
         "0000000000000000000000000000000000000000000000000000000000000000"},
        {"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 1
         "0100000000000000000000000000000000000000000000000000000000000000"},
        {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // 2^255 - 1
         "1200000000000000000000000000000000000000000000000000000000000000"},
        {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // top bit ignored
         "1200000000000000000000000000000000000000000000000000000000000000"},
        {"0000000000000000000000000000000000000000000000000000000000000080", // 2^255 -> 0
         "0000000000000000000000000000000000000000000000000000000000000000"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        fe h;
        uint8_t got[32], want[32];
        fe_from_hex(h, v[i].in);
        fe_tobytes(got, h);
        unhex(want, sizeof want, v[i].out);
        CHECK_MEM(got, want, 32);
    }
    // Negative limbs (as fe_addsub leaves them): 0 - 1 = p - 1, 1 - 2 = p - 1.
    fe zero = {0}, one = {1}, two, r, s;
    fe_addsub(two, r, one, one);
    uint8_t got[32], want[32];
    unhex(want, sizeof want, v[1].out);
    fe_addsub(s, r, zero, one);
    fe_tobytes(got, r);
    CHECK_MEM(got, want, 32);
    fe_addsub(s, r, one, two);
    fe_tobytes(got, r);
    CHECK_MEM(got, want, 32);
}

// Limbs at the edges of the bounds the code relies on, the sign chosen per
// limb: a carried element has limbs in [-2^12, 2^12 + 3]; the inputs of a
// multiplication may be sums or differences of two, in [-2^13, 2^13 + 6].
static void fe_edge(fe h, uint32_t signs, int16_t lo, int16_t hi) {
    for (int i = 0; i < NL; i++) {
        h[i] = (signs >> i) & 1 ? lo : hi;
    }
}

static int fe_carried(const fe h) {
    int bad = 0;
    for (int i = 0; i < NL; i++) {
        bad += h[i] < -HALF || h[i] > HALF + 3;
    }
    return bad;
}

static void test_fe_extremes(void) {
    unsigned bad = 0;
    int32_t t[2 * NL];
    const fe zero = {0};
    for (uint32_t signs = 0; signs < (1u << NL); signs += 7919u) {
        uint32_t other = (signs == 0) ? 0 : ~signs * 3u; // and once all of one sign
        fe f, g, fc, gc, h1, h2, s, d;
        uint8_t b[32], c[32], r1[32], r2[32];
        fe_edge(f, signs, -2 * HALF, 2 * (HALF + 3));
        fe_edge(g, other, -2 * HALF, 2 * (HALF + 3));
        // The same values in canonical limbs.
        fe_tobytes(b, f);
        fe_frombytes(fc, b);
        fe_tobytes(c, g);
        fe_frombytes(gc, c);
        bad += fe_carried(fc) + fe_carried(gc);
        // Multiplying the edge form must give what the canonical form gives
        // (and UBSan would stop the test on a 32-bit overflow).
        fe_mul(h1, f, g, t);
        bad += fe_carried(h1);
        fe_mul(h2, fc, gc, t);
        fe_tobytes(r1, h1);
        fe_tobytes(r2, h2);
        bad += memcmp(r1, r2, 32) != 0;
        fe_sq(h1, f, t);
        bad += fe_carried(h1);
        fe_mul(h2, fc, fc, t);
        fe_tobytes(r1, h1);
        fe_tobytes(r2, h2);
        bad += memcmp(r1, r2, 32) != 0;
        // The small multiple with a carried addend, as the ladder uses it.
        fe_edge(h2, ~signs, -HALF, HALF + 3);
        fe_mul_small_add(h1, f, 121665, h2);
        bad += fe_carried(h1);
        fe_tobytes(r1, h1);
        fe_tobytes(c, h2);
        fe_frombytes(gc, c);
        fe_mul_small_add(h2, fc, 121665, gc);
        fe_tobytes(r2, h2);
        bad += memcmp(r1, r2, 32) != 0;
        // add and sub at the carried edge: (f + g) - g = f.
        fe_edge(f, signs, -HALF, HALF + 3);
        fe_edge(g, other, -HALF, HALF + 3);
        fe_addsub(s, d, f, g);
        fe_mul_small_add(h1, s, 1, zero);
        fe_addsub(s, d, h1, g);
        fe_tobytes(r1, d);
        fe_tobytes(r2, f);
        bad += memcmp(r1, r2, 32) != 0;
    }
    CHECK_EQ(bad, 0);
}

// a * a^-1 = 1, for random values and the largest ones.
static void test_fe_invert(void) {
    unsigned bad = 0;
    uint8_t one[32] = {1};
    for (int run = 0; run < 40; run++) {
        uint8_t b[32], r[32];
        rng_fill(b, sizeof b);
        if (run == 0) {
            unhex(b, sizeof b, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        }
        if (run == 1) {
            memset(b, 0xff, sizeof b);
        }
        fe a, ai, p, w[6];
        int32_t t[2 * NL];
        fe_frombytes(a, b);
        fe_invert(ai, a, w, t);
        fe_mul(p, a, ai, t);
        fe_tobytes(r, p);
        bad += memcmp(r, one, 32) != 0;
    }
    CHECK_EQ(bad, 0);
}

int main(void) {
    if (sodium_init() < 0) {
        return 1;
    }
    rng_seed_from_env("test_builtin_crypto");
    test_poly1305_vectors();
    test_poly1305_differential();
    test_chacha20();
    test_fe_canonical();
    test_fe_extremes();
    test_fe_invert();
    return check_done("test_builtin_crypto");
}
