// Property test: a lock's firmware image and its serial number together let
// no one compute anything the lock accepts (DESIGN.md invariants 2, 7, 8).
//
// The manufacturer — or anyone with the source, the build and every serial
// number — knows all that two locks of one build have in common. Each check
// below takes two or three locks built from the same code, differing only in
// what their TRNG draws, and shows that what one lock accepts cannot be
// computed from what they share:
//   1. a factory lock holds no secret and no code: two factory locks with
//      different TRNGs have byte-identical flash images, the TRNG has not been
//      called, the state store is empty, and the audit trail holds only
//      power-ups. A dump of every lock in the warehouse carries nothing;
//   2. commissioning draws the device key from the TRNG: two locks given the
//      SAME codes store different tags for every code and different recovery
//      codes, no tag or key of one appears anywhere in the other's image, and
//      no tag equals the MAC of its code under any key the firmware or a
//      serial number could supply;
//   3. knowing a lock's code and its stored tag does not help against another
//      lock: the tag copied into a second lock's flash does not make the code
//      open it (with a control showing the copy itself works: copying the
//      device key as well does);
//   4. no code derivable from firmware constants or a serial number is
//      accepted: factory defaults of other locks, the serial's digits, the
//      configuration's numbers, and every 6-digit code sharing the serial's
//      first or last two digits are each, as an attacker's first try, a
//      counted wrong try on a commissioned lock; none commissions a factory
//      lock or throws its bolt; another lock's recovery code, or one made
//      from the serial, is a wrong try in *99.
// And the key store (issue 15): the device key and the link secret are in
// the key store's two sectors only, never in the state and audit sectors, so
// a read-out of those (an external flash chip's dump) holds tags but no key
// to test codes against (check 2). What this does not prove: that a port
// keeps the key store's sectors out of reach (docs/PORTING.md); whoever can
// WRITE the key store and the tags owns the lock (check 3's control). That
// attacker is inside the door.
#define _POSIX_C_SOURCE 200809L // clock_gettime
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "core/bytes.h"
#include "core/credentials.h"
#include "core/keystore.h"
#include "core/state.h"
#include "core/persist.h"
#include "ownerlock/crypto.h"
#include "rig.h"
#include "store/ring.h"
#include "store/store.h"
#include "undo_flash.h"

// A serial number as a manufacturer would print it on the lock body's label.
// The firmware has no serial number: ol_platform gives it none to read.
#define SERIAL "OL-2026-004729"
#define SERIAL_DIGITS "2026004729"
#define M0 "482910"
#define U2 "264800"
#define FLASH_BYTES ((size_t)OL_HOST_SECTOR_SIZE * OL_HOST_SECTORS)
#define GROUP_CAP (OL_RECOVERY_GROUP_DIGITS + 2)

// ---- a lock whose TRNG calls are counted ---------------------------------------------

typedef struct unit {
    rig r;
    undo u; // the lock's flash, through an undo log
    unsigned trng_calls;
    char recovery[OL_RECOVERY_GROUPS][GROUP_CAP]; // as the owner read it off the display
} unit;

static ol_err counting_trng(void *ctx, uint8_t *buf, size_t len) {
    unit *u = ctx;
    u->trng_calls++;
    return ol_testrng_fill(&u->r.rng, buf, len);
}

static void unit_init(unit *u, uint64_t seed) {
    memset(u, 0, sizeof *u);
    if (rig_setup(&u->r, seed) != OL_OK) {
        fprintf(stderr, "rig_setup failed\n");
        exit(2);
    }
    u->r.plat.trng = counting_trng;
    u->r.plat.trng_ctx = u;
    undo_attach(&u->u, &u->r.hf);
    u->r.plat.flash = &u->u.flash;
    CHECK_EQ(rig_boot(&u->r), OL_OK);
}

