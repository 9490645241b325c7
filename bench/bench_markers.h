// The points the instruction-counting QEMU plugin watches (bench/insn-count.c
// finds them by name). noipa: never inlined, cloned or merged, so each keeps
// an address of its own. Included by exactly one file of each bench program.
#ifndef OWNERLOCK_BENCH_MARKERS_H
#define OWNERLOCK_BENCH_MARKERS_H

#include <stdint.h>

static volatile uint32_t marks;
__attribute__((noipa)) void bench_begin(void);
__attribute__((noipa)) void bench_end(void);
__attribute__((noipa)) void bench_begin(void) {
    marks += 1;
}
__attribute__((noipa)) void bench_end(void) {
    marks += 2;
}

#endif
