// ownerlock — the time lock: "lock for N hours", the weekly schedule and
// holidays. With the clock lost, openings a calendar governs wait for *08.
#include "timelock.h"

#include "persist.h"
#include "schedule.h"
#include "state.h"

bool ol_clock_lost_under_calendar(const ol_lock *lock) {
    return ol_calendar_governs(&lock->set) &&
           lock->plat->rtc_now(lock->plat->rtc_ctx) == OL_RTC_LOST;
}

enum refusal ol_timelock_refusal(const ol_lock *lock) {
    if (ol_countdown_left(lock, &lock->timelock) != 0) {
        return REFUSAL_TIME_LOCKED;
    }
    if (!ol_calendar_governs(&lock->set)) {
        return REFUSAL_NONE;
    }
    uint32_t rtc = lock->plat->rtc_now(lock->plat->rtc_ctx);
    if (rtc == OL_RTC_LOST) {
        return REFUSAL_CLOCK;
    }
    return ol_schedule_open(&lock->set, rtc) ? REFUSAL_NONE : REFUSAL_TIME_LOCKED;
}

ol_err ol_timelock_timer(ol_lock *lock) {
    uint32_t left;
    if (ol_countdown_checkpoint(lock, &lock->timelock, &left)) {
        return ol_save_timelock(lock, left);
    }
    return OL_OK;
}
