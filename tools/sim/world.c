// ownerlock-sim — the world: a keypad unit and a lock body joined by a cable,
// the door, the battery, the clock, and virtual time.
//
// Both units run the real firmware: the lock body (ol_body: the engine behind
// its end of the secure link) and the keypad unit (ol_keypad_unit: keys,
// display, its link end, its identity in its own flash). They and their cable
// are a safe_rig (tools/common/safe_rig.h), which the tests drive too; the
// world puts them in a state directory, powers them, and after every step
// compares the observable state with what was last reported to turn it into
// events.
#define _DEFAULT_SOURCE // getrandom(), mkdtemp()

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grow.h"
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
    sim_event_begin(&ev, w->rig.t, "sim", "warning");
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
    sim_event_begin(&ev, w->rig.t, "sim", "clock");
    sim_event_str(&ev, "wall", wall);
    sim_event_str(&ev, "rtc", rtc);
    sim_emit(w->events, &ev);
}

// ---- observation ---------------------------------------------------------------
static void sync_clock(sim_world *w) {
    w->rig.clock.now_ms = w->rig.t;
}

static const ol_lock *engine(const sim_world *w) {
    return &w->rig.body.lock;
}

int64_t sim_world_wall(const sim_world *w) {
    return w->rig.clock.world_epoch + (int64_t)(w->rig.t / 1000);
}

uint32_t sim_world_rtc(sim_world *w) {
    sync_clock(w);
    return ol_vclock_rtc(&w->rig.clock);
}

void sim_world_lines(const sim_world *w, char line[2][OL_DISPLAY_COLS + 1]) {
    if (!w->rig.powered) {
        memset(line, 0, 2 * (OL_DISPLAY_COLS + 1));
        return;
    }
    ol_keypad_unit_display(&w->rig.keypad, line);
    line[0][OL_DISPLAY_COLS] = '\0';
    line[1][OL_DISPLAY_COLS] = '\0';
}

bool sim_world_led(const sim_world *w, bool red) {
    return w->rig.powered && ol_keypad_unit_led(&w->rig.keypad, red ? 1 : 0);
}

void sim_world_display(const sim_world *w, char *out, size_t cap) {
    if (!w->rig.powered) {
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
        sim_event_begin(&ev, w->rig.t, "lock", "audit");
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
    sim_event_begin(&ev, w->rig.t, "keypad", "led");
    sim_event_str(&ev, "color", color);
    sim_event_bool(&ev, "on", on);
    sim_emit(w->events, &ev);
}

// The keypad beeps when a DISPLAY brings a beep count it has not sounded yet.
// The engine's count only grows while it runs; the keypad forgets it when it
// restarts its session (its DISPLAY starts from zero again), so the
// simulator keeps the highest count sounded since the lock body booted.
static void report_beep(sim_world *w) {
    const ol_display_msg *d = ol_keypad_unit_shown(&w->rig.keypad);
    if (d->beeps <= w->seen.beeps) {
        return;
    }
    w->seen.beeps = d->beeps;
    static const char *const pattern[] = {"none", "ok", "error", "alert"};
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "keypad", "beep");
    sim_event_str(&ev, "pattern", (unsigned)d->beep < 4 ? pattern[d->beep] : "unknown");
    sim_emit(w->events, &ev);
}

