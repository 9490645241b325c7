// ownerlock tool — Shamir's secret sharing over GF(2^8) for the recovery code,
// and the digit forms of the code and of its shares.
//
// Each of the 9 secret bytes is the constant term of its own random polynomial
// of degree k - 1; share x holds every polynomial's value at x. Any k values
// fix the polynomials (Lagrange); k - 1 of them are matched by exactly one
// polynomial for every possible secret, so they say nothing about it.
#include "shamir.h"

#include <stdbool.h>
#include <string.h>

// ---- GF(2^8) -------------------------------------------------------------------

uint8_t gf256_mul(uint8_t a, uint8_t b) {
    // Shift-and-add ("Russian peasant") with masks in place of branches: eight
    // rounds whatever the operands, and no table indexed by a secret.
    uint8_t product = 0;
    for (int bit = 0; bit < 8; bit++) {
        product ^= (uint8_t)(-(b & 1) & a);
        uint8_t reduce = (uint8_t) - (a >> 7); // 0xff when a * x overflows x^7
        a = (uint8_t)((a << 1) ^ (reduce & 0x1b));
        b >>= 1;
    }
    return product;
}

uint8_t gf256_inv(uint8_t a) {
    // The multiplicative group has order 255, so a^254 = a^-1. 254 = 0b11111110:
    // six rounds of square-and-multiply from a, then one squaring.
    uint8_t r = a;
    for (int round = 0; round < 6; round++) {
        r = gf256_mul(gf256_mul(r, r), a);
    }
    return gf256_mul(r, r);
}

// ---- split and combine ---------------------------------------------------------

shamir_status shamir_split(shamir_share *shares, const uint8_t secret[SHAMIR_SECRET_BYTES],
                           unsigned k, unsigned n, uint16_t set_id, const uint8_t *random) {
    if (shares == NULL || secret == NULL || random == NULL || k < SHAMIR_MIN_K || k > n ||
        n > SHAMIR_MAX_N || set_id >= SHAMIR_SET_IDS) {
        return SHAMIR_ERR_ARGS;
    }
    // Coefficient j (1..k-1) of byte b's polynomial is random[(j - 1) * 9 + b].
    for (unsigned i = 0; i < n; i++) {
        shamir_share *s = &shares[i];
        s->set_id = set_id;
        s->k = (uint8_t)k;
        s->x = (uint8_t)(i + 1);
        for (unsigned b = 0; b < SHAMIR_SECRET_BYTES; b++) {
            uint8_t acc = 0; // Horner, highest coefficient first
            for (unsigned j = k - 1; j >= 1; j--) {
                acc = gf256_mul(acc, s->x) ^ random[(j - 1) * SHAMIR_SECRET_BYTES + b];
            }
            s->y[b] = gf256_mul(acc, s->x) ^ secret[b];
        }
    }
    return SHAMIR_OK;
}

void shamir_interpolate(uint8_t out[SHAMIR_SECRET_BYTES], const shamir_share *shares, size_t count,
                        uint8_t at) {
    memset(out, 0, SHAMIR_SECRET_BYTES);
    // The indices are public; only the y bytes are secret, and they only meet
    // the constant-time multiply.
    for (size_t i = 0; i < count; i++) {
        uint8_t num = 1, den = 1;
        for (size_t j = 0; j < count; j++) {
            if (j != i) {
                num = gf256_mul(num, at ^ shares[j].x); // subtraction is XOR
                den = gf256_mul(den, shares[i].x ^ shares[j].x);
            }
        }
        uint8_t basis = gf256_mul(num, gf256_inv(den));
        for (unsigned b = 0; b < SHAMIR_SECRET_BYTES; b++) {
            out[b] ^= gf256_mul(basis, shares[i].y[b]);
        }
    }
}

