// ownerlock — the Cortex-M3's instruction timings (ARM Cortex-M3 TRM r2p1,
// 18.2, table 18-1) and a decoder of the Thumb-2 instructions that matter to
// them, for the host programs that estimate cycles: the constant-time trace
// (tests/ct/m3-trace.c, which also flags the variable-time ones) and the
// bench's QEMU plugin (bench/insn-count.c).
//
// Header only and free of Unicorn and QEMU: each program gives it the two
// halfwords of an instruction and its size.
#ifndef OWNERLOCK_TEST_M3_TIMING_H
#define OWNERLOCK_TEST_M3_TIMING_H

#include <stdbool.h>
#include <stdint.h>

// Cycles of each class: [fastest, slowest]. P, the pipeline refill of a
// taken branch, is 1 to 3 (TRM): 2 is taken here, so a taken branch costs
// 1 + P = 3. Loads are 2 (LDR), multiple transfers 1 + N (LDM, POP, PUSH,
// STM; LDRD and STRD 1 + 2); a store is 1 or 2 by what follows: 2 is taken.
enum klass {
    K_OTHER,
    K_MUL,
    K_MLA,
    K_UMULL,
    K_SMULL,
    K_UMLAL,
    K_SMLAL,
    K_UDIV,
    K_SDIV,
    K_LOAD,
    K_STORE,
    K_MULTI, // LDM, STM, PUSH, POP, LDRD, STRD: 1 + N
    KLASSES
};
#define FIRST_VARIABLE K_UMULL
#define LAST_VARIABLE K_SDIV
#define PIPELINE_REFILL 2u
#define M3_UNUSED __attribute__((unused)) // not every program uses every table
M3_UNUSED static const char *const klass_name[KLASSES] = {"other", "MUL",   "MLA",   "UMULL",
                                                          "SMULL", "UMLAL", "SMLAL", "UDIV",
                                                          "SDIV",  "load",  "store", "ldm/stm"};
M3_UNUSED static const unsigned klass_min[KLASSES] = {1, 1, 2, 3, 3, 4, 4, 2, 2, 2, 2, 1};
M3_UNUSED static const unsigned klass_max[KLASSES] = {1, 1, 2, 5, 5, 7, 7, 12, 12, 2, 2, 1};

static inline bool variable(enum klass k) {
    return k >= FIRST_VARIABLE && k <= LAST_VARIABLE;
}

// ---- the decoder (ARMv7-M ARM, A5: the Thumb instruction set encoding) -------------------
typedef struct decoded {
    enum klass k;
    unsigned transfers;     // K_MULTI: registers moved
    int rn, rm, rdlo, rdhi; // the variable-time ones: operand registers (-1: none)
} decoded;

static inline unsigned popcount(uint32_t x) {
    return (unsigned)__builtin_popcount(x);
}

static inline decoded decode(uint16_t hw1, uint16_t hw2, unsigned size) {
    decoded d = {K_OTHER, 0, -1, -1, -1, -1};
    if (size == 2) {
        if ((hw1 & 0xFFC0u) == 0x4340u) {
            d.k = K_MUL; // MULS (T1)
        } else if ((hw1 & 0xF800u) == 0x4800u) {
            d.k = K_LOAD; // LDR (literal)
        } else if ((hw1 & 0xF000u) == 0x5000u) {
            d.k = ((hw1 >> 9) & 7u) <= 2u ? K_STORE : K_LOAD; // STR/STRH/STRB, LDR* (register)
        } else if ((hw1 >> 12) >= 6u && (hw1 >> 12) <= 9u) {
            d.k = (hw1 & 0x0800u) ? K_LOAD : K_STORE; // (immediate, SP-relative)
        } else if ((hw1 & 0xFE00u) == 0xB400u || (hw1 & 0xFE00u) == 0xBC00u) {
            d.k = K_MULTI; // PUSH, POP (with LR / PC)
            d.transfers = popcount(hw1 & 0x1FFu);
        } else if ((hw1 & 0xF000u) == 0xC000u) {
            d.k = K_MULTI; // STM, LDM
            d.transfers = popcount(hw1 & 0xFFu);
        }
        return d;
    }
    if ((hw1 & 0xFF80u) == 0xFB80u) {
        // Long multiply, long multiply accumulate, divide: op1 = hw1[6:4], op2 = hw2[7:4].
        unsigned op1 = (hw1 >> 4) & 7u, op2 = (hw2 >> 4) & 0xFu;
        static const enum klass long_op[8] = {K_SMULL, K_SDIV,  K_UMULL, K_UDIV,
                                              K_SMLAL, K_OTHER, K_UMLAL, K_OTHER};
        enum klass k = long_op[op1];
        bool is_div = k == K_SDIV || k == K_UDIV;
        if (k != K_OTHER && (is_div ? op2 == 0xFu && (hw2 & 0xF0F0u) == 0xF0F0u : op2 == 0u)) {
            d.k = k;
            d.rn = hw1 & 0xF;
            d.rm = hw2 & 0xF;
            if (k == K_UMLAL || k == K_SMLAL) {
                d.rdlo = (hw2 >> 12) & 0xF; // the accumulator
                d.rdhi = (hw2 >> 8) & 0xF;
            }
        }
        // The DSP forms (SMLALxy, SMLALD, SMLSLD, UMAAL) are not in ARMv7-M
        // without the DSP extension: not on the Cortex-M3.
        return d;
    }
    if ((hw1 & 0xFF80u) == 0xFB00u) {
        // MUL, MLA, MLS (op1 = 000): MUL when Ra = 1111.
        unsigned op2 = (hw2 >> 4) & 3u;
        d.k = op2 == 0u && ((hw2 >> 12) & 0xFu) == 0xFu ? K_MUL : K_MLA;
        return d;
    }
    if ((hw1 & 0xFE40u) == 0xE800u) {
        d.k = K_MULTI; // LDM, STM (T2), PUSH/POP.W
        d.transfers = popcount(hw2);
        return d;
    }
    if ((hw1 & 0xFE40u) == 0xE840u) {
        // Load/store dual, exclusive, table branch.
        if ((hw1 & 0x0120u) != 0u) {
            d.k = K_MULTI; // LDRD, STRD
            d.transfers = 2;
        } else {
            d.k = (hw1 & 0x10u) ? K_LOAD : K_STORE; // LDREX / TBB, TBH / STREX
        }
        return d;
    }
    if ((hw1 & 0xFE00u) == 0xF800u) {
        d.k = (hw1 & 0x10u) ? K_LOAD : K_STORE; // load/store single
        return d;
    }
    return d;
}

// The cycles of one decoded instruction, without the refill a taken branch
// adds (PIPELINE_REFILL, for the instruction that follows it).
static inline void m3_cycles(decoded d, unsigned *fastest, unsigned *slowest) {
    if (d.k == K_MULTI) {
        *fastest = *slowest = 1u + d.transfers;
    } else {
        *fastest = klass_min[d.k];
        *slowest = klass_max[d.k];
    }
}

#endif
