// ownerlock — the crypto the constant-time trace runs (tests/ct/m3-trace.c).
//
// Built for the Cortex-M3 with the library linked as in the firmware (LTO,
// -Os), and run in an emulated Cortex-M3 by the trace, which writes the
// inputs below, calls one of these functions and watches every instruction
// it executes (no startup code, no peripherals):
//   ct_x25519()  ct_out = X25519(ct_scalar, ct_point)            (ol_x25519)
//   ct_seal()    ct_ct, ct_tag = AEAD(ct_key, ct_nonce, ct_ad, ct_msg)
//   ct_open()    ct_msg = the opening of ct_ct, ct_tag under the same
//   ct_digits()  an entry's duress variant (ol_credential_duress_variant)
//                and the Damm check digit (ol_check_digit) of its digits
//   ct_hmac()    ct_mac = HMAC-SHA256(ct_key, ct_msg) (a code's tag is one)
// The trace runs each twice, with two secrets (scalars, keys, digits) and
// the same public inputs. The AEAD's are those of a DATA frame of the link (an 18-byte
// header as associated data, a 40-byte message: src/link/session.c).
//
// CT_TEST_FLAW (TEST ONLY: ct_harness_flaw.elf) plants the flaws the trace
// must find, for its self-test, at the start of each call: two secret bytes
// through a 64-bit product and a remainder, as fe_mul and the digit code did
// (issue 14), a loop that runs as many times as the first byte says
// (control flow that depends on the secret), and a copy of the secret left on
// the stack (the residue check).
// main() runs each once, so the program also runs under QEMU.
#include <stdio.h>
#include <string.h>

#include "core/credentials.h"
#include "ownerlock/crypto.h"
#include "ownerlock/private/link.h"
#include "ownerlock/recovery.h"

#define CT_AD_BYTES 18 // a DATA frame's: type, length, counter, ack

uint8_t ct_scalar[OL_X25519_BYTES];
uint8_t ct_point[OL_X25519_BYTES] = {9};
uint8_t ct_out[OL_X25519_BYTES];
uint8_t ct_key[OL_AEAD_KEY_BYTES];
uint8_t ct_nonce[OL_AEAD_NONCE_BYTES];
uint8_t ct_ad[CT_AD_BYTES];
uint8_t ct_msg[OL_MSG_BYTES];
uint8_t ct_ct[OL_MSG_BYTES];
uint8_t ct_tag[OL_AEAD_TAG_BYTES];
uint8_t ct_digit[OL_ENTRY_MAX_DIGITS];
uint8_t ct_variant[OL_ENTRY_MAX_DIGITS];
uint8_t ct_ndigits = 8;
uint8_t ct_check;
uint8_t ct_mac[OL_SHA256_BYTES];
volatile uint32_t ct_leak; // where the planted flaw's result goes

uint32_t ct_x25519(void);
uint32_t ct_seal(void);
uint32_t ct_open(void);
uint32_t ct_digits(void);
uint32_t ct_hmac(void);

#ifdef CT_TEST_FLAW
// noinline: a call of its own, whatever the optimiser makes of the rest.
// copy: 8 bytes in the calling ct_* function's own frame, above the stack
// the crypto uses and clears after it, never wiped: the residue.
__attribute__((noinline)) static void planted_flaw(const uint8_t *secret, volatile uint8_t *copy) {
    for (int i = 0; i < 8; i++) {
        copy[i] = secret[i];
    }
    uint32_t s = (uint32_t)secret[0] | (uint32_t)secret[1] << 8;
    volatile uint32_t big = 0x12345u; // volatile: no folding into shifts
    ct_leak = (uint32_t)(((uint64_t)s * big) >> 32) + s % (big & 0xFFu);
    for (uint32_t i = 0; i < secret[0]; i++) {
        ct_leak = ct_leak + 1u;
    }
}
#define PLANT(secret)                                                                              \
    volatile uint8_t planted_copy[8];                                                              \
    planted_flaw(secret, planted_copy)
#else
#define PLANT(secret) ((void)0)
#endif

__attribute__((noinline, used)) uint32_t ct_x25519(void) {
    PLANT(ct_scalar);
    return (uint32_t)ol_x25519(ct_out, ct_scalar, ct_point);
}

__attribute__((noinline, used)) uint32_t ct_seal(void) {
    PLANT(ct_key);
    ol_aead_seal(ct_ct, ct_tag, ct_key, ct_nonce, ct_ad, sizeof ct_ad, ct_msg, sizeof ct_msg);
    return 0;
}

__attribute__((noinline, used)) uint32_t ct_open(void) {
    PLANT(ct_key);
    return (uint32_t)ol_aead_open(ct_msg, ct_tag, ct_key, ct_nonce, ct_ad, sizeof ct_ad, ct_ct,
                                  sizeof ct_ct);
}

__attribute__((noinline, used)) uint32_t ct_digits(void) {
    PLANT(ct_digit);
    ol_credential_duress_variant(ct_variant, ct_digit, ct_ndigits);
    ct_check = ol_check_digit(ct_digit, ct_ndigits);
    return 0;
}

__attribute__((noinline, used)) uint32_t ct_hmac(void) {
    PLANT(ct_key);
    ol_hmac_sha256(ct_mac, ct_key, sizeof ct_key, ct_msg, sizeof ct_msg);
    return 0;
}

int main(void) {
    memset(ct_scalar, 0x5A, sizeof ct_scalar);
    memset(ct_key, 0xA5, sizeof ct_key);
    uint32_t x = ct_x25519(), s = ct_seal(), o = ct_open(), d = ct_digits(), h = ct_hmac();
    printf("ct harness: x25519 %u, seal %u, open %u, digits %u, hmac %u\n", (unsigned)x,
           (unsigned)s, (unsigned)o, (unsigned)d, (unsigned)h);
    return x == 0 && s == 0 && o == 0 && d == 0 && h == 0 ? 0 : 1;
}
