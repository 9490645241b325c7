// A host flash seen through an undo log, for searches that try many
// continuations from one state. Every program and erase first saves the bytes
// it will change; undo_to() puts them back, newest first, in time
// proportional to what changed (the whole device is 208 KiB). Together with a
// copy of the lock context this returns a lock to an earlier state exactly.
// Header-only, like rig.h: each test is one program.
#ifndef OWNERLOCK_TEST_UNDO_FLASH_H
#define OWNERLOCK_TEST_UNDO_FLASH_H

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "host.h"

typedef struct undo_entry {
    uint32_t addr, len;
    size_t at; // offset of the saved bytes in undo.bytes
} undo_entry;

typedef struct undo {
    ol_flash flash;   // what the lock is given
    ol_hostflash *hf; // the device underneath
    undo_entry *ent;
    size_t n, cap; // entries; n is the mark undo_to() returns to
    uint8_t *bytes;
    size_t nbytes, capbytes;
} undo;

static inline void undo_save(undo *u, uint32_t addr, size_t len) {
    uint64_t size = (uint64_t)u->hf->flash.sector_size * u->hf->flash.sector_count;
    if ((uint64_t)addr + len > size) {
        return; // the device refuses it and changes nothing
    }
    u->ent = grow(u->ent, &u->cap, u->n + 1, sizeof *u->ent);
    u->bytes = grow(u->bytes, &u->capbytes, u->nbytes + len, 1);
    memcpy(u->bytes + u->nbytes, u->hf->mem + addr, len);
    u->ent[u->n++] = (undo_entry){addr, (uint32_t)len, u->nbytes};
    u->nbytes += len;
}

// Put back everything changed since the log held `mark` entries.
static inline void undo_to(undo *u, size_t mark) {
    while (u->n > mark) {
        undo_entry e = u->ent[--u->n];
        memcpy(u->hf->mem + e.addr, u->bytes + e.at, e.len);
        u->nbytes = e.at;
    }
}

static inline ol_err undo_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    undo *u = ctx;
    return u->hf->flash.read(u->hf->flash.ctx, addr, buf, len);
}

static inline ol_err undo_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    undo *u = ctx;
    undo_save(u, addr, len);
    return u->hf->flash.program(u->hf->flash.ctx, addr, buf, len);
}

static inline ol_err undo_erase(void *ctx, uint32_t sector) {
    undo *u = ctx;
    if (sector < u->hf->flash.sector_count) {
        undo_save(u, sector * u->hf->flash.sector_size, u->hf->flash.sector_size);
    }
    return u->hf->flash.erase(u->hf->flash.ctx, sector);
}

// Put the log in front of hf (forgetting any earlier log: that device is
// gone). Give the lock &u->flash; u must not move while it is in use.
static inline void undo_attach(undo *u, ol_hostflash *hf) {
    u->n = u->nbytes = 0;
    u->hf = hf;
    u->flash = hf->flash;
    u->flash.ctx = u;
    u->flash.read = undo_read;
    u->flash.program = undo_program;
    u->flash.erase = undo_erase;
}

static inline void undo_free(undo *u) {
    free(u->ent);
    free(u->bytes);
    memset(u, 0, sizeof *u);
}

#endif
