// ownerlock — mps2-an385: a stack overflow must stop the lock, not corrupt it.
//
// Recurses until the stack runs into the MPU guard region at its bottom
// (startup.c). Expected: a MemManage fault, reported on the console, and the
// program ends with the panic status 3 (run-tests.sh checks both). Reaching
// the end of main means the guard did not fire.
#include <stdint.h>
#include <stdio.h>

#include "board.h"

int main(void);

static volatile uint32_t sink;
static volatile uint32_t limit = UINT32_MAX; // never reached: the guard fires first

// Each frame keeps 64 bytes alive so the compiler cannot turn this into a loop.
__attribute__((noinline)) static uint32_t dive(uint32_t depth) {
    volatile uint32_t frame[16];
    for (uint32_t i = 0; i < 16; i++) {
        frame[i] = depth + i;
    }
    uint32_t below = depth < limit ? dive(depth + 1) : 0;
    return frame[depth % 16] + below;
}

int main(void) {
    uart_init(AN385_CONSOLE, 115200u);
    printf("test_stack_guard: diving into a %u-byte stack\n", (unsigned)board_stack_size());
    fflush(stdout);
    sink = dive(0);
    printf("test_stack_guard: FAILED, the stack guard did not fire\n");
    return 1;
}
