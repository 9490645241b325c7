// The audit report (audit_report.h): well-formed XHTML with inline SVG, no
// script and no fetch, in the look of the security report. Every text that
// is not this file's own goes through text_html.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 // gmtime_r, timegm
#endif
#include "audit_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ownerlock/lock.h"

#define DAY 86400u

// The page's own style; a page that takes the fragment styles it itself.
static const char STYLE[] =
    "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:62em;"
    "margin:2em auto;padding:0 1em;color:#222;line-height:1.45}"
    "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em}"
    "table{border-collapse:collapse;margin:.6em 0}"
    "th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left}th{background:#eef0f3}"
    "td.r{text-align:right}code{font-family:ui-monospace,Menlo,Consolas,monospace}"
    "svg{max-width:100%;height:auto}";

void audit_report_time_text(char out[32], uint32_t t) {
    if (t == OL_RTC_LOST) {
        strcpy(out, "lost");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}

bool audit_report_time_parse(const char *text, uint32_t *time) {
    if (strcmp(text, "lost") == 0) {
        *time = OL_RTC_LOST;
        return true;
    }
    // Digits where the form has them, and the date a real one: the text made
    // back from the number must be the text given.
    static const char form[] = "dddd-dd-ddTdd:dd:dd";
    if (strlen(text) != sizeof form - 1) {
        return false;
    }
    for (size_t i = 0; i < sizeof form - 1; i++) {
        bool digit = text[i] >= '0' && text[i] <= '9';
        if (form[i] == 'd' ? !digit : text[i] != form[i]) {
            return false;
        }
    }
    struct tm tm = {0};
    tm.tm_year = atoi(text) - 1900;
    tm.tm_mon = atoi(text + 5) - 1;
    tm.tm_mday = atoi(text + 8);
    tm.tm_hour = atoi(text + 11);
    tm.tm_min = atoi(text + 14);
    tm.tm_sec = atoi(text + 17);
    time_t t = timegm(&tm);
    if (t < 0 || (uint64_t)t >= OL_RTC_LOST) {
        return false;
    }
    char back[32];
    audit_report_time_text(back, (uint32_t)t);
    if (strcmp(back, text) != 0) {
        return false;
    }
    *time = (uint32_t)t;
    return true;
}

bool audit_report_kind_parse(const char *name, uint8_t *kind) {
    for (unsigned k = 0; k <= UINT8_MAX; k++) {
        if (strcmp(ol_audit_kind_name((uint8_t)k), name) == 0) {
            *kind = (uint8_t)k;
            return true;
        }
    }
    return false;
}

// An opening under duress is an `open` record too (and a `duress` one).
static bool is_open(const audit_report_record *r) {
    return r->kind == OL_AUDIT_OPEN;
}

// Records an owner looks at first: marked on the days, listed below.
static bool to_note(const audit_report_record *r) {
    return r->kind == OL_AUDIT_DURESS || r->kind == OL_AUDIT_FAULT_DETECTED ||
           r->kind == OL_AUDIT_FIRMWARE || r->kind == OL_AUDIT_DELAY_STARTED ||
           r->kind == OL_AUDIT_LOCKOUT || r->kind == OL_AUDIT_RECOVERY_USED ||
           r->kind == OL_AUDIT_CLOCK_SET;
}

// A bar chart: n bars (values), one label every `every` bars, marks (a
// triangle over bar i when mark[i]).
static bool bars(text_buffer *t, const char *title, const uint32_t *v, const char *const *label,
                 const bool *mark, size_t n, size_t every, const char *color) {
    uint32_t max = 1;
    for (size_t i = 0; i < n; i++) {
        max = v[i] > max ? v[i] : max;
    }
    const unsigned w = 720, h = 220, left = 40, bottom = 40, top = 20;
    double bw = n ? (double)(w - left - 10) / (double)n : 0;
    bool ok = text_printf(
        t,
        "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
        "viewBox=\"0 0 %u %u\" role=\"img\"><title>%s</title>"
        "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"#888\"/>"
        "<text x=\"4\" y=\"%u\" font-size=\"11\">%" PRIu32 "</text>"
        "<text x=\"4\" y=\"%u\" font-size=\"11\">0</text>",
        w, h, w, h, title, left, h - bottom, w - 10, h - bottom, top + 10, max, h - bottom);
    for (size_t i = 0; ok && i < n; i++) {
        double bh = (double)v[i] * (double)(h - bottom - top) / (double)max;
        double x = left + bw * (double)i;
        ok = text_printf(t,
                         "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                         "<title>%s: %" PRIu32 "</title></rect>",
                         x + bw * 0.1, (double)(h - bottom) - bh, bw * 0.8, bh, color, label[i],
                         v[i]);
        if (ok && mark && mark[i]) {
            ok = text_printf(t, "<path d=\"M%.1f %u l4 -8 l-8 0 z\" fill=\"#b00\"/>", x + bw / 2,
                             top + 8);
        }
        if (ok && i % every == 0) {
            ok = text_printf(t, "<text x=\"%.1f\" y=\"%u\" font-size=\"10\">%s</text>", x,
                             h - bottom + 14, label[i]);
        }
    }
    return ok && text_printf(t, "</svg><figcaption>%s</figcaption></figure>\n", title);
}

// Hour of day (columns) by weekday (rows): openings, darker for more.
static bool heat(text_buffer *t, const uint32_t cell[7][24]) {
    static const char *const day[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    uint32_t max = 1;
    for (int d = 0; d < 7; d++) {
        for (int hr = 0; hr < 24; hr++) {
            max = cell[d][hr] > max ? cell[d][hr] : max;
        }
    }
    bool ok = text_printf(t, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" "
                             "height=\"200\" viewBox=\"0 0 720 200\" role=\"img\">"
                             "<title>Openings by time of day and weekday</title>");
    for (int d = 0; ok && d < 7; d++) {
        ok = text_printf(t, "<text x=\"4\" y=\"%d\" font-size=\"11\">%s</text>", 34 + 22 * d,
                         day[d]);
        for (int hr = 0; ok && hr < 24; hr++) {
            unsigned shade = 245u - (unsigned)(200u * cell[d][hr] / max);
            ok =
                text_printf(t,
                            "<rect x=\"%d\" y=\"%d\" width=\"26\" height=\"20\" "
                            "fill=\"rgb(%u,%u,255)\"><title>%s %02d:00: %" PRIu32 "</title></rect>",
                            40 + 27 * hr, 20 + 22 * d, shade, shade, day[d], hr, cell[d][hr]);
        }
    }
    for (int hr = 0; ok && hr < 24; hr += 3) {
        ok = text_printf(t, "<text x=\"%d\" y=\"190\" font-size=\"10\">%02d</text>", 40 + 27 * hr,
                         hr);
    }
    return ok && text_printf(t, "</svg><figcaption>Openings by time of day (columns, the lock's "
                                "clock) and weekday (rows)</figcaption></figure>\n");
}

// What the plots show, counted in one pass over the records.
typedef struct counts {
    uint32_t lo; // the first day plotted (days since 1970)
    size_t days; // how many
    uint32_t *opens, *wrong;
    bool *noted;
    char (*day_text)[16];
    const char **day_label;
    uint32_t by_slot[OL_SLOTS], cell[7][24], kinds[256];
} counts;

static void counts_free(counts *c) {
    free(c->opens);
    free(c->wrong);
    free(c->noted);
    free(c->day_text);
    free(c->day_label);
}

static bool count(counts *c, const audit_report_record *records, size_t n) {
    // Days from the first dated record to the last (at most the newest
    // AUDIT_REPORT_DAYS).
    uint32_t lo = UINT32_MAX, hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (records[i].time != OL_RTC_LOST) {
            lo = records[i].time / DAY < lo ? records[i].time / DAY : lo;
            hi = records[i].time / DAY > hi ? records[i].time / DAY : hi;
        }
    }
    size_t days = lo <= hi ? hi - lo + 1 : 0;
    if (days > AUDIT_REPORT_DAYS) {
        lo = hi - (AUDIT_REPORT_DAYS - 1);
        days = AUDIT_REPORT_DAYS;
    }
    *c = (counts){.lo = lo, .days = days};
    c->opens = calloc(days + 1, sizeof *c->opens);
    c->wrong = calloc(days + 1, sizeof *c->wrong);
    c->noted = calloc(days + 1, sizeof *c->noted);
    c->day_text = calloc(days + 1, sizeof *c->day_text);
    c->day_label = calloc(days + 1, sizeof *c->day_label);
    if (!c->opens || !c->wrong || !c->noted || !c->day_text || !c->day_label) {
        counts_free(c);
        return false;
    }
    for (size_t d = 0; d < days; d++) {
        time_t tt = (time_t)(lo + d) * DAY;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(c->day_text[d], sizeof c->day_text[d], "%m-%d", &tm);
        c->day_label[d] = c->day_text[d];
    }
    for (size_t i = 0; i < n; i++) {
        const audit_report_record *r = &records[i];
        c->kinds[r->kind]++;
        bool dated = r->time != OL_RTC_LOST && r->time / DAY >= lo && r->time / DAY <= hi;
        size_t d = dated ? r->time / DAY - lo : 0;
        if (is_open(r)) {
            if (r->slot < OL_SLOTS) {
                c->by_slot[r->slot]++;
            }
            if (dated) {
                c->opens[d]++;
                time_t tt = (time_t)r->time;
                struct tm tm;
                gmtime_r(&tt, &tm);
                c->cell[(tm.tm_wday + 6) % 7][tm.tm_hour]++;
            }
        }
        if (dated && (r->kind == OL_AUDIT_WRONG_CODE || r->kind == OL_AUDIT_LOCKOUT)) {
            c->wrong[d]++;
        }
        if (dated && to_note(r)) {
            c->noted[d] = true;
        }
    }
    return true;
}

static bool body(text_buffer *t, const counts *c, const audit_report_record *records, size_t n) {
    size_t days = c->days, every_day = days > 30 ? 7 : 1;
    bool ok =
        text_printf(t, "<p>Days and times are the lock's clock, which a manager sets "
                       "(<code>*08</code>: <code>clock_set</code> records are listed below).</p>\n"
                       "<h2>Openings per day</h2>\n<p>A red mark: a duress opening, a detected "
                       "fault, a firmware change, a time delay, a lockout, a recovery or the clock "
                       "set that day (listed below).</p>\n");
    ok = ok &&
         bars(t, "Openings per day", c->opens, c->day_label, c->noted, days, every_day, "#4a79c4");
    char slot_text[OL_SLOTS][8];
    const char *slot_label[OL_SLOTS];
    for (int i = 0; i < OL_SLOTS; i++) {
        snprintf(slot_text[i], sizeof slot_text[i], "%02d", i);
        slot_label[i] = slot_text[i];
    }
    ok = ok && text_printf(t, "<h2>Openings by person (slot)</h2>\n");
    ok = ok && bars(t, "Openings by slot", c->by_slot, slot_label, NULL, OL_SLOTS, 2, "#3c8d5a");
    ok = ok && text_printf(t, "<h2>Wrong codes and lockouts per day</h2>\n");
    ok = ok && bars(t, "Wrong codes and lockouts per day", c->wrong, c->day_label, NULL, days,
                    every_day, "#c0504d");
    ok = ok && text_printf(t, "<h2>When the lock is opened</h2>\n") && heat(t, c->cell);
    ok = ok &&
         text_printf(t, "<h2>Records by kind</h2>\n<table><tr><th>kind</th><th>records</th></tr>");
    for (int k = 0; ok && k < 256; k++) {
        if (c->kinds[k]) {
            ok = text_printf(t, "<tr><td>") && text_html(t, ol_audit_kind_name((uint8_t)k)) &&
                 text_printf(t, "</td><td class=\"r\">%" PRIu32 "</td></tr>", c->kinds[k]);
        }
    }
    ok = ok && text_printf(t, "</table>\n<h2>To note</h2>\n<table><tr><th>seq</th><th>time</th>"
                              "<th>kind</th><th>slot</th><th>arg</th></tr>");
    for (size_t i = 0; ok && i < n; i++) {
        const audit_report_record *r = &records[i];
        if (to_note(r)) {
            char when[32], slot[8] = "";
            audit_report_time_text(when, r->time);
            if (r->slot != OL_AUDIT_NO_SLOT) {
                snprintf(slot, sizeof slot, "%u", r->slot);
            }
            ok = text_printf(t, "<tr><td class=\"r\">%" PRIu32 "</td><td>%s</td><td>", r->seq,
                             when) &&
                 text_html(t, ol_audit_kind_name(r->kind)) &&
                 text_printf(t, "</td><td>%s</td><td class=\"r\">%u</td></tr>", slot, r->arg);
        }
    }
    return ok && text_printf(t, "</table>\n");
}

bool audit_report_write(text_buffer *out, audit_report_form form, const char *intro,
                        const audit_report_record *records, size_t n, audit_report_totals *totals) {
    counts c;
    if (!count(&c, records, n)) {
        out->failed = true;
        return false;
    }
    bool ok = form == AUDIT_REPORT_PAGE
                  ? text_printf(out,
                                "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
                                "lang=\"en\"><head><meta charset=\"utf-8\"/><title>ownerlock audit "
                                "report</title><style>%s</style></head>\n<body>\n"
                                "<h1>Audit report</h1>\n",
                                STYLE)
                  : text_printf(out, "<div class=\"audit-report\">\n");
    ok = ok && text_printf(out, "%s", intro ? intro : "") && body(out, &c, records, n);
    ok = ok && text_printf(out, form == AUDIT_REPORT_PAGE ? "</body>\n</html>\n" : "</div>\n");
    if (totals != NULL) {
        *totals = (audit_report_totals){.days = (uint32_t)c.days};
        for (size_t i = 0; i < n; i++) {
            const audit_report_record *r = &records[i];
            totals->openings += is_open(r);
            totals->wrong_codes += r->kind == OL_AUDIT_WRONG_CODE || r->kind == OL_AUDIT_LOCKOUT;
            totals->noted += to_note(r);
        }
    }
    counts_free(&c);
    return ok;
}
