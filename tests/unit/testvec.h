// Helpers shared by the crypto and link tests: hex vectors and a seeded,
// reproducible generator (splitmix64). Not random: tests must reproduce.
#ifndef OWNERLOCK_TEST_TESTVEC_H
#define OWNERLOCK_TEST_TESTVEC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Decode hex into out (at most cap bytes); returns the byte count. Bad input
// is a bug in the test: stop.
static inline size_t unhex(uint8_t *out, size_t cap, const char *hex) {
    size_t n = strlen(hex) / 2;
    if (n > cap || strlen(hex) % 2 != 0) {
        fprintf(stderr, "unhex: %zu bytes do not fit in %zu (or odd length)\n", n, cap);
        exit(2);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            fprintf(stderr, "unhex: bad digit in %s\n", hex);
            exit(2);
        }
        out[i] = (uint8_t)v;
    }
    return n;
}

static uint64_t testvec_rng_state = 0x6f776e65726c6f63u;

// Seed from OL_TEST_SEED if set, else the default; prints it so a failure
// can be reproduced.
static inline void rng_seed_from_env(const char *name) {
    const char *seed_env = getenv("OL_TEST_SEED");
    if (seed_env != NULL) {
        testvec_rng_state = strtoull(seed_env, NULL, 0);
    }
    printf("%s: seed 0x%llx\n", name, (unsigned long long)testvec_rng_state);
}

static inline uint64_t rng_next(void) { // splitmix64
    uint64_t z = (testvec_rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline size_t rng_below(size_t n) {
    return (size_t)(rng_next() % n);
}

static inline void rng_fill(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)rng_next();
    }
}

static inline int all_zero(const void *p, size_t n) {
    const uint8_t *b = p;
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= b[i];
    }
    return acc == 0;
}

#endif
