// ownerlock — build-time configuration.
//
// Every limit, time and default of the lock is here, with its documented
// value and unit. A port overrides any of them by defining it before this
// header is included, normally from a header named by OL_CONFIG_FILE
// (-DOL_CONFIG_FILE="board.h"), which must reach every translation unit (the
// layout of ol_lock depends on it). The end of this file checks at compile
// time that the values chosen fit together and fit what the code assumes.
// docs/PORTING.md lists them all (tests/unit/test_config_doc.c compares).
#ifndef OWNERLOCK_CONFIG_H
#define OWNERLOCK_CONFIG_H

#include <stdint.h>

#ifdef OL_CONFIG_FILE
#include OL_CONFIG_FILE
#endif

// ---- Codes and slots --------------------------------------------------------
#ifndef OL_MANAGER_SLOTS
#define OL_MANAGER_SLOTS 2 // slots 00..01 open and program
#endif
#ifndef OL_SLOTS
#define OL_SLOTS 32 // slots 02..31 are users: they only open
#endif
#ifndef OL_CODE_MIN_DIGITS
#define OL_CODE_MIN_DIGITS 6
#endif
#ifndef OL_CODE_MAX_DIGITS
#define OL_CODE_MAX_DIGITS 12
#endif
// Longest field the keypad forwards; longer input is cut here (and so can
// never match an enrolled code).
#ifndef OL_ENTRY_MAX_DIGITS
#define OL_ENTRY_MAX_DIGITS 16
#endif
// Bytes of HMAC-SHA256 kept per enrolled code (128 bits).
#ifndef OL_TAG_BYTES
#define OL_TAG_BYTES 16
#endif

// ---- New codes --------------------------------------------------------------
// In plain mode (no ID typed before the code) a new code is checked against
// the others, and the answer (TOO LIKE ANOTHER) tells something about them,
// so those checks are rationed, per slot that asks (so nobody can use up
// anyone else's): OL_CODE_CHECK_BURST at once (enough for a manager to enrol
// every slot), then one more per OL_CODE_CHECK_REFILL_MS of powered time. In
// ID mode codes need not differ and nothing is checked. docs/SECURITY.md has
// the figures.
#ifndef OL_CODE_CHECK_BURST
#define OL_CODE_CHECK_BURST 32
#endif
#ifndef OL_CODE_CHECK_REFILL_MS
#define OL_CODE_CHECK_REFILL_MS (7u * 24u * 60u * 60u * 1000u) // one a week
#endif
// A code set for a slot by someone else (*02), in either mode, gives that
// slot this many checks (enough to change the code given, with one mistake):
// more are taken away, so a manager who enrols slots with codes he knows
// gains no slot's burst; fewer are made up from the manager's own.
#ifndef OL_CODE_CHECK_NEW
#define OL_CODE_CHECK_NEW 2
#endif
// In plain mode a guess tests every code at once, so the lock accepts at most
// this many codes there, a duress variant counting as a code, and slot 00
// always counting (owner recovery may put a code there): more would bring
// brute force below OL_FLOOR_YEARS. ID mode (*18) has no such limit.
// tests/attacks/brute_force_model checks every configuration this allows.
#ifndef OL_PLAIN_MAX_CODES
#define OL_PLAIN_MAX_CODES 7
#endif
// The floor: expected powered time, in years, for an attacker at the keypad
// to find a code that opens (docs/SECURITY.md, "Brute force").
#ifndef OL_FLOOR_YEARS
#define OL_FLOOR_YEARS 100
#endif

