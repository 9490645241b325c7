// ownerlock — the service port inside the door (internal; the requests and
// answers are lock.h's ol_lock_service, the protocol docs/PROTOCOL.md).
#ifndef OWNERLOCK_CORE_SERVICE_H
#define OWNERLOCK_CORE_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// The arg of a service record: request << 8 | what became of it.
enum service_outcome {
    SERVICE_DONE = 0,             // answered, the session opened (request 0), an image shown
                                  // on the keypad (FW_END)
    SERVICE_NO_SESSION = 1,       // outside a session: the one fixed refusal
    SERVICE_BAD_REQUEST = 2,      // malformed, out of order, too long
    SERVICE_NO_UPDATES = 3,       // this port has no bootloader
    SERVICE_STORAGE = 4,          // the staging slot could not be written
    SERVICE_OLDER = 5,            // an image older than the running one
    SERVICE_BUSY = 6,             // the keypad is in use: the offer would interrupt it
    SERVICE_BATTERY = 7,          // the battery is too low for flash work
    SERVICE_LIMIT = 8,            // OL_SERVICE_OFFERS in this session already
    SERVICE_TOO_LARGE = 9,        // larger than a slot
    SERVICE_NO_RECOVERY = 10,     // another signer's image or a key, and no recovery code to
                                  // take it (recovery not turned off either: *14 first; or
                                  // turned off, and the session is not slot 00's)
    SERVICE_RELEASE_FIRST = 11,   // another OTC key while one is held: release first
    SERVICE_IMAGE = 0x10,         // + ol_image_status: the staged image was refused
    SERVICE_INSTALL = 0x20,       // a manager's '#': installed at the next boot
    SERVICE_WIPE = 0x21,          // the owner chose an image of another signer: wiped first
    SERVICE_NOT_TAKEN = 0x22,     // the offer was declined, timed out, or the door shut
    SERVICE_PINNED = 0x23,        // the owner's key is pinned
    SERVICE_NOT_INSTALLED = 0x24, // the bootloader did not install it (its signature, or the
                                  // copy) or rolled it back: the old firmware runs
    SERVICE_RELEASE = 0x25,       // OTC_OFF with a key held: the release code asked on the keypad
};

// The fleet's release code was typed (onetime.c): one-time codes off, recorded.
ol_err ol_service_released(ol_lock *lock) OL_MUST_CHECK;
// *19: a session for OL_SERVICE_SESSION_MS, recorded.
ol_err ol_service_open(ol_lock *lock) OL_MUST_CHECK;
// The door closed or the session's time ran out: it ends, and an offer with it.
ol_err ol_service_timer(ol_lock *lock) OL_MUST_CHECK;
// The running firmware (MODE_OFFER: the offered one) as pages on the keypad:
// page 0 the version, 1..4 the digest in groups of four hex digits.
#define SERVICE_DIGEST_PAGES 4u
void ol_service_page(uint8_t page, const char *title, uint32_t version, const uint8_t digest[32],
                     char l1[OL_DISPLAY_COLS + 1], char l2[OL_DISPLAY_COLS + 1]);
// *20's page of the running firmware (what the bootloader reports).
void ol_service_running_page(const ol_lock *lock, uint8_t page, char l1[OL_DISPLAY_COLS + 1],
                             char l2[OL_DISPLAY_COLS + 1]);
// A key while the keypad shows an offer: '#' pages, then installs.
ol_err ol_service_offer_entry(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
// '*', a function key, a time-out: the offer is declined.
ol_err ol_service_offer_decline(ol_lock *lock) OL_MUST_CHECK;
void ol_service_offer_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                             char l2[OL_DISPLAY_COLS + 1], ol_input *input);
// At power-up: a new image on trial records itself and stays.
ol_err ol_service_power_up(ol_lock *lock) OL_MUST_CHECK;

#endif