shamir_status shamir_combine(uint8_t secret[SHAMIR_SECRET_BYTES], const shamir_share *shares,
                             size_t count, size_t *culprit) {
    size_t dummy;
    if (culprit == NULL) {
        culprit = &dummy;
    }
    *culprit = 0;
    memset(secret, 0, SHAMIR_SECRET_BYTES);
    if (shares == NULL || count == 0) {
        return SHAMIR_ERR_TOO_FEW;
    }
    for (size_t i = 0; i < count; i++) {
        *culprit = i;
        if (shares[i].x < 1 || shares[i].x > SHAMIR_MAX_N || shares[i].k < SHAMIR_MIN_K ||
            shares[i].k > SHAMIR_MAX_N || shares[i].set_id >= SHAMIR_SET_IDS) {
            return SHAMIR_ERR_HEADER;
        }
        if (shares[i].set_id != shares[0].set_id || shares[i].k != shares[0].k) {
            return SHAMIR_ERR_MIXED;
        }
        for (size_t j = 0; j < i; j++) {
            if (shares[j].x == shares[i].x) {
                return SHAMIR_ERR_DUPLICATE;
            }
        }
    }
    size_t k = shares[0].k;
    if (count < k) {
        *culprit = 0;
        return SHAMIR_ERR_TOO_FEW;
    }
    // Shares beyond the first k must lie on the polynomials those k fix; a
    // typo that slipped past the check digits shows up here.
    for (size_t i = k; i < count; i++) {
        uint8_t expect[SHAMIR_SECRET_BYTES];
        shamir_interpolate(expect, shares, k, shares[i].x);
        uint8_t diff = 0;
        for (unsigned b = 0; b < SHAMIR_SECRET_BYTES; b++) {
            diff |= expect[b] ^ shares[i].y[b];
        }
        shamir_wipe(expect, sizeof expect);
        if (diff != 0) {
            *culprit = i;
            return SHAMIR_ERR_MISMATCH;
        }
    }
    *culprit = 0;
    shamir_interpolate(secret, shares, k, 0);
    return SHAMIR_OK;
}

// ---- 72-bit numbers as decimal digits ------------------------------------------

// out = the n digits read as one decimal number; true when it does not fit 72
// bits. Fixed work per digit, no branch on digit values.
static bool bytes_from_digits(uint8_t out[SHAMIR_SECRET_BYTES], const uint8_t *digits, size_t n) {
    memset(out, 0, SHAMIR_SECRET_BYTES);
    unsigned overflow = 0;
    for (size_t d = 0; d < n; d++) {
        unsigned carry = digits[d];
        for (size_t b = SHAMIR_SECRET_BYTES; b-- > 0;) {
            unsigned t = out[b] * 10u + carry;
            out[b] = (uint8_t)t;
            carry = t >> 8;
        }
        overflow |= carry;
    }
    return overflow != 0;
}

// digits = the n lowest decimal digits of value, most significant first; true
// when value has more than n digits.
static bool digits_from_bytes(uint8_t *digits, size_t n, const uint8_t value[SHAMIR_SECRET_BYTES]) {
    uint8_t v[SHAMIR_SECRET_BYTES];
    memcpy(v, value, sizeof v);
    for (size_t d = n; d-- > 0;) {
        unsigned rem = 0;
        for (size_t b = 0; b < SHAMIR_SECRET_BYTES; b++) {
            unsigned t = (rem << 8) | v[b];
            v[b] = (uint8_t)(t / 10u);
            rem = t % 10u;
        }
        digits[d] = (uint8_t)rem;
    }
    uint8_t left = 0;
    for (size_t b = 0; b < SHAMIR_SECRET_BYTES; b++) {
        left |= v[b];
    }
    shamir_wipe(v, sizeof v);
    return left != 0;
}

// ---- grouped digit text --------------------------------------------------------

#define MAX_GROUPS SHAMIR_SHARE_GROUPS
#define MAX_CHECKED (MAX_GROUPS * SHAMIR_CHECKED_GROUP)

// Reads groups * 5 digits from text (spaces, tabs and dashes anywhere; text up
// to the last ':' is a label) into checked, and verifies every group's check
// digit. Whitespace-separated tokens only serve to name the group that lacks
// or has an extra digit when the count is wrong.
static shamir_status parse_groups(const char *text, uint8_t checked[MAX_CHECKED], unsigned groups,
                                  shamir_fault *fault) {
    const unsigned expected = groups * SHAMIR_CHECKED_GROUP;
    const char *colon = strrchr(text, ':');
    const char *p = colon != NULL ? colon + 1 : text;
    unsigned count = 0, tokens = 0, token_digits = 0, odd_token = 0;
    for (;; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            if (count < expected) {
                checked[count] = (uint8_t)(c - '0');
            }
            count++;
            token_digits++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0') {
            if (token_digits > 0) {
                tokens++;
                if (token_digits != SHAMIR_CHECKED_GROUP && odd_token == 0) {
                    odd_token = tokens;
                }
            }
            token_digits = 0;
            if (c == '\0') {
                break;
            }
        } else if (c != '-') {
            fault->bad_char = c;
            return SHAMIR_ERR_CHAR;
        }
    }
    if (count != expected) {
        fault->digits = count;
        fault->expected = expected;
        fault->group = tokens == groups ? odd_token : 0;
        return SHAMIR_ERR_DIGIT_COUNT;
    }
    for (unsigned g = 0; g < groups; g++) {
        if (!ol_check_valid(&checked[g * SHAMIR_CHECKED_GROUP], SHAMIR_CHECKED_GROUP)) {
            fault->bad_groups |= 1u << g;
        }
    }
    if (fault->bad_groups != 0) {
        unsigned g = 0;
        while ((fault->bad_groups & (1u << g)) == 0) {
            g++;
        }
        fault->group = g + 1;
        return SHAMIR_ERR_CHECK;
    }
    return SHAMIR_OK;
}

