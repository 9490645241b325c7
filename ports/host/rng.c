// ownerlock — host port: deterministic test "TRNG". NOT random: xoshiro256**
// seeded by splitmix64, so the simulator and the tests replay exactly.
#include "host.h"

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

void ol_testrng_seed(ol_testrng *r, uint64_t seed) {
    // splitmix64 never yields four zero words, the one state xoshiro cannot leave.
    for (int i = 0; i < 4; i++) {
        r->state[i] = splitmix64(&seed);
    }
}

uint64_t ol_testrng_next(ol_testrng *r) {
    uint64_t *s = r->state;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

ol_err ol_testrng_fill(void *ctx, uint8_t *buf, size_t len) {
    if (!ctx || (len && !buf)) {
        return OL_ERR_ARG;
    }
    while (len) {
        uint64_t x = ol_testrng_next(ctx);
        for (int i = 0; i < 8 && len; i++, len--) {
            *buf++ = (uint8_t)(x >> (8 * i));
        }
    }
    return OL_OK;
}