// Compare what can be seen with what was last reported; emit the differences.
static void observe(sim_world *w) {
    const ol_outputs *o = NULL;
    if (w->rig.powered) {
        report_audit(w);
        o = ol_lock_outputs(engine(w));
        if (o->bolt == OL_BOLT_EXTENDED || o->bolt == OL_BOLT_RETRACTED) {
            w->bolt = o->bolt;
        }
    }
    sim_event ev;
    if (w->bolt != w->seen.bolt) {
        w->seen.bolt = w->bolt;
        sim_event_begin(&ev, w->rig.t, "lock", "bolt");
        sim_event_str(&ev, "state", sim_bolt_name(w->bolt));
        sim_emit(w->events, &ev);
    }
    bool alarm = o && o->alarm;
    if (alarm != w->seen.alarm) {
        w->seen.alarm = alarm;
        sim_event_begin(&ev, w->rig.t, "lock", "alarm");
        sim_event_bool(&ev, "on", alarm);
        sim_emit(w->events, &ev);
    }
    char text[sizeof w->seen.display];
    sim_world_display(w, text, sizeof text);
    if (strcmp(text, w->seen.display) != 0) {
        memcpy(w->seen.display, text, sizeof text);
        sim_event_begin(&ev, w->rig.t, "keypad", "display");
        sim_event_str(&ev, "text", text);
        sim_emit(w->events, &ev);
    }
    bool session = false;
    if (w->rig.powered) {
        ol_status st;
        ol_lock_status(engine(w), &st);
        session = st.service_session_ms != 0;
    }
    if (session != w->seen.service_session) {
        w->seen.service_session = session;
        sim_event_begin(&ev, w->rig.t, "service", "session");
        sim_event_bool(&ev, "open", session);
        sim_emit(w->events, &ev);
    }
    report_led(w, "green", sim_world_led(w, false), &w->seen.led_green);
    report_led(w, "red", sim_world_led(w, true), &w->seen.led_red);
    if (w->rig.powered) {
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
    sim_event_begin(&ev, w->rig.t, "lock", "fault");
    sim_event_str(&ev, "error", ol_err_name(e));
    sim_event_str(&ev, "during", during);
    sim_emit(w->events, &ev);
}

// ---- the cable -----------------------------------------------------------------
static void hex_of(const uint8_t *bytes, size_t len, char *out) {
    static const char hexdigit[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hexdigit[bytes[i] >> 4];
        out[2 * i + 1] = hexdigit[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

// A frame recorded on the cable (safe_rig's hook): reported.
static void report_frame(void *ctx, const safe_rig_frame *f) {
    sim_world *w = ctx;
    char *hex = sim_xmalloc(2 * f->len + 1);
    hex_of(f->bytes, f->len, hex);
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "wire", "frame");
    sim_event_str(&ev, "dir", f->to_lock ? "keypad>lock" : "lock>keypad");
    sim_event_str(&ev, "hex", hex);
    sim_emit(w->events, &ev);
    free(hex);
}

void sim_world_wire_record(sim_world *w, bool on) {
    w->rig.recording = on;
}

size_t sim_world_wire_recorded(const sim_world *w) {
    return w->rig.nframes;
}

void sim_world_wire_inject(sim_world *w, const uint8_t *bytes, size_t len) {
    if (!w->rig.powered) {
        emit_warning(w, "no power: the injected bytes went nowhere");
        return;
    }
    safe_rig_inject(&w->rig, bytes, len);
}

void sim_world_wire_replay(sim_world *w, size_t first, size_t count) {
    if (!w->rig.powered) {
        emit_warning(w, "no power: the replayed frames went nowhere");
        return;
    }
    safe_rig_replay(&w->rig, first, count);
}

// ---- the units -------------------------------------------------------------------
static void body_event(sim_world *w, const ol_event *lev, const char *during) {
    safe_rig_event(&w->rig, lev, during);
}

// The lock body's own sensors: battery voltage and the remote-disable input.
static void tell_sensors(sim_world *w) {
    if (!w->rig.powered) {
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

// Boot the fitted keypad from its flash (power-up, or a new keypad).
static void keypad_boot(sim_world *w) {
    ol_err e = safe_rig_boot_keypad(&w->rig);
    if (e != OL_OK) {
        sim_event ev;
        sim_event_begin(&ev, w->rig.t, "keypad", "fault");
        sim_event_str(&ev, "error", ol_err_name(e));
        sim_event_str(&ev, "during", "boot");
        sim_emit(w->events, &ev);
    }
}

static void power_up(sim_world *w) {
    w->rig.powered = true;
    w->seen.beeps = 0; // the counter starts again with the firmware
    w->last_error = OL_OK;
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "sim", "power");
    sim_event_bool(&ev, "on", true);
    sim_emit(w->events, &ev);

    safe_rig_cable_clear(&w->rig);
    report_fault(w, safe_rig_boot_lock(&w->rig), "boot");
    // What the bootloader started (ownerlock/boot.h), after the power event.
    char digest[65];
    hex_of(w->rig.running.digest, sizeof w->rig.running.digest, digest);
    sim_event_begin(&ev, w->rig.t, "lock", "boot");
    sim_event_uint(&ev, "version", w->rig.running.version);
    sim_event_str(&ev, "digest", digest);
    sim_emit(w->events, &ev);
    keypad_boot(w);
    safe_rig_pump(&w->rig);
    observe(w);
    tell_sensors(w);
}

_Static_assert(SIM_DIAL_HOLD_MS > OL_RELOCK_UNOPENED_MS,
               "a dial's supply must keep the lock up until an unopened door relocks");

bool sim_world_advance(sim_world *w, uint64_t ms) {
    // A dial unit's charge runs out SIM_DIAL_HOLD_MS after its last detent.
    uint64_t drop = w->turned_at + SIM_DIAL_HOLD_MS;
    if (w->rig.dial && w->rig.powered && w->rig.t + ms >= drop) {
        uint64_t before = drop > w->rig.t ? drop - w->rig.t : 0;
        if (!safe_rig_advance(&w->rig, before)) {
            return false;
        }
        sim_world_power(w, false);
        ms -= before;
    }
    return safe_rig_advance(&w->rig, ms);
}

static void report_dial(sim_world *w) {
    int n = ol_keypad_unit_dial_number(&w->rig.keypad);
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "keypad", "dial");
    if (w->rig.powered && n >= 0) {
        sim_event_uint(&ev, "number", (unsigned)n);
    }
    sim_event_bool(&ev, "power", w->rig.powered);
    sim_emit(w->events, &ev);
}

// One detent; the first with the power off powers the units up instead.
static bool detent(sim_world *w, int dir) {
    if (!w->rig.powered) {
        power_up(w);
    } else if (!safe_rig_turn(&w->rig, dir)) {
        return false;
    }
    w->turned_at = w->rig.t + SIM_DIAL_STEP_MS;
    return sim_world_advance(w, SIM_DIAL_STEP_MS);
}

bool sim_world_turn(sim_world *w, int dir, uint64_t steps) {
    for (uint64_t i = 0; i < steps; i++) {
        if (!detent(w, dir)) {
            return false;
        }
    }
    report_dial(w);
    return true;
}

bool sim_world_dial_to(sim_world *w, int dir, unsigned nn) {
    if (!w->rig.powered && !detent(w, dir ? dir : 1)) {
        return false;
    }
    unsigned at = (unsigned)ol_keypad_unit_dial_number(&w->rig.keypad);
    unsigned up = (nn + OL_DIAL_NUMBERS - at) % OL_DIAL_NUMBERS; // detents turning right
    bool explicit_dir = dir != 0;
    if (dir == 0) {
        dir = up <= OL_DIAL_NUMBERS - up ? 1 : -1;
    }
    uint64_t steps = dir > 0 ? up : (OL_DIAL_NUMBERS - up) % OL_DIAL_NUMBERS;
    if (steps == 0 && explicit_dir) {
        steps = OL_DIAL_NUMBERS; // "left to 05" standing at 05: once around
    }
    return sim_world_turn(w, dir, steps);
}

bool sim_world_key(sim_world *w, char key) {
    return safe_rig_key(&w->rig, key);
}

bool sim_world_door(sim_world *w, bool open) {
    if (open == w->rig.door_open) {
        return true;
    }
    if (open && w->bolt == OL_BOLT_EXTENDED) {
        return false;
    }
    w->rig.door_open = open;
    if (!open && w->service_plugged) {
        sim_world_service_plug(w, false); // the door shuts on no cable
    }
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "sim", "door");
    sim_event_str(&ev, "state", open ? "open" : "closed");
    sim_emit(w->events, &ev);
    if (w->rig.powered) {
        ol_event lev = {.type = OL_EV_DOOR, .door_open = open};
        body_event(w, &lev, "door");
    }
    return true;
}

void sim_world_power(sim_world *w, bool on) {
    if (on == w->rig.powered) {
        return;
    }
    if (on) {
        power_up(w);
        return;
    }
    if (w->rig.dial) {
        // A self-powered lock's power-fail warning, however the power goes:
        // a commissioned lock throws its bolt on what the supply's store
        // still holds, door open or shut (a latch: a door shut on it locks).
        // PORTING.md, "The dial unit".
        ol_status st;
        ol_lock_status(engine(w), &st);
        if (st.commissioned) {
            w->bolt = OL_BOLT_EXTENDED;
        }
    }
    safe_rig_power_down(&w->rig);
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "sim", "power");
    sim_event_bool(&ev, "on", false);
    sim_emit(w->events, &ev);
    observe(w);
}

// ---- the service port ------------------------------------------------------------

bool sim_world_service_plug(sim_world *w, bool in) {
    if (in && !w->rig.door_open) {
        return false;
    }
    if (in != w->service_plugged) {
        w->service_plugged = in;
        sim_event ev;
        sim_event_begin(&ev, w->rig.t, "service", "plug");
        sim_event_bool(&ev, "plugged", in);
        sim_emit(w->events, &ev);
    }
    return true;
}

// One request; its answer begins the event (ok, result), the caller adds the rest.
static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool request(sim_world *w, const uint8_t *req, size_t len, uint8_t *resp, size_t *rlen,
                    const char *type, sim_event *ev) {
    *rlen = 0;
    if (w->rig.powered && !safe_rig_service(&w->rig, req, len, resp, rlen)) {
        return false;
    }
    char message[256] = "NO ANSWER"; // the lock body is off
    if (*rlen >= 2 && (size_t)resp[1] + 2 <= *rlen) {
        memcpy(message, resp + 2, resp[1]);
        message[resp[1]] = '\0';
    }
    sim_event_begin(ev, w->rig.t, "service", type);
    sim_event_bool(ev, "ok", *rlen >= 2 && resp[0] == OL_SERVICE_OK);
    sim_event_str(ev, "result", message);
    return true;
}

static void put_le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

bool sim_world_service_firmware(sim_world *w, const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    uint8_t *image = NULL;
    size_t len = 0, cap = 0;
    while (f && !ferror(f) && !feof(f)) {
        image = grow(image, &cap, len + 4096, 1);
        len += fread(image + len, 1, 4096, f);
    }
    if (!f || ferror(f)) {
        snprintf(err, errlen, "service firmware: %s: %s", path, strerror(errno));
        if (f) {
            fclose(f);
        }
        free(image);
        return false;
    }
    fclose(f);
    // BEGIN, the bytes 256 at a time, END: a refusal stops the transfer, and
    // the last answer is the one reported.
    uint8_t req[OL_SERVICE_REQUEST_MAX], resp[OL_SERVICE_RESPONSE_MAX];
    size_t rlen = 0;
    req[0] = OL_SERVICE_FW_BEGIN;
    put_le32(req + 1, (uint32_t)len);
    sim_event ev;
    bool ok = request(w, req, 5, resp, &rlen, "firmware", &ev);
    for (size_t at = 0; ok && at < len && rlen >= 1 && resp[0] == OL_SERVICE_OK; at += 256) {
        size_t n = len - at < 256 ? len - at : 256;
        req[0] = OL_SERVICE_FW_DATA;
        put_le32(req + 1, (uint32_t)at);
        memcpy(req + 5, image + at, n);
        sim_event_free(&ev);
        ok = request(w, req, 5 + n, resp, &rlen, "firmware", &ev);
    }
    if (ok && rlen >= 1 && resp[0] == OL_SERVICE_OK) {
        req[0] = OL_SERVICE_FW_END;
        sim_event_free(&ev);
        ok = request(w, req, 1, resp, &rlen, "firmware", &ev);
    }
    free(image);
    if (ok) {
        sim_event_uint(&ev, "bytes", len);
        sim_emit(w->events, &ev);
    }
    return ok;
}

static bool parse_hex32(const char *hex, uint8_t out[32]) {
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]) ||
            sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return false;
        }
        out[i] = (uint8_t)v;
    }
    return true;
}