// Commission with the door open, read the recovery code off the display as
// the owner does while paging through it, add a user, shut the door.
static void commission(unit *u, const char *code) {
    char keys[40];
    snprintf(keys, sizeof keys, "%s#%s#", code, code);
    rig_keys(&u->r, keys);
    rig_wait(&u->r, 3500);
    CHECK(rig_recovery_ack(&u->r, u->recovery)); // paged, read off, typed back
    rig_wait(&u->r, 3500);
    snprintf(keys, sizeof keys, "*02%s#02#" U2 "#" U2 "#", code);
    rig_keys(&u->r, keys);
    rig_wait(&u->r, 3500);
    rig_door(&u->r, false);
    rig_wait(&u->r, 2500);
    CHECK(rig_status(&u->r).commissioned);
    CHECK_EQ(rig_status(&u->r).enrolled, 0x5u);
    CHECK_EQ(rig_bolt(&u->r), OL_BOLT_EXTENDED);
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        CHECK_EQ(strlen(u->recovery[g]), OL_RECOVERY_GROUP_DIGITS + 1);
    }
}

// What an image dump shows: a key's latest value in the state store.
static ol_err stored(unit *u, uint16_t key, uint8_t *buf, size_t cap, size_t *len) {
    ol_kv kv;
    ol_err err = ol_kv_mount(&kv, &u->r.hf.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS);
    return err ? err : ol_kv_get(&kv, key, buf, cap, len);
}

// Does [from, to) of the image hold these bytes?
static bool range_holds(const unit *u, size_t from, size_t to, const uint8_t *bytes, size_t n) {
    for (size_t i = from; i + n <= to; i++) {
        if (memcmp(u->r.hf.mem + i, bytes, n) == 0) {
            return true;
        }
    }
    return false;
}

static bool image_holds(const unit *u, const uint8_t *bytes, size_t n) {
    return range_holds(u, 0, FLASH_BYTES, bytes, n);
}

#define KEYS_AT ((size_t)OL_HOST_SECTOR_SIZE * OL_KEYS_FIRST_SECTOR)

// The key store's newest whole record (src/core/keystore.h's format), read
// from the image as a dump shows it: its offset, or -1 if none.
static long keys_record(const unit *u) {
    long best = -1;
    uint32_t best_seq = 0;
    for (size_t s = 0; s < OL_KEYS_SECTORS; s++) {
        const uint8_t *r = u->r.hf.mem + KEYS_AT + s * OL_HOST_SECTOR_SIZE;
        uint32_t magic = get_le32(r), seq = get_le32(r + 4);
        uint32_t crc = get_le32(r + OL_KEYS_RECORD_BYTES - 4);
        if (magic == 0x534b4c4fu && crc == ol_ring_crc32(0, r, OL_KEYS_RECORD_BYTES - 4) &&
            (best < 0 || seq > best_seq)) {
            best = (long)(KEYS_AT + s * OL_HOST_SECTOR_SIZE);
            best_seq = seq;
        }
    }
    return best;
}

// The device key in the key store (NOT_FOUND: none).
static ol_err stored_key(unit *u, uint8_t key[32]) {
    long at = keys_record(u);
    if (at < 0 || (get_le32(u->r.hf.mem + at + 8) & 1u) == 0) {
        return OL_ERR_NOT_FOUND;
    }
    memcpy(key, u->r.hf.mem + at + 12, 32);
    return OL_OK;
}

