// ownerlock — frames on the keypad cable: encoding, the streaming decoder,
// resynchronisation after noise, every bad-frame path, fixed wire lengths.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "link/link.h"
#include "testvec.h"

// Feed bytes; collect what the decoder reports. Returns the number of
// statuses other than NONE written to got[] (at most cap).
typedef struct {
    ol_frame_status status;
    ol_frame frame;
} report;

static size_t feed(ol_frame_decoder *d, const uint8_t *bytes, size_t len, report *got, size_t cap) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        ol_frame f;
        memset(&f, 0xcc, sizeof f);
        ol_frame_status st = ol_frame_decoder_feed(d, bytes[i], &f);
        if (st != OL_FRAME_NONE) {
            if (n < cap) {
                got[n].status = st;
                got[n].frame = f;
            }
            n++;
        }
    }
    return n;
}

static int same_frame(const ol_frame *f, uint8_t type, const uint8_t *body, size_t len) {
    return f->type == type && f->len == len && memcmp(f->body, body, len) == 0;
}

// A test-side COBS encoder for hand-made (malformed) frames: raw bytes in,
// 0x00 | COBS | 0x00 out.
static size_t cobs_wrap(uint8_t *out, const uint8_t *raw, size_t n) {
    size_t o = 0, code_at;
    uint8_t code = 1;
    out[o++] = 0;
    code_at = o++;
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == 0 || code == 0xff) {
            out[code_at] = code;
            code_at = o++;
            code = 1;
            if (raw[i] == 0) {
                continue;
            }
        }
        out[o++] = raw[i];
        code++;
    }
    out[code_at] = code;
    out[o++] = 0;
    return o;
}

// raw = type | len | body | crc32 (crc over the first 2 + body_len bytes)
static size_t raw_frame(uint8_t *raw, uint8_t type, uint8_t len_byte, const uint8_t *body,
                        size_t body_len) {
    raw[0] = type;
    raw[1] = len_byte;
    memcpy(raw + 2, body, body_len);
    uint32_t crc = ol_crc32(raw, 2 + body_len);
    for (int i = 0; i < 4; i++) {
        raw[2 + body_len + (size_t)i] = (uint8_t)(crc >> (8 * i));
    }
    return 2 + body_len + 4;
}

