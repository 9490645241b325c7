// ownerlock — codes as tags, constant-time matching, and the code policy.
#include "credentials.h"

#include <string.h>

#include "mod10.h"

#include "ownerlock/crypto.h"
#include "ownerlock/recovery.h"

#define MAC_INPUT_BYTES (2 + OL_ENTRY_MAX_DIGITS)
#define DOMAIN_CODE 0x01
#define DOMAIN_RECOVERY 0x02

// All-ones when a < b, for a, b < 2^31, without a branch.
static uint32_t ct_lt_mask(uint32_t a, uint32_t b) {
    return 0u - ((a - b) >> 31);
}

// The length of an entry is as secret as its digits: every position is
// read and masked, whatever n is.
static void mac_input(uint8_t in[MAC_INPUT_BYTES], const uint8_t digits[OL_ENTRY_MAX_DIGITS],
                      uint8_t n) {
    in[0] = DOMAIN_CODE;
    in[1] = n;
    for (uint32_t i = 0; i < OL_ENTRY_MAX_DIGITS; i++) {
        in[2 + i] = (uint8_t)(digits[i] & ct_lt_mask(i, n));
    }
}

static uint8_t clamp_length(uint8_t n) {
    uint32_t over = ~ct_lt_mask(n, OL_ENTRY_MAX_DIGITS + 1u);
    return (uint8_t)(n ^ ((n ^ OL_ENTRY_MAX_DIGITS) & over));
}

void ol_credential_duress_variant(uint8_t out[OL_ENTRY_MAX_DIGITS],
                                  const uint8_t digits[OL_ENTRY_MAX_DIGITS], uint8_t n) {
    uint32_t last = (uint32_t)clamp_length(n) - 1u;
    for (uint32_t i = 0; i < OL_ENTRY_MAX_DIGITS; i++) {
        uint32_t is_last = ~(ct_lt_mask(i, last) | ct_lt_mask(last, i));
        uint8_t down = (uint8_t)ol_mod10(digits[i] + 9u); // d - 1, 0 -> 9; no UDIV
        out[i] = (uint8_t)(digits[i] ^ ((digits[i] ^ down) & is_last));
    }
}

// Finishing a copy of a keyed context costs two compressions instead of four:
// the policy check MACs up to 109 variants under one key.
static void tag_from(uint8_t tag[OL_TAG_BYTES], const ol_hmac_sha256_ctx *keyed,
                     const uint8_t in[MAC_INPUT_BYTES]) {
    ol_hmac_sha256_ctx ctx = *keyed;
    uint8_t full[OL_SHA256_BYTES];
    ol_hmac_sha256_update(&ctx, in, MAC_INPUT_BYTES);
    ol_hmac_sha256_final(&ctx, full);
    memcpy(tag, full, OL_TAG_BYTES);
    ol_wipe(full, sizeof full);
}

void ol_credential_tag(uint8_t tag[OL_TAG_BYTES], const uint8_t key[DEVICE_KEY_BYTES],
                       const uint8_t digits[OL_ENTRY_MAX_DIGITS], uint8_t n) {
    ol_hmac_sha256_ctx keyed;
    uint8_t in[MAC_INPUT_BYTES];
    ol_hmac_sha256_init(&keyed, key, DEVICE_KEY_BYTES);
    mac_input(in, digits, clamp_length(n));
    tag_from(tag, &keyed, in);
    ol_wipe(&keyed, sizeof keyed);
    ol_wipe(in, sizeof in);
}

void ol_credential_recovery_tag(uint8_t tag[OL_TAG_BYTES], const uint8_t key[DEVICE_KEY_BYTES],
                                const uint8_t *digits) {
    uint8_t in[2 + OL_RECOVERY_DIGITS];
    uint8_t full[OL_SHA256_BYTES];
    in[0] = DOMAIN_RECOVERY;
    in[1] = OL_RECOVERY_DIGITS;
    memcpy(in + 2, digits, OL_RECOVERY_DIGITS);
    ol_hmac_sha256(full, key, DEVICE_KEY_BYTES, in, sizeof in);
    memcpy(tag, full, OL_TAG_BYTES);
    ol_wipe(in, sizeof in);
    ol_wipe(full, sizeof full);
}

uint32_t ol_credential_scope(uint8_t code[OL_ENTRY_MAX_DIGITS], uint8_t *n,
                             const uint8_t digits[OL_ENTRY_MAX_DIGITS], uint8_t ndigits,
                             bool id_mode) {
    uint32_t id_on = 0u - (uint32_t)id_mode;
    uint32_t skip = 2u & id_on; // digits before the code
    for (uint32_t i = 0; i < OL_ENTRY_MAX_DIGITS; i++) {
        uint32_t from = i + skip; // depends on the mode only
        code[i] = from < OL_ENTRY_MAX_DIGITS ? digits[from] : 0;
    }
    uint32_t too_short = 0u - (uint32_t)(ndigits < skip);
    *n = (uint8_t)(((uint32_t)ndigits - skip) & ~too_short);
    uint32_t id = digits[0] * 10u + digits[1];
    uint32_t slot = (1u << (id & 31u)) & (0u - (uint32_t)(id < OL_SLOTS)) & ~too_short;
    return (slot & id_on) | ~id_on; // plain mode: every slot
}

