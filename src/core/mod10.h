// ownerlock — a digit's remainder mod 10 without a division.
//
// `x % 10` compiles to UDIV on the Cortex-M3, whose time (2 to 12 cycles)
// depends on the operands; on code and recovery digits that would tell their
// values. For x < 1029, q = (x * 205) >> 11 is x / 10 exactly (205 / 2^11 is
// 1/10 plus under 1/10000, an error that stays below one unit up to 1028),
// and x - 10 q the remainder: a 32 x 32 -> 32 multiply (MUL, one cycle
// whatever the operands) and no branch. The callers pass bytes, or a byte
// plus 9.
#ifndef OWNERLOCK_CORE_MOD10_H
#define OWNERLOCK_CORE_MOD10_H

#include <stdint.h>

static inline uint32_t ol_mod10(uint32_t x) {
    uint32_t q = (x * 205u) >> 11; // x / 10 for x < 1029
    return x - 10u * q;
}

#endif
