// ownerlock — mps2-an385: the bootloader with a power cut at one flash
// operation. TEST ONLY: ownerlock-boot-cut.elf, never the product
// (run-cut-tests.sh; docs/PORTING.md, "The bootloader").
//
// This file is the bootloader's main.c, included whole and unchanged, with
// its one call of ol_boot_run routed through cut_boot_run below; the board's
// flash driver (../flash.c) and src/boot are the product's objects. So the
// product's sources carry no test code and its ELF stays as it was.
// cut_boot_run counts every program and erase ol_boot_run makes on the
// board's flash; at operation N (`cut=N` on the QEMU command line) the power
// goes: `cutmode=before` stops the machine before the operation touches the
// flash, `cutmode=torn` tears it first, as an interrupted NOR operation
// does (a program: the words before one written, that word with some of its
// new 0 bits, the rest not; an erase: each word of the sector erased, left,
// or left with some bits set), then stops. Stopping is a semihosting exit
// (QEMU status 3): the next QEMU run, on the same flash file, is the
// power-up. With no cut (`cut=0`, or N past the last operation) it prints
// the number of operations and what ol_boot_run returned, and stops (status
// 0; status 2 if nothing verified) without starting the lock body, so it
// needs no execution region: an385-boot-cut.ld gives it more CODE than the
// product's 17 KiB and the product's RAM and stack. `cutlog=1` prints
// each operation (the test names the install's phases from them).
//
// Built a second time with AN385_CUT_PLANT (ownerlock-boot-cut-planted.elf):
// the self-test's bootloader, with a planted flaw that saves the record's
// new state before the copy into ACTIVE is done (at the copy's first erase;
// ol_boot_run's own save after the copy then follows as before):
//   plant=trial-early  TRIAL: a cut during the copy leaves a record saying
//                      the new image ran and did not confirm, and the next
//                      boot rolls the install back (v5: the install is lost);
//   plant=idle-early   IDLE, the lowest version raised to the new image's (an
//                      install taken as done and confirmed): a cut during
//                      the copy leaves a torn ACTIVE and a BACKUP below the
//                      lowest version: nothing verifies.
// Its src/boot is ../../../src/boot/boot.c included here (the record's
// functions are static); the library's boot.c is left out of that link.
#include "ownerlock/boot.h"

#ifdef AN385_CUT_PLANT
#include "boot/boot.c"
#endif

static ol_err cut_boot_run(const ol_boot_area *a, const uint8_t key[OL_ED25519_PUBLIC_BYTES],
                           ol_image_header *run);
#define ol_boot_run cut_boot_run
#include "main.c"
#undef ol_boot_run

#define CUT_EXIT_STATUS 3

static struct {
    uint32_t at;    // the operation cut (1 the first); 0: none
    bool torn;      // tear it, or stop before it
    bool log;       // print every operation
    uint32_t count; // operations so far
    uint32_t rng;   // xorshift32 state, from `at`
    ol_flash flash; // the board's flash with program and erase counted
    const ol_flash *real;
#ifdef AN385_CUT_PLANT
    ol_boot_area area;
    char plant[16]; // trial-early, idle-early; anything else: none
    bool planted;
#endif
} cut;

static uint32_t next_random(void) {
    cut.rng ^= cut.rng << 13;
    cut.rng ^= cut.rng >> 17;
    cut.rng ^= cut.rng << 5;
    return cut.rng;
}

// "op N erase SECTOR" or "op N program ADDRESS BYTES".
static void log_op(const char *what, uint32_t a, uint32_t bytes) {
    console_puts("op ");
    console_putu(cut.count);
    console_puts(what);
    console_putu(a);
    if (bytes) {
        console_puts(" ");
        console_putu(bytes);
    }
    console_puts("\n");
}

static _Noreturn void broken(const char *why) {
    console_puts("cut: ");
    console_puts(why);
    console_puts("\n");
    board_exit(4);
}

static _Noreturn void power_off(const char *what, uint32_t a) {
    console_puts("cut: operation ");
    console_putu(cut.count);
    console_puts(what);
    console_putu(a);
    console_puts(cut.torn ? ", torn: power off\n" : ", before it: power off\n");
    board_exit(CUT_EXIT_STATUS);
}

// The cells [addr, addr+len) as they now are, through to the flash file, as
// the driver's write-through does (../flash.c).
static void write_through(const an385_flash *f, uint32_t addr, uint32_t len) {
    if (semihost_seek(f->fd, addr) != 0 || semihost_write(f->fd, f->mem + addr, len) != 0) {
        broken("the flash file cannot be written");
    }
}

// A program interrupted at one of its words that it changes: the words
// before it programmed (through the driver), that word with a random part
// of its new 0 bits, never all of them; nothing after it.
static void tear_program(uint32_t addr, const uint8_t *src, size_t len) {
    const an385_flash *f = cut.real->ctx;
    uint32_t changing = 0;
    for (size_t i = 0; i < len; i += OL_FLASH_WORD) {
        uint32_t old, now;
        memcpy(&old, f->mem + addr + i, 4);
        memcpy(&now, src + i, 4);
        changing += (old & ~now) != 0;
    }
    if (changing == 0) {
        return; // it would change nothing: torn is the same as before it
    }
    uint32_t pick = next_random() % changing;
    for (size_t i = 0; i < len; i += OL_FLASH_WORD) {
        uint32_t old, now;
        memcpy(&old, f->mem + addr + i, 4);
        memcpy(&now, src + i, 4);
        uint32_t clear = old & ~now; // the bits this word's program takes to 0
        if (clear == 0) {
            continue;
        }
        if (pick-- == 0) {
            if (i > 0 && cut.real->program(cut.real->ctx, addr, src, i) != OL_OK) {
                broken("the words before the tear were refused");
            }
            uint32_t keep = next_random() & clear; // bits of clear left at 1
            keep = keep ? keep : (clear & (0u - clear));
            uint32_t part = now | keep;
            if (cut.real->program(cut.real->ctx, addr + (uint32_t)i, &part, 4) != OL_OK) {
                broken("the torn word was refused");
            }
            return;
        }
    }
}

