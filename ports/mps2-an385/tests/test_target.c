// ownerlock — tests on the target (Cortex-M3 under QEMU) of what the host
// tests check with libsodium and the host port: the built-in crypto against
// published vectors, the board's NOR flash (rules and persistence through a
// power cycle), the store on it, and the engine end to end.
//
// Run by run-tests.sh: qemu ... -append "flash=DIR/test_target.flash".
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "check.h"
#include "vectors.h"
#include "ownerlock/crypto.h"
#include "ownerlock/lock.h"
#include "store/store.h"
#include "semihost.h"

// ---- helpers ------------------------------------------------------------------------

static size_t unhex(uint8_t *out, size_t cap, const char *hex) {
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n && i < cap; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex[2 * i + (size_t)k];
            v = v * 16u + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }
        out[i] = (uint8_t)v;
    }
    return n < cap ? n : cap;
}

static void pattern(uint8_t *buf, size_t len, uint32_t salt) {
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(salt * 131u + i * 29u + (salt >> 8));
    }
}

// ---- SHA-256: FIPS 180-4 examples ------------------------------------------------------

static void test_sha256(void) {
    const fips180_vector *v = fips180;
    uint8_t want[32], got[32];
    for (size_t i = 0; i < sizeof fips180 / sizeof fips180[0]; i++) {
        size_t len = strlen(v[i].msg);
        unhex(want, sizeof want, v[i].digest);
        ol_sha256(got, v[i].msg, len);
        CHECK_MEM(got, want, 32);
        // The same through updates cut at every offset.
        unsigned bad = 0;
        for (size_t cut = 0; cut <= len; cut++) {
            ol_sha256_ctx ctx;
            ol_sha256_init(&ctx);
            ol_sha256_update(&ctx, v[i].msg, cut);
            ol_sha256_update(&ctx, v[i].msg + cut, len - cut);
            ol_sha256_final(&ctx, got);
            bad += memcmp(got, want, 32) != 0;
        }
        CHECK_EQ(bad, 0);
    }
    // One million 'a', fed in uneven chunks that straddle blocks.
    static uint8_t chunk[1024]; // steps below go up to 1003 bytes
    memset(chunk, 'a', sizeof chunk);
    unhex(want, sizeof want, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    ol_sha256_ctx ctx;
    ol_sha256_init(&ctx);
    for (size_t off = 0, step = 1; off < 1000000u; off += step, step = step % 997u + 7u) {
        ol_sha256_update(&ctx, chunk, step < 1000000u - off ? step : 1000000u - off);
    }
    ol_sha256_final(&ctx, got);
    CHECK_MEM(got, want, 32);
}

// ---- HMAC-SHA256: RFC 4231 test cases 1-7 --------------------------------------------

static void test_hmac(void) {
    const rfc4231_vector *v = rfc4231;
    uint8_t key_aa[131];
    memset(key_aa, 0xaa, sizeof key_aa);
    for (size_t i = 0; i < sizeof rfc4231 / sizeof rfc4231[0]; i++) {
        uint8_t key_buf[32], data_buf[64], want[32], got[32];
        const uint8_t *key = key_aa, *data = (const uint8_t *)v[i].data;
        size_t key_len = sizeof key_aa, data_len = data ? strlen(v[i].data) : 0;
        if (v[i].key_hex) {
            key_len = unhex(key_buf, sizeof key_buf, v[i].key_hex);
            key = key_buf;
        }
        if (v[i].data_hex) {
            data_len = unhex(data_buf, sizeof data_buf, v[i].data_hex);
            data = data_buf;
        }
        size_t mac_len = unhex(want, sizeof want, v[i].mac);
        CHECK_EQ(mac_len, i == 4 ? 16 : 32);
        ol_hmac_sha256(got, key, key_len, data, data_len);
        CHECK_MEM(got, want, mac_len);
        ol_hmac_sha256_ctx ctx;
        ol_hmac_sha256_init(&ctx, key, key_len);
        ol_hmac_sha256_update(&ctx, data, data_len / 3);
        ol_hmac_sha256_update(&ctx, data + data_len / 3, data_len - data_len / 3);
        ol_hmac_sha256_final(&ctx, got);
        CHECK_MEM(got, want, mac_len);
        uint8_t zero[sizeof ctx] = {0};
        CHECK_MEM(&ctx, zero, sizeof ctx); // final wipes the context
    }
}

static void test_ct(void) {
    uint8_t a[32], b[32];
    pattern(a, sizeof a, 7);
    memcpy(b, a, sizeof b);
    CHECK_EQ(ol_ct_eq_mask(a, b, sizeof a), 0xffffffffu);
    CHECK_EQ(ol_ct_compare(a, b, sizeof a), 0);
    unsigned bad = 0;
    for (size_t i = 0; i < sizeof a; i++) {
        b[i] ^= 0x80;
        bad += ol_ct_eq_mask(a, b, sizeof a) != 0;
        bad += ol_ct_compare(a, b, sizeof a) != -1;
        b[i] ^= 0x80;
    }
    CHECK_EQ(bad, 0);
    ol_wipe(b, sizeof b);
    uint8_t zero[32] = {0};
    CHECK_MEM(b, zero, sizeof b);
}

// ---- the board's NOR flash -----------------------------------------------------------

static char flash_path[128] = "test_target.flash";

static void test_nor_rules(void) {
    an385_flash f;
    CHECK_EQ(an385_flash_init(&f, NULL), OL_OK);
    const ol_flash *fl = &f.flash;
    uint8_t buf[16];
    CHECK_EQ(fl->sector_size, AN385_FLASH_SECTOR_SIZE);
    CHECK_EQ(fl->sector_count, AN385_FLASH_SECTORS);
    CHECK_EQ(fl->read(fl->ctx, 0, buf, sizeof buf), OL_OK);
    CHECK_EQ(buf[0] & buf[15], 0xFF); // a new device is erased

    const uint8_t w1[8] = {0x0F, 0xF0, 0x55, 0xAA, 0x00, 0xFF, 0x12, 0x34};
    CHECK_EQ(fl->program(fl->ctx, 64, w1, sizeof w1), OL_OK);
    CHECK_EQ(fl->read(fl->ctx, 64, buf, 8), OL_OK);
    CHECK_MEM(buf, w1, 8);
    // Programming again ANDs: clearing more bits is allowed ...
    const uint8_t w2[4] = {0x0E, 0x00, 0x55, 0x00};
    CHECK_EQ(fl->program(fl->ctx, 64, w2, sizeof w2), OL_OK);
    CHECK_EQ(fl->read(fl->ctx, 64, buf, 4), OL_OK);
    CHECK_MEM(buf, w2, 4);
    // ... setting one is refused whole, and nothing changes.
    const uint8_t w3[8] = {0x0E, 0x00, 0x55, 0x00, 0x01, 0xFF, 0x12, 0x34};
    CHECK_EQ(fl->program(fl->ctx, 64, w3, sizeof w3), OL_ERR_FLASH);
    CHECK_EQ(fl->read(fl->ctx, 64, buf, 8), OL_OK);
    CHECK_EQ(buf[4], 0x00);
    // Word alignment and bounds.
    CHECK_EQ(fl->program(fl->ctx, 66, w1, 4), OL_ERR_ARG);
    CHECK_EQ(fl->program(fl->ctx, 64, w1, 3), OL_ERR_ARG);
    CHECK_EQ(fl->program(fl->ctx, AN385_FLASH_BYTES - 4, w1, 8), OL_ERR_ARG);
    CHECK_EQ(fl->read(fl->ctx, AN385_FLASH_BYTES - 4, buf, 8), OL_ERR_ARG);
    CHECK_EQ(fl->erase(fl->ctx, AN385_FLASH_SECTORS), OL_ERR_ARG);
    // Erase brings a whole sector, and only it, back to 0xFF.
    CHECK_EQ(fl->program(fl->ctx, AN385_FLASH_SECTOR_SIZE, w1, 8), OL_OK);
    CHECK_EQ(fl->erase(fl->ctx, 0), OL_OK);
    CHECK_EQ(fl->read(fl->ctx, 64, buf, 8), OL_OK);
    unsigned not_erased = 0;
    for (int i = 0; i < 8; i++) {
        not_erased += buf[i] != 0xFF;
    }
    CHECK_EQ(not_erased, 0);
    CHECK_EQ(fl->read(fl->ctx, AN385_FLASH_SECTOR_SIZE, buf, 8), OL_OK);
    CHECK_MEM(buf, w1, 8);
}

// Written through to the host file: a fresh init (a power cycle: RAM lost)
// reads back exactly what was programmed and erased.
static void test_nor_persistence(void) {
    an385_flash f;
    const ol_flash *fl = &f.flash;
    CHECK_EQ(an385_flash_init(&f, flash_path), OL_OK);
    for (uint32_t s = 0; s < AN385_FLASH_SECTORS; s++) {
        CHECK_EQ(fl->erase(fl->ctx, s), OL_OK); // whatever an earlier run left
    }
    uint8_t data[64], buf[64];
    pattern(data, sizeof data, 42);
    uint32_t last = AN385_FLASH_BYTES - sizeof data;
    CHECK_EQ(fl->program(fl->ctx, 128, data, sizeof data), OL_OK);
    CHECK_EQ(fl->program(fl->ctx, last, data, sizeof data), OL_OK);
    CHECK_EQ(fl->erase(fl->ctx, 0), OL_OK);
    CHECK_EQ(fl->program(fl->ctx, 4, data, 4), OL_OK);

    CHECK_EQ(an385_flash_init(&f, flash_path), OL_OK);
    CHECK_EQ(fl->read(fl->ctx, last, buf, sizeof buf), OL_OK);
    CHECK_MEM(buf, data, sizeof data);
    CHECK_EQ(fl->read(fl->ctx, 0, buf, 8), OL_OK);
    CHECK(buf[0] == 0xFF && buf[3] == 0xFF);
    CHECK_MEM(buf + 4, data, 4);
    CHECK_EQ(fl->read(fl->ctx, 128, buf, 4), OL_OK); // erased with sector 0
    CHECK(buf[0] == 0xFF && buf[3] == 0xFF);
}

// The emulated RTC keeps the owner's time across a power cycle (backup file),
// and a flat backup cell reads as lost until the clock is set.
static void test_rtc(void) {
    char backup[sizeof flash_path + 4];
    snprintf(backup, sizeof backup, "%s.rtc", flash_path);
    an385_rtc rtc;
    an385_rtc_init(&rtc, true, backup);
    CHECK_EQ(an385_rtc_now(&rtc), OL_RTC_LOST);
    CHECK_EQ(an385_rtc_set(&rtc, OL_RTC_LOST), OL_ERR_ARG);
    const uint32_t owner_time = 1000000000u; // 2001-09-09, far from the host's clock
    CHECK_EQ(an385_rtc_set(&rtc, owner_time), OL_OK);
    CHECK(an385_rtc_now(&rtc) - owner_time <= 1u);
    an385_rtc_init(&rtc, false, backup); // power cycle
    CHECK(an385_rtc_now(&rtc) - owner_time <= 2u);
    an385_rtc_init(&rtc, true, backup); // backup cell gone flat
    CHECK_EQ(an385_rtc_now(&rtc), OL_RTC_LOST);
}

// ---- the store on the board's flash ------------------------------------------------

static void test_kv(void) {
    an385_flash f;
    CHECK_EQ(an385_flash_init(&f, NULL), OL_OK);
    static ol_kv kv;
    uint8_t val[OL_KV_MAX_VALUE], buf[OL_KV_MAX_VALUE];
    size_t len = 0;
    CHECK_EQ(ol_kv_mount(&kv, &f.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    CHECK_EQ(ol_kv_get(&kv, 3, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    // Enough versions of a few keys to rotate through every sector twice.
    uint32_t versions = 0;
    for (uint32_t v = 0; v < 400; v++) {
        uint16_t key = (uint16_t)(1 + v % 5);
        pattern(val, 10 + key, v);
        CHECK_EQ(ol_kv_put(&kv, key, val, 10u + key), OL_OK);
        versions++;
    }
    CHECK_EQ(ol_kv_del(&kv, 2), OL_OK);
    CHECK_EQ(ol_kv_mount(&kv, &f.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    unsigned wrong = 0;
    for (uint16_t key = 1; key <= 5; key++) {
        ol_err err = ol_kv_get(&kv, key, buf, sizeof buf, &len);
        if (key == 2) {
            wrong += err != OL_ERR_NOT_FOUND;
            continue;
        }
        uint32_t newest = versions - 5 + (key - 1u); // the last v with v % 5 == key - 1
        pattern(val, 10u + key, newest);
        wrong += err != OL_OK || len != 10u + key || memcmp(buf, val, len) != 0;
    }
    CHECK_EQ(wrong, 0);
    CHECK_EQ(ol_kv_get(&kv, 1, buf, 4, &len), OL_ERR_TOO_BIG);
    CHECK_EQ(len, 11);
}

static void test_log(void) {
    an385_flash f;
    CHECK_EQ(an385_flash_init(&f, NULL), OL_OK);
    static ol_log log;
    uint8_t rec[16], buf[OL_KV_MAX_VALUE];
    size_t len = 0;
    uint32_t seq = 0;
    CHECK_EQ(ol_log_mount(&log, &f.flash, OL_AUDIT_FIRST_SECTOR, OL_AUDIT_SECTORS), OL_OK);
    CHECK_EQ(ol_log_first_seq(&log), ol_log_next_seq(&log));
    uint32_t capacity = ol_log_capacity(&log, sizeof rec);
    CHECK(capacity >= OL_AUDIT_MIN_EVENTS);
    // More than the ring holds: the oldest sectors are recycled.
    uint32_t total = capacity + capacity / 4;
    unsigned failed = 0;
    for (uint32_t i = 1; i <= total; i++) {
        pattern(rec, sizeof rec, i);
        failed += ol_log_append(&log, rec, sizeof rec, &seq) != OL_OK || seq != i;
    }
    CHECK_EQ(failed, 0);
    CHECK_EQ(ol_log_mount(&log, &f.flash, OL_AUDIT_FIRST_SECTOR, OL_AUDIT_SECTORS), OL_OK);
    CHECK_EQ(ol_log_next_seq(&log), total + 1);
    uint32_t first = ol_log_first_seq(&log);
    CHECK(first > 1);
    CHECK(total + 1 - first >= capacity);
    CHECK_EQ(ol_log_read(&log, first - 1, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
    unsigned wrong = 0;
    for (uint32_t i = first; i <= total; i++) {
        pattern(rec, sizeof rec, i);
        wrong += ol_log_read(&log, i, buf, sizeof buf, &len) != OL_OK || len != sizeof rec ||
                 memcmp(buf, rec, sizeof rec) != 0;
    }
    CHECK_EQ(wrong, 0);
    CHECK_EQ(ol_log_read(&log, total + 1, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
}

// ---- the engine end to end, across a power cycle through the host file -------------

typedef struct target_rig {
    an385_flash flash;
    an385_rtc rtc;
    an385_test_trng trng;
    ol_platform plat;
    ol_lock lock;
    uint64_t now;
} target_rig;

static target_rig rig;

static ol_err rig_boot(bool door_open) {
    ol_err err = an385_flash_init(&rig.flash, flash_path);
    if (err) {
        return err;
    }
    an385_rtc_init(&rig.rtc, false, NULL);
    an385_test_trng_init(&rig.trng, "test_target");
    rig.plat.flash = &rig.flash.flash;
    rig.plat.trng = an385_test_trng_fill;
    rig.plat.trng_ctx = &rig.trng;
    rig.plat.rtc_now = an385_rtc_now;
    rig.plat.rtc_set = an385_rtc_set;
    rig.plat.rtc_ctx = &rig.rtc;
    rig.now = 0;
    return ol_lock_boot(&rig.lock, &rig.plat, rig.now, door_open);
}

static ol_err rig_entry(const char *digits) {
    ol_event ev = {.type = OL_EV_ENTRY};
    while (*digits) {
        ev.digits[ev.ndigits++] = (uint8_t)(*digits++ - '0');
    }
    rig.now += 1000;
    return ol_lock_event(&rig.lock, rig.now, &ev);
}

static ol_err rig_door(bool open) {
    ol_event ev = {.type = OL_EV_DOOR, .door_open = open};
    rig.now += 1000;
    return ol_lock_event(&rig.lock, rig.now, &ev);
}

static void test_lock(void) {
    an385_flash f;
    CHECK_EQ(an385_flash_init(&f, flash_path), OL_OK);
    for (uint32_t s = 0; s < AN385_FLASH_SECTORS; s++) {
        CHECK_EQ(f.flash.erase(f.flash.ctx, s), OL_OK); // a new lock
    }
    CHECK_EQ(rig_boot(true), OL_OK);
    const ol_outputs *o = ol_lock_outputs(&rig.lock);
    CHECK(strcmp(o->line[0], "SET MANAGER CODE") == 0);
    CHECK_EQ(rig_entry("482915"), OL_OK);
    CHECK_EQ(rig_entry("482915"), OL_OK);
    CHECK(strcmp(o->line[0], "LOCK IS SET UP") == 0);
    // The recovery code is shown once, a group at a time, each '#' the next.
    int groups = 0;
    rig.now += OL_MESSAGE_MS;
    ol_event tick = {.type = OL_EV_TICK};
    CHECK_EQ(ol_lock_event(&rig.lock, rig.now, &tick), OL_OK);
    while (strncmp(o->line[0], "RECOVERY", 8) == 0 && groups < 10) {
        CHECK_EQ(rig_entry(""), OL_OK);
        groups++;
    }
    CHECK(groups > 0);
    ol_status st;
    ol_lock_status(&rig.lock, &st);
    CHECK(st.commissioned);
    CHECK_EQ(rig_door(false), OL_OK);
    rig.now += 5000;
    CHECK_EQ(ol_lock_event(&rig.lock, rig.now, &tick), OL_OK);
    CHECK_EQ(o->bolt, OL_BOLT_EXTENDED);
    CHECK_EQ(rig_entry("482915"), OL_OK);
    CHECK_EQ(o->bolt, OL_BOLT_RETRACTED);
    rig.now += 10000;
    CHECK_EQ(ol_lock_event(&rig.lock, rig.now, &tick), OL_OK);
    CHECK_EQ(o->bolt, OL_BOLT_EXTENDED); // not opened within 6 s: thrown again
    for (int i = 0; i < OL_PENALTY_FREE_TRIES; i++) {
        CHECK_EQ(rig_entry("111112"), OL_OK);
    }
    ol_lock_status(&rig.lock, &st);
    CHECK_EQ(st.failures, OL_PENALTY_FREE_TRIES);
    CHECK(st.lockout_remaining_ms > 0);
    CHECK_EQ(o->bolt, OL_BOLT_EXTENDED);

    // Power cycle: everything from the host file; the lockout is still there
    // and the right code is ignored during it.
    ol_lock_shutdown(&rig.lock);
    CHECK_EQ(rig_boot(false), OL_OK);
    ol_lock_status(&rig.lock, &st);
    CHECK(st.commissioned);
    CHECK_EQ(st.failures, OL_PENALTY_FREE_TRIES);
    CHECK(st.lockout_remaining_ms > 0);
    CHECK_EQ(rig_entry("482915"), OL_OK);
    CHECK_EQ(o->bolt, OL_BOLT_EXTENDED);
    CHECK(strcmp(o->line[0], "LOCKED OUT") == 0);
    ol_lock_shutdown(&rig.lock);
}

int main(void) {
    char cmdline[192];
    semihost_cmdline(cmdline, sizeof cmdline);
    semihost_arg(cmdline, "flash", flash_path, sizeof flash_path);
    printf("test_target: %s backend on the mps2-an385, flash file %s\n", ol_crypto_backend(),
           flash_path);
    test_sha256();
    test_hmac();
    test_ct();
    test_nor_rules();
    test_nor_persistence();
    test_rtc();
    test_kv();
    test_log();
    test_lock();
    printf("test_target: stack high-water %u of %u bytes\n", (unsigned)board_stack_used(),
           (unsigned)board_stack_size());
    return check_done("test_target");
}
