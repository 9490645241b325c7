// ownerlock — little-endian encoding of stored integers.
#ifndef OWNERLOCK_CORE_BYTES_H
#define OWNERLOCK_CORE_BYTES_H

#include <stdint.h>

static inline void put_le32(uint8_t *o, uint32_t v) {
    o[0] = (uint8_t)v;
    o[1] = (uint8_t)(v >> 8);
    o[2] = (uint8_t)(v >> 16);
    o[3] = (uint8_t)(v >> 24);
}

static inline uint32_t get_le32(const uint8_t *i) {
    return (uint32_t)i[0] | (uint32_t)i[1] << 8 | (uint32_t)i[2] << 16 | (uint32_t)i[3] << 24;
}

static inline void put_le16(uint8_t *o, uint16_t v) {
    o[0] = (uint8_t)v;
    o[1] = (uint8_t)(v >> 8);
}

static inline uint16_t get_le16(const uint8_t *i) {
    return (uint16_t)(i[0] | i[1] << 8);
}

#endif
