// ownerlock — mps2-an385 port: TEST-ONLY stand-in for a TRNG.
//
// *** NOT RANDOM. NEVER IN A REAL LOCK. ***
// QEMU's AN385 has no entropy source. This generator is HMAC-SHA256 in
// counter mode over a key made from a fixed seed (reproducible runs) or from
// the host clock and the SysTick phase (guessable to within seconds). The
// device key it produces at commissioning protects nothing. A port for real
// hardware replaces this file with a driver for the MCU's TRNG that runs the
// source's health tests and returns an error, never weak bytes, when they
// fail (docs/PORTING.md).
#ifndef OL_ALLOW_TEST_TRNG
#error "trng_test.c is a TEST-ONLY, non-random TRNG: build with -DOL_ALLOW_TEST_TRNG only for QEMU"
#endif

#include <string.h>

#include "board.h"
#include "ownerlock/crypto.h"
#include "semihost.h"

static const char label[] = "ownerlock an385 TEST-ONLY trng";

void an385_test_trng_init(an385_test_trng *t, const char *seed_text) {
    ol_hmac_sha256_ctx ctx;
    ol_hmac_sha256_init(&ctx, (const uint8_t *)label, sizeof label - 1);
    if (seed_text) {
        ol_hmac_sha256_update(&ctx, seed_text, strlen(seed_text));
    } else {
        uint32_t noise[4] = {(uint32_t)semihost_time(), (uint32_t)semihost_clock(), SYST_CVR,
                             (uint32_t)board_ms()};
        ol_hmac_sha256_update(&ctx, noise, sizeof noise);
    }
    ol_hmac_sha256_final(&ctx, t->key);
    t->counter = 0;
    t->seeded = true;
}

ol_err an385_test_trng_fill(void *ctx, uint8_t *buf, size_t len) {
    an385_test_trng *t = ctx;
    if (!t || (len && !buf)) {
        return OL_ERR_ARG;
    }
    if (!t->seeded) {
        return OL_ERR_STATE; // a source that is not ready says so
    }
    while (len) {
        uint8_t block[OL_SHA256_BYTES];
        uint8_t ctr[4] = {(uint8_t)t->counter, (uint8_t)(t->counter >> 8),
                          (uint8_t)(t->counter >> 16), (uint8_t)(t->counter >> 24)};
        t->counter++;
        ol_hmac_sha256(block, t->key, sizeof t->key, ctr, sizeof ctr);
        size_t n = len < sizeof block ? len : sizeof block;
        memcpy(buf, block, n);
        ol_wipe(block, sizeof block);
        buf += n;
        len -= n;
    }
    return OL_OK;
}