// A public key file: 64 hex digits on its first line (what `ownerlock
// firmware keygen` and `ownerlock audit keygen` print).
static bool read_key_file(const char *path, uint8_t key[32], const char *what, char *err,
                          size_t errlen) {
    FILE *f = fopen(path, "r");
    char hex[80] = "";
    bool read = f && fgets(hex, sizeof hex, f) != NULL;
    if (f) {
        fclose(f);
    }
    if (!read || !parse_hex32(hex, key)) {
        snprintf(err, errlen, "service %s: %s: %s", what, path,
                 read ? "not a public key (64 hex digits)" : strerror(errno));
        return false;
    }
    return true;
}

bool sim_world_service_pin_key(sim_world *w, const char *path, char *err, size_t errlen) {
    uint8_t req[33] = {OL_SERVICE_PIN_KEY};
    if (!read_key_file(path, req + 1, "pin-key", err, errlen)) {
        return false;
    }
    uint8_t resp[OL_SERVICE_RESPONSE_MAX];
    size_t rlen;
    sim_event ev;
    if (!request(w, req, sizeof req, resp, &rlen, "pin_key", &ev)) {
        return false;
    }
    sim_emit(w->events, &ev);
    return true;
}

// A fleet service's provisioning file (docs/FLEET.md): "ownerlock otc provisioning 1",
// then "lock N", "key HEX" (64 digits) and "counter N" (the fleet's next
// counter; a file without it: 0), one per line. path NULL: off.
bool sim_world_service_otc(sim_world *w, const char *path, char *err, size_t errlen) {
    uint8_t req[9 + OL_OTC_KEY_BYTES] = {OL_SERVICE_OTC_OFF};
    size_t len = 1;
    if (path) {
        FILE *f = fopen(path, "r");
        char line[4][96] = {"", "", "", ""};
        for (int i = 0; f && i < 4 && fgets(line[i], sizeof line[i], f); i++) {
        }
        int saved = errno;
        if (f) {
            fclose(f);
        }
        unsigned long number = 0, counter = 0;
        char *end = NULL;
        bool ok = strcmp(line[0], "ownerlock otc provisioning 1\n") == 0 &&
                  strncmp(line[1], "lock ", 5) == 0 && strncmp(line[2], "key ", 4) == 0 &&
                  (line[3][0] == '\0' || strncmp(line[3], "counter ", 8) == 0);
        if (ok) {
            errno = 0;
            number = strtoul(line[1] + 5, &end, 10);
            ok = errno == 0 && end != line[1] + 5 && *end == '\n' && number <= UINT32_MAX &&
                 parse_hex32(line[2] + 4, req + 5);
        }
        if (ok && line[3][0] != '\0') {
            counter = strtoul(line[3] + 8, &end, 10);
            ok = errno == 0 && end != line[3] + 8 && *end == '\n' && counter <= UINT32_MAX;
        }
        ol_wipe(line, sizeof line);
        if (!ok) {
            snprintf(err, errlen, "service otc: %s: %s", path,
                     f ? "not a provisioning file (ownerlock otc provisioning 1, lock N, key HEX, "
                         "counter N)"
                       : strerror(saved));
            ol_wipe(req, sizeof req);
            return false;
        }
        req[0] = OL_SERVICE_OTC_SET;
        for (int i = 0; i < 4; i++) {
            req[1 + i] = (uint8_t)(number >> (8 * i));
            req[5 + OL_OTC_KEY_BYTES + i] = (uint8_t)(counter >> (8 * i));
        }
        len = sizeof req;
    }
    uint8_t resp[OL_SERVICE_RESPONSE_MAX];
    size_t rlen;
    sim_event ev;
    bool ok = request(w, req, len, resp, &rlen, "otc", &ev);
    ol_wipe(req, sizeof req);
    // The receipt (docs/FLEET.md): the lock's oldest unused counter, its
    // export identity, a tag under the key; the fleet takes the whole answer.
    if (ok && rlen >= 2 && rlen == 2u + resp[1] + 4u + 32u + 16u) {
        char identity[65], receipt[2 * OL_SERVICE_RESPONSE_MAX + 1];
        hex_of(resp + rlen - 48, 32, identity);
        hex_of(resp, rlen, receipt);
        sim_event_uint(&ev, "next", le32(resp + rlen - 52));
        sim_event_str(&ev, "identity", identity);
        sim_event_str(&ev, "receipt", receipt);
    }
    if (ok) {
        sim_emit(w->events, &ev);
    }
    return ok;
}