// ---- Wrong-try penalty ------------------------------------------------------
#ifndef OL_PENALTY_FREE_TRIES
#define OL_PENALTY_FREE_TRIES 5 // consecutive wrong entries before the first lockout
#endif
#ifndef OL_PENALTY_FIRST_MS
#define OL_PENALTY_FIRST_MS (5u * 60u * 1000u) // first lockout: 5 min
#endif
#ifndef OL_PENALTY_MAX_MS
#define OL_PENALTY_MAX_MS (12u * 60u * 60u * 1000u) // lockouts double up to 12 h
#endif
// An opening takes back wrong tries (a person's typos before it), as many
// as the lock has earned: one per OL_PENALTY_UNDO_EARN_MS of powered time,
// at most OL_PENALTY_UNDO_MAX kept, none at power-up. Whose tries they were
// cannot be told, so an insider's guesses are taken back too: the brute-force
// model counts every one (docs/POLICY.md, docs/SECURITY.md).
#ifndef OL_PENALTY_UNDO_MAX
#define OL_PENALTY_UNDO_MAX 3
#endif
#ifndef OL_PENALTY_UNDO_EARN_MS
#define OL_PENALTY_UNDO_EARN_MS (24u * 60u * 60u * 1000u)
#endif
// This much powered time without a wrong entry forgets one.
#ifndef OL_PENALTY_FORGET_MS
#define OL_PENALTY_FORGET_MS (24u * 60u * 60u * 1000u)
#endif
// While a lockout runs, its remaining time is saved this often, so a power
// cut costs the owner at most this much extra waiting and never shortens it.
#ifndef OL_PENALTY_CHECKPOINT_MS
#define OL_PENALTY_CHECKPOINT_MS (60u * 1000u)
#endif

// ---- Time delay, dual control, time lock, battery ---------------------------
#ifndef OL_DELAY_MAX_MIN
#define OL_DELAY_MAX_MIN 99 // *04: time delay 0..99 minutes
#endif
#ifndef OL_WINDOW_MIN_MIN
#define OL_WINDOW_MIN_MIN 1 // *04: opening window 1..19 minutes
#endif
#ifndef OL_WINDOW_MAX_MIN
#define OL_WINDOW_MAX_MIN 19
#endif
#ifndef OL_WINDOW_DEFAULT_MIN
#define OL_WINDOW_DEFAULT_MIN 2
#endif
#ifndef OL_DUAL_WINDOW_MS
#define OL_DUAL_WINDOW_MS 60000u // dual control: the second code within 60 s
#endif
// One-time codes (docs/FLEET.md): counters accepted ahead of the oldest one
// not used (codes issued and never typed), at most 8.
#ifndef OL_OTC_LOOKAHEAD
#define OL_OTC_LOOKAHEAD 8u
#endif
#ifndef OL_SCHEDULE_PERIODS
#define OL_SCHEDULE_PERIODS 4 // time lock: open periods per weekday
#endif
#ifndef OL_HOLIDAYS
#define OL_HOLIDAYS 32 // time lock: holiday dates
#endif
#ifndef OL_TIMELOCK_MAX_HOURS
#define OL_TIMELOCK_MAX_HOURS 99 // *11: "lock for N hours", 1..99
#endif
#ifndef OL_BATTERY_WARN_MV
#define OL_BATTERY_WARN_MV 4800u // below: LOW BATTERY on every use
#endif
#ifndef OL_BATTERY_CRITICAL_MV
#define OL_BATTERY_CRITICAL_MV 4400u // below: programming refused, openings go on
#endif
// ---- Owner recovery -----------------------------------------------------------
#ifndef OL_RECOVERY_DELAY_DEFAULT_MIN
#define OL_RECOVERY_DELAY_DEFAULT_MIN 60 // *99: wait before a new manager code
#endif
#ifndef OL_RECOVERY_DELAY_MIN_MIN
#define OL_RECOVERY_DELAY_MIN_MIN 15 // *16: 15 min ..
#endif
#ifndef OL_RECOVERY_DELAY_MAX_MIN
#define OL_RECOVERY_DELAY_MAX_MIN 4320 // .. 72 h
#endif
#ifndef OL_RECOVERY_WINDOW_MS
#define OL_RECOVERY_WINDOW_MS (10u * 60u * 1000u) // to type *99 again after the delay
#endif
#ifndef OL_RECOVERY_SHOW_MS
#define OL_RECOVERY_SHOW_MS (2u * 60u * 1000u) // a recovery code shown, no key: not kept
#endif

// ---- Bolt and door ----------------------------------------------------------
#ifndef OL_RELOCK_UNOPENED_MS
#define OL_RELOCK_UNOPENED_MS 6000u // bolt extends again if the door stays shut
#endif
#ifndef OL_RELOCK_AFTER_CLOSE_MS
#define OL_RELOCK_AFTER_CLOSE_MS 1000u // bolt extends this long after the door closes
#endif

// ---- User interface ---------------------------------------------------------
#ifndef OL_MESSAGE_MS
#define OL_MESSAGE_MS 3000u // how long a result message stays before the idle screen
#endif
#ifndef OL_MENU_TIMEOUT_MS
#define OL_MENU_TIMEOUT_MS 30000u // a function with no key for this long is cancelled
#endif