// With the lock off, the key store's next record with this device key (the
// rest as it was), written as one who can write its flash would.
static void put_key_while_off(unit *u, const uint8_t key[32]) {
    ol_lock_shutdown(&u->r.lock);
    long at = keys_record(u);
    CHECK(at >= 0);
    uint8_t rec[OL_KEYS_RECORD_BYTES];
    memcpy(rec, u->r.hf.mem + at, sizeof rec);
    put_le32(rec + 4, get_le32(rec + 4) + 1);
    put_le32(rec + 8, get_le32(rec + 8) | 1u);
    memcpy(rec + 12, key, 32);
    put_le32(rec + OL_KEYS_RECORD_BYTES - 4, ol_ring_crc32(0, rec, OL_KEYS_RECORD_BYTES - 4));
    uint32_t other = OL_KEYS_FIRST_SECTOR + ((size_t)at == KEYS_AT ? 1u : 0u);
    const ol_flash *f = &u->r.hf.flash;
    CHECK_EQ(f->erase(f->ctx, other), OL_OK);
    CHECK_EQ(f->program(f->ctx, other * OL_HOST_SECTOR_SIZE, rec, sizeof rec), OL_OK);
    u->r.t += 1000;
    CHECK_EQ(rig_boot(&u->r), OL_OK);
}

static void digits_of(const char *code, uint8_t d[OL_ENTRY_MAX_DIGITS], uint8_t *n) {
    memset(d, 0, OL_ENTRY_MAX_DIGITS);
    *n = 0;
    for (const char *c = code; *c && *n < OL_ENTRY_MAX_DIGITS; c++) {
        d[(*n)++] = (uint8_t)(*c - '0');
    }
}

// ---- 1. a factory lock holds nothing -------------------------------------------------

