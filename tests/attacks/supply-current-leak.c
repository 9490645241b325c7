// Supply-current leak of the stored codes (2016; Plore, DEF CON 24,
// "Side-channel attacks on high-security electronic safe locks"; Sargent &
// Greenleaf 6120): the lock kept its codes in plain text in an external
// EEPROM and read them out on every attempt; with a resistor in the battery
// line, the current drawn during that read showed the bits of the stored
// code, so one wrong entry gave the code away. Stopped by invariant 3 (no
// storage access that depends on the code entered or stored): codes are MACs
// kept in RAM, so verification reads no flash at all, and what an entry
// writes (the penalty saved before the check, the audit record after) has the
// same addresses and sizes whatever was typed.

// The test records every flash read, program and erase made while the lock
// handles a wrong entry, for entries that share 0 to 5 leading digits with the
// enrolled code and for other lengths, and requires the traces to be
// identical. A right code is compared too: its trace differs only after the
// check (the opening), which the test shows by the common prefix.
#include "check.h"
#include "rig.h"

#define TRACE_MAX 256

typedef struct access {
    char op; // 'r' read, 'p' program, 'e' erase
    uint32_t addr;
    uint32_t len;
} access;

typedef struct tracer {
    ol_flash inner;
    ol_flash outer;
    access log[TRACE_MAX];
    unsigned n;
} tracer;

static void note(tracer *t, char op, uint32_t addr, size_t len) {
    if (t->n < TRACE_MAX) {
        t->log[t->n++] = (access){op, addr, (uint32_t)len};
    }
}

static ol_err traced_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    tracer *t = ctx;
    note(t, 'r', addr, len);
    return t->inner.read(t->inner.ctx, addr, buf, len);
}

static ol_err traced_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    tracer *t = ctx;
    note(t, 'p', addr, len);
    return t->inner.program(t->inner.ctx, addr, buf, len);
}

static ol_err traced_erase(void *ctx, uint32_t sector) {
    tracer *t = ctx;
    note(t, 'e', sector, 0);
    return t->inner.erase(t->inner.ctx, sector);
}

// Trace of one entry on a lock in a fixed state: the image is restored
// before each entry, so every trace starts from the same flash and RAM.
static unsigned trace_entry(rig *r, tracer *t, const uint8_t *image, const ol_lock *state,
                            const char *code, access out[TRACE_MAX]) {
    size_t size = (size_t)r->hf.flash.sector_size * r->hf.flash.sector_count;
    memcpy(r->hf.mem, image, size);
    r->lock = *state;
    r->lock.plat = &r->plat;
    ol_event ev = {.type = OL_EV_ENTRY};
    for (const char *c = code; *c; c++) {
        ev.digits[ev.ndigits++] = (uint8_t)(*c - '0');
    }
    t->n = 0;
    r->plat.flash = &t->outer;
    ol_err err = ol_lock_event(&r->lock, rig_now(r), &ev);
    r->plat.flash = &r->hf.flash;
    CHECK_EQ(err, OL_OK);
    memcpy(out, t->log, sizeof t->log);
    return t->n;
}

int main(void) {
    static rig r;
    static tracer t;
    CHECK_EQ(rig_init(&r, 11), OL_OK);
    rig_keys(&r, "482915#482915#");
    rig_wait(&r, 3000);
    CHECK(rig_recovery_ack(&r, NULL));
    rig_door(&r, false);
    rig_wait(&r, 2000);
    rig_keys(&r, "*02482915#07#190283#190283#");
    rig_wait(&r, 4000);

    t.inner = r.hf.flash;
    t.outer = (ol_flash){&t,          r.hf.flash.sector_size, r.hf.flash.sector_count,
                         traced_read, traced_program,         traced_erase};
    // The store's view of the flash lives in the lock's RAM state: the
    // traced flash must be the one the lock uses.
    size_t size = (size_t)r.hf.flash.sector_size * r.hf.flash.sector_count;
    uint8_t *image = malloc(size);
    memcpy(image, r.hf.mem, size);
    static ol_lock state;
    state = r.lock;
    state.kv.ring.flash = &t.outer;
    state.audit.ring.flash = &t.outer;

    const char *wrong[] = {"000000", "400000",  "480000", "482000",       "482900",
                           "482910", "4829150", "48291",  "999999999999", "1902"};
    static access first[TRACE_MAX], other[TRACE_MAX], right[TRACE_MAX];
    unsigned n0 = trace_entry(&r, &t, image, &state, wrong[0], first);
    CHECK(n0 > 0);
    unsigned reads = 0;
    for (unsigned i = 0; i < n0; i++) {
        reads += first[i].op == 'r';
    }
    for (unsigned w = 1; w < sizeof wrong / sizeof *wrong; w++) {
        unsigned n = trace_entry(&r, &t, image, &state, wrong[w], other);
        CHECK_EQ(n, n0);
        CHECK(memcmp(first, other, n0 * sizeof(access)) == 0);
    }
    // The right code: identical up to the verdict (the penalty saved before
    // the check), different after it (the opening is written).
    unsigned nr = trace_entry(&r, &t, image, &state, "190283", right);
    unsigned common = 0;
    while (common < n0 && common < nr &&
           memcmp(&first[common], &right[common], sizeof(access)) == 0) {
        common++;
    }
    CHECK(common >= 1);
    CHECK(common < nr);
    CHECK(right[0].op == 'p' && first[0].op == 'p'); // the penalty is written first
    printf("supply-current-leak: %u flash accesses per wrong entry (%u reads), identical for"
           " %zu entries; a right code shares the first %u\n",
           n0, reads, sizeof wrong / sizeof *wrong, common);
    free(image);
    ol_hostflash_close(&r.hf);
    return check_done("supply-current-leak");
}
