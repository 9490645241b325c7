// ownerlock — the boot area and the bootloader's decisions (docs/ARCHITECTURE.md,
// "The bootloader").
//
// The boot area is OL_BOOT_SECTORS sectors of one NOR flash, from
// first_sector (normally OL_BOOT_FIRST_SECTOR):
//
//   slot    sectors                      holds
//   ACTIVE  [0, S)                       the installed image (header, body)
//   STAGED  [S, 2S)                      an image the lock body received
//   BACKUP  [2S, 3S)                     the image before the last install
//   RECORD  [3S, 3S + 2)                 the boot record, A/B with a CRC
//
// (S = OL_BOOT_SLOT_SECTORS.) The record says what the bootloader does next;
// every step it drives is idempotent (erase the destination, copy, read
// back), so a power cut at any program or erase is resumed at the next boot.
// The lock body calls stage_*, request_install, confirm, pin_key and
// info_read; the bootloader calls ol_boot_run. Nothing here includes a board
// header: only the ol_flash HAL, src/image and the crypto header.
#ifndef OWNERLOCK_BOOT_H
#define OWNERLOCK_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/config.h"
#include "ownerlock/crypto.h"
#include "ownerlock/error.h"
#include "ownerlock/hal.h"
#include "ownerlock/image.h"

typedef struct ol_boot_area {
    const ol_flash *flash;
    uint32_t first_sector;
} ol_boot_area;

typedef struct ol_boot_info {
    ol_image_header active; // ACTIVE's header (zeros if it has none)
    bool active_ok;         // ACTIVE verifies: signed by the pinned key, or accepted by digest
    bool trial;             // ACTIVE runs on trial: it must ol_boot_confirm or be rolled back
    uint32_t min_version;   // no image below this is installed or run
    uint8_t pinned_key[OL_ED25519_PUBLIC_BYTES]; // the owner's, or the maker's passed in
    bool key_pinned_by_owner;
} ol_boot_info;

// What the record and ACTIVE say; maker_key: the key pinned while the owner
// has pinned none.
ol_err ol_boot_info_read(const ol_boot_area *a, const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES],
                         ol_boot_info *out) OL_MUST_CHECK;

// What the last boot did, for the lock body's power-up.
typedef enum ol_boot_news {
    OL_BOOT_NEWS_NONE = 0,  // ACTIVE runs as before
    OL_BOOT_NEWS_TRIAL = 1, // ACTIVE is new and runs on trial: ol_boot_confirm, or it is
                            // rolled back at the next boot
    // The install asked for was not done: STAGED did not verify at the boot
    // (its signature, which only the bootloader checks; its digest or
    // version), or its copy did not; ACTIVE runs as before. Said until
    // ol_boot_confirm acknowledges it, or the next install is asked for.
    OL_BOOT_NEWS_REFUSED = 2,
} ol_boot_news;

// What runs, as the bootloader left it: ACTIVE's header (parsed, not
// verified again: the bootloader verified it before starting it) and the
// news of the last boot. Cheap: for the lock body's screens and its
// power-up. OL_ERR_CORRUPT: ACTIVE holds no header.
ol_err ol_boot_running(const ol_boot_area *a, ol_image_header *active,
                       ol_boot_news *news) OL_MUST_CHECK;

// Erases STAGED (OL_ERR_STATE while an install or a trial is under way).
ol_err ol_boot_stage_begin(const ol_boot_area *a) OL_MUST_CHECK;

// Writes len bytes at offset (a multiple of OL_FLASH_WORD) of STAGED;
// OL_ERR_TOO_BIG past the slot. A last partial word is padded with 0xFF.
ol_err ol_boot_stage_write(const ol_boot_area *a, uint32_t offset, const uint8_t *data,
                           size_t len) OL_MUST_CHECK;

// Checks the len staged bytes (header and body) as
// ol_image_check_unsigned_read does, against the pinned key (or maker_key),
// reading the flash in chunks: everything but the signature, which only the
// bootloader verifies, at the install (a lock body that updates then needs no
// room for the verifier; a refusal is news at the next boot).
ol_image_status ol_boot_stage_check(const ol_boot_area *a, uint32_t len,
                                    const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES],
                                    ol_image_header *out);

