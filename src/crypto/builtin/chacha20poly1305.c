// ownerlock — ChaCha20-Poly1305 AEAD (RFC 8439), portable C for MCUs.
//
// Written from the RFC. Freestanding. Every branch, loop bound and index
// depends on lengths only, never on the key or the data; the tag is checked
// in constant time, and nothing is decrypted until it has been checked.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
// The accumulator h and the key r in five 26-bit limbs, so that every product
// fits in 64 bits on a 32-bit CPU. The AEAD only ever MACs whole 16-byte
// blocks (its input is padded with zeros to 16), so every block carries the
// 2^128 bit and there is no partial-block path.
typedef struct {
    uint32_t r[5];
    uint32_t h[5];
    uint32_t s[4]; // the second half of the one-time key, added at the end
} poly1305;

#define MASK26 0x3ffffffu

static void poly1305_init(poly1305 *p, const uint8_t key[32]) {
    // Clamp r (RFC 8439 2.5): clear the top 4 bits of bytes 3, 7, 11, 15 and
    // the bottom 2 bits of bytes 4, 8, 12.
    uint8_t r[16];
    memcpy(r, key, 16);
    r[3] &= 15;
    r[7] &= 15;
    r[11] &= 15;
    r[15] &= 15;
    r[4] &= 252;
    r[8] &= 252;
    r[12] &= 252;
    // Limb i holds bits 26i .. 26i+25.
    p->r[0] = load32_le(r + 0) & MASK26;
    p->r[1] = (load32_le(r + 3) >> 2) & MASK26;
    p->r[2] = (load32_le(r + 6) >> 4) & MASK26;
    p->r[3] = (load32_le(r + 9) >> 6) & MASK26;
    p->r[4] = (load32_le(r + 12) >> 8);
    for (int i = 0; i < 5; i++) {
        p->h[i] = 0;
    }
    for (int i = 0; i < 4; i++) {
        p->s[i] = load32_le(key + 16 + 4 * i);
    }
    ol_wipe(r, sizeof r);
}

// h = (h + block + 2^128) * r mod 2^130 - 5
static void poly1305_block(poly1305 *p, const uint8_t m[16]) {
    const uint32_t *r = p->r;
    uint32_t *h = p->h;
    // Limbs stay below 2^26 + 2^9 between blocks, so h + m < 2^27 + 2^10.
    uint64_t h0 = h[0] + (load32_le(m + 0) & MASK26);
    uint64_t h1 = h[1] + ((load32_le(m + 3) >> 2) & MASK26);
    uint64_t h2 = h[2] + ((load32_le(m + 6) >> 4) & MASK26);
    uint64_t h3 = h[3] + ((load32_le(m + 9) >> 6) & MASK26);
    uint64_t h4 = h[4] + ((load32_le(m + 12) >> 8) | (1u << 24));
    // 2^130 = 5 mod p: a product landing in limb i + j >= 5 wraps to limb
    // i + j - 5 times 5. r is clamped below 2^26 per limb, so 5 r < 2^29 and
    // each sum below is under 5 * 2^28 * 2^29 < 2^60.
    uint64_t s1 = (uint64_t)r[1] * 5, s2 = (uint64_t)r[2] * 5, s3 = (uint64_t)r[3] * 5,
             s4 = (uint64_t)r[4] * 5;
    uint64_t d0 = h0 * r[0] + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
    uint64_t d1 = h0 * r[1] + h1 * r[0] + h2 * s4 + h3 * s3 + h4 * s2;
    uint64_t d2 = h0 * r[2] + h1 * r[1] + h2 * r[0] + h3 * s4 + h4 * s3;
    uint64_t d3 = h0 * r[3] + h1 * r[2] + h2 * r[1] + h3 * r[0] + h4 * s4;
    uint64_t d4 = h0 * r[4] + h1 * r[3] + h2 * r[2] + h3 * r[1] + h4 * r[0];
    // Carry once around; the wrap from limb 4 into limb 0 is times 5.
    uint64_t c;
    c = d0 >> 26;
    d1 += c;
    c = d1 >> 26;
    d2 += c;
    c = d2 >> 26;
    d3 += c;
    c = d3 >> 26;
    d4 += c;
    c = d4 >> 26;
    uint64_t t0 = (d0 & MASK26) + c * 5; // c < 2^34
    h[0] = (uint32_t)(t0 & MASK26);
    h[1] = (uint32_t)((d1 & MASK26) + (t0 >> 26)); // < 2^26 + 2^9
    h[2] = (uint32_t)(d2 & MASK26);
    h[3] = (uint32_t)(d3 & MASK26);
    h[4] = (uint32_t)(d4 & MASK26);
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
    uint32_t *h = p->h;
    // Two full carry passes leave every limb below 2^26: after the first,
    // only limb 0 can exceed it (by the x5 wrap); if the second pass wraps
    // again, limbs 1..4 are zero and limb 0 is tiny.
    for (int pass = 0; pass < 2; pass++) {
        uint32_t c;
        c = h[0] >> 26;
        h[0] &= MASK26;
        h[1] += c;
        c = h[1] >> 26;
        h[1] &= MASK26;
        h[2] += c;
        c = h[2] >> 26;
        h[2] &= MASK26;
        h[3] += c;
        c = h[3] >> 26;
        h[3] &= MASK26;
        h[4] += c;
        c = h[4] >> 26;
        h[4] &= MASK26;
        h[0] += c * 5;
    }
    // h < 2^130 < 2p. g = h + 5 - 2^130 = h - p; keep g when it did not
    // borrow (h >= p). The choice is a mask, not a branch.
    uint32_t g[5], c = 5;
    for (int i = 0; i < 5; i++) {
        g[i] = h[i] + c;
        c = g[i] >> 26;
        g[i] &= MASK26;
    }
    // c is bit 130 of h + 5: set exactly when h + 5 >= 2^130.
    uint32_t keep_g = 0u - c;
    for (int i = 0; i < 5; i++) {
        h[i] = (g[i] & keep_g) | (h[i] & ~keep_g);
    }
    // Pack the low 128 bits and add s mod 2^128.
    uint32_t w[4];
    w[0] = h[0] | (h[1] << 26);
    w[1] = (h[1] >> 6) | (h[2] << 20);
    w[2] = (h[2] >> 12) | (h[3] << 14);
    w[3] = (h[3] >> 18) | (h[4] << 8);
    uint64_t f = 0;
    for (int i = 0; i < 4; i++) {
        f += (uint64_t)w[i] + p->s[i];
        store32_le(tag + 4 * i, (uint32_t)f);
        f >>= 32;
    }
    ol_wipe(g, sizeof g);
    ol_wipe(w, sizeof w);
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

void ol_aead_seal(uint8_t *ct, uint8_t tag[OL_AEAD_TAG_BYTES], const uint8_t key[OL_AEAD_KEY_BYTES],
                  const uint8_t nonce[OL_AEAD_NONCE_BYTES], const uint8_t *ad, size_t ad_len,
                  const uint8_t *pt, size_t len) {
    chacha20_xor(ct, pt, len, key, nonce, 1);
    aead_tag(tag, key, nonce, ad, ad_len, ct, len);
}

ol_err ol_aead_open(uint8_t *pt, const uint8_t tag[OL_AEAD_TAG_BYTES],
                    const uint8_t key[OL_AEAD_KEY_BYTES], const uint8_t nonce[OL_AEAD_NONCE_BYTES],
                    const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t len) {
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
