// ownerlock — the lock engine: the public API an integrator calls.
//
// The engine is a pure state machine: the port feeds it events (a keypad
// entry, the door switch, the passing of time) with the current monotonic
// time, and reads back its outputs (where the bolt must be, what the keypad
// shows, the alarm). It reaches hardware only through the ol_platform given at
// boot (flash, TRNG, RTC). No malloc, no globals: every lock is an ol_lock the
// caller owns, so a simulator can run several in one process.
#ifndef OWNERLOCK_LOCK_H
#define OWNERLOCK_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerlock/config.h"
#include "ownerlock/error.h"
#include "ownerlock/hal.h"
#include "ownerlock/otc.h"
#include "ownerlock/recovery.h"
#include "ownerlock/private/store.h" // the layout of ol_lock's store and audit log

// ---- events in ----------------------------------------------------------------
typedef enum ol_event_type {
    OL_EV_TICK = 1,           // only time passed
    OL_EV_ENTRY = 2,          // a field ended by '#': digits[0..ndigits), each 0..9
    OL_EV_FUNCTION = 3,       // '*' then two digits selected function `function`
    OL_EV_CANCEL = 4,         // '*' alone: cancel the current operation
    OL_EV_DOOR = 5,           // the door switch changed to door_open
    OL_EV_BATTERY = 6,        // battery voltage measured: value = millivolts
    OL_EV_REMOTE_DISABLE = 7, // the remote-disable input changed: value = 1 asserted
} ol_event_type;

typedef struct ol_event {
    ol_event_type type;
    uint8_t ndigits;
    uint8_t digits[OL_ENTRY_MAX_DIGITS];
    uint8_t function;
    bool door_open;
    uint32_t value;
    // The message came from a keypad that is not paired (a provisional
    // session, src/link/body.c): only *99 recovery, and *17 with the door
    // open, may pass; everything else is refused as keypad_rejected.
    bool unpaired;
} ol_event;

// ---- outputs ------------------------------------------------------------------
// Where the bolt must be. The two values are 31 bits apart, and the port
// retracts the bolt only for exactly OL_BOLT_RETRACTED: a glitched or cleared
// value means extended (src/core/fih.h).
typedef enum ol_bolt { OL_BOLT_EXTENDED = 0x35AC53CA, OL_BOLT_RETRACTED = 0x4A53AC35 } ol_bolt;

// What the keypad should do with the next keys it collects.
typedef enum ol_input {
    OL_INPUT_IDLE = 0,   // a code for opening, or '*' NN to select a function
    OL_INPUT_SECRET = 1, // a code inside a function: echo masked, '*' cancels
    OL_INPUT_NUMBER = 2, // a number (slot, on/off): echo digits, '*' cancels
    OL_INPUT_NONE = 3,   // ignore keys (lockout, busy)
} ol_input;

typedef enum ol_beep {
    OL_BEEP_NONE = 0,
    OL_BEEP_OK = 1,    // accepted
    OL_BEEP_ERROR = 2, // refused
    OL_BEEP_ALERT = 3, // lockout, fault
} ol_beep;

#define OL_DISPLAY_COLS 16

typedef struct ol_outputs {
    ol_bolt bolt;
    char line[2][OL_DISPLAY_COLS + 1]; // the keypad's two lines, NUL-terminated
    ol_input input;
    bool alarm;     // silent alarm output
    bool led_green; // open / accepted
    bool led_red;   // refused / locked out
    ol_beep beep;   // the last beep pattern ...
    uint32_t beeps; // ... and how many beeps so far: a change means a new one
    bool restart;   // a firmware install waits: the port resets into its bootloader
} ol_outputs;

// The display as the keypad unit shows it: the lock body's outputs as they
// arrived in a DISPLAY message (ol_keypad_unit_shown).
typedef struct ol_display_msg {
    char line[2][OL_DISPLAY_COLS + 1];
    ol_input input;
    uint8_t leds; // bit 0 green, bit 1 red
    ol_beep beep;
    uint32_t beeps;
} ol_display_msg;

