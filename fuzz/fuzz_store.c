// ownerlock — libFuzzer target: the store's recovery at boot from any flash
// image, and power cuts in any run of writes (DESIGN.md invariant 5).
//
// The flash: 8 sectors of 512 bytes, a state ring (ol_kv) of 2-4 sectors
// followed by an audit-style ring (ol_log) on the rest. Each ring reaches
// the flash through a guard that abort()s on any access outside the ring, on
// a program of a word that is not erased (ring.h: a sector is never
// programmed twice before an erase) and on any write during a mount.
//
// Byte 0 of the input chooses the mode and the geometry:
//   bits 0-1  0: the rest of the input is the image, padded with 0xFF
//             1: the same, padded with 0x00
//             2: a program of writes with power cuts (see run_program)
//             3: a store-written image (built at start-up by a seeded
//                workload, possibly cut) damaged by the rest (see damage)
//   bits 2-3  state ring sectors: 2, 3, 4, 2
//   bits 4-5  (modes 2, 3) which store-written image to start from
// For an image (modes 0, 1, 3): both mounts succeed or say OL_ERR_CORRUPT,
// and write nothing; a mounted state reads back the same after a remount;
// every log record from first to next reads back; then puts, deletes and
// appends must work (or say OL_ERR_FULL when the state would not fit a
// sector), read back, and survive a remount.
// For a program (mode 2): after every cut both rings mount and hold every
// committed write, the one in flight whole or not at all, and the log keeps
// what ol_log_capacity promises (as tests/unit/test_store.c checks).
// abort() marks a finding; ASan and UBSan watch memory and arithmetic.
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "store/store.h"
#include "store/ring.h" // the layout, to forge headers and records

#include "fuzz.h"

#define SECTOR 512u
#define SECTORS 8u
#define IMAGE (SECTOR * SECTORS)
#define KEYS 12u       // keys the programs use (the image checks read all OL_KV_MAX_KEYS)
#define KV_MAX 24u     // longest value of the workloads: 12 of them fit a sector
#define LOG_MAX 32u    // longest log record the programs write
#define LOG_WINDOW 512 // log records the model remembers
#define BUILT 4        // store-written images per geometry
#define MAX_CUTS 16    // power cuts per program

// ---- the guarded flash ---------------------------------------------------------------

typedef struct guard {
    ol_flash flash; // what the ring sees; ctx points here
    uint32_t first, count;
    bool mounting;   // no write allowed
    uint64_t writes; // programs and erases that reached the flash
} guard;

static ol_hostflash hf;
static guard kv_guard, log_guard;

static void require_inside(const guard *g, uint32_t addr, size_t len) {
    uint64_t lo = (uint64_t)g->first * SECTOR, hi = lo + (uint64_t)g->count * SECTOR;
    REQUIRE(addr >= lo && (uint64_t)addr + len <= hi);
}

static ol_err guard_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    guard *g = ctx;
    require_inside(g, addr, len);
    return hf.flash.read(hf.flash.ctx, addr, buf, len);
}

static ol_err guard_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    guard *g = ctx;
    require_inside(g, addr, len);
    REQUIRE(!g->mounting);
    REQUIRE(addr % OL_FLASH_WORD == 0 && len % OL_FLASH_WORD == 0);
    for (size_t i = 0; i < len; i++) {
        REQUIRE(hf.mem[addr + i] == 0xFF); // only erased words are programmed
    }
    g->writes++;
    return hf.flash.program(hf.flash.ctx, addr, buf, len);
}

static ol_err guard_erase(void *ctx, uint32_t sector) {
    guard *g = ctx;
    REQUIRE(sector >= g->first && sector < g->first + g->count);
    REQUIRE(!g->mounting);
    g->writes++;
    return hf.flash.erase(hf.flash.ctx, sector);
}

static void guard_init(guard *g, uint32_t first, uint32_t count) {
    g->flash = hf.flash;
    g->flash.ctx = g;
    g->flash.read = guard_read;
    g->flash.program = guard_program;
    g->flash.erase = guard_erase;
    g->first = first;
    g->count = count;
    g->mounting = false;
}