// The data digits of checked groups: each group without its check digit.
static void data_digits(uint8_t *data, const uint8_t *checked, unsigned groups) {
    for (unsigned i = 0; i < groups * OL_RECOVERY_GROUP_DIGITS; i++) {
        data[i] = checked[i / OL_RECOVERY_GROUP_DIGITS * SHAMIR_CHECKED_GROUP +
                          i % OL_RECOVERY_GROUP_DIGITS];
    }
}

// "dddd-c dddd-c ...": each group of data digits with its Damm check digit.
static void format_groups(char *out, const uint8_t *data, unsigned groups) {
    for (unsigned g = 0; g < groups; g++) {
        const uint8_t *group = &data[g * OL_RECOVERY_GROUP_DIGITS];
        for (unsigned i = 0; i < OL_RECOVERY_GROUP_DIGITS; i++) {
            *out++ = (char)('0' + group[i]);
        }
        *out++ = '-';
        *out++ = (char)('0' + ol_check_digit(group, OL_RECOVERY_GROUP_DIGITS));
        *out++ = g + 1 < groups ? ' ' : '\0';
    }
}

static unsigned decimal(const uint8_t *digits, unsigned n) {
    unsigned v = 0;
    for (unsigned i = 0; i < n; i++) {
        v = v * 10u + digits[i];
    }
    return v;
}

// The share check: the digits before it as one number, mod a prime. A change
// confined to one group's data digits alters that number by d * 10^e with
// 0 < |d| < 10^4; 9973 does not divide 10^e and divides d only for |d| = 9973
// (0012 read as 9985, all four digits wrong), so it catches every typo of one
// or two digits in a group, and a change of the check itself.
static unsigned share_sum(const uint8_t data[SHAMIR_SHARE_DIGITS]) {
    unsigned r = 0;
    for (unsigned i = 0; i < SHAMIR_SHARE_DIGITS - SHAMIR_SUM_DIGITS; i++) {
        r = (r * 10u + data[i]) % SHAMIR_SUM_MODULUS;
    }
    return r;
}

shamir_status shamir_code_parse(const char *text, uint8_t secret[SHAMIR_SECRET_BYTES],
                                shamir_fault *fault) {
    shamir_fault ignored;
    if (fault == NULL) {
        fault = &ignored;
    }
    memset(fault, 0, sizeof *fault);
    memset(secret, 0, SHAMIR_SECRET_BYTES);
    uint8_t checked[MAX_CHECKED];
    uint8_t data[OL_RECOVERY_DIGITS];
    shamir_status st = parse_groups(text, checked, OL_RECOVERY_GROUPS, fault);
    if (st == SHAMIR_OK) {
        data_digits(data, checked, OL_RECOVERY_GROUPS);
        // 10^20 - 1 < 2^72: twenty digits cannot overflow.
        (void)bytes_from_digits(secret, data, OL_RECOVERY_DIGITS);
    }
    shamir_wipe(checked, sizeof checked);
    shamir_wipe(data, sizeof data);
    return st;
}

shamir_status shamir_code_format(char out[SHAMIR_CODE_TEXT_BYTES],
                                 const uint8_t secret[SHAMIR_SECRET_BYTES]) {
    uint8_t data[OL_RECOVERY_DIGITS];
    shamir_status st = SHAMIR_OK;
    if (digits_from_bytes(data, OL_RECOVERY_DIGITS, secret)) {
        st = SHAMIR_ERR_RANGE;
        memset(out, 0, SHAMIR_CODE_TEXT_BYTES);
    } else {
        format_groups(out, data, OL_RECOVERY_GROUPS);
    }
    shamir_wipe(data, sizeof data);
    return st;
}

