// ownerlock — host port: file-backed NOR flash, seeded test TRNG, virtual RTC.
// Used by the simulator and the tests. Nothing here is for a real lock.
#ifndef OWNERLOCK_PORT_HOST_H
#define OWNERLOCK_PORT_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/config.h"
#include "ownerlock/hal.h"

// ---- NOR flash ---------------------------------------------------------------
// Enforces NOR semantics: program only clears bits (programming a 0 bit back to
// 1 is a store bug and fails with OL_ERR_FLASH), word alignment, bounds.
// Counts erases per sector and every word programmed.
//
// Power-cut injection: arm a countdown of flash operations (one per word
// programmed, one per sector erased). When it reaches zero the operation is
// torn — a program leaves the word with a random subset of its new 0 bits, an
// erase leaves the sector a random mix of erased, old and partly-set words —
// and on_cut is called (normally it longjmps out, like a real power cut stops
// the CPU). If on_cut returns, the flash stays dead: every later program or
// erase fails with OL_ERR_POWER and changes nothing, until disarmed.
typedef struct ol_hostflash {
    ol_flash flash;        // the HAL view; flash.ctx points back here
    uint8_t *mem;          // sector_size * sector_count bytes
    bool mapped;           // mem is an mmap of a file
    uint32_t *erase_count; // per sector
    uint64_t words_programmed;
    uint64_t erases;
    // cut injection
    int64_t cut_countdown; // < 0: disarmed
    bool dead;
    uint64_t tear_rng;
    void (*on_cut)(void *arg);
    void *on_cut_arg;
} ol_hostflash;

// In-memory flash, all erased. path == NULL: anonymous memory. Otherwise the
// image lives in that file (created erased if missing), mapped shared, so every
// program and erase is on disk at once and a later process sees it.
ol_err ol_hostflash_open(ol_hostflash *hf, const char *path, uint32_t sector_size,
                         uint32_t sector_count) OL_MUST_CHECK;
void ol_hostflash_close(ol_hostflash *hf);
// Arm the cut after `ops` more operations (0: the very next one is torn).
void ol_hostflash_arm_cut(ol_hostflash *hf, uint64_t ops, uint64_t tear_seed,
                          void (*on_cut)(void *), void *arg);
void ol_hostflash_disarm(ol_hostflash *hf); // also revives a dead flash
// Operations counted so far (words programmed + sectors erased).
uint64_t ol_hostflash_ops(const ol_hostflash *hf);

// ---- test TRNG -------------------------------------------------------------
// Deterministic from a seed: NOT random, for the simulator and tests only.
typedef struct ol_testrng {
    uint64_t state[4];
} ol_testrng;
void ol_testrng_seed(ol_testrng *r, uint64_t seed);
ol_err ol_testrng_fill(void *ctx, uint8_t *buf, size_t len); // ctx = ol_testrng*
uint64_t ol_testrng_next(ol_testrng *r);

// ---- virtual RTC -----------------------------------------------------------
// The world's wall clock advances with virtual time; the lock's RTC reads it
// unless the backup cell lost it (then OL_RTC_LOST until set).
typedef struct ol_vclock {
    uint64_t now_ms;     // virtual ms since the simulation started
    int64_t world_epoch; // wall-clock seconds at now_ms == 0
    bool rtc_lost;
    int64_t rtc_offset_s; // lock RTC = world time + offset (set by the lock)
} ol_vclock;
uint32_t ol_vclock_rtc(void *ctx);                     // ctx = ol_vclock*
ol_err ol_vclock_rtc_set(void *ctx, uint32_t seconds); // the lock sets its RTC

// Default geometry of the simulated NOR device: 4 KiB sectors, enough for the
// state ring and the audit ring of config.h.
#define OL_HOST_SECTOR_SIZE 4096u
// 4 state + 48 audit + 2 key store, then the boot area (three image slots and
// the boot record: ownerlock/boot.h)
#define OL_HOST_SECTORS (OL_BOOT_FIRST_SECTOR + OL_BOOT_SECTORS)

#endif
