// ownerlock — mps2-an385 port: NOR flash emulated in RAM, persisted through
// semihosting.
//
// The cells live in RAM (the .nor region, outside the firmware's RAM budget:
// on a real MCU they are the internal flash) and obey NOR rules strictly, as
// ports/host does: erase sets a sector to 0xFF, program only clears bits,
// word-aligned, and a 0 -> 1 request is refused whole (a store bug; real NOR
// would silently keep the 0). Every program and erase is written through to a
// host file before the call returns, so killing QEMU at any instant is a real
// power cut: what the next boot reads is exactly what was committed, with at
// most the one interrupted semihosting write torn.
#include <string.h>

#include "board.h"
#include "semihost.h"

#define ERASED 0xFFu

// 8 KiB-aligned: the key store's fence (below) is an MPU region, whose base
// must be a multiple of its size.
static uint8_t cells[AN385_FLASH_BYTES] __attribute__((section(".nor"), aligned(8192)));

static bool in_bounds(uint32_t addr, size_t len) {
    return addr <= AN385_FLASH_BYTES && len <= AN385_FLASH_BYTES - addr;
}

// Write the cells [addr, addr+len) through to the backing file.
static ol_err write_through(an385_flash *f, uint32_t addr, size_t len) {
    if (f->fd < 0) {
        return OL_OK;
    }
    if (semihost_seek(f->fd, addr) != 0 || semihost_write(f->fd, f->mem + addr, len) != 0) {
        // RAM now holds more than the file: stop writing until the next boot
        // rereads the file, the same rule the store applies to a failed write.
        f->dead = true;
        return OL_ERR_FLASH;
    }
    return OL_OK;
}

static ol_err read_cells(void *ctx, uint32_t addr, void *buf, size_t len) {
    an385_flash *f = ctx;
    if (!f || (len && !buf) || !in_bounds(addr, len)) {
        return OL_ERR_ARG;
    }
    memcpy(buf, f->mem + addr, len);
    return OL_OK;
}

static ol_err program_cells(void *ctx, uint32_t addr, const void *buf, size_t len) {
    an385_flash *f = ctx;
    if (!f || (len && !buf)) {
        return OL_ERR_ARG;
    }
    if (f->dead) {
        return OL_ERR_FLASH;
    }
    if (addr % OL_FLASH_WORD || len % OL_FLASH_WORD || !in_bounds(addr, len)) {
        return OL_ERR_ARG;
    }
    const uint8_t *src = buf;
    for (size_t i = 0; i < len; i++) {
        if ((f->mem[addr + i] & src[i]) != src[i]) {
            return OL_ERR_FLASH; // a 1 over a 0: refuse before touching anything
        }
    }
    for (size_t i = 0; i < len; i++) {
        f->mem[addr + i] &= src[i];
    }
    return write_through(f, addr, len);
}

static ol_err erase_cells(void *ctx, uint32_t sector) {
    an385_flash *f = ctx;
    if (!f) {
        return OL_ERR_ARG;
    }
    if (f->dead) {
        return OL_ERR_FLASH;
    }
    if (sector >= AN385_FLASH_SECTORS) {
        return OL_ERR_ARG;
    }
    uint32_t addr = sector * AN385_FLASH_SECTOR_SIZE;
    memset(f->mem + addr, ERASED, AN385_FLASH_SECTOR_SIZE);
    return write_through(f, addr, AN385_FLASH_SECTOR_SIZE);
}

// ---- the key store's fence --------------------------------------------------------
// The key store's two sectors (the device key, the link identity) are cells
// like the others, but once the lock body fences them MPU region 1 forbids
// every access to them, privileged too, except inside this driver for an
// operation on them: a stray read anywhere else in the firmware (a bug that
// copies memory out through the service port, the display or the cable)
// faults instead of leaking the key (tests/test_key_fence.c). On a real MCU:
// the same region over the internal flash page that holds the keys, and the
// chip's read-out protection (docs/PORTING.md, "The key store"). Not in the
// bootloader, which never reads the keys.
#ifndef AN385_BOOTLOADER
#define KEYS_AT (OL_KEYS_FIRST_SECTOR * AN385_FLASH_SECTOR_SIZE)
#define KEYS_BYTES (OL_KEYS_SECTORS * AN385_FLASH_SECTOR_SIZE)
_Static_assert(KEYS_BYTES == 8192u && KEYS_AT % KEYS_BYTES == 0, "one 8 KiB MPU region");
#define FENCE_REGION 1u
#define FENCE_CLOSED ((1u << 28) | (12u << 1) | 1u) // XN, AP 000 (no access), 2^13 bytes, on