// ---- audit ----------------------------------------------------------------------
// Kind numbers are stored in flash: append, never renumber.
typedef enum ol_audit_kind {
    OL_AUDIT_POWER_UP = 1,
    OL_AUDIT_COMMISSIONED = 2,
    OL_AUDIT_OPEN = 3,
    OL_AUDIT_WRONG_CODE = 4,
    OL_AUDIT_LOCKOUT = 5,
    OL_AUDIT_CODE_CHANGED = 6,
    OL_AUDIT_USER_ADDED = 7,
    OL_AUDIT_USER_DELETED = 8,
    OL_AUDIT_CONFIG_CHANGED = 9,
    OL_AUDIT_DELAY_STARTED = 10,
    OL_AUDIT_DELAY_CANCELLED = 11,
    OL_AUDIT_DURESS = 12,
    OL_AUDIT_KEYPAD_REJECTED = 13,
    OL_AUDIT_KEYPAD_PAIRED = 14,
    OL_AUDIT_RECOVERY_USED = 15,
    OL_AUDIT_CLOCK_SET = 16,
    OL_AUDIT_LOW_BATTERY = 17,
    OL_AUDIT_BOLT_EXTENDED = 18,
    OL_AUDIT_REMOTE_DISABLED = 19,
    OL_AUDIT_FAULT_DETECTED = 20,  // the two readings of an entry disagreed (a glitch)
    OL_AUDIT_REFUSED = 21,         // a valid code refused by a rule: arg = function << 8 | why
    OL_AUDIT_REPEATED = 22,        // slot = a kind that repeated unwritten, arg = how often
    OL_AUDIT_SERVICE = 23,         // the service port: arg = request << 8 | result (service.h)
    OL_AUDIT_FIRMWARE = 24,        // a new image's first boot: arg = its version (65535: above)
    OL_AUDIT_SERVICE_REFUSED = 25, // a request on the port outside a session: arg = the request
    OL_AUDIT_FIRST_CODE = 26, // dual control: the first of two codes (slot), the second awaited
    OL_AUDIT_ONE_TIME = 27,   // a one-time code used (slot): arg = its counter's low 16 bits
    OL_AUDIT_SEAL = 28,       // a close seal shown (slot): arg = records after the opening
    OL_AUDIT_KIND_COUNT
} ol_audit_kind;

#define OL_AUDIT_NO_SLOT 0xFF
// Kinds anyone can cause at will, counted rather than written when one
// follows another (src/core/audit.c).
#define OL_AUDIT_NOISE_KINDS 5
#define OL_AUDIT_CHAIN_BYTES 8
// The arg of remote_disabled: the input went off or on; at an opening, on.
#define OL_AUDIT_ARG_OFF 0u
#define OL_AUDIT_ARG_ON 1u

// The *NN functions of the keypad grammar (docs/POLICY.md). Records that
// concern a function (refused, duress, config_changed) carry its number; an
// opening is function 0.
typedef enum ol_function_number {
    OL_FN_OPENING = 0,
    OL_FN_CHANGE_CODE = 1,
    OL_FN_SET_CODE = 2,
    OL_FN_DELETE_CODE = 3,
    OL_FN_TIME_DELAY = 4,
    OL_FN_DUAL_CONTROL = 5,
    OL_FN_DURESS = 6,
    OL_FN_SCHEDULE = 7,
    OL_FN_CLOCK = 8,
    OL_FN_AUDIT = 9,
    OL_FN_HOLIDAY = 10,
    OL_FN_TIME_LOCK = 11,
    OL_FN_SUBORDINATES = 12,
    OL_FN_DELAY_OVERRIDE = 13,
    OL_FN_RECOVERY_CODE = 14,
    OL_FN_RECOVERY_OFF = 15,
    OL_FN_RECOVERY_DELAY = 16,
    OL_FN_PAIR_KEYPAD = 17,
    OL_FN_ID_MODE = 18,
    OL_FN_SERVICE = 19,  // a service session: the port inside the door answers
    OL_FN_FIRMWARE = 20, // the running firmware's version and digest
    OL_FN_OPENINGS = 21, // the openings since the lock was set up
    OL_FN_RECOVERY = 99, // owner recovery: the recovery code's holder, not a code
} ol_function_number;

typedef struct ol_audit_event {
    uint32_t seq;                        // 1, 2, 3, ... never reused
    uint32_t time;                       // RTC seconds since 1970, or OL_RTC_LOST
    uint8_t kind;                        // ol_audit_kind
    uint8_t slot;                        // slot concerned, or OL_AUDIT_NO_SLOT
    uint16_t arg;                        // kind-specific (lockout minutes, failure count, ...)
    uint8_t chain[OL_AUDIT_CHAIN_BYTES]; // MAC chain (docs/SECURITY.md)
} ol_audit_event;

// "power_up", "wrong_code", ... (SIMULATOR.md names); "unknown" otherwise.
const char *ol_audit_kind_name(uint8_t kind);

