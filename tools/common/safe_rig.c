#include "safe_rig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "ownerlock/boot.h"
#include "sim_maker.h"

// ---- the cable ---------------------------------------------------------------------
static void fifo_push(safe_rig_fifo *f, const uint8_t *bytes, size_t len) {
    if (f->head > 0 && f->head + f->len + len > f->cap) {
        memmove(f->b, f->b + f->head, f->len);
        f->head = 0;
    }
    f->b = grow(f->b, &f->cap, f->len + len, 1);
    memcpy(f->b + f->head + f->len, bytes, len);
    f->len += len;
}

static uint8_t fifo_pop(safe_rig_fifo *f) {
    uint8_t byte = f->b[f->head++];
    if (--f->len == 0) {
        f->head = 0;
    }
    return byte;
}

static void fifo_clear(safe_rig_fifo *f) {
    f->head = 0;
    f->len = 0;
}

void safe_rig_cable_clear(safe_rig *r) {
    fifo_clear(&r->to_lock);
    fifo_clear(&r->to_keypad);
}

// A frame a unit sent: recorded while recording, then queued.
static void cable_send(safe_rig *r, bool to_lock, const uint8_t *bytes, size_t len) {
    if (r->recording && len > 0) {
        r->frames = grow(r->frames, &r->capframes, r->nframes + 1, sizeof *r->frames);
        safe_rig_frame *f = &r->frames[r->nframes++];
        *f = (safe_rig_frame){.to_lock = to_lock, .len = len, .bytes = malloc(len)};
        if (!f->bytes) {
            fprintf(stderr, "safe_rig: out of memory\n");
            exit(3);
        }
        memcpy(f->bytes, bytes, len);
        if (r->hooks.frame) {
            r->hooks.frame(r->hooks.ctx, f);
        }
    }
    fifo_push(to_lock ? &r->to_lock : &r->to_keypad, bytes, len);
}

static void body_send(void *ctx, const uint8_t *bytes, size_t len) {
    cable_send(ctx, false, bytes, len);
}

static void keypad_send(void *ctx, const uint8_t *bytes, size_t len) {
    cable_send(ctx, true, bytes, len);
}

// ---- time ----------------------------------------------------------------------------
static uint64_t lock_now(const safe_rig *r) {
    return r->t - r->lock_on_at;
}

static uint64_t keypad_now(const safe_rig *r) {
    return r->t - r->keypad_on_at;
}

static void sync_clock(safe_rig *r) {
    r->clock.now_ms = r->t;
}

static void result(safe_rig *r, ol_err err, const char *during) {
    if (r->hooks.result) {
        r->hooks.result(r->hooks.ctx, err, during);
    }
}

static void step(safe_rig *r) {
    if (r->hooks.step) {
        r->hooks.step(r->hooks.ctx);
    }
}

// ---- the units -----------------------------------------------------------------------
// One call into the keypad unit, run where hooks.keypad says.
typedef enum keypad_op {
    KEYPAD_BOOT,
    KEYPAD_KEY,
    KEYPAD_RX,
    KEYPAD_TICK,
    KEYPAD_TURN,
    KEYPAD_SHUTDOWN
} keypad_op;

typedef struct keypad_call {
    safe_rig *r;
    keypad_op op;
    char key;
    uint8_t byte;
    ol_err err;
} keypad_call;

static void keypad_run(void *arg) {
    keypad_call *c = arg;
    safe_rig *r = c->r;
    uint64_t now = keypad_now(r);
    switch (c->op) {
    case KEYPAD_BOOT:
        c->err = ol_keypad_unit_boot(&r->keypad, &r->keypad_plat, now, keypad_send, r);
        if (!c->err && r->dial) {
            c->err = ol_keypad_unit_dial_on(&r->keypad);
        }
        break;
    case KEYPAD_TURN:
        ol_keypad_unit_turn(&r->keypad, now, c->key);
        break;
    case KEYPAD_KEY:
        ol_keypad_unit_key(&r->keypad, now, c->key);
        break;
    case KEYPAD_RX:
        ol_keypad_unit_rx(&r->keypad, now, c->byte);
        break;
    case KEYPAD_TICK:
        ol_keypad_unit_tick(&r->keypad, now);
        break;
    case KEYPAD_SHUTDOWN:
        ol_keypad_unit_shutdown(&r->keypad);
        break;
    }
}

static ol_err keypad(safe_rig *r, keypad_call c) {
    c.r = r;
    if (r->hooks.keypad) {
        r->hooks.keypad(r->hooks.ctx, keypad_run, &c);
    } else {
        keypad_run(&c);
    }
    return c.err;
}

