// ownerlock — build-time configuration.
//
// Every limit and default of the lock is here, with its documented value. A
// port overrides any of them by defining it before this header is included,
// normally from a header named by OL_CONFIG_FILE (-DOL_CONFIG_FILE="board.h").
#ifndef OWNERLOCK_CONFIG_H
#define OWNERLOCK_CONFIG_H

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
// Checking a new code against the others tells something about them
// (TOO LIKE ANOTHER), so those checks are rationed, per slot that asks (so
// nobody can use up anyone else's): OL_CODE_CHECK_BURST at once (enough for a
// manager to enrol every slot), then one more per OL_CODE_CHECK_REFILL_MS of
// powered time. docs/SECURITY.md has the figures.
#ifndef OL_CODE_CHECK_BURST
#define OL_CODE_CHECK_BURST 32
#endif
#ifndef OL_CODE_CHECK_REFILL_MS
#define OL_CODE_CHECK_REFILL_MS (60u * 60u * 1000u)
#endif

// ---- Wrong-try penalty ------------------------------------------------------
#ifndef OL_PENALTY_FREE_TRIES
#define OL_PENALTY_FREE_TRIES 5 // consecutive wrong entries before the first lockout
#endif
#ifndef OL_PENALTY_FIRST_MS
#define OL_PENALTY_FIRST_MS (5u * 60u * 1000u) // first lockout: 5 min
#endif
#ifndef OL_PENALTY_MAX_MS
#define OL_PENALTY_MAX_MS (60u * 60u * 1000u) // lockouts double up to 60 min
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
#ifndef OL_PAIRING_WINDOW_MS
#define OL_PAIRING_WINDOW_MS 60000u // *17: a new keypad pairs within 60 s
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

#endif