// The owner's audit key the service tool sends unless `service owner-key`
// set another: tests/keys/sim-owner.key's public half (a TEST key).
static const char SIM_OWNER_SECRET_HEX[] =
    "65836dc98cd5feee706e2b416836277cc8bbad8ebe6dabd5c95aa695528e2dfa";

bool sim_world_service_owner_key(sim_world *w, const char *path, char *err, size_t errlen) {
    w->owner_key_set = read_key_file(path, w->owner_key, "owner-key", err, errlen);
    return w->owner_key_set;
}

// BEGIN (the owner's key), READ 4 records at a time, SEAL: the file the
// owner's tool verifies (`ownerlock audit verify`; docs/USER-MANUAL.md, Audit).
bool sim_world_service_export(sim_world *w, const char *path, char *err, size_t errlen) {
    if (!w->owner_key_set) {
        uint8_t secret[32];
        if (!parse_hex32(SIM_OWNER_SECRET_HEX, secret)) {
            abort();
        }
        ol_x25519_public(w->owner_key, secret);
        ol_wipe(secret, sizeof secret);
    }
    uint8_t req[33] = {OL_SERVICE_AUDIT_BEGIN}, resp[OL_SERVICE_RESPONSE_MAX];
    memcpy(req + 1, w->owner_key, 32);
    size_t rlen;
    sim_event ev;
    if (!request(w, req, 33, resp, &rlen, "export", &ev)) {
        return false;
    }
    size_t at = rlen >= 2 ? 2u + resp[1] : 0;
    if (rlen < 2 || resp[0] != OL_SERVICE_OK || rlen != at + 40) {
        sim_emit(w->events, &ev); // refused: the event says why
        return true;
    }
    sim_buf out = {0};
    char hex[65];
    uint32_t first = le32(resp + at + 32), next = le32(resp + at + 36);
    sim_buf_puts(&out, "ownerlock audit export v1\n");
    hex_of(resp + at, 32, hex);
    sim_buf_printf(&out, "lock %s\n", hex);
    hex_of(w->owner_key, 32, hex);
    sim_buf_printf(&out, "owner %s\n", hex);
    sim_buf_printf(&out, "range %" PRIu32 " %" PRIu32 "\n", first, next);
    bool ok = true;
    for (uint32_t seq = first; ok && seq < next; seq += 3) {
        uint8_t rq[5] = {OL_SERVICE_AUDIT_READ};
        put_le32(rq + 1, seq);
        sim_event_free(&ev);
        ok = request(w, rq, sizeof rq, resp, &rlen, "export", &ev);
        at = rlen >= 2 ? 2u + resp[1] : 0;
        if (!ok || rlen < 2 || resp[0] != OL_SERVICE_OK || (rlen - at) % 28 != 0) {
            break;
        }
        for (size_t r = at; r < rlen; r += 28) {
            const uint8_t *p = resp + r;
            char tag[17];
            hex_of(p + 12, 8, hex);
            hex_of(p + 20, 8, tag);
            sim_buf_printf(&out, "record %" PRIu32 " %" PRIu32 " %u %u %u %s %s\n", le32(p),
                           le32(p + 4), p[8], p[9], (unsigned)(p[10] | p[11] << 8), hex, tag);
        }
    }
    if (ok && rlen >= 2 && resp[0] == OL_SERVICE_OK) {
        uint8_t rs[1] = {OL_SERVICE_AUDIT_SEAL};
        sim_event_free(&ev);
        ok = request(w, rs, 1, resp, &rlen, "export", &ev);
        at = rlen >= 2 ? 2u + resp[1] : 0;
        if (ok && rlen == at + 32 && resp[0] == OL_SERVICE_OK) {
            hex_of(resp + at, 32, hex);
            sim_buf_printf(&out, "mac %s\n", hex);
            FILE *f = fopen(path, "w");
            if (!f || fwrite(out.s, 1, out.len, f) != out.len || fclose(f) != 0) {
                snprintf(err, errlen, "service export audit: %s: %s", path, strerror(errno));
                sim_buf_free(&out);
                sim_event_free(&ev);
                return false;
            }
            sim_event_uint(&ev, "records", next - first);
        }
    }
    sim_buf_free(&out);
    if (ok) {
        sim_emit(w->events, &ev);
    }
    return ok;
}