// ---- Service port -------------------------------------------------------------
// A *19 service session lasts this long (or until the door closes); the port
// answers nothing else outside one (docs/PROTOCOL.md, "Service port").
#ifndef OL_SERVICE_SESSION_MS
#define OL_SERVICE_SESSION_MS 300000u
#endif
// Images and keys a session may offer; then *19 again (a loop of refused
// images cannot flush the audit trail faster than typing *19 and a code).
#ifndef OL_SERVICE_OFFERS
#define OL_SERVICE_OFFERS 4u
#endif

// ---- Keypad link and pairing ------------------------------------------------
// *17 opens a window of this long in which an unpaired keypad may be paired
// (door open).
#ifndef OL_PAIRING_WINDOW_MS
#define OL_PAIRING_WINDOW_MS 60000u
#endif
// Refused keypad frames are logged as keypad_rejected at most once per this
// period (the record counts the others), so noise cannot flood the audit ring.
#ifndef OL_REJECT_LOG_MS
#define OL_REJECT_LOG_MS 60000u
#endif
// The lock body sends a DISPLAY at least this often while a session is up:
// the heartbeat that OL_LINK_FRESH_WINDOW counts in.
#ifndef OL_BODY_HEARTBEAT_MS
#define OL_BODY_HEARTBEAT_MS 1000u
#endif
// Freshness: every keypad DATA frame carries the highest counter it has
// received from the body (its "ack"). The body accepts a keypad frame only if
// that ack is one of the last OL_LINK_FRESH_WINDOW + 1 frames it sent, so a
// frame held back on the cable (jam now, deliver later) goes stale within a
// few heartbeats and is refused, even though it was never used. In frames.
#ifndef OL_LINK_FRESH_WINDOW
#define OL_LINK_FRESH_WINDOW 2
#endif

// ---- Keypad unit ------------------------------------------------------------
// A half-typed field with no key for this long is dropped.
#ifndef OL_KEYPAD_IDLE_MS
#define OL_KEYPAD_IDLE_MS 30000u
#endif
// The dial (FF-L-2740B style front end; numbers 00-99, one per detent): a turn
// of at least this many detents without a change of direction is a gesture
// ('#' turning right, a clear turning left): four whole turns, more than any
// number needs and more than the turns an FF-L-2740B user makes between
// numbers (right 3, left 2), so none of those is taken for one.
#ifndef OL_DIAL_GESTURE_STEPS
#define OL_DIAL_GESTURE_STEPS 400u
#endif
// Without a session, the keypad starts a new handshake after this long.
#ifndef OL_KEYPAD_RETRY_MS
#define OL_KEYPAD_RETRY_MS 2000u
#endif
// Sectors of the keypad's own flash (from sector 0) for its identity and the
// pinned lock-body key.
#ifndef OL_KEYPAD_SECTORS
#define OL_KEYPAD_SECTORS 4
#endif

