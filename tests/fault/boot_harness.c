// ownerlock — the bootloader the fault sweep attacks (tests/fault/boot-skip.c).
//
// Built for the Cortex-M3 as the board's bootloader is (ports/mps2-an385/boot:
// the library linked with LTO at -Os, the NOR flash with the boot area,
// AN385_WITH_BOOT_AREA), and run in an emulated Cortex-M3 by the sweep, which
// calls these functions directly (no startup code, no peripherals):
//   fault_boot_setup()  the flash all erased, no backing file; returns the
//                       address of its cells, which the sweep then fills
//                       with a boot area (images, a boot record) of its own,
//                       and where that is in fault_boot_geometry;
//   fault_boot_run()    ol_boot_run on that flash with fault_maker_key (the
//                       key the sweep pins): the call whose instructions the
//                       sweep skips; returns its ol_err, and leaves what it
//                       said to run in fault_ran (version, body bytes, digest:
//                       the sweep reads them back).
#include <string.h>

#include "board.h"
#include "ownerlock/boot.h"

// What the sweep reads and writes by symbol: plain arrays, no layout to share.
uint8_t fault_maker_key[OL_ED25519_PUBLIC_BYTES];
uint32_t fault_ran[2 + OL_SHA256_BYTES / 4]; // version, body bytes, digest

// Where the boot area is (set by fault_boot_setup): its first sector, a
// slot's sectors, a sector's bytes.
uint32_t fault_boot_geometry[3];

static an385_flash nor;
static ol_boot_area area;

uint32_t fault_boot_setup(void);
uint32_t fault_boot_run(void);

__attribute__((noinline, used)) uint32_t fault_boot_setup(void) {
    if (an385_flash_init(&nor, NULL) != OL_OK) {
        return 0;
    }
    area.flash = &nor.flash;
    area.first_sector = OL_BOOT_FIRST_SECTOR;
    fault_boot_geometry[0] = OL_BOOT_FIRST_SECTOR;
    fault_boot_geometry[1] = OL_BOOT_SLOT_SECTORS;
    fault_boot_geometry[2] = AN385_FLASH_SECTOR_SIZE;
    return (uint32_t)(uintptr_t)nor.mem;
}

__attribute__((noinline, used)) uint32_t fault_boot_run(void) {
    ol_image_header run;
    memset(fault_ran, 0, sizeof fault_ran);
    ol_err err = ol_boot_run(&area, fault_maker_key, &run);
    fault_ran[0] = run.version;
    fault_ran[1] = run.body_bytes;
    memcpy(&fault_ran[2], run.digest, sizeof run.digest);
    return (uint32_t)err;
}

int main(void) {
    // Under QEMU, with nothing in the flash: nothing may run.
    return fault_boot_setup() != 0 && fault_boot_run() == (uint32_t)OL_ERR_AUTH ? 0 : 1;
}