static void set_geometry(uint32_t kv_sectors) {
    guard_init(&kv_guard, 0, kv_sectors);
    guard_init(&log_guard, kv_sectors, SECTORS - kv_sectors);
}

// ---- the model ------------------------------------------------------------------------

typedef struct value {
    uint8_t len; // 0: absent
    uint8_t b[OL_KV_MAX_VALUE];
} value;

enum { IDLE, IN_KV, IN_LOG };

typedef struct model {
    value kv[OL_KV_MAX_KEYS];
    uint32_t log_base;     // seq of log[0]
    uint32_t log_count;    // records known: log_base .. log_base + log_count - 1
    bool log_exact;        // the model knows every record the log holds
    value log[LOG_WINDOW]; // by seq - log_base
    int inflight;          // the one write a cut may have torn
    uint16_t inflight_key;
    value inflight_val;
    uint32_t cuts; // cuts this image has been through
} model;

// Static: a cut longjmps out of the store, leaving them as the last write made them.
static model m;
static ol_kv kv;
static ol_log lg;
static jmp_buf cut_jump;

static void pattern(value *v, uint8_t len, uint32_t salt) {
    v->len = len;
    memset(v->b, 0, sizeof v->b);
    for (uint8_t i = 0; i < len; i++) {
        v->b[i] = (uint8_t)(salt * 131u + i * 29u + (salt >> 8));
    }
    if (salt % 7u == 0) {
        memset(v->b, 0xFF, len); // looks like erased flash
    }
}

// Bytes the live state takes in one sector with key set to len (kv.c).
static uint32_t state_bytes(uint16_t key, uint8_t len) {
    uint32_t total = OL_RING_HEADER_BYTES;
    for (uint16_t k = 0; k < OL_KV_MAX_KEYS; k++) {
        uint8_t n = k == key ? len : m.kv[k].len;
        total += n ? ol_ring_record_bytes(n) : 0;
    }
    return total;
}

static bool log_seq_sane(uint32_t first, uint32_t next) {
    // An image may claim any sequence number; near the top the arithmetic
    // of a real store would have long stopped, so only sanity is asked.
    return next < 0xFFFF0000u && next - first <= LOG_WINDOW / 2;
}

static void mount_kv(ol_err *err) {
    kv_guard.mounting = true;
    *err = ol_kv_mount(&kv, &kv_guard.flash, kv_guard.first, kv_guard.count);
    kv_guard.mounting = false;
}

static void mount_log(ol_err *err) {
    log_guard.mounting = true;
    *err = ol_log_mount(&lg, &log_guard.flash, log_guard.first, log_guard.count);
    log_guard.mounting = false;
}

// Read the whole mounted state into the model.
static void learn_kv(void) {
    for (uint16_t k = 0; k < OL_KV_MAX_KEYS; k++) {
        size_t len = 0;
        ol_err err = ol_kv_get(&kv, k, m.kv[k].b, sizeof m.kv[k].b, &len);
        REQUIRE(err == OL_OK || err == OL_ERR_NOT_FOUND);
        REQUIRE(len <= OL_KV_MAX_VALUE);
        m.kv[k].len = err == OL_OK ? (uint8_t)len : 0;
        REQUIRE(err == OL_ERR_NOT_FOUND || len > 0);
    }
}

static void require_kv_is_model(void) {
    for (uint16_t k = 0; k < OL_KV_MAX_KEYS; k++) {
        uint8_t buf[OL_KV_MAX_VALUE];
        size_t len = 0;
        ol_err err = ol_kv_get(&kv, k, buf, sizeof buf, &len);
        if (m.kv[k].len == 0) {
            REQUIRE(err == OL_ERR_NOT_FOUND);
        } else {
            REQUIRE(err == OL_OK && len == m.kv[k].len && memcmp(buf, m.kv[k].b, len) == 0);
        }
    }
}