static void test_factory_image(void) {
    unit *a = calloc(2, sizeof *a), *b = a + 1;
    unit_init(a, 11);
    unit_init(b, 12);
    rig_power_cycle(&a->r, 1000);
    rig_power_cycle(&b->r, 1000);
    // Two factory locks of one build: the same bytes, whatever their TRNGs.
    CHECK(memcmp(a->r.hf.mem, b->r.hf.mem, FLASH_BYTES) == 0);
    CHECK_EQ(a->trng_calls + b->trng_calls, 0);
    // Nothing in the state store but the count of power-ups not written to
    // the trail (a second one in a row is noise: docs/POLICY.md); only
    // power-ups in the audit trail.
    for (uint16_t key = 0; key < OL_KV_MAX_KEYS; key++) {
        uint8_t buf[OL_KV_MAX_VALUE];
        size_t len = 0;
        if (key != KEY_AUDIT_NOISE) {
            CHECK_EQ(stored(a, key, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
            continue;
        }
        // u16 x OL_AUDIT_NOISE_KINDS: power_up, keypad_rejected, low_battery, service_refused
        static const uint8_t one_power_up[2 * OL_AUDIT_NOISE_KINDS] = {1, 0};
        CHECK_EQ(stored(a, key, buf, sizeof buf, &len), OL_OK);
        CHECK_EQ(len, sizeof one_power_up);
        CHECK_MEM(buf, one_power_up, sizeof one_power_up);
    }
    CHECK_EQ(a->r.lock.audit_noise[0], 1);
    ol_status st = rig_status(&a->r);
    for (uint32_t seq = st.audit_first_seq; seq < st.audit_next_seq; seq++) {
        ol_audit_event ev;
        CHECK(ol_lock_audit_read(&a->r.lock, seq, &ev) == OL_OK && ev.kind == OL_AUDIT_POWER_UP);
    }
    size_t state = 0, audit = 0;
    size_t state_end = (size_t)OL_HOST_SECTOR_SIZE * (OL_STATE_FIRST_SECTOR + OL_STATE_SECTORS);
    for (size_t i = 0; i < FLASH_BYTES; i++) {
        if (a->r.hf.mem[i] != 0xFF) {
            *(i < state_end ? &state : &audit) += 1;
        }
    }
    printf("1. factory locks (TRNG seeds 11, 12): images identical, TRNG never called, state "
           "store empty, %zu bytes of %zu not erased (%zu store framing, %zu in %u power-up "
           "records)\n",
           state + audit, FLASH_BYTES, state, audit, st.audit_next_seq - st.audit_first_seq);
    // The first code a new owner types draws the key, but nothing is kept
    // until it is repeated: a lock left half-commissioned holds no key.
    rig_keys(&a->r, "502550#");
    uint8_t key[32];
    size_t len = 0;
    CHECK(a->trng_calls > 0);
    CHECK_EQ(stored_key(a, key), OL_ERR_NOT_FOUND);
    CHECK_EQ(stored(a, KEY_DEVICE, key, sizeof key, &len), OL_ERR_NOT_FOUND);
    rig_power_cycle(&a->r, 1000);
    CHECK_EQ(stored_key(a, key), OL_ERR_NOT_FOUND);
    CHECK(!rig_status(&a->r).commissioned);
    ol_hostflash_close(&a->r.hf);
    ol_hostflash_close(&b->r.hf);
    undo_free(&a->u);
    undo_free(&b->u);
    free(a);
}

// ---- 2. every secret is per lock ------------------------------------------------------

// Keys anyone could compute from the firmware or a serial number.
static void public_keys(uint8_t keys[][32], int *n) {
    static const char *const labels[] = {"ownerlock", "ownerlock audit chain v1", SERIAL,
                                         SERIAL_DIGITS};
    memset(keys[0], 0x00, 32);
    memset(keys[1], 0xFF, 32);
    *n = 2;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        ol_sha256(keys[(*n)++], labels[i], strlen(labels[i]));
    }
}

static void test_per_lock_secrets(void) {
    unit *a = calloc(2, sizeof *a), *b = a + 1;
    unit_init(a, 21);
    unit_init(b, 22);
    commission(a, M0);
    commission(b, M0); // the same codes on both
    CHECK(a->trng_calls > 0 && b->trng_calls > 0);
    uint8_t key_a[32], key_b[32], zero[32] = {0};
    size_t len = 0;
    CHECK_EQ(stored_key(a, key_a), OL_OK);
    CHECK_EQ(stored_key(b, key_b), OL_OK);
    CHECK(memcmp(key_a, key_b, 32) != 0 && memcmp(key_a, zero, 32) != 0);
    CHECK(!image_holds(b, key_a, sizeof key_a) && !image_holds(a, key_b, sizeof key_b));
    // The key store holds the device key; the state and audit sectors (what a
    // dump of an external flash would show) do not.
    CHECK(!range_holds(a, 0, KEYS_AT, key_a, sizeof key_a));
    CHECK(range_holds(a, KEYS_AT, FLASH_BYTES, key_a, sizeof key_a));
    uint8_t pub[8][32];
    int npub = 0;
    public_keys(pub, &npub);
    int tags_checked = 0;
    static const struct {
        int slot;
        const char *code;
    } codes[] = {{0, M0}, {2, U2}};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        uint8_t ta[OL_TAG_BYTES], tb[OL_TAG_BYTES];
        CHECK_EQ(stored(a, (uint16_t)(KEY_SLOT_BASE + codes[i].slot), ta, sizeof ta, &len), OL_OK);
        CHECK_EQ(stored(b, (uint16_t)(KEY_SLOT_BASE + codes[i].slot), tb, sizeof tb, &len), OL_OK);
        // Same code, different tag; neither tag anywhere in the other image.
        CHECK(memcmp(ta, tb, OL_TAG_BYTES) != 0);
        CHECK(!image_holds(b, ta, sizeof ta) && !image_holds(a, tb, sizeof tb));
        // Not the MAC of the code under any key a firmware or a label supplies.
        uint8_t d[OL_ENTRY_MAX_DIGITS], n;
        digits_of(codes[i].code, d, &n);
        for (int k = 0; k < npub; k++) {
            uint8_t t[OL_TAG_BYTES];
            ol_credential_tag(t, pub[k], d, n);
            CHECK(memcmp(t, ta, OL_TAG_BYTES) != 0 && memcmp(t, tb, OL_TAG_BYTES) != 0);
        }
        // The lock's own MAC under its own key is what is stored (so the
        // comparisons above compare like with like).
        uint8_t t[OL_TAG_BYTES];
        ol_credential_tag(t, key_a, d, n);
        CHECK(memcmp(t, ta, OL_TAG_BYTES) == 0);
        tags_checked++;
    }
    // The recovery codes differ, and one lock's is a wrong try on the other.
    CHECK(memcmp(a->recovery, b->recovery, sizeof a->recovery) != 0);
    char keys[64] = "*99";
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        strcat(keys, a->recovery[g]);
        strcat(keys, "#");
    }
    uint32_t failures = rig_status(&b->r).failures;
    rig_keys(&b->r, keys);
    ol_status st = rig_status(&b->r);
    CHECK_EQ(st.failures, failures + 1);
    CHECK_EQ(st.recovery_delay_ms, 0);
    CHECK_EQ(rig_bolt(&b->r), OL_BOLT_EXTENDED);
    printf("2. two locks, same codes (TRNG seeds 21, 22): device keys differ, each in its key "
           "store only (not in the state and audit sectors); %d of %d code tags differ, none found "
           "in the other image, none is the MAC under any of %d public keys; "
           "recovery codes differ, lock A's is a wrong try on lock B\n",
           tags_checked, tags_checked, npub);
    ol_hostflash_close(&a->r.hf);
    ol_hostflash_close(&b->r.hf);
    undo_free(&a->u);
    undo_free(&b->u);
    free(a);
}

