// ownerlock — mps2-an385 port: temporary cable framing (see cable.h).
#include "cable.h"

#include <string.h>

uint16_t cable_crc16(const uint8_t *data, size_t len) {
    uint16_t crc = 0xFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)(data[i] << 8);
        for (int bit = 0; bit < 8; bit++) {
            uint16_t shifted = (uint16_t)(crc << 1);
            crc = (crc & 0x8000u) ? (uint16_t)(shifted ^ 0x1021u) : shifted;
        }
    }
    return crc;
}

void cable_frame(uint8_t out[CABLE_FRAME_BYTES], const uint8_t msg[OL_MSG_BYTES]) {
    uint16_t crc = cable_crc16(msg, OL_MSG_BYTES);
    out[0] = CABLE_SOF;
    memcpy(out + 1, msg, OL_MSG_BYTES);
    out[1 + OL_MSG_BYTES] = (uint8_t)(crc >> 8);
    out[2 + OL_MSG_BYTES] = (uint8_t)crc;
}

void cable_rx_init(cable_rx *rx) {
    memset(rx, 0, sizeof *rx);
}

int cable_rx_byte(cable_rx *rx, uint8_t byte, uint64_t now_ms, uint8_t msg[OL_MSG_BYTES]) {
    if (rx->n && now_ms - rx->last_ms > CABLE_GAP_MS) {
        rx->n = 0;
    }
    rx->last_ms = now_ms;
    if (rx->n == 0 && byte != CABLE_SOF) {
        return 0; // between frames: wait for a start
    }
    rx->buf[rx->n++] = byte;
    if (rx->n < CABLE_FRAME_BYTES) {
        return 0;
    }
    uint16_t crc = (uint16_t)(rx->buf[1 + OL_MSG_BYTES] << 8 | rx->buf[2 + OL_MSG_BYTES]);
    if (crc == cable_crc16(rx->buf + 1, OL_MSG_BYTES)) {
        memcpy(msg, rx->buf + 1, OL_MSG_BYTES);
        rx->n = 0;
        return 1;
    }
    // Not a frame: keep looking from the next start byte already received.
    rx->bad_frames++;
    size_t next = 1;
    while (next < CABLE_FRAME_BYTES && rx->buf[next] != CABLE_SOF) {
        next++;
    }
    // Forward copy down: safe for the overlap, and no memmove in the image.
    rx->n = CABLE_FRAME_BYTES - next;
    for (size_t i = 0; i < rx->n; i++) {
        rx->buf[i] = rx->buf[next + i];
    }
    return 0;
}