static void fence(bool closed) {
    MPU_RNR = FENCE_REGION;
    MPU_RASR = closed ? FENCE_CLOSED : 0u;
    __asm__ volatile("dsb\nisb" ::: "memory");
}

void an385_flash_fence_keys(an385_flash *f) {
    MPU_RNR = FENCE_REGION;
    MPU_RBAR = (uint32_t)(uintptr_t)(f->mem + KEYS_AT);
    fence(true);
    f->fenced = true;
}

// Opens the fence for an operation on [addr, addr + len) that touches the
// keys; true if it did (the caller closes it again).
static bool open_for(const an385_flash *f, uint32_t addr, size_t len) {
    bool keys = f && f->fenced && addr < KEYS_AT + KEYS_BYTES && addr + len > KEYS_AT;
    if (keys) {
        fence(false);
    }
    return keys;
}
#else
static bool open_for(const an385_flash *f, uint32_t addr, size_t len) {
    (void)f;
    (void)addr;
    (void)len;
    return false;
}
static void fence(bool closed) {
    (void)closed;
}
#endif

static ol_err nor_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    bool keys = open_for(ctx, addr, len);
    ol_err err = read_cells(ctx, addr, buf, len);
    if (keys) {
        fence(true);
    }
    return err;
}

static ol_err nor_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    bool keys = open_for(ctx, addr, len);
    ol_err err = program_cells(ctx, addr, buf, len);
    if (keys) {
        fence(true);
    }
    return err;
}

static ol_err nor_erase(void *ctx, uint32_t sector) {
    bool keys = open_for(ctx, sector * AN385_FLASH_SECTOR_SIZE, AN385_FLASH_SECTOR_SIZE);
    ol_err err = erase_cells(ctx, sector);
    if (keys) {
        fence(true);
    }
    return err;
}

// Read the image from the file, growing it with erased bytes if it is short
// (a new lock, or an image from a build with fewer sectors).
static ol_err load_image(an385_flash *f, const char *path) {
    f->fd = semihost_open(path, SEMIHOST_MODE_RPLUS_B);
    if (f->fd < 0) {
        f->fd = semihost_open(path, SEMIHOST_MODE_WPLUS_B);
    }
    if (f->fd < 0) {
        return OL_ERR_FLASH;
    }
    int32_t have = semihost_flen(f->fd);
    if (have < 0) {
        return OL_ERR_FLASH;
    }
    uint32_t n = (uint32_t)have < AN385_FLASH_BYTES ? (uint32_t)have : AN385_FLASH_BYTES;
    if (n && (semihost_seek(f->fd, 0) != 0 || semihost_read(f->fd, f->mem, n) != 0)) {
        return OL_ERR_FLASH;
    }
    if (n < AN385_FLASH_BYTES) {
        return write_through(f, n, AN385_FLASH_BYTES - n);
    }
    return OL_OK;
}

ol_err an385_flash_init(an385_flash *f, const char *path) {
    memset(f, 0, sizeof *f);
    f->mem = cells;
    f->fd = -1;
    memset(f->mem, ERASED, AN385_FLASH_BYTES);
    f->flash.ctx = f;
    f->flash.sector_size = AN385_FLASH_SECTOR_SIZE;
    f->flash.sector_count = AN385_FLASH_SECTORS;
    f->flash.read = nor_read;
    f->flash.program = nor_program;
    f->flash.erase = nor_erase;
    if (!path) {
        return OL_OK;
    }
    ol_err err = load_image(f, path);
    if (err) {
        f->dead = true;
    }
    return err;
}
