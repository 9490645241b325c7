// ownerlock — host port: NOR flash in memory or in a shared mapping of a file,
// strict about NOR rules, with power-cut injection for the crash tests.
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

#define ERASED_WORD 0xFFFFFFFFu

// ---- tear randomness -------------------------------------------------------------
// splitmix64: one 64-bit state, enough to make each tear reproducible from its seed.
static uint64_t tear_next(ol_hostflash *hf) {
    uint64_t z = (hf->tear_rng += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

// ---- cut injection ---------------------------------------------------------------

// Counts one operation; true if it is the one to tear.
static bool cut_due(ol_hostflash *hf) {
    if (hf->cut_countdown < 0) {
        return false;
    }
    if (hf->cut_countdown == 0) {
        return true;
    }
    hf->cut_countdown--;
    return false;
}

// The torn operation is done: the power is gone.
static ol_err power_cut(ol_hostflash *hf) {
    hf->cut_countdown = -1;
    if (hf->on_cut) {
        hf->on_cut(hf->on_cut_arg); // normally does not return
    }
    hf->dead = true;
    return OL_ERR_POWER;
}

// ---- the HAL -----------------------------------------------------------------------

static uint64_t flash_bytes(const ol_hostflash *hf) {
    return (uint64_t)hf->flash.sector_size * hf->flash.sector_count;
}

static bool in_bounds(const ol_hostflash *hf, uint32_t addr, size_t len) {
    return (uint64_t)addr + len <= flash_bytes(hf);
}

static ol_err host_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    ol_hostflash *hf = ctx;
    if (!hf || (len && !buf) || !in_bounds(hf, addr, len)) {
        return OL_ERR_ARG;
    }
    memcpy(buf, hf->mem + addr, len);
    return OL_OK;
}

static ol_err host_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    ol_hostflash *hf = ctx;
    if (!hf || (len && !buf)) {
        return OL_ERR_ARG;
    }
    if (hf->dead) {
        return OL_ERR_POWER;
    }
    if (addr % OL_FLASH_WORD || len % OL_FLASH_WORD || !in_bounds(hf, addr, len)) {
        return OL_ERR_ARG;
    }
    // Refuse the whole call before touching anything: a 1 over a 0 is a bug
    // in the caller, and real NOR would silently leave the 0.
    const uint8_t *src = buf;
    for (size_t i = 0; i < len; i += OL_FLASH_WORD) {
        uint32_t old, new;
        memcpy(&old, hf->mem + addr + i, sizeof old);
        memcpy(&new, src + i, sizeof new);
        if ((old & new) != new) {
            return OL_ERR_FLASH;
        }
    }
    for (size_t i = 0; i < len; i += OL_FLASH_WORD) {
        uint32_t old, new;
        memcpy(&old, hf->mem + addr + i, sizeof old);
        memcpy(&new, src + i, sizeof new);
        hf->words_programmed++;
        if (cut_due(hf)) {
            // Some of the bits that were to go 0 did.
            uint32_t to_clear = old & ~new;
            uint32_t torn = old & ~(to_clear & (uint32_t)tear_next(hf));
            memcpy(hf->mem + addr + i, &torn, sizeof torn);
            return power_cut(hf);
        }
        memcpy(hf->mem + addr + i, &new, sizeof new);
    }
    return OL_OK;
}

static ol_err host_erase(void *ctx, uint32_t sector) {
    ol_hostflash *hf = ctx;
    if (!hf) {
        return OL_ERR_ARG;
    }
    if (hf->dead) {
        return OL_ERR_POWER;
    }
    if (sector >= hf->flash.sector_count) {
        return OL_ERR_ARG;
    }
    uint8_t *base = hf->mem + (size_t)sector * hf->flash.sector_size;
    hf->erase_count[sector]++;
    hf->erases++;
    if (cut_due(hf)) {
        // Each word is erased, left as it was, or has some of its bits set.
        // How far the erase got varies from tear to tear: a third barely
        // started (most words intact, so stale headers and records survive),
        // a third nearly done, a third anywhere.
        uint64_t shape = tear_next(hf);
        uint32_t erased_pct = (uint32_t)(shape % 101u);
        uint32_t partly_pct = 50;
        if ((shape >> 8) % 3u == 0) {
            erased_pct %= 11u;
            partly_pct = 10;
        } else if ((shape >> 8) % 3u == 1) {
            erased_pct = 90u + erased_pct % 11u;
        }
        for (uint32_t i = 0; i < hf->flash.sector_size; i += OL_FLASH_WORD) {
            uint64_t r = tear_next(hf);
            uint32_t word;
            memcpy(&word, base + i, sizeof word);
            if ((uint32_t)(r % 100u) < erased_pct) {
                word = ERASED_WORD;
            } else if ((uint32_t)((r >> 32) % 100u) < partly_pct) {
                word |= (uint32_t)tear_next(hf);
            }
            memcpy(base + i, &word, sizeof word);
        }
        return power_cut(hf);
    }
    memset(base, 0xFF, hf->flash.sector_size);
    return OL_OK;
}

