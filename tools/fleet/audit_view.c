// ownerlock-fleet — a lock's stored audit trail as the owner's audit report
// (tools/common/audit_report.h, the report `ownerlock audit verify --html`
// writes): `audit report LOCK FILE` and the dispatchers' page (serve.c,
// GET /api/audit) both call fleet_audit_report.
//
// fleet.audit holds the records as the owner's tool wrote them (`audit
// ingest`: its CSV), so they are read back strictly: a kind or a time this
// program did not write is a damaged table, said and refused, never shown as
// something else.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 // fileno, fsync
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet.h"
#include "ownerlock/lock.h"

// The lock's name, its newest life with records stored (a lock erased and set
// up again: commands.c, lock_receipt) and how many
// of them; FLEET_INPUT for a lock the fleet does not have.
static fleet_status find_lock(fleet *f, fleet_audit_view *view, const char *number) {
    const char *p[] = {number};
    PGresult *r = db_run(f, "find the lock",
                         "SELECT l.name, n.life, (SELECT count(*) FROM fleet.audit a"
                         " WHERE a.lock = l.number AND a.life = n.life) FROM fleet.locks l,"
                         " (SELECT coalesce(max(life), 0) AS life FROM fleet.audit"
                         "   WHERE lock = $1) n WHERE l.number = $1",
                         1, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        fleet_say("no lock %s in the fleet", number);
        return FLEET_INPUT;
    }
    snprintf(view->name, sizeof view->name, "%s", PQgetvalue(r, 0, 0));
    view->life = (unsigned)strtoul(PQgetvalue(r, 0, 1), NULL, 10);
    view->stored = strtoull(PQgetvalue(r, 0, 2), NULL, 10);
    PQclear(r);
    return FLEET_OK;
}

// Row i of (seq, at, kind, slot, arg) as a record; FLEET_SYSTEM, said, for
// one the owner's tool could not have written.
static fleet_status read_record(const PGresult *r, int i, const char *number,
                                audit_report_record *out) {
    const char *seq = PQgetvalue(r, i, 0), *at = PQgetvalue(r, i, 1), *kind = PQgetvalue(r, i, 2);
    out->seq = (uint32_t)strtoul(seq, NULL, 10); // the table's CHECK: 0..4294967295
    unsigned long slot =
        PQgetisnull(r, i, 3) ? OL_AUDIT_NO_SLOT : strtoul(PQgetvalue(r, i, 3), NULL, 10);
    unsigned long arg = strtoul(PQgetvalue(r, i, 4), NULL, 10);
    if (!audit_report_time_parse(at, &out->time)) {
        fleet_say("lock %s, stored record %s: its time \"%.40s\" is not one the owner's tool "
                  "writes (the table was changed?)",
                  number, seq, at);
        return FLEET_SYSTEM;
    }
    if (!audit_report_kind_parse(kind, &out->kind)) {
        fleet_say("lock %s, stored record %s: its kind \"%.40s\" is not one the owner's tool "
                  "writes (the table was changed?)",
                  number, seq, kind);
        return FLEET_SYSTEM;
    }
    if (slot > UINT8_MAX || arg > UINT16_MAX) {
        fleet_say("lock %s, stored record %s: its slot or argument is out of range "
                  "(the table was changed?)",
                  number, seq);
        return FLEET_SYSTEM;
    }
    out->slot = (uint8_t)slot;
    out->arg = (uint16_t)arg;
    return FLEET_OK;
}

// What the records are and where they come from, above the plots.
static bool write_intro(text_buffer *t, const fleet_audit_view *v) {
    bool ok = text_printf(t, "<p>Lock <code>%" PRIu32 "</code> (", v->lock) &&
              text_html(t, v->name) && text_printf(t, ")");
    if (v->life > 1) {
        ok = ok && text_printf(t,
                               ", since it was set up again (its life %u; the records of "
                               "its lives before are kept apart)",
                               v->life);
    }
    if (v->shown == v->stored) {
        ok = ok && text_printf(t, ": records %" PRIu32 " to %" PRIu32 " (%zu), all those taken in",
                               v->first, v->last, v->shown);
    } else {
        ok = ok && text_printf(t,
                               ": the newest %zu of the %" PRIu64
                               " records taken in, records %" PRIu32 " to %" PRIu32 " (%zu)",
                               v->shown, v->stored, v->first, v->last, v->shown);
    }
    ok = ok && text_printf(t,
                           ", each from an export the owner's tool verified with the "
                           "owner's key (<code>audit ingest</code>). The plots by day show "
                           "at most the newest %u days.</p>\n",
                           AUDIT_REPORT_DAYS);
    if (ok && v->missing > 0) {
        ok = text_printf(t,
                         "<p>%" PRIu64 " records between %" PRIu32 " and %" PRIu32
                         " are not here: they left the lock's ring (it keeps the newest) "
                         "before an export took them in.</p>\n",
                         v->missing, v->first, v->last);
    }
    return ok;
}

