// The record store: key/value and log behaviour, wear levelling, capacity,
// HAL errors, corrupted images, and power cuts at every flash operation.
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "host.h"
#include "store/store.h"
#include "store/ring.h" // the layout, to forge images

// ---- helpers -----------------------------------------------------------------------

static void open_flash(ol_hostflash *hf, uint32_t sector_size, uint32_t sectors) {
    ol_err err = ol_hostflash_open(hf, NULL, sector_size, sectors);
    CHECK_EQ(err, OL_OK);
    if (err) {
        exit(1);
    }
}

// A value that differs by key, length and version.
static void pattern(uint8_t *buf, size_t len, uint32_t salt) {
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(salt * 131u + i * 29u + (salt >> 8));
    }
}

static void print_erase_counts(const char *what, const ol_hostflash *hf, uint32_t first,
                               uint32_t count, uint32_t *min, uint32_t *max) {
    *min = UINT32_MAX;
    *max = 0;
    printf("%s erase counts:", what);
    for (uint32_t s = first; s < first + count; s++) {
        uint32_t n = hf->erase_count[s];
        printf(" %u", n);
        *min = n < *min ? n : *min;
        *max = n > *max ? n : *max;
    }
    printf("\n");
}

// ---- checksum --------------------------------------------------------------------

static void test_crc(void) {
    CHECK_EQ(ol_ring_crc32(0, "123456789", 9), 0xCBF43926u);
    // Continuation equals one pass.
    CHECK_EQ(ol_ring_crc32(ol_ring_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
    CHECK_EQ(ol_ring_record_bytes(0), 12);
    CHECK_EQ(ol_ring_record_bytes(1), 16);
    CHECK_EQ(ol_ring_record_bytes(32), 44);
}

// ---- key/value -------------------------------------------------------------------

static void test_kv_basic(void) {
    ol_hostflash hf;
    open_flash(&hf, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS);
    const ol_flash *f = &hf.flash;
    ol_kv kv;
    uint8_t buf[OL_KV_MAX_VALUE];
    size_t len = 0;

    // Not mounted: refused, not crashed.
    memset(&kv, 0, sizeof kv);
    CHECK_EQ(ol_kv_get(&kv, 1, buf, sizeof buf, &len), OL_ERR_STATE);
    CHECK_EQ(ol_kv_put(&kv, 1, "x", 1), OL_ERR_STATE);

    // Geometry checks.
    CHECK_EQ(ol_kv_mount(&kv, NULL, 0, 4), OL_ERR_ARG);
    CHECK_EQ(ol_kv_mount(&kv, f, 0, 1), OL_ERR_ARG);
    CHECK_EQ(ol_kv_mount(&kv, f, 0, OL_RING_MAX_SECTORS + 1), OL_ERR_ARG);
    CHECK_EQ(ol_kv_mount(&kv, f, OL_HOST_SECTORS - 1, 2), OL_ERR_ARG);
    CHECK_EQ(ol_kv_put(&kv, 1, "x", 1), OL_ERR_STATE); // a failed mount leaves it unmounted

    // A blank area mounts empty, without writing.
    uint64_t ops = ol_hostflash_ops(&hf);
    CHECK_EQ(ol_kv_mount(&kv, f, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    CHECK_EQ(ol_hostflash_ops(&hf), ops);
    for (uint16_t k = 0; k < OL_KV_MAX_KEYS; k++) {
        CHECK_EQ(ol_kv_get(&kv, k, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    }

    CHECK_EQ(ol_kv_put(&kv, 3, "hello", 5), OL_OK);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, sizeof buf, &len), OL_OK);
    CHECK_EQ(len, 5);
    CHECK_MEM(buf, "hello", 5);
    CHECK_EQ(ol_kv_put(&kv, 3, "bye", 3), OL_OK); // overwrite, shorter
    CHECK_EQ(ol_kv_get(&kv, 3, buf, sizeof buf, &len), OL_OK);
    CHECK_EQ(len, 3);
    CHECK_MEM(buf, "bye", 3);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, 2, &len), OL_ERR_TOO_BIG);
    CHECK_EQ(len, 3);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, 3, &len), OL_OK);

    uint8_t big[OL_KV_MAX_VALUE + 1];
    pattern(big, sizeof big, 9);
    CHECK_EQ(ol_kv_put(&kv, 0, big, OL_KV_MAX_VALUE), OL_OK);
    CHECK_EQ(ol_kv_put(&kv, OL_KV_MAX_KEYS - 1, big, 1), OL_OK);
    CHECK_EQ(ol_kv_put(&kv, 0, big, OL_KV_MAX_VALUE + 1), OL_ERR_TOO_BIG);
    CHECK_EQ(ol_kv_put(&kv, OL_KV_MAX_KEYS, big, 1), OL_ERR_ARG);
    CHECK_EQ(ol_kv_put(&kv, 5, NULL, 1), OL_ERR_ARG);
    CHECK_EQ(ol_kv_get(&kv, OL_KV_MAX_KEYS, buf, sizeof buf, &len), OL_ERR_ARG);
    CHECK_EQ(ol_kv_get(&kv, 0, buf, sizeof buf, &len), OL_OK);
    CHECK_EQ(len, OL_KV_MAX_VALUE);
    CHECK_MEM(buf, big, OL_KV_MAX_VALUE);

    CHECK_EQ(ol_kv_del(&kv, 3), OL_OK);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    CHECK_EQ(ol_kv_del(&kv, 3), OL_OK);                           // deleting an absent key is fine
    CHECK_EQ(ol_kv_put(&kv, OL_KV_MAX_KEYS - 1, NULL, 0), OL_OK); // zero length deletes
    CHECK_EQ(ol_kv_get(&kv, OL_KV_MAX_KEYS - 1, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);

    // Remount: same state, and writes continue.
    ops = ol_hostflash_ops(&hf);
    CHECK_EQ(ol_kv_mount(&kv, f, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    CHECK_EQ(ol_hostflash_ops(&hf), ops);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    CHECK_EQ(ol_kv_get(&kv, 0, buf, sizeof buf, &len), OL_OK);
    CHECK_MEM(buf, big, OL_KV_MAX_VALUE);
    CHECK_EQ(ol_kv_put(&kv, 3, "again", 5), OL_OK);
    CHECK_EQ(ol_kv_mount(&kv, f, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, sizeof buf, &len), OL_OK);
    CHECK_MEM(buf, "again", 5);
    ol_hostflash_close(&hf);
}

typedef struct kv_model {
    uint8_t val[OL_KV_MAX_KEYS][OL_KV_MAX_VALUE];
    uint8_t len[OL_KV_MAX_KEYS]; // 0: absent
} kv_model;

static int kv_matches(const ol_kv *kv, const kv_model *m) {
    int mismatches = 0;
    for (uint16_t k = 0; k < OL_KV_MAX_KEYS; k++) {
        uint8_t buf[OL_KV_MAX_VALUE];
        size_t len = 0;
        ol_err err = ol_kv_get(kv, k, buf, sizeof buf, &len);
        if (m->len[k] == 0) {
            mismatches += err != OL_ERR_NOT_FOUND;
        } else {
            mismatches += err != OL_OK || len != m->len[k] || memcmp(buf, m->val[k], len) != 0;
        }
    }
    return mismatches;
}

// Random puts and deletes against a RAM model, remounting now and then, with
// enough traffic to rotate the state ring hundreds of times.
static void test_kv_model_and_wear(void) {
    ol_hostflash hf;
    open_flash(&hf, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS);
    static kv_model m;
    memset(&m, 0, sizeof m);
    ol_kv kv;
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    ol_testrng rng;
    ol_testrng_seed(&rng, 1234);
    int mismatches = 0;
    const uint32_t updates = 40000;
    for (uint32_t i = 0; i < updates; i++) {
        uint64_t r = ol_testrng_next(&rng);
        uint16_t key = (uint16_t)(r % 24u);
        size_t len = (r >> 8) % 8u == 0 ? 0 : 1 + (r >> 16) % OL_KV_MAX_VALUE;
        uint8_t val[OL_KV_MAX_VALUE];
        pattern(val, len, i);
        CHECK_EQ(len ? ol_kv_put(&kv, key, val, len) : ol_kv_del(&kv, key), OL_OK);
        memcpy(m.val[key], val, len);
        m.len[key] = (uint8_t)len;
        if (i % 4000 == 3999) {
            mismatches += kv_matches(&kv, &m);
            CHECK_EQ(ol_kv_mount(&kv, &hf.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
            mismatches += kv_matches(&kv, &m);
        }
    }
    CHECK_EQ(mismatches, 0);
    uint32_t min, max;
    print_erase_counts("kv wear after 40000 updates, state sectors", &hf, OL_STATE_FIRST_SECTOR,
                       OL_STATE_SECTORS, &min, &max);
    CHECK(min >= 50);
    CHECK(max - min <= 1);
    ol_hostflash_close(&hf);
}

// The live state must fit one sector: the put that would break that fails
// with OL_ERR_FULL and changes nothing.
static void test_kv_full(void) {
    ol_hostflash hf;
    open_flash(&hf, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS);
    static kv_model m;
    memset(&m, 0, sizeof m);
    ol_kv kv;
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    uint32_t fits =
        (OL_HOST_SECTOR_SIZE - OL_RING_HEADER_BYTES) / ol_ring_record_bytes(OL_KV_MAX_VALUE);
    uint16_t key = 0;
    ol_err err = OL_OK;
    for (; key < OL_KV_MAX_KEYS; key++) {
        uint8_t val[OL_KV_MAX_VALUE];
        pattern(val, sizeof val, key);
        err = ol_kv_put(&kv, key, val, sizeof val);
        if (err) {
            break;
        }
        memcpy(m.val[key], val, sizeof val);
        m.len[key] = OL_KV_MAX_VALUE;
    }
    printf("kv: %u full-size values fit one %u-byte sector\n", key, OL_HOST_SECTOR_SIZE);
    CHECK_EQ(err, OL_ERR_FULL);
    CHECK_EQ(key, fits);
    CHECK_EQ(kv_matches(&kv, &m), 0);
    // Smaller values for new keys fill the slack, then they are refused too.
    for (; key < OL_KV_MAX_KEYS; key++) {
        err = ol_kv_put(&kv, key, "s", 1);
        if (err) {
            break;
        }
        m.val[key][0] = 's';
        m.len[key] = 1;
    }
    CHECK_EQ(err, OL_ERR_FULL);
    CHECK_EQ(key, fits + (OL_HOST_SECTOR_SIZE - OL_RING_HEADER_BYTES -
                          fits * ol_ring_record_bytes(OL_KV_MAX_VALUE)) /
                             ol_ring_record_bytes(1));
    // Overwriting at full size still works, rotating on every put.
    for (uint32_t i = 0; i < 3 * OL_STATE_SECTORS; i++) {
        uint8_t val[OL_KV_MAX_VALUE];
        pattern(val, sizeof val, 1000 + i);
        CHECK_EQ(ol_kv_put(&kv, (uint16_t)(i % fits), val, sizeof val), OL_OK);
        memcpy(m.val[i % fits], val, sizeof val);
    }
    CHECK_EQ(ol_kv_put(&kv, key, "x", 1), OL_ERR_FULL);
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    CHECK_EQ(kv_matches(&kv, &m), 0);
    // Deleting makes room again.
    CHECK_EQ(ol_kv_del(&kv, 0), OL_OK);
    m.len[0] = 0;
    CHECK_EQ(ol_kv_put(&kv, key, "x", 1), OL_OK);
    m.val[key][0] = 'x';
    m.len[key] = 1;
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    CHECK_EQ(kv_matches(&kv, &m), 0);
    ol_hostflash_close(&hf);
}

// ---- log ---------------------------------------------------------------------------

static size_t log_len_of(uint32_t seq) {
    return 28 + seq % 5; // 28..32 bytes, the size of an audit record
}

static void test_log(void) {
    ol_hostflash hf;
    open_flash(&hf, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS);
    ol_log log;
    uint8_t buf[OL_KV_MAX_VALUE], want[OL_KV_MAX_VALUE];
    size_t len;

    memset(&log, 0, sizeof log);
    CHECK_EQ(ol_log_append(&log, "x", 1, NULL), OL_ERR_STATE);
    CHECK_EQ(ol_log_read(&log, 1, buf, sizeof buf, &len), OL_ERR_STATE);

    CHECK_EQ(ol_log_mount(&log, &hf.flash, OL_AUDIT_FIRST_SECTOR, OL_AUDIT_SECTORS), OL_OK);
    CHECK_EQ(ol_log_first_seq(&log), 1);
    CHECK_EQ(ol_log_next_seq(&log), 1);
    CHECK_EQ(ol_log_read(&log, 1, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    CHECK_EQ(ol_log_read(&log, 0, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);

    uint32_t cap28 = ol_log_capacity(&log, 28), cap32 = ol_log_capacity(&log, 32);
    printf("log capacity with %u sectors of %u bytes: %u records of 28 bytes, %u of 32 "
           "(need %u)\n",
           OL_AUDIT_SECTORS, OL_HOST_SECTOR_SIZE, cap28, cap32, OL_AUDIT_MIN_EVENTS);
    CHECK(cap28 >= OL_AUDIT_MIN_EVENTS);
    CHECK(cap32 >= OL_AUDIT_MIN_EVENTS);
    CHECK_EQ(ol_log_capacity(&log, OL_KV_MAX_VALUE + 1), 0);
    CHECK_EQ(ol_log_append(&log, want, OL_KV_MAX_VALUE + 1, NULL), OL_ERR_TOO_BIG);
    CHECK_EQ(ol_log_append(&log, NULL, 3, NULL), OL_ERR_ARG);

    // Three times round the ring, remounting now and then.
    uint32_t total = 3 * cap32 + 77;
    int bad = 0;
    for (uint32_t s = 1; s <= total; s++) {
        pattern(want, log_len_of(s), s);
        uint32_t seq = 0;
        CHECK_EQ(ol_log_append(&log, want, log_len_of(s), &seq), OL_OK);
        bad += seq != s;
        if (s % 1000 == 0) {
            CHECK_EQ(ol_log_mount(&log, &hf.flash, OL_AUDIT_FIRST_SECTOR, OL_AUDIT_SECTORS), OL_OK);
            CHECK_EQ(ol_log_next_seq(&log), s + 1);
        }
    }
    CHECK_EQ(bad, 0);
    uint32_t first = ol_log_first_seq(&log), next = ol_log_next_seq(&log);
    printf("log after %u appends: first %u, next %u (%u retained)\n", total, first, next,
           next - first);
    CHECK_EQ(next, total + 1);
    CHECK(next - first >= cap32);
    for (uint32_t s = first; s < next; s++) {
        pattern(want, log_len_of(s), s);
        ol_err err = ol_log_read(&log, s, buf, sizeof buf, &len);
        bad += err != OL_OK || len != log_len_of(s) || memcmp(buf, want, len) != 0;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(ol_log_read(&log, first - 1, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    CHECK_EQ(ol_log_read(&log, next, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    CHECK_EQ(ol_log_read(&log, next - 1, buf, 3, &len), OL_ERR_TOO_BIG);
    CHECK_EQ(len, log_len_of(next - 1));

    // Reboot: the same window, and the sequence goes on.
    CHECK_EQ(ol_log_mount(&log, &hf.flash, OL_AUDIT_FIRST_SECTOR, OL_AUDIT_SECTORS), OL_OK);
    CHECK_EQ(ol_log_first_seq(&log), first);
    CHECK_EQ(ol_log_next_seq(&log), next);
    uint32_t seq = 0;
    CHECK_EQ(ol_log_append(&log, "after", 5, &seq), OL_OK);
    CHECK_EQ(seq, next);
    CHECK_EQ(ol_log_read(&log, next, buf, sizeof buf, &len), OL_OK);
    CHECK_MEM(buf, "after", 5);

    uint32_t min, max;
    print_erase_counts("log wear, audit sectors", &hf, OL_AUDIT_FIRST_SECTOR, OL_AUDIT_SECTORS,
                       &min, &max);
    CHECK(max - min <= 1);
    // The audit ring never touched the state sectors.
    for (uint32_t s = OL_STATE_FIRST_SECTOR; s < OL_STATE_FIRST_SECTOR + OL_STATE_SECTORS; s++) {
        CHECK_EQ(hf.erase_count[s], 0);
    }
    ol_hostflash_close(&hf);
}

// ---- shared workload and model for the error and power-cut tests ---------------
// Small sectors so that a short workload rotates both rings many times.

#define PC_SECTOR 512u
#define PC_MAX_SECTORS 8u

// The rings of one run: the state ring, then the log ring right after it.
typedef struct pc_geometry {
    uint32_t kv_sectors;
    uint32_t log_sectors;
} pc_geometry;

static pc_geometry geo = {3, 4};
#define PC_KV_FIRST 0u
#define PC_KV_SECTORS geo.kv_sectors
#define PC_LOG_FIRST geo.kv_sectors
#define PC_LOG_SECTORS geo.log_sectors
#define PC_SECTORS (geo.kv_sectors + geo.log_sectors)
#define PC_KEYS 10u
#define PC_KV_MAX 20u
#define PC_LOG_MAX 32u
#define PC_LOG_LIMIT 2048u

enum { IDLE, IN_KV, IN_LOG };

typedef struct pc_model {
    uint8_t kv_val[PC_KEYS][PC_KV_MAX];
    uint8_t kv_len[PC_KEYS]; // 0: absent
    uint32_t log_count;      // committed appends: seqs 1..log_count
    uint8_t log_val[PC_LOG_LIMIT][PC_LOG_MAX];
    uint8_t log_len[PC_LOG_LIMIT];
    // The one operation that may be in flight when the power goes.
    int inflight;
    uint16_t inflight_key;
    uint8_t inflight_val[PC_LOG_MAX];
    uint8_t inflight_len;
    uint32_t cuts; // cuts (or failed writes) this image has been through
} pc_model;

// Static: the longjmp of a power cut leaves them as the last write made them.
static pc_model model;
static ol_testrng workload_rng;
static ol_kv pc_kv;
static ol_log pc_log;
static uint32_t pc_rotations_kv, pc_rotations_log;

// One step: a put, a delete or an append, then a read back. Returns the
// first error; the model only takes what returned OL_OK.
static ol_err workload_step(ol_kv *kv, ol_log *log) {
    uint64_t r = ol_testrng_next(&workload_rng);
    uint32_t kind = (uint32_t)(r % 100u);
    uint8_t buf[OL_KV_MAX_VALUE];
    size_t len = 0;
    ol_err err;
    if (kind < 50) {
        uint16_t key = (uint16_t)((r >> 8) % PC_KEYS);
        uint8_t vlen = kind < 8 ? 0 : (uint8_t)(1 + (r >> 16) % PC_KV_MAX);
        pattern(model.inflight_val, vlen, (uint32_t)(r >> 32));
        if ((r >> 24) % 8 == 0) {
            memset(model.inflight_val, 0xFF, vlen); // looks like erased flash
        }
        model.inflight_key = key;
        model.inflight_len = vlen;
        model.inflight = IN_KV;
        err = vlen ? ol_kv_put(kv, key, model.inflight_val, vlen) : ol_kv_del(kv, key);
        if (err) {
            return err;
        }
        memcpy(model.kv_val[key], model.inflight_val, vlen);
        model.kv_len[key] = vlen;
        model.inflight = IDLE;
        err = ol_kv_get(kv, key, buf, sizeof buf, &len);
        if (vlen == 0) {
            return err == OL_ERR_NOT_FOUND ? OL_OK : err ? err : OL_ERR_CORRUPT;
        }
        if (err) {
            return err;
        }
        return len == vlen && memcmp(buf, model.kv_val[key], len) == 0 ? OL_OK : OL_ERR_CORRUPT;
    }
    uint8_t vlen = (uint8_t)(1 + (r >> 16) % PC_LOG_MAX);
    pattern(model.inflight_val, vlen, (uint32_t)(r >> 32));
    if ((r >> 24) % 8 == 0) {
        memset(model.inflight_val, 0xFF, vlen);
    }
    model.inflight_len = vlen;
    model.inflight = IN_LOG;
    uint32_t seq = 0;
    err = ol_log_append(log, model.inflight_val, vlen, &seq);
    if (err) {
        return err;
    }
    if (seq != model.log_count + 1 || seq > PC_LOG_LIMIT) {
        return OL_ERR_CORRUPT;
    }
    memcpy(model.log_val[seq - 1], model.inflight_val, vlen);
    model.log_len[seq - 1] = vlen;
    model.log_count = seq;
    model.inflight = IDLE;
    err = ol_log_read(log, seq, buf, sizeof buf, &len);
    if (err) {
        return err;
    }
    return len == vlen && memcmp(buf, model.log_val[seq - 1], len) == 0 ? OL_OK : OL_ERR_CORRUPT;
}

static void model_reset(uint64_t workload_seed) {
    memset(&model, 0, sizeof model);
    ol_testrng_seed(&workload_rng, workload_seed);
}

// Records the log must keep after `cuts` cuts: one sector per cut may have
// been closed early (ol_log_capacity assumes one).
static uint32_t pc_log_guarantee(uint32_t cuts) {
    uint32_t per_sector = (PC_SECTOR - OL_RING_HEADER_BYTES) / ol_ring_record_bytes(PC_LOG_MAX);
    uint32_t sectors = PC_LOG_SECTORS - 1;
    return cuts >= sectors ? 0 : (sectors - cuts) * per_sector;
}

// Mount both rings after a cut and check them against the model: every
// committed operation is there; the one in flight is there whole or not at
// all (the model then takes what the flash says). Returns the failures.
static unsigned check_recovered(ol_hostflash *hf, ol_kv *kv, ol_log *log) {
    unsigned failures = 0;
    ol_err err = ol_kv_mount(kv, &hf->flash, PC_KV_FIRST, PC_KV_SECTORS);
    failures += err != OL_OK;
    err = ol_log_mount(log, &hf->flash, PC_LOG_FIRST, PC_LOG_SECTORS);
    failures += err != OL_OK;
    if (failures) {
        return failures;
    }
    for (uint16_t key = 0; key < PC_KEYS; key++) {
        uint8_t buf[OL_KV_MAX_VALUE];
        size_t len = 0;
        err = ol_kv_get(kv, key, buf, sizeof buf, &len);
        if (err != OL_OK && err != OL_ERR_NOT_FOUND) {
            failures++;
            continue;
        }
        size_t got = err == OL_OK ? len : 0;
        bool is_old = got == model.kv_len[key] && memcmp(buf, model.kv_val[key], got) == 0;
        bool is_new = model.inflight == IN_KV && key == model.inflight_key &&
                      got == model.inflight_len && memcmp(buf, model.inflight_val, got) == 0;
        if (!is_old && !is_new) {
            failures++;
        } else if (!is_old) {
            memcpy(model.kv_val[key], model.inflight_val, got);
            model.kv_len[key] = (uint8_t)got;
        }
    }
    uint32_t next = ol_log_next_seq(log), first = ol_log_first_seq(log);
    if (model.inflight == IN_LOG && next == model.log_count + 2) {
        uint32_t seq = next - 1;
        memcpy(model.log_val[seq - 1], model.inflight_val, model.inflight_len);
        model.log_len[seq - 1] = model.inflight_len;
        model.log_count = seq;
    }
    failures += next != model.log_count + 1;
    failures += first < 1 || first > next;
    uint32_t guarantee = pc_log_guarantee(model.cuts);
    failures += next - first < (guarantee < model.log_count ? guarantee : model.log_count);
    for (uint32_t seq = first; seq < next && seq <= model.log_count; seq++) {
        uint8_t buf[OL_KV_MAX_VALUE];
        size_t len = 0;
        err = ol_log_read(log, seq, buf, sizeof buf, &len);
        failures += err != OL_OK || len != model.log_len[seq - 1] ||
                    memcmp(buf, model.log_val[seq - 1], len) != 0;
    }
    model.inflight = IDLE;
    return failures;
}

// ---- HAL errors ------------------------------------------------------------------
// A flash whose n-th call of any kind fails cleanly: every such failure must
// come back out of the store call that met it, and a remount must then find
// the old or the new state.

typedef struct failing_flash {
    ol_flash flash;
    const ol_flash *inner;
    int64_t countdown; // calls before the failing one; < 0: none
    bool done_anyway;  // the failing call does its work, then reports failure
    bool fired;
} failing_flash;

static bool failing_now(failing_flash *ff) {
    if (ff->countdown < 0) {
        return false;
    }
    if (ff->countdown-- == 0) {
        ff->fired = true;
        return true;
    }
    return false;
}

static ol_err failing_result(failing_flash *ff, bool failing, ol_err err) {
    return failing && (!err || ff->done_anyway) ? OL_ERR_FLASH : err;
}

static ol_err failing_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    failing_flash *ff = ctx;
    bool failing = failing_now(ff);
    if (failing && !ff->done_anyway) {
        return OL_ERR_FLASH;
    }
    return failing_result(ff, failing, ff->inner->read(ff->inner->ctx, addr, buf, len));
}

static ol_err failing_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    failing_flash *ff = ctx;
    bool failing = failing_now(ff);
    if (failing && !ff->done_anyway) {
        return OL_ERR_FLASH;
    }
    return failing_result(ff, failing, ff->inner->program(ff->inner->ctx, addr, buf, len));
}

static ol_err failing_erase(void *ctx, uint32_t sector) {
    failing_flash *ff = ctx;
    bool failing = failing_now(ff);
    if (failing && !ff->done_anyway) {
        return OL_ERR_FLASH;
    }
    return failing_result(ff, failing, ff->inner->erase(ff->inner->ctx, sector));
}

#define HAL_PRELOAD_STEPS 40
#define HAL_STEPS 60

static void test_hal_errors(bool done_anyway) {
    ol_hostflash hf;
    open_flash(&hf, PC_SECTOR, PC_SECTORS);
    model_reset(77);
    CHECK_EQ(ol_kv_mount(&pc_kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
    CHECK_EQ(ol_log_mount(&pc_log, &hf.flash, PC_LOG_FIRST, PC_LOG_SECTORS), OL_OK);
    for (int i = 0; i < HAL_PRELOAD_STEPS; i++) {
        CHECK_EQ(workload_step(&pc_kv, &pc_log), OL_OK);
    }
    static uint8_t image[PC_SECTOR * PC_MAX_SECTORS];
    static pc_model preloaded;
    memcpy(image, hf.mem, PC_SECTOR * PC_SECTORS);
    preloaded = model;
    ol_testrng rng_after_preload = workload_rng;

    failing_flash ff = {
        .flash = hf.flash, .inner = &hf.flash, .countdown = -1, .done_anyway = done_anyway};
    ff.flash.ctx = &ff;
    ff.flash.read = failing_read;
    ff.flash.program = failing_program;
    ff.flash.erase = failing_erase;

    unsigned points = 0, failures = 0, unreported = 0, state_refusals = 0;
    for (int64_t n = 0;; n++) {
        memcpy(hf.mem, image, PC_SECTOR * PC_SECTORS);
        model = preloaded;
        workload_rng = rng_after_preload;
        ff.countdown = n;
        ff.fired = false;
        ol_err err = ol_kv_mount(&pc_kv, &ff.flash, PC_KV_FIRST, PC_KV_SECTORS);
        if (!err) {
            err = ol_log_mount(&pc_log, &ff.flash, PC_LOG_FIRST, PC_LOG_SECTORS);
        }
        bool in_write = false;
        for (int i = 0; !err && !ff.fired && i < HAL_STEPS; i++) {
            err = workload_step(&pc_kv, &pc_log);
            in_write = model.inflight != IDLE;
        }
        if (!ff.fired) {
            failures += err != OL_OK;
            break; // n is past the last call: every call has failed once
        }
        points++;
        unreported += err != OL_ERR_FLASH;
        if (in_write) {
            // Whatever it was, the context refuses writes or still works.
            ol_err again = ol_kv_put(&pc_kv, 0, "z", 1);
            state_refusals += again == OL_ERR_STATE;
            if (again == OL_OK) {
                memcpy(model.kv_val[0], "z", 1);
                model.kv_len[0] = 1;
            }
        }
        model.cuts = 1;
        failures += check_recovered(&hf, &pc_kv, &pc_log);
    }
    printf("HAL errors (%s): %u failure points, %u writes then refused until remount\n",
           done_anyway ? "done, then reported" : "clean", points, state_refusals);
    CHECK(points > 500);
    CHECK_EQ(unreported, 0);
    CHECK_EQ(failures, 0);
    ol_hostflash_close(&hf);
}

// ---- power cuts --------------------------------------------------------------------

static jmp_buf cut_jump;

static void cut_now(void *arg) {
    (void)arg;
    longjmp(cut_jump, 1);
}

#define PC_WORKLOAD_SEED 2024u
#define PC_STEPS 300
#define PC_ROUND2_STEPS 60
#define PC_TEARS 3

typedef struct pc_stats {
    uint64_t points;
    uint64_t second_cuts;
    unsigned failures;
} pc_stats;

static bool run_steps(ol_hostflash *hf, int steps, unsigned *failures) {
    if (setjmp(cut_jump) != 0) {
        ol_hostflash_disarm(hf);
        return true;
    }
    for (int i = 0; i < steps; i++) {
        *failures += workload_step(&pc_kv, &pc_log) != OL_OK;
    }
    ol_hostflash_disarm(hf);
    return false;
}

static void cut_once(uint64_t k, uint64_t tear_seed, pc_stats *stats) {
    ol_hostflash hf;
    open_flash(&hf, PC_SECTOR, PC_SECTORS);
    model_reset(PC_WORKLOAD_SEED);
    unsigned failures = 0;
    failures += ol_kv_mount(&pc_kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS) != OL_OK;
    failures += ol_log_mount(&pc_log, &hf.flash, PC_LOG_FIRST, PC_LOG_SECTORS) != OL_OK;

    // Round 1: the fixed workload, cut at operation k.
    ol_hostflash_arm_cut(&hf, k, tear_seed, cut_now, NULL);
    bool cut = run_steps(&hf, PC_STEPS, &failures);
    failures += !cut;
    model.cuts = 1;
    failures += check_recovered(&hf, &pc_kv, &pc_log);

    // Round 2: go on writing from the recovered state and cut again, most
    // often soon (in the recovery rotation), sometimes anywhere later.
    ol_testrng pick;
    ol_testrng_seed(&pick, tear_seed ^ (k << 20));
    uint64_t r = ol_testrng_next(&pick);
    uint64_t k2 = (r & 1) ? (r >> 1) % 80u : (r >> 1) % 700u;
    ol_testrng_seed(&workload_rng, r);
    ol_hostflash_arm_cut(&hf, k2, ol_testrng_next(&pick), cut_now, NULL);
    if (run_steps(&hf, PC_ROUND2_STEPS, &failures)) {
        model.cuts++;
        stats->second_cuts++;
    }
    failures += check_recovered(&hf, &pc_kv, &pc_log);
    // And the store still works afterwards.
    failures += workload_step(&pc_kv, &pc_log) != OL_OK;
    failures += check_recovered(&hf, &pc_kv, &pc_log);

    if (failures && stats->failures < 10) {
        fprintf(stderr, "power cut at op %llu, tear seed %llu (then op %llu): %u failures\n",
                (unsigned long long)k, (unsigned long long)tear_seed, (unsigned long long)k2,
                failures);
    }
    stats->failures += failures;
    stats->points++;
    ol_hostflash_close(&hf);
}

static void test_power_cuts(pc_geometry g) {
    geo = g;
    // The uncut run: count its operations and check the end state.
    ol_hostflash hf;
    open_flash(&hf, PC_SECTOR, PC_SECTORS);
    model_reset(PC_WORKLOAD_SEED);
    CHECK_EQ(ol_kv_mount(&pc_kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
    CHECK_EQ(ol_log_mount(&pc_log, &hf.flash, PC_LOG_FIRST, PC_LOG_SECTORS), OL_OK);
    unsigned failures = 0;
    for (int i = 0; i < PC_STEPS; i++) {
        failures += workload_step(&pc_kv, &pc_log) != OL_OK;
    }
    uint64_t ops = ol_hostflash_ops(&hf);
    CHECK_EQ(failures, 0);
    CHECK_EQ(check_recovered(&hf, &pc_kv, &pc_log), 0);
    pc_rotations_kv = 0;
    pc_rotations_log = 0;
    for (uint32_t s = 0; s < PC_SECTORS; s++) {
        *(s < PC_LOG_FIRST ? &pc_rotations_kv : &pc_rotations_log) += hf.erase_count[s];
    }
    printf("power cuts, %u kv + %u log sectors of %u bytes: workload of %d steps, %llu flash "
           "operations, %u kv and %u log sector erases, %u log records\n",
           geo.kv_sectors, geo.log_sectors, PC_SECTOR, PC_STEPS, (unsigned long long)ops,
           pc_rotations_kv, pc_rotations_log, model.log_count);
    CHECK(pc_rotations_kv >= 2 * PC_KV_SECTORS);
    CHECK(pc_rotations_log >= 2 * PC_LOG_SECTORS);
    ol_hostflash_close(&hf);

    pc_stats stats = {0};
    clock_t start = clock();
    for (uint64_t k = 0; k < ops; k++) {
        for (uint64_t t = 0; t < PC_TEARS; t++) {
            cut_once(k, k * PC_TEARS + t + 1, &stats);
        }
    }
    printf("  %llu cut points x %d tear seeds = %llu runs, %llu with a second cut, %.1f s\n",
           (unsigned long long)ops, PC_TEARS, (unsigned long long)stats.points,
           (unsigned long long)stats.second_cuts, (double)(clock() - start) / CLOCKS_PER_SEC);
    CHECK_EQ(stats.points, ops * PC_TEARS);
    CHECK(stats.second_cuts > stats.points / 2);
    CHECK_EQ(stats.failures, 0);
}

// A cut whose on_cut returns: the flash stays dead, the store reports
// OL_ERR_POWER and then refuses writes until it is mounted again.
static void test_dead_flash(void) {
    ol_hostflash hf;
    open_flash(&hf, PC_SECTOR, PC_SECTORS);
    unsigned cut_calls = 0, failures = 0;
    for (uint64_t k = 0; k < 600; k += 7) {
        for (uint32_t s = 0; s < PC_SECTORS; s++) {
            CHECK_EQ(hf.flash.erase(hf.flash.ctx, s), OL_OK);
        }
        model_reset(99);
        CHECK_EQ(ol_kv_mount(&pc_kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
        CHECK_EQ(ol_log_mount(&pc_log, &hf.flash, PC_LOG_FIRST, PC_LOG_SECTORS), OL_OK);
        ol_hostflash_arm_cut(&hf, k, k, NULL, NULL);
        ol_err err = OL_OK;
        for (int i = 0; i < 100 && !err; i++) {
            err = workload_step(&pc_kv, &pc_log);
        }
        cut_calls += hf.dead;
        CHECK_EQ(err, OL_ERR_POWER);
        // The ring that met the cut refuses; the other one meets the dead flash.
        ol_err put = ol_kv_put(&pc_kv, 1, "q", 1);
        ol_err append = ol_log_append(&pc_log, "q", 1, NULL);
        CHECK(put == OL_ERR_STATE || put == OL_ERR_POWER);
        CHECK(append == OL_ERR_STATE || append == OL_ERR_POWER);
        CHECK(put == OL_ERR_STATE || append == OL_ERR_STATE);
        ol_hostflash_disarm(&hf);
        model.cuts = 1;
        failures += check_recovered(&hf, &pc_kv, &pc_log);
        failures += workload_step(&pc_kv, &pc_log) != OL_OK;
    }
    CHECK_EQ(cut_calls, 86);
    CHECK_EQ(failures, 0);
    ol_hostflash_close(&hf);
}

// ---- corrupted images ------------------------------------------------------------

// Sector header words, as ring.h lays them out.
static void forge_header(ol_hostflash *hf, uint32_t sector, uint32_t magic, uint32_t gen,
                         uint32_t first_seq, bool ready) {
    uint32_t words[5] = {magic, gen, first_seq, ol_ring_header_check(magic, gen, first_seq),
                         ready ? OL_RING_READY : 0xFFFFFFFFu};
    memcpy(hf->mem + sector * hf->flash.sector_size, words, sizeof words);
}

// A record with a valid check, at offset of sector (generation gen).
static uint32_t forge_record(ol_hostflash *hf, uint32_t sector, uint32_t offset, uint32_t gen,
                             uint8_t tag, uint16_t key, uint32_t seq, const void *data,
                             uint8_t len) {
    uint32_t words[32] = {0};
    uint32_t bytes = ol_ring_record_bytes(len);
    words[0] = (uint32_t)tag << 24 | (uint32_t)len << 16 | key;
    words[1] = seq;
    memcpy(&words[2], data, len);
    uint32_t body = bytes / 4 - 1;
    uint32_t crc = ol_ring_crc32(0, &gen, 4);
    words[body] = ol_ring_crc32(crc, words, body * 4u) & 0x7FFFFFFFu;
    memcpy(hf->mem + sector * hf->flash.sector_size + offset, words, bytes);
    return offset + bytes;
}

// Whatever a mount of a damaged image returns, nothing may crash and every
// later call must return a defined result.
static unsigned poke_everything(ol_hostflash *hf) {
    unsigned odd = 0;
    ol_kv kv;
    ol_log log;
    ol_err err = ol_kv_mount(&kv, &hf->flash, PC_KV_FIRST, PC_KV_SECTORS);
    odd += err != OL_OK && err != OL_ERR_CORRUPT;
    for (uint16_t k = 0; k < OL_KV_MAX_KEYS; k++) {
        uint8_t buf[OL_KV_MAX_VALUE];
        size_t len;
        ol_err e = ol_kv_get(&kv, k, buf, sizeof buf, &len);
        odd += e != OL_OK && e != OL_ERR_NOT_FOUND && e != OL_ERR_CORRUPT && e != OL_ERR_STATE;
    }
    ol_err put = ol_kv_put(&kv, 2, "fresh", 5);
    odd += err == OL_OK && put != OL_OK && put != OL_ERR_CORRUPT && put != OL_ERR_FULL;
    err = ol_log_mount(&log, &hf->flash, PC_LOG_FIRST, PC_LOG_SECTORS);
    odd += err != OL_OK && err != OL_ERR_CORRUPT;
    if (err == OL_OK) {
        uint32_t first = ol_log_first_seq(&log), next = ol_log_next_seq(&log);
        for (uint32_t s = first; s != next && s - first < 1000; s++) {
            uint8_t buf[OL_KV_MAX_VALUE];
            size_t len;
            ol_err e = ol_log_read(&log, s, buf, sizeof buf, &len);
            odd += e != OL_OK && e != OL_ERR_CORRUPT;
        }
        ol_err app = ol_log_append(&log, "x", 1, NULL);
        odd += app != OL_OK;
    }
    return odd;
}

static void test_corrupt_images(void) {
    ol_hostflash hf;
    open_flash(&hf, PC_SECTOR, PC_SECTORS);
    ol_testrng rng;
    ol_testrng_seed(&rng, 555);
    uint8_t buf[OL_KV_MAX_VALUE];
    size_t len;

    // Pure garbage: nothing validates, both rings mount empty and work.
    unsigned odd = 0;
    for (int trial = 0; trial < 20; trial++) {
        CHECK_EQ(ol_testrng_fill(&rng, hf.mem, PC_SECTOR * PC_SECTORS), OL_OK);
        ol_kv kv;
        CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
        CHECK_EQ(ol_kv_get(&kv, 1, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
        CHECK_EQ(ol_kv_put(&kv, 1, "ok", 2), OL_OK);
        CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
        CHECK_EQ(ol_kv_get(&kv, 1, buf, sizeof buf, &len), OL_OK);
        odd += poke_everything(&hf);
    }

    // A good image with random damage: random words, bytes, or a whole
    // sector of garbage after a valid header.
    ol_hostflash good;
    open_flash(&good, PC_SECTOR, PC_SECTORS);
    model_reset(31);
    CHECK_EQ(ol_kv_mount(&pc_kv, &good.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
    CHECK_EQ(ol_log_mount(&pc_log, &good.flash, PC_LOG_FIRST, PC_LOG_SECTORS), OL_OK);
    for (int i = 0; i < 120; i++) {
        CHECK_EQ(workload_step(&pc_kv, &pc_log), OL_OK);
    }
    unsigned mounted = 0;
    for (int trial = 0; trial < 400; trial++) {
        memcpy(hf.mem, good.mem, PC_SECTOR * PC_SECTORS);
        uint64_t r = ol_testrng_next(&rng);
        uint32_t sector = (uint32_t)(r % PC_SECTORS);
        uint8_t *base = hf.mem + sector * PC_SECTOR;
        switch ((r >> 8) % 3) {
        case 0: // a few random bytes anywhere in the sector
            for (int i = 0; i < 1 + (int)((r >> 16) % 8); i++) {
                base[ol_testrng_next(&rng) % PC_SECTOR] = (uint8_t)ol_testrng_next(&rng);
            }
            break;
        case 1: // the records behind a valid header replaced by garbage
            CHECK_EQ(ol_testrng_fill(&rng, base + OL_RING_HEADER_BYTES,
                                     PC_SECTOR - OL_RING_HEADER_BYTES),
                     OL_OK);
            break;
        default: // garbage words with plausible record heads
            for (uint32_t off = OL_RING_HEADER_BYTES; off < PC_SECTOR; off += 4) {
                uint32_t w = (uint32_t)ol_testrng_next(&rng);
                if (w % 3 == 0) {
                    w = (uint32_t)((sector < PC_LOG_FIRST ? OL_RING_TAG_KV : OL_RING_TAG_LOG)
                                   << 24) |
                        (w & 0x00FF00FFu);
                }
                memcpy(base + off, &w, 4);
            }
            break;
        }
        odd += poke_everything(&hf);
        ol_kv kv;
        mounted += ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS) == OL_OK;
    }
    printf("corrupted images: 400 damaged, state ring mounted %u times, refused %u\n", mounted,
           400 - mounted);
    CHECK_EQ(odd, 0);

    // Forged: two ready sectors of the same newest generation.
    memcpy(hf.mem, good.mem, PC_SECTOR * PC_SECTORS);
    ol_kv kv;
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
    uint32_t other = (kv.ring.cur + 1) % PC_KV_SECTORS;
    memcpy(hf.mem + (PC_KV_FIRST + other) * PC_SECTOR,
           hf.mem + (PC_KV_FIRST + kv.ring.cur) * PC_SECTOR, PC_SECTOR);
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_ERR_CORRUPT);
    CHECK_EQ(ol_kv_get(&kv, 0, buf, sizeof buf, &len), OL_ERR_STATE);

    // Forged: a record that verifies but names a key this build does not have.
    memset(hf.mem, 0xFF, PC_SECTOR * PC_SECTORS);
    forge_header(&hf, 0, OL_RING_MAGIC_KV, 5, 1, true);
    uint32_t off = forge_record(&hf, 0, OL_RING_HEADER_BYTES, 5, OL_RING_TAG_KV, 3, 1, "abc", 3);
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, sizeof buf, &len), OL_OK);
    forge_record(&hf, 0, off, 5, OL_RING_TAG_KV, OL_KV_MAX_KEYS, 2, "abc", 3);
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_ERR_CORRUPT);

    // A record from another sector life (other generation) does not count,
    // and a seq out of order ends the scan: both leave the sector closed.
    memset(hf.mem, 0xFF, PC_SECTOR * PC_SECTORS);
    forge_header(&hf, 0, OL_RING_MAGIC_KV, 5, 1, true);
    off = forge_record(&hf, 0, OL_RING_HEADER_BYTES, 5, OL_RING_TAG_KV, 3, 1, "abc", 3);
    forge_record(&hf, 0, off, 4, OL_RING_TAG_KV, 4, 2, "old", 3);
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
    CHECK_EQ(ol_kv_get(&kv, 4, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    CHECK_EQ(kv.ring.wpos, 0);
    forge_record(&hf, 0, off, 5, OL_RING_TAG_KV, 4, 7, "old", 3);
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
    CHECK_EQ(ol_kv_get(&kv, 4, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    CHECK_EQ(ol_kv_put(&kv, 4, "new", 3), OL_OK); // goes to a fresh sector
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
    CHECK_EQ(kv.ring.cur, 1);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, sizeof buf, &len), OL_OK);
    CHECK_MEM(buf, "abc", 3);
    CHECK_EQ(ol_kv_get(&kv, 4, buf, sizeof buf, &len), OL_OK);
    CHECK_MEM(buf, "new", 3);

    // A higher generation that is not ready is ignored however good it looks.
    forge_header(&hf, 2, OL_RING_MAGIC_KV, 99, 1, false);
    forge_record(&hf, 2, OL_RING_HEADER_BYTES, 99, OL_RING_TAG_KV, 3, 1, "bad", 3);
    CHECK_EQ(ol_kv_mount(&kv, &hf.flash, PC_KV_FIRST, PC_KV_SECTORS), OL_OK);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, sizeof buf, &len), OL_OK);
    CHECK_MEM(buf, "abc", 3);

    ol_hostflash_close(&good);
    ol_hostflash_close(&hf);
}

// A cut early in the erase of the oldest log sector can leave its header and
// some of its records. The log keeps that sector only if nothing between it
// and the next sector is missing, so first..next is always readable.
static void test_log_torn_erase(void) {
    ol_hostflash hf;
    open_flash(&hf, PC_SECTOR, 4);
    ol_log log;
    uint8_t buf[OL_KV_MAX_VALUE], want[OL_KV_MAX_VALUE];
    size_t len;
    CHECK_EQ(ol_log_mount(&log, &hf.flash, 0, 4), OL_OK);
    for (uint32_t s = 1; s <= 60; s++) { // 11 per sector: wrapped once
        pattern(want, 32, s);
        CHECK_EQ(ol_log_append(&log, want, 32, NULL), OL_OK);
    }
    uint32_t oldest = (log.ring.cur + 1) % 4;
    uint32_t oldest_first = log.ring.sector_first_seq[oldest];
    uint32_t after_first = log.ring.sector_first_seq[(oldest + 1) % 4];
    CHECK_EQ(ol_log_first_seq(&log), oldest_first);
    static uint8_t image[PC_SECTOR * 4];
    memcpy(image, hf.mem, sizeof image);
    uint8_t *sector = hf.mem + oldest * PC_SECTOR;
    uint32_t rec = ol_ring_record_bytes(32);

    for (int damage = 0; damage < 4; damage++) {
        memcpy(hf.mem, image, sizeof image);
        uint32_t expect_first = after_first;
        switch (damage) {
        case 0: // intact: stays in the log
            expect_first = oldest_first;
            break;
        case 1: // a middle record's check word erased
            memset(sector + OL_RING_HEADER_BYTES + 3 * rec + rec - 4, 0xFF, 4);
            break;
        case 2: // the last record partly set
            sector[OL_RING_HEADER_BYTES + (after_first - oldest_first - 1) * rec + 9] |= 0x5A;
            break;
        default: // the header gone
            memset(sector + 8, 0xFF, 4);
            break;
        }
        CHECK_EQ(ol_log_mount(&log, &hf.flash, 0, 4), OL_OK);
        CHECK_EQ(ol_log_first_seq(&log), expect_first);
        CHECK_EQ(ol_log_next_seq(&log), 61);
        int bad = 0;
        for (uint32_t s = ol_log_first_seq(&log); s < 61; s++) {
            pattern(want, 32, s);
            bad +=
                ol_log_read(&log, s, buf, sizeof buf, &len) != OL_OK || memcmp(buf, want, 32) != 0;
        }
        CHECK_EQ(bad, 0);
        CHECK_EQ(ol_log_read(&log, expect_first - 1, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    }
    ol_hostflash_close(&hf);
}

int main(void) {
    test_crc();
    test_kv_basic();
    test_kv_model_and_wear();
    test_kv_full();
    test_log();
    test_corrupt_images();
    test_hal_errors(false);
    test_hal_errors(true);
    test_log_torn_erase();
    test_dead_flash();
    test_power_cuts((pc_geometry){3, 4});
    test_power_cuts((pc_geometry){2, 3});
    return check_done("test_store");
}