// ---- Storage layout (sectors of the flash HAL) ------------------------------
#ifndef OL_STATE_FIRST_SECTOR
#define OL_STATE_FIRST_SECTOR 0
#endif
#ifndef OL_STATE_SECTORS
#define OL_STATE_SECTORS 4
#endif
#ifndef OL_AUDIT_FIRST_SECTOR
#define OL_AUDIT_FIRST_SECTOR (OL_STATE_FIRST_SECTOR + OL_STATE_SECTORS)
#endif
// 4096 records of 28..32 bytes take 40..44 bytes each with their framing, so
// 92..101 per 4 KiB sector; the store guarantees (sectors - 2) full sectors
// (one open, one possibly closed by a cut): 46 * 92 = 4232 >= 4096.
#ifndef OL_AUDIT_SECTORS
#define OL_AUDIT_SECTORS 48
#endif
// The key store (src/core/keystore.h): the device key and the link identity,
// in two sectors of their own that a port keeps where a read-out of the
// state and audit sectors does not reach (docs/PORTING.md, "The key store").
#ifndef OL_KEYS_FIRST_SECTOR
#define OL_KEYS_FIRST_SECTOR (OL_AUDIT_FIRST_SECTOR + OL_AUDIT_SECTORS)
#endif
#define OL_KEYS_SECTORS 2 // one record and its predecessor: fixed by the format
// The boot area (include/ownerlock/boot.h): three image slots of
// OL_BOOT_SLOT_SECTORS sectors each (ACTIVE, STAGED, BACKUP), then the boot
// record's two sectors. The default slot, 13 sectors of 4 KiB = 52 KiB, holds
// the 128-byte header and a lock body of up to 48 KiB with room to spare.
#ifndef OL_BOOT_FIRST_SECTOR
#define OL_BOOT_FIRST_SECTOR (OL_KEYS_FIRST_SECTOR + OL_KEYS_SECTORS)
#endif
#ifndef OL_BOOT_SLOT_SECTORS
#define OL_BOOT_SLOT_SECTORS 13
#endif
#define OL_BOOT_RECORD_SECTORS 2 // one record and its predecessor: fixed by the format
#define OL_BOOT_SECTORS (3 * OL_BOOT_SLOT_SECTORS + OL_BOOT_RECORD_SECTORS)
// Audit events the ring always keeps (the lock checks ol_log_capacity at boot).
#ifndef OL_AUDIT_MIN_EVENTS
#define OL_AUDIT_MIN_EVENTS 4096u
#endif
// Most keys the state store knows (see src/core/persist.h for their use).
#ifndef OL_KV_MAX_KEYS
#define OL_KV_MAX_KEYS 64
#endif
// Largest value one state record holds.
#ifndef OL_KV_MAX_VALUE
#define OL_KV_MAX_VALUE 64
#endif
// Most sectors one ring of the store may span.
#ifndef OL_RING_MAX_SECTORS
#define OL_RING_MAX_SECTORS 64
#endif

// ---- What the code assumes of the values above ------------------------------
// Slots: enrolled slots are bits of a uint32_t; slot numbers are typed as
// two digits; slots below OL_MANAGER_SLOTS are managers, and there must be a
// manager and at least one user slot.
_Static_assert(OL_SLOTS >= 2 && OL_SLOTS <= 32, "OL_SLOTS: 2..32 (slots are bits of a uint32_t)");
_Static_assert(OL_MANAGER_SLOTS >= 1 && OL_MANAGER_SLOTS < OL_SLOTS,
               "OL_MANAGER_SLOTS: 1..OL_SLOTS-1");
// Codes: a code must fit the field the keypad forwards, which must fit the
// 40-byte ENTRY message (type, count, digits) and its uint8_t count.
_Static_assert(OL_CODE_MIN_DIGITS >= 1 && OL_CODE_MIN_DIGITS <= OL_CODE_MAX_DIGITS,
               "OL_CODE_MIN_DIGITS: 1..OL_CODE_MAX_DIGITS");
_Static_assert(OL_CODE_MAX_DIGITS <= OL_ENTRY_MAX_DIGITS,
               "OL_CODE_MAX_DIGITS: at most OL_ENTRY_MAX_DIGITS");
_Static_assert(OL_ENTRY_MAX_DIGITS <= 38, "OL_ENTRY_MAX_DIGITS: the ENTRY message holds 38 digits");
// A tag is a truncated HMAC-SHA256 (32 bytes); under 16 bytes (128 bits)
// the claims of docs/SECURITY.md do not hold.
_Static_assert(OL_TAG_BYTES >= 16 && OL_TAG_BYTES <= 32, "OL_TAG_BYTES: 16..32");
// New-code checks: one byte per slot.
_Static_assert(OL_CODE_CHECK_BURST >= 1 && OL_CODE_CHECK_BURST <= 255,
               "OL_CODE_CHECK_BURST: 1..255 (one byte per slot)");
_Static_assert(OL_CODE_CHECK_REFILL_MS > 0, "OL_CODE_CHECK_REFILL_MS must be > 0");
_Static_assert(OL_CODE_CHECK_NEW <= OL_CODE_CHECK_BURST,
               "OL_CODE_CHECK_NEW: 0..OL_CODE_CHECK_BURST");
// Plain mode holds at least a manager's code and its duress variant.
_Static_assert(OL_PLAIN_MAX_CODES >= 2 && OL_PLAIN_MAX_CODES <= 2 * OL_SLOTS,
               "OL_PLAIN_MAX_CODES: 2..2 * OL_SLOTS");