fleet_status fleet_audit_report(fleet *f, const char *lock, audit_report_form form,
                                fleet_audit_view *view) {
    *view = (fleet_audit_view){0};
    fleet_status st = fleet_parse_lock(lock, &view->lock);
    if (st != FLEET_OK) {
        return st;
    }
    char number[12], limit[12];
    snprintf(number, sizeof number, "%" PRIu32, view->lock);
    snprintf(limit, sizeof limit, "%d", FLEET_AUDIT_VIEW_RECORDS);
    st = find_lock(f, view, number);
    if (st != FLEET_OK) {
        return st;
    }
    if (view->stored == 0) {
        view->empty = true;
        fleet_say("lock %s has no audit trail here yet: none of its exports has been taken in "
                  "(ownerlock-fleet audit ingest)",
                  number);
        return FLEET_INPUT;
    }
    char life[12];
    snprintf(life, sizeof life, "%u", view->life);
    const char *p[] = {number, limit, life};
    PGresult *r = db_run(f, "read the lock's audit trail",
                         "SELECT seq, at, kind, slot, arg FROM fleet.audit WHERE lock = $1"
                         " AND life = $3 ORDER BY seq DESC LIMIT $2",
                         3, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    size_t n = (size_t)PQntuples(r);
    audit_report_record *records = malloc((n ? n : 1) * sizeof *records);
    if (records == NULL) {
        PQclear(r);
        fleet_say("out of memory");
        return FLEET_SYSTEM;
    }
    // Newest first from the database; the report takes them oldest first.
    for (size_t i = 0; i < n && st == FLEET_OK; i++) {
        st = read_record(r, (int)i, number, &records[n - 1 - i]);
    }
    PQclear(r);
    if (st == FLEET_OK && n == 0) {
        fleet_say("lock %s: its audit trail went while it was read", number);
        st = FLEET_SYSTEM;
    }
    if (st != FLEET_OK) {
        free(records);
        return st;
    }
    view->shown = n;
    view->first = records[0].seq;
    view->last = records[n - 1].seq;
    view->missing = (uint64_t)view->last - view->first + 1 - n;
    if (view->stored < n) {
        view->stored = n; // records taken in between the two queries
    }
    text_buffer intro = {0};
    bool ok = write_intro(&intro, view) &&
              audit_report_write(&view->html, form, intro.s, records, n, &view->totals);
    text_free(&intro);
    free(records);
    if (!ok) {
        text_free(&view->html);
        fleet_say("out of memory for lock %s's report", number);
        return FLEET_SYSTEM;
    }
    return FLEET_OK;
}

// The page into FILE.new, then renamed over FILE: no half-written report.
static fleet_status write_file(const char *path, const text_buffer *t) {
    size_t len = strlen(path) + sizeof ".new";
    char *tmp = malloc(len);
    if (tmp == NULL) {
        fleet_say("out of memory");
        return FLEET_SYSTEM;
    }
    snprintf(tmp, len, "%s.new", path);
    FILE *out = fopen(tmp, "w");
    bool ok = out != NULL && fwrite(t->s, 1, t->len, out) == t->len;
    ok = out != NULL && fflush(out) == 0 && fsync(fileno(out)) == 0 && ok;
    ok = out != NULL && fclose(out) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    int err = errno;
    if (!ok) {
        unlink(tmp);
        fleet_say("%s: %s: nothing written", path, strerror(err));
    }
    free(tmp);
    return ok ? FLEET_OK : FLEET_SYSTEM;
}

fleet_status cmd_audit_report(fleet *f, const fleet_args *a) {
    fleet_audit_view view;
    fleet_status st = fleet_audit_report(f, a->pos[0], AUDIT_REPORT_PAGE, &view);
    if (st == FLEET_OK) {
        st = write_file(a->pos[1], &view.html);
    }
    if (st == FLEET_OK) {
        printf("lock %" PRIu32 ": records %" PRIu32 " to %" PRIu32 " (%zu of %" PRIu64
               " stored), %" PRIu32 " openings, %" PRIu32 " wrong codes and lockouts: %s\n",
               view.lock, view.first, view.last, view.shown, view.stored, view.totals.openings,
               view.totals.wrong_codes, a->pos[1]);
    }
    text_free(&view.html);
    return st;
}
