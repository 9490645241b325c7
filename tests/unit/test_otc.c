// One-time codes and close seals (ownerlock/otc.h): vectors computed with
// Python's hmac and hashlib (an implementation independent of ours) from the
// derivation docs/FLEET.md gives, for key 00 01 .. 1f; and the properties
// the fleet service relies on.
#include <string.h>

#include "check.h"
#include "ownerlock/otc.h"

typedef struct vector {
    char kind; // 'C' a code, 'S' a seal, 'R' a release
    uint32_t lock, counter;
    uint8_t slot, records;
    const char *digits;
} vector;

static const vector vectors[] = {
    {'C', 12345u, 0u, 2, 0, "47389248"},
    {'C', 12345u, 1u, 2, 0, "00242516"},
    {'C', 12345u, 0u, 3, 0, "26614410"},
    {'C', 4294967295u, 4294967294u, 31, 0, "47885497"},
    {'S', 12345u, 0u, 2, 1, "97608959"},
    {'S', 12345u, 0u, 2, 2, "25121143"},
    {'S', 12345u, 0u, 2, 99, "99418521"},
    {'S', 3464710496u, 1303193990u, 23, 37, "11260794"},
    {'C', 3290406397u, 3028564149u, 17, 0, "89327138"},
    {'C', 1069030695u, 1650002322u, 26, 0, "97489183"},
    {'S', 2751033102u, 3634950245u, 25, 17, "56327974"},
    {'C', 600787263u, 3490129057u, 12, 0, "22885345"},
    {'C', 1421789144u, 2319124957u, 7, 0, "35564395"},
    {'C', 1328001884u, 1759537932u, 5, 0, "78734869"},
    {'S', 2749532316u, 4279188353u, 9, 87, "55085287"},
    {'S', 3493432434u, 2173554387u, 21, 2, "54508195"},
    {'R', 12345u, 0u, 2, 0, "98363983"},
    {'R', 12345u, 1u, 0, 0, "48686360"},
    {'R', 4294967295u, 4294967294u, 31, 0, "91163355"},
};

static void digits_of(char out[9], const uint8_t d[8]) {
    for (int i = 0; i < 8; i++) {
        out[i] = (char)('0' + d[i]);
    }
    out[8] = '\0';
}

int main(void) {
    uint8_t key[OL_OTC_KEY_BYTES];
    for (int i = 0; i < OL_OTC_KEY_BYTES; i++) {
        key[i] = (uint8_t)i;
    }
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const vector *v = &vectors[i];
        uint8_t d[8];
        char got[9];
        if (v->kind == 'C') {
            ol_otc_code(d, key, v->lock, v->counter, v->slot);
        } else if (v->kind == 'R') {
            ol_otc_release(d, key, v->lock, v->counter, v->slot);
        } else {
            ol_otc_seal(d, key, v->lock, v->counter, v->slot, v->records);
        }
        for (int j = 0; j < 8; j++) {
            CHECK(d[j] <= 9);
        }
        digits_of(got, d);
        CHECK(strcmp(got, v->digits) == 0);
    }
    // Another key, another code; a code is no seal of the same opening.
    uint8_t a[8], b[8];
    ol_otc_code(a, key, 7, 0, 1);
    key[31] ^= 1;
    ol_otc_code(b, key, 7, 0, 1);
    CHECK(memcmp(a, b, 8) != 0);
    ol_otc_seal(b, key, 7, 0, 1, 0);
    ol_otc_code(a, key, 7, 0, 1);
    CHECK(memcmp(a, b, 8) != 0);
    ol_otc_release(b, key, 7, 0, 1); // nor a release
    CHECK(memcmp(a, b, 8) != 0);
    return check_done("test_otc");
}
