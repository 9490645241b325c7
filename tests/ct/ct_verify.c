// Constant-time check of the verification path (DESIGN.md invariant 3).
//
// Run under valgrind's memcheck: the entered digits, the entry's length, the
// device key and every stored tag are marked *undefined*, so memcheck reports
// any branch or memory index that depends on them ("conditional jump or move
// depends on uninitialised value", "use of uninitialised value of size 8").
// Only the final outcome — which slot matched, if any — is declassified: the
// lock must act on it. The path covered is the one `ol_authenticate` runs for
// every entry: the duress variant, two MACs (HMAC-SHA256 inside), the compare
// against all 32 slots, and the slot extraction. The AEAD and X25519 of the
// keypad link are covered the same way.
//
// `ct_verify --self-test` branches on a secret on purpose: run under
// valgrind it must fail, which shows the check can fail.
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "core/credentials.h"
#include "ownerlock/crypto.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static void fill(uint8_t *p, size_t n, uint8_t seed) {
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed + 31u * i);
    }
}

static unsigned verify_path(void) {
    uint8_t key[DEVICE_KEY_BYTES];
    uint8_t tags[OL_SLOTS][OL_TAG_BYTES];
    uint8_t digits[OL_ENTRY_MAX_DIGITS] = {4, 8, 2, 9, 1, 5};
    uint8_t n = 6;
    fill(key, sizeof key, 7);
    for (uint8_t s = 0; s < OL_SLOTS; s++) {
        fill(tags[s], OL_TAG_BYTES, s);
    }
    ol_credential_tag(tags[9], key, digits, n); // slot 09 holds the code
    SECRET(key, sizeof key);
    SECRET(tags, sizeof tags);
    SECRET(digits, sizeof digits);
    SECRET(&n, sizeof n);

    uint8_t variant[OL_ENTRY_MAX_DIGITS], tag[OL_TAG_BYTES], duress_tag[OL_TAG_BYTES];
    ol_credential_duress_variant(variant, digits, n);
    ol_credential_tag(tag, key, digits, n);
    ol_credential_tag(duress_tag, key, variant, n);
    uint32_t plain = ol_credential_match((const uint8_t(*)[OL_TAG_BYTES])tags, 0xFFFFFFFFu, tag);
    uint32_t forced =
        ol_credential_match((const uint8_t(*)[OL_TAG_BYTES])tags, 0xFFFFFFFFu, duress_tag);
    uint32_t either = plain | forced;
    uint8_t slot = ol_credential_slot_of(either);
    // The outcome is what the lock acts on: declassify it, and only it.
    PUBLIC(&either, sizeof either);
    PUBLIC(&slot, sizeof slot);
    return either == 1u << 9 && slot == 9 ? 0 : 1;
}

// The same in ID mode: the slot's two digits come first, and they are as
// secret as the code (a branch on them would tell which slot is tried).
static unsigned verify_id_path(void) {
    uint8_t key[DEVICE_KEY_BYTES];
    uint8_t tags[OL_SLOTS][OL_TAG_BYTES];
    uint8_t code[OL_ENTRY_MAX_DIGITS] = {4, 8, 2, 9, 1, 5};
    uint8_t digits[OL_ENTRY_MAX_DIGITS] = {0, 9, 4, 8, 2, 9, 1, 5};
    uint8_t n = 8;
    fill(key, sizeof key, 7);
    for (uint8_t s = 0; s < OL_SLOTS; s++) {
        fill(tags[s], OL_TAG_BYTES, s);
    }
    ol_credential_tag(tags[9], key, code, 6); // slot 09 holds the code
    SECRET(key, sizeof key);
    SECRET(tags, sizeof tags);
    SECRET(digits, sizeof digits);
    SECRET(&n, sizeof n);

    uint8_t typed[OL_ENTRY_MAX_DIGITS], typed_n;
    uint32_t scope = ol_credential_scope(typed, &typed_n, digits, n, true);
    uint8_t tag[OL_TAG_BYTES];
    ol_credential_tag(tag, key, typed, typed_n);
    uint32_t hit = ol_credential_match((const uint8_t(*)[OL_TAG_BYTES])tags, scope, tag);
    uint8_t slot = ol_credential_slot_of(hit);
    PUBLIC(&hit, sizeof hit);
    PUBLIC(&slot, sizeof slot);
    return hit == 1u << 9 && slot == 9 ? 0 : 1;
}

static unsigned link_crypto(void) {
    uint8_t key[OL_AEAD_KEY_BYTES], nonce[OL_AEAD_NONCE_BYTES] = {0}, ad[8] = {1, 2, 3};
    uint8_t pt[40], ct[40], back[40], tag[OL_AEAD_TAG_BYTES];
    fill(key, sizeof key, 3);
    fill(pt, sizeof pt, 5);
    SECRET(key, sizeof key);
    SECRET(pt, sizeof pt);
    ol_aead_seal(ct, tag, key, nonce, ad, sizeof ad, pt, sizeof pt);
    PUBLIC(ct, sizeof ct); // ciphertext and tag go on the cable
    PUBLIC(tag, sizeof tag);
    // open() recomputes the same keyed MAC as seal() and then acts on the
    // verdict, which is public; its keyed work is covered above.
    PUBLIC(key, sizeof key);
    int opened = ol_aead_open(back, tag, key, nonce, ad, sizeof ad, ct, sizeof ct);
    PUBLIC(&opened, sizeof opened);
    unsigned bad = opened != 0;

    uint8_t a[OL_X25519_BYTES], b[OL_X25519_BYTES], pa[OL_X25519_BYTES], pb[OL_X25519_BYTES];
    uint8_t sa[OL_X25519_BYTES], sb[OL_X25519_BYTES];
    fill(a, sizeof a, 11);
    fill(b, sizeof b, 13);
    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    ol_x25519_public(pa, a);
    ol_x25519_public(pb, b);
    PUBLIC(pa, sizeof pa); // public keys are public
    PUBLIC(pb, sizeof pb);
    int ra = ol_x25519(sa, a, pb), rb = ol_x25519(sb, b, pa);
    PUBLIC(&ra, sizeof ra);
    PUBLIC(&rb, sizeof rb);
    int same = ol_ct_compare(sa, sb, sizeof sa);
    PUBLIC(&same, sizeof same);
    bad += ra != 0 || rb != 0 || same != 0;
    return bad;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--self-test") == 0) {
        uint8_t secret = 1;
        SECRET(&secret, 1);
        volatile int leak = secret ? 1 : 2; // a branch on a secret: must be reported
        printf("self-test: branched on a secret (%d)\n", leak);
        return 0;
    }
    unsigned bad = verify_path();
    bad += verify_id_path();
    bad += link_crypto();
    printf("ct_verify: %u passed, %u failed\n", 3u - (bad > 3 ? 3 : bad), bad);
    return bad != 0;
}
