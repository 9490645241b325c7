// ownerlock — published test vectors for SHA-512 (FIPS 180-4 examples:
// "abc", the two-block message, the empty one) and Ed25519 (RFC 8032
// section 7.1, TESTs 1 and 2), shared by the host test
// (test_crypto_ed25519.c, which has libsodium confirm them) and the target's
// (ports/mps2-an385/tests/test_ed25519.c).
#ifndef OWNERLOCK_TEST_ED25519_VECTORS_H
#define OWNERLOCK_TEST_ED25519_VECTORS_H

#include <stdint.h>

static const struct {
    const char *msg, *digest;
} sha512_examples[] = {
    {"abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnop"
     "qrlmnopqrsmnopqrstnopqrstu",
     "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
     "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"},
    {"", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
         "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
};

static const struct {
    const char *seed, *pub, *msg, *sig;
} rfc8032_vectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

// L, the group order, little-endian: S + L is the malleable twin of S.
static const uint8_t ed25519_l[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

// s += L (little-endian; S < L, so S + L < 2^254 fits).
static inline void ed25519_add_l(uint8_t s[32]) {
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        unsigned v = s[i] + ed25519_l[i] + carry;
        s[i] = (uint8_t)v;
        carry = v >> 8;
    }
}

#endif
