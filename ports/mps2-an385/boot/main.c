// ownerlock — mps2-an385: the bootloader, the first code that runs (at 0x0).
//
// It runs ol_boot_run (src/boot: resume or perform an install, roll a trial
// that did not confirm back, repair ACTIVE from BACKUP, verify ACTIVE), then
// starts ACTIVE's body. On this board the CODE region is RAM that QEMU fills
// from the ELF at each start and the NOR flash is emulated in RAM and kept in
// a host file (../flash.c), so ACTIVE cannot execute in place: its body is
// copied to the execution region (AN385_APP_BASE, after the bootloader, where
// the lock body is linked by an385-app.ld), hashed again there and compared
// with the verified digest, and only then run. On an MCU with internal flash
// ACTIVE's body is the execution region itself (docs/PORTING.md, "The
// bootloader").
//
// It stays where it is while the lock body runs, and lends it its boot-area
// services through the table at AN385_BOOT_API_ADDR (../boot_api.h), so the
// lock body carries no verifier of its own.
//
// Command line (QEMU -append): flash=PATH, as the lock body's.
#include <string.h>

#include "board.h"
#include "boot_api.h"
#include "core/fih.h"
#include "ownerlock/boot.h"
#include "semihost.h"

#include "maker_key.h" // OL_MAKER_KEY: the maker's Ed25519 public key (generated)

#define AN385_APP_BASE 0x00004400u // an385-app.ld; 256-byte aligned, as VTOR wants here
#define AN385_APP_MAX (0x10000u - AN385_APP_BASE) // to 64 KiB: an385-app.ld's region

static const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES] = {OL_MAKER_KEY};

static an385_flash nor;

// Right after the vector table (an385-sections.ld; an385-boot.ld checks the
// address). Constant, in the bootloader's code: the lock body cannot change it.
__attribute__((section(".boot_api"), used)) const an385_boot_api an385_boot_table = {
    .magic = AN385_BOOT_API_MAGIC,
    .version = AN385_BOOT_API_VERSION,
    .size = sizeof(an385_boot_api),
    .services = OL_BOOT_SERVICES_OF_SRC_BOOT(NULL, 0, maker_key), // the area: the lock body's
    .fe_mul = ol_x25519_fe_mul,
    .fe_sq = ol_x25519_fe_sq,
};

static _Noreturn void halt(const char *why) {
    console_puts("boot: ");
    console_puts(why);
    console_puts("; no verified image to run: halted\n");
    // A real board stops here (interrupts off, WFI forever); QEMU ends with
    // status 2 so that a test does not wait for its timeout.
    board_exit(2);
}

static void put_digest(const uint8_t d[OL_SHA256_BYTES]) {
    static const char hex[] = "0123456789abcdef";
    char s[2 * 8 + 1];
    for (unsigned i = 0; i < 8; i++) {
        s[2 * i] = hex[d[i] >> 4];
        s[2 * i + 1] = hex[d[i] & 15u];
    }
    s[16] = 0;
    console_puts(s);
}

// Sets VTOR and MSP from the body's vector table and jumps to its reset
// handler. Nothing of the bootloader's state is used afterwards.
static _Noreturn void start(uint32_t base) {
    const volatile uint32_t *vt = (const volatile uint32_t *)base;
    MPU_CTRL = 0; // the lock body sets up its own stack guard
    SCB_VTOR = base;
    __asm__ volatile("dsb\nisb\n"
                     "msr msp, %0\n"
                     "bx %1\n"
                     :
                     : "r"(vt[0]), "r"(vt[1])
                     : "memory");
    __builtin_unreachable();
}

int main(void) {
    uart_init(AN385_CONSOLE, 115200u);
    char cmdline[192], path[128] = "ownerlock-an385.flash";
    semihost_cmdline(cmdline, sizeof cmdline);
    semihost_arg(cmdline, "flash", path, sizeof path);
    if (an385_flash_init(&nor, path) != OL_OK) {
        halt("cannot read the flash");
    }
    ol_boot_area area = {&nor.flash, OL_BOOT_FIRST_SECTOR};
    ol_image_header run;
    ol_err err = ol_boot_run(&area, maker_key, &run);
    if (err != OL_OK) {
        halt(err == OL_ERR_AUTH ? "nothing verifies" : "flash error");
    }
    // A second, independent condition: a failed run leaves *run zeroed.
    if (run.body_bytes == 0 || run.body_bytes > AN385_APP_MAX) {
        halt("image does not fit the execution region");
    }
    // Copy, and check the copy is the verified body (what runs is what was
    // verified, whatever happened to the flash in between).
    uint8_t *exec = (uint8_t *)(uintptr_t)AN385_APP_BASE;
    memcpy(exec, nor.mem + ol_boot_slot_addr(&area, OL_BOOT_ACTIVE) + OL_IMAGE_HEADER_BYTES,
           run.body_bytes);
    uint8_t digest[OL_SHA256_BYTES];
    ol_sha256(digest, exec, run.body_bytes);
    uint32_t same = fih_token(ol_ct_compare(digest, run.digest, sizeof digest) == 0);
    if (same != OL_GRANT) {
        halt("the copy is not the verified body");
    }
    const volatile uint32_t *vt = (const volatile uint32_t *)AN385_APP_BASE;
    if (vt[1] < AN385_APP_BASE || vt[1] >= AN385_APP_BASE + run.body_bytes ||
        fih_opaque(same) != OL_GRANT) {
        halt("no reset handler in the image");
    }
    console_puts("boot: version ");
    console_putu(run.version);
    console_puts(", digest ");
    put_digest(run.digest);
    console_puts("...: verified, starting (stack ");
    console_putu(board_stack_used());
    console_puts(" bytes)\n");
    start(AN385_APP_BASE);
}