static void learn_log(void) {
    uint32_t first = ol_log_first_seq(&lg), next = ol_log_next_seq(&lg);
    REQUIRE(first <= next);
    m.log_base = first;
    m.log_count = 0;
    m.log_exact = log_seq_sane(first, next);
    if (!m.log_exact) {
        return;
    }
    for (uint32_t seq = first; seq != next; seq++) {
        value *v = &m.log[seq - first];
        size_t len = 0;
        REQUIRE(ol_log_read(&lg, seq, v->b, sizeof v->b, &len) == OL_OK);
        REQUIRE(len <= OL_KV_MAX_VALUE);
        v->len = (uint8_t)len;
        m.log_count++;
    }
}

// Every record from first to next is the model's (all: every one; else a
// few, to keep the target fast).
static void require_log_is_model(bool all) {
    uint32_t first = ol_log_first_seq(&lg), next = ol_log_next_seq(&lg);
    REQUIRE(first <= next);
    if (!m.log_exact) {
        return;
    }
    REQUIRE(next == m.log_base + m.log_count);
    REQUIRE(first >= m.log_base);
    for (uint32_t i = 0; i < next - first; i++) {
        if (!all && i != 0 && i != (next - first) / 2u && i != next - first - 1u) {
            continue;
        }
        uint32_t seq = first + i;
        const value *v = &m.log[seq - m.log_base];
        uint8_t buf[OL_KV_MAX_VALUE];
        size_t len = 0;
        REQUIRE(ol_log_read(&lg, seq, buf, sizeof buf, &len) == OL_OK);
        REQUIRE(len == v->len && memcmp(buf, v->b, len) == 0);
    }
    uint8_t buf[OL_KV_MAX_VALUE];
    size_t len = 0;
    REQUIRE(ol_log_read(&lg, next, buf, sizeof buf, &len) == OL_ERR_NOT_FOUND);
    if (first > 0) {
        REQUIRE(ol_log_read(&lg, first - 1, buf, sizeof buf, &len) == OL_ERR_NOT_FOUND);
    }
}

// ---- writes -----------------------------------------------------------------------------

// A put (len > 0) or delete, checked against the model; a flash error (a
// dead flash) leaves it in flight.
static ol_err do_put(uint16_t key, const value *v) {
    bool fits = state_bytes(key, v->len) <= SECTOR;
    // A forged image may be at the last generation or sequence number.
    bool gen_left = kv.ring.gen < 0xFFFFFFFEu && kv.ring.next_seq < 0xFFFFFFF0u;
    m.inflight = IN_KV;
    m.inflight_key = key;
    m.inflight_val = *v;
    ol_err err = v->len ? ol_kv_put(&kv, key, v->b, v->len) : ol_kv_del(&kv, key);
    if (err == OL_ERR_POWER || err == OL_ERR_STATE) {
        return err;
    }
    m.inflight = IDLE;
    if (err == OL_ERR_FULL) {
        REQUIRE(!fits || !gen_left);
        require_kv_is_model();
        return err;
    }
    REQUIRE(err == OL_OK);
    m.kv[key] = *v;
    uint8_t buf[OL_KV_MAX_VALUE];
    size_t len = 0;
    err = ol_kv_get(&kv, key, buf, sizeof buf, &len);
    if (v->len == 0) {
        REQUIRE(err == OL_ERR_NOT_FOUND);
    } else {
        REQUIRE(err == OL_OK && len == v->len && memcmp(buf, v->b, len) == 0);
    }
    return OL_OK;
}

static ol_err do_append(const value *v) {
    uint32_t next = ol_log_next_seq(&lg);
    bool gen_left = lg.ring.gen < 0xFFFFFFFEu && lg.ring.next_seq < 0xFFFFFFF0u;
    m.inflight = IN_LOG;
    m.inflight_val = *v;
    uint32_t seq = 0;
    ol_err err = ol_log_append(&lg, v->b, v->len, &seq);
    if (err == OL_ERR_POWER || err == OL_ERR_STATE) {
        return err;
    }
    m.inflight = IDLE;
    if (err == OL_ERR_FULL) {
        REQUIRE(!gen_left);
        return err;
    }
    REQUIRE(err == OL_OK);
    REQUIRE(seq == next && ol_log_next_seq(&lg) == next + 1);
    if (!log_seq_sane(ol_log_first_seq(&lg), ol_log_next_seq(&lg))) {
        m.log_exact = false; // a forged image near the end of the numbers
        return OL_OK;
    }
    if (m.log_exact) {
        if (m.log_count == LOG_WINDOW) { // forget the oldest half
            memmove(m.log, m.log + LOG_WINDOW / 2, sizeof m.log / 2);
            m.log_base += LOG_WINDOW / 2;
            m.log_count -= LOG_WINDOW / 2;
        }
        m.log[m.log_count++] = *v;
    }
    uint8_t buf[OL_KV_MAX_VALUE];
    size_t len = 0;
    REQUIRE(ol_log_read(&lg, seq, buf, sizeof buf, &len) == OL_OK);
    REQUIRE(len == v->len && memcmp(buf, v->b, len) == 0);
    return OL_OK;
}

