// ownerlock — ChaCha20-Poly1305 AEAD (RFC 8439), portable C for MCUs.
//
// Written from the RFC. Freestanding. Every branch, loop bound and index
// depends on lengths only, never on the key or the data; the tag is checked
// in constant time, and nothing is decrypted until it has been checked.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "burn.h"
#include "ownerlock/crypto.h"

static uint32_t load32_le(const uint8_t p[4]) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void store32_le(uint8_t p[4], uint32_t x) {
    p[0] = (uint8_t)x;
    p[1] = (uint8_t)(x >> 8);
    p[2] = (uint8_t)(x >> 16);
    p[3] = (uint8_t)(x >> 24);
}

static void store64_le(uint8_t p[8], uint64_t x) {
    store32_le(p, (uint32_t)x);
    store32_le(p + 4, (uint32_t)(x >> 32));
}

// ---- ChaCha20 (RFC 8439 section 2.3) -------------------------------------------
static uint32_t rotl(uint32_t x, unsigned n) {
    return (x << n) | (x >> (32 - n)); // n is 7, 8, 12 or 16
}

#define QUARTER_ROUND(a, b, c, d)                                                                  \
    do {                                                                                           \
        a += b;                                                                                    \
        d = rotl(d ^ a, 16);                                                                       \
        c += d;                                                                                    \
        b = rotl(b ^ c, 12);                                                                       \
        a += b;                                                                                    \
        d = rotl(d ^ a, 8);                                                                        \
        c += d;                                                                                    \
        b = rotl(b ^ c, 7);                                                                        \
    } while (0)

