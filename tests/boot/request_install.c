// ownerlock — stage a signed image and request its install in a board's
// flash file, as a lock body does through the bootloader's services
// (src/core/service.c: FW_BEGIN, FW_DATA in chunks of 256 bytes, FW_END's
// check, the manager's `#`), here with the host build's src/boot on the host
// port's file-backed NOR. The file is the reference board's flash image as
// QEMU's semihosting keeps it (ports/mps2-an385/flash.c): raw cells, sector 0
// first, the same geometry as the host port's (OL_HOST_SECTORS of 4 KiB).
// Used by ports/mps2-an385/boot/run-cut-tests.sh to set up the install whose
// every flash operation it then cuts.
//
// usage: boot_request_install FLASH IMAGE MAKER-PUBKEY-FILE
// exit 0: staged and requested; 1: refused or a flash error (says which).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host.h"
#include "ownerlock/boot.h"

#define CHUNK 256u // the service port's FW_DATA carries up to 256 bytes

static int fail(const char *what, const char *detail) {
    fprintf(stderr, "boot_request_install: %s: %s\n", what, detail);
    return 1;
}

static int read_key(const char *path, uint8_t key[OL_ED25519_PUBLIC_BYTES]) {
    FILE *f = fopen(path, "r");
    char hex[2 * OL_ED25519_PUBLIC_BYTES + 1];
    if (!f || fscanf(f, "%64s", hex) != 1 || strlen(hex) != sizeof hex - 1) {
        if (f) {
            fclose(f);
        }
        return -1;
    }
    fclose(f);
    for (size_t i = 0; i < OL_ED25519_PUBLIC_BYTES; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return -1;
        }
        key[i] = (uint8_t)v;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: boot_request_install FLASH IMAGE MAKER-PUBKEY-FILE\n");
        return 2;
    }
    uint8_t key[OL_ED25519_PUBLIC_BYTES];
    if (read_key(argv[3], key) != 0) {
        return fail(argv[3], "not 64 hex digits");
    }
    static uint8_t image[OL_BOOT_SLOT_SECTORS * OL_HOST_SECTOR_SIZE];
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        return fail(argv[2], "cannot open");
    }
    size_t len = fread(image, 1, sizeof image, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    if (len == 0 || more) {
        return fail(argv[2], "empty, or larger than a slot");
    }
    // The board's file, not one this program would create or grow.
    struct stat st;
    if (stat(argv[1], &st) != 0 ||
        (uint64_t)st.st_size != (uint64_t)OL_HOST_SECTORS * OL_HOST_SECTOR_SIZE) {
        return fail(argv[1], "not a flash image of the board's size");
    }
    ol_hostflash hf;
    if (ol_hostflash_open(&hf, argv[1], OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS) != OL_OK) {
        return fail(argv[1], "cannot map");
    }
    ol_boot_area area = {&hf.flash, OL_BOOT_FIRST_SECTOR};
    int status = 0;
    ol_err err = ol_boot_stage_begin(&area);
    for (uint32_t at = 0; !err && at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        err = ol_boot_stage_write(&area, at, image + at, n);
    }
    ol_image_header h;
    ol_image_status st_check = OL_IMAGE_NOT_IMAGE;
    if (err) {
        status = fail("staging", ol_err_name(err));
    } else if ((st_check = ol_boot_stage_check(&area, (uint32_t)len, key, &h)) != OL_IMAGE_OK) {
        status = fail("the staged image", ol_image_status_text(st_check));
    } else if ((err = ol_boot_request_install(&area, false, key)) != OL_OK) {
        status = fail("the install request", ol_err_name(err));
    } else {
        printf("boot_request_install: version %u staged (%zu bytes), install requested\n",
               (unsigned)h.version, len);
    }
    ol_hostflash_close(&hf);
    return status;
}