bool sim_world_service_info(sim_world *w) {
    uint8_t req[1] = {OL_SERVICE_INFO}, resp[OL_SERVICE_RESPONSE_MAX];
    size_t rlen;
    sim_event ev;
    if (!request(w, req, 1, resp, &rlen, "info", &ev)) {
        return false;
    }
    size_t at = rlen >= 2 ? 2u + resp[1] : 0;
    if (rlen == at + 4 + 32 + 16 + 4 && resp[0] == OL_SERVICE_OK) {
        const uint8_t *p = resp + at;
        char hex[65];
        sim_event_uint(&ev, "version", le32(p));
        hex_of(p + 4, 32, hex);
        sim_event_str(&ev, "digest", hex);
        hex_of(p + 36, 16, hex);
        sim_event_str(&ev, "signer", hex);
        sim_event_uint(&ev, "session_ms", le32(p + 52));
    }
    sim_emit(w->events, &ev);
    return true;
}

bool sim_world_service_end(sim_world *w) {
    uint8_t req[1] = {OL_SERVICE_END}, resp[OL_SERVICE_RESPONSE_MAX];
    size_t rlen;
    sim_event ev;
    if (!request(w, req, 1, resp, &rlen, "end", &ev)) {
        return false;
    }
    sim_emit(w->events, &ev);
    return true;
}

