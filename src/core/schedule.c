// ownerlock — calendar arithmetic for the time lock.
//
// The lock's clock counts seconds since 1970-01-01 00:00 in whatever time the
// owner set it to (normally local time; there is no time-zone or daylight
// saving rule in the lock). Periods are minutes of the day, [from, until).
#include "engine.h"

static bool leap(uint32_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint32_t month_days(uint32_t y, uint32_t m) {
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29u : days[m - 1];
}

bool valid_date(uint32_t y, uint32_t m, uint32_t d) {
    return y >= 1970 && y <= 2105 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

uint32_t days_from_civil(uint32_t y, uint32_t m, uint32_t d) {
    uint32_t days = d - 1;
    for (uint32_t year = 1970; year < y; year++) {
        days += leap(year) ? 366u : 365u;
    }
    for (uint32_t month = 1; month < m; month++) {
        days += month_days(y, month);
    }
    return days;
}

void civil_from_days(uint32_t days, uint32_t *y, uint32_t *m, uint32_t *d) {
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

bool schedule_in_force(const ol_settings *set) {
    for (int day = 0; day < 7; day++) {
        for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
            if (set->schedule[day][p][0] != set->schedule[day][p][1]) {
                return true;
            }
        }
    }
    return false;
}

bool schedule_open(const ol_settings *set, uint32_t rtc) {
    uint32_t days = rtc / 86400u;
    uint32_t minute = rtc % 86400u / 60u;
    for (int i = 0; i < OL_HOLIDAYS; i++) {
        if (set->holidays[i] != 0 && set->holidays[i] == days) {
            return false;
        }
    }
    if (!schedule_in_force(set)) {
        return true;
    }
    uint32_t weekday = (days + 3u) % 7u; // 1970-01-01 was a Thursday; 0 = Monday
    for (int p = 0; p < OL_SCHEDULE_PERIODS; p++) {
        const uint16_t *period = set->schedule[weekday][p];
        if (minute >= period[0] && minute < period[1]) {
            return true;
        }
    }
    return false;
}