// ---- images ----------------------------------------------------------------------------

// Whatever the image: mount, read, remount, write, remount.
static void check_image(void) {
    ol_err kerr, lerr;
    uint64_t writes = kv_guard.writes + log_guard.writes;
    mount_kv(&kerr);
    mount_log(&lerr);
    REQUIRE(kerr == OL_OK || kerr == OL_ERR_CORRUPT);
    REQUIRE(lerr == OL_OK || lerr == OL_ERR_CORRUPT);
    REQUIRE(kv_guard.writes + log_guard.writes == writes);
    memset(&m, 0, sizeof m);
    uint8_t buf[OL_KV_MAX_VALUE];
    size_t len = 0;
    if (kerr) { // unmounted: refused, not crashed
        REQUIRE(ol_kv_get(&kv, 1, buf, sizeof buf, &len) == OL_ERR_STATE);
        REQUIRE(ol_kv_put(&kv, 1, "x", 1) == OL_ERR_STATE);
    }
    if (lerr) {
        REQUIRE(ol_log_append(&lg, "x", 1, NULL) == OL_ERR_STATE);
        REQUIRE(ol_log_read(&lg, 1, buf, sizeof buf, &len) == OL_ERR_STATE);
    }
    if (!kerr) {
        learn_kv();
        mount_kv(&kerr);
        REQUIRE(kerr == OL_OK);
        require_kv_is_model();
        // Enough writes to rotate the ring more than once.
        for (uint32_t i = 0; i < 16; i++) {
            value v;
            uint16_t key = (uint16_t)(i * 5u % KEYS);
            pattern(&v, (uint8_t)(i % 6u == 5u ? 0 : 1u + i * 11u % OL_KV_MAX_VALUE), i);
            ol_err err = do_put(key, &v);
            REQUIRE(err == OL_OK || err == OL_ERR_FULL);
            if (i == 7) {
                mount_kv(&kerr);
                REQUIRE(kerr == OL_OK);
                require_kv_is_model();
            }
        }
        mount_kv(&kerr);
        REQUIRE(kerr == OL_OK);
        require_kv_is_model();
    }
    if (!lerr) {
        learn_log();
        uint32_t first = ol_log_first_seq(&lg), next = ol_log_next_seq(&lg);
        mount_log(&lerr);
        REQUIRE(lerr == OL_OK);
        REQUIRE(ol_log_first_seq(&lg) == first && ol_log_next_seq(&lg) == next);
        require_log_is_model(false);
        for (uint32_t i = 0; i < 24; i++) {
            value v;
            pattern(&v, (uint8_t)(i * 7u % (LOG_MAX + 1u)), 1000u + i);
            ol_err err = do_append(&v);
            REQUIRE(err == OL_OK || err == OL_ERR_FULL);
            if (i == 11) {
                mount_log(&lerr);
                REQUIRE(lerr == OL_OK);
                require_log_is_model(false);
            }
        }
        mount_log(&lerr);
        REQUIRE(lerr == OL_OK);
        require_log_is_model(true);
    }
}

// ---- power cuts ----------------------------------------------------------------------

// Records the log must still hold after m.cuts cuts (test_store.c).
static uint32_t log_guarantee(void) {
    uint32_t per_sector = (SECTOR - OL_RING_HEADER_BYTES) / ol_ring_record_bytes(LOG_MAX);
    uint32_t sectors = log_guard.count - 1;
    return m.cuts >= sectors ? 0 : (sectors - m.cuts) * per_sector;
}