static void format_volts(uint32_t mv, char out[16]) {
    snprintf(out, 16, "%" PRIu32 ".%02" PRIu32, mv / 1000, mv % 1000 / 10);
}

void sim_world_battery(sim_world *w, uint32_t mv) {
    w->battery_mv = mv;
    char volts[16];
    format_volts(mv, volts);
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "sim", "battery");
    sim_event_raw(&ev, "volts", volts);
    sim_emit(w->events, &ev);
    tell_sensors(w);
}

void sim_world_remote_disable(sim_world *w, bool on) {
    w->remote_disable = on;
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "sim", "remote_disable");
    sim_event_bool(&ev, "on", on);
    sim_emit(w->events, &ev);
    tell_sensors(w);
}

void sim_world_clock_set(sim_world *w, int64_t wall_secs) {
    w->rig.clock.world_epoch = wall_secs - (int64_t)(w->rig.t / 1000);
    emit_clock(w);
}

void sim_world_clock_lose(sim_world *w) {
    w->rig.clock.rtc_lost = true;
    emit_clock(w);
}

void sim_world_show(sim_world *w) {
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "sim", "state");
    sim_event_bool(&ev, "power", w->rig.powered);
    sim_event_str(&ev, "bolt", sim_bolt_name(w->bolt));
    sim_event_str(&ev, "door", w->rig.door_open ? "open" : "closed");
    sim_event_bool(&ev, "alarm", w->rig.powered && ol_lock_outputs(engine(w))->alarm);
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
    if (w->rig.powered && w->rig.dial) {
        sim_event_uint(&ev, "dial", (unsigned)ol_keypad_unit_dial_number(&w->rig.keypad));
    }
    if (w->rig.powered) {
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
        sim_event_uint(&ev, "firmware", w->rig.running.version);
    } else {
        // the lock body is off: nothing to ask it
        sim_event_raw(&ev, "lockout_remaining_ms", "null");
        sim_event_raw(&ev, "failures", "null");
        sim_event_raw(&ev, "commissioned", "null");
        sim_event_raw(&ev, "enrolled", "null");
        sim_event_raw(&ev, "audit_next_seq", "null");
        sim_event_raw(&ev, "firmware", "null");
    }
    sim_emit(w->events, &ev);
}

