// ownerlock — one-time opening codes and close seals (ownerlock/otc.h).
#include "ownerlock/otc.h"

#include "ownerlock/crypto.h"

// x mod 10 for x < 2^16, exact: (x * 52429) >> 19 is x / 10 there, and the
// product fits 32 bits (MUL: one cycle whatever the operands).
static uint8_t mod10_16(uint32_t x) {
    return (uint8_t)(x - 10u * ((x * 52429u) >> 19));
}

static void derive(uint8_t *digits, size_t n, const uint8_t key[OL_OTC_KEY_BYTES], char kind,
                   uint32_t lock, uint32_t counter, uint8_t slot, uint8_t records) {
    static const char label[] = "ownerlock otc 1"; // 15 bytes and its 0
    uint8_t msg[sizeof label + 11];
    uint8_t mac[OL_SHA256_BYTES];
    for (size_t i = 0; i < sizeof label; i++) {
        msg[i] = (uint8_t)label[i];
    }
    uint8_t *m = msg + sizeof label;
    m[0] = (uint8_t)kind;
    for (int i = 0; i < 4; i++) {
        m[1 + i] = (uint8_t)(lock >> (8 * i));
        m[5 + i] = (uint8_t)(counter >> (8 * i));
    }
    m[9] = slot;
    m[10] = records;
    ol_hmac_sha256(mac, key, OL_OTC_KEY_BYTES, msg, sizeof msg);
    for (size_t i = 0; i < n; i++) {
        digits[i] = mod10_16((uint32_t)mac[2 * i] << 8 | mac[2 * i + 1]);
    }
    ol_wipe(mac, sizeof mac);
}

void ol_otc_code(uint8_t digits[OL_OTC_CODE_DIGITS], const uint8_t key[OL_OTC_KEY_BYTES],
                 uint32_t lock, uint32_t counter, uint8_t slot) {
    derive(digits, OL_OTC_CODE_DIGITS, key, 'C', lock, counter, slot, 0);
}

void ol_otc_seal(uint8_t digits[OL_OTC_SEAL_DIGITS], const uint8_t key[OL_OTC_KEY_BYTES],
                 uint32_t lock, uint32_t counter, uint8_t slot, uint8_t records) {
    derive(digits, OL_OTC_SEAL_DIGITS, key, 'S', lock, counter, slot, records);
}

void ol_otc_release(uint8_t digits[OL_OTC_CODE_DIGITS], const uint8_t key[OL_OTC_KEY_BYTES],
                    uint32_t lock, uint32_t counter, uint8_t slot) {
    derive(digits, OL_OTC_CODE_DIGITS, key, 'R', lock, counter, slot, 0);
}