// Penalty: a first lockout of 0 would mean none at all; lockouts are uint32_t
// milliseconds and double up to the cap.
_Static_assert(OL_PENALTY_FREE_TRIES >= 1, "OL_PENALTY_FREE_TRIES must be >= 1");
_Static_assert(OL_PENALTY_FIRST_MS > 0 && OL_PENALTY_FIRST_MS <= OL_PENALTY_MAX_MS,
               "OL_PENALTY_FIRST_MS: 1..OL_PENALTY_MAX_MS");
_Static_assert(OL_PENALTY_MAX_MS <= UINT32_MAX, "OL_PENALTY_MAX_MS must fit 32 bits");
_Static_assert(OL_PENALTY_CHECKPOINT_MS > 0, "OL_PENALTY_CHECKPOINT_MS must be > 0");
// A quiet day must outlast the longest lockout, or a thief waiting out his
// lockouts would be forgiven while he waits.
_Static_assert(OL_PENALTY_FORGET_MS > OL_PENALTY_MAX_MS,
               "OL_PENALTY_FORGET_MS > OL_PENALTY_MAX_MS");
_Static_assert(OL_PENALTY_UNDO_MAX <= 255 && OL_PENALTY_UNDO_EARN_MS > 0,
               "OL_PENALTY_UNDO_MAX: 0..255; OL_PENALTY_UNDO_EARN_MS > 0");
// Numbers typed into functions: minutes and hours in two digits, the
// recovery delay in at most four; settings are kept in uint8_t / uint16_t.
_Static_assert(OL_DELAY_MAX_MIN <= 99, "OL_DELAY_MAX_MIN: at most 99 (two digits)");
_Static_assert(OL_WINDOW_MIN_MIN >= 1 && OL_WINDOW_MIN_MIN <= OL_WINDOW_DEFAULT_MIN &&
                   OL_WINDOW_DEFAULT_MIN <= OL_WINDOW_MAX_MIN && OL_WINDOW_MAX_MIN <= 99,
               "1 <= OL_WINDOW_MIN_MIN <= OL_WINDOW_DEFAULT_MIN <= OL_WINDOW_MAX_MIN <= 99");
_Static_assert(OL_DUAL_WINDOW_MS > 0, "OL_DUAL_WINDOW_MS must be > 0");
_Static_assert(OL_SCHEDULE_PERIODS >= 1 && OL_HOLIDAYS >= 1,
               "OL_SCHEDULE_PERIODS and OL_HOLIDAYS must be >= 1");
_Static_assert(OL_TIMELOCK_MAX_HOURS >= 1 && OL_TIMELOCK_MAX_HOURS <= 99,
               "OL_TIMELOCK_MAX_HOURS: 1..99 (two digits)");
_Static_assert(OL_BATTERY_CRITICAL_MV < OL_BATTERY_WARN_MV,
               "OL_BATTERY_CRITICAL_MV must be below OL_BATTERY_WARN_MV");
_Static_assert(OL_RECOVERY_DELAY_MIN_MIN >= 1 &&
                   OL_RECOVERY_DELAY_MIN_MIN <= OL_RECOVERY_DELAY_DEFAULT_MIN &&
                   OL_RECOVERY_DELAY_DEFAULT_MIN <= OL_RECOVERY_DELAY_MAX_MIN &&
                   OL_RECOVERY_DELAY_MAX_MIN <= 9999,
               "1 <= OL_RECOVERY_DELAY_MIN_MIN <= _DEFAULT_MIN <= _MAX_MIN <= 9999");
// Every window, timeout and period: 0 would end it before it began.
_Static_assert(OL_RECOVERY_WINDOW_MS > 0 && OL_RECOVERY_SHOW_MS > 0,
               "recovery windows must be > 0");
_Static_assert(OL_RELOCK_UNOPENED_MS > 0 && OL_RELOCK_AFTER_CLOSE_MS > 0,
               "relock times must be > 0");
_Static_assert(OL_MESSAGE_MS > 0 && OL_MENU_TIMEOUT_MS > 0, "UI times must be > 0");
_Static_assert(OL_PAIRING_WINDOW_MS > 0, "OL_PAIRING_WINDOW_MS must be > 0");
_Static_assert(OL_SERVICE_SESSION_MS >= 60000u && OL_SERVICE_SESSION_MS <= 3600000u,
               "OL_SERVICE_SESSION_MS: a minute to an hour");
