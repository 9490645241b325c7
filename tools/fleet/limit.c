// ownerlock-fleet — the limit on wrong passwords (docs/FLEET.md, "Wrong
// passwords"), where every password is checked (commands.c, authenticate):
// the command line's --as and the web's login alike.
//
// After FLEET_WRONG_FREE wrong passwords in a row for a name, no password is
// checked for it for FLEET_LOCKOUT_FIRST_S; each wrong one after a lockout
// doubles the next, up to FLEET_LOCKOUT_MAX_S. A right password, or the
// owner's `dispatcher unlock`, clears the count; FLEET_WRONG_FORGET after the
// last wrong password, it is forgotten.
//
// The counts are in the database, so that a restart of `serve` forgets
// nothing: a dispatcher's on his row, and a name that is no dispatcher's (a
// web login's) in fleet.unknown_names under a keyed hash (vault_name_tag),
// counted and locked out as a dispatcher's is, so that neither the answer
// nor its time tells which names are dispatchers' (the two take the same
// statements, and both are recorded in the action chain). The row is read FOR
// UPDATE and each count written by one statement from the stored value:
// two tries at once both count.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 // gmtime_r: POSIX, beyond ISO C
#endif
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"

// Times as microseconds since 1970, the action chain's unit.
#define LAST_WRONG_US "(extract(epoch FROM last_wrong_at) * 1000000)::bigint"
#define NOW_US "(extract(epoch FROM now()) * 1000000)::bigint"
// A count whose last wrong password is older than this is none.
#define REMEMBERED "last_wrong_at > now() - interval '" FLEET_WRONG_FORGET "'"

static const char read_dispatcher[] =
    "SELECT CASE WHEN " REMEMBERED " THEN wrong_passwords ELSE 0 END,"
    " coalesce(" LAST_WRONG_US ", 0), " NOW_US " FROM fleet.dispatchers WHERE id = $1 FOR UPDATE";
static const char read_unknown[] =
    "SELECT CASE WHEN " REMEMBERED " THEN wrong_passwords ELSE 0 END, " LAST_WRONG_US ", " NOW_US
    " FROM fleet.unknown_names WHERE tag = decode($1, 'hex') FOR UPDATE";
static const char wrong_dispatcher[] =
    "UPDATE fleet.dispatchers SET wrong_passwords = CASE WHEN " REMEMBERED
    " THEN wrong_passwords + 1 ELSE 1 END, last_wrong_at = now() WHERE id = $1"
    " RETURNING wrong_passwords, " LAST_WRONG_US ", " NOW_US;
static const char wrong_unknown[] =
    "INSERT INTO fleet.unknown_names AS u (tag, wrong_passwords, last_wrong_at)"
    " VALUES (decode($1, 'hex'), 1, now()) ON CONFLICT (tag) DO UPDATE SET wrong_passwords ="
    " CASE WHEN u." REMEMBERED " THEN u.wrong_passwords + 1 ELSE 1 END, last_wrong_at = now()"
    " RETURNING wrong_passwords, " LAST_WRONG_US ", " NOW_US;

static int64_t column_i64(const PGresult *r, int col) {
    return strtoll(PQgetvalue(r, 0, col), NULL, 10);
}

static fleet_status read_row(fleet *f, const char *sql, limit_row *t) {
    const char *p[] = {t->key};
    PGresult *r = db_run(f, "read the wrong passwords", sql, 1, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    // No row: a name never tried (only a name that is no dispatcher's).
    if (PQntuples(r) == 1) {
        t->wrong = column_i64(r, 0);
        t->last_wrong_us = column_i64(r, 1);
        t->now_us = column_i64(r, 2);
    }
    PQclear(r);
    return FLEET_OK;
}

fleet_status limit_read_dispatcher(fleet *f, const char *id, limit_row *t) {
    *t = (limit_row){.dispatcher = true};
    snprintf(t->key, sizeof t->key, "%s", id);
    return read_row(f, read_dispatcher, t);
}

fleet_status limit_read_unknown(fleet *f, const char *name, limit_row *t) {
    *t = (limit_row){.dispatcher = false};
    fleet_status st = vault_name_tag(f, name, t->key);
    return st == FLEET_OK ? read_row(f, read_unknown, t) : st;
}

// The lockout that `wrong` wrong passwords in a row earn, in seconds: none
// below FLEET_WRONG_FREE, then doubling up to FLEET_LOCKOUT_MAX_S.
static int64_t lockout_seconds(int64_t wrong) {
    if (wrong < FLEET_WRONG_FREE) {
        return 0;
    }
    int64_t s = FLEET_LOCKOUT_FIRST_S;
    for (int64_t i = FLEET_WRONG_FREE; i < wrong && s < FLEET_LOCKOUT_MAX_S; i++) {
        s *= 2;
    }
    return s < FLEET_LOCKOUT_MAX_S ? s : FLEET_LOCKOUT_MAX_S;
}

// True when the row's count has its lockout running now; f->tries says until when.
static bool lockout_running(fleet *f, const limit_row *t) {
    int64_t seconds = lockout_seconds(t->wrong);
    int64_t end_us = t->last_wrong_us + seconds * 1000000;
    if (seconds == 0 || t->now_us >= end_us) {
        return false;
    }
    f->tries.wrong = t->wrong;
    f->tries.seconds = (end_us - t->now_us + 999999) / 1000000;
    // Rounded up to the second: a retry at the time shown is not refused.
    time_t end = (time_t)((end_us + 999999) / 1000000);
    struct tm utc;
    if (gmtime_r(&end, &utc) == NULL ||
        strftime(f->tries.until, sizeof f->tries.until, "%Y-%m-%d %H:%M:%S", &utc) == 0) {
        snprintf(f->tries.until, sizeof f->tries.until, "%" PRId64 " s from now", f->tries.seconds);
    }
    return true;
}

bool limit_locked_out(fleet *f, const limit_row *t) {
    f->tries.locked_out = lockout_running(f, t);
    return f->tries.locked_out;
}

fleet_status limit_record_wrong(fleet *f, limit_row *t) {
    const char *p[] = {t->key};
    PGresult *r;
    fleet_status st = db_one_row(f, "count the wrong password",
                                 t->dispatcher ? wrong_dispatcher : wrong_unknown, 1, p, &r);
    if (st != FLEET_OK) {
        return st;
    }
    t->wrong = column_i64(r, 0);
    t->last_wrong_us = column_i64(r, 1);
    t->now_us = column_i64(r, 2);
    PQclear(r);
    f->tries.wrong = t->wrong;
    f->tries.lockout_began = lockout_running(f, t);
    // Nobody clears a name that is no one's: its row goes once forgotten, so
    // that the table holds no more than a day of tries. After every wrong
    // password, a dispatcher's too, so that both cost the same.
    return db_exec(f, "forget old unknown names",
                   "DELETE FROM fleet.unknown_names WHERE NOT " REMEMBERED, 0, NULL);
}

fleet_status limit_clear(fleet *f, const limit_row *t) {
    if (!t->dispatcher) {
        return FLEET_OK; // no right password for a name that is no one's
    }
    const char *p[] = {t->key};
    return db_exec(f, "clear the wrong passwords",
                   "UPDATE fleet.dispatchers SET wrong_passwords = 0, last_wrong_at = NULL"
                   " WHERE id = $1",
                   1, p);
}
