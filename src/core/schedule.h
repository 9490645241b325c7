// ownerlock — calendar arithmetic for the time lock, and which change of the
// settings relaxes a rule (internal).
#ifndef OWNERLOCK_CORE_SCHEDULE_H
#define OWNERLOCK_CORE_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

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

#endif