// ---- 3. a tag does not travel ---------------------------------------------------------

static void put_while_off(unit *u, uint16_t key, const uint8_t *val, size_t len) {
    ol_lock_shutdown(&u->r.lock);
    ol_kv kv;
    CHECK_EQ(ol_kv_mount(&kv, &u->r.hf.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
    CHECK_EQ(ol_kv_put(&kv, key, val, len), OL_OK);
    u->r.t += 1000;
    CHECK_EQ(rig_boot(&u->r), OL_OK);
}

static void test_transplant(void) {
    unit *own = calloc(2, sizeof *own), *victim = own + 1;
    unit_init(own, 31);
    unit_init(victim, 32);
    commission(own, "604817");    // the attacker's own lock: he knows its code ...
    commission(victim, "739261"); // ... and wants to open this one
    uint8_t tag[OL_TAG_BYTES], key[32];
    size_t len = 0;
    CHECK_EQ(stored(own, KEY_SLOT_BASE + 0, tag, sizeof tag, &len), OL_OK);
    CHECK_EQ(stored_key(own, key), OL_OK);
    // (a) His code's tag written into the victim's free manager slot 01: the
    // victim takes the record, and the code is still a wrong try.
    put_while_off(victim, KEY_SLOT_BASE + 1, tag, sizeof tag);
    CHECK_EQ(rig_status(&victim->r).enrolled, 0x7u);
    uint32_t failures = rig_status(&victim->r).failures;
    rig_keys(&victim->r, "604817#");
    CHECK_EQ(rig_bolt(&victim->r), OL_BOLT_EXTENDED);
    CHECK_EQ(rig_status(&victim->r).failures, failures + 1);
    bool refused = rig_bolt(&victim->r) == OL_BOLT_EXTENDED;
    // (b) Control: with the device key copied too, the same code opens. So
    // the refusal in (a) is the key's doing, and writing a lock body's flash
    // is owning it (that attacker is already inside the door).
    put_key_while_off(victim, key);
    rig_keys(&victim->r, "604817#");
    CHECK_EQ(rig_bolt(&victim->r), OL_BOLT_RETRACTED);
    printf("3. lock A's code and its tag copied into lock B: %s; control, A's device key copied "
           "too: %s\n",
           refused ? "a wrong try" : "OPENS",
           rig_bolt(&victim->r) == OL_BOLT_RETRACTED ? "opens (the copy works)"
                                                     : "does not open (control FAILED)");
    ol_hostflash_close(&own->r.hf);
    ol_hostflash_close(&victim->r.hf);
    undo_free(&own->u);
    undo_free(&victim->u);
    free(own);
}

// ---- 4. nothing derivable is accepted -----------------------------------------------------

// Codes anyone could derive without the owner: other locks' factory and
// "super" codes, patterns, the serial number's digits, and numbers written in
// the firmware's configuration.
static size_t derived_codes(char out[][OL_ENTRY_MAX_DIGITS + 1], size_t cap) {
    static const char *const named[] = {
        "123456",   "000000",   "999999",   "502550",   "55555555",   "1234",       "0000",
        "12345678", "00000000", "11111111", "99999999", "654321",     "111111",     "121212",
        "1234567",  "7654321",  "987654",   "112233",   "1234567890", "0123456789", "159753",
        "2026",     "20260101", "01012026", "202601",   "010126",     "4729",       "004729"};
    static const uint32_t constants[] = {OL_PENALTY_FIRST_MS,
                                         OL_PENALTY_MAX_MS,
                                         OL_PENALTY_CHECKPOINT_MS,
                                         OL_DUAL_WINDOW_MS,
                                         OL_BATTERY_WARN_MV,
                                         OL_BATTERY_CRITICAL_MV,
                                         OL_RELOCK_UNOPENED_MS,
                                         OL_RELOCK_AFTER_CLOSE_MS,
                                         OL_MESSAGE_MS,
                                         OL_MENU_TIMEOUT_MS,
                                         OL_AUDIT_MIN_EVENTS,
                                         OL_RECOVERY_DELAY_MAX_MIN,
                                         OL_RECOVERY_WINDOW_MS,
                                         1767225600u,
                                         0x564B4C4Fu /* "OLKV" */};
    size_t n = 0;
    for (size_t i = 0; i < sizeof named / sizeof named[0] && n < cap; i++) {
        snprintf(out[n++], OL_ENTRY_MAX_DIGITS + 1, "%s", named[i]);
    }
    // Every run of 4 to 10 digits of the serial, forwards and backwards.
    const char *sd = SERIAL_DIGITS;
    size_t sl = strlen(sd);
    for (size_t w = 4; w <= sl; w++) {
        for (size_t at = 0; at + w <= sl && n + 2 <= cap; at++) {
            snprintf(out[n++], OL_ENTRY_MAX_DIGITS + 1, "%.*s", (int)w, sd + at);
            for (size_t i = 0; i < w; i++) {
                out[n][i] = sd[at + w - 1 - i];
            }
            out[n++][w] = '\0';
        }
    }
    for (size_t i = 0; i < sizeof constants / sizeof constants[0] && n + 2 <= cap; i++) {
        snprintf(out[n++], OL_ENTRY_MAX_DIGITS + 1, "%u", constants[i]);
        snprintf(out[n++], OL_ENTRY_MAX_DIGITS + 1, "%06u", constants[i] % 1000000u);
    }
    return n;
}

typedef struct snapshot {
    ol_lock lock;
    size_t mark; // of the undo log
} snapshot;

// One entry as the lock body receives it, from the snapshot's state: the
// attacker's first try, the most favourable position he can be in. Returns
// whether it was refused and counted as a wrong try, nothing else changing.
static bool refused_as_first_try(unit *u, const snapshot *snap, const char *code) {
    rig *r = &u->r;
    ol_event ev = {.type = OL_EV_ENTRY};
    digits_of(code, ev.digits, &ev.ndigits);
    ol_err err = ol_lock_event(&r->lock, r->lock.now, &ev);
    bool ok = err == OL_OK && r->lock.out.bolt == OL_BOLT_EXTENDED &&
              r->lock.failures == snap->lock.failures + 1 &&
              r->lock.enrolled == snap->lock.enrolled &&
              memcmp(r->lock.tags, snap->lock.tags, sizeof r->lock.tags) == 0 &&
              r->lock.mode == snap->lock.mode && !r->lock.out.alarm;
    // Back to the snapshot: the context, and what it wrote to flash.
    memcpy(&r->lock, &snap->lock, sizeof r->lock);
    undo_to(&u->u, snap->mark);
    return ok;
}

// The owner's codes on the lock of check 4, and with duress on their duress
// variants (last digit + 1): the only entries it may accept.
static bool owners(const char *code) {
    static const char *const accepted[] = {M0, "482911", U2, "264801"};
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        if (!strcmp(code, accepted[i])) {
            return true;
        }
    }
    return false;
}

static void test_derived_codes(void) {
    static char cand[256][OL_ENTRY_MAX_DIGITS + 1];
    size_t ncand = derived_codes(cand, sizeof cand / sizeof cand[0]);
    unit *u = calloc(1, sizeof *u);
    unit_init(u, 41);
    commission(u, M0);
    rig_keys(&u->r, "*06" M0 "#1#"); // duress on: the variants count as accepted too
    rig_wait(&u->r, 3500);
    CHECK(u->r.lock.set.duress);
    snapshot snap = {.lock = u->r.lock, .mark = u->u.n};
    // The owner's codes are not among the candidates (else the test would
    // prove nothing about them); the detector works on them.
    size_t refused = 0, tried = 0, accepted = 0;
    for (size_t i = 0; i < ncand; i++) {
        CHECK(!owners(cand[i]));
        tried++;
        refused += refused_as_first_try(u, &snap, cand[i]);
    }
    CHECK(!refused_as_first_try(u, &snap, M0));
    CHECK(!refused_as_first_try(u, &snap, "264801")); // U2's duress variant
    // Every 6-digit code that shares a prefix with the serial (its first
    // digit: 100 000 codes), or its last two digits (10 000 more).
    size_t family_size = 0;
    for (uint32_t v = 0; v < 1000000u; v++) {
        char code[7];
        snprintf(code, sizeof code, "%06u", v);
        bool family = code[0] == SERIAL_DIGITS[0] ||
                      (code[4] == SERIAL_DIGITS[8] && code[5] == SERIAL_DIGITS[9]);
        family_size += family;
        if (family) {
            // Refused exactly when it is not the owner's.
            bool no = refused_as_first_try(u, &snap, code);
            CHECK(no != owners(code));
            tried += !owners(code);
            refused += no;
            accepted += !no;
        }
    }
    CHECK_EQ(refused, tried);
    CHECK_EQ(accepted, 2); // U2 = 264800 and its duress variant, both in the family
    // The named ones through the keypad as well, one after another, each
    // lockout waited out (an opening takes back only what the lock has
    // earned: docs/POLICY.md, "Wrong tries"); the owner's code opens after.
    for (size_t i = 0; i < ncand; i++) {
        char keys[OL_ENTRY_MAX_DIGITS + 2];
        snprintf(keys, sizeof keys, "%s#", cand[i]);
        uint32_t left = rig_status(&u->r).lockout_remaining_ms;
        if (left != 0) {
            rig_wait(&u->r, left + 1000);
        }
        uint32_t failures = rig_status(&u->r).failures;
        rig_keys(&u->r, keys);
        CHECK_EQ(rig_bolt(&u->r), OL_BOLT_EXTENDED);
        CHECK_EQ(rig_status(&u->r).failures, failures + 1);
    }
    rig_wait(&u->r, rig_status(&u->r).lockout_remaining_ms + 1000);
    rig_keys_as(&u->r, M0 "#", true);
    CHECK_EQ(rig_bolt(&u->r), OL_BOLT_RETRACTED);
    rig_wait(&u->r, 7000);
    CHECK_EQ(u->r.bad_retracts, 0);
    // Recovery codes made from the serial (its digits in groups, with valid
    // check digits), typed into *99: a wrong try, no recovery delay.
    char keys[64] = "*99";
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        uint8_t d[OL_RECOVERY_GROUP_DIGITS];
        char grp[GROUP_CAP + 1];
        for (int i = 0; i < OL_RECOVERY_GROUP_DIGITS; i++) {
            d[i] = (uint8_t)(SERIAL_DIGITS[(g * OL_RECOVERY_GROUP_DIGITS + i) % 10] - '0');
            grp[i] = (char)('0' + d[i]);
        }
        grp[OL_RECOVERY_GROUP_DIGITS] = (char)('0' + ol_check_digit(d, OL_RECOVERY_GROUP_DIGITS));
        grp[OL_RECOVERY_GROUP_DIGITS + 1] = '#';
        grp[OL_RECOVERY_GROUP_DIGITS + 2] = '\0';
        strcat(keys, grp);
    }
    rig_wait(&u->r, rig_status(&u->r).lockout_remaining_ms + 1000);
    uint32_t failures = rig_status(&u->r).failures;
    rig_keys(&u->r, keys);
    CHECK_EQ(rig_status(&u->r).failures, failures + 1);
    CHECK_EQ(rig_status(&u->r).recovery_delay_ms, 0);
    printf("4. commissioned lock: %zu derived codes and the %zu 6-digit codes sharing a prefix "
           "or the last two digits with the serial, each as a first try: %zu of %zu refused and "
           "counted, %zu accepted (the owner's user code %s and its duress variant); %zu typed "
           "on the keypad, none opened; a recovery code made from the serial: a wrong try\n",
           ncand, family_size, refused, tried, accepted, U2, ncand);
    ol_hostflash_close(&u->r.hf);
    undo_free(&u->u);
    // A factory lock: none of them does anything with the door shut; with
    // the door open, one entry commissions nothing, and the trivial ones
    // cannot be chosen even typed twice. (A non-trivial one typed twice is a
    // code the new owner chose — the lock has none of its own.)
    unit_init(u, 42);
    rig_door(&u->r, false);
    for (size_t i = 0; i < ncand; i++) {
        char keys2[2 * OL_ENTRY_MAX_DIGITS + 4];
        snprintf(keys2, sizeof keys2, "%s#%s#", cand[i], cand[i]);
        rig_keys(&u->r, keys2);
    }
    CHECK(!rig_status(&u->r).commissioned);
    CHECK_EQ(rig_bolt(&u->r), OL_BOLT_RETRACTED);
    CHECK_EQ(u->trng_calls, 0);
    rig_door(&u->r, true);
    static const char *const trivial[] = {"123456", "000000", "999999",     "55555555",
                                          "111111", "987654", "1234567890", "0123456789"};
    for (size_t i = 0; i < sizeof trivial / sizeof trivial[0]; i++) {
        char keys2[2 * OL_ENTRY_MAX_DIGITS + 4];
        snprintf(keys2, sizeof keys2, "%s#%s#", trivial[i], trivial[i]);
        rig_keys(&u->r, keys2);
        CHECK(!rig_status(&u->r).commissioned);
    }
    for (size_t i = 0; i < ncand; i++) {
        char keys2[OL_ENTRY_MAX_DIGITS + 4];
        snprintf(keys2, sizeof keys2, "%s#", cand[i]);
        rig_keys(&u->r, keys2);
        CHECK(!rig_status(&u->r).commissioned);
        if (strstr(rig_display(&u->r), "REPEAT CODE")) {
            rig_keys(&u->r, "*"); // typed once only: the owner walks away
        }
    }
    CHECK_EQ(rig_bolt(&u->r), OL_BOLT_RETRACTED);
    CHECK_EQ(u->r.bad_retracts, 0);
    printf("   factory lock: with the door shut none of them (each typed twice) commissions it or "
           "draws a key; with it open none typed once does, and the %zu trivial ones cannot be "
           "chosen\n",
           sizeof trivial / sizeof trivial[0]);
    ol_hostflash_close(&u->r.hf);
    undo_free(&u->u);
    free(u);
}

int main(void) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    test_factory_image();
    test_per_lock_secrets();
    test_transplant();
    test_derived_codes();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.1f s\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return check_done("firmware_knowledge");
}
