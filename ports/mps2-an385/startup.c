// ownerlock — mps2-an385 port: vector table, reset, faults, stack paint.
//
// Reset paints the whole stack with a pattern before anything runs on it, so
// board_stack_used() can tell the deepest point the stack ever reached (the
// figure `make size` reports). An MPU region at the bottom of the stack makes
// an overflow fault instead of silently running into .data/.bss, where the
// lock keeps its state: a lock that overflows its stack must stop, not go on
// with corrupted penalty counters.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "semihost.h"

// Linker script symbols (an385-sections.ld).
extern uint32_t __stack_start[], __stack_end[];
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];

int main(void);
void Reset_Handler(void);

#define STACK_PAINT 0x5AFEC0DEu
// The MPU guard: the lowest 32 bytes of the stack, no access at all.
#define STACK_GUARD_BYTES 32u

// ---- faults ---------------------------------------------------------------------

static void fault_report(const char *name) {
    console_puts("\nfault: ");
    console_puts(name);
    console_puts(" CFSR=");
    console_puthex(SCB_CFSR);
    console_puts(" HFSR=");
    console_puthex(SCB_HFSR);
    console_puts(" MMFAR=");
    console_puthex(SCB_MMFAR);
    console_puts(" BFAR=");
    console_puthex(SCB_BFAR);
    console_puts("\n");
}

// Fault handlers run on whatever stack is left; a stack overflow is the likely
// cause, so they move the stack pointer back to the top first (nothing below
// will ever return to the faulting code).
#define FAULT_HANDLER(fn, name)                                                                    \
    __attribute__((naked)) void fn(void) {                                                         \
        __asm__ volatile("ldr r0, =__stack_end\n"                                                  \
                         "mov sp, r0\n"                                                            \
                         "ldr r0, =" #fn "_name\n"                                                 \
                         "b fault_stop\n"                                                          \
                         ".ltorg\n"); /* the two addresses, right here */                          \
    }                                                                                              \
    __attribute__((used)) const char fn##_name[] = name;

// `used`: only the handlers' assembly calls it, which link-time optimisation
// does not see.
_Noreturn void fault_stop(const char *name);
__attribute__((used)) _Noreturn void fault_stop(const char *name) {
    fault_report(name);
    board_panic(name);
}

void NMI_Handler(void);
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);
void Unexpected_Handler(void);
FAULT_HANDLER(NMI_Handler, "NMI")
FAULT_HANDLER(HardFault_Handler, "HardFault")
FAULT_HANDLER(MemManage_Handler, "MemManage")
FAULT_HANDLER(BusFault_Handler, "BusFault")
FAULT_HANDLER(UsageFault_Handler, "UsageFault")
// Any interrupt nobody enabled: treat as a fault rather than ignore it.
FAULT_HANDLER(Unexpected_Handler, "unexpected interrupt")

// ---- vector table ---------------------------------------------------------------

void SysTick_Handler(void);
void UART0_RX_Handler(void);
void UART1_RX_Handler(void);
void UART2_RX_Handler(void);

_Static_assert(AN385_UART0_RX_IRQ == 0 && AN385_UART1_RX_IRQ == 2 && AN385_UART2_RX_IRQ == 4,
               "vector table order");

typedef void (*isr)(void);
typedef struct vector_table {
    uint32_t *initial_sp;
    isr core[15]; // Reset .. SysTick
    isr irq[32];  // AN385 has 32 external interrupt lines
} vector_table;

