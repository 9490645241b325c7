// The lock body and the keypad unit joined by a byte cable: pairing at
// commissioning, entries sealed in fixed-size frames, replayed frames
// refused, a swapped keypad limited to NOT PAIRED until *17 pairs it.
#include <stdlib.h>

#include "check.h"
#include "host.h"
#include "ownerlock/body.h"
#include "ownerlock/keypad_unit.h"

#define WIRE_MAX 65536
#define RECORD_MAX 512

typedef struct frame_rec {
    int to_lock;
    size_t len;
    uint8_t bytes[OL_FRAME_MAX_WIRE];
} frame_rec;

typedef struct bench {
    ol_hostflash lock_flash, keypad_flash;
    ol_testrng lock_rng, keypad_rng;
    ol_vclock clock;
    ol_platform lock_plat, keypad_plat;
    ol_body body;
    ol_keypad_unit keypad;
    uint64_t t;
    bool door_open;
    uint8_t to_lock[WIRE_MAX], to_keypad[WIRE_MAX];
    size_t n_to_lock, n_to_keypad;
    bool recording;
    frame_rec rec[RECORD_MAX];
    size_t nrec;
} bench;

static void record(bench *b, int to_lock, const uint8_t *bytes, size_t len) {
    if (b->recording && b->nrec < RECORD_MAX && len <= OL_FRAME_MAX_WIRE) {
        frame_rec *r = &b->rec[b->nrec++];
        r->to_lock = to_lock;
        r->len = len;
        memcpy(r->bytes, bytes, len);
    }
}

static void from_keypad(void *ctx, const uint8_t *bytes, size_t len) {
    bench *b = ctx;
    record(b, 1, bytes, len);
    memcpy(b->to_lock + b->n_to_lock, bytes, len);
    b->n_to_lock += len;
}

static void from_lock(void *ctx, const uint8_t *bytes, size_t len) {
    bench *b = ctx;
    record(b, 0, bytes, len);
    memcpy(b->to_keypad + b->n_to_keypad, bytes, len);
    b->n_to_keypad += len;
}

// Deliver everything on the cable, byte by byte, until both ways are quiet.
static void pump(bench *b) {
    while (b->n_to_lock || b->n_to_keypad) {
        uint8_t in[WIRE_MAX];
        size_t n = b->n_to_lock;
        memcpy(in, b->to_lock, n);
        b->n_to_lock = 0;
        for (size_t i = 0; i < n; i++) {
            CHECK_EQ(ol_body_rx(&b->body, b->t, in[i]), OL_OK);
        }
        n = b->n_to_keypad;
        memcpy(in, b->to_keypad, n);
        b->n_to_keypad = 0;
        for (size_t i = 0; i < n; i++) {
            ol_keypad_unit_rx(&b->keypad, b->t, in[i]);
        }
    }
}

static void advance(bench *b, uint64_t ms) {
    uint64_t end = b->t + ms;
    ol_event tick = {.type = OL_EV_TICK};
    for (;;) {
        uint64_t a = ol_body_next_deadline(&b->body), k = ol_keypad_unit_next_deadline(&b->keypad);
        uint64_t next = a < k ? a : k;
        if (next > end) {
            break;
        }
        b->t = next > b->t ? next : b->t + 1;
        b->clock.now_ms = b->t;
        CHECK_EQ(ol_body_event(&b->body, b->t, &tick), OL_OK);
        ol_keypad_unit_tick(&b->keypad, b->t);
        pump(b);
    }
    b->t = end;
    CHECK_EQ(ol_body_event(&b->body, b->t, &tick), OL_OK);
    ol_keypad_unit_tick(&b->keypad, b->t);
    pump(b);
}

static void keys(bench *b, const char *k) {
    for (; *k; k++) {
        ol_keypad_unit_key(&b->keypad, b->t, *k);
        pump(b);
        advance(b, 200);
    }
}

static void door(bench *b, bool open) {
    b->door_open = open;
    ol_event ev = {.type = OL_EV_DOOR, .door_open = open};
    CHECK_EQ(ol_body_event(&b->body, b->t, &ev), OL_OK);
    pump(b);
}

static void boot_keypad(bench *b, uint64_t seed) {
    ol_testrng_seed(&b->keypad_rng, seed);
    CHECK_EQ(ol_keypad_unit_boot(&b->keypad, &b->keypad_plat, b->t, from_keypad, b), OL_OK);
    pump(b);
}

static const char *display(bench *b) {
    static char text[40];
    char line[2][OL_DISPLAY_COLS + 1];
    ol_keypad_unit_display(&b->keypad, line);
    snprintf(text, sizeof text, "%s | %s", line[0], line[1]);
    return text;
}

