// ownerlock — libFuzzer target: the firmware image's header and check
// (ownerlock/image.h) on arbitrary bytes.
//
// Invariants (abort() = a finding): no out-of-bounds access (ASan) or
// undefined behaviour (UBSan) whatever the bytes claim (sizes above all);
// a header that parses encodes back to the same 128 bytes; no input passes
// the check under a key whose secret nobody has (the RFC 8032 TEST 2 key,
// public here: forging for it is forging Ed25519); a check never passes an
// image the parser refused, nor one whose length differs from its header's.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ownerlock/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const uint8_t pub[32] = {
        0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a,
        0xa7, 0x4d, 0x1b, 0x7e, 0xbc, 0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4,
        0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c,
    };
    ol_image_header h, c;
    ol_image_status parsed = ol_image_parse(data, size, &h);
    if (parsed == OL_IMAGE_OK) {
        uint8_t again[OL_IMAGE_HEADER_BYTES];
        ol_image_header_encode(again, &h);
        REQUIRE(memcmp(again, data, OL_IMAGE_HEADER_BYTES) == 0);
        REQUIRE(h.body_bytes >= 1 && h.body_bytes <= OL_IMAGE_MAX_BODY);
    }
    ol_image_status checked = ol_image_check(data, size, pub, &c);
    REQUIRE(checked != OL_IMAGE_OK);
    REQUIRE(parsed == OL_IMAGE_OK || checked == OL_IMAGE_NOT_IMAGE);
    REQUIRE(checked == OL_IMAGE_NOT_IMAGE || checked == OL_IMAGE_TRUNCATED ||
            size - OL_IMAGE_HEADER_BYTES == h.body_bytes);
    return 0;
}
