// ownerlock-sim — a keypad unit and a lock body, each the real firmware, joined
// by a simulated cable, in virtual time. The contract for scripts and events
// is shared/SIMULATOR.md; this header is shared by the simulator's files only.
//
//   events.c    JSON events: building, printing, the window `expect event` reads
//   timeutil.c  ISO 8601 and durations
//   world.c     the world around the two units and their cable (safe_rig.h):
//               power, door, battery, clock, the state directory, events
//   script.c    the script parser and runner
//   ui.c        the interactive terminal UI (ncurses)
//   main.c      options
#ifndef OWNERLOCK_SIM_H
#define OWNERLOCK_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "grow.h"
#include "host.h"
#include "ownerlock/body.h"
#include "ownerlock/keypad_unit.h"
#include "ownerlock/lock.h"
#include "safe_rig.h"

// Exit statuses (SIMULATOR.md). SIM_EXIT_INTERNAL is the simulator's own failure
// (out of memory, the state directory unusable, the lock's deadlines stuck).
enum {
    SIM_EXIT_OK = 0,
    SIM_EXIT_EXPECT = 1,
    SIM_EXIT_SCRIPT = 2,
    SIM_EXIT_INTERNAL = 3,
};

// ---- small helpers (events.c) -------------------------------------------------
void *sim_xmalloc(size_t n);
char *sim_xstrdup(const char *s);
_Noreturn void sim_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// A growable NUL-terminated string.
typedef struct sim_buf {
    char *s;
    size_t len, cap;
} sim_buf;
void sim_buf_putc(sim_buf *b, char c);
void sim_buf_puts(sim_buf *b, const char *s);
void sim_buf_printf(sim_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_buf_free(sim_buf *b);
// Append s as a JSON string literal, quotes included. Valid UTF-8 passes through;
// control characters and bytes that are not UTF-8 are escaped, so the output is
// always valid JSON whatever the firmware puts on its display.
void sim_json_string(sim_buf *b, const char *s);

// ---- events (events.c) ----------------------------------------------------------
#define SIM_EVENT_MAX_FIELDS 20

typedef struct sim_field {
    const char *key; // a string literal
    char *value;     // the string itself, or the JSON text of a non-string
    bool is_string;
} sim_field;

typedef struct sim_event {
    uint64_t t;
    const char *unit; // "keypad", "lock", "wire" or "sim"
    const char *type;
    size_t nfields;
    sim_field field[SIM_EVENT_MAX_FIELDS];
} sim_event;

void sim_event_begin(sim_event *ev, uint64_t t, const char *unit, const char *type);
void sim_event_str(sim_event *ev, const char *key, const char *value);
void sim_event_raw(sim_event *ev, const char *key, const char *json);
void sim_event_uint(sim_event *ev, const char *key, uint64_t value);
void sim_event_bool(sim_event *ev, const char *key, bool value);
void sim_event_free(sim_event *ev);
// The event's JSON object, without a newline.
void sim_event_json(const sim_event *ev, sim_buf *out);
// The text a `k=v` condition compares against: a string without its quotes,
// anything else as its JSON text. "t", "unit" and "type" are fields too.
// NULL when the event has no such field.
const char *sim_event_get(const sim_event *ev, const char *key, char tmp[32]);

typedef struct sim_events {
    FILE *out;       // JSON lines go here; NULL: nowhere
    bool out_failed; // writing to out failed (a closed pipe): the run stops
    // Events since the last `expect event` / `expect no-event`, kept only when
    // keep_window is set (script mode).
    bool keep_window;
    sim_event *window;
    size_t nwindow, capwindow;
    // Called for every event (the interactive UI listens here).
    void (*hook)(void *ctx, const sim_event *ev);
    void *hook_ctx;
} sim_events;

// Print the event (and keep it for `expect event`); takes ownership of ev.
void sim_emit(sim_events *log, sim_event *ev);
void sim_events_restart_window(sim_events *log);
void sim_events_free(sim_events *log);

typedef struct sim_condition {
    const char *key;
    const char *value;
} sim_condition;
// Whether TYPE is an event type the simulator can emit, and KEY one of its fields.
bool sim_event_type_known(const char *type);
bool sim_event_key_known(const char *type, const char *key);
// First event in the window of that type meeting every condition, or NULL.
const sim_event *sim_events_find(const sim_events *log, const char *type, const sim_condition *cond,
                                 size_t ncond);

// ---- time (timeutil.c) -------------------------------------------------------
#define SIM_ISO_BYTES 72 // room for any int64 year, so no format-truncation warning
// Seconds since 1970 as "YYYY-MM-DDTHH:MM:SSZ".
void sim_format_iso(int64_t secs, char out[SIM_ISO_BYTES]);
// Parses exactly "YYYY-MM-DDTHH:MM:SSZ" (years 1970-9999). Returns false if malformed.
bool sim_parse_iso(const char *s, int64_t *secs);
// "250ms", "3s", "5m", "2h", "1d" -> milliseconds. Returns false if malformed.
bool sim_parse_duration(const char *s, uint64_t *ms);

// 2026-01-01T00:00:00Z: the wall clock of a fresh safe's world.
#define SIM_FRESH_EPOCH INT64_C(1767225600)
#define SIM_KEY_MS 200u
#define SIM_DIAL_STEP_MS 10u // a detent: a whole turn of 100 numbers a second
#define SIM_DIAL_HOLD_MS                                                                           \
    8000u // the supply's store keeps the units up this long: > OL_RELOCK_UNOPENED_MS

// ---- the world (world.c) -------------------------------------------------------
// What was last reported, to turn state into change events.
typedef struct sim_seen {
    ol_bolt bolt;
    bool alarm;
    bool led_green, led_red;
    uint32_t beeps;       // the highest beep count sounded since the lock body booted
    bool service_session; // the lock body's service port answers
    char display[2 * OL_DISPLAY_COLS + 8];
} sim_seen;

typedef struct sim_world {
    sim_events *events;
    uint64_t seed;
    // The two units, the cable, the door switch, power, the clock and virtual
    // time (rig.t, ms since this run started); rig.internal_error is a broken
    // invariant of the firmware the simulator cannot go past (the caller stops).
    safe_rig rig;

    // the rest of the physical world
    ol_bolt bolt; // where the bolt is; stays put while the power is off
    uint32_t battery_mv;
    bool remote_disable;
    uint32_t keypads;     // keypads replaced so far (persisted: each one is new)
    uint64_t turned_at;   // rig.t of the dial's last detent (the dial powers the units)
    bool service_plugged; // a service tool on the port inside the door
    bool owner_key_set;   // the tool's owner audit key (else the TEST one)
    uint8_t owner_key[32];

    uint32_t audit_reported; // last audit seq reported as an event
    sim_seen seen;
    ol_err last_error; // of the lock body, reported once per change

    // where the state lives
    char *dir;
    bool dir_is_temp;
    bool lock_flash_open, keypad_flash_open;
} sim_world;

// Open (or create) the safe in state_dir (NULL: a fresh one in a temporary
// directory) and power both units up. Returns false with a message in err.
// With dial, the front end is a dial unit that powers both units while it is
// turned: the safe starts unpowered.
bool sim_world_open(sim_world *w, sim_events *events, const char *state_dir, bool have_seed,
                    uint64_t seed, bool dial, char *err, size_t errlen);
// Save the world's state (if kept), drop the units, remove a temporary directory.
void sim_world_close(sim_world *w);

// Each returns false only on an internal error (w->internal_error says why).
bool sim_world_advance(sim_world *w, uint64_t ms);
bool sim_world_key(sim_world *w, char key); // does not advance time
// The dial unit (--frontend dial): turn it steps detents (dir > 0 right), or
// to number nn (dir 0: the shorter way, none if it is there; left or right:
// once around if it is there, as a person turning until it shows nn would).
// Each detent takes SIM_DIAL_STEP_MS; the first one of a turn with the power
// off powers both units up and is spent doing so. The power stays on for
// SIM_DIAL_HOLD_MS after the last detent.
bool sim_world_turn(sim_world *w, int dir, uint64_t steps);
bool sim_world_dial_to(sim_world *w, int dir, unsigned nn);
// false: the door cannot open against an extended bolt (nothing changed).
bool sim_world_door(sim_world *w, bool open);
void sim_world_power(sim_world *w, bool on);
void sim_world_battery(sim_world *w, uint32_t mv);
void sim_world_remote_disable(sim_world *w, bool on);
void sim_world_clock_set(sim_world *w, int64_t wall_secs);
void sim_world_clock_lose(sim_world *w);
// The service tool on the lock body's port inside the door: false to plug it
// in with the door shut (the port cannot be reached). Shutting the door
// unplugs it.
bool sim_world_service_plug(sim_world *w, bool in);
// Requests over the port (the tool must be plugged in): each answer is a
// `service` event. firmware: the image in path; false when it cannot be read
// (a message in err).
bool sim_world_service_firmware(sim_world *w, const char *path, char *err, size_t errlen);
bool sim_world_service_info(sim_world *w);
// export audit: the trail into path, MACed for the owner's key (owner-key
// PUBFILE, else tests/keys/sim-owner.key's).
bool sim_world_service_export(sim_world *w, const char *path, char *err, size_t errlen);
bool sim_world_service_owner_key(sim_world *w, const char *path, char *err, size_t errlen);
// pin-key: the public key in path (64 hex digits, as `ownerlock firmware keygen` prints it).
bool sim_world_service_pin_key(sim_world *w, const char *path, char *err, size_t errlen);
bool sim_world_service_otc(sim_world *w, const char *path, char *err, size_t errlen);
bool sim_world_service_end(sim_world *w);
void sim_world_show(sim_world *w);
void sim_world_dump(sim_world *w, bool lock_unit);
// The cable (SIMULATOR.md `wire`) and the keypad swap.
void sim_world_wire_record(sim_world *w, bool on);
void sim_world_wire_inject(sim_world *w, const uint8_t *bytes, size_t len);
// Send recorded frames [first, first + count) again, each in its direction.
void sim_world_wire_replay(sim_world *w, size_t first, size_t count);
size_t sim_world_wire_recorded(const sim_world *w);
void sim_world_keypad_replace(sim_world *w);

// What the keypad shows: "line1 | line2", each trimmed; "" while the power is off.
void sim_world_display(const sim_world *w, char *out, size_t cap);
// The keypad's two lines as it shows them (blank while the power is off), its LEDs.
void sim_world_lines(const sim_world *w, char line[2][OL_DISPLAY_COLS + 1]);
bool sim_world_led(const sim_world *w, bool red);
int64_t sim_world_wall(const sim_world *w); // world wall clock, seconds
uint32_t sim_world_rtc(sim_world *w);       // the lock's RTC, or OL_RTC_LOST
const char *sim_bolt_name(ol_bolt b);

// ---- script (script.c) ------------------------------------------------------------
typedef struct sim_script sim_script;
// Read the script at path ("-": standard input) and check every line that can be
// checked before running (commands, arguments, regexes, captured names).
// Returns SIM_EXIT_OK and *out, or SIM_EXIT_SCRIPT after reporting the error.
int sim_script_load(const char *path, sim_events *events, sim_script **out);
// Run it against the world. Returns the exit status.
int sim_script_run(sim_script *s, sim_world *w);
void sim_script_free(sim_script *s);

// ---- options (main.c) and the interactive UI (ui.c) ----------------------------
typedef struct sim_options {
    const char *state_dir; // NULL: a fresh safe in a temporary directory
    const char *script;    // NULL: interactive
    bool dial;             // --frontend dial
    bool have_seed;
    uint64_t seed;
} sim_options;

// Open the world and run the terminal UI until the user quits. Returns the exit status.
int sim_run_ui(sim_events *events, const sim_options *opt);

#endif