// The lock body's dump stops before its key store (config.h,
// OL_KEYS_FIRST_SECTOR): the sectors a port keeps out of a read-out's reach
// (docs/PORTING.md), as an attacker reading the state flash finds it.
void sim_world_dump(sim_world *w, bool lock_unit) {
    const ol_flash *f = lock_unit ? &w->rig.lock_flash.flash : &w->rig.keypad_flash.flash;
    size_t size = (size_t)f->sector_size * (lock_unit ? OL_KEYS_FIRST_SECTOR : f->sector_count);
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
    sim_event_begin(&ev, w->rig.t, lock_unit ? "lock" : "keypad", "dump");
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
            w->rig.clock.world_epoch = n / 1000;
        } else if (strcmp(key, "rtc_lost") == 0 && number) {
            w->rig.clock.rtc_lost = n != 0;
        } else if (strcmp(key, "rtc_offset_s") == 0 && number) {
            w->rig.clock.rtc_offset_s = n;
        } else if (strcmp(key, "door") == 0) {
            ok = strcmp(value, "open") == 0 || strcmp(value, "closed") == 0;
            w->rig.door_open = strcmp(value, "open") == 0;
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
        } else if (strcmp(key, "frontend") == 0) {
            // The lock body is built for its front end (a dial's is
            // self-powered: hal.h): a safe keeps the one it was made with
            // (twenty-first outside evaluation: a keypad run on a dial safe's
            // state set the clock the dial lock trusts).
            bool dial = strcmp(value, "dial") == 0;
            if (!dial && strcmp(value, "keypad") != 0) {
                ok = false;
            } else if (dial != w->rig.dial) {
                snprintf(err, errlen, "%s: this safe has a %s unit: run it with --frontend %s",
                         path, value, value);
                fclose(f);
                return false;
            }
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
        fprintf(f, "wall_ms %" PRId64 "\n", w->rig.clock.world_epoch * 1000 + (int64_t)w->rig.t);
        fprintf(f, "rtc_lost %d\n", w->rig.clock.rtc_lost ? 1 : 0);
        fprintf(f, "rtc_offset_s %" PRId64 "\n", w->rig.clock.rtc_offset_s);
        fprintf(f, "door %s\n", w->rig.door_open ? "open" : "closed");
        fprintf(f, "bolt %s\n", sim_bolt_name(w->bolt));
        fprintf(f, "battery_mv %" PRIu32 "\n", w->battery_mv);
        fprintf(f, "remote_disable %d\n", w->remote_disable ? 1 : 0);
        fprintf(f, "audit_reported %" PRIu32 "\n", w->audit_reported);
        fprintf(f, "keypads_replaced %" PRIu32 "\n", w->keypads);
        fprintf(f, "frontend %s\n", w->rig.dial ? "dial" : "keypad");
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

static void on_result(void *ctx, ol_err e, const char *during) {
    report_fault(ctx, e, during);
}

// The lock body asked its bootloader to install an image: the board resets
// (both units share the supply), and the bootloader runs first.
static void restart(sim_world *w) {
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "lock", "restart");
    sim_emit(w->events, &ev);
    sim_world_power(w, false);
    sim_world_power(w, true);
}