// One 64-byte keystream block for (key, nonce, counter).
static void chacha20_block(uint8_t out[64], const uint8_t key[32], const uint8_t nonce[12],
                           uint32_t counter) {
    uint32_t in[16], x[16];
    in[0] = 0x61707865; // "expand 32-byte k"
    in[1] = 0x3320646e;
    in[2] = 0x79622d32;
    in[3] = 0x6b206574;
    for (int i = 0; i < 8; i++) {
        in[4 + i] = load32_le(key + 4 * i);
    }
    in[12] = counter;
    for (int i = 0; i < 3; i++) {
        in[13 + i] = load32_le(nonce + 4 * i);
    }
    memcpy(x, in, sizeof x);
    for (int round = 0; round < 10; round++) { // 20 rounds: column, then diagonal
        QUARTER_ROUND(x[0], x[4], x[8], x[12]);
        QUARTER_ROUND(x[1], x[5], x[9], x[13]);
        QUARTER_ROUND(x[2], x[6], x[10], x[14]);
        QUARTER_ROUND(x[3], x[7], x[11], x[15]);
        QUARTER_ROUND(x[0], x[5], x[10], x[15]);
        QUARTER_ROUND(x[1], x[6], x[11], x[12]);
        QUARTER_ROUND(x[2], x[7], x[8], x[13]);
        QUARTER_ROUND(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) {
        store32_le(out + 4 * i, x[i] + in[i]);
    }
    ol_wipe(in, sizeof in);
    ol_wipe(x, sizeof x);
}

// out = in xor keystream, blocks counter, counter+1, ... out may equal in.
static void chacha20_xor(uint8_t *out, const uint8_t *in, size_t len, const uint8_t key[32],
                         const uint8_t nonce[12], uint32_t counter) {
    uint8_t block[64];
    while (len > 0) {
        chacha20_block(block, key, nonce, counter++);
        size_t n = len < sizeof block ? len : sizeof block;
        for (size_t i = 0; i < n; i++) {
            out[i] = in[i] ^ block[i];
        }
        out += n;
        in += n;
        len -= n;
    }
    ol_wipe(block, sizeof block);
}

// ---- Poly1305 (RFC 8439 section 2.5) ---------------------------------------------
// The accumulator h and the key r in ten limbs of 13 bits (130 bits), so that
// every product of two limbs, and every sum of a column of them, fits in 32
// bits: only 32 x 32 -> 32 multiplies (MUL, MLA on the Cortex-M3, whose time
// does not depend on the operands), never the 64-bit products (UMULL, UMLAL)
// that finish early on small operands. The AEAD only ever MACs whole 16-byte
// blocks (its input is padded with zeros to 16), so every block carries the
// 2^128 bit and there is no partial-block path.
typedef struct {
    // The clamped key r (limbs below 2^13) as w[10 + j] = r[j], and below it
    // w[j] = 5 r[j] (2^130 = 5 mod p), for the products that wrap: column k
    // of a product is sum x[i] w[10 + k - i]. w[0] is not used.
    uint16_t w[20];
    uint16_t h[10]; // the accumulator, limbs below 2^13 + 2^9 between blocks
    uint32_t s[4];  // the second half of the one-time key, added at the end
} poly1305;

#define MASK13 0x1fffu

// The 130-bit number w[0..3] + top 2^128 as ten 13-bit limbs: limb k is bits
// 13k .. 13k+12.
static void poly1305_limbs(uint32_t l[10], const uint8_t b[16], uint32_t top) {
    uint32_t w0 = load32_le(b), w1 = load32_le(b + 4), w2 = load32_le(b + 8),
             w3 = load32_le(b + 12);
    l[0] = w0 & MASK13;
    l[1] = (w0 >> 13) & MASK13;
    l[2] = ((w0 >> 26) | (w1 << 6)) & MASK13;
    l[3] = (w1 >> 7) & MASK13;
    l[4] = ((w1 >> 20) | (w2 << 12)) & MASK13;
    l[5] = (w2 >> 1) & MASK13;
    l[6] = (w2 >> 14) & MASK13;
    l[7] = ((w2 >> 27) | (w3 << 5)) & MASK13;
    l[8] = (w3 >> 8) & MASK13;
    l[9] = (w3 >> 21) | (top << 11);
}

static void poly1305_init(poly1305 *p, const uint8_t key[32]) {
    // Clamp r (RFC 8439 2.5): clear the top 4 bits of bytes 3, 7, 11, 15 and
    // the bottom 2 bits of bytes 4, 8, 12.
    uint8_t r[16];
    uint32_t l[10];
    memcpy(r, key, 16);
    r[3] &= 15;
    r[7] &= 15;
    r[11] &= 15;
    r[15] &= 15;
    r[4] &= 252;
    r[8] &= 252;
    r[12] &= 252;
    poly1305_limbs(l, r, 0);
    for (int i = 0; i < 10; i++) {
        p->w[10 + i] = (uint16_t)l[i];
        p->w[i] = (uint16_t)(5 * l[i]); // below 5 * 2^13 < 2^16
        p->h[i] = 0;
    }
    for (int i = 0; i < 4; i++) {
        p->s[i] = load32_le(key + 16 + 4 * i);
    }
    ol_wipe(r, sizeof r);
    ol_wipe(l, sizeof l);
}

// Carry a[0..9] (each below 2^32 - 2^22) into 13-bit limbs, the carry out of
// limb 9 (weight 2^130 = 5 mod p) folded into limb 0 times 5, then 0 -> 1
// once more: limbs below 2^13, limb 1 below 2^13 + 2^9 (the columns of a
// product carry at most 2^18.6 out of limb 9).
static void poly1305_carry(uint32_t a[10]) {
    uint32_t c = 0;
    for (int i = 0; i < 10; i++) {
        c += a[i];
        a[i] = c & MASK13;
        c >>= 13;
    }
    a[0] += 5 * c;
    a[1] += a[0] >> 13;
    a[0] &= MASK13;
}

// h = (h + block + 2^128) * r mod 2^130 - 5
static void poly1305_block(poly1305 *p, const uint8_t m[16]) {
    uint32_t a[10];
    poly1305_limbs(a, m, 1);
    for (int i = 0; i < 10; i++) {
        a[i] += p->h[i]; // below 2^14 + 2^9
    }
    poly1305_carry(a); // below 2^13 + 2^2 each
    // Column k: x_i r_j for i + j = k, and 5 x_i r_j for i + j = k + 10. A
    // product is below 2^13.01 * 5 * 2^13 and a column holds one plain and
    // at most nine times-5 products: below 46 * 2^26.01 < 2^31.6.
    uint32_t x[10];
    for (int i = 0; i < 10; i++) {
        x[i] = a[i];
    }
    for (int k = 0; k < 10; k++) {
        const uint16_t *w = p->w + 10 + k;
        uint32_t acc = 0;
        for (int i = 0; i < 10; i++) {
            acc += x[i] * w[-i];
        }
        a[k] = acc;
    }
    ol_wipe(x, sizeof x);
    poly1305_carry(a);
    for (int i = 0; i < 10; i++) {
        p->h[i] = (uint16_t)a[i];
    }
    ol_wipe(a, sizeof a);
}

// Feed len bytes, the last partial block padded with zeros to 16 bytes (the
// AEAD's pad16), so every block is a whole one.
static void poly1305_padded(poly1305 *p, const uint8_t *data, size_t len) {
    while (len >= 16) {
        poly1305_block(p, data);
        data += 16;
        len -= 16;
    }
    if (len > 0) {
        uint8_t last[16] = {0};
        memcpy(last, data, len);
        poly1305_block(p, last);
        ol_wipe(last, sizeof last);
    }
}

static void poly1305_final(poly1305 *p, uint8_t tag[16]) {
    uint32_t h[10], g[10];
    for (int i = 0; i < 10; i++) {
        h[i] = p->h[i];
    }
    // A second carry leaves every limb below 2^13: h < 2^130 < 2p.
    poly1305_carry(h);
    // g = h + 5 - 2^130 = h - p; keep g when it did not borrow (h >= p). The
    // choice is a mask, not a branch.
    uint32_t c = 5;
    for (int i = 0; i < 10; i++) {
        g[i] = h[i] + c;
        c = g[i] >> 13;
        g[i] &= MASK13;
    }
    // c is bit 130 of h + 5: set exactly when h + 5 >= 2^130.
    uint32_t keep_g = 0u - c;
    for (int i = 0; i < 10; i++) {
        h[i] = (g[i] & keep_g) | (h[i] & ~keep_g);
    }
    // Pack the low 128 bits and add s mod 2^128.
    uint32_t w[4];
    w[0] = h[0] | (h[1] << 13) | (h[2] << 26);
    w[1] = (h[2] >> 6) | (h[3] << 7) | (h[4] << 20);
    w[2] = (h[4] >> 12) | (h[5] << 1) | (h[6] << 14) | (h[7] << 27);
    w[3] = (h[7] >> 5) | (h[8] << 8) | (h[9] << 21);
    uint64_t f = 0;
    for (int i = 0; i < 4; i++) {
        f += (uint64_t)w[i] + p->s[i];
        store32_le(tag + 4 * i, (uint32_t)f);
        f >>= 32;
    }
    ol_wipe(h, sizeof h);
    ol_wipe(g, sizeof g);
    ol_wipe(w, sizeof w);
    ol_wipe(&f, sizeof f);
    ol_wipe(p, sizeof *p);
}

// ---- AEAD (RFC 8439 section 2.8) -------------------------------------------------
// tag = Poly1305(otk, ad | pad16 | ct | pad16 | le64(ad_len) | le64(len)),
// otk = the first 32 bytes of ChaCha20 block 0.
static void aead_tag(uint8_t tag[16], const uint8_t key[32], const uint8_t nonce[12],
                     const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t len) {
    uint8_t block0[64];
    chacha20_block(block0, key, nonce, 0);
    poly1305 p;
    poly1305_init(&p, block0);
    ol_wipe(block0, sizeof block0);
    poly1305_padded(&p, ad, ad_len);
    poly1305_padded(&p, ct, len);
    uint8_t lengths[16];
    store64_le(lengths, (uint64_t)ad_len);
    store64_le(lengths + 8, (uint64_t)len);
    poly1305_block(&p, lengths);
    poly1305_final(&p, tag); // wipes p
}

// ---- the stack ---------------------------------------------------------------------
// What the calls below leave on the stack (spilled limbs of h and r,
// keystream words) is overwritten (burn.h): AEAD_STACK_BURN bytes, above
// their deepest stack on the reference board (552 bytes with
// arm-none-eabi-gcc 12 at -Os: the firmware's .su files).
#define AEAD_STACK_BURN 576

OL_STACK_BURNER(aead_burn_stack, AEAD_STACK_BURN)

OL_NOINLINE static void aead_seal(uint8_t *ct, uint8_t tag[16], const uint8_t key[32],
                                  const uint8_t nonce[12], const uint8_t *ad, size_t ad_len,
                                  const uint8_t *pt, size_t len) {
    chacha20_xor(ct, pt, len, key, nonce, 1);
    aead_tag(tag, key, nonce, ad, ad_len, ct, len);
}

OL_NOINLINE static ol_err aead_open(uint8_t *pt, const uint8_t tag[16], const uint8_t key[32],
                                    const uint8_t nonce[12], const uint8_t *ad, size_t ad_len,
                                    const uint8_t *ct, size_t len) {
    uint8_t want[16];
    aead_tag(want, key, nonce, ad, ad_len, ct, len);
    int rc = ol_ct_compare(want, tag, sizeof want);
    ol_wipe(want, sizeof want);
    if (rc != 0) {
        ol_wipe(pt, len); // the caller may not look at it, but it holds nothing now
        return OL_ERR_AUTH;
    }
    chacha20_xor(pt, ct, len, key, nonce, 1);
    return OL_OK;
}

void ol_aead_seal(uint8_t *ct, uint8_t tag[OL_AEAD_TAG_BYTES], const uint8_t key[OL_AEAD_KEY_BYTES],
                  const uint8_t nonce[OL_AEAD_NONCE_BYTES], const uint8_t *ad, size_t ad_len,
                  const uint8_t *pt, size_t len) {
    aead_seal(ct, tag, key, nonce, ad, ad_len, pt, len);
    aead_burn_stack();
}

ol_err ol_aead_open(uint8_t *pt, const uint8_t tag[OL_AEAD_TAG_BYTES],
                    const uint8_t key[OL_AEAD_KEY_BYTES], const uint8_t nonce[OL_AEAD_NONCE_BYTES],
                    const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t len) {
    ol_err err = aead_open(pt, tag, key, nonce, ad, ad_len, ct, len);
    aead_burn_stack();
    return err;
}
