// ownerlock — what the engine's files share (internal).
//
//  lock.c       boot, event dispatch, timers, bolt and door, display
//  opening.c    the open decision: delay, window, dual control, duress, time
//               lock, remote disable, supervisor
//  functions.c  the *NN functions of the keypad grammar
//  schedule.c   calendar arithmetic for the time lock
//  persist.c    what is saved, under which key, in which layout
#ifndef OWNERLOCK_CORE_ENGINE_H
#define OWNERLOCK_CORE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"
#include "penalty.h"

// MODE_FACTORY is neither zero, what a cleared context holds, nor a small
// number, what a glitch-smashed one likely holds: a glitch at power-up must
// not make a lock look new.
enum mode {
    MODE_IDLE = 0,       // commissioned, waiting for a code or a function
    MODE_FACTORY = 0xA6, // no manager code yet: commissioning (step 0 first, 1 repeat)
    MODE_FUNCTION = 2,
    MODE_FAULT = 3,     // storage failed: refuse everything
    MODE_RECOVERY = 4,  // *99: typing the recovery code (step 0), new manager code (2, 3)
    MODE_SHOW_CODE = 5, // a new recovery code is shown, one group per '#'
};

enum tone { TONE_INFO = 0, TONE_OK = 1, TONE_ERROR = 2, TONE_ALERT = 3 };

#define MANAGER_MASK ((1u << OL_MANAGER_SLOTS) - 1u)
#define NOTHING_CHANGED "NOTHING CHANGED"

// ---- lock.c -----------------------------------------------------------------
bool ol_commissioned(const ol_lock *lock);
void ol_say(ol_lock *lock, enum tone tone, const char *l1, const char *l2);
void ol_function_end(ol_lock *lock);
void ol_function_refuse(ol_lock *lock, const char *reason); // ends the function
void ol_put2(char *p, uint32_t v);                 // two decimal digits
void ol_put_time_left(char *p, uint32_t ms);       // "MM:SS", or "HHhMM" from 100 min
void ol_set_line(char dst[OL_DISPLAY_COLS + 1], const char *src);
void ol_play(ol_lock *lock, ol_beep pattern);
// What ol_authenticate() found.
typedef struct verdict {
    bool valid;     // the entry is an enrolled code (or, duress on, its duress variant)
    bool duress;    // it is the duress variant; slot is then that code's slot
    uint8_t slot;   // the slot that matched (0 when none)
    uint32_t grant; // OL_GRANT or OL_DENY: the second, independent reading (fih.h)
} verdict;
// The one path by which an entry is checked against the enrolled codes. The
// state a wrong try would produce is saved before the entry is evaluated.
ol_err ol_authenticate(ol_lock *lock, const ol_event *ev, const char *wrong_note,
                    verdict *v) OL_MUST_CHECK;
uint32_t ol_countdown_left(const ol_lock *lock, const ol_countdown *c);
// A new code is typed twice. The first entry is checked by the policy for
// slot `target` and kept as a pending tag under `key`; *bad is NULL, or the
// refusal. A refusal that tells about another code is a counted wrong try.
ol_err ol_new_code_first(ol_lock *lock, const uint8_t key[32], uint8_t target, const ol_event *ev,
                      const char **bad) OL_MUST_CHECK;
// The ration of new-code checks comes back with powered time.
ol_err ol_code_checks_timer(ol_lock *lock) OL_MUST_CHECK;
// The repeat: true (and its tag in `tag`, for the caller to save and wipe)
// when it matches; the pending tag is wiped either way.
bool ol_new_code_repeat(ol_lock *lock, const uint8_t key[32], const ol_event *ev,
                     uint8_t tag[OL_TAG_BYTES]);
bool ol_battery_critical(const ol_lock *lock);
// The two readings of an entry disagree: only a fault can do that (fih.h).
// Logs ol_fault_detected, throws the bolt and refuses everything until power-up.
ol_err ol_fault_detected(ol_lock *lock) OL_MUST_CHECK;

// The penalty around any credential check: begin saves the state a wrong
// try would produce (before the check); confirm, called apart from it with
// the state from before, reads that record back from flash, so that a glitch
// skipping the save or the call to begin leaves no check uncounted (it
// returns OL_ERR_FLASH: the lock stops). ol_penalty_open does both and returns
// the state from before in *was. settle puts that state back (valid: the
// entry was no wrong try) or logs the wrong try and any lockout it started,
// showing WRONG CODE / wrong_note (NULL: nothing shown, the caller says why).
penalty ol_penalty_now(const ol_lock *lock);
ol_err ol_penalty_begin(ol_lock *lock) OL_MUST_CHECK;
ol_err ol_penalty_confirm(ol_lock *lock, penalty was) OL_MUST_CHECK;
ol_err ol_penalty_open(ol_lock *lock, penalty *was) OL_MUST_CHECK;
// The entry counts as valid only when both its readings agree (fih.h): a
// glitch on one cannot wipe a wrong try.
ol_err ol_penalty_settle(ol_lock *lock, const verdict *v, penalty was,
                      const char *wrong_note) OL_MUST_CHECK;
