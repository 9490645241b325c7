// ownerlock — constant-time comparison and wiping, shared by both backends.
#include "ownerlock/crypto.h"

uint32_t ol_ct_eq_mask(const void *a, const void *b, size_t n) {
    const uint8_t *x = a;
    const uint8_t *y = b;
    uint32_t diff = 0;
    // Accumulate every difference; no exit before the last byte, so the time
    // depends on n only, never on where the first mismatch is.
    for (size_t i = 0; i < n; i++) {
        diff |= (uint32_t)(x[i] ^ y[i]);
    }
    // diff is 0..255: diff - 1 borrows into bit 31 only when diff == 0.
    return (uint32_t)0 - ((diff - 1) >> 31);
}

int ol_ct_compare(const void *a, const void *b, size_t n) {
    // 1 - 1 = 0 when equal, 0 - 1 = -1 when not; no branch on the mask.
    return (int)(ol_ct_eq_mask(a, b, n) & 1) - 1;
}

void ol_wipe(void *p, size_t n) {
    // Stores through a volatile lvalue are observable behaviour, so the
    // compiler may not drop them even when p is dead afterwards.
    volatile uint8_t *v = p;
    for (size_t i = 0; i < n; i++) {
        v[i] = 0;
    }
}