shamir_status shamir_share_parse(const char *text, shamir_share *share, shamir_fault *fault) {
    shamir_fault ignored;
    if (fault == NULL) {
        fault = &ignored;
    }
    memset(fault, 0, sizeof *fault);
    memset(share, 0, sizeof *share);
    uint8_t checked[MAX_CHECKED];
    uint8_t data[SHAMIR_SHARE_DIGITS];
    shamir_status st = parse_groups(text, checked, SHAMIR_SHARE_GROUPS, fault);
    if (st == SHAMIR_OK || st == SHAMIR_ERR_CHECK) {
        data_digits(data, checked, SHAMIR_SHARE_GROUPS);
        // The index sits in group 2; name the share in messages if its
        // groups are sound even when a later one has a typo.
        uint8_t x = data[SHAMIR_SET_ID_DIGITS + 1];
        if ((fault->bad_groups & 3u) == 0 && x >= 1 && x <= SHAMIR_MAX_N) {
            fault->x = x;
        }
    }
    if (st == SHAMIR_OK && decimal(&data[SHAMIR_SHARE_DIGITS - SHAMIR_SUM_DIGITS],
                                   SHAMIR_SUM_DIGITS) != share_sum(data)) {
        st = SHAMIR_ERR_SUM;
    }
    if (st == SHAMIR_OK) {
        share->set_id = (uint16_t)decimal(data, SHAMIR_SET_ID_DIGITS);
        share->k = data[SHAMIR_SET_ID_DIGITS];
        share->x = data[SHAMIR_SET_ID_DIGITS + 1];
        if (share->k < SHAMIR_MIN_K || share->k > SHAMIR_MAX_N || share->x < 1 ||
            share->x > SHAMIR_MAX_N) {
            st = SHAMIR_ERR_HEADER;
            fault->group = 2;
        } else if (bytes_from_digits(share->y, &data[SHAMIR_SET_ID_DIGITS + 2], SHAMIR_Y_DIGITS)) {
            st = SHAMIR_ERR_RANGE;
        }
        if (st != SHAMIR_OK) {
            shamir_wipe(share, sizeof *share);
        }
    }
    shamir_wipe(checked, sizeof checked);
    shamir_wipe(data, sizeof data);
    return st;
}

shamir_status shamir_share_format(char out[SHAMIR_SHARE_TEXT_BYTES], const shamir_share *share) {
    if (share->set_id >= SHAMIR_SET_IDS || share->k < SHAMIR_MIN_K || share->k > SHAMIR_MAX_N ||
        share->x < 1 || share->x > SHAMIR_MAX_N) {
        memset(out, 0, SHAMIR_SHARE_TEXT_BYTES);
        return SHAMIR_ERR_ARGS;
    }
    uint8_t data[SHAMIR_SHARE_DIGITS];
    unsigned id = share->set_id;
    for (unsigned i = SHAMIR_SET_ID_DIGITS; i-- > 0; id /= 10u) {
        data[i] = (uint8_t)(id % 10u);
    }
    data[SHAMIR_SET_ID_DIGITS] = share->k;
    data[SHAMIR_SET_ID_DIGITS + 1] = share->x;
    // 2^72 - 1 has 22 digits: every y fits.
    (void)digits_from_bytes(&data[SHAMIR_SET_ID_DIGITS + 2], SHAMIR_Y_DIGITS, share->y);
    unsigned sum = share_sum(data);
    for (unsigned i = SHAMIR_SHARE_DIGITS; i-- > SHAMIR_SHARE_DIGITS - SHAMIR_SUM_DIGITS;
         sum /= 10u) {
        data[i] = (uint8_t)(sum % 10u);
    }
    format_groups(out, data, SHAMIR_SHARE_GROUPS);
    shamir_wipe(data, sizeof data);
    return SHAMIR_OK;
}

void shamir_wipe(void *p, size_t n) {
    // Stores through a volatile lvalue are observable behaviour: the compiler
    // may not drop them even when p is dead afterwards.
    volatile uint8_t *v = p;
    for (size_t i = 0; i < n; i++) {
        v[i] = 0;
    }
}
