// ownerlock — the firmware image: what the owner's tool signs, the service
// port carries, the lock shows for confirmation, and the bootloader checks at
// every boot (docs/ARCHITECTURE.md, "Firmware images").
//
// An image is a 128-byte header, then the body (the program, as linked):
//
//   offset  bytes  field
//        0      4  magic "OLFW"
//        4      2  format, 1 (little-endian, as every number here)
//        6      2  header bytes, 128
//        8      4  version: higher is newer; a lock never installs a lower one
//       12      4  body bytes, 1 .. OL_IMAGE_MAX_BODY
//       16     32  SHA-256 of the body: the digest an owner compares with the
//                  release's (a reproducible build gives the same)
//       48     16  key id: the first 16 bytes of SHA-256 of the signer's
//                  Ed25519 public key (which key signed it, to tell the owner)
//       64     64  Ed25519 signature (RFC 8032) over bytes 0..63
//
// The signature covers the header, and the header the body through its
// digest: one verification over 64 bytes, one hash over the body.
#ifndef OWNERLOCK_IMAGE_H
#define OWNERLOCK_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "ownerlock/crypto.h"

#define OL_IMAGE_HEADER_BYTES 128
#define OL_IMAGE_SIGNED_BYTES 64 // the part of the header the signature covers
#define OL_IMAGE_FORMAT 1
#define OL_IMAGE_KEY_ID_BYTES 16
// The largest body any port accepts; a port's bootloader has its own, smaller,
// limit (its slot).
#define OL_IMAGE_MAX_BODY (1024u * 1024u)

typedef struct ol_image_header {
    uint32_t version;
    uint32_t body_bytes;
    uint8_t digest[OL_SHA256_BYTES];
    uint8_t key_id[OL_IMAGE_KEY_ID_BYTES];
    uint8_t signature[OL_ED25519_SIGNATURE_BYTES];
} ol_image_header;

// What a check found, in the order it checks: each has its own message for
// the owner (ol_image_status_text).
typedef enum ol_image_status {
    OL_IMAGE_OK = 0,
    OL_IMAGE_NOT_IMAGE, // no header: wrong magic, format or header size
    OL_IMAGE_TRUNCATED, // fewer bytes than the header says (or more)
    OL_IMAGE_CORRUPT,   // the body's SHA-256 is not the header's
    OL_IMAGE_OTHER_KEY, // not signed by the key given (another key, or none)
} ol_image_status;

// Reads a header from `len` bytes (at least OL_IMAGE_HEADER_BYTES to be
// one); OL_IMAGE_NOT_IMAGE when they are not a header of this format, a body
// size out of range included.
ol_image_status ol_image_parse(const uint8_t *bytes, size_t len, ol_image_header *out);

// The whole image of `len` bytes (header and body) against `pub`, the pinned
// key: parsed, sized, hashed, then the signature. The header, when parsed,
// is left in `out` (for the owner to see version and digest even when the
// image is refused).
ol_image_status ol_image_check(const uint8_t *image, size_t len,
                               const uint8_t pub[OL_ED25519_PUBLIC_BYTES], ol_image_header *out);

// The same check over an image that is not in memory (a flash slot, read in
// chunks: a bootloader has no room for a whole image). read(ctx, offset, buf,
// n) fills buf with the image's bytes [offset, offset + n); an error reads
// as OL_IMAGE_TRUNCATED. ol_image_check is this with a reader over memory:
// one mechanism. digest, if not NULL, receives the SHA-256 the check
// computed over the body (all zeros when it did not get that far).
typedef ol_err (*ol_image_read_fn)(void *ctx, uint32_t offset, void *buf, size_t n);
ol_image_status ol_image_check_read(ol_image_read_fn read, void *ctx, size_t len,
                                    const uint8_t pub[OL_ED25519_PUBLIC_BYTES],
                                    ol_image_header *out, uint8_t digest[OL_SHA256_BYTES]);

// Everything ol_image_check_read checks but the signature: the header, the
// length, the body's digest, and the key id (OL_IMAGE_OK when it names pub,
// OL_IMAGE_OTHER_KEY when not; the signature is not read). For the lock
// body's checks of a staged image, which must not need the verifier's stack:
// the bootloader verifies the signature at the install, on its own
// (ol_boot_run refuses an image whose signature fails).
ol_image_status ol_image_check_unsigned_read(ol_image_read_fn read, void *ctx, size_t len,
                                             const uint8_t pub[OL_ED25519_PUBLIC_BYTES],
                                             ol_image_header *out, uint8_t digest[OL_SHA256_BYTES]);

// The key id of a public key (the first 16 bytes of its SHA-256).
void ol_image_key_id(uint8_t id[OL_IMAGE_KEY_ID_BYTES], const uint8_t pub[OL_ED25519_PUBLIC_BYTES]);

// Writes the header's bytes 0..63 (what is signed) into out; the caller signs
// them and puts the signature at 64. For the owner's tool and the tests.
void ol_image_header_encode(uint8_t out[OL_IMAGE_HEADER_BYTES], const ol_image_header *h);

// A short message for the owner: "OK", "NOT AN IMAGE", "WRONG LENGTH",
// "IMAGE CORRUPT", "OTHER SIGNER".
const char *ol_image_status_text(ol_image_status s);

#endif
