// ownerlock — Damm check digits (H. M. Damm, 2004).
//
// The table is the totally anti-symmetric quasigroup of order 10 published
// with the algorithm; its zero diagonal makes a valid number (check digit
// included) reduce to 0.
#include "ownerlock/recovery.h"

#include "mod10.h"

static const uint8_t damm[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3}, {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6}, {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7}, {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

uint8_t ol_check_digit(const uint8_t *digits, size_t n) {
    uint8_t interim = 0;
    for (size_t i = 0; i < n; i++) {
        // The digits are 0..9; the remainder keeps any byte inside the table
        // without a division (UDIV) on the secret digit.
        interim = damm[interim][ol_mod10(digits[i])];
    }
    return interim;
}

bool ol_check_valid(const uint8_t *digits, size_t n) {
    return n > 0 && ol_check_digit(digits, n) == 0;
}
