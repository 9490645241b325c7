// ownerlock-sim — the world: a keypad unit and a lock body joined by a cable,
// the door, the battery, the clock, and virtual time.
//
// Both units run the real firmware: the lock body (ol_body: the engine behind
// its end of the secure link) and the keypad unit (ol_keypad_unit: keys,
// display, its link end, its identity in its own flash). They talk only
// through the cable: each hands whole frames to a send callback, the frames
// wait in a FIFO per direction, and a pump delivers them byte by byte after
// every action and every time step, until both directions are quiet. The
// wire can be recorded, and bytes injected or replayed (`wire`). After every
// step the observable state is compared with what was last reported to turn
// it into events.
#define _DEFAULT_SOURCE // getrandom(), mkdtemp()

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

static const char LOCK_FLASH[] = "lock.flash";
static const char KEYPAD_FLASH[] = "keypad.flash";
static const char WORLD_STATE[] = "world.state";

const char *sim_bolt_name(ol_bolt b) {
    return b == OL_BOLT_EXTENDED ? "extended" : "retracted";
}

static char *path_in(const sim_world *w, const char *name) {
    sim_buf b = {0};
    sim_buf_printf(&b, "%s/%s", w->dir, name);
    return b.s;
}

// ---- small event helpers ---------------------------------------------------------
static void emit_warning(sim_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit_warning(sim_world *w, const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_event ev;
    sim_event_begin(&ev, w->t, "sim", "warning");
    sim_event_str(&ev, "message", msg);
    sim_emit(w->events, &ev);
}

static void emit_clock(sim_world *w) {
    char wall[SIM_ISO_BYTES], rtc[SIM_ISO_BYTES];
    sim_format_iso(sim_world_wall(w), wall);
    uint32_t r = sim_world_rtc(w);
    if (r == OL_RTC_LOST) {
        strcpy(rtc, "lost");
    } else {
        sim_format_iso(r, rtc);
    }
    sim_event ev;
    sim_event_begin(&ev, w->t, "sim", "clock");
    sim_event_str(&ev, "wall", wall);
    sim_event_str(&ev, "rtc", rtc);
    sim_emit(w->events, &ev);
}

// ---- observation ---------------------------------------------------------------
// Each unit's monotonic time since it booted.
static uint64_t unit_now(const sim_world *w) {
    return w->t - w->powered_on_at;
}

static uint64_t keypad_now(const sim_world *w) {
    return w->t - w->keypad_on_at;
}

static void sync_clock(sim_world *w) {
    w->clock.now_ms = w->t;
}

static const ol_lock *engine(const sim_world *w) {
    return &w->body->lock;
}

int64_t sim_world_wall(const sim_world *w) {
    return w->clock.world_epoch + (int64_t)(w->t / 1000);
}

uint32_t sim_world_rtc(sim_world *w) {
    sync_clock(w);
    return ol_vclock_rtc(&w->clock);
}

void sim_world_lines(const sim_world *w, char line[2][OL_DISPLAY_COLS + 1]) {
    if (!w->powered) {
        memset(line, 0, 2 * (OL_DISPLAY_COLS + 1));
        return;
    }
    ol_keypad_unit_display(w->keypad, line);
    line[0][OL_DISPLAY_COLS] = '\0';
    line[1][OL_DISPLAY_COLS] = '\0';
}

bool sim_world_led(const sim_world *w, bool red) {
    return w->powered && ol_keypad_unit_led(w->keypad, red ? 1 : 0);
}

void sim_world_display(const sim_world *w, char *out, size_t cap) {
    if (!w->powered) {
        snprintf(out, cap, "%s", "");
        return;
    }
    char line[2][OL_DISPLAY_COLS + 1];
    sim_world_lines(w, line);
    for (int i = 0; i < 2; i++) {
        size_t n = strlen(line[i]);
        while (n > 0 && line[i][n - 1] == ' ') {
            line[i][--n] = '\0';
        }
    }
    snprintf(out, cap, "%s | %s", line[0], line[1]);
}

static void report_audit(sim_world *w) {
    ol_status st;
    ol_lock_status(engine(w), &st);
    uint32_t last = st.audit_next_seq ? st.audit_next_seq - 1 : 0;
    if (w->audit_reported > last) {
        emit_warning(w, "the audit trail ends at %" PRIu32 " but %" PRIu32 " was reported", last,
                     w->audit_reported);
        w->audit_reported = last;
    }
    uint32_t seq = w->audit_reported + 1;
    if (seq < st.audit_first_seq) {
        if (w->audit_reported != 0) {
            emit_warning(w, "audit records %" PRIu32 "-%" PRIu32 " rotated out before reported",
                         seq, st.audit_first_seq - 1);
        }
        seq = st.audit_first_seq;
    }
    for (; seq <= last && seq != 0; seq++) {
        ol_audit_event a;
        ol_err e = ol_lock_audit_read(engine(w), seq, &a);
        w->audit_reported = seq;
        if (e != OL_OK) {
            emit_warning(w, "audit record %" PRIu32 " unreadable: %s", seq, ol_err_name(e));
            continue;
        }
        char when[SIM_ISO_BYTES];
        if (a.time == OL_RTC_LOST) {
            strcpy(when, "lost");
        } else {
            sim_format_iso(a.time, when);
        }
        sim_event ev;
        sim_event_begin(&ev, w->t, "lock", "audit");
        sim_event_uint(&ev, "seq", a.seq);
        sim_event_str(&ev, "kind", ol_audit_kind_name(a.kind));
        if (a.slot != OL_AUDIT_NO_SLOT) {
            sim_event_uint(&ev, "slot", a.slot);
        }
        sim_event_uint(&ev, "arg", a.arg);
        sim_event_str(&ev, "time", when);
        sim_emit(w->events, &ev);
    }
}

static void report_led(sim_world *w, const char *color, bool on, bool *seen) {
    if (on == *seen) {
        return;
    }
    *seen = on;
    sim_event ev;
    sim_event_begin(&ev, w->t, "keypad", "led");
    sim_event_str(&ev, "color", color);
    sim_event_bool(&ev, "on", on);
    sim_emit(w->events, &ev);
}

// The keypad beeps when a DISPLAY brings a beep count it has not sounded yet.
// The engine's count only grows while it runs; the keypad forgets it when it
// restarts its session (its DISPLAY starts from zero again), so the
// simulator keeps the highest count sounded since the lock body booted.
static void report_beep(sim_world *w) {
    const ol_display_msg *d = ol_keypad_unit_shown(w->keypad);
    if (d->beeps <= w->seen.beeps) {
        return;
    }
    w->seen.beeps = d->beeps;
    static const char *const pattern[] = {"none", "ok", "error", "alert"};
    sim_event ev;
    sim_event_begin(&ev, w->t, "keypad", "beep");
    sim_event_str(&ev, "pattern", (unsigned)d->beep < 4 ? pattern[d->beep] : "unknown");
    sim_emit(w->events, &ev);
}

// Compare what can be seen with what was last reported; emit the differences.
static void observe(sim_world *w) {
    const ol_outputs *o = NULL;
    if (w->powered) {
        report_audit(w);
        o = ol_lock_outputs(engine(w));
        if (o->bolt == OL_BOLT_EXTENDED || o->bolt == OL_BOLT_RETRACTED) {
            w->bolt = o->bolt;
        }
    }
    sim_event ev;
    if (w->bolt != w->seen.bolt) {
        w->seen.bolt = w->bolt;
        sim_event_begin(&ev, w->t, "lock", "bolt");
        sim_event_str(&ev, "state", sim_bolt_name(w->bolt));
        sim_emit(w->events, &ev);
    }
    bool alarm = o && o->alarm;
    if (alarm != w->seen.alarm) {
        w->seen.alarm = alarm;
        sim_event_begin(&ev, w->t, "lock", "alarm");
        sim_event_bool(&ev, "on", alarm);
        sim_emit(w->events, &ev);
    }
    char text[sizeof w->seen.display];
    sim_world_display(w, text, sizeof text);
    if (strcmp(text, w->seen.display) != 0) {
        memcpy(w->seen.display, text, sizeof text);
        sim_event_begin(&ev, w->t, "keypad", "display");
        sim_event_str(&ev, "text", text);
        sim_emit(w->events, &ev);
    }
    report_led(w, "green", sim_world_led(w, false), &w->seen.led_green);
    report_led(w, "red", sim_world_led(w, true), &w->seen.led_red);
    if (w->powered) {
        report_beep(w);
    }
}

static void report_fault(sim_world *w, ol_err e, const char *during) {
    // A lock in its fault state may fail every tick: report each new error once.
    if (e == w->last_error) {
        return;
    }
    w->last_error = e;
    if (e == OL_OK) {
        return;
    }
    sim_event ev;
    sim_event_begin(&ev, w->t, "lock", "fault");
    sim_event_str(&ev, "error", ol_err_name(e));
    sim_event_str(&ev, "during", during);
    sim_emit(w->events, &ev);
}

// ---- the cable -----------------------------------------------------------------
// Both units hand whole frames to a send callback; the frame goes into the
// FIFO toward the other unit and is delivered byte by byte by pump(), never
// from inside a callback, so neither unit is re-entered.
static void fifo_push(sim_fifo *f, const uint8_t *bytes, size_t len) {
    if (f->head > 0 && f->head + f->len + len > f->cap) {
        memmove(f->b, f->b + f->head, f->len);
        f->head = 0;
    }
    if (f->len + len > f->cap) {
        size_t cap = f->cap ? f->cap : 256;
        while (cap < f->len + len) {
            cap *= 2;
        }
        f->b = sim_xrealloc(f->b, cap);
        f->cap = cap;
    }
    memcpy(f->b + f->head + f->len, bytes, len);
    f->len += len;
}

static uint8_t fifo_pop(sim_fifo *f) {
    uint8_t byte = f->b[f->head++];
    if (--f->len == 0) {
        f->head = 0;
    }
    return byte;
}

static void fifo_clear(sim_fifo *f) {
    f->head = 0;
    f->len = 0;
}

static void fifo_free(sim_fifo *f) {
    free(f->b);
    *f = (sim_fifo){0};
}

static void hex_of(const uint8_t *bytes, size_t len, char *out) {
    static const char hexdigit[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hexdigit[bytes[i] >> 4];
        out[2 * i + 1] = hexdigit[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

// A frame a unit sent: recorded (and reported) while recording, then queued.
static void cable_send(sim_world *w, bool to_lock, const uint8_t *bytes, size_t len) {
    if (w->recording && len > 0) {
        if (w->nframes == w->capframes) {
            w->capframes = w->capframes ? 2 * w->capframes : 64;
            w->frames = sim_xrealloc(w->frames, w->capframes * sizeof *w->frames);
        }
        sim_frame *f = &w->frames[w->nframes++];
        *f = (sim_frame){.to_lock = to_lock, .len = len, .bytes = sim_xmalloc(len)};
        memcpy(f->bytes, bytes, len);
        char *hex = sim_xmalloc(2 * len + 1);
        hex_of(bytes, len, hex);
        sim_event ev;
        sim_event_begin(&ev, w->t, "wire", "frame");
        sim_event_str(&ev, "dir", to_lock ? "keypad>lock" : "lock>keypad");
        sim_event_str(&ev, "hex", hex);
        sim_emit(w->events, &ev);
        free(hex);
    }
    fifo_push(to_lock ? &w->to_lock : &w->to_keypad, bytes, len);
}

static void body_send(void *ctx, const uint8_t *bytes, size_t len) {
    cable_send(ctx, false, bytes, len);
}

static void keypad_send(void *ctx, const uint8_t *bytes, size_t len) {
    cable_send(ctx, true, bytes, len);
}

// Enough for thousands of frames: more in one go means the units answer each
// other for ever.
#define SIM_PUMP_MAX_BYTES (256u * 1024u)

// Deliver what is on the cable, a byte at a time in each direction, until
// both directions are quiet.
static void pump(sim_world *w) {
    size_t budget = SIM_PUMP_MAX_BYTES;
    sync_clock(w);
    while (w->powered && (w->to_lock.len || w->to_keypad.len)) {
        if (budget-- == 0) {
            if (!w->internal_error[0]) {
                snprintf(w->internal_error, sizeof w->internal_error,
                         "the keypad and the lock body keep sending to each other: over %u "
                         "bytes on the cable without a pause",
                         SIM_PUMP_MAX_BYTES);
            }
            fifo_clear(&w->to_lock);
            fifo_clear(&w->to_keypad);
            return;
        }
        if (w->to_lock.len) {
            uint8_t byte = fifo_pop(&w->to_lock);
            report_fault(w, ol_body_rx(w->body, unit_now(w), byte), "cable");
        }
        if (w->to_keypad.len) {
            uint8_t byte = fifo_pop(&w->to_keypad);
            ol_keypad_unit_rx(w->keypad, keypad_now(w), byte);
        }
    }
}

void sim_world_wire_record(sim_world *w, bool on) {
    w->recording = on;
}

size_t sim_world_wire_recorded(const sim_world *w) {
    return w->nframes;
}

void sim_world_wire_inject(sim_world *w, const uint8_t *bytes, size_t len) {
    if (!w->powered) {
        emit_warning(w, "no power: the injected bytes went nowhere");
        return;
    }
    fifo_push(&w->to_lock, bytes, len);
    pump(w);
    observe(w);
}

void sim_world_wire_replay(sim_world *w, size_t first, size_t count) {
    if (!w->powered) {
        emit_warning(w, "no power: the replayed frames went nowhere");
        return;
    }
    // Frames the units send meanwhile may be recorded too: the caller's range
    // is over those recorded before.
    for (size_t i = first; i < first + count && i < w->nframes && !w->internal_error[0]; i++) {
        const sim_frame *f = &w->frames[i];
        fifo_push(f->to_lock ? &w->to_lock : &w->to_keypad, f->bytes, f->len);
        pump(w);
        observe(w);
    }
}

static void frames_free(sim_world *w) {
    for (size_t i = 0; i < w->nframes; i++) {
        free(w->frames[i].bytes);
    }
    free(w->frames);
    w->frames = NULL;
    w->nframes = w->capframes = 0;
}

// ---- the units -------------------------------------------------------------------
static void body_event(sim_world *w, const ol_event *lev, const char *during) {
    sync_clock(w);
    ol_err e = ol_body_event(w->body, unit_now(w), lev);
    report_fault(w, e, during);
    pump(w);
    observe(w);
}

static void tick(sim_world *w) {
    sync_clock(w);
    ol_keypad_unit_tick(w->keypad, keypad_now(w));
    pump(w);
    ol_event ev = {.type = OL_EV_TICK};
    body_event(w, &ev, "tick");
}

// The lock body's own sensors: battery voltage and the remote-disable input.
static void tell_sensors(sim_world *w) {
    if (!w->powered) {
        return;
    }
    ol_event battery = {.type = OL_EV_BATTERY, .value = w->battery_mv};
    body_event(w, &battery, "battery");
    ol_event remote = {.type = OL_EV_REMOTE_DISABLE, .value = w->remote_disable ? 1u : 0u};
    body_event(w, &remote, "remote-disable");
}

// The keypad's TRNG stream: its own, derived from --seed and which keypad it
// is, so a replacement draws another identity.
static uint64_t keypad_seed(const sim_world *w) {
    uint64_t z = w->seed + 0x9E3779B97F4A7C15u * ((uint64_t)w->keypads + 1u) + 0x6B65797061640000u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
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

// Boot the fitted keypad from its flash (power-up, or a new keypad).
static void keypad_boot(sim_world *w) {
    w->keypad_on_at = w->t;
    memset(w->keypad, 0, sizeof *w->keypad);
    ol_err e = ol_keypad_unit_boot(w->keypad, &w->keypad_plat, 0, keypad_send, w);
    if (e != OL_OK) {
        sim_event ev;
        sim_event_begin(&ev, w->t, "keypad", "fault");
        sim_event_str(&ev, "error", ol_err_name(e));
        sim_event_str(&ev, "during", "boot");
        sim_emit(w->events, &ev);
    }
}

static void power_up(sim_world *w) {
    w->powered = true;
    w->powered_on_at = w->t;
    w->seen.beeps = 0; // the counter starts again with the firmware
    w->last_error = OL_OK;
    sim_event ev;
    sim_event_begin(&ev, w->t, "sim", "power");
    sim_event_bool(&ev, "on", true);
    sim_emit(w->events, &ev);

    sync_clock(w);
    fifo_clear(&w->to_lock);
    fifo_clear(&w->to_keypad);
    memset(w->body, 0, sizeof *w->body);
    ol_err e = ol_body_boot(w->body, &w->plat, 0, w->door_open, body_send, w);
    report_fault(w, e, "boot");
    keypad_boot(w);
    pump(w);
    observe(w);
    tell_sensors(w);
}

// The next instant, in world time, at which either unit has something to do
// (UINT64_MAX: none); *who names the unit and *own is the deadline in its time.
static uint64_t next_deadline(const sim_world *w, const char **who, uint64_t *own) {
    uint64_t next = UINT64_MAX;
    uint64_t d = ol_body_next_deadline(w->body);
    if (d != UINT64_MAX && d <= UINT64_MAX - w->powered_on_at) {
        next = w->powered_on_at + d;
        *who = "lock body";
        *own = d;
    }
    uint64_t k = ol_keypad_unit_next_deadline(w->keypad);
    if (k != UINT64_MAX && k <= UINT64_MAX - w->keypad_on_at && w->keypad_on_at + k < next) {
        next = w->keypad_on_at + k;
        *who = "keypad unit";
        *own = k;
    }
    return next;
}

bool sim_world_advance(sim_world *w, uint64_t ms) {
    uint64_t end = w->t + ms;
    uint64_t last = UINT64_MAX;
    unsigned repeats = 0;
    while (w->powered && !w->internal_error[0]) {
        const char *who = "";
        uint64_t own = 0;
        uint64_t next = next_deadline(w, &who, &own);
        if (next >= end) {
            break;
        }
        if (next < w->t) {
            next = w->t;
        }
        if (next == last && ++repeats > 64) {
            snprintf(w->internal_error, sizeof w->internal_error,
                     "the %s's next deadline stays at %" PRIu64
                     " ms after its power-up however often it is ticked",
                     who, own);
            return false;
        }
        if (next != last) {
            repeats = 0;
        }
        last = next;
        w->t = next;
        tick(w);
    }
    if (w->internal_error[0]) {
        return false;
    }
    w->t = end;
    if (w->powered) {
        tick(w);
    }
    return !w->internal_error[0];
}

bool sim_world_key(sim_world *w, char key) {
    if (!w->powered) {
        return true;
    }
    sync_clock(w);
    ol_keypad_unit_key(w->keypad, keypad_now(w), key);
    pump(w);
    observe(w);
    return !w->internal_error[0];
}

bool sim_world_door(sim_world *w, bool open) {
    if (open == w->door_open) {
        return true;
    }
    if (open && w->bolt == OL_BOLT_EXTENDED) {
        return false;
    }
    w->door_open = open;
    sim_event ev;
    sim_event_begin(&ev, w->t, "sim", "door");
    sim_event_str(&ev, "state", open ? "open" : "closed");
    sim_emit(w->events, &ev);
    if (w->powered) {
        ol_event lev = {.type = OL_EV_DOOR, .door_open = open};
        body_event(w, &lev, "door");
    }
    return true;
}

static void power_down(sim_world *w) {
    ol_keypad_unit_shutdown(w->keypad);
    ol_body_shutdown(w->body);
    fifo_clear(&w->to_lock);
    fifo_clear(&w->to_keypad);
    w->powered = false;
}

void sim_world_power(sim_world *w, bool on) {
    if (on == w->powered) {
        return;
    }
    if (on) {
        power_up(w);
        return;
    }
    power_down(w);
    sim_event ev;
    sim_event_begin(&ev, w->t, "sim", "power");
    sim_event_bool(&ev, "on", false);
    sim_emit(w->events, &ev);
    observe(w);
}

static void format_volts(uint32_t mv, char out[16]) {
    snprintf(out, 16, "%" PRIu32 ".%02" PRIu32, mv / 1000, mv % 1000 / 10);
}

void sim_world_battery(sim_world *w, uint32_t mv) {
    w->battery_mv = mv;
    char volts[16];
    format_volts(mv, volts);
    sim_event ev;
    sim_event_begin(&ev, w->t, "sim", "battery");
    sim_event_raw(&ev, "volts", volts);
    sim_emit(w->events, &ev);
    tell_sensors(w);
}

void sim_world_remote_disable(sim_world *w, bool on) {
    w->remote_disable = on;
    sim_event ev;
    sim_event_begin(&ev, w->t, "sim", "remote_disable");
    sim_event_bool(&ev, "on", on);
    sim_emit(w->events, &ev);
    tell_sensors(w);
}

void sim_world_clock_set(sim_world *w, int64_t wall_secs) {
    w->clock.world_epoch = wall_secs - (int64_t)(w->t / 1000);
    emit_clock(w);
}

void sim_world_clock_lose(sim_world *w) {
    w->clock.rtc_lost = true;
    emit_clock(w);
}

void sim_world_show(sim_world *w) {
    sim_event ev;
    sim_event_begin(&ev, w->t, "sim", "state");
    sim_event_bool(&ev, "power", w->powered);
    sim_event_str(&ev, "bolt", sim_bolt_name(w->bolt));
    sim_event_str(&ev, "door", w->door_open ? "open" : "closed");
    sim_event_bool(&ev, "alarm", w->powered && ol_lock_outputs(engine(w))->alarm);
    char text[sizeof w->seen.display];
    sim_world_display(w, text, sizeof text);
    sim_event_str(&ev, "display", text);
    bool green = sim_world_led(w, false);
    bool red = sim_world_led(w, true);
    char leds[48];
    snprintf(leds, sizeof leds, "{\"green\":%s,\"red\":%s}", green ? "true" : "false",
             red ? "true" : "false");
    sim_event_raw(&ev, "leds", leds);
    char volts[16];
    format_volts(w->battery_mv, volts);
    sim_event_raw(&ev, "battery", volts);
    char iso[SIM_ISO_BYTES];
    uint32_t rtc = sim_world_rtc(w);
    if (rtc == OL_RTC_LOST) {
        strcpy(iso, "lost");
    } else {
        sim_format_iso(rtc, iso);
    }
    sim_event_str(&ev, "rtc", iso);
    sim_format_iso(sim_world_wall(w), iso);
    sim_event_str(&ev, "clock", iso);
    sim_event_bool(&ev, "remote_disable", w->remote_disable);
    if (w->powered) {
        ol_status st;
        ol_lock_status(engine(w), &st);
        sim_event_uint(&ev, "lockout_remaining_ms", st.lockout_remaining_ms);
        sim_event_uint(&ev, "failures", st.failures);
        sim_event_bool(&ev, "commissioned", st.commissioned);
        sim_buf slots = {0};
        sim_buf_putc(&slots, '[');
        for (unsigned i = 0; i < 32; i++) {
            if (st.enrolled & (UINT32_C(1) << i)) {
                sim_buf_printf(&slots, "%s%u", slots.len > 1 ? "," : "", i);
            }
        }
        sim_buf_putc(&slots, ']');
        sim_event_raw(&ev, "enrolled", slots.s);
        sim_buf_free(&slots);
        sim_event_uint(&ev, "audit_next_seq", st.audit_next_seq);
    } else {
        // the lock body is off: nothing to ask it
        sim_event_raw(&ev, "lockout_remaining_ms", "null");
        sim_event_raw(&ev, "failures", "null");
        sim_event_raw(&ev, "commissioned", "null");
        sim_event_raw(&ev, "enrolled", "null");
        sim_event_raw(&ev, "audit_next_seq", "null");
    }
    sim_emit(w->events, &ev);
}

void sim_world_dump(sim_world *w, bool lock_unit) {
    const ol_flash *f = lock_unit ? &w->lock_flash.flash : &w->keypad_flash.flash;
    size_t size = (size_t)f->sector_size * f->sector_count;
    uint8_t *img = sim_xmalloc(size);
    ol_err e = f->read(f->ctx, 0, img, size);
    if (e != OL_OK) {
        emit_warning(w, "reading the %s flash failed: %s", lock_unit ? "lock" : "keypad",
                     ol_err_name(e));
        free(img);
        return;
    }
    char *hex = sim_xmalloc(2 * size + 1);
    hex_of(img, size, hex);
    // The dumped unit is the event's own "unit": a second "unit" key would
    // make the object ambiguous JSON.
    sim_event ev;
    sim_event_begin(&ev, w->t, lock_unit ? "lock" : "keypad", "dump");
    sim_event_str(&ev, "hex", hex);
    sim_emit(w->events, &ev);
    free(hex);
    free(img);
}

// ---- the state directory --------------------------------------------------------
// world.state: one "key value" per line. The wall clock is saved as it stood
// at the end of the run; no time passes between runs.
static bool load_state(sim_world *w, const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) {
            return true; // a fresh safe
        }
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char line[256];
    unsigned lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char key[32], value[64];
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        if (sscanf(line, "%31s %63s", key, value) != 2) {
            ok = false;
            break;
        }
        char *end;
        errno = 0;
        long long n = strtoll(value, &end, 10);
        bool number = errno == 0 && *end == '\0';
        if (strcmp(key, "version") == 0) {
            ok = number && n == 1;
        } else if (strcmp(key, "wall_ms") == 0 && number) {
            w->clock.world_epoch = n / 1000;
        } else if (strcmp(key, "rtc_lost") == 0 && number) {
            w->clock.rtc_lost = n != 0;
        } else if (strcmp(key, "rtc_offset_s") == 0 && number) {
            w->clock.rtc_offset_s = n;
        } else if (strcmp(key, "door") == 0) {
            ok = strcmp(value, "open") == 0 || strcmp(value, "closed") == 0;
            w->door_open = strcmp(value, "open") == 0;
        } else if (strcmp(key, "bolt") == 0) {
            ok = strcmp(value, "extended") == 0 || strcmp(value, "retracted") == 0;
            w->bolt = strcmp(value, "extended") == 0 ? OL_BOLT_EXTENDED : OL_BOLT_RETRACTED;
        } else if (strcmp(key, "battery_mv") == 0 && number && n >= 0 && n <= 100000) {
            w->battery_mv = (uint32_t)n;
        } else if (strcmp(key, "remote_disable") == 0 && number) {
            w->remote_disable = n != 0;
        } else if (strcmp(key, "audit_reported") == 0 && number && n >= 0 && n <= UINT32_MAX) {
            w->audit_reported = (uint32_t)n;
        } else if (strcmp(key, "keypads_replaced") == 0 && number && n >= 0 && n <= UINT32_MAX) {
            w->keypads = (uint32_t)n;
        } else {
            ok = false;
        }
    }
    fclose(f);
    if (!ok) {
        snprintf(err, errlen, "%s:%u: not a world state this simulator wrote", path, lineno);
    }
    return ok;
}

static void save_state(sim_world *w) {
    char *path = path_in(w, WORLD_STATE);
    sim_buf tmp = {0};
    sim_buf_printf(&tmp, "%s.tmp", path);
    FILE *f = fopen(tmp.s, "w");
    bool ok = f != NULL;
    if (ok) {
        fprintf(f, "# ownerlock-sim world state\nversion 1\n");
        fprintf(f, "wall_ms %" PRId64 "\n", w->clock.world_epoch * 1000 + (int64_t)w->t);
        fprintf(f, "rtc_lost %d\n", w->clock.rtc_lost ? 1 : 0);
        fprintf(f, "rtc_offset_s %" PRId64 "\n", w->clock.rtc_offset_s);
        fprintf(f, "door %s\n", w->door_open ? "open" : "closed");
        fprintf(f, "bolt %s\n", sim_bolt_name(w->bolt));
        fprintf(f, "battery_mv %" PRIu32 "\n", w->battery_mv);
        fprintf(f, "remote_disable %d\n", w->remote_disable ? 1 : 0);
        fprintf(f, "audit_reported %" PRIu32 "\n", w->audit_reported);
        fprintf(f, "keypads_replaced %" PRIu32 "\n", w->keypads);
        ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
        ok = fclose(f) == 0 && ok;
    }
    if (!ok || rename(tmp.s, path) != 0) {
        fprintf(stderr, "ownerlock-sim: cannot save %s: %s\n", path, strerror(errno));
        unlink(tmp.s);
    }
    sim_buf_free(&tmp);
    free(path);
}

static bool make_dir(sim_world *w, const char *state_dir, char *err, size_t errlen) {
    if (state_dir) {
        if (mkdir(state_dir, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "%s: %s", state_dir, strerror(errno));
            return false;
        }
        struct stat sb;
        if (stat(state_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            snprintf(err, errlen, "%s: not a directory", state_dir);
            return false;
        }
        w->dir = sim_xstrdup(state_dir);
        return true;
    }
    const char *tmpdir = getenv("TMPDIR");
    sim_buf b = {0};
    sim_buf_printf(&b, "%s/ownerlock-sim-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(b.s)) {
        snprintf(err, errlen, "%s: %s", b.s, strerror(errno));
        sim_buf_free(&b);
        return false;
    }
    w->dir = b.s;
    w->dir_is_temp = true;
    return true;
}

static bool open_flash(sim_world *w, ol_hostflash *hf, const char *name, uint32_t sectors,
                       char *err, size_t errlen) {
    char *path = path_in(w, name);
    ol_err e = ol_hostflash_open(hf, path, OL_HOST_SECTOR_SIZE, sectors);
    if (e != OL_OK) {
        snprintf(err, errlen, "%s: cannot open the flash image (%s)", path, ol_err_name(e));
    }
    free(path);
    return e == OL_OK;
}

static void keypad_platform(sim_world *w) {
    ol_testrng_seed(&w->keypad_rng, keypad_seed(w));
    w->keypad_plat = (ol_platform){
        .flash = &w->keypad_flash.flash,
        .trng = ol_testrng_fill,
        .trng_ctx = &w->keypad_rng,
        .rtc_now = keypad_no_rtc,
        .rtc_set = keypad_no_rtc_set,
        .rtc_ctx = NULL,
    };
}

bool sim_world_open(sim_world *w, sim_events *events, const char *state_dir, bool have_seed,
                    uint64_t seed, char *err, size_t errlen) {
    *w = (sim_world){0};
    w->events = events;
    w->door_open = true; // a fresh safe leaves the factory open
    w->bolt = OL_BOLT_RETRACTED;
    w->battery_mv = 6000;
    w->clock.world_epoch = SIM_FRESH_EPOCH;
    w->body = sim_xmalloc(sizeof *w->body);
    w->keypad = sim_xmalloc(sizeof *w->keypad);
    if (!have_seed && getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
        snprintf(err, errlen, "getrandom: %s", strerror(errno));
        return false;
    }
    w->seed = seed;
    if (!make_dir(w, state_dir, err, errlen)) {
        return false;
    }
    char *state = path_in(w, WORLD_STATE);
    bool ok = load_state(w, state, err, errlen);
    free(state);
    if (!ok) {
        return false;
    }
    w->lock_flash_open = open_flash(w, &w->lock_flash, LOCK_FLASH, OL_HOST_SECTORS, err, errlen);
    if (!w->lock_flash_open) {
        return false;
    }
    w->keypad_flash_open =
        open_flash(w, &w->keypad_flash, KEYPAD_FLASH, OL_KEYPAD_SECTORS, err, errlen);
    if (!w->keypad_flash_open) {
        return false;
    }
    ol_testrng_seed(&w->rng, seed);
    w->plat = (ol_platform){
        .flash = &w->lock_flash.flash,
        .trng = ol_testrng_fill,
        .trng_ctx = &w->rng,
        .rtc_now = ol_vclock_rtc,
        .rtc_set = ol_vclock_rtc_set,
        .rtc_ctx = &w->clock,
    };
    keypad_platform(w);
    w->seen.bolt = w->bolt;
    power_up(w);
    return true;
}

void sim_world_keypad_replace(sim_world *w) {
    if (w->powered) {
        ol_keypad_unit_shutdown(w->keypad);
        fifo_clear(&w->to_keypad); // on its way to the keypad just unplugged
    }
    // The new keypad's flash is blank: it draws a new identity and knows no
    // lock body. Its image takes the old one's place in the state directory.
    if (w->keypad_flash_open) {
        ol_hostflash_close(&w->keypad_flash);
        w->keypad_flash_open = false;
    }
    char *path = path_in(w, KEYPAD_FLASH);
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(w->internal_error, sizeof w->internal_error, "%s: %s", path, strerror(errno));
    }
    free(path);
    char err[sizeof w->internal_error];
    if (!w->internal_error[0]) {
        w->keypad_flash_open =
            open_flash(w, &w->keypad_flash, KEYPAD_FLASH, OL_KEYPAD_SECTORS, err, sizeof err);
        if (!w->keypad_flash_open) {
            snprintf(w->internal_error, sizeof w->internal_error, "%s", err);
        }
    }
    w->keypads++;
    sim_event ev;
    sim_event_begin(&ev, w->t, "sim", "keypad_replaced");
    sim_event_uint(&ev, "number", w->keypads);
    sim_emit(w->events, &ev);
    if (w->internal_error[0]) {
        w->powered = false; // nothing can run without the keypad's flash
        ol_body_shutdown(w->body);
        return;
    }
    keypad_platform(w);
    if (!w->powered) {
        return; // it boots with the power
    }
    keypad_boot(w);
    // Beeps the engine sounded before are not the new keypad's to sound.
    w->seen.beeps = ol_lock_outputs(engine(w))->beeps;
    pump(w);
    observe(w);
}

void sim_world_close(sim_world *w) {
    if (w->powered) {
        power_down(w);
    }
    if (w->dir && !w->dir_is_temp && w->lock_flash_open && w->keypad_flash_open) {
        save_state(w);
    }
    if (w->lock_flash_open) {
        ol_hostflash_close(&w->lock_flash);
    }
    if (w->keypad_flash_open) {
        ol_hostflash_close(&w->keypad_flash);
    }
    if (w->dir && w->dir_is_temp) {
        const char *names[] = {LOCK_FLASH, KEYPAD_FLASH, WORLD_STATE};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            char *p = path_in(w, names[i]);
            unlink(p);
            free(p);
        }
        if (rmdir(w->dir) != 0) {
            fprintf(stderr, "ownerlock-sim: cannot remove %s: %s\n", w->dir, strerror(errno));
        }
    }
    fifo_free(&w->to_lock);
    fifo_free(&w->to_keypad);
    frames_free(w);
    free(w->dir);
    free(w->body);
    free(w->keypad);
    *w = (sim_world){0};
}
