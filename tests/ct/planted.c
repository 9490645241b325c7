// ownerlock — the instruction scan's planted flaws (tests/ct/scan-insns.py
// --expect-flaw, with tests/ct/planted.list). TEST ONLY: never linked.
//
// One function per variable-time instruction of the Cortex-M3, compiled with
// the firmware's flags (ports/mps2-an385/CMakeLists.txt, ct_planted): the
// scan must find each, or it could not find one in the firmware either.
#include <stdint.h>

uint64_t ct_planted_umull(uint32_t a, uint32_t b);
int64_t ct_planted_smull(int32_t a, int32_t b);
uint64_t ct_planted_umlal(uint64_t acc, uint32_t a, uint32_t b);
int64_t ct_planted_smlal(int64_t acc, int32_t a, int32_t b);
uint32_t ct_planted_udiv(uint32_t a, uint32_t b);
int32_t ct_planted_sdiv(int32_t a, int32_t b);
uint64_t ct_planted_uldiv(uint64_t a, uint64_t b);

uint64_t ct_planted_umull(uint32_t a, uint32_t b) {
    return (uint64_t)a * b;
}

int64_t ct_planted_smull(int32_t a, int32_t b) {
    return (int64_t)a * b;
}

uint64_t ct_planted_umlal(uint64_t acc, uint32_t a, uint32_t b) {
    return acc + (uint64_t)a * b;
}

int64_t ct_planted_smlal(int64_t acc, int32_t a, int32_t b) {
    return acc + (int64_t)a * b;
}

uint32_t ct_planted_udiv(uint32_t a, uint32_t b) {
    return a % b;
}

int32_t ct_planted_sdiv(int32_t a, int32_t b) {
    return a / b;
}

// A 64-bit division: a call to the run-time library's loop (__aeabi_uldivmod).
uint64_t ct_planted_uldiv(uint64_t a, uint64_t b) {
    return a / b;
}
