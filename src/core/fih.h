// ownerlock — fault-injection hardening (docs/SECURITY.md, invariant 9).
//
// A voltage or clock glitch can make the processor skip one instruction or
// load a wrong value. Against that, no decision that opens the lock rests on
// one branch or one register:
//   - an entry is matched twice (authenticate): the first reading, a bool,
//     drives the keypad's answer; the second, independent one is turned into
//     a token, OL_GRANT or OL_DENY, constants 32 bits apart, so no single
//     wrong bit, cleared register or skipped move turns one into the other;
//   - the opening checks the bool first and the token twice more before the
//     bolt moves (opening.c), and the bolt's output value itself is derived
//     from the token: only OL_GRANT gives OL_BOLT_RETRACTED, whose value is
//     31 bits away from OL_BOLT_EXTENDED (include/ownerlock/lock.h);
//   - the wrong-try count is cleared only if both readings agree, and the
//     saved wrong try is read back by a separate call (ol_penalty_is_saved);
//   - at power-up the bolt starts thrown, and a lock is taken for new only if
//     a second mount of the store agrees (lock.c, confirm_new);
//   - fih_opaque() hides a value from the optimiser, so it can neither merge
//     two readings into one nor fold a second check into the first.
// Readings that disagree can only be a fault: the lock stops (ol_fault_detected,
// or STORAGE FAULT) until the next power-up.
//
// tests/fault/ skips, in an emulated Cortex-M3, every instruction of a wrong
// entry and of a power-up, one at a time, and checks that none opens.
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
