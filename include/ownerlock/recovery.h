// ownerlock — the owner's recovery code as people type it.
//
// A recovery code is OL_RECOVERY_DIGITS random decimal digits (20 digits,
// 66.4 bits), written as OL_RECOVERY_GROUPS groups of four digits, each
// followed by a check digit (Damm's algorithm: it catches every single wrong
// digit and every swap of two neighbours), so "4821-7 0935-2 ..." and a typo
// is caught before it costs a try. The same grouping serves the k-of-n share
// codes of the owner's tool.
#ifndef OWNERLOCK_RECOVERY_H
#define OWNERLOCK_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/error.h" // OL_MUST_CHECK

#define OL_RECOVERY_GROUPS 5
#define OL_RECOVERY_GROUP_DIGITS 4 // data digits per group; a check digit follows
#define OL_RECOVERY_DIGITS (OL_RECOVERY_GROUPS * OL_RECOVERY_GROUP_DIGITS)

// Damm check digit of n digits (each 0..9).
uint8_t ol_check_digit(const uint8_t *digits, size_t n);
// True when the last of n digits is the Damm check digit of the others.
bool ol_check_valid(const uint8_t *digits, size_t n) OL_MUST_CHECK;

#endif
