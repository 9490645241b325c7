// ownerlock — SHA-512 (FIPS 180-4), portable C for MCUs.
//
// Written from the standard. Freestanding. For Ed25519 verification and
// firmware images, that is over public data; it is nevertheless free of
// data-dependent branches and indices, like sha256.c. 64-bit words: on a
// 32-bit core the compiler splits them into pairs (additions with carry,
// shifts), never a multiplication or a division.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ownerlock/crypto.h"

typedef struct {
    uint64_t h[8];    // chaining value H(i)
    uint64_t count;   // bytes hashed so far (2^64 bytes is more than a lock holds)
    uint8_t buf[128]; // partial block
} sha512_state;

_Static_assert(sizeof(sha512_state) <= sizeof(ol_sha512_ctx), "sha512 state too large");
_Static_assert(_Alignof(sha512_state) <= _Alignof(ol_sha512_ctx), "sha512 state misaligned");

static sha512_state *state_of(ol_sha512_ctx *ctx) {
    return (sha512_state *)(void *)ctx->u.bytes;
}

// FIPS 180-4 4.2.3: the first 64 bits of the fractional parts of the cube
// roots of the first 80 primes.
static const uint64_t K[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

// FIPS 180-4 5.3.5: the first 64 bits of the fractional parts of the square
// roots of the first 8 primes.
static const uint64_t H0[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static uint64_t rotr(uint64_t x, unsigned n) {
    return (x >> n) | (x << (64 - n)); // n is always 1..61 here
}

static uint64_t load64_be(const uint8_t p[8]) {
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) {
        x = (x << 8) | p[i];
    }
    return x;
}

static void store64_be(uint8_t p[8], uint64_t x) {
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)x;
        x >>= 8;
    }
}

// FIPS 180-4 6.4.2, with the message schedule in a ring of 16 words.
static void compress(uint64_t h[8], const uint8_t block[128]) {
    uint64_t w[16], v[8];
    for (int i = 0; i < 16; i++) {
        w[i] = load64_be(block + 8 * i);
    }
    memcpy(v, h, sizeof v);
    for (int t = 0; t < 80; t++) {
        if (t >= 16) {
            uint64_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
            uint64_t s0 = rotr(w15, 1) ^ rotr(w15, 8) ^ (w15 >> 7);
            uint64_t s1 = rotr(w2, 19) ^ rotr(w2, 61) ^ (w2 >> 6);
            w[t & 15] += s0 + w[(t - 7) & 15] + s1;
        }
        uint64_t e = v[4], a = v[0];
        uint64_t t1 = v[7] + (rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)) +
                      ((e & v[5]) ^ (~e & v[6])) + K[t] + w[t & 15];
        uint64_t t2 =
            (rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)) + ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) {
        h[i] += v[i];
    }
    ol_wipe(w, sizeof w);
    ol_wipe(v, sizeof v);
}

void ol_sha512_init(ol_sha512_ctx *ctx) {
    sha512_state *s = state_of(ctx);
    memcpy(s->h, H0, sizeof s->h);
    s->count = 0;
    memset(s->buf, 0, sizeof s->buf);
}

void ol_sha512_update(ol_sha512_ctx *ctx, const void *data, size_t len) {
    sha512_state *s = state_of(ctx);
    const uint8_t *p = data;
    size_t have = (size_t)(s->count % OL_SHA512_BLOCK);
    s->count += len;
    if (have != 0) {
        size_t take = OL_SHA512_BLOCK - have < len ? OL_SHA512_BLOCK - have : len;
        memcpy(s->buf + have, p, take);
        p += take;
        len -= take;
        if (have + take < OL_SHA512_BLOCK) {
            return;
        }
        compress(s->h, s->buf);
    }
    for (; len >= OL_SHA512_BLOCK; p += OL_SHA512_BLOCK, len -= OL_SHA512_BLOCK) {
        compress(s->h, p);
    }
    memcpy(s->buf, p, len);
}

// FIPS 180-4 5.1.2: a 1 bit, zeros, and the length in bits as 128 bits.
void ol_sha512_final(ol_sha512_ctx *ctx, uint8_t out[OL_SHA512_BYTES]) {
    sha512_state *s = state_of(ctx);
    size_t have = (size_t)(s->count % OL_SHA512_BLOCK);
    s->buf[have++] = 0x80;
    if (have > OL_SHA512_BLOCK - 16) {
        memset(s->buf + have, 0, OL_SHA512_BLOCK - have);
        compress(s->h, s->buf);
        have = 0;
    }
    memset(s->buf + have, 0, OL_SHA512_BLOCK - 8 - have);
    store64_be(s->buf + OL_SHA512_BLOCK - 8, s->count << 3);
    s->buf[OL_SHA512_BLOCK - 9] = (uint8_t)(s->count >> 61);
    compress(s->h, s->buf);
    for (int i = 0; i < 8; i++) {
        store64_be(out + 8 * i, s->h[i]);
    }
    ol_wipe(ctx, sizeof *ctx);
}

void ol_sha512(uint8_t out[OL_SHA512_BYTES], const void *data, size_t len) {
    ol_sha512_ctx ctx;
    ol_sha512_init(&ctx);
    ol_sha512_update(&ctx, data, len);
    ol_sha512_final(&ctx, out);
}
