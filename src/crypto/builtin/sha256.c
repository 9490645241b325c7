// ownerlock — SHA-256 (FIPS 180-4), portable C for MCUs.
//
// Written from the standard. Freestanding: no libc beyond memcpy/memset.
// Every branch and index depends on lengths only, never on the data, so
// hashing a secret leaks nothing through timing.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "burn.h"
#include "ownerlock/crypto.h"

// The state behind the opaque ol_sha256_ctx. Only this file reads or writes
// it, and always through this type.
typedef struct {
    uint32_t h[8];   // chaining value H(i)
    uint64_t count;  // bytes hashed so far; count % 64 of them wait in buf
    uint8_t buf[64]; // partial block
} sha256_state;

_Static_assert(sizeof(sha256_state) <= sizeof(ol_sha256_ctx), "sha256 state too large");
_Static_assert(_Alignof(sha256_state) <= _Alignof(ol_sha256_ctx), "sha256 state misaligned");

static sha256_state *state_of(ol_sha256_ctx *ctx) {
    return (sha256_state *)(void *)ctx->u.bytes;
}

// FIPS 180-4 4.2.2: first 32 bits of the fractional parts of the cube roots
// of the first 64 primes.
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// FIPS 180-4 5.3.3: first 32 bits of the fractional parts of the square roots
// of the first 8 primes.
static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t rotr(uint32_t x, unsigned n) {
    return (x >> n) | (x << (32 - n)); // n is always 2..25 here
}

static uint32_t load32_be(const uint8_t p[4]) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void store32_be(uint8_t p[4], uint32_t x) {
    p[0] = (uint8_t)(x >> 24);
    p[1] = (uint8_t)(x >> 16);
    p[2] = (uint8_t)(x >> 8);
    p[3] = (uint8_t)x;
}

// FIPS 180-4 6.2.2, with the 64-word schedule kept as a 16-word ring: less
// stack on an MCU and less to wipe.
static void compress(uint32_t h[8], const uint8_t block[64]) {
    uint32_t w[16];
    for (int i = 0; i < 16; i++) {
        w[i] = load32_be(block + 4 * i);
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    uint32_t e = h[4], f = h[5], g = h[6], k = h[7];
    for (int t = 0; t < 64; t++) {
        if (t >= 16) { // t is public: the schedule is the same for any data
            uint32_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
            uint32_t s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
            uint32_t s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
            w[t & 15] += s0 + w[(t - 7) & 15] + s1;
        }
        uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = k + big_s1 + ch + K[t] + w[t & 15];
        uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = big_s0 + maj;
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
    // The schedule holds message words: under HMAC, key-derived ones.
    ol_wipe(w, sizeof w);
}

// What compress leaves below its caller (its saved registers and spilled
// working variables: under HMAC, key-derived) is overwritten after each
// update and final that ran it (burn.h): SHA256_STACK_BURN bytes, above
// compress's 152-byte frame on the reference board (its .su file); a deeper
// port raises it. The residue check of `make ct-check` looks for what stays.
#define SHA256_STACK_BURN 256

OL_STACK_BURNER(sha256_burn_stack, SHA256_STACK_BURN)

void ol_sha256_init(ol_sha256_ctx *ctx) {
    sha256_state *s = state_of(ctx);
    memcpy(s->h, H0, sizeof s->h);
    s->count = 0;
    memset(s->buf, 0, sizeof s->buf);
}

void ol_sha256_update(ol_sha256_ctx *ctx, const void *data, size_t len) {
    if (len == 0) {
        return; // data may be NULL
    }
    sha256_state *s = state_of(ctx);
    const uint8_t *in = data;
    size_t used = (size_t)(s->count % 64);
    s->count += len;
    if (used > 0) { // top up the pending partial block first
        size_t take = 64 - used < len ? 64 - used : len;
        memcpy(s->buf + used, in, take);
        in += take;
        len -= take;
        if (used + take < 64) {
            return;
        }
        compress(s->h, s->buf);
    }
    for (; len >= 64; in += 64, len -= 64) {
        compress(s->h, in);
    }
    memcpy(s->buf, in, len);
    sha256_burn_stack();
}

void ol_sha256_final(ol_sha256_ctx *ctx, uint8_t out[OL_SHA256_BYTES]) {
    sha256_state *s = state_of(ctx);
    size_t used = (size_t)(s->count % 64);
    uint64_t bits = s->count * 8; // FIPS 180-4 limits messages to < 2^64 bits
    // 5.1.1: a 1 bit, zeros up to 56 mod 64, then the 64-bit big-endian length.
    s->buf[used++] = 0x80;
    if (used > 56) {
        memset(s->buf + used, 0, 64 - used);
        compress(s->h, s->buf);
        used = 0;
    }
    memset(s->buf + used, 0, 56 - used);
    store32_be(s->buf + 56, (uint32_t)(bits >> 32));
    store32_be(s->buf + 60, (uint32_t)bits);
    compress(s->h, s->buf);
    for (int i = 0; i < 8; i++) {
        store32_be(out + 4 * i, s->h[i]);
    }
    ol_wipe(ctx, sizeof *ctx);
    sha256_burn_stack();
}

void ol_sha256(uint8_t out[OL_SHA256_BYTES], const void *data, size_t len) {
    ol_sha256_ctx ctx;
    ol_sha256_init(&ctx);
    ol_sha256_update(&ctx, data, len);
    ol_sha256_final(&ctx, out); // wipes ctx
}

const char *ol_crypto_backend(void) {
    return "builtin";
}