// Owner settings, persisted (src/core/persist.c).
typedef struct ol_settings {
    uint8_t delay_min;           // *04 time delay, 0 = none
    uint8_t window_min;          // *04 opening window
    bool dual;                   // *05 dual control
    bool duress;                 // *06 duress codes
    bool users_disabled;         // *12 supervisor has disabled the subordinate codes
    uint32_t override;           // *13 slots that skip the time delay
    uint16_t recovery_delay_min; // *16 wait of the *99 recovery
    bool recovery_off;           // *15 turned recovery off (no NO RECOVERY CODE reminder)
    bool id_mode;                // *18 a code is typed after its slot's two-digit ID
    uint16_t schedule[7][OL_SCHEDULE_PERIODS][2]; // *07 Mon..Sun open periods, minutes
    uint16_t holidays[OL_HOLIDAYS];               // *10 days since 1970, 0 = unused
} ol_settings;

// ---- status (for tests, the simulator and the owner's tools) -----------------
typedef struct ol_status {
    bool commissioned;
    bool door_open;
    uint32_t enrolled;              // bit n set: slot n holds a code
    uint32_t failures;              // consecutive wrong entries, persisted
    uint32_t lockout_remaining_ms;  // 0 when not locked out
    uint32_t last_lockout_ms;       // length of the last lockout since the last opening
    uint32_t audit_first_seq;       // oldest readable audit record
    uint32_t audit_next_seq;        // next audit sequence number
    uint32_t delay_remaining_ms;    // time delay running (0: none)
    uint32_t window_remaining_ms;   // opening window open (0: none)
    uint32_t timelock_remaining_ms; // "lock for N hours" still to run
    uint32_t recovery_delay_ms;     // *99 recovery delay running (0: none)
    bool recovery_enabled;          // a recovery code is set
    uint32_t openings;              // openings since the lock was set up (*21)
    bool alarm;                     // silent alarm raised (duress)
    ol_settings settings;           // the rules in force
    uint8_t code_checks[OL_SLOTS];  // new-code checks each slot has left
    uint32_t code_check_refill_ms;  // until one more comes back to each below the burst
    uint32_t service_session_ms;    // a *19 service session's time left (0: none)
} ol_status;

// ---- the lock -------------------------------------------------------------------
// A time that runs only while powered and must survive power cuts without
// ever getting shorter (lockout, timed lock): saved at least every
// OL_PENALTY_CHECKPOINT_MS and when it ends.
typedef struct ol_countdown {
    uint32_t ms;    // remaining at base
    uint64_t base;  // time at which ms was exact
    uint64_t saved; // time of the last save
} ol_countdown;

// One-time codes (src/core/onetime.c, docs/FLEET.md), as saved.
typedef struct ol_otc_state {
    uint32_t next;         // the oldest counter not used (none older works, under any key)
    bool seal_due;         // an opening by one-time code waits for its close seal
    uint8_t seal_slot;     // whose code it was
    uint32_t seal_counter; // and its counter
    uint32_t seal_from;    // the opening's audit sequence number
} ol_otc_state;

#define OL_LINK_ID_BYTES 64

