// Published test vectors shared by the host and the target crypto tests.
#ifndef OWNERLOCK_TEST_VECTORS_H
#define OWNERLOCK_TEST_VECTORS_H

#include <stddef.h>

// SHA-256, FIPS 180-4 examples (NIST "Example Values"); the one million 'a'
// case is built by the tests.
typedef struct fips180_vector {
    const char *msg;
    const char *digest; // hex
} fips180_vector;

static const fips180_vector fips180[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopq"
     "rlmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

// RFC 4231 test case 7's data (cases 6 and 7 use a 131-byte key of 0xaa).
static const char rfc4231_case7_data[] =
    "This is a test using a larger than block-size key and a larger "
    "than block-size data. The key needs to be hashed before being "
    "used by the HMAC algorithm.";

// HMAC-SHA256, RFC 4231 test cases 1-7.
typedef struct rfc4231_vector {
    const char *key_hex; // hex, or NULL for 131 bytes of 0xaa
    const char *data;    // text when data_hex is NULL
    const char *data_hex;
    const char *mac; // hex; case 5 is truncated to 128 bits
} rfc4231_vector;

static const rfc4231_vector rfc4231[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", NULL,
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {"4a656665", "what do ya want for nothing?", NULL,
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL,
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddddddddd",
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    {"0102030405060708090a0b0c0d0e0f10111213141516171819", NULL,
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
     "cdcdcdcdcdcdcd",
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
    {"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "Test With Truncation", NULL,
     "a3b6167473100ee06e0c796c2955552b"},
    {NULL, "Test Using Larger Than Block-Size Key - Hash Key First", NULL,
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
    {NULL, rfc4231_case7_data, NULL,
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
};

#endif