// After a cut (or a dead flash): both rings mount, every committed write is
// there, the one in flight whole or not at all (the model takes what the
// flash says).
static void check_recovered(bool all) {
    ol_err err;
    mount_kv(&err);
    REQUIRE(err == OL_OK);
    mount_log(&err);
    REQUIRE(err == OL_OK);
    for (uint16_t key = 0; key < OL_KV_MAX_KEYS; key++) {
        uint8_t buf[OL_KV_MAX_VALUE];
        size_t len = 0;
        err = ol_kv_get(&kv, key, buf, sizeof buf, &len);
        REQUIRE(err == OL_OK || err == OL_ERR_NOT_FOUND);
        size_t got = err == OL_OK ? len : 0;
        bool is_old = got == m.kv[key].len && memcmp(buf, m.kv[key].b, got) == 0;
        bool is_new = m.inflight == IN_KV && key == m.inflight_key && got == m.inflight_val.len &&
                      memcmp(buf, m.inflight_val.b, got) == 0;
        REQUIRE(is_old || is_new);
        if (!is_old) {
            m.kv[key] = m.inflight_val;
        }
    }
    uint32_t first = ol_log_first_seq(&lg), next = ol_log_next_seq(&lg);
    if (m.log_exact) {
        uint32_t known_next = m.log_base + m.log_count;
        if (m.inflight == IN_LOG && next == known_next + 1) {
            if (m.log_count == LOG_WINDOW) {
                memmove(m.log, m.log + LOG_WINDOW / 2, sizeof m.log / 2);
                m.log_base += LOG_WINDOW / 2;
                m.log_count -= LOG_WINDOW / 2;
            }
            m.log[m.log_count++] = m.inflight_val;
        }
        REQUIRE(next == m.log_base + m.log_count);
        uint32_t guarantee = log_guarantee();
        uint32_t held = next - m.log_base;
        REQUIRE(next - first >= (guarantee < held ? guarantee : held));
    }
    m.inflight = IDLE;
    require_kv_is_model();
    require_log_is_model(all);
}

static void on_cut(void *arg) {
    (void)arg;
    longjmp(cut_jump, 1);
}

typedef struct cursor {
    const uint8_t *data;
    size_t size, at;
} cursor;

static uint8_t next_byte(cursor *c) {
    return c->at < c->size ? c->data[c->at++] : 0;
}

// Static: the longjmp of a cut comes back to the loop in run_program.
static cursor prog;
static bool dead; // a cut left the flash dead (no longjmp): writes fail until remount

// One operation of a program; false at its end.
//   op % 8: 0-2 put (key, len, salt), 3 delete (key), 4-5 append (len, salt),
//           6 arm a cut after (b0 | b1 << 8) & 0x7FF flash operations, tear
//             seed b2; b1 & 0x80: the flash dies instead of the CPU stopping,
//           7 remount both rings and check them.
static bool program_step(void) {
    if (prog.at >= prog.size) {
        return false;
    }
    uint8_t op = next_byte(&prog);
    switch (op % 8u) {
    case 0:
    case 1:
    case 2:
    case 3: {
        uint16_t key = (uint16_t)(next_byte(&prog) % KEYS);
        value v;
        // Now and then too long for the whole state to fit a sector: OL_ERR_FULL.
        uint8_t len = op % 8u == 3u ? 0 : (uint8_t)(1u + next_byte(&prog) % (KV_MAX + 16u));
        pattern(&v, len, next_byte(&prog));
        if (dead) { // nothing reaches the flash: the model stays as it is
            ol_err err = len ? ol_kv_put(&kv, key, v.b, len) : ol_kv_del(&kv, key);
            REQUIRE(err == OL_ERR_POWER || err == OL_ERR_STATE);
            break;
        }
        ol_err err = do_put(key, &v);
        REQUIRE(err == OL_OK || err == OL_ERR_FULL || (hf.dead && err == OL_ERR_POWER));
        break;
    }
    case 4:
    case 5: {
        value v;
        uint8_t len = (uint8_t)(next_byte(&prog) % (LOG_MAX + 1u));
        pattern(&v, len, next_byte(&prog));
        if (dead) {
            ol_err err = ol_log_append(&lg, v.b, len, NULL);
            REQUIRE(err == OL_ERR_POWER || err == OL_ERR_STATE);
            break;
        }
        ol_err err = do_append(&v);
        REQUIRE(err == OL_OK || (hf.dead && err == OL_ERR_POWER));
        break;
    }
    case 6: {
        uint8_t b0 = next_byte(&prog), b1 = next_byte(&prog), b2 = next_byte(&prog);
        if (m.cuts < MAX_CUTS && !dead) {
            uint64_t ops = (uint64_t)(b0 | b1 << 8) & 0x7FFu;
            bool kill = (b1 & 0x80u) != 0;
            ol_hostflash_arm_cut(&hf, ops, b2, kill ? NULL : on_cut, NULL);
        }
        break;
    }
    default:
        ol_hostflash_disarm(&hf);
        if (dead || hf.dead) {
            dead = false;
            m.cuts++;
        }
        check_recovered(false);
        break;
    }
    if (hf.dead && !dead) {
        dead = true; // the op that met the cut is the one in flight
    }
    return true;
}

