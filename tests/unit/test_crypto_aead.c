// ownerlock — ChaCha20-Poly1305: RFC 8439 section 2.8.2 and appendix A.5
// vectors, every single-bit change of tag, ciphertext, associated data, key
// and nonce refused with the plaintext wiped, and a differential run against
// libsodium. Built once per backend; libsodium is called directly as the oracle.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "ownerlock/crypto.h"
#include "testvec.h"

static void oracle_seal(uint8_t *ct, uint8_t tag[16], const uint8_t key[32],
                        const uint8_t nonce[12], const uint8_t *ad, size_t ad_len,
                        const uint8_t *pt, size_t len) {
    static uint8_t dummy;
    crypto_aead_chacha20poly1305_ietf_encrypt_detached(ct ? ct : &dummy, tag, NULL,
                                                       pt ? pt : &dummy, len, ad ? ad : &dummy,
                                                       ad_len, NULL, nonce, key);
}

// ---- published vectors ---------------------------------------------------------
typedef struct {
    const char *key, *nonce, *ad, *pt, *ct, *tag;
} aead_vector;

static const aead_vector rfc8439[] = {
    // Section 2.8.2
    {"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", "070000004041424344454647",
     "50515253c0c1c2c3c4c5c6c7",
     // "Ladies and Gentlemen of the class of '99: If I could offer you only one
     // tip for the future, sunscreen would be it."
     "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a204966"
     "204920636f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f72207468652066757475"
     "72652c2073756e73637265656e20776f756c642062652069742e",
     "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da"
     "92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad6759455"
     "85808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116",
     "1ae10b594f09e26a7e902ecbd0600691"},
    // Appendix A.5 (the decryption example)
    {"1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0", "000000000102030405060708",
     "f33388860000000000004e91",
     // "Internet-Drafts are draft documents valid for a maximum of six months
     // and may be updated, ... other than as /"work in progress./""
     "496e7465726e65742d4472616674732061726520647261667420646f63756d656e74732076616c696420666f"
     "722061206d6178696d756d206f6620736978206d6f6e74687320616e64206d61792062652075706461746564"
     "2c207265706c616365642c206f72206f62736f6c65746564206279206f7468657220646f63756d656e747320"
     "617420616e792074696d652e20497420697320696e617070726f70726961746520746f2075736520496e7465"
     "726e65742d447261667473206173207265666572656e6365206d6174657269616c206f7220746f2063697465"
     "207468656d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67726573732e2fe280"
     "9d",
     "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e"
     "382d26b0bdb7b73c321b0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd"
     "60f982b1ff37c8559797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4b9166c76"
     "7b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a"
     "0d072b04b3564eea1b422273f548271a0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a67276"
     "27097a1049e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b0270"
     "9b",
     "eead9d67890cbb22392336fea1851f38"},
};

static void test_vectors(void) {
    for (size_t v = 0; v < sizeof rfc8439 / sizeof rfc8439[0]; v++) {
        uint8_t key[32], nonce[12], ad[16], pt[300], ct[300], tag[16];
        uint8_t got[300], got_tag[16];
        unhex(key, sizeof key, rfc8439[v].key);
        unhex(nonce, sizeof nonce, rfc8439[v].nonce);
        size_t ad_len = unhex(ad, sizeof ad, rfc8439[v].ad);
        size_t len = unhex(pt, sizeof pt, rfc8439[v].pt);
        CHECK_EQ(unhex(ct, sizeof ct, rfc8439[v].ct), len);
        unhex(tag, sizeof tag, rfc8439[v].tag);
        CHECK_EQ(len, v == 0 ? 114 : 265);

        // The published values are what libsodium says.
        oracle_seal(got, got_tag, key, nonce, ad, ad_len, pt, len);
        CHECK_MEM(got, ct, len);
        CHECK_MEM(got_tag, tag, 16);

        memset(got, 0, sizeof got);
        ol_aead_seal(got, got_tag, key, nonce, ad, ad_len, pt, len);
        CHECK_MEM(got, ct, len);
        CHECK_MEM(got_tag, tag, 16);
        memset(got, 0, sizeof got);
        CHECK_EQ(ol_aead_open(got, tag, key, nonce, ad, ad_len, ct, len), 0);
        CHECK_MEM(got, pt, len);

        // In place, both ways.
        memcpy(got, pt, len);
        ol_aead_seal(got, got_tag, key, nonce, ad, ad_len, got, len);
        CHECK_MEM(got, ct, len);
        CHECK_MEM(got_tag, tag, 16);
        CHECK_EQ(ol_aead_open(got, tag, key, nonce, ad, ad_len, got, len), 0);
        CHECK_MEM(got, pt, len);
    }
}