// Private: use only through the functions below. Public so callers can own it.
typedef struct ol_lock {
    const ol_platform *plat;
    ol_kv kv;
    ol_log audit;
    // persisted state, mirrored in RAM
    bool has_device_key; // the key store holds one (src/core/keystore.h)
    uint8_t keys_sector; // its sector holding the newest record (0 or 1; 0xFF: none)
    uint32_t keys_seq;   // that record's sequence number
    uint8_t device_key[32];
    uint8_t tags[OL_SLOTS][OL_TAG_BYTES];
    uint32_t enrolled;     // bit n: slot n holds a code
    uint32_t failures;     // see src/core/penalty.h
    uint32_t last_lockout; // ms
    uint32_t wrong_since;  // clock second (penalty.since)
    uint32_t openings;     // since the lock was set up (*21)
    bool has_otc;          // the key store holds an OTC key: one-time codes are on
    uint8_t otc_key[OL_OTC_KEY_BYTES];
    uint32_t otc_lock; // the lock's number in its owner's fleet, kept with the key
    ol_otc_state otc;
    ol_countdown lockout;
    uint64_t quiet_until; // a quiet day ends: one wrong entry forgotten (0: none counted)
    // Wrong tries an opening may take back are earned from this time on (RAM
    // only: a power-up earns anew from nothing; src/core/tries.h).
    uint64_t undo_from;
    ol_countdown timelock;
    uint8_t code_checks[OL_SLOTS]; // new-code checks left, per slot (config.h)
    ol_countdown check_refill;     // until the next one comes back to each
    ol_settings set;
    bool recovery_enabled;
    uint8_t recovery_tag[OL_TAG_BYTES];
    bool has_link_id;
    uint8_t link_id[OL_LINK_ID_BYTES]; // the lock body's X25519 secret and public key
    bool has_link_peer;
    uint8_t link_peer[32]; // the paired keypad's public key
    uint8_t chain[OL_AUDIT_CHAIN_BYTES];
    // volatile: a power cut forgets these on purpose (a delay restarts)
    bool fault;
    bool door_open;
    bool remote_disabled;
    bool battery_low_logged;
    bool battery_known; // battery_mv holds a measurement
    uint32_t battery_mv;
    bool served_open; // the bolt is in after an opening that served the time delay
    uint64_t now;
    uint64_t relock_at;                          // 0: none pending
    uint64_t message_until;                      // 0: no transient message
    uint64_t menu_deadline;                      // 0: no function running
    uint64_t delay_until;                        // time delay ends (0: none)
    uint64_t window_until;                       // opening window ends (0: none)
    uint64_t dual_until;                         // first of two codes expires (0: none)
    uint8_t dual_first;                          // slot of the first code
    uint64_t recovery_until;                     // *99 recovery delay ends (0: none)
    uint64_t recovery_window;                    // new manager code to be set before (0: none)
    uint8_t group;                               // recovery code group being typed or shown
    uint8_t recovery_digits[OL_RECOVERY_DIGITS]; // being typed or shown; wiped at once after
    uint8_t shown_for;                           // the slot whose code asked for the showing
    uint64_t pair_until;                         // *17 opened a pairing window (0: none)
    bool pair_granted;                           // the unpaired keypad in use may now be pinned
    bool event_unpaired;       // the event being handled came from an unpaired keypad
    uint64_t reject_logged_at; // keypad_rejected rate limit
    uint32_t rejects_unlogged;
    uint8_t mode;            // enum mode in src/core/state.h
    bool glitch;             // MODE_FAULT from ol_fault_detected(), not from the store
    uint8_t step;            // field within the function
    uint8_t function;        // *NN running
    uint8_t actor;           // slot that authenticated in this function
    uint8_t target;          // slot a function acts on
    bool need_second;        // dual control: function waits for a second code
    uint32_t field[4];       // numbers collected by a function
    uint32_t view_seq;       // audit view: record shown
    uint16_t view_index;     // audit view: how many records back from the newest shown
    uint32_t shown_diff;     // recovery code typed back: non-zero once a group differed
    uint8_t audit_last_kind; // kind of the newest audit record
    uint16_t audit_noise[OL_AUDIT_NOISE_KINDS]; // repeats not written (audit.c), persisted
    uint8_t message_tone;                       // enum tone in src/core/screen.h
    char message[2][OL_DISPLAY_COLS + 1];
    uint8_t pending[OL_TAG_BYTES]; // tag of a new code awaiting its repeat
    uint8_t new_key[32];           // device key drawn during commissioning
    // The service port (src/core/service.c); RAM only: a power cut ends a session.
    uint64_t service_until; // the *19 session ends (0: none)
    uint8_t service_slot;   // who opened it
    uint8_t service_quiet;  // refusals recorded once a session (service.c)
    uint8_t service_offers; // images and keys offered in this session
    uint8_t offer_page;     // a firmware offer on the keypad: the page shown
    uint8_t offer_status;   // ol_image_status of the staged image
    uint32_t offer_version;
    uint8_t offer_digest[32];
    uint32_t staged, stage_total; // bytes received over the port, of those announced
    uint8_t export_key[32];       // an audit export's MAC key (0: none begun)
    uint32_t export_first, export_next;
    // A code waiting for its one-time code (MODE_ONE_TIME); RAM only.
    uint8_t otc_slot;
    bool otc_release; // what is waited for is the fleet's release code (onetime.c)
    uint32_t otc_grant;
    uint32_t otc_used; // the counter of the last one-time code taken
    ol_outputs out;
} ol_lock;

// Mount the store, recover from any power cut, restore the persisted state and
// log power_up. door_open is the door switch at power-up.
ol_err ol_lock_boot(ol_lock *lock, const ol_platform *plat, uint64_t now_ms,
                    bool door_open) OL_MUST_CHECK;