// ---- CRC-32 ------------------------------------------------------------------------
static void test_crc32(void) {
    CHECK_EQ(ol_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
    CHECK_EQ(ol_crc32(NULL, 0), 0);
    uint8_t zeros[32] = {0};
    CHECK_EQ(ol_crc32(zeros, 32), 0x190a55adu);
}

// ---- round trip, every length, awkward contents --------------------------------------
static void test_roundtrip(void) {
    unsigned bad_len = 0, bad_zero = 0, bad_decode = 0;
    for (size_t len = 0; len <= OL_FRAME_MAX_BODY; len++) {
        for (int content = 0; content < 4; content++) {
            uint8_t body[OL_FRAME_MAX_BODY], wire[OL_FRAME_MAX_WIRE];
            switch (content) {
            case 0:
                memset(body, 0, len); // all zeros: a COBS block per byte
                break;
            case 1:
                memset(body, 0xff, len);
                break;
            case 2:
                rng_fill(body, len);
                break;
            default:
                for (size_t i = 0; i < len; i++) {
                    body[i] = (uint8_t)(i % 3 == 0 ? 0 : i);
                }
            }
            uint8_t type = (uint8_t)(content * 7 + 1);
            size_t n = 0;
            CHECK_EQ(ol_frame_encode(wire, &n, type, body, len), OL_OK);
            // The wire length depends on the body length only.
            bad_len += n != len + OL_FRAME_OVERHEAD;
            // Zero bytes only at both ends.
            bad_zero += wire[0] != 0 || wire[n - 1] != 0;
            for (size_t i = 1; i + 1 < n; i++) {
                bad_zero += wire[i] == 0;
            }
            ol_frame_decoder d;
            ol_frame_decoder_init(&d);
            report got[2];
            size_t k = feed(&d, wire, n, got, 2);
            bad_decode += k != 1 || got[0].status != OL_FRAME_READY ||
                          !same_frame(&got[0].frame, type, body, len);
        }
    }
    CHECK_EQ(bad_len, 0);
    CHECK_EQ(bad_zero, 0);
    CHECK_EQ(bad_decode, 0);

    // Too long: refused, nothing written.
    uint8_t body[OL_FRAME_MAX_BODY + 1] = {0}, wire[OL_FRAME_MAX_WIRE];
    size_t n = 12345;
    memset(wire, 0xaa, sizeof wire);
    CHECK_EQ(ol_frame_encode(wire, &n, 1, body, sizeof body), OL_ERR_TOO_BIG);
    CHECK_EQ(n, 12345);
    CHECK_EQ(wire[0], 0xaa);
    // An empty body may be NULL.
    CHECK_EQ(ol_frame_encode(wire, &n, 5, NULL, 0), OL_OK);
    CHECK_EQ(n, OL_FRAME_OVERHEAD);
}

// ---- a stream of frames, back to back and split anywhere -----------------------------
static void test_stream(void) {
    enum { FRAMES = 40 };
    uint8_t stream[FRAMES * OL_FRAME_MAX_WIRE], bodies[FRAMES][OL_FRAME_MAX_BODY];
    size_t lens[FRAMES], total = 0;
    for (int i = 0; i < FRAMES; i++) {
        lens[i] = rng_below(OL_FRAME_MAX_BODY + 1);
        rng_fill(bodies[i], lens[i]);
        size_t n;
        CHECK_EQ(ol_frame_encode(stream + total, &n, (uint8_t)i, bodies[i], lens[i]), OL_OK);
        total += n;
    }
    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    report got[FRAMES + 1];
    size_t k = feed(&d, stream, total, got, FRAMES + 1);
    CHECK_EQ(k, FRAMES);
    unsigned bad = 0;
    for (size_t i = 0; i < k && i < FRAMES; i++) {
        bad += got[i].status != OL_FRAME_READY ||
               !same_frame(&got[i].frame, (uint8_t)i, bodies[i], lens[i]);
    }
    CHECK_EQ(bad, 0);
    // Extra delimiters between frames are ignored.
    uint8_t zeros[5] = {0};
    CHECK_EQ(feed(&d, zeros, sizeof zeros, got, 1), 0);
}

// ---- resynchronisation after noise ------------------------------------------------------
// Random noise (with and without zero bytes) between frames: every real frame
// still comes through, in order, and nothing else is reported READY.
static void test_noise_resync(void) {
    enum { ROUNDS = 300 };
    unsigned lost = 0, phantom = 0;
    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    for (int r = 0; r < ROUNDS; r++) {
        uint8_t noise[300], body[OL_FRAME_MAX_BODY], wire[OL_FRAME_MAX_WIRE];
        size_t noise_len = rng_below(sizeof noise + 1);
        rng_fill(noise, noise_len);
        if (r % 3 == 0) { // noise with no delimiter at all, possibly long
            for (size_t i = 0; i < noise_len; i++) {
                noise[i] |= 1;
            }
        }
        size_t len = rng_below(OL_FRAME_MAX_BODY + 1), n;
        rng_fill(body, len);
        CHECK_EQ(ol_frame_encode(wire, &n, 0x42, body, len), OL_OK);
        report got[400];
        size_t k = feed(&d, noise, noise_len, got, 400);
        for (size_t i = 0; i < k && i < 400; i++) {
            phantom += got[i].status == OL_FRAME_READY;
        }
        k = feed(&d, wire, n, got, 400);
        // The noise ends at the frame's leading delimiter (one bad report at
        // most), then the frame itself.
        size_t ready = 0;
        for (size_t i = 0; i < k && i < 400; i++) {
            if (got[i].status == OL_FRAME_READY) {
                ready++;
                lost += !same_frame(&got[i].frame, 0x42, body, len);
            }
        }
        lost += ready != 1;
        phantom += k > 2;
    }
    CHECK_EQ(lost, 0);
    CHECK_EQ(phantom, 0);
}

// ---- damage: bit flips, truncation, splicing -------------------------------------------
static void test_damage(void) {
    uint8_t body[64], wire[OL_FRAME_MAX_WIRE], good[OL_FRAME_MAX_WIRE];
    size_t n, good_n;
    rng_fill(body, sizeof body);
    CHECK_EQ(ol_frame_encode(wire, &n, 4, body, sizeof body), OL_OK);
    rng_fill(body, sizeof body);
    uint8_t body2[64];
    memcpy(body2, body, sizeof body2);
    CHECK_EQ(ol_frame_encode(good, &good_n, 4, body2, sizeof body2), OL_OK);

    // Every single-bit flip of every wire byte: the damaged frame is never
    // delivered, and the next good frame always is.
    unsigned delivered_bad = 0, next_lost = 0;
    for (size_t bit = 0; bit < 8 * n; bit++) {
        uint8_t w[OL_FRAME_MAX_WIRE];
        memcpy(w, wire, n);
        w[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ol_frame_decoder d;
        ol_frame_decoder_init(&d);
        report got[8];
        size_t k = feed(&d, w, n, got, 8);
        for (size_t i = 0; i < k && i < 8; i++) {
            delivered_bad += got[i].status == OL_FRAME_READY;
        }
        k = feed(&d, good, good_n, got, 8);
        size_t ready = 0;
        for (size_t i = 0; i < k && i < 8; i++) {
            ready += got[i].status == OL_FRAME_READY &&
                     same_frame(&got[i].frame, 4, body2, sizeof body2);
        }
        next_lost += ready != 1;
    }
    CHECK_EQ(delivered_bad, 0);
    CHECK_EQ(next_lost, 0);

    // Cut short at every length, then a good frame: the cut one is reported
    // bad (or, cut before its first data byte, not at all), the good one
    // arrives. (Only the trailing delimiter missing is no damage: the next
    // frame's leading one ends it; checked below.)
    unsigned cut_delivered = 0, cut_next_lost = 0;
    for (size_t cut = 1; cut < n - 1; cut++) {
        ol_frame_decoder d;
        ol_frame_decoder_init(&d);
        report got[8];
        size_t k = feed(&d, wire, cut, got, 8);
        k += feed(&d, good, good_n, got + (k < 8 ? k : 8), 8 - (k < 8 ? k : 8));
        size_t ready = 0;
        for (size_t i = 0; i < k && i < 8; i++) {
            if (got[i].status == OL_FRAME_READY) {
                ready++;
                cut_delivered += !same_frame(&got[i].frame, 4, body2, sizeof body2);
            }
        }
        cut_next_lost += ready != 1;
    }
    CHECK_EQ(cut_delivered, 0);
    CHECK_EQ(cut_next_lost, 0);

    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    report got[4];
    size_t k = feed(&d, wire, n - 1, got, 4);
    CHECK_EQ(k, 0);
    k = feed(&d, good, good_n, got, 4);
    CHECK_EQ(k, 2);
    CHECK(got[0].status == OL_FRAME_READY && got[1].status == OL_FRAME_READY);
    CHECK(same_frame(&got[1].frame, 4, body2, sizeof body2));
}

// ---- each bad-frame status ----------------------------------------------------------------
static ol_frame_status decode_one(const uint8_t *w, size_t n) {
    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    report got[4];
    size_t k = feed(&d, w, n, got, 4);
    return k == 1 ? got[0].status : (ol_frame_status)99;
}

static void test_bad_frames(void) {
    uint8_t raw[300], w[400], body[OL_FRAME_MAX_BODY + 10];
    rng_fill(body, sizeof body);
    size_t rn, n;

    // The length byte says one more / one less than what came.
    rn = raw_frame(raw, 1, 11, body, 10);
    n = cobs_wrap(w, raw, rn);
    CHECK_EQ(decode_one(w, n), OL_FRAME_BAD_LENGTH);
    rn = raw_frame(raw, 1, 9, body, 10);
    n = cobs_wrap(w, raw, rn);
    CHECK_EQ(decode_one(w, n), OL_FRAME_BAD_LENGTH);
    // Correct length, wrong CRC.
    rn = raw_frame(raw, 1, 10, body, 10);
    raw[rn - 1] ^= 0x80;
    n = cobs_wrap(w, raw, rn);
    CHECK_EQ(decode_one(w, n), OL_FRAME_BAD_CRC);
    // Shorter than type, len and CRC.
    for (size_t k = 1; k < 6; k++) {
        n = cobs_wrap(w, body, k);
        CHECK_EQ(decode_one(w, n), OL_FRAME_BAD_SHORT);
    }
    // The largest body fits; one byte more is too long, however well formed.
    rn = raw_frame(raw, 1, OL_FRAME_MAX_BODY, body, OL_FRAME_MAX_BODY);
    n = cobs_wrap(w, raw, rn);
    CHECK_EQ(decode_one(w, n), OL_FRAME_READY);
    rn = raw_frame(raw, 1, OL_FRAME_MAX_BODY + 1, body, OL_FRAME_MAX_BODY + 1);
    n = cobs_wrap(w, raw, rn);
    CHECK_EQ(decode_one(w, n), OL_FRAME_BAD_LONG);
    // A length byte of 255 with 255 body bytes (and a 0xff COBS block).
    uint8_t big[255 + 6], bigbody[255];
    memset(bigbody, 0x11, sizeof bigbody);
    rn = raw_frame(big, 1, 255, bigbody, sizeof bigbody);
    n = cobs_wrap(w, big, rn);
    CHECK_EQ(decode_one(w, n), OL_FRAME_BAD_LONG);
    // Thousands of non-zero bytes: skipped until the delimiter, then fine.
    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    report got[4];
    uint8_t junk[5000];
    memset(junk, 0x5a, sizeof junk);
    CHECK_EQ(feed(&d, junk, sizeof junk, got, 4), 0);
    rn = raw_frame(raw, 2, 3, body, 3);
    n = cobs_wrap(w, raw, rn);
    size_t k = feed(&d, w, n, got, 4);
    CHECK_EQ(k, 2);
    CHECK_EQ(got[0].status, OL_FRAME_BAD_LONG);
    CHECK_EQ(got[1].status, OL_FRAME_READY);
    // A COBS block that promises more bytes than come before the delimiter.
    const uint8_t short_block[] = {0, 9, 1, 2, 3, 0};
    CHECK_EQ(decode_one(short_block, sizeof short_block), OL_FRAME_BAD_CODING);
    // A lone code byte 0x01 is an empty frame: too short.
    const uint8_t empty[] = {0, 1, 0};
    CHECK_EQ(decode_one(empty, sizeof empty), OL_FRAME_BAD_SHORT);
}

// ---- random bytes: never out of bounds, never a false frame --------------------------------
static void test_random_bytes(void) {
    ol_frame_decoder d;
    ol_frame_decoder_init(&d);
    unsigned ready = 0;
    for (int i = 0; i < 200000; i++) {
        ol_frame f;
        // A delimiter every 40 bytes or so; small code bytes now and then.
        uint64_t r = rng_next();
        uint8_t b = r % 41 == 0 ? 0 : r % 7 == 0 ? (uint8_t)(r >> 8) % 8 : (uint8_t)(r >> 16);
        ready += ol_frame_decoder_feed(&d, b, &f) == OL_FRAME_READY;
        if (d.n > sizeof d.buf) {
            CHECK(0);
            break;
        }
    }
    CHECK_EQ(ready, 0); // a CRC-32 match by chance: about 2^-32 per candidate
}

int main(void) {
    rng_seed_from_env("test_frame");
    test_crc32();
    test_roundtrip();
    test_stream();
    test_noise_resync();
    test_damage();
    test_bad_frames();
    test_random_bytes();
    return check_done("test_frame");
}
