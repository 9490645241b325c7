// ownerlock — mps2-an385: the service port's framing (service_frame.h).
#include "service_frame.h"

#include "link/link.h" // ol_crc32, the link's CRC-32

void an385_sframe_init(an385_sframe *d) {
    d->n = 0;
    d->left = 0;
    d->zero = false;
    d->bad = false;
}

static void push(an385_sframe *d, uint8_t byte) {
    if (d->n < sizeof d->buf) {
        d->buf[d->n++] = byte;
    } else {
        d->bad = true;
    }
}

int an385_sframe_feed(an385_sframe *d, uint8_t byte) {
    if (byte != 0) {
        if (d->left != 0) {
            push(d, byte);
            d->left--;
            return -1;
        }
        if (d->zero) {
            push(d, 0); // the last block's zero: another block follows
        }
        d->left = (uint8_t)(byte - 1u);
        d->zero = byte != 0xFFu;
        return -1;
    }
    // 0x00: a frame ends (or the idle line between frames).
    bool whole = !d->bad && d->left == 0 && d->n >= 4;
    size_t len = d->n - 4u;
    an385_sframe_init(d);
    if (!whole) {
        return -1;
    }
    const uint8_t *c = d->buf + len;
    uint32_t crc =
        (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
    return crc == ol_crc32(d->buf, len) ? (int)len : -1;
}

size_t an385_sframe_encode(uint8_t *wire, const uint8_t *payload, size_t len) {
    uint32_t crc = ol_crc32(payload, len);
    size_t o = 0, code_at = 1;
    uint8_t code = 1;
    wire[o++] = 0;
    o++; // the first block's code byte
    for (size_t i = 0; i < len + 4; i++) {
        uint8_t b = i < len ? payload[i] : (uint8_t)(crc >> (8 * (i - len)));
        if (b != 0) {
            wire[o++] = b;
            code++;
        }
        if (b == 0 || code == 0xFFu) {
            wire[code_at] = code;
            code_at = o++;
            code = 1;
        }
    }
    wire[code_at] = code;
    wire[o++] = 0;
    return o;
}
