// The safe's electronics on a bench: a lock body and a keypad unit, each the
// real firmware on the host port, joined by a simulated cable, in virtual
// time. The simulator (tools/sim/world.c) and the tests (tests/unit/cable.h)
// both drive this one rig.
//
// The units talk only through the cable: each hands whole frames to its send
// callback, the frames wait in a FIFO per direction, and safe_rig_pump()
// delivers them byte by byte, one each way in turn, until both directions are
// quiet — never from inside a callback, so neither unit is re-entered. Each
// unit's clock counts from its own boot. The cable can be recorded, and bytes
// injected or replayed.
//
// The caller opens the two flashes (lock_flash, keypad_flash), seeds the two
// TRNGs, sets the hooks, and calls safe_rig_platforms() once before booting.
#ifndef OWNERLOCK_SAFE_RIG_H
#define OWNERLOCK_SAFE_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "ownerlock/boot.h"
#include "ownerlock/body.h"
#include "ownerlock/keypad_unit.h"

// Bytes on their way to one unit.
typedef struct safe_rig_fifo {
    uint8_t *b;
    size_t head, len, cap;
} safe_rig_fifo;

// A frame as one unit put it on the cable, recorded.
typedef struct safe_rig_frame {
    bool to_lock; // keypad>lock, else lock>keypad
    size_t len;
    uint8_t *bytes;
} safe_rig_frame;

// What the rig tells its driver. Every hook may be NULL.
typedef struct safe_rig_hooks {
    void *ctx;
    // The result of every call into the lock body the rig makes: a byte off the
    // cable ("cable"), a tick ("tick"), or an event (safe_rig_event's `during`).
    void (*result)(void *ctx, ol_err err, const char *during);
    // A frame was recorded (recording on): the newest of frames[].
    void (*frame)(void *ctx, const safe_rig_frame *f);
    // After each key, event and time step, once the cable is quiet.
    void (*step)(void *ctx);
    // Every call into the keypad unit is call(arg), run here or, if set, by
    // this before it returns (a test runs the keypad on a thread of its own).
    void (*keypad)(void *ctx, void (*call)(void *arg), void *arg);
} safe_rig_hooks;

typedef struct safe_rig {
    uint64_t t; // virtual ms
    bool powered;
    uint64_t lock_on_at, keypad_on_at; // t of each unit's last boot
    bool door_open;
    bool dial;       // the front end is a dial unit, the lock's only power (set before
                     // safe_rig_platforms)
    ol_vclock clock; // the world's wall clock and the lock body's RTC

    ol_hostflash lock_flash, keypad_flash;
    ol_testrng lock_rng, keypad_rng;
    ol_platform lock_plat, keypad_plat;
    ol_body body;
    ol_keypad_unit keypad;
    ol_boot_services boot;   // the lock body's bootloader (src/boot, as on the board)
    ol_image_header running; // what the bootloader found and started

    safe_rig_fifo to_lock, to_keypad;
    bool recording;
    safe_rig_frame *frames; // recorded, in order
    size_t nframes, capframes;

    safe_rig_hooks hooks;
    // A broken invariant of the firmware the rig cannot go past (the units
    // answer each other for ever, a deadline stays due): set once, with a message.
    char internal_error[256];
} safe_rig;

// Both units' platforms on their flash and TRNG; the lock body's RTC is the
// rig's clock, the keypad unit has none.
void safe_rig_platforms(safe_rig *r);
// The lock body's flash, if fresh from the factory, gets the simulated
// maker's factory image (sim_maker.h), as a maker programs a new lock body.
ol_err safe_rig_factory(safe_rig *r) OL_MUST_CHECK;
// Boot a unit now: its clock starts at 0. The lock body booted means powered.
// The lock body's bootloader runs first (ownerlock/boot.h, the same code as
// the reference board's): it finishes or rolls back an install, and fails
// (an internal error) when nothing verified is left to run.
// Neither pumps (what the unit sent waits on the cable): safe_rig_pump() after.
ol_err safe_rig_boot_lock(safe_rig *r);
ol_err safe_rig_boot_keypad(safe_rig *r);
// Both units off; what was on the cable is gone.
void safe_rig_power_down(safe_rig *r);
// The keypad unit unplugged (powered or not): off, and what was on its way to it gone.
void safe_rig_keypad_unplug(safe_rig *r);
// Drop what is on the cable, both ways.
void safe_rig_cable_clear(safe_rig *r);
// Free the cable and the recorded frames (not the flashes: the caller's).
void safe_rig_free(safe_rig *r);

// Each returns false once there is an internal error.
// Deliver what is on the cable until both directions are quiet.
bool safe_rig_pump(safe_rig *r);
// One event to the lock body, then pump and step.
bool safe_rig_event(safe_rig *r, const ol_event *ev, const char *during);
// One request on the lock body's service port (inside the door), then pump and step.
bool safe_rig_service(safe_rig *r, const uint8_t *req, size_t len,
                      uint8_t resp[OL_SERVICE_RESPONSE_MAX], size_t *resp_len);
// One key on the keypad unit, then pump and step; no time passes.
bool safe_rig_key(safe_rig *r, char key);
// The same, but what the key sent stays on the cable (safe_rig_pump() next).
void safe_rig_press(safe_rig *r, char key);
// One detent of a dial unit's dial (dir > 0 right, < 0 left), then pump and
// step; no time passes.
bool safe_rig_turn(safe_rig *r, int dir);
// Let ms pass, stopping at every deadline of either unit.
bool safe_rig_advance(safe_rig *r, uint64_t ms);
// Bytes put on the cable toward the lock body, or recorded frames
// [first, first + count) sent again, each in its direction; pumped.
bool safe_rig_inject(safe_rig *r, const uint8_t *bytes, size_t len);
bool safe_rig_replay(safe_rig *r, size_t first, size_t count);

#endif
