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

#include <stdint.h>

#include "ownerlock/boot.h"

#define AN385_BOOT_API_ADDR 0x000000C0u  // an385-boot.ld checks it
#define AN385_BOOT_API_MAGIC 0x54424C4Fu // "OLBT" in memory
#define AN385_BOOT_API_VERSION 2u        // 2: the services as one ol_boot_services

typedef struct an385_boot_api {
    uint32_t magic;   // AN385_BOOT_API_MAGIC
    uint32_t version; // AN385_BOOT_API_VERSION
    uint32_t size;    // sizeof (an385_boot_api)
    // The bootloader's src/boot (OL_BOOT_SERVICES_OF_SRC_BOOT) and the maker's
    // key it pins by default; the area is left to the lock body (its ol_flash).
    ol_boot_services services;
} an385_boot_api;

#endif
