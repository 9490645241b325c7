// ownerlock — fault-injection hardening of the open decision.
//
// A voltage or clock glitch can make the processor skip one instruction or
// load a wrong value. Against that, the decision to retract the bolt never
// rests on one branch or one register:
//   - the entry is matched twice (authenticate): the first reading, a bool,
//     drives the keypad's answer and the penalty; the second, independent
//     one is turned into a token, OL_GRANT or OL_DENY, constants 32 bits
//     apart, so no single wrong bit, cleared register or skipped move turns
//     one into the other;
//   - the opening checks the bool first and the token again just before the
//     bolt moves (opening.c), and the bolt's output value itself is derived
//     from the token: only OL_GRANT gives OL_BOLT_RETRACTED, whose value is
//     31 bits away from OL_BOLT_EXTENDED (include/ownerlock/lock.h);
//   - fih_opaque() hides a value from the optimiser, so it can neither merge
//     the two readings into one nor fold the second check into the first.
// A mismatch between the readings can only be a fault: the lock logs
// fault_detected and stops (MODE_FAULT) until the next power-up.
//
// tests/fault/ skips, in an emulated Cortex-M3, every instruction the lock
// executes from the first match to the end of a wrong entry, one at a time,
// and checks that the bolt never retracts (docs/SECURITY.md, invariant 9).
#ifndef OWNERLOCK_CORE_FIH_H
#define OWNERLOCK_CORE_FIH_H

#include <stdint.h>

#define OL_GRANT 0xC3A5965Au
#define OL_DENY 0x3C5A69A5u // ~OL_GRANT

// The value (or pointer), as far as the compiler knows, could be anything.
static inline uint32_t fih_opaque(uint32_t x) {
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : "+r"(x));
#endif
    return x;
}

static inline const void *fih_opaque_ptr(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : "+r"(p));
#endif
    return p;
}

// OL_GRANT when hits is non-zero, OL_DENY when it is zero; no branch.
static inline uint32_t fih_token(uint32_t hits) {
    uint32_t any = 0u - ((hits | (0u - hits)) >> 31); // all ones iff hits != 0
    return OL_DENY ^ ((OL_GRANT ^ OL_DENY) & fih_opaque(any));
}

#endif