static uint32_t keypad_no_rtc(void *ctx) {
    (void)ctx;
    return OL_RTC_LOST; // the keypad unit has no clock
}

static ol_err keypad_no_rtc_set(void *ctx, uint32_t seconds) {
    (void)ctx;
    (void)seconds;
    return OL_ERR_STATE;
}

void safe_rig_platforms(safe_rig *r) {
    r->lock_plat = (ol_platform){
        .flash = &r->lock_flash.flash,
        .trng = ol_testrng_fill,
        .trng_ctx = &r->lock_rng,
        .rtc_now = ol_vclock_rtc,
        .rtc_set = ol_vclock_rtc_set,
        .rtc_ctx = &r->clock,
        .boot = &r->boot,
        .self_powered = r->dial, // a dial unit is the lock's only power
    };
    ol_boot_services_init(&r->boot, &r->lock_flash.flash, OL_BOOT_FIRST_SECTOR, sim_maker_key());
    r->keypad_plat = (ol_platform){
        .flash = &r->keypad_flash.flash,
        .trng = ol_testrng_fill,
        .trng_ctx = &r->keypad_rng,
        .rtc_now = keypad_no_rtc,
        .rtc_set = keypad_no_rtc_set,
        .rtc_ctx = NULL,
    };
}

ol_err safe_rig_factory(safe_rig *r) {
    ol_boot_area area = {&r->lock_flash.flash, OL_BOOT_FIRST_SECTOR};
    return sim_maker_factory_install(&area);
}

// The bootloader, as the reference board runs it before the lock body.
static ol_err bootloader(safe_rig *r) {
    memset(&r->running, 0, sizeof r->running);
    if (!r->lock_plat.boot) {
        return OL_OK; // a port without updates
    }
    ol_err err = ol_boot_run(&r->boot.area, r->boot.maker_key, &r->running);
    if (err && !r->internal_error[0]) {
        snprintf(r->internal_error, sizeof r->internal_error,
                 "the lock body's bootloader found no verified image to run (%s)",
                 ol_err_name(err));
    }
    return err;
}

ol_err safe_rig_boot_lock(safe_rig *r) {
    r->powered = true;
    r->lock_on_at = r->t;
    sync_clock(r);
    memset(&r->body, 0, sizeof r->body);
    ol_err err = bootloader(r);
    ol_err body = ol_body_boot(&r->body, &r->lock_plat, 0, r->door_open, body_send, r);
    return err ? err : body;
}

ol_err safe_rig_boot_keypad(safe_rig *r) {
    r->keypad_on_at = r->t;
    memset(&r->keypad, 0, sizeof r->keypad);
    return keypad(r, (keypad_call){.op = KEYPAD_BOOT});
}

void safe_rig_power_down(safe_rig *r) {
    keypad(r, (keypad_call){.op = KEYPAD_SHUTDOWN});
    ol_body_shutdown(&r->body);
    safe_rig_cable_clear(r);
    r->powered = false;
}

void safe_rig_keypad_unplug(safe_rig *r) {
    if (r->powered) {
        keypad(r, (keypad_call){.op = KEYPAD_SHUTDOWN});
    }
    fifo_clear(&r->to_keypad);
}

void safe_rig_free(safe_rig *r) {
    free(r->to_lock.b);
    free(r->to_keypad.b);
    r->to_lock = r->to_keypad = (safe_rig_fifo){0};
    for (size_t i = 0; i < r->nframes; i++) {
        free(r->frames[i].bytes);
    }
    free(r->frames);
    r->frames = NULL;
    r->nframes = r->capframes = 0;
}

// ---- driving -------------------------------------------------------------------------
// Enough for thousands of frames: more in one go means the units answer each
// other for ever.
#define PUMP_MAX_BYTES (256u * 1024u)

bool safe_rig_pump(safe_rig *r) {
    size_t budget = PUMP_MAX_BYTES;
    sync_clock(r);
    while (r->powered && (r->to_lock.len || r->to_keypad.len)) {
        if (budget-- == 0) {
            if (!r->internal_error[0]) {
                snprintf(r->internal_error, sizeof r->internal_error,
                         "the keypad and the lock body keep sending to each other: over %u "
                         "bytes on the cable without a pause",
                         PUMP_MAX_BYTES);
            }
            safe_rig_cable_clear(r);
            break;
        }
        if (r->to_lock.len) {
            uint8_t byte = fifo_pop(&r->to_lock);
            result(r, ol_body_rx(&r->body, lock_now(r), byte), "cable");
        }
        if (r->to_keypad.len) {
            keypad(r, (keypad_call){.op = KEYPAD_RX, .byte = fifo_pop(&r->to_keypad)});
        }
    }
    return !r->internal_error[0];
}