ol_err ol_penalty_wrong(ol_lock *lock, const char *wrong_note) OL_MUST_CHECK;
// An opening: every earlier wrong try is forgiven (and only an opening does).
ol_err ol_penalty_forgive(ol_lock *lock) OL_MUST_CHECK;

// ---- recovery.c -------------------------------------------------------------
// The arg of recovery_used records.
enum recovery_why {
    RECOVERY_STARTED = 1,       // the right code: the delay runs
    RECOVERY_DONE = 2,          // the new manager code is set
    RECOVERY_STOPPED_CODE = 3,  // a valid code stopped it
    RECOVERY_STOPPED_WRONG = 4, // a wrong try stopped it
    RECOVERY_CANCELLED = 5,     // '*', another function, or the field timed out
    RECOVERY_EXPIRED = 6,       // the code was not typed again in time
    RECOVERY_READY = 7,         // the delay has run: the code again, within 10 min
    RECOVERY_POWER_CUT = 8,     // recorded at power-up: a power cut ended it
};
// Draw a new recovery code and show it; kept once typed back.
ol_err ol_recovery_new_code(ol_lock *lock) OL_MUST_CHECK;
// The showing ends unkept (door closed, '*', timeout).
void ol_recovery_abandon(ol_lock *lock);
void ol_recovery_start(ol_lock *lock); // *99
ol_err ol_recovery_entry(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
ol_err ol_recovery_show_entry(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
ol_err ol_recovery_timers(ol_lock *lock) OL_MUST_CHECK;
// Checks typed groups against the recovery code, with the penalty. *done
// is false while groups are still missing (or one had a typo).
ol_err ol_recovery_take_group(ol_lock *lock, const ol_event *ev, bool *done,
                           bool *valid) OL_MUST_CHECK;
// Ends the typing of *99 and any running recovery (recorded).
ol_err ol_recovery_cancel(ol_lock *lock) OL_MUST_CHECK;
// From the right *99 code to the new manager code: its delay, the time to
// type the code again, and the new code's fields.
bool ol_recovery_running(const ol_lock *lock);
// At power-up: a recovery that a power cut ended is recorded.
ol_err ol_recovery_power_up(ol_lock *lock) OL_MUST_CHECK;
// A running recovery (delay or ready) stops, recorded with `why`.
ol_err ol_recovery_stop(ol_lock *lock, uint8_t slot, uint16_t why) OL_MUST_CHECK;
bool ol_recovery_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                     char l2[OL_DISPLAY_COLS + 1], ol_input *input);

// ---- pairing.c --------------------------------------------------------------
bool ol_unpaired_may_pass(const ol_lock *lock, const ol_event *ev);
// Refused frames counted since the last record are written within
// OL_REJECT_LOG_MS of the first.
ol_err ol_link_reject_timer(ol_lock *lock) OL_MUST_CHECK;

// ---- opening.c --------------------------------------------------------------
ol_err ol_open_attempt(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
// Why a rule refuses a valid code or a relaxing change. The numbers are the
// reason in `refused` audit records: append, never renumber.
enum refusal {
    REFUSAL_NONE = 0,
    REFUSAL_DISABLED = 1,    // CODE DISABLED
    REFUSAL_TIME_LOCKED = 2, // TIME LOCKED
    REFUSAL_CLOCK = 3,       // SET CLOCK FIRST
    REFUSAL_WINDOW = 4,      // ONLY IN WINDOW
    REFUSAL_OPEN = 5,        // ONLY WHEN OPEN
    REFUSAL_REMOTE = 6,      // REMOTE DISABLED
    REFUSAL_DELAY = 7,       // TIME DELAY: a code while the delay runs
    REFUSAL_SAME = 8,        // NEED OTHER CODE: dual control, the same code again
    REFUSAL_ALONE = 9,       // SECOND CODE: dual control, no second code came
};
const char *ol_refusal_text(enum refusal why);
// A calendar (schedule or holiday) governs and the clock has lost its time:
// nobody can open, and whoever sets the clock chooses when the lock opens.
bool ol_clock_lost_under_calendar(const ol_lock *lock);
// Whether the time lock allows opening now (REFUSAL_NONE), or why not.
enum refusal ol_timelock_refusal(const ol_lock *lock);
// Has whoever is at the keypad just served every rule in force
// (docs/POLICY.md)? REFUSAL_NONE if so, else why a relaxing change is refused.
enum refusal ol_rules_served(const ol_lock *lock);
// A valid code refused by a rule: shown (with `second` on line 2) and
// recorded (refused, arg function << 8 | why).
ol_err ol_refused(ol_lock *lock, uint8_t slot, uint8_t function, enum refusal why,
               const char *second) OL_MUST_CHECK;
// The same record, with the screen left as the caller set it.
ol_err ol_refusal_record(ol_lock *lock, uint8_t slot, uint8_t function,
                      enum refusal why) OL_MUST_CHECK;

// ---- functions.c ------------------------------------------------------------
void ol_function_start(ol_lock *lock, uint8_t fn);
ol_err ol_function_entry(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
// The running function's screen (prompt, or the audit record *09 shows) and
// the kind of input its current field takes.
void ol_function_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                     char l2[OL_DISPLAY_COLS + 1], ol_input *input);
// Does the current field take '#' alone (a confirmation, paging)?
bool ol_function_wants_empty(const ol_lock *lock);

// ---- schedule.c -------------------------------------------------------------
// Days since 1970-01-01 of a civil date (proleptic Gregorian), and back.
uint32_t ol_days_from_civil(uint32_t y, uint32_t m, uint32_t d);
void ol_civil_from_days(uint32_t days, uint32_t *y, uint32_t *m, uint32_t *d);
bool ol_valid_date(uint32_t y, uint32_t m, uint32_t d);
// Is `rtc` (seconds since 1970 on the lock's clock) inside an open period of
// the weekly schedule, and not on a holiday? With no period set, every time
// is open; holidays always close.
bool ol_schedule_open(const ol_settings *set, uint32_t rtc);
bool ol_schedule_in_force(const ol_settings *set);
// Does any holiday or period close some time (so the clock matters)?
bool ol_calendar_governs(const ol_settings *set);
// Would `next` let the lock open at some time or in some way that `now`
// does not (docs/POLICY.md, "relaxes when")?
bool ol_settings_relax(const ol_settings *now, const ol_settings *next);

// ---- persist.c --------------------------------------------------------------
ol_err ol_save_settings(ol_lock *lock, const ol_settings *next) OL_MUST_CHECK;
// tag == NULL deletes the recovery code (recovery disabled or used up).
ol_err ol_save_recovery(ol_lock *lock, const uint8_t tag[OL_TAG_BYTES]) OL_MUST_CHECK;
ol_err ol_save_slot(ol_lock *lock, uint8_t slot, const uint8_t tag[OL_TAG_BYTES]) OL_MUST_CHECK;
// A code set for a slot by someone other than its holder (*02, a recovery):
// the slot's roles (its delay override) are not the new holder's.
ol_err ol_save_slot_new_holder(ol_lock *lock, uint8_t slot,
                            const uint8_t tag[OL_TAG_BYTES]) OL_MUST_CHECK;
ol_err ol_delete_slot(ol_lock *lock, uint8_t slot) OL_MUST_CHECK;
ol_err ol_save_penalty(ol_lock *lock, penalty p) OL_MUST_CHECK;
// Reads the penalty record back from flash: OL_OK only if it holds exactly
// these values, OL_ERR_FLASH if it does not (a write that did not take, or a
// save that a glitch skipped).
ol_err ol_penalty_is_saved(ol_lock *lock, penalty p) OL_MUST_CHECK;
ol_err ol_save_timelock(ol_lock *lock, uint32_t remaining) OL_MUST_CHECK;
ol_err ol_save_audit_noise(ol_lock *lock, const uint16_t noise[3]) OL_MUST_CHECK;
// The duress alarm stays raised across power cuts, until a manager's own code.
ol_err ol_save_alarm(ol_lock *lock, bool on) OL_MUST_CHECK;
ol_err ol_save_code_checks(ol_lock *lock, const uint8_t left[OL_SLOTS],
                        uint32_t refill_ms) OL_MUST_CHECK;
// A recovery runs (its delay, or the time after it): a power cut ends it, and
// the next power-up records that.
ol_err ol_save_recovery_running(ol_lock *lock, bool running) OL_MUST_CHECK;
ol_err ol_load_recovery_running(ol_lock *lock, bool *running) OL_MUST_CHECK;
ol_err ol_load_state(ol_lock *lock) OL_MUST_CHECK;

#endif
