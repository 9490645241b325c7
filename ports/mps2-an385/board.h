// ownerlock — mps2-an385 port: the reference board (Cortex-M3, as QEMU
// emulates Arm's AN385 FPGA image for the MPS2 board).
//
// What the board gives the lock body (docs/PORTING.md has the memory map):
//   UART0  console: diagnostics out; in QEMU it also plays the door switch
//   UART1  the cable to the keypad unit: the secure link's frames (src/link)
//   UART2  the service port inside the door (service_frame.h)
//   SysTick  1 ms monotonic clock (the engine's now_ms)
//   NOR flash  emulated in RAM with strict NOR rules, persisted to a host
//              file through semihosting (flash.c)
//   RTC    from the clock, started from the host's time (rtc.c)
//   TRNG   none: a TEST-ONLY stand-in (trng_test.c)
#ifndef OWNERLOCK_AN385_BOARD_H
#define OWNERLOCK_AN385_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/config.h"
#include "ownerlock/hal.h"

// ---- clocks and memory map ----------------------------------------------------
#define AN385_SYSCLK_HZ 25000000u

#define AN385_UART0_BASE 0x40004000u
#define AN385_UART1_BASE 0x40005000u
#define AN385_UART2_BASE 0x40006000u
// NVIC lines: UARTn RX is 2n, TX is 2n + 1 (AN385 interrupt map).
#define AN385_UART0_RX_IRQ 0u
#define AN385_UART1_RX_IRQ 2u
#define AN385_UART2_RX_IRQ 4u

// ---- Cortex-M3 system registers (ARMv7-M ARM, B3) ----------------------------
#define REG32(addr) (*(volatile uint32_t *)(addr))
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define NVIC_ISER0 REG32(0xE000E100u)
#define NVIC_ISPR0 REG32(0xE000E200u) // set pending
#define SCB_VTOR REG32(0xE000ED08u)
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define SCB_SHCSR REG32(0xE000ED24u)
#define SCB_CFSR REG32(0xE000ED28u)
#define SCB_HFSR REG32(0xE000ED2Cu)
#define SCB_MMFAR REG32(0xE000ED34u)
#define SCB_BFAR REG32(0xE000ED38u)
#define MPU_CTRL REG32(0xE000ED94u)
#define MPU_RNR REG32(0xE000ED98u)
#define MPU_RBAR REG32(0xE000ED9Cu)
#define MPU_RASR REG32(0xE000EDA0u)

// ---- board ----------------------------------------------------------------------
// Clocks, UARTs, SysTick, the MPU stack guard, interrupts on.
void board_init(void);
// Milliseconds since reset (SysTick). Monotonic; never wraps in practice.
uint64_t board_ms(void);
// Whole seconds since reset (wraps after 136 years).
uint32_t board_seconds(void);
// Sleep until the next interrupt (SysTick, a UART byte).
void board_idle(void);
// Stop. On QEMU the emulation ends with this status (semihosting); a real
// board would reset instead.
_Noreturn void board_exit(int status);
// A fault or a broken invariant: the lock stops (bolt motor unpowered, so the
// bolt stays where the spring holds it) and the board resets.
_Noreturn void board_panic(const char *why);

// A system reset (SCB AIRCR SYSRESETREQ): on QEMU the bootloader starts again
// from its ELF, and the flash file stays as it was.
_Noreturn void board_reset(void);

// Stack painted at reset (startup.c): bytes ever used, and the size.
uint32_t board_stack_used(void);
uint32_t board_stack_size(void);

// ---- UART (CMSDK APB UART) -----------------------------------------------------
typedef enum an385_uart { AN385_CONSOLE = 0, AN385_CABLE = 1, AN385_SERVICE = 2 } an385_uart;

void uart_init(an385_uart u, uint32_t baud);
void uart_write(an385_uart u, const void *buf, size_t len);
// Bytes received so far (interrupt-fed ring buffer); returns how many copied.
size_t uart_read(an385_uart u, uint8_t *buf, size_t cap);
// Bytes lost because the receive ring was full (a reader too slow).
uint32_t uart_overruns(an385_uart u);
void console_puts(const char *s);
void console_putu(uint32_t v);
void console_puthex(uint32_t v);

// ---- NOR flash in RAM, persisted through semihosting ----------------------------
#define AN385_FLASH_SECTOR_SIZE 4096u
// The lock body's sectors; with AN385_WITH_BOOT_AREA (the bootloader's
// build, and a lock body that stages updates) the boot area after them too.
#ifdef AN385_WITH_BOOT_AREA
#include "ownerlock/boot.h"
#define AN385_FLASH_SECTORS (OL_BOOT_FIRST_SECTOR + OL_BOOT_SECTORS)
#else
#define AN385_FLASH_SECTORS (OL_KEYS_FIRST_SECTOR + OL_KEYS_SECTORS)
#endif
#define AN385_FLASH_BYTES (AN385_FLASH_SECTOR_SIZE * AN385_FLASH_SECTORS)

typedef struct an385_flash {
    ol_flash flash; // the HAL view; flash.ctx points back here
    uint8_t *mem;   // the cells (AN385_FLASH_BYTES, in the .nor region)
    int32_t fd;     // semihosting handle of the backing file, -1: none
    bool dead;      // the backing file failed: refuse every write
    bool fenced;    // the key store's sectors are behind the MPU (an385_flash_fence_keys)
} an385_flash;

// path == NULL: RAM only, all erased. Otherwise the image is read from the
// host file (created erased if missing, grown with erased bytes if short) and
// every program and erase is written through to it before returning.
ol_err an385_flash_init(an385_flash *f, const char *path) OL_MUST_CHECK;
// From here on the key store's sectors are readable and writable only
// through f's HAL: MPU region 1 faults any other access (flash.c). The lock
// body's main calls it once the flash is loaded.
void an385_flash_fence_keys(an385_flash *f);

// ---- RTC ------------------------------------------------------------------------
// The emulated battery-backed RTC (rtc.c): the host's clock stands in for the
// counting done while "off", a host file for the backup domain.
typedef struct an385_rtc {
    bool lost;               // the backup cell is flat: OL_RTC_LOST until set
    uint32_t base_s;         // RTC seconds at base_uptime
    uint32_t base_uptime;    // board_seconds() when base_s was exact
    const char *backup_path; // host file holding the owner's offset, or NULL
} an385_rtc;

// lost: start as a flat backup cell would (OL_RTC_LOST); else from the host
// clock and the offset saved in backup_path (NULL: none, host time as is).
void an385_rtc_init(an385_rtc *rtc, bool lost, const char *backup_path);
ol_err an385_rtc_set(void *ctx, uint32_t seconds); // ol_platform.rtc_set
uint32_t an385_rtc_now(void *ctx);                 // ol_platform.rtc_now; ctx = an385_rtc*

// ---- TRNG: TEST ONLY ------------------------------------------------------------
// See trng_test.c: not random, refuses to build without OL_ALLOW_TEST_TRNG.
typedef struct an385_test_trng {
    uint8_t key[32];
    uint32_t counter;
    bool seeded;
} an385_test_trng;

// seed_text: a fixed seed for reproducible runs, or NULL to mix host time.
void an385_test_trng_init(an385_test_trng *t, const char *seed_text);
ol_err an385_test_trng_fill(void *ctx, uint8_t *buf, size_t len); // ctx = an385_test_trng*

#endif
