// ownerlock — HKDF-SHA256 (RFC 5869) on ol_hmac_sha256, shared by both backends.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ownerlock/crypto.h"

void ol_hkdf_sha256_extract(uint8_t prk[OL_SHA256_BYTES], const uint8_t *salt, size_t salt_len,
                            const uint8_t *ikm, size_t ikm_len) {
    // RFC 5869 2.2: an absent salt is HashLen zeros. HMAC zero-pads its key to
    // a block, so an empty key and 32 zero bytes give the same PRK.
    ol_hmac_sha256(prk, salt, salt_len, ikm, ikm_len);
}

ol_err ol_hkdf_sha256_expand(uint8_t *okm, size_t okm_len, const uint8_t prk[OL_SHA256_BYTES],
                             const uint8_t *info, size_t info_len) {
    if (okm_len > OL_HKDF_SHA256_MAX_OKM) {
        return OL_ERR_TOO_BIG;
    }
    // T(0) = empty; T(i) = HMAC(PRK, T(i-1) | info | i), i = 1..255.
    uint8_t t[OL_SHA256_BYTES];
    size_t t_len = 0;
    uint8_t counter = 1;
    for (size_t done = 0; done < okm_len; done += sizeof t, counter++) {
        ol_hmac_sha256_ctx ctx;
        ol_hmac_sha256_init(&ctx, prk, OL_SHA256_BYTES);
        ol_hmac_sha256_update(&ctx, t, t_len);
        ol_hmac_sha256_update(&ctx, info, info_len);
        ol_hmac_sha256_update(&ctx, &counter, 1);
        ol_hmac_sha256_final(&ctx, t); // wipes ctx
        t_len = sizeof t;
        size_t take = okm_len - done < sizeof t ? okm_len - done : sizeof t;
        memcpy(okm + done, t, take);
    }
    ol_wipe(t, sizeof t);
    return OL_OK;
}

ol_err ol_hkdf_sha256(uint8_t *okm, size_t okm_len, const uint8_t *salt, size_t salt_len,
                      const uint8_t *ikm, size_t ikm_len, const uint8_t *info, size_t info_len) {
    if (okm_len > OL_HKDF_SHA256_MAX_OKM) {
        return OL_ERR_TOO_BIG;
    }
    uint8_t prk[OL_SHA256_BYTES];
    ol_hkdf_sha256_extract(prk, salt, salt_len, ikm, ikm_len);
    ol_err rc = ol_hkdf_sha256_expand(okm, okm_len, prk, info, info_len);
    ol_wipe(prk, sizeof prk);
    return rc;
}