// Feed one event. now_ms is monotonic since power-up and never decreases.
// An error means storage failed: the lock has gone to its safe fault state.
ol_err ol_lock_event(ol_lock *lock, uint64_t now_ms, const ol_event *ev) OL_MUST_CHECK;
// The earliest time at which a TICK changes something (UINT64_MAX: none), so a
// port can sleep until then.
uint64_t ol_lock_next_deadline(const ol_lock *lock);
const ol_outputs *ol_lock_outputs(const ol_lock *lock);
void ol_lock_status(const ol_lock *lock, ol_status *st);
ol_err ol_lock_audit_read(const ol_lock *lock, uint32_t seq, ol_audit_event *ev) OL_MUST_CHECK;
// docs/POLICY.md, as the engine has it: who may run function `number`, and
// whether it can relax a rule that restricts openings. false: no such function.
typedef struct ol_function_policy {
    bool manager;   // a manager's code (else any enabled code, for its own slot)
    bool second;    // under dual control, a second different enabled code
    bool door_open; // only with the door open
    bool battery;   // refused on a critically low battery
    bool relaxes;   // some change it makes relaxes a rule: only when served
} ol_function_policy;
bool ol_lock_function_policy(uint8_t number, ol_function_policy *policy) OL_MUST_CHECK;

// Power is going away (or the context is being dropped): wipe secrets.
void ol_lock_shutdown(ol_lock *lock);

// ---- the service port (inside the door; docs/PROTOCOL.md, "Service port") -----
// One request in, one response out: [result, n, message (n bytes), payload].
// Outside a *19 session every request gets the one fixed refusal. The
// port's transport (a UART's framing, the simulator's commands) carries
// whole requests.
#define OL_SERVICE_REQUEST_MAX 264
#define OL_SERVICE_RESPONSE_MAX 96
enum ol_service_request {
    OL_SERVICE_INFO = 0x01,     // -> version u32, digest 32, signer's key id 16, session ms u32
    OL_SERVICE_END = 0x02,      // ends the session
    OL_SERVICE_FW_BEGIN = 0x10, // total bytes u32: a new image is coming (erases the staging slot)
    OL_SERVICE_FW_DATA = 0x11,  // offset u32, then up to 256 bytes, in order
    OL_SERVICE_FW_END = 0x12,   // checks the image; the keypad shows it for a manager's '#'
    OL_SERVICE_PIN_KEY = 0x20,  // an Ed25519 public key (32): the owner's, for his own builds
    OL_SERVICE_AUDIT_BEGIN = 0x30, // the owner's X25519 public key (32) -> the lock's key (32),
                                   // first and next sequence numbers u32: the range exported
    OL_SERVICE_AUDIT_READ = 0x31,  // seq u32 -> up to 3 records from it, 28 bytes each
    OL_SERVICE_AUDIT_SEAL = 0x32,  // -> the MAC (32) over the range, for the owner's key
    OL_SERVICE_OTC_SET = 0x40,     // lock number u32, OTC key (32), the fleet's counter u32: on
    OL_SERVICE_OTC_OFF = 0x41,     // one-time codes off (the key forgotten)
};
enum ol_service_result {
    OL_SERVICE_OK = 0,
    OL_SERVICE_REFUSED = 1, // the message says why
};
ol_err ol_lock_service(ol_lock *lock, uint64_t now_ms, const uint8_t *req, size_t len,
                       uint8_t resp[OL_SERVICE_RESPONSE_MAX], size_t *resp_len) OL_MUST_CHECK;

// ---- the keypad link (driven by src/link/body.c) ------------------------------
// The lock body's link identity (X25519 secret || public) and the paired
// keypad's public key, as stored. false when there is none yet.
bool ol_lock_link_identity(const ol_lock *lock, uint8_t id[OL_LINK_ID_BYTES]) OL_MUST_CHECK;
bool ol_lock_link_peer(const ol_lock *lock, uint8_t key[32]) OL_MUST_CHECK;
ol_err ol_lock_link_set_identity(ol_lock *lock, const uint8_t id[OL_LINK_ID_BYTES]) OL_MUST_CHECK;
// Pin a keypad's public key; logs keypad_paired.
ol_err ol_lock_link_pair(ol_lock *lock, uint64_t now_ms, const uint8_t key[32]) OL_MUST_CHECK;
// May a keypad that is not the pinned one be paired right now? Only with the
// door open: on a lock not yet commissioned, or in a *17 pairing window.
bool ol_lock_pairing_allowed(const ol_lock *lock);
// A *17 or a recovery typed on an unpaired keypad granted its pairing:
// returns true once, and the caller pins that keypad.
bool ol_lock_take_pair_grant(ol_lock *lock) OL_MUST_CHECK;
// Should an unpaired keypad see the engine's screen (a lockout or fault,
// which take no keys from anyone, or a recovery or pairing it may do),
// rather than NOT PAIRED?
bool ol_lock_unpaired_screen(const ol_lock *lock);
// A frame or message from the keypad was refused: logged as keypad_rejected,
// at most once per OL_REJECT_LOG_MS (arg: how many since the last record).
ol_err ol_lock_link_rejected(ol_lock *lock, uint64_t now_ms) OL_MUST_CHECK;

#endif
