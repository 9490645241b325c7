// ownerlock — SHA-512 and Ed25519 verification on the Cortex-M3, with the
// port's field assembly (x25519_cm3.S) under the curve: the published
// vectors (tests/unit/ed25519_vectors.h) accepted, and refused with one bit
// flipped in the signature, the message or the key, with S + L, and with a
// key of small order. The host test compares it all with libsodium.
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ed25519_vectors.h"
#include "ownerlock/crypto.h"
#include "testvec.h"

static void test_sha512(void) {
    for (size_t i = 0; i < sizeof sha512_examples / sizeof sha512_examples[0]; i++) {
        uint8_t want[64], got[64];
        unhex(want, sizeof want, sha512_examples[i].digest);
        ol_sha512(got, sha512_examples[i].msg, strlen(sha512_examples[i].msg));
        CHECK_MEM(got, want, 64);
    }
}

static void test_vectors(void) {
    for (size_t i = 0; i < sizeof rfc8032_vectors / sizeof rfc8032_vectors[0]; i++) {
        uint8_t pub[32], msg[8], sig[64];
        unhex(pub, sizeof pub, rfc8032_vectors[i].pub);
        size_t n = unhex(msg, sizeof msg, rfc8032_vectors[i].msg);
        unhex(sig, sizeof sig, rfc8032_vectors[i].sig);
        const uint8_t *m = n ? msg : NULL;
        CHECK_EQ(ol_ed25519_verify(sig, m, n, pub), OL_OK);
        sig[3] ^= 0x04; // R
        CHECK_EQ(ol_ed25519_verify(sig, m, n, pub), OL_ERR_AUTH);
        sig[3] ^= 0x04;
        sig[33] ^= 0x01; // S
        CHECK_EQ(ol_ed25519_verify(sig, m, n, pub), OL_ERR_AUTH);
        sig[33] ^= 0x01;
        pub[7] ^= 0x20; // the key
        CHECK_EQ(ol_ed25519_verify(sig, m, n, pub), OL_ERR_AUTH);
        pub[7] ^= 0x20;
        uint8_t other = 0x73; // another message
        CHECK_EQ(ol_ed25519_verify(sig, &other, 1, pub), OL_ERR_AUTH);
        ed25519_add_l(sig + 32);
        CHECK_EQ(ol_ed25519_verify(sig, m, n, pub), OL_ERR_AUTH);
    }
    // The identity as the key "signs" anything with R = identity, S = 0.
    uint8_t ident[32] = {1}, forged[64] = {1}, msg[4] = {1, 2, 3, 4};
    CHECK_EQ(ol_ed25519_verify(forged, msg, sizeof msg, ident), OL_ERR_AUTH);
}

int main(void) {
    test_sha512();
    test_vectors();
    return check_done("test_ed25519");
}