__attribute__((section(".vectors"), used)) const vector_table vectors = {
    .initial_sp = __stack_end,
    .core =
        {
            Reset_Handler,
            NMI_Handler,
            HardFault_Handler,
            MemManage_Handler,
            BusFault_Handler,
            UsageFault_Handler,
            0,
            0,
            0,
            0,                  // reserved
            Unexpected_Handler, // SVCall: unused
            Unexpected_Handler, // DebugMonitor
            0,                  // reserved
            Unexpected_Handler, // PendSV: unused
            SysTick_Handler,
        },
    .irq =
        {
            UART0_RX_Handler,   // 0: UART0 RX (AN385_UART0_RX_IRQ)
            Unexpected_Handler, // 1: UART0 TX
            UART1_RX_Handler,   // 2: UART1 RX (AN385_UART1_RX_IRQ)
            Unexpected_Handler, // 3: UART1 TX
            UART2_RX_Handler,   // 4: UART2 RX (AN385_UART2_RX_IRQ)
            Unexpected_Handler, Unexpected_Handler, Unexpected_Handler, Unexpected_Handler,
            Unexpected_Handler, Unexpected_Handler, Unexpected_Handler, Unexpected_Handler,
            Unexpected_Handler, Unexpected_Handler, Unexpected_Handler, Unexpected_Handler,
            Unexpected_Handler, Unexpected_Handler, Unexpected_Handler, Unexpected_Handler,
            Unexpected_Handler, Unexpected_Handler, Unexpected_Handler, Unexpected_Handler,
            Unexpected_Handler, Unexpected_Handler, Unexpected_Handler, Unexpected_Handler,
            Unexpected_Handler, Unexpected_Handler, Unexpected_Handler,
        },
};

// ---- reset ------------------------------------------------------------------------

static uint32_t *current_sp(void) {
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

// Paint everything below our own frame; a few words under the frame stay
// unpainted, above any depth that matters.
static void paint_stack(void) {
    uint32_t *end = current_sp() - 16;
    for (volatile uint32_t *p = __stack_start; p < end; p++) {
        *p = STACK_PAINT;
    }
}

static void stack_guard_on(void) {
    // Region 0: base = stack bottom (32-byte aligned by the linker script),
    // SIZE field 4 = 2^(4+1) = 32 bytes, AP = 000 no access, XN.
    MPU_RNR = 0;
    MPU_RBAR = (uint32_t)(uintptr_t)__stack_start;
    MPU_RASR = (1u << 28) | (4u << 1) | 1u;
    // PRIVDEFENA: the default memory map for everything else; ENABLE.
    MPU_CTRL = (1u << 2) | 1u;
    SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18); // MemManage, BusFault, UsageFault
    __asm__ volatile("dsb\nisb" ::: "memory");
}

void Reset_Handler(void) {
    paint_stack();
    memcpy(__data_start, __data_load, (size_t)((__data_end - __data_start) * 4));
    memset(__bss_start, 0, (size_t)((__bss_end - __bss_start) * 4));
    SCB_VTOR = (uint32_t)(uintptr_t)&vectors;
    stack_guard_on();
#ifdef AN385_HOSTED_EXIT
    // Test programs: the console for fault reports (their own output goes
    // through semihosting); exit() flushes newlib's stdio, then _exit
    // (tests/hosted.c).
    uart_init(AN385_CONSOLE, 115200u);
    exit(main());
#else
    board_exit(main());
#endif
}

uint32_t board_stack_size(void) {
    return (uint32_t)((__stack_end - __stack_start) * 4) - STACK_GUARD_BYTES;
}

uint32_t board_stack_used(void) {
    const uint32_t *p = __stack_start + STACK_GUARD_BYTES / 4;
    while (p < __stack_end && *p == STACK_PAINT) {
        p++;
    }
    return (uint32_t)((__stack_end - p) * 4);
}

// ---- stop -------------------------------------------------------------------------

_Noreturn void board_exit(int status) {
    semihost_exit(status);
}

_Noreturn void board_reset(void) {
    __asm__ volatile("dsb" ::: "memory"); // every write out before the reset
    SCB_AIRCR = (0x05FAu << 16) | (1u << 2);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

_Noreturn void board_panic(const char *why) {
    console_puts("panic: ");
    console_puts(why);
    console_puts("\n");
#ifdef AN385_PANIC_EXITS
    // Test and bench programs: end the emulation with a distinct status so
    // the runner reports the fault instead of waiting for its timeout.
    semihost_exit(3);
#else
    // The lock body: SYSRESETREQ. The engine boots again from flash; nothing
    // that was not committed is trusted.
    board_reset();
#endif
}
