// ownerlock — the hardware abstraction a port implements.
//
// The core never includes a board header. A port fills one ol_platform with a
// NOR flash, a TRNG and a real-time clock. Bolt, door, display, beeper and
// alarm are not called by the core: it reports what they should do in its
// outputs (see lock.h) and the port drives them.
#ifndef OWNERLOCK_HAL_H
#define OWNERLOCK_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/error.h"

// NOR flash: an array of equal sectors. Contract (docs/PORTING.md):
//  - erase(sector) sets every byte of the sector to 0xFF;
//  - program(addr, data, len) may only turn bits from 1 to 0; addr and len are
//    multiples of OL_FLASH_WORD; the result of programming is (old & data);
//  - a power cut may tear any single program (a word holds some of its new 0
//    bits) or erase (a sector holds any mix); nothing else is corrupted;
//  - read returns what is stored; reads have no side effects.
#define OL_FLASH_WORD 4u

typedef struct ol_flash {
    void *ctx;
    uint32_t sector_size;  // bytes per erase unit, a multiple of OL_FLASH_WORD
    uint32_t sector_count; // sectors in the device
    ol_err (*read)(void *ctx, uint32_t addr, void *buf, size_t len);
    ol_err (*program)(void *ctx, uint32_t addr, const void *buf, size_t len);
    ol_err (*erase)(void *ctx, uint32_t sector);
} ol_flash;

// Seconds since 1970-01-01T00:00:00Z, or OL_RTC_LOST when the clock has lost
// its time (backup cell flat) and not been set since.
#define OL_RTC_LOST UINT32_MAX

typedef struct ol_platform {
    const ol_flash *flash;
    // Fill buf with len bytes from a true random source. Must not fail
    // silently: return an error if the source is not healthy.
    ol_err (*trng)(void *ctx, uint8_t *buf, size_t len);
    void *trng_ctx;
    // The real-time clock, or OL_RTC_LOST. The lock keeps its own clock in
    // the time the owner sets it to (normally local time); rtc_set (same
    // ctx) sets it and clears the lost state.
    uint32_t (*rtc_now)(void *ctx);
    ol_err (*rtc_set)(void *ctx, uint32_t seconds);
    void *rtc_ctx;
    // The bootloader's services to the lock body (ownerlock/boot.h): staging
    // an image from the service port, installing it, confirming itself.
    // NULL: this port takes no firmware updates.
    const struct ol_boot_services *boot;
    // The lock body runs only while a self-powered front end (a dial) turns:
    // no standby power, so no clock between uses, and the functions that
    // need one (time delay, time lock, schedule, holidays, the clock) refuse.
    bool self_powered;
} ol_platform;

#endif