static void on_step(void *ctx) {
    sim_world *w = ctx;
    observe(w);
    if (w->rig.powered && ol_lock_outputs(engine(w))->restart) {
        restart(w);
    }
}

bool sim_world_open(sim_world *w, sim_events *events, const char *state_dir, bool have_seed,
                    uint64_t seed, bool dial, char *err, size_t errlen) {
    *w = (sim_world){0};
    w->events = events;
    w->rig.dial = dial;
    w->rig.door_open = true; // a fresh safe leaves the factory open
    w->bolt = OL_BOLT_RETRACTED;
    w->battery_mv = 6000;
    w->rig.clock.world_epoch = SIM_FRESH_EPOCH;
    w->rig.hooks =
        (safe_rig_hooks){.ctx = w, .result = on_result, .frame = report_frame, .step = on_step};
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
    w->lock_flash_open =
        open_flash(w, &w->rig.lock_flash, LOCK_FLASH, OL_HOST_SECTORS, err, errlen);
    if (!w->lock_flash_open) {
        return false;
    }
    w->keypad_flash_open =
        open_flash(w, &w->rig.keypad_flash, KEYPAD_FLASH, OL_KEYPAD_SECTORS, err, errlen);
    if (!w->keypad_flash_open) {
        return false;
    }
    safe_rig_platforms(&w->rig);
    ol_err factory = safe_rig_factory(&w->rig);
    if (factory) {
        snprintf(err, errlen, "the lock body's factory image: %s", ol_err_name(factory));
        return false;
    }
    ol_testrng_seed(&w->rig.lock_rng, seed);
    ol_testrng_seed(&w->rig.keypad_rng, keypad_seed(w));
    w->seen.bolt = w->bolt;
    if (!dial) {
        power_up(w); // a dial's units wait for it to be turned
    }
    return true;
}

void sim_world_keypad_replace(sim_world *w) {
    safe_rig_keypad_unplug(&w->rig); // and what was on its way to it is lost
    // The new keypad's flash is blank: it draws a new identity and knows no
    // lock body. Its image takes the old one's place in the state directory.
    if (w->keypad_flash_open) {
        ol_hostflash_close(&w->rig.keypad_flash);
        w->keypad_flash_open = false;
    }
    char *path = path_in(w, KEYPAD_FLASH);
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(w->rig.internal_error, sizeof w->rig.internal_error, "%s: %s", path,
                 strerror(errno));
    }
    free(path);
    char err[sizeof w->rig.internal_error];
    if (!w->rig.internal_error[0]) {
        w->keypad_flash_open =
            open_flash(w, &w->rig.keypad_flash, KEYPAD_FLASH, OL_KEYPAD_SECTORS, err, sizeof err);
        if (!w->keypad_flash_open) {
            snprintf(w->rig.internal_error, sizeof w->rig.internal_error, "%s", err);
        }
    }
    w->keypads++;
    sim_event ev;
    sim_event_begin(&ev, w->rig.t, "sim", "keypad_replaced");
    sim_event_uint(&ev, "number", w->keypads);
    sim_emit(w->events, &ev);
    if (w->rig.internal_error[0]) {
        w->rig.powered = false; // nothing can run without the keypad's flash
        ol_body_shutdown(&w->rig.body);
        return;
    }
    ol_testrng_seed(&w->rig.keypad_rng, keypad_seed(w));
    if (!w->rig.powered) {
        return; // it boots with the power
    }
    keypad_boot(w);
    // Beeps the engine sounded before are not the new keypad's to sound.
    w->seen.beeps = ol_lock_outputs(engine(w))->beeps;
    safe_rig_pump(&w->rig);
    observe(w);
}

void sim_world_close(sim_world *w) {
    if (w->rig.powered) {
        safe_rig_power_down(&w->rig);
    }
    if (w->dir && !w->dir_is_temp && w->lock_flash_open && w->keypad_flash_open) {
        save_state(w);
    }
    if (w->lock_flash_open) {
        ol_hostflash_close(&w->rig.lock_flash);
    }
    if (w->keypad_flash_open) {
        ol_hostflash_close(&w->rig.keypad_flash);
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
    safe_rig_free(&w->rig);
    free(w->dir);
    *w = (sim_world){0};
}
