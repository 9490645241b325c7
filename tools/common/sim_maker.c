// The simulated maker (sim_maker.h). No signing here: the key's public half
// and the factory image's signature are constants, made once from
// tests/keys/sim-maker.key with libsodium (crypto_sign_seed_keypair and
// crypto_sign_detached, as `ownerlock firmware sign` signs), so the rig runs
// on the Cortex-M3 too. The bootloader checks the image like any other:
// a wrong constant is a simulated lock that does not start, and
// tests/shell/firmware-update.sh signs images with the key file that must
// match MAKER_PUB.
#include "sim_maker.h"

#include <string.h>

#include "ownerlock/crypto.h"
#include "ownerlock/image.h"

static const uint8_t MAKER_PUB[32] = {
    0xbe, 0x82, 0x5f, 0x92, 0x0c, 0xa9, 0xc7, 0xda, 0x18, 0xf9, 0xa0, 0x14, 0xbf, 0x1a, 0x75, 0x06,
    0x65, 0x3b, 0xc3, 0x61, 0xe9, 0x83, 0xb9, 0x83, 0x80, 0x0c, 0xbc, 0xde, 0x81, 0x12, 0xc3, 0x60};

// Over the header of version OL_SIM_FACTORY_VERSION and the body below.
static const uint8_t FACTORY_SIGNATURE[64] = {
    0x9f, 0x04, 0xc2, 0x8a, 0xea, 0x80, 0x32, 0xb3, 0x87, 0x2c, 0x6b, 0xad, 0x9e, 0x28, 0x74, 0xd7,
    0x82, 0x54, 0xfd, 0xc1, 0xbb, 0xb9, 0x48, 0x31, 0xa5, 0xed, 0x2d, 0xbf, 0xe0, 0x05, 0x6f, 0x8f,
    0x2b, 0x5e, 0xe5, 0x92, 0x99, 0x3c, 0x0b, 0xac, 0xff, 0xd5, 0xa0, 0x3f, 0x9f, 0xab, 0x9e, 0x92,
    0x4e, 0xc4, 0x63, 0x55, 0x61, 0x25, 0xdd, 0xf1, 0x23, 0x10, 0xb7, 0x97, 0x74, 0xc6, 0xd4, 0x0e};

const uint8_t *sim_maker_key(void) {
    return MAKER_PUB;
}

ol_err sim_maker_factory_install(const ol_boot_area *area) {
    const ol_flash *f = area->flash;
    uint32_t at = ol_boot_slot_addr(area, OL_BOOT_ACTIVE);
    // Only a flash fresh from the factory: every slot and the record blank
    // (an install a power cut interrupted is the bootloader's to finish).
    static const uint32_t firsts[5] = {0, OL_BOOT_SLOT_SECTORS, 2 * OL_BOOT_SLOT_SECTORS,
                                       3 * OL_BOOT_SLOT_SECTORS, 3 * OL_BOOT_SLOT_SECTORS + 1};
    for (unsigned i = 0; i < 5; i++) {
        uint8_t word[4];
        ol_err err =
            f->read(f->ctx, (area->first_sector + firsts[i]) * f->sector_size, word, sizeof word);
        if (err || memcmp(word, "\xff\xff\xff\xff", 4) != 0) {
            return err; // not new: the bootloader judges what is there
        }
    }
    // The body stands for the lock-body program the simulator runs natively.
    static const char text[] = "ownerlock: the simulated lock body's factory image\n";
    static uint8_t image[OL_IMAGE_HEADER_BYTES + 1024];
    memset(image, 0, sizeof image);
    memcpy(image + OL_IMAGE_HEADER_BYTES, text, sizeof text - 1);
    ol_image_header h = {.version = OL_SIM_FACTORY_VERSION, .body_bytes = 1024};
    ol_sha256(h.digest, image + OL_IMAGE_HEADER_BYTES, h.body_bytes);
    ol_image_key_id(h.key_id, MAKER_PUB);
    memcpy(h.signature, FACTORY_SIGNATURE, sizeof h.signature);
    ol_image_header_encode(image, &h);
    for (uint32_t s = 0; s < (sizeof image + f->sector_size - 1) / f->sector_size; s++) {
        ol_err err = f->erase(f->ctx, at / f->sector_size + s);
        if (err) {
            return err;
        }
    }
    return f->program(f->ctx, at, image, sizeof image);
}
