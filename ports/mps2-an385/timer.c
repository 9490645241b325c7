// ownerlock — mps2-an385 port: the millisecond clock (SysTick) and idling.
//
// The engine's notion of time is board_ms(): monotonic since reset, 1 ms
// resolution, 64 bits so it never wraps. Under `qemu -icount` one instruction
// is one nanosecond of virtual time, so the clock then counts instructions
// and every run is repeatable.
#include "board.h"

#define CSR_ENABLE (1u << 0)
#define CSR_TICKINT (1u << 1)
#define CSR_CLKSOURCE_CPU (1u << 2)

static volatile uint64_t ms_since_reset;
// Whole seconds kept alongside, so the RTC needs no 64-bit division (which
// would pull 750 bytes of libgcc into the image).
static volatile uint32_t s_since_reset;
static uint32_t ms_in_second;

void SysTick_Handler(void);
void SysTick_Handler(void) {
    ms_since_reset++;
    if (++ms_in_second == 1000u) {
        ms_in_second = 0;
        s_since_reset++;
    }
}

uint32_t board_seconds(void) {
    return s_since_reset; // one aligned word: read atomically
}

static void systick_start(void) {
    SYST_RVR = AN385_SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = CSR_CLKSOURCE_CPU | CSR_TICKINT | CSR_ENABLE;
}

uint64_t board_ms(void) {
    // A 64-bit read is two loads; keep the tick out from between them.
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\ncpsid i" : "=r"(primask)::"memory");
    uint64_t ms = ms_since_reset;
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
    return ms;
}

void board_idle(void) {
    __asm__ volatile("wfi" ::: "memory");
}

void board_init(void) {
    uart_init(AN385_CONSOLE, 115200u);
    uart_init(AN385_CABLE, 115200u);
    systick_start();
    __asm__ volatile("cpsie i" ::: "memory");
}