_Static_assert(OL_REJECT_LOG_MS > 0, "OL_REJECT_LOG_MS must be > 0");
_Static_assert(OL_BODY_HEARTBEAT_MS > 0, "OL_BODY_HEARTBEAT_MS must be > 0");
// The keypad may answer before the body's newest DISPLAY reaches it.
_Static_assert(OL_LINK_FRESH_WINDOW >= 1, "OL_LINK_FRESH_WINDOW must be >= 1");
_Static_assert(OL_KEYPAD_IDLE_MS > 0 && OL_KEYPAD_RETRY_MS > 0, "keypad times must be > 0");
_Static_assert(OL_DIAL_GESTURE_STEPS > 300u && OL_DIAL_GESTURE_STEPS < 65535u,
               "OL_DIAL_GESTURE_STEPS: more than three whole turns, so no number needs it");
// Storage: a ring needs two sectors (one to write while the other holds the
// state); the audit ring keeps sectors - 2 full; no two rings overlap.
_Static_assert(OL_RING_MAX_SECTORS >= 2, "OL_RING_MAX_SECTORS must be >= 2");
_Static_assert(OL_STATE_SECTORS >= 2 && OL_STATE_SECTORS <= OL_RING_MAX_SECTORS,
               "OL_STATE_SECTORS: 2..OL_RING_MAX_SECTORS");
_Static_assert(OL_AUDIT_SECTORS >= 3 && OL_AUDIT_SECTORS <= OL_RING_MAX_SECTORS,
               "OL_AUDIT_SECTORS: 3..OL_RING_MAX_SECTORS");
_Static_assert(OL_KEYPAD_SECTORS >= 2 && OL_KEYPAD_SECTORS <= OL_RING_MAX_SECTORS,
               "OL_KEYPAD_SECTORS: 2..OL_RING_MAX_SECTORS");
_Static_assert(OL_AUDIT_FIRST_SECTOR >= OL_STATE_FIRST_SECTOR + OL_STATE_SECTORS ||
                   OL_STATE_FIRST_SECTOR >= OL_AUDIT_FIRST_SECTOR + OL_AUDIT_SECTORS,
               "the state and audit rings overlap");
_Static_assert((OL_KEYS_FIRST_SECTOR >= OL_STATE_FIRST_SECTOR + OL_STATE_SECTORS ||
                OL_STATE_FIRST_SECTOR >= OL_KEYS_FIRST_SECTOR + OL_KEYS_SECTORS) &&
                   (OL_KEYS_FIRST_SECTOR >= OL_AUDIT_FIRST_SECTOR + OL_AUDIT_SECTORS ||
                    OL_AUDIT_FIRST_SECTOR >= OL_KEYS_FIRST_SECTOR + OL_KEYS_SECTORS),
               "the key store overlaps the state or audit ring");
// Sectors [f1, f1 + n1) and [f2, f2 + n2) are apart.
#define OL_SECTORS_APART_(f1, n1, f2, n2) ((f1) >= (f2) + (n2) || (f2) >= (f1) + (n1))
_Static_assert(OL_BOOT_SLOT_SECTORS >= 1, "OL_BOOT_SLOT_SECTORS must be >= 1");
_Static_assert(OL_SECTORS_APART_(OL_BOOT_FIRST_SECTOR, OL_BOOT_SECTORS, OL_STATE_FIRST_SECTOR,
                                 OL_STATE_SECTORS) &&
                   OL_SECTORS_APART_(OL_BOOT_FIRST_SECTOR, OL_BOOT_SECTORS, OL_AUDIT_FIRST_SECTOR,
                                     OL_AUDIT_SECTORS) &&
                   OL_SECTORS_APART_(OL_BOOT_FIRST_SECTOR, OL_BOOT_SECTORS, OL_KEYS_FIRST_SECTOR,
                                     OL_KEYS_SECTORS),
               "the boot area overlaps the state ring, the audit ring or the key store");
_Static_assert(OL_AUDIT_MIN_EVENTS >= 1, "OL_AUDIT_MIN_EVENTS must be >= 1");
_Static_assert(OL_OTC_LOOKAHEAD >= 1 && OL_OTC_LOOKAHEAD <= 8, "OL_OTC_LOOKAHEAD: 1..8");

#endif
