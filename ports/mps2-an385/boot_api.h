// ownerlock — mps2-an385: the table the bootloader lends the lock body
// (docs/PORTING.md, "The bootloader's table").
//
// The bootloader stays in place at 0x0 while the lock body runs, so the lock
// body does not link a second Ed25519, SHA-512 and boot-record reader of its
// own: it calls the bootloader's, through this table, at a fixed address
// right after the bootloader's vector table (48 vectors: 0xC0). All six
// services come from it, not only the ones that verify: the boot record's
// format is the bootloader's, and a lock body built from another release of
// src/boot must not write a record the resident bootloader reads otherwise.
//
// The functions run on the caller's stack and touch no RAM of the
// bootloader's (src/boot, src/image and the crypto hold no static state);
// they reach the flash only through the ol_boot_area's ol_flash, which is the
// lock body's. A new field goes at the end, with a new version.
#ifndef OWNERLOCK_AN385_BOOT_API_H
#define OWNERLOCK_AN385_BOOT_API_H

#define AN385_BOOT_API_ADDR 0x000000C0u  // an385-boot.ld checks it
#define AN385_BOOT_API_MAGIC 0x54424C4Fu // "OLBT" in memory
#define AN385_BOOT_API_VERSION 3u        // 3: and the field arithmetic
// Where the table keeps fe_mul and fe_sq, for x25519_lent.S (checked below).
#define AN385_BOOT_API_FE_MUL_AT 52
#define AN385_BOOT_API_FE_SQ_AT 56

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/boot.h"

// x25519_cm3.S's multiply and square, which the bootloader's Ed25519 links
// anyway: the lock body's X25519 jumps to these (x25519_lent.S) instead of
// carrying a second copy of 4.6 KiB (docs/PORTING.md, "The bootloader's
// table"). Straight-line code of a fixed path, on the caller's stack.
void ol_x25519_fe_mul(int32_t h[20], const int32_t f[20], const int32_t g[20]);
void ol_x25519_fe_sq(int32_t h[20], const int32_t f[20]);

typedef struct an385_boot_api {
    uint32_t magic;   // AN385_BOOT_API_MAGIC
    uint32_t version; // AN385_BOOT_API_VERSION
    uint32_t size;    // sizeof (an385_boot_api)
    // The bootloader's src/boot (OL_BOOT_SERVICES_OF_SRC_BOOT) and the maker's
    // key it pins by default; the area is left to the lock body (its ol_flash).
    ol_boot_services services;
    void (*fe_mul)(int32_t h[20], const int32_t f[20], const int32_t g[20]);
    void (*fe_sq)(int32_t h[20], const int32_t f[20]);
} an385_boot_api;

#if defined(__arm__)
_Static_assert(offsetof(an385_boot_api, fe_mul) == AN385_BOOT_API_FE_MUL_AT &&
                   offsetof(an385_boot_api, fe_sq) == AN385_BOOT_API_FE_SQ_AT,
               "x25519_lent.S jumps through these offsets");
#endif
#endif

#endif
