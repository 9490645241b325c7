// ownerlock — libFuzzer target: the service port (lock.h's ol_lock_service)
// of a commissioned lock, on arbitrary requests mixed with keys, time and
// the door.
//
// Invariants (abort() = a finding): no out-of-bounds access (ASan) or
// undefined behaviour (UBSan); every answer is well formed (result 0 or 1,
// its message inside the answer); outside a session (the door shut, the
// time run out, END) the answer is exactly the one fixed refusal; no request
// moves the bolt; an install is asked of the bootloader only after a '#'
// typed on the keypad (the lock's restart output), never by a request alone.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "host.h"
#include "ownerlock/boot.h"
#include "ownerlock/lock.h"

static ol_hostflash flash;
static ol_testrng rng;
static ol_vclock clk;
static ol_platform plat;
static ol_boot_services boot;
static ol_lock lock, snapshot;
static uint8_t *image;
static size_t image_bytes;
static uint64_t now;

static void event(ol_event ev) {
    REQUIRE(ol_lock_event(&lock, now, &ev) == OL_OK);
}

static void entry(const char *digits) {
    ol_event ev = {.type = OL_EV_ENTRY};
    for (; *digits; digits++) {
        ev.digits[ev.ndigits++] = (uint8_t)(*digits - '0');
    }
    event(ev);
}

static void build_snapshot(void) {
    // RFC 8032's TEST 2 key as the maker's: nobody can sign for it here.
    static const uint8_t maker[32] = {
        0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a,
        0xa7, 0x4d, 0x1b, 0x7e, 0xbc, 0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4,
        0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c,
    };
    REQUIRE(ol_hostflash_open(&flash, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS) == OL_OK);
    ol_testrng_seed(&rng, 7);
    clk.world_epoch = 1767225600; // 2026-01-01T00:00:00Z
    ol_boot_services_init(&boot, &flash.flash, OL_BOOT_FIRST_SECTOR, maker);
    plat = (ol_platform){&flash.flash, ol_testrng_fill, &rng, ol_vclock_rtc, ol_vclock_rtc_set,
                         &clk,         &boot,           false};
    REQUIRE(ol_lock_boot(&lock, &plat, 0, true) == OL_OK);
    entry("482915");
    entry("482915");
    now = 3000;
    event((ol_event){.type = OL_EV_CANCEL}); // the recovery code not kept: fine here
    event((ol_event){.type = OL_EV_FUNCTION, .function = OL_FN_SERVICE});
    entry("482915");
    ol_status st;
    ol_lock_status(&lock, &st);
    REQUIRE(st.commissioned && st.service_session_ms != 0);
    image_bytes = (size_t)OL_HOST_SECTOR_SIZE * OL_HOST_SECTORS;
    image = malloc(image_bytes);
    REQUIRE(image != NULL);
    memcpy(image, flash.mem, image_bytes);
    snapshot = lock;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!image) {
        build_snapshot();
    }
    memcpy(flash.mem, image, image_bytes);
    lock = snapshot;
    now = 3000;
    bool hash_typed = false;
    size_t at = 0;
    while (at < size) {
        uint8_t op = data[at++];
        if (op < 0xF0) { // a request of op bytes (at most what is left)
            size_t n = op < size - at ? op : size - at;
            ol_status st;
            ol_lock_status(&lock, &st);
            bool session = st.service_session_ms != 0 && st.door_open;
            ol_bolt before = ol_lock_outputs(&lock)->bolt;
            uint8_t resp[OL_SERVICE_RESPONSE_MAX];
            size_t rlen = 0;
            ol_err err = ol_lock_service(&lock, now, data + at, n, resp, &rlen);
            at += n;
            REQUIRE(err == OL_OK);
            REQUIRE(rlen >= 2 && rlen <= OL_SERVICE_RESPONSE_MAX && resp[0] <= 1 &&
                    2u + resp[1] <= rlen);
            if (!session) {
                static const char fixed[] = "NO SERVICE SESSION";
                REQUIRE(rlen == 2 + sizeof fixed - 1 && resp[0] == OL_SERVICE_REFUSED &&
                        memcmp(resp + 2, fixed, sizeof fixed - 1) == 0);
            }
            REQUIRE(ol_lock_outputs(&lock)->bolt == before);
            REQUIRE(!ol_lock_outputs(&lock)->restart || hash_typed);
            continue;
        }
        switch (op) {
        case 0xF0: // '#'
            hash_typed = true;
            event((ol_event){.type = OL_EV_ENTRY});
            break;
        case 0xF1: // '1#'
            hash_typed = true;
            entry("1");
            break;
        case 0xF2:
            event((ol_event){.type = OL_EV_CANCEL});
            break;
        case 0xF3:
            now += 1000;
            event((ol_event){.type = OL_EV_TICK});
            break;
        case 0xF4:
            now += 60000;
            event((ol_event){.type = OL_EV_TICK});
            break;
        case 0xF5:
            event((ol_event){.type = OL_EV_DOOR, .door_open = false});
            break;
        case 0xF6:
            event((ol_event){.type = OL_EV_DOOR, .door_open = true});
            break;
        default:
            break;
        }
        if (ol_lock_outputs(&lock)->restart) {
            return 0; // the board would reset here
        }
    }
    return 0;
}
