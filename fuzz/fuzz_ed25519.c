// ownerlock — libFuzzer target: Ed25519 verification (the firmware image's
// signature check, issue 15) against libsodium on arbitrary keys, signatures
// and messages.
//
// The input: a mode byte, then 32 + 64 bytes, then the message.
//  - mode even: the 32 bytes are the key, the 64 the signature, as they come
//    (encodings that decode or not, small orders, S of any size);
//  - mode odd: the 32 bytes are a seed; libsodium signs the message under it,
//    and the 64 bytes are XORed onto the signature (zeros: the valid one) —
//    near-valid signatures that random bytes would never reach.
// Invariant (abort() = a finding): ol_ed25519_verify accepts exactly what
// libsodium's crypto_sign_verify_detached accepts; no out-of-bounds access
// (ASan), no undefined behaviour (UBSan).
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"
#include "ownerlock/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 + 32 + 64 || sodium_init() < 0) {
        return 0;
    }
    const uint8_t *msg = data + 1 + 32 + 64;
    size_t len = size - (1 + 32 + 64);
    uint8_t pub[32], sig[64];
    if ((data[0] & 1) == 0) {
        memcpy(pub, data + 1, 32);
        memcpy(sig, data + 33, 64);
    } else {
        uint8_t sk[64];
        crypto_sign_seed_keypair(pub, sk, data + 1);
        crypto_sign_detached(sig, NULL, msg, len, sk);
        for (int i = 0; i < 64; i++) {
            sig[i] ^= data[33 + i];
        }
    }
    int want = crypto_sign_verify_detached(sig, msg, len, pub) == 0;
    int got = ol_ed25519_verify(sig, msg, len, pub) == OL_OK;
    REQUIRE(want == got);
    return 0;
}