static void run_program(void) {
    for (;;) {
        if (setjmp(cut_jump) != 0) {
            ol_hostflash_disarm(&hf); // power is back
            m.cuts++;
            check_recovered(false);
            continue;
        }
        if (!program_step()) {
            break;
        }
    }
    ol_hostflash_disarm(&hf);
    if (dead) {
        m.cuts++;
        dead = false;
    }
    check_recovered(true);
}

// ---- store-written images, and damage -------------------------------------------------

static uint8_t built[3][BUILT][IMAGE];
static uint32_t built_cuts[3][BUILT];

// A seeded workload of n steps on erased flash; cut_at > 0: cut there.
static void build_image(uint32_t kv_sectors, int which, uint64_t seed, int steps, int64_t cut_at) {
    set_geometry(kv_sectors);
    memset(hf.mem, 0xFF, IMAGE);
    memset(&m, 0, sizeof m);
    m.log_base = 1;
    m.log_exact = true;
    ol_err err;
    mount_kv(&err);
    REQUIRE(err == OL_OK);
    mount_log(&err);
    REQUIRE(err == OL_OK);
    ol_testrng rng;
    ol_testrng_seed(&rng, seed);
    if (cut_at >= 0) {
        ol_hostflash_arm_cut(&hf, (uint64_t)cut_at, seed, on_cut, NULL);
    }
    if (setjmp(cut_jump) == 0) {
        for (int i = 0; i < steps; i++) {
            uint64_t r = ol_testrng_next(&rng);
            value v;
            if (r % 2u) {
                pattern(&v, (uint8_t)((r >> 8) % 6u == 0 ? 0 : 1u + (r >> 16) % KV_MAX),
                        (uint32_t)(r >> 32));
                REQUIRE(do_put((uint16_t)((r >> 24) % KEYS), &v) == OL_OK);
            } else {
                pattern(&v, (uint8_t)((r >> 16) % (LOG_MAX + 1u)), (uint32_t)(r >> 32));
                REQUIRE(do_append(&v) == OL_OK);
            }
        }
    }
    ol_hostflash_disarm(&hf);
    built_cuts[kv_sectors - 2][which] = cut_at >= 0 ? 1 : 0;
    memcpy(built[kv_sectors - 2][which], hf.mem, IMAGE);
}

static void build_images(void) {
    for (uint32_t kv_sectors = 2; kv_sectors <= 4; kv_sectors++) {
        build_image(kv_sectors, 0, 11, 20, -1);    // young: no ring full yet
        build_image(kv_sectors, 1, 12, 400, -1);   // both rings rotated many times
        build_image(kv_sectors, 2, 13, 400, 2500); // cut in the middle of it
        build_image(kv_sectors, 3, 14, 400, 3301);
    }
}