// Asks the bootloader to install the staged image at the next boot, which
// verifies it first (its signature too) and installs it only then.
// owner_chosen: the owner accepted an image the pinned key did not sign; its
// digest is recorded as accepted. OL_ERR_AUTH: another key's id and not
// owner_chosen, or not a whole image; OL_ERR_STATE: a version lower than the
// active one's (or than the lowest allowed), or an install or trial under way.
ol_err ol_boot_request_install(const ol_boot_area *a, bool owner_chosen,
                               const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES]) OL_MUST_CHECK;

// The image on trial keeps itself: its version becomes the lowest allowed;
// a refused install's news is acknowledged. OL_OK and nothing written when
// there is no news.
ol_err ol_boot_confirm(const ol_boot_area *a) OL_MUST_CHECK;

// The owner pins his own key (OL_ERR_STATE during an install or trial). The
// running image stays bootable: its digest is recorded as accepted.
ol_err ol_boot_pin_key(const ol_boot_area *a,
                       const uint8_t pub[OL_ED25519_PUBLIC_BYTES]) OL_MUST_CHECK;

// The bootloader's one entry: resumes or performs an install, rolls a trial
// that did not confirm back, repairs ACTIVE from BACKUP, verifies ACTIVE.
// OL_OK and ACTIVE's header in *run (the image to run); otherwise an error
// and *run all zeros: nothing verified is left to run.
ol_err ol_boot_run(const ol_boot_area *a, const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES],
                   ol_image_header *run) OL_MUST_CHECK;

// A slot's first byte's flash address (0 ACTIVE, 1 STAGED, 2 BACKUP): where a
// port that executes in place finds the body (+ OL_IMAGE_HEADER_BYTES).
#define OL_BOOT_ACTIVE 0u
#define OL_BOOT_STAGED 1u
#define OL_BOOT_BACKUP 2u
uint32_t ol_boot_slot_addr(const ol_boot_area *a, uint32_t slot);

// What the lock body asks of the bootloader, as a port provides it
// (ol_platform.boot; NULL: the port takes no firmware updates). A port that
// links src/boot into the lock body fills it with ol_boot_services_init; a
// board whose bootloader stays resident may point these at the
// bootloader's own copies, so the lock body carries no second verifier.
typedef struct ol_boot_services {
    ol_boot_area area;
    const uint8_t *maker_key; // OL_ED25519_PUBLIC_BYTES: pinned while the owner pins none
    ol_err (*running)(const ol_boot_area *a, ol_image_header *active, ol_boot_news *news);
    ol_err (*stage_begin)(const ol_boot_area *a);
    ol_err (*stage_write)(const ol_boot_area *a, uint32_t offset, const uint8_t *data, size_t len);
    ol_image_status (*stage_check)(const ol_boot_area *a, uint32_t len,
                                   const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES],
                                   ol_image_header *out);
    ol_err (*request_install)(const ol_boot_area *a, bool owner_chosen,
                              const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES]);
    ol_err (*confirm)(const ol_boot_area *a);
    ol_err (*pin_key)(const ol_boot_area *a, const uint8_t pub[OL_ED25519_PUBLIC_BYTES]);
} ol_boot_services;

// The services of this src/boot, as an initializer: for a table in a
// bootloader's code (the area set by its user) and for ol_boot_services_init.
#define OL_BOOT_SERVICES_OF_SRC_BOOT(flash_, first_sector_, maker_key_)                            \
    {                                                                                              \
        .area = {(flash_), (first_sector_)}, .maker_key = (maker_key_),                            \
        .running = ol_boot_running, .stage_begin = ol_boot_stage_begin,                            \
        .stage_write = ol_boot_stage_write, .stage_check = ol_boot_stage_check,                    \
        .request_install = ol_boot_request_install, .confirm = ol_boot_confirm,                    \
        .pin_key = ol_boot_pin_key,                                                                \
    }

// The services of this src/boot, on `flash` from first_sector.
void ol_boot_services_init(ol_boot_services *s, const ol_flash *flash, uint32_t first_sector,
                           const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES]);

#endif
