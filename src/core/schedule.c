// ownerlock — calendar arithmetic for the time lock.
//
// The lock's clock counts seconds since 1970-01-01 00:00 in whatever time the
// owner set it to (normally local time; there is no time-zone or daylight
// saving rule in the lock). Periods are minutes of the day, [from, until).
#include "schedule.h"

static bool leap(uint32_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint32_t month_days(uint32_t y, uint32_t m) {
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29u : days[m - 1];
}

bool ol_valid_date(uint32_t y, uint32_t m, uint32_t d) {
    return y >= 1970 && y <= 2105 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

uint32_t ol_days_from_civil(uint32_t y, uint32_t m, uint32_t d) {
    uint32_t days = d - 1;
    for (uint32_t year = 1970; year < y; year++) {
        days += leap(year) ? 366u : 365u;
    }
    for (uint32_t month = 1; month < m; month++) {
        days += month_days(y, month);
    }
    return days;
}

void ol_civil_from_days(uint32_t days, uint32_t *y, uint32_t *m, uint32_t *d) {
    uint32_t year = 1970, month = 1;
    while (days >= (leap(year) ? 366u : 365u)) {
        days -= leap(year) ? 366u : 365u;
        year++;
    }
    while (days >= month_days(year, month)) {
        days -= month_days(year, month);
        month++;
    }
    *y = year;
    *m = month;
    *d = days + 1;
}

bool ol_schedule_in_force(const ol_settings *set) {
    for (int day = 0; day < 7; day++) {
        for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
            if (set->schedule[day][p][0] != set->schedule[day][p][1]) {
                return true;
            }
        }
    }
    return false;
}

// Is this minute of this weekday (0 = Monday) inside an open period? With no
// period set anywhere, every minute is.
static bool minute_open(const ol_settings *set, uint32_t weekday, uint32_t minute) {
    if (!ol_schedule_in_force(set)) {
        return true;
    }
    for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
        const uint16_t *period = set->schedule[weekday][p];
        if (minute >= period[0] && minute < period[1]) {
            return true;
        }
    }
    return false;
}

static bool is_holiday(const ol_settings *set, uint32_t days) {
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        if (set->holidays[i] != 0 && set->holidays[i] == days) {
            return true;
        }
    }
    return false;
}

bool ol_schedule_open(const ol_settings *set, uint32_t rtc) {
    uint32_t days = rtc / 86400u;
    // 1970-01-01 was a Thursday; 0 = Monday
    return !is_holiday(set, days) && minute_open(set, (days + 3u) % 7u, rtc % 86400u / 60u);
}

bool ol_calendar_governs(const ol_settings *set) {
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        if (set->holidays[i] != 0) {
            return true;
        }
    }
    return ol_schedule_in_force(set);
}

bool ol_settings_relax(const ol_settings *now, const ol_settings *next) {
    // A longer window matters only where a delay was in force before.
    bool longer_window = now->delay_min != 0 && next->window_min > now->window_min;
    if (next->delay_min < now->delay_min || longer_window || (now->dual && !next->dual) ||
        (now->users_disabled && !next->users_disabled) || (now->id_mode && !next->id_mode) ||
        next->recovery_delay_min < now->recovery_delay_min) {
        return true;
    }
#if OL_REGRESS_FINDING != 3 // TEST ONLY: the override as no relaxation
    if ((next->override & ~now->override) != 0) {
        return true;
    }
#endif
    for (uint32_t day = 0; day < 7; day++) {
        for (uint32_t minute = 0; minute < 24u * 60u; minute++) {
            if (minute_open(next, day, minute) && !minute_open(now, day, minute)) {
                return true;
            }
        }
    }
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        if (now->holidays[i] != 0 && !is_holiday(next, now->holidays[i])) {
            return true;
        }
    }
    return false;
}