// Damage, four bytes at a time: op, offset (two bytes), value.
//   op % 8: 0 set a byte, 1 flip bits, 2 erase a word, 3 zero a word,
//           4 copy sector (offset % 8) over sector (value % 8),
//           5 make sector (offset % 8) a valid header of the state ring
//             (value bit 0: of the log) with its generation and first seq
//             as they are, ready if value bit 1,
//           6 give the record at offset (word aligned) a valid check word
//             for its sector's generation, 7 erase a sector.
static void damage(cursor *c) {
    while (c->at < c->size) {
        uint8_t op = next_byte(c);
        uint32_t off = next_byte(c);
        off |= (uint32_t)next_byte(c) << 8;
        uint8_t v = next_byte(c);
        off %= IMAGE;
        uint32_t word = off & ~3u;
        switch (op % 8u) {
        case 0:
            hf.mem[off] = v;
            break;
        case 1:
            hf.mem[off] ^= v ? v : 1u;
            break;
        case 2:
            memset(hf.mem + word, 0xFF, 4);
            break;
        case 3:
            memset(hf.mem + word, 0x00, 4);
            break;
        case 4:
            memmove(hf.mem + (v % SECTORS) * SECTOR, hf.mem + (off % SECTORS) * SECTOR, SECTOR);
            break;
        case 5: {
            uint32_t words[5];
            uint8_t *h = hf.mem + (off % SECTORS) * SECTOR;
            memcpy(words, h, sizeof words);
            words[0] = v & 1u ? OL_RING_MAGIC_LOG : OL_RING_MAGIC_KV;
            words[3] = ol_ring_header_check(words[0], words[1], words[2]);
            if (v & 2u) {
                words[4] = OL_RING_READY;
            }
            memcpy(h, words, sizeof words);
            break;
        }
        case 6: {
            uint32_t base = word / SECTOR * SECTOR, gen, head;
            memcpy(&gen, hf.mem + base + 4, 4);
            if (word - base < OL_RING_HEADER_BYTES) {
                break;
            }
            memcpy(&head, hf.mem + word, 4);
            uint32_t len = head >> 16 & 0xFFu;
            if (len > OL_KV_MAX_VALUE || word + ol_ring_record_bytes(len) > base + SECTOR) {
                break;
            }
            uint32_t body = ol_ring_record_bytes(len) - 4u;
            uint32_t crc = ol_ring_crc32(0, &gen, 4);
            crc = ol_ring_crc32(crc, hf.mem + word, body) & 0x7FFFFFFFu;
            memcpy(hf.mem + word + body, &crc, 4);
            break;
        }
        default:
            memset(hf.mem + (off % SECTORS) * SECTOR, 0xFF, SECTOR);
            break;
        }
    }
}

// ---- the entry point ---------------------------------------------------------------

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool ready;
    if (!ready) {
        REQUIRE(ol_hostflash_open(&hf, NULL, SECTOR, SECTORS) == OL_OK);
        build_images();
        ready = true;
    }
    if (size == 0) {
        return 0;
    }
    uint8_t control = data[0];
    uint32_t kv_sectors = 2u + (control >> 2 & 3u) % 3u;
    int which = control >> 4 & 3;
    set_geometry(kv_sectors);
    ol_hostflash_disarm(&hf);
    cursor c = {data + 1, size - 1, 0};
    switch (control & 3u) {
    case 0:
    case 1: {
        size_t n = c.size < IMAGE ? c.size : IMAGE;
        memset(hf.mem, (control & 3u) == 0 ? 0xFF : 0x00, IMAGE);
        if (n > 0) {
            memcpy(hf.mem, c.data, n);
        }
        check_image();
        break;
    }
    case 3:
        memcpy(hf.mem, built[kv_sectors - 2][which], IMAGE);
        damage(&c);
        check_image();
        break;
    default: {
        memcpy(hf.mem, built[kv_sectors - 2][which], IMAGE);
        ol_err err;
        mount_kv(&err);
        REQUIRE(err == OL_OK);
        mount_log(&err);
        REQUIRE(err == OL_OK);
        memset(&m, 0, sizeof m);
        learn_kv();
        learn_log();
        REQUIRE(m.log_exact);
        m.cuts = built_cuts[kv_sectors - 2][which];
        prog = c;
        dead = false;
        run_program();
        break;
    }
    }
    return 0;
}