bool safe_rig_event(safe_rig *r, const ol_event *ev, const char *during) {
    sync_clock(r);
    result(r, ol_body_event(&r->body, lock_now(r), ev), during);
    safe_rig_pump(r);
    step(r);
    return !r->internal_error[0];
}

bool safe_rig_service(safe_rig *r, const uint8_t *req, size_t len,
                      uint8_t resp[OL_SERVICE_RESPONSE_MAX], size_t *resp_len) {
    sync_clock(r);
    result(r, ol_body_service(&r->body, lock_now(r), req, len, resp, resp_len), "service");
    safe_rig_pump(r);
    step(r);
    return !r->internal_error[0];
}

void safe_rig_press(safe_rig *r, char key) {
    if (r->powered) {
        sync_clock(r);
        keypad(r, (keypad_call){.op = KEYPAD_KEY, .key = key});
    }
}

bool safe_rig_turn(safe_rig *r, int dir) {
    if (r->powered) {
        sync_clock(r);
        keypad(r, (keypad_call){.op = KEYPAD_TURN, .key = (char)(dir > 0 ? 1 : -1)});
        safe_rig_pump(r);
        step(r);
    }
    return !r->internal_error[0];
}

bool safe_rig_key(safe_rig *r, char key) {
    if (r->powered) {
        safe_rig_press(r, key);
        safe_rig_pump(r);
        step(r);
    }
    return !r->internal_error[0];
}

// Both units' work at this instant: the keypad's, then the lock body's.
static void tick(safe_rig *r) {
    sync_clock(r);
    keypad(r, (keypad_call){.op = KEYPAD_TICK});
    safe_rig_pump(r);
    ol_event ev = {.type = OL_EV_TICK};
    safe_rig_event(r, &ev, "tick");
}

// The next instant at which either unit has something to do (UINT64_MAX:
// none); *who names the unit and *own is the deadline in its own time.
static uint64_t next_deadline(const safe_rig *r, const char **who, uint64_t *own) {
    uint64_t next = UINT64_MAX;
    uint64_t d = ol_body_next_deadline(&r->body);
    if (d != UINT64_MAX && d <= UINT64_MAX - r->lock_on_at) {
        next = r->lock_on_at + d;
        *who = "lock body";
        *own = d;
    }
    uint64_t k = ol_keypad_unit_next_deadline(&r->keypad);
    if (k != UINT64_MAX && k <= UINT64_MAX - r->keypad_on_at && r->keypad_on_at + k < next) {
        next = r->keypad_on_at + k;
        *who = "keypad unit";
        *own = k;
    }
    return next;
}

bool safe_rig_advance(safe_rig *r, uint64_t ms) {
    uint64_t end = r->t + ms;
    uint64_t last = UINT64_MAX;
    unsigned repeats = 0;
    while (r->powered && !r->internal_error[0]) {
        const char *who = "";
        uint64_t own = 0;
        uint64_t next = next_deadline(r, &who, &own);
        if (next >= end) {
            break;
        }
        if (next < r->t) {
            next = r->t;
        }
        if (next == last && ++repeats > 64) {
            snprintf(r->internal_error, sizeof r->internal_error,
                     "the %s's next deadline stays at %llu ms after its power-up however "
                     "often it is ticked",
                     who, (unsigned long long)own);
            return false;
        }
        if (next != last) {
            repeats = 0;
        }
        last = next;
        r->t = next;
        tick(r);
    }
    if (r->internal_error[0]) {
        return false;
    }
    r->t = end;
    if (r->powered) {
        tick(r);
    }
    return !r->internal_error[0];
}

bool safe_rig_inject(safe_rig *r, const uint8_t *bytes, size_t len) {
    fifo_push(&r->to_lock, bytes, len);
    safe_rig_pump(r);
    step(r);
    return !r->internal_error[0];
}

bool safe_rig_replay(safe_rig *r, size_t first, size_t count) {
    // Frames the units send meanwhile may be recorded too: the range is over
    // those recorded before.
    for (size_t i = first; i < first + count && i < r->nframes && !r->internal_error[0]; i++) {
        const safe_rig_frame *f = &r->frames[i];
        fifo_push(f->to_lock ? &r->to_lock : &r->to_keypad, f->bytes, f->len);
        safe_rig_pump(r);
        step(r);
    }
    return !r->internal_error[0];
}