static uint32_t count_audit(bench *b, uint8_t kind) {
    ol_status st;
    ol_lock_status(&b->body.lock, &st);
    uint32_t n = 0;
    for (uint32_t s = st.audit_first_seq; s < st.audit_next_seq; s++) {
        ol_audit_event ev;
        n += ol_lock_audit_read(&b->body.lock, s, &ev) == OL_OK && ev.kind == kind;
    }
    return n;
}

static ol_bolt bolt(bench *b) {
    return ol_lock_outputs(&b->body.lock)->bolt;
}

int main(void) {
    static bench b;
    CHECK_EQ(ol_hostflash_open(&b.lock_flash, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS), OL_OK);
    CHECK_EQ(ol_hostflash_open(&b.keypad_flash, NULL, OL_HOST_SECTOR_SIZE, OL_KEYPAD_SECTORS),
             OL_OK);
    ol_testrng_seed(&b.lock_rng, 21);
    b.clock.world_epoch = 1767225600;
    b.lock_plat = (ol_platform){&b.lock_flash.flash, ol_testrng_fill,   &b.lock_rng,
                                ol_vclock_rtc,       ol_vclock_rtc_set, &b.clock};
    b.keypad_plat = (ol_platform){&b.keypad_flash.flash, ol_testrng_fill,   &b.keypad_rng,
                                  ol_vclock_rtc,         ol_vclock_rtc_set, &b.clock};
    b.door_open = true;
    CHECK_EQ(ol_body_boot(&b.body, &b.lock_plat, b.t, true, from_lock, &b), OL_OK);
    boot_keypad(&b, 22);
    advance(&b, 500);

    // A factory lock pairs with its keypad at once (door open).
    CHECK_EQ(count_audit(&b, OL_AUDIT_KEYPAD_PAIRED), 1);
    CHECK(strstr(display(&b), "SET MANAGER CODE") != NULL);
    keys(&b, "482915#482915#");
    advance(&b, 3000);
    keys(&b, "#####");
    door(&b, false);
    advance(&b, 2000);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);

    // Entries travel as fixed-size frames; an opening, recorded.
    b.recording = true;
    keys(&b, "482915#");
    b.recording = false;
    CHECK_EQ(bolt(&b), OL_BOLT_RETRACTED);
    size_t data_len = 0, keypad_frames = 0;
    for (size_t i = 0; i < b.nrec; i++) {
        if (b.rec[i].to_lock) {
            keypad_frames++;
            data_len = data_len ? data_len : b.rec[i].len;
            CHECK_EQ(b.rec[i].len, data_len);
        }
    }
    CHECK(keypad_frames >= 1);
    CHECK_EQ(data_len, OL_LINK_WIRE_BYTES(OL_LINK_DATA_BODY));
    advance(&b, 7000);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);

    // Replaying the recorded opening changes nothing but keypad_rejected.
    uint32_t rejected = count_audit(&b, OL_AUDIT_KEYPAD_REJECTED);
    for (size_t i = 0; i < b.nrec; i++) {
        if (b.rec[i].to_lock) {
            memcpy(b.to_lock + b.n_to_lock, b.rec[i].bytes, b.rec[i].len);
            b.n_to_lock += b.rec[i].len;
        }
    }
    pump(&b);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);
    CHECK(count_audit(&b, OL_AUDIT_KEYPAD_REJECTED) > rejected);
    CHECK_EQ(count_audit(&b, OL_AUDIT_OPEN), 1);

    // A swapped keypad: NOT PAIRED, and the right code does not open.
    ol_keypad_unit_shutdown(&b.keypad);
    ol_hostflash_close(&b.keypad_flash);
    CHECK_EQ(ol_hostflash_open(&b.keypad_flash, NULL, OL_HOST_SECTOR_SIZE, OL_KEYPAD_SECTORS),
             OL_OK);
    boot_keypad(&b, 99);
    advance(&b, 1500);
    CHECK(strstr(display(&b), "NOT PAIRED") != NULL);
    rejected = count_audit(&b, OL_AUDIT_KEYPAD_REJECTED);
    advance(&b, OL_REJECT_LOG_MS); // past the rate limit, so the next refusal is logged
    keys(&b, "482915#");
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);
    CHECK(count_audit(&b, OL_AUDIT_KEYPAD_REJECTED) > rejected);
    // *17 is refused with the door shut ...
    keys(&b, "*17482915#");
    CHECK_EQ(count_audit(&b, OL_AUDIT_KEYPAD_PAIRED), 1);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);

    printf("test_body: DATA frames are %zu bytes; %u keypad_rejected records\n", data_len,
           count_audit(&b, OL_AUDIT_KEYPAD_REJECTED));
    ol_body_shutdown(&b.body);
    ol_keypad_unit_shutdown(&b.keypad);
    ol_hostflash_close(&b.lock_flash);
    ol_hostflash_close(&b.keypad_flash);
    return check_done("test_body");
}