// ---- lifetime ----------------------------------------------------------------------

// Map path, growing it with erased bytes to `bytes` if it is missing or short.
static uint8_t *map_file(const char *path, size_t bytes) {
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    bool ok = fstat(fd, &st) == 0;
    if (ok && (uint64_t)st.st_size < bytes) {
        uint8_t erased[4096];
        memset(erased, 0xFF, sizeof erased);
        for (size_t at = (size_t)st.st_size; ok && at < bytes;) {
            size_t n = bytes - at < sizeof erased ? bytes - at : sizeof erased;
            ssize_t written = pwrite(fd, erased, n, (off_t)at);
            ok = written > 0;
            if (ok) {
                at += (size_t)written;
            }
        }
    }
    void *mem = ok ? mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd); // the mapping keeps the file
    return mem == MAP_FAILED ? NULL : mem;
}

ol_err ol_hostflash_open(ol_hostflash *hf, const char *path, uint32_t sector_size,
                         uint32_t sector_count) {
    if (!hf || sector_size == 0 || sector_size % OL_FLASH_WORD || sector_count == 0) {
        return OL_ERR_ARG;
    }
    uint64_t bytes = (uint64_t)sector_size * sector_count;
    if (bytes > UINT32_MAX || bytes > SIZE_MAX) {
        return OL_ERR_ARG; // flash addresses are 32 bits
    }
    memset(hf, 0, sizeof *hf);
    hf->erase_count = calloc(sector_count, sizeof *hf->erase_count);
    if (!hf->erase_count) {
        return OL_ERR_FLASH;
    }
    if (path) {
        hf->mem = map_file(path, (size_t)bytes);
        hf->mapped = true;
    } else {
        hf->mem = malloc((size_t)bytes);
        if (hf->mem) {
            memset(hf->mem, 0xFF, (size_t)bytes);
        }
    }
    if (!hf->mem) {
        free(hf->erase_count);
        memset(hf, 0, sizeof *hf);
        return OL_ERR_FLASH;
    }
    hf->flash.ctx = hf;
    hf->flash.sector_size = sector_size;
    hf->flash.sector_count = sector_count;
    hf->flash.read = host_read;
    hf->flash.program = host_program;
    hf->flash.erase = host_erase;
    hf->cut_countdown = -1;
    return OL_OK;
}

void ol_hostflash_close(ol_hostflash *hf) {
    if (!hf || !hf->mem) {
        return;
    }
    if (hf->mapped) {
        munmap(hf->mem, (size_t)flash_bytes(hf));
    } else {
        free(hf->mem);
    }
    free(hf->erase_count);
    memset(hf, 0, sizeof *hf);
}

void ol_hostflash_arm_cut(ol_hostflash *hf, uint64_t ops, uint64_t tear_seed,
                          void (*on_cut)(void *), void *arg) {
    hf->cut_countdown = ops > INT64_MAX ? INT64_MAX : (int64_t)ops;
    hf->tear_rng = tear_seed;
    hf->on_cut = on_cut;
    hf->on_cut_arg = arg;
}

void ol_hostflash_disarm(ol_hostflash *hf) {
    hf->cut_countdown = -1;
    hf->dead = false;
    hf->on_cut = NULL;
    hf->on_cut_arg = NULL;
}

uint64_t ol_hostflash_ops(const ol_hostflash *hf) {
    return hf->words_programmed + hf->erases;
}