uint32_t ol_credential_match(const uint8_t tags[OL_SLOTS][OL_TAG_BYTES], uint32_t enrolled,
                             const uint8_t tag[OL_TAG_BYTES]) {
    uint32_t mask = 0;
    for (uint32_t s = 0; s < OL_SLOTS; s++) {
        mask |= (ol_ct_eq_mask(tags[s], tag, OL_TAG_BYTES) & 1u) << s;
    }
    return mask & enrolled;
}

uint8_t ol_credential_slot_of(uint32_t mask) {
    uint32_t slot = 0;
    for (uint32_t s = 0; s < OL_SLOTS; s++) {
        uint32_t bit = (mask >> s) & 1u;
        slot |= s & (0u - bit);
    }
    return (uint8_t)slot;
}

bool ol_codes_fit(uint32_t enrolled, bool duress, bool id_mode) {
#if OL_REGRESS_FINDING == 5 // TEST ONLY: tests/property/policy.cmake
    duress = false;         // a duress variant not counted
#endif
    uint32_t codes = 0;
    for (uint32_t s = 0; s < OL_SLOTS; s++) {
        codes += ((enrolled | 1u) >> s) & 1u;
    }
    return id_mode || codes * (duress ? 2u : 1u) <= OL_PLAIN_MAX_CODES;
}

static int is_trivial(const uint8_t *d, uint8_t n) {
    int same = 1, up = 1, down = 1;
    for (uint8_t i = 1; i < n; i++) {
        same &= d[i] == d[0];
        up &= d[i] == ol_mod10(d[i - 1] + 1u);
        down &= d[i] == ol_mod10(d[i - 1] + 9u);
    }
    return same | up | down;
}

policy_verdict ol_credential_shape(const uint8_t digits[OL_ENTRY_MAX_DIGITS], uint8_t n) {
    if (n < OL_CODE_MIN_DIGITS || n > OL_CODE_MAX_DIGITS) {
        return POLICY_LENGTH;
    }
    return is_trivial(digits, n) ? POLICY_TRIVIAL : POLICY_OK;
}

policy_verdict ol_credential_policy(const uint8_t key[DEVICE_KEY_BYTES],
                                    const uint8_t tags[OL_SLOTS][OL_TAG_BYTES], uint32_t enrolled,
                                    uint8_t target, const uint8_t digits[OL_ENTRY_MAX_DIGITS],
                                    uint8_t n) {
    policy_verdict shape = ol_credential_shape(digits, n);
    if (shape != POLICY_OK) {
        return shape;
    }
    // Another slot's code, or its duress reading either way: the new code,
    // and it with its last digit one up and one down. Only these three, so
    // the answer (a counted wrong try, and rate-limited by the caller) tells
    // an insider about three codes at most, not about 9n + 1.
    uint32_t others = enrolled & ~(1u << target);
    uint32_t hits = 0;
    ol_hmac_sha256_ctx keyed;
    uint8_t in[MAC_INPUT_BYTES];
    uint8_t tag[OL_TAG_BYTES];
    ol_hmac_sha256_init(&keyed, key, DEVICE_KEY_BYTES);
    mac_input(in, digits, n);
    uint8_t last = in[1 + n];
    static const uint8_t deltas[3] = {0, 1, 9};
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t v = last + deltas[i];
        in[1 + n] = (uint8_t)(v - (10u & (0u - (uint32_t)(v >= 10u)))); // mod 10, no division
        tag_from(tag, &keyed, in);
        hits |= ol_credential_match(tags, others, tag);
    }
    ol_wipe(&keyed, sizeof keyed);
    ol_wipe(in, sizeof in);
    ol_wipe(tag, sizeof tag);
    return hits ? POLICY_CLOSE : POLICY_OK;
}

_Static_assert(OL_CODE_MIN_DIGITS == 6 && OL_CODE_MAX_DIGITS == 12,
               "the refusal says CODE 6-12 DIGITS");

const char *ol_credential_policy_text(policy_verdict v) {
    switch (v) {
    case POLICY_LENGTH:
        return "CODE 6-12 DIGITS";
    case POLICY_TRIVIAL:
        return "CODE TOO SIMPLE";
    case POLICY_CLOSE:
        return "TOO LIKE ANOTHER";
    default:
        return "";
    }
}
