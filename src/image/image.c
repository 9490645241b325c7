// ownerlock — the firmware image's header and its check (ownerlock/image.h).
// Over public data: the image, the pinned key.
#include "ownerlock/image.h"

#include <stdbool.h>
#include <string.h>

#include "core/bytes.h"

static const uint8_t MAGIC[4] = {'O', 'L', 'F', 'W'};

ol_image_status ol_image_parse(const uint8_t *bytes, size_t len, ol_image_header *out) {
    memset(out, 0, sizeof *out);
    if (len < OL_IMAGE_HEADER_BYTES || memcmp(bytes, MAGIC, sizeof MAGIC) != 0 ||
        get_le16(bytes + 4) != OL_IMAGE_FORMAT || get_le16(bytes + 6) != OL_IMAGE_HEADER_BYTES) {
        return OL_IMAGE_NOT_IMAGE;
    }
    uint32_t body = get_le32(bytes + 12);
    if (body == 0 || body > OL_IMAGE_MAX_BODY) {
        return OL_IMAGE_NOT_IMAGE;
    }
    out->version = get_le32(bytes + 8);
    out->body_bytes = body;
    memcpy(out->digest, bytes + 16, sizeof out->digest);
    memcpy(out->key_id, bytes + 48, sizeof out->key_id);
    memcpy(out->signature, bytes + 64, sizeof out->signature);
    return OL_IMAGE_OK;
}

void ol_image_header_encode(uint8_t out[OL_IMAGE_HEADER_BYTES], const ol_image_header *h) {
    memcpy(out, MAGIC, sizeof MAGIC);
    put_le16(out + 4, (uint16_t)OL_IMAGE_FORMAT);
    put_le16(out + 6, (uint16_t)OL_IMAGE_HEADER_BYTES);
    put_le32(out + 8, h->version);
    put_le32(out + 12, h->body_bytes);
    memcpy(out + 16, h->digest, sizeof h->digest);
    memcpy(out + 48, h->key_id, sizeof h->key_id);
    memcpy(out + 64, h->signature, sizeof h->signature);
}

void ol_image_key_id(uint8_t id[OL_IMAGE_KEY_ID_BYTES],
                     const uint8_t pub[OL_ED25519_PUBLIC_BYTES]) {
    uint8_t d[OL_SHA256_BYTES];
    ol_sha256(d, pub, OL_ED25519_PUBLIC_BYTES);
    memcpy(id, d, OL_IMAGE_KEY_ID_BYTES);
}

// Bytes read at a time from an image that is not in memory: the stack a
// check needs is this and SHA-256's context.
#define CHUNK 128u

static ol_image_status check(ol_image_read_fn read, void *ctx, size_t len,
                             const uint8_t pub[OL_ED25519_PUBLIC_BYTES], ol_image_header *out,
                             uint8_t digest[OL_SHA256_BYTES], bool signature) {
    uint8_t buf[CHUNK], computed[OL_SHA256_BYTES];
    _Static_assert(CHUNK >= OL_IMAGE_HEADER_BYTES, "the header is read in one chunk");
    memset(computed, 0, sizeof computed);
    ol_image_status s = OL_IMAGE_NOT_IMAGE;
    memset(out, 0, sizeof *out);
    if (len >= OL_IMAGE_HEADER_BYTES) {
        s = read(ctx, 0, buf, OL_IMAGE_HEADER_BYTES) == OL_OK
                ? ol_image_parse(buf, OL_IMAGE_HEADER_BYTES, out)
                : OL_IMAGE_TRUNCATED;
    }
    if (s == OL_IMAGE_OK && len - OL_IMAGE_HEADER_BYTES != out->body_bytes) {
        s = OL_IMAGE_TRUNCATED;
    }
    if (s == OL_IMAGE_OK) {
        ol_sha256_ctx h;
        ol_sha256_init(&h);
        for (uint32_t at = 0; s == OL_IMAGE_OK && at < out->body_bytes; at += CHUNK) {
            uint32_t n = out->body_bytes - at < CHUNK ? out->body_bytes - at : CHUNK;
            if (read(ctx, OL_IMAGE_HEADER_BYTES + at, buf, n) != OL_OK) {
                s = OL_IMAGE_TRUNCATED;
            } else {
                ol_sha256_update(&h, buf, n);
            }
        }
        ol_sha256_final(&h, computed);
        if (s == OL_IMAGE_OK && memcmp(computed, out->digest, sizeof computed) != 0) {
            s = OL_IMAGE_CORRUPT;
        }
    }
    if (s == OL_IMAGE_OK) {
        uint8_t id[OL_IMAGE_KEY_ID_BYTES];
        ol_image_key_id(id, pub);
        ol_image_header_encode(buf, out); // the signed bytes, as read
        if (memcmp(id, out->key_id, sizeof id) != 0 ||
            (signature &&
             ol_ed25519_verify(out->signature, buf, OL_IMAGE_SIGNED_BYTES, pub) != OL_OK)) {
            s = OL_IMAGE_OTHER_KEY;
        }
    }
    if (digest != NULL) {
        memcpy(digest, computed, sizeof computed);
    }
    return s;
}

ol_image_status ol_image_check_read(ol_image_read_fn read, void *ctx, size_t len,
                                    const uint8_t pub[OL_ED25519_PUBLIC_BYTES],
                                    ol_image_header *out, uint8_t digest[OL_SHA256_BYTES]) {
    return check(read, ctx, len, pub, out, digest, true);
}

ol_image_status ol_image_check_unsigned_read(ol_image_read_fn read, void *ctx, size_t len,
                                             const uint8_t pub[OL_ED25519_PUBLIC_BYTES],
                                             ol_image_header *out,
                                             uint8_t digest[OL_SHA256_BYTES]) {
    return check(read, ctx, len, pub, out, digest, false);
}

typedef struct memory_image {
    const uint8_t *bytes;
    size_t len;
} memory_image;

static ol_err read_memory(void *ctx, uint32_t offset, void *buf, size_t n) {
    const memory_image *m = ctx;
    if (offset > m->len || n > m->len - offset) {
        return OL_ERR_ARG;
    }
    memcpy(buf, m->bytes + offset, n);
    return OL_OK;
}

ol_image_status ol_image_check(const uint8_t *image, size_t len,
                               const uint8_t pub[OL_ED25519_PUBLIC_BYTES], ol_image_header *out) {
    memory_image m = {image, len};
    return ol_image_check_read(read_memory, &m, len, pub, out, NULL);
}

const char *ol_image_status_text(ol_image_status s) {
    switch (s) {
    case OL_IMAGE_OK:
        return "OK";
    case OL_IMAGE_NOT_IMAGE:
        return "NOT AN IMAGE";
    case OL_IMAGE_TRUNCATED:
        return "WRONG LENGTH";
    case OL_IMAGE_CORRUPT:
        return "IMAGE CORRUPT";
    case OL_IMAGE_OTHER_KEY:
        return "OTHER SIGNER";
    }
    return "NOT AN IMAGE";
}