// ---- tampering: every bit of everything --------------------------------------------
// Each single-bit change of the tag, the ciphertext, the associated data, the
// key or the nonce makes open return -1 and leave the plaintext all zeros.
static void test_tamper(void) {
    uint8_t key[32], nonce[12], ad[21], pt[77], ct[77], tag[16], out[77];
    rng_fill(key, sizeof key);
    rng_fill(nonce, sizeof nonce);
    rng_fill(ad, sizeof ad);
    rng_fill(pt, sizeof pt);
    ol_aead_seal(ct, tag, key, nonce, ad, sizeof ad, pt, sizeof pt);
    CHECK_EQ(ol_aead_open(out, tag, key, nonce, ad, sizeof ad, ct, sizeof ct), 0);
    CHECK_MEM(out, pt, sizeof pt);

    unsigned accepted = 0, not_wiped = 0, tried = 0;
    uint8_t *fields[] = {tag, ct, ad, key, nonce};
    size_t sizes[] = {sizeof tag, sizeof ct, sizeof ad, sizeof key, sizeof nonce};
    for (size_t f = 0; f < 5; f++) {
        for (size_t bit = 0; bit < 8 * sizes[f]; bit++) {
            fields[f][bit / 8] ^= (uint8_t)(1u << (bit % 8));
            memset(out, 0xee, sizeof out);
            accepted +=
                ol_aead_open(out, tag, key, nonce, ad, sizeof ad, ct, sizeof ct) != OL_ERR_AUTH;
            not_wiped += !all_zero(out, sizeof out);
            fields[f][bit / 8] ^= (uint8_t)(1u << (bit % 8));
            tried++;
        }
    }
    CHECK_EQ(tried, 8 * (16 + 77 + 21 + 32 + 12));
    CHECK_EQ(accepted, 0);
    CHECK_EQ(not_wiped, 0);

    // Truncated or extended ciphertext or associated data, a zero tag.
    memset(out, 0xee, sizeof out);
    CHECK_EQ(ol_aead_open(out, tag, key, nonce, ad, sizeof ad, ct, sizeof ct - 1), OL_ERR_AUTH);
    CHECK(all_zero(out, sizeof ct - 1));
    CHECK_EQ(ol_aead_open(out, tag, key, nonce, ad, sizeof ad - 1, ct, sizeof ct), OL_ERR_AUTH);
    CHECK_EQ(ol_aead_open(out, tag, key, nonce, NULL, 0, ct, sizeof ct), OL_ERR_AUTH);
    uint8_t zero_tag[16] = {0};
    CHECK_EQ(ol_aead_open(out, zero_tag, key, nonce, ad, sizeof ad, ct, sizeof ct), OL_ERR_AUTH);
    // Moving bytes between associated data and ciphertext changes the tag (the
    // lengths are MACed).
    uint8_t joined[21 + 77];
    memcpy(joined, ad, sizeof ad);
    memcpy(joined + sizeof ad, ct, sizeof ct);
    CHECK_EQ(ol_aead_open(out, tag, key, nonce, joined, sizeof ad + 1, joined + sizeof ad + 1,
                          sizeof ct - 1),
             OL_ERR_AUTH);
    // Still fine untouched.
    CHECK_EQ(ol_aead_open(out, tag, key, nonce, ad, sizeof ad, ct, sizeof ct), 0);
    CHECK_MEM(out, pt, sizeof pt);

    // Empty message: the tag alone authenticates the associated data.
    uint8_t t0[16];
    ol_aead_seal(NULL, t0, key, nonce, ad, sizeof ad, NULL, 0);
    CHECK_EQ(ol_aead_open(NULL, t0, key, nonce, ad, sizeof ad, NULL, 0), 0);
    ad[3] ^= 0x10;
    CHECK_EQ(ol_aead_open(NULL, t0, key, nonce, ad, sizeof ad, NULL, 0), OL_ERR_AUTH);
}

// ---- differential against libsodium ------------------------------------------------
static void test_differential(void) {
    enum { RUNS = 2000, MAX_AD = 80, MAX_PT = 300 };
    unsigned bad_ct = 0, bad_tag = 0, bad_open = 0, bad_reject = 0;
    for (int run = 0; run < RUNS; run++) {
        uint8_t key[32], nonce[12], ad[MAX_AD], pt[MAX_PT], ct[MAX_PT], tag[16];
        uint8_t want_ct[MAX_PT], want_tag[16], out[MAX_PT];
        size_t ad_len = rng_below(MAX_AD + 1);
        // Lengths around the 16-byte Poly1305 and 64-byte ChaCha20 blocks.
        size_t len = run < 200 ? (size_t)run % 150 : rng_below(MAX_PT + 1);
        rng_fill(key, sizeof key);
        rng_fill(nonce, sizeof nonce);
        rng_fill(ad, ad_len);
        rng_fill(pt, len);
        oracle_seal(want_ct, want_tag, key, nonce, ad, ad_len, pt, len);
        ol_aead_seal(ct, tag, key, nonce, ad, ad_len, pt, len);
        bad_ct += memcmp(ct, want_ct, len) != 0;
        bad_tag += memcmp(tag, want_tag, 16) != 0;
        bad_open += ol_aead_open(out, tag, key, nonce, ad, ad_len, ct, len) != 0 ||
                    memcmp(out, pt, len) != 0;
        // And libsodium refuses what we refuse.
        size_t bit = rng_below(8 * 16);
        tag[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        bad_reject += ol_aead_open(out, tag, key, nonce, ad, ad_len, ct, len) != OL_ERR_AUTH;
        bad_reject += crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                          out, NULL, len ? ct : want_ct, len, tag, ad_len ? ad : want_ct, ad_len,
                          nonce, key) != -1;
    }
    CHECK_EQ(bad_ct, 0);
    CHECK_EQ(bad_tag, 0);
    CHECK_EQ(bad_open, 0);
    CHECK_EQ(bad_reject, 0);
}

int main(void) {
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    printf("test_crypto_aead: backend %s\n", ol_crypto_backend());
    rng_seed_from_env("test_crypto_aead");
    test_vectors();
    test_tamper();
    test_differential();
    return check_done("test_crypto_aead");
}
