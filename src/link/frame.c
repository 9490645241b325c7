// ownerlock — frames on the keypad cable: COBS between 0x00 delimiters, a
// length byte and a CRC-32. See docs/PROTOCOL.md for the layout and why.
//
// The decoder takes one byte at a time into a fixed buffer. Every length it
// acts on is checked against that buffer first; a frame that would not fit is
// skipped to the next delimiter, so no input can make it read or write out of
// bounds or wait for more than one frame's worth of bytes.
#include <string.h>

#include "link/link.h"

// COBS with one code byte is exact up to 254 bytes; ours are far shorter, so
// the wire length is always decoded length + 1 (+ 2 delimiters).
_Static_assert(OL_FRAME_MAX_DECODED < 254, "frame too long for single-block COBS");
_Static_assert(OL_FRAME_MAX_BODY <= 255, "length must fit its byte");
_Static_assert(OL_FRAME_MAX_DECODED + 3 == OL_FRAME_MAX_WIRE, "wire overhead");

#define HEADER_BYTES 2 // type, len
#define CRC_BYTES 4

uint32_t ol_crc32(const uint8_t *data, size_t len) {
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

// ---- encoder ----------------------------------------------------------------------
ol_err ol_frame_encode(uint8_t wire[OL_FRAME_MAX_WIRE], size_t *wire_len, uint8_t type,
                       const uint8_t *body, size_t len) {
    if (len > OL_FRAME_MAX_BODY) {
        return OL_ERR_TOO_BIG;
    }
    uint8_t raw[OL_FRAME_MAX_DECODED];
    size_t n = 0;
    raw[n++] = type;
    raw[n++] = (uint8_t)len;
    if (len > 0) {
        memcpy(raw + n, body, len);
        n += len;
    }
    uint32_t crc = ol_crc32(raw, n);
    for (int i = 0; i < CRC_BYTES; i++) {
        raw[n++] = (uint8_t)(crc >> (8 * i));
    }

    // COBS: each zero becomes the length of the run before it (plus one),
    // stored where the run starts; the run after the last zero gets one too.
    size_t o = 0;
    wire[o++] = 0x00; // leading delimiter: ends whatever noise came before
    size_t code_at = o++;
    uint8_t code = 1;
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == 0) {
            wire[code_at] = code;
            code_at = o++;
            code = 1;
        } else {
            wire[o++] = raw[i];
            code++; // at most n + 1 < 255: never a 0xff block
        }
    }
    wire[code_at] = code;
    wire[o++] = 0x00;
    *wire_len = o;
    return OL_OK;
}

// ---- decoder -----------------------------------------------------------------------
void ol_frame_decoder_init(ol_frame_decoder *d) {
    memset(d, 0, sizeof *d);
}

static void decoder_reset(ol_frame_decoder *d) {
    d->n = 0;
    d->block_left = 0;
    d->zero_pending = false;
    d->active = false;
    d->overflow = false;
}

static void push(ol_frame_decoder *d, uint8_t byte) {
    if (d->n >= sizeof d->buf) {
        d->overflow = true;
        return;
    }
    d->buf[d->n++] = byte;
}

static ol_frame_status finish(const ol_frame_decoder *d, ol_frame *frame) {
    if (d->overflow) {
        return OL_FRAME_BAD_LONG;
    }
    if (d->block_left != 0) {
        return OL_FRAME_BAD_CODING;
    }
    // The last block's implied zero is not part of the data (COBS).
    if (d->n < HEADER_BYTES + CRC_BYTES) {
        return OL_FRAME_BAD_SHORT;
    }
    size_t body_len = (size_t)d->n - HEADER_BYTES - CRC_BYTES;
    if (d->buf[1] != body_len) {
        return OL_FRAME_BAD_LENGTH;
    }
    size_t crc_at = HEADER_BYTES + body_len;
    uint32_t want = (uint32_t)d->buf[crc_at] | (uint32_t)d->buf[crc_at + 1] << 8 |
                    (uint32_t)d->buf[crc_at + 2] << 16 | (uint32_t)d->buf[crc_at + 3] << 24;
    if (ol_crc32(d->buf, crc_at) != want) {
        return OL_FRAME_BAD_CRC;
    }
    frame->type = d->buf[0];
    frame->len = (uint8_t)body_len;
    memcpy(frame->body, d->buf + HEADER_BYTES, body_len);
    return OL_FRAME_READY;
}

ol_frame_status ol_frame_decoder_feed(ol_frame_decoder *d, uint8_t byte, ol_frame *frame) {
    if (byte == 0x00) {
        if (!d->active) {
            return OL_FRAME_NONE; // a delimiter between frames
        }
        ol_frame_status status = finish(d, frame);
        decoder_reset(d);
        return status;
    }
    d->active = true;
    if (d->overflow) {
        return OL_FRAME_NONE; // skipping to the next delimiter
    }
    if (d->block_left == 0) {
        // A code byte: the previous block's implied zero (if any) is data now
        // that another block follows; then code - 1 data bytes come.
        if (d->zero_pending) {
            push(d, 0x00);
        }
        d->block_left = (uint8_t)(byte - 1);
        d->zero_pending = byte != 0xff;
    } else {
        push(d, byte);
        d->block_left--;
    }
    return OL_FRAME_NONE;
}