// An erase interrupted: each word erased, as it was, or with some bits set
// (an erase moves every cell towards 1); at least one word not erased.
static void tear_erase(uint32_t sector) {
    const an385_flash *f = cut.real->ctx;
    uint32_t base = sector * AN385_FLASH_SECTOR_SIZE;
    bool left = false;
    for (uint32_t i = 0; i < AN385_FLASH_SECTOR_SIZE; i += 4) {
        uint32_t w, r = next_random();
        memcpy(&w, f->mem + base + i, 4);
        if (r % 3u == 0) {
            w = 0xFFFFFFFFu;
        } else if (r % 3u == 1) {
            w |= next_random();
        }
        left |= w != 0xFFFFFFFFu;
        memcpy(f->mem + base + i, &w, 4);
    }
    if (!left) {
        f->mem[base] = 0; // a cell the erase did not reach
    }
    write_through(f, base, AN385_FLASH_SECTOR_SIZE);
}

static ol_err cut_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    cut.count++;
    if (cut.log) {
        log_op(" program ", addr, (uint32_t)len);
    }
    if (cut.count == cut.at) {
        if (cut.torn && addr % OL_FLASH_WORD == 0 && len % OL_FLASH_WORD == 0) {
            tear_program(addr, buf, len);
        }
        power_off(", program at ", addr);
    }
    return cut.real->program(ctx, addr, buf, len);
}

static ol_err cut_erase(void *ctx, uint32_t sector) {
#ifdef AN385_CUT_PLANT
    // THE PLANTED FLAW (self-test only): the record's next state saved as
    // the copy into ACTIVE begins, not after it is done and verified.
    if (!cut.planted && sector == cut.area.first_sector + OL_BOOT_ACTIVE * OL_BOOT_SLOT_SECTORS) {
        boot_record r;
        ol_image_header staged;
        bool trial = strcmp(cut.plant, "trial-early") == 0;
        bool idle = strcmp(cut.plant, "idle-early") == 0;
        cut.planted = true;
        load_record(&cut.area, &r);
        if (r.state == ST_INSTALL_COPY && (trial || idle)) {
            r.state = trial ? ST_TRIAL : ST_IDLE;
            if (idle && image_len(&cut.area, OL_BOOT_STAGED, &staged) != 0) {
                r.min_version = staged.version;
            }
            if (save_record(&cut.area, &r) != OL_OK) {
                return OL_ERR_FLASH;
            }
        }
    }
#endif
    cut.count++;
    if (cut.log) {
        log_op(" erase ", sector, 0);
    }
    if (cut.count == cut.at) {
        if (cut.torn && sector < AN385_FLASH_SECTORS) {
            tear_erase(sector);
        }
        power_off(", erase of sector ", sector);
    }
    return cut.real->erase(ctx, sector);
}

static uint32_t number(const char *s) {
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10u + (uint32_t)(*s++ - '0');
    }
    return v;
}

// Not inlined: the command line leaves the stack before ol_boot_run's
// deepest call.
__attribute__((noinline)) static void read_cut(void) {
    char cmdline[192], v[16];
    semihost_cmdline(cmdline, sizeof cmdline);
    cut.at = semihost_arg(cmdline, "cut", v, sizeof v) ? number(v) : 0;
    cut.torn = semihost_arg(cmdline, "cutmode", v, sizeof v) && strcmp(v, "torn") == 0;
    cut.log = semihost_arg(cmdline, "cutlog", v, sizeof v) && strcmp(v, "1") == 0;
#ifdef AN385_CUT_PLANT
    semihost_arg(cmdline, "plant", cut.plant, sizeof cut.plant);
#endif
    cut.rng = cut.at * 2654435761u ^ 0x5eedu;
    cut.rng = cut.rng ? cut.rng : 1u;
}

static ol_err cut_boot_run(const ol_boot_area *a, const uint8_t key[OL_ED25519_PUBLIC_BYTES],
                           ol_image_header *run) {
    read_cut();
    cut.real = a->flash;
    cut.flash = *a->flash;
    cut.flash.program = cut_program;
    cut.flash.erase = cut_erase;
    ol_boot_area counted = {&cut.flash, a->first_sector};
#ifdef AN385_CUT_PLANT
    cut.area = counted;
#endif
    ol_err err = ol_boot_run(&counted, key, run);
    console_puts("cut: none; ");
    console_putu(cut.count);
    console_puts(" flash operations; ol_boot_run ");
    console_putu((uint32_t)-err);
    console_puts(", version ");
    console_putu(run->version);
    console_puts("\n");
    board_exit(err == OL_OK ? 0 : 2);
}
