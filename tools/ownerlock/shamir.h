// ownerlock tool — k-of-n shares of the recovery code: Shamir's secret sharing
// over GF(2^8), and the digit forms people write down (docs/RECOVERY-SHARES.md).
//
// Pure functions: no I/O, no randomness of their own (the caller passes the
// random bytes in), no globals, so the unit test drives them directly.
#ifndef OWNERLOCK_TOOL_SHAMIR_H
#define OWNERLOCK_TOOL_SHAMIR_H

#include <stddef.h>
#include <stdint.h>

#include "ownerlock/recovery.h"

// 10^20 < 2^67: the 20 data digits of a recovery code fit 9 bytes, big-endian.
#define SHAMIR_SECRET_BYTES 9
#define SHAMIR_MIN_K 2
#define SHAMIR_MAX_N 9         // the share index is one digit
#define SHAMIR_CHECKED_GROUP 5 // OL_RECOVERY_GROUP_DIGITS data digits + 1 check digit

// A share's data digits: set id (4), k (1), index x (1), y (22: 2^72 - 1 has
// 22 digits), and a share check (4): the first 28 digits read as one number,
// mod 9973. A typo that slips past a group's check digit (a ninth of the
// two-digit typos do) would otherwise rebuild a wrong code and cost a try at
// the lock. 32 digits are 8 groups of 4, each written with its check digit.
#define SHAMIR_SET_ID_DIGITS 4
#define SHAMIR_SET_IDS 10000u
#define SHAMIR_Y_DIGITS 22
#define SHAMIR_SUM_DIGITS 4
#define SHAMIR_SUM_MODULUS 9973u // the largest prime below 10^4
#define SHAMIR_SHARE_DIGITS (SHAMIR_SET_ID_DIGITS + 2 + SHAMIR_Y_DIGITS + SHAMIR_SUM_DIGITS)
#define SHAMIR_SHARE_GROUPS (SHAMIR_SHARE_DIGITS / OL_RECOVERY_GROUP_DIGITS)

// Printed forms, "4821-7 0935-2 ..." with the terminating NUL in place of the
// last space.
#define SHAMIR_CODE_TEXT_BYTES (OL_RECOVERY_GROUPS * (SHAMIR_CHECKED_GROUP + 2))
#define SHAMIR_SHARE_TEXT_BYTES (SHAMIR_SHARE_GROUPS * (SHAMIR_CHECKED_GROUP + 2))

// Random bytes shamir_split consumes: k - 1 coefficients per secret byte.
#define SHAMIR_RANDOM_BYTES(k) (((size_t)(k)-1) * SHAMIR_SECRET_BYTES)

typedef struct {
    uint16_t set_id; // 0..9999, random per split: shares of different splits do not mix
    uint8_t k;       // how many shares rebuild the code, 2..9
    uint8_t x;       // the share's index, 1..9 (x = 0 would be the secret itself)
    uint8_t y[SHAMIR_SECRET_BYTES];
} shamir_share;

typedef enum {
    SHAMIR_OK = 0,
    SHAMIR_ERR_ARGS,        // k, n, set id or share count out of range
    SHAMIR_ERR_CHAR,        // a character other than a digit, space or dash
    SHAMIR_ERR_DIGIT_COUNT, // not the number of digits the form has
    SHAMIR_ERR_CHECK,       // a group's check digit does not match: a typo in that group
    SHAMIR_ERR_SUM,         // every group checks but the share check does not: a typo
    SHAMIR_ERR_HEADER,      // share k or index out of range
    SHAMIR_ERR_RANGE,       // the digits are too large for the value they carry
    SHAMIR_ERR_MIXED,       // shares from different splits (set id or k differ)
    SHAMIR_ERR_DUPLICATE,   // two shares with the same index
    SHAMIR_ERR_TOO_FEW,     // fewer shares than k
    SHAMIR_ERR_MISMATCH,    // more than k shares that do not lie on one polynomial
} shamir_status;

// Where a parse failed, for a message that tells the owner what to fix.
typedef struct {
    unsigned group;      // first group at fault, 1-based; 0 when no single group is
    unsigned bad_groups; // SHAMIR_ERR_CHECK: bit g-1 set for every group g with a typo
    unsigned digits;     // SHAMIR_ERR_DIGIT_COUNT: digits found
    unsigned expected;   // SHAMIR_ERR_DIGIT_COUNT: digits the form has
    char bad_char;       // SHAMIR_ERR_CHAR
    uint8_t x;           // share parse: the share's index when its header was readable, else 0
} shamir_fault;

// GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1. Both run in time
// independent of their operands: no table, no data-dependent branch.
uint8_t gf256_mul(uint8_t a, uint8_t b);
uint8_t gf256_inv(uint8_t a); // a^254; gf256_inv(0) == 0

// Splits secret into shares x = 1..n of set set_id, any k of which rebuild it.
// random: SHAMIR_RANDOM_BYTES(k) uniformly random bytes, the polynomials'
// coefficients. SHAMIR_ERR_ARGS unless 2 <= k <= n <= 9 and set_id < 10000.
shamir_status shamir_split(shamir_share *shares, const uint8_t secret[SHAMIR_SECRET_BYTES],
                           unsigned k, unsigned n, uint16_t set_id, const uint8_t *random);

// Lagrange interpolation of the count points (x, y) at x = at, byte-wise. The
// indices must be distinct and non-zero (shamir_combine checks that).
void shamir_interpolate(uint8_t out[SHAMIR_SECRET_BYTES], const shamir_share *shares, size_t count,
                        uint8_t at);

// Rebuilds the secret from count shares of one set: refuses mixed sets,
// repeated indices, fewer than k shares; shares beyond the first k must agree
// with the polynomial the first k define (SHAMIR_ERR_MISMATCH). *culprit is
// the position in shares of the share at fault.
shamir_status shamir_combine(uint8_t secret[SHAMIR_SECRET_BYTES], const shamir_share *shares,
                             size_t count, size_t *culprit);

// The recovery code: 25 digits (5 groups of 4 data digits and a check digit)
// in any spacing of spaces and dashes; text up to a ':' is a label and
// skipped. Every check digit is verified.
shamir_status shamir_code_parse(const char *text, uint8_t secret[SHAMIR_SECRET_BYTES],
                                shamir_fault *fault);
// SHAMIR_ERR_RANGE when secret >= 10^20 (not a recovery code: what a combine
// of mistyped shares most likely yields).
shamir_status shamir_code_format(char out[SHAMIR_CODE_TEXT_BYTES],
                                 const uint8_t secret[SHAMIR_SECRET_BYTES]);

// A share: 40 digits (8 groups of 4 data digits and a check digit), same
// rules as the code; the share check is verified after the groups'.
shamir_status shamir_share_parse(const char *text, shamir_share *share, shamir_fault *fault);
shamir_status shamir_share_format(char out[SHAMIR_SHARE_TEXT_BYTES], const shamir_share *share);

// Zeroes n bytes in a way the compiler may not drop.
void shamir_wipe(void *p, size_t n);

#endif
