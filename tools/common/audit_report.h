// The audit report: what a lock's trail shows an owner (openings per day with
// the days to note marked, openings by slot, wrong codes and lockouts per day,
// openings by weekday and hour, records by kind, the records to note), as
// HTML with inline SVG plots and no script. One writer for both readers of a
// trail: the owner's tool (`ownerlock audit verify --html`: a page of its own,
// docs/USER-MANUAL.md, "Audit") and the fleet service (a lock's stored trail:
// `ownerlock-fleet audit report`, and the dispatchers' page, docs/FLEET.md).
//
// Also the trail's fields as text, both ways: the owner's tool writes them
// (CSV, JSON), the fleet stores that text and reads it back.
#ifndef OWNERLOCK_AUDIT_REPORT_H
#define OWNERLOCK_AUDIT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text_buffer.h"

// One record of a trail, as the report reads it (the lock's ol_audit_event
// without its chain).
typedef struct audit_report_record {
    uint32_t seq;
    uint32_t time; // the lock's clock: seconds since 1970 (UTC), or OL_RTC_LOST
    uint8_t kind;  // OL_AUDIT_*
    uint8_t slot;  // or OL_AUDIT_NO_SLOT
    uint16_t arg;
} audit_report_record;

typedef enum audit_report_form {
    // A whole XHTML page with its style, that opens offline: the owner's file.
    AUDIT_REPORT_PAGE,
    // <div class="audit-report">...</div> for a page that brings its own
    // style: no <style> element, which a strict Content-Security-Policy refuses.
    AUDIT_REPORT_FRAGMENT,
} audit_report_form;

// The plots by day show at most the newest this many days.
#define AUDIT_REPORT_DAYS 120

// What the report counted, for a caller that says it in words too: of all
// the records given, whatever days the plots by day leave out.
typedef struct audit_report_totals {
    uint32_t openings;    // `open` records (an opening under duress is one too)
    uint32_t wrong_codes; // `wrong_code` and `lockout` records
    uint32_t noted;       // records in the table of records to note
    uint32_t days;        // days in the plots by day (at most AUDIT_REPORT_DAYS)
} audit_report_totals;

// Appends the report of records[0..n-1], oldest first, to out. `intro` is the
// caller's HTML under the heading: which lock, which records and where they
// come from (any text in it escaped with text_html), or NULL. totals may be
// NULL.
// False when out of memory (out->failed).
bool audit_report_write(text_buffer *out, audit_report_form form, const char *intro,
                        const audit_report_record *records, size_t n, audit_report_totals *totals);

// A record's time as text: "2026-01-01T08:00:00" (UTC), or "lost".
void audit_report_time_text(char out[32], uint32_t time);
// Its inverse: exactly that form (a real date and time) or "lost"; false else.
bool audit_report_time_parse(const char *text, uint32_t *time);

// The kind whose name (ol_audit_kind_name) is `name`; false for none. A kind
// the library does not know is named "unknown": it reads back as 0.
bool audit_report_kind_parse(const char *name, uint8_t *kind);

#endif
