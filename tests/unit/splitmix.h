// splitmix64 (Steele, Lea, Flood 2014): the one generator the randomised
// tests draw from, so a seed reproduces a run. Not for anything secret.
#ifndef OWNERLOCK_TEST_SPLITMIX_H
#define OWNERLOCK_TEST_SPLITMIX_H

#include <stdint.h>

static inline uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

#endif
