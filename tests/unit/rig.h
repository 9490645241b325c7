// A lock body and a keypad on the host port, driven like the simulator drives
// them, for engine and crash tests. Header-only: each test is one program.
#ifndef OWNERLOCK_TEST_RIG_H
#define OWNERLOCK_TEST_RIG_H

#include <stdio.h>
#include <string.h>

#include "host.h"
#include "frontend/keypad.h"
#include "link/link.h"
#include "ownerlock/lock.h"
#include "recovery_ack.h"

typedef struct rig {
    ol_hostflash hf;
    ol_testrng rng;
    ol_vclock clk;
    ol_platform plat;
    ol_lock lock;
    ol_keypad kp;
    uint64_t t;      // world time, ms
    uint64_t boot_t; // world time at the last power-up
    bool door_open;
    ol_err err;            // first error the lock returned
    unsigned bad_retracts; // bolt retracted while no valid code was being entered
    bool entry_valid;      // the keys being typed are a valid credential
    ol_bolt last_bolt;
} rig;

static inline uint64_t rig_now(const rig *r) {
    return r->t - r->boot_t;
}

static inline void rig_observe(rig *r) {
    const ol_outputs *o = ol_lock_outputs(&r->lock);
    if (o->bolt == OL_BOLT_RETRACTED && r->last_bolt == OL_BOLT_EXTENDED && !r->entry_valid) {
        r->bad_retracts++;
    }
    r->last_bolt = o->bolt;
    uint8_t msg[OL_MSG_BYTES];
    ol_msg_display(msg, o);
    ol_keypad_receive(&r->kp, msg, sizeof msg);
}

static inline void rig_note(rig *r, ol_err err) {
    if (err && !r->err) {
        r->err = err;
    }
}

static inline ol_err rig_boot(rig *r) {
    r->boot_t = r->t;
    ol_err err = ol_lock_boot(&r->lock, &r->plat, 0, r->door_open);
    rig_note(r, err);
    ol_keypad_init(&r->kp);
    rig_observe(r);
    return err;
}

// Erased flash and the platform around it, door open; not yet powered.
static inline ol_err rig_setup(rig *r, uint64_t seed) {
    memset(r, 0, sizeof *r);
    ol_err err = ol_hostflash_open(&r->hf, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS);
    if (err) {
        return err;
    }
    ol_testrng_seed(&r->rng, seed);
    r->clk.world_epoch = 1767225600; // 2026-01-01T00:00:00Z
    r->plat.flash = &r->hf.flash;
    r->plat.trng = ol_testrng_fill;
    r->plat.trng_ctx = &r->rng;
    r->plat.rtc_now = ol_vclock_rtc;
    r->plat.rtc_ctx = &r->clk;
    r->door_open = true;
    r->last_bolt = OL_BOLT_RETRACTED;
    return OL_OK;
}

// A fresh lock with erased flash, door open, powered up (factory state).
static inline ol_err rig_init(rig *r, uint64_t seed) {
    ol_err err = rig_setup(r, seed);
    return err ? err : rig_boot(r);
}

static inline void rig_event(rig *r, const ol_event *ev) {
    r->clk.now_ms = r->t;
    rig_note(r, ol_lock_event(&r->lock, rig_now(r), ev));
    rig_observe(r);
}

// Let time pass, stopping at every deadline the lock asks for.
static inline void rig_wait(rig *r, uint64_t ms) {
    uint64_t end = r->t + ms, last_tick = UINT64_MAX;
    ol_event tick = {.type = OL_EV_TICK};
    for (;;) {
        uint64_t d = ol_lock_next_deadline(&r->lock);
        if (d == UINT64_MAX) {
            break;
        }
        uint64_t at = d + r->boot_t > r->t ? d + r->boot_t : r->t;
        if (at > end || at == last_tick) {
            break; // beyond the wait, or still due after its tick: do not spin
        }
        r->t = at;
        rig_event(r, &tick);
        last_tick = at;
    }
    r->t = end;
    rig_event(r, &tick);
    ol_keypad_tick(&r->kp, rig_now(r));
}

// Press keys as a person would, 200 ms apart. `valid` says whether what is
// typed is a credential the owner set (for the bolt monitor).
static inline void rig_keys_as(rig *r, const char *keys, bool valid) {
    r->entry_valid = valid;
    for (const char *k = keys; *k; k++) {
        if (*k == ' ') {
            continue;
        }
        uint8_t msg[OL_MSG_BYTES];
        if (ol_keypad_key(&r->kp, rig_now(r), *k, msg)) {
            ol_event ev;
            if (ol_msg_to_event(msg, sizeof msg, &ev) == OL_OK) {
                rig_event(r, &ev);
            }
        }
        rig_wait(r, 200);
    }
    r->entry_valid = false;
}

static inline void rig_keys(rig *r, const char *keys) {
    rig_keys_as(r, keys, false);
}

static inline void rig_door(rig *r, bool open) {
    r->door_open = open;
    ol_event ev = {.type = OL_EV_DOOR, .door_open = open};
    rig_event(r, &ev);
}

static inline void rig_power_cycle(rig *r, uint64_t off_ms) {
    ol_lock_shutdown(&r->lock);
    r->t += off_ms;
    r->clk.now_ms = r->t;
    rig_boot(r);
}

// "LINE 1 | LINE 2" as the keypad shows it.
static inline const char *rig_display(rig *r) {
    static char text[2 * OL_DISPLAY_COLS + 4];
    char line[2][OL_DISPLAY_COLS + 1];
    ol_keypad_display(&r->kp, line);
    snprintf(text, sizeof text, "%s | %s", line[0], line[1]);
    return text;
}

static inline const char *rig_display_cb(void *r) {
    return rig_display(r);
}

static inline void rig_keys_cb(void *r, const char *keys) {
    rig_keys(r, keys);
}

// The recovery code shown (commissioning, *14): paged, read off the display and
// typed back (recovery_ack.h). groups may be NULL. True once SAVED.
static inline bool rig_recovery_ack(rig *r,
                                    char groups[OL_RECOVERY_GROUPS][RECOVERY_ACK_GROUP_CAP]) {
    return recovery_ack(r, rig_display_cb, rig_keys_cb, groups);
}

static inline ol_bolt rig_bolt(const rig *r) {
    return ol_lock_outputs(&r->lock)->bolt;
}

static inline ol_status rig_status(const rig *r) {
    ol_status st;
    ol_lock_status(&r->lock, &st);
    return st;
}

#endif
