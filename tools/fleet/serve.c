// ownerlock-fleet — the dispatchers' HTTP API and page (docs/FLEET.md, "The
// web service"): libmicrohttpd, one thread, one database connection.
//
// Every request that acts calls the same cmd_* function as the command line,
// in its one transaction, with the session's dispatcher as `--as`: the rules
// and the action chain are commands.c's, not repeated here. One thread means
// one request at a time, as the command line's writers already run (they
// lock the action table), at the cost of a login's Argon2id holding the
// others back a moment.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 // sigwait, pthread_sigmask, inet_pton, clock_gettime
#endif
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "fleet.h"

// A login never waits for a free entry, and no dispatcher can take them all:
// he holds SESSIONS_PER_DISPATCHER at most (a new login ends his least
// recently used), and a full table ends its least recently used session,
// whoever's (docs/FLEET.md, "Sessions").
#define SESSIONS_MAX 64
#define SESSIONS_PER_DISPATCHER 2
#define TOKEN_BYTES 32
#define TOKEN_HEX (2 * TOKEN_BYTES + 1)
// Connections: one address holds a few, so idle or slow ones from it (half
// a request's headers, then nothing) leave the others to everyone else; a
// connection that sends nothing for CONNECTION_IDLE_S is closed; the table
// has room for many addresses (each takes a 32 KiB buffer at most). Behind a
// proxy on this machine every client is 127.0.0.1: the proxy limits them
// (docs/FLEET.md, "Connections").
#define CONNECTIONS_MAX 512
#define CONNECTIONS_PER_ADDRESS 8
#define CONNECTION_IDLE_S 10
#define BODY_MAX 4096
#define VALUE_MAX 512
// The session cookie: __Host- where the browser takes it (it must then be
// Secure, with Path=/ and no Domain, so a sibling site cannot set one), the
// plain name on http:// to another machine (docs/FLEET.md, "Sessions").
#define COOKIE_HOST_ONLY "__Host-ol_session"
#define COOKIE_PLAIN "ol_session"
// Every /api/ request carries it: a form or an <img> of another site cannot
// set a header, and a script of another site that sets it needs a CORS
// preflight this server never grants.
#define CSRF_HEADER "X-Requested-With"
#define CSRF_VALUE "ownerlock-fleet"

typedef struct session {
    bool used;
    uint8_t token[TOKEN_BYTES];
    char name[FLEET_NAME_MAX + 1];
    char role[16];
    uint64_t last_ms;  // monotonic, the last request
    uint64_t last_use; // the server's use count then: orders sessions within a millisecond
} session;

typedef struct server {
    fleet *f;
    const char *conninfo;
    // The browser's origin (--origin, else http://LISTEN) and the Host it
    // names: a request for another Host is another site's page, rebound to
    // this address by its DNS.
    char origin[256];
    const char *host;
    const char *cookie_name;
    bool cookie_secure;
    uint64_t idle_ms;
    uint64_t uses; // sessions made or used
    session sessions[SESSIONS_MAX];
    char dummy_hash[crypto_pwhash_STRBYTES]; // an unknown name's login costs as much
} server;

typedef struct request {
    size_t len;
    bool too_big;
    char body[BODY_MAX + 1];
} request;

static uint64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

// ---- responses ------------------------------------------------------------------

static void free_body(void *cls) {
    json_out *j = cls;
    json_free(j);
    free(j);
}

static const char page_security[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
    " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

static void add_common_headers(struct MHD_Response *resp) {
    // Nothing of the service is kept by a browser or a proxy.
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy", page_security);
}

// Sends *j (taken: wiped and freed once sent) as JSON, with one more header
// when `header` is not NULL.
static enum MHD_Result send_json_with(struct MHD_Connection *c, unsigned status, json_out *j,
                                      const char *header, const char *value) {
    json_out *body = malloc(sizeof *body);
    if (body == NULL || j->failed) {
        free(body);
        json_free(j);
        return MHD_NO;
    }
    *body = *j;
    *j = (json_out){0};
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback_cls(body->len, body->s, free_body, body);
    if (resp == NULL) {
        free_body(body);
        return MHD_NO;
    }
    add_common_headers(resp);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    if (header != NULL) {
        MHD_add_response_header(resp, header, value);
    }
    enum MHD_Result r = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_out *j,
                                 const char *cookie) {
    return send_json_with(c, status, j, cookie != NULL ? "Set-Cookie" : NULL, cookie);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *kind,
                                  const char *message) {
    json_out j = {0};
    json_add(&j, "{\"error\":");
    json_string(&j, message);
    json_add(&j, ",\"kind\":");
    json_string(&j, kind);
    json_add(&j, "}");
    return send_json(c, status, &j, NULL);
}

static enum MHD_Result send_static(struct MHD_Connection *c, const unsigned char *data, size_t len,
                                   const char *type) {
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_PERSISTENT);
    if (resp == NULL) {
        return MHD_NO;
    }
    add_common_headers(resp);
    MHD_add_response_header(resp, "Content-Type", type);
    enum MHD_Result r = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return r;
}

// ---- sessions -------------------------------------------------------------------

static session *find_session(server *s, struct MHD_Connection *c, bool *expired) {
    *expired = false;
    const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, s->cookie_name);
    uint8_t token[TOKEN_BYTES];
    if (cookie == NULL || strlen(cookie) != 2 * TOKEN_BYTES ||
        hex_decode(token, sizeof token, cookie) != 0) {
        return NULL;
    }
    session *found = NULL;
    for (int i = 0; i < SESSIONS_MAX; i++) {
        if (s->sessions[i].used && sodium_memcmp(s->sessions[i].token, token, sizeof token) == 0) {
            found = &s->sessions[i];
        }
    }
    sodium_memzero(token, sizeof token);
    if (found != NULL && now_ms() - found->last_ms > s->idle_ms) {
        sodium_memzero(found, sizeof *found);
        *expired = true;
        return NULL;
    }
    if (found != NULL) {
        found->last_ms = now_ms();
        found->last_use = ++s->uses;
    }
    return found;
}

// The entry for a new session of dispatcher `name`, emptied: his least
// recently used session when he holds SESSIONS_PER_DISPATCHER already, else a
// free or expired entry, else the least recently used session of all.
static session *new_session(server *s, const char *name) {
    uint64_t now = now_ms();
    session *free_entry = NULL, *his_oldest = NULL, *oldest = NULL;
    int his = 0;
    for (int i = 0; i < SESSIONS_MAX; i++) {
        session *e = &s->sessions[i];
        if (e->used && now - e->last_ms > s->idle_ms) {
            sodium_memzero(e, sizeof *e);
        }
        if (!e->used) {
            free_entry = free_entry != NULL ? free_entry : e;
            continue;
        }
        if (strcmp(e->name, name) == 0) {
            his++;
            his_oldest = his_oldest == NULL || e->last_use < his_oldest->last_use ? e : his_oldest;
        }
        oldest = oldest == NULL || e->last_use < oldest->last_use ? e : oldest;
    }
    bool his_limit = his >= SESSIONS_PER_DISPATCHER;
    session *taken = his_limit ? his_oldest : free_entry != NULL ? free_entry : oldest;
    if (taken->used) {
        // Not an action of the chain, no more than an idle session's end.
        fleet_say("session of \"%s\" ended: %s", taken->name,
                  his_limit ? "a newer login of the same dispatcher"
                            : "the table is full, and it was idle longest");
    }
    sodium_memzero(taken, sizeof *taken);
    return taken;
}

// ---- the commands ---------------------------------------------------------------

static unsigned http_status(fleet_status st) {
    switch (st) {
    case FLEET_OK:
        return MHD_HTTP_OK;
    case FLEET_INPUT:
        return MHD_HTTP_BAD_REQUEST;
    case FLEET_REFUSED:
        return MHD_HTTP_FORBIDDEN;
    case FLEET_SYSTEM:
        break;
    }
    return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

static const char *status_kind(fleet_status st) {
    return st == FLEET_INPUT ? "input" : st == FLEET_REFUSED ? "refused" : "system";
}

// The connection, again if it broke (a restarted database).
static fleet_status db_ready(server *s) {
    if (s->f->db != NULL && PQstatus(s->f->db) == CONNECTION_OK) {
        return FLEET_OK;
    }
    db_close(s->f);
    return db_connect(s->f, s->conninfo);
}

// Runs cmd with the command line's rules; *why the first thing it said
// (quiet: said there only, not in the log).
static fleet_status call(server *s, fleet_status (*cmd)(fleet *, const fleet_args *),
                         const fleet_args *a, bool quiet, char *why, size_t why_len) {
    fleet_say_capture(why, why_len, quiet);
    fleet_status st = db_ready(s);
    if (st == FLEET_OK) {
        st = cmd(s->f, a);
    }
    fleet_say_capture(NULL, 0, false);
    if (st == FLEET_SYSTEM) {
        if (quiet) {
            fleet_say("%s", why); // a system error is no name typed in
        }
        // The database's words stay in the service's log.
        snprintf(why, why_len, "the service failed: its log says why");
    }
    return st;
}

static enum MHD_Result send_result(server *s, struct MHD_Connection *c, fleet_status st,
                                   const char *why) {
    fleet *f = s->f;
    if (st != FLEET_OK) {
        return send_error(c, http_status(st), status_kind(st), why);
    }
    json_out j = {0};
    json_add(&j, "{\"message\":");
    json_string(&j, f->reply);
    if (f->result.dispatch[0] != '\0') {
        json_add(&j, ",\"dispatch\":%s", f->result.dispatch);
    }
    if (f->result.code[0] != '\0') {
        json_add(&j, ",\"code\":\"%s\"", f->result.code);
    }
    if (f->result.awaiting_approval) {
        json_add(&j, ",\"awaiting_approval\":true");
    }
    if (f->result.seal_records >= 0) {
        json_add(&j, ",\"closed\":true,\"records\":%d", f->result.seal_records);
    }
    json_add(&j, "}");
    sodium_memzero(f->reply, sizeof f->reply);
    sodium_memzero(&f->result, sizeof f->result);
    return send_json(c, MHD_HTTP_OK, &j, NULL);
}

static enum MHD_Result api_login(server *s, struct MHD_Connection *c, char **v) {
    const char *name = v[0], *password = v[1];
    char why[512];
    fleet_say_capture(why, sizeof why, true); // the name may be a password: not logged
    fleet_status st = fleet_check_name("name", name);
    fleet_say_capture(NULL, 0, false);
    if (st != FLEET_OK) {
        return send_error(c, MHD_HTTP_BAD_REQUEST, "input", why);
    }
    if (password[0] == '\0' || strlen(password) > FLEET_PASSWORD_MAX) {
        return send_error(c, MHD_HTTP_BAD_REQUEST, "input", "a password is 1 to 256 bytes");
    }
    fleet_args a = {.as = name, .password = password, .unknown_hash = s->dummy_hash};
    s->f->tries = (fleet_tries){0}; // none of another request's, if the command never runs
    // Quiet: a name not on record may be a password typed in the wrong field.
    st = call(s, cmd_login, &a, true, why, sizeof why);
    // The answer comes from the status and the limit's decision only, the
    // same for a name that is no dispatcher's (commands.c, unknown_name).
    const fleet_tries *t = &s->f->tries;
    if (t->unknown_name) {
        fleet_say("login refused: no dispatcher by the name given (not logged)");
    } else {
        fleet_say("login as \"%s\": %s", name, st == FLEET_OK ? "done" : why);
    }
    if (st == FLEET_REFUSED && t->locked_out) {
        char message[256], retry[24];
        snprintf(message, sizeof message,
                 "too many wrong passwords for this name: no password is checked for it until "
                 "%s UTC (in %" PRId64 " s): try again then",
                 t->until, t->seconds);
        snprintf(retry, sizeof retry, "%" PRId64, t->seconds);
        json_out j = {0};
        json_add(&j, "{\"error\":");
        json_string(&j, message);
        json_add(&j, ",\"kind\":\"locked\",\"retry_after\":%" PRId64 "}", t->seconds);
        return send_json_with(c, MHD_HTTP_TOO_MANY_REQUESTS, &j, "Retry-After", retry);
    }
    if (st == FLEET_REFUSED) {
        char message[256];
        int n = snprintf(message, sizeof message,
                         "wrong name or password (a wrong password is recorded)");
        if (t->lockout_began && n > 0 && (size_t)n < sizeof message) {
            snprintf(message + n, sizeof message - (size_t)n,
                     "; too many wrong passwords for this name: no password is checked for it "
                     "until %s UTC (in %" PRId64 " s)",
                     t->until, t->seconds);
        }
        return send_error(c, MHD_HTTP_UNAUTHORIZED, "login", message);
    }
    if (st != FLEET_OK) {
        return send_error(c, http_status(st), status_kind(st), why);
    }
    // The browser's cookie is replaced: the session it named ends now rather
    // than live on, unused, for whoever has a copy of that cookie.
    bool expired;
    session *previous = find_session(s, c, &expired);
    if (previous != NULL) {
        sodium_memzero(previous, sizeof *previous);
    }
    session *ses = new_session(s, name);
    ses->used = true;
    randombytes_buf(ses->token, sizeof ses->token);
    snprintf(ses->name, sizeof ses->name, "%s", name);
    snprintf(ses->role, sizeof ses->role, "%s", s->f->result.role);
    ses->last_ms = now_ms();
    ses->last_use = ++s->uses;
    char hex[TOKEN_HEX], cookie[TOKEN_HEX + 96];
    hex_encode(hex, ses->token, sizeof ses->token);
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", s->cookie_name,
             hex, s->cookie_secure ? "; Secure" : "");
    json_out j = {0};
    json_add(&j, "{\"dispatcher\":");
    json_string(&j, ses->name);
    json_add(&j, ",\"role\":\"%s\",\"idle_seconds\":%" PRIu64 "}", ses->role, s->idle_ms / 1000);
    sodium_memzero(&s->f->result, sizeof s->f->result);
    enum MHD_Result r = send_json(c, MHD_HTTP_OK, &j, cookie);
    sodium_memzero(hex, sizeof hex);
    sodium_memzero(cookie, sizeof cookie);
    return r;
}

// The parameters of GET /api/locks, each at most once: q, after, limit.
typedef struct locks_parameters {
    const char *q, *after, *limit;
    const char *bad; // why they are refused, or NULL
} locks_parameters;

static enum MHD_Result locks_parameter(void *cls, enum MHD_ValueKind kind, const char *key,
                                       size_t key_size, const char *value, size_t value_size) {
    (void)kind;
    locks_parameters *lp = cls;
    const char **to = strcmp(key, "q") == 0       ? &lp->q
                      : strcmp(key, "after") == 0 ? &lp->after
                      : strcmp(key, "limit") == 0 ? &lp->limit
                                                  : NULL;
    // A NUL decoded from %00 would cut a value short unseen.
    lp->bad = to == NULL || strlen(key) != key_size ? "/api/locks takes q, after and limit"
              : *to != NULL                         ? "each of q, after and limit at most once"
              : value != NULL && strlen(value) != value_size ? "a parameter with a NUL byte (%00)"
                                                             : NULL;
    if (lp->bad != NULL) {
        return MHD_NO;
    }
    *to = value != NULL ? value : "";
    return MHD_YES;
}

static enum MHD_Result api_locks(server *s, struct MHD_Connection *c) {
    locks_parameters lp = {0};
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, locks_parameter, &lp);
    if (lp.bad != NULL) {
        return send_error(c, MHD_HTTP_BAD_REQUEST, "input", lp.bad);
    }
    const char *search = lp.q != NULL ? lp.q : "";
    char why[512];
    if (search[0] != '\0') {
        fleet_say_capture(why, sizeof why, true);
        fleet_status st = fleet_check_name("q (the search)", search);
        fleet_say_capture(NULL, 0, false);
        if (st != FLEET_OK) {
            return send_error(c, MHD_HTTP_BAD_REQUEST, "input", why);
        }
    }
    uint64_t after = 0, limit = FLEET_LOCKS_PAGE;
    if (lp.after != NULL && !fleet_parse_decimal(lp.after, 10, UINT32_MAX, &after)) {
        return send_error(c, MHD_HTTP_BAD_REQUEST, "input",
                          "after: the number of the last lock of the page before (0 to "
                          "4294967295)");
    }
    if (lp.limit != NULL &&
        (!fleet_parse_decimal(lp.limit, 3, FLEET_LOCKS_PAGE_MAX, &limit) || limit == 0)) {
        return send_error(c, MHD_HTTP_BAD_REQUEST, "input",
                          "limit: 1 to " FLEET_TEXT(FLEET_LOCKS_PAGE_MAX) " locks a page");
    }
    fleet_say_capture(why, sizeof why, false);
    // One lock more than the page: whether there is more to ask for.
    PGresult *r = db_ready(s) == FLEET_OK
                      ? fleet_query_locks(s->f, search, lp.after != NULL ? (int64_t)after : -1,
                                          (unsigned)limit + 1)
                      : NULL;
    fleet_say_capture(NULL, 0, false);
    if (r == NULL) {
        return send_error(c, 500, "system", "the service failed: its log says why");
    }
    json_out j = {0};
    json_add(&j, "{\"locks\":[");
    const char *last = NULL;
    uint64_t locks = 0;
    bool more = false;
    for (int i = 0; i < PQntuples(r); i++) {
        const char *number = PQgetvalue(r, i, 0);
        if (last == NULL || strcmp(last, number) != 0) {
            if (++locks > limit) {
                more = true;
                break;
            }
            json_add(&j, "%s{\"number\":%s,\"name\":", last == NULL ? "" : "]},", number);
            json_string(&j, PQgetvalue(r, i, 1));
            json_add(&j, ",\"next_counter\":%s,\"people\":[", PQgetvalue(r, i, 2));
            last = number;
        } else {
            json_add(&j, ",");
        }
        if (!PQgetisnull(r, i, 3)) {
            json_add(&j, "{\"name\":");
            json_string(&j, PQgetvalue(r, i, 3));
            json_add(&j, ",\"slot\":%s}", PQgetvalue(r, i, 4));
        }
    }
    json_add(&j, "%s],\"more\":%s}", last == NULL ? "" : "]}", more ? "true" : "false");
    PQclear(r);
    return send_json(c, MHD_HTTP_OK, &j, NULL);
}

static enum MHD_Result api_dispatches(server *s, struct MHD_Connection *c) {
    const char *open = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "open");
    char why[512];
    fleet_say_capture(why, sizeof why, false);
    PGresult *r = db_ready(s) == FLEET_OK
                      ? fleet_query_dispatches(s->f, open != NULL && strcmp(open, "0") != 0)
                      : NULL;
    fleet_say_capture(NULL, 0, false);
    if (r == NULL) {
        return send_error(c, 500, "system", "the service failed: its log says why");
    }
    static const char *const names[] = {"id",       "lock",        "person",   "slot", "counter",
                                        "asked_by", "approved_by", "asked_at", "state"};
    json_out j = {0};
    json_add(&j, "{\"dispatches\":[");
    for (int i = 0; i < PQntuples(r); i++) {
        json_add(&j, "%s{", i ? "," : "");
        for (int k = 0; k < 9; k++) {
            json_add(&j, "%s\"%s\":", k ? "," : "", names[k]);
            bool number = k == 0 || k == 1 || k == 3 || k == 4;
            if (k == 4 && strcmp(PQgetvalue(r, i, k), "-") == 0) {
                json_add(&j, "null"); // taken when the code is shown
            } else if (number) {
                json_add(&j, "%s", PQgetvalue(r, i, k));
            } else {
                json_string(&j, PQgetvalue(r, i, k));
            }
        }
        json_add(&j, "}");
    }
    json_add(&j, "]}");
    PQclear(r);
    return send_json(c, MHD_HTTP_OK, &j, NULL);
}

// A lock's audit trail as stored, as the owner's report (audit_view.c): a
// fragment of HTML with inline SVG for the page to put in place, built from
// the database's text with every name escaped (tools/common/audit_report.c),
// and the counts beside it.
static enum MHD_Result api_audit(server *s, struct MHD_Connection *c) {
    const char *lock = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lock");
    if (lock == NULL) {
        return send_error(c, MHD_HTTP_BAD_REQUEST, "input", "which lock? /api/audit?lock=NUMBER");
    }
    char why[512];
    fleet_audit_view view = {0};
    fleet_say_capture(why, sizeof why, false);
    fleet_status st = db_ready(s);
    if (st == FLEET_OK) {
        st = fleet_audit_report(s->f, lock, AUDIT_REPORT_FRAGMENT, &view);
    }
    fleet_say_capture(NULL, 0, false);
    if (st != FLEET_OK) {
        text_free(&view.html);
        // No record taken in: nothing to show, said as such (404), not a bad request.
        return send_error(c, view.empty ? MHD_HTTP_NOT_FOUND : http_status(st), status_kind(st),
                          st == FLEET_SYSTEM ? "the service failed: its log says why" : why);
    }
    json_out j = {0};
    json_add(&j, "{\"lock\":%" PRIu32 ",\"name\":", view.lock);
    json_string(&j, view.name);
    json_add(&j,
             ",\"stored\":%" PRIu64 ",\"shown\":%zu,\"limit\":%d,\"first\":%" PRIu32
             ",\"last\":%" PRIu32 ",\"missing\":%" PRIu64 ",\"openings\":%" PRIu32
             ",\"wrong_codes\":%" PRIu32 ",\"noted\":%" PRIu32 ",\"days\":%" PRIu32 ",\"html\":",
             view.stored, view.shown, FLEET_AUDIT_VIEW_RECORDS, view.first, view.last, view.missing,
             view.totals.openings, view.totals.wrong_codes, view.totals.noted, view.totals.days);
    json_string(&j, view.html.s);
    json_add(&j, "}");
    text_free(&view.html);
    return send_json(c, MHD_HTTP_OK, &j, NULL);
}

// ---- routing --------------------------------------------------------------------

typedef struct route {
    const char *path;
    bool post;
    int nfields;
    const char *fields[2];
    fleet_status (*cmd)(fleet *, const fleet_args *); // NULL: handled by name
} route;

static const route routes[] = {
    {"/api/login", true, 2, {"name", "password"}, NULL},
    {"/api/logout", true, 0, {NULL, NULL}, cmd_logout},
    {"/api/session", false, 0, {NULL, NULL}, NULL},
    {"/api/locks", false, 0, {NULL, NULL}, NULL},
    {"/api/dispatches", false, 0, {NULL, NULL}, NULL},
    {"/api/audit", false, 0, {NULL, NULL}, NULL},
    {"/api/dispatch", true, 2, {"lock", "person"}, cmd_dispatch},
    {"/api/release", true, 2, {"lock", "person"}, cmd_release},
    {"/api/approve", true, 1, {"dispatch", NULL}, cmd_approve},
    {"/api/code", true, 1, {"dispatch", NULL}, cmd_code},
    {"/api/seal", true, 2, {"dispatch", "seal"}, cmd_seal},
};

typedef struct name_count {
    const char *name;
    unsigned count;
} name_count;

static enum MHD_Result count_name(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value) {
    (void)kind;
    (void)value;
    name_count *n = cls;
    if (key != NULL && strcasecmp(key, n->name) == 0) {
        n->count++;
    }
    return MHD_YES;
}

// How many values of `kind` are named `name`, in any case: as many as
// MHD_lookup_connection_value, which returns the first, would choose from.
static unsigned times_sent(struct MHD_Connection *c, enum MHD_ValueKind kind, const char *name) {
    name_count n = {.name = name};
    MHD_get_connection_values(c, kind, count_name, &n);
    return n.count;
}

static bool right_host(const server *s, struct MHD_Connection *c) {
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    return host != NULL && strcmp(host, s->host) == 0;
}

// The Origin, when the browser sends one, is the page's.
static bool same_origin(const server *s, struct MHD_Connection *c) {
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    return origin == NULL || strcmp(origin, s->origin) == 0;
}

static enum MHD_Result api(server *s, struct MHD_Connection *c, const char *url, bool post,
                           request *req) {
    const route *rt = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(url, routes[i].path) == 0) {
            rt = &routes[i];
        }
    }
    if (rt == NULL) {
        return send_error(c, MHD_HTTP_NOT_FOUND, "input", "no such API call");
    }
    const char *csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, CSRF_HEADER);
    if (csrf == NULL || strcmp(csrf, CSRF_VALUE) != 0) {
        return send_error(c, MHD_HTTP_FORBIDDEN, "csrf",
                          "the API needs the header " CSRF_HEADER ": " CSRF_VALUE);
    }
    if (!same_origin(s, c)) {
        return send_error(c, MHD_HTTP_FORBIDDEN, "csrf", "a request from another origin");
    }
    if (post != rt->post) {
        return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "input",
                          rt->post ? "this call is a POST" : "this call is a GET");
    }
    // Two would let whichever MHD_lookup_connection_value takes choose the
    // session: one set by another site of the same domain (without __Host-),
    // or sent along by a client that kept an old one.
    if (times_sent(c, MHD_COOKIE_KIND, s->cookie_name) > 1) {
        return send_error(c, MHD_HTTP_BAD_REQUEST, "input",
                          "more than one session cookie came with the request: clear this "
                          "site's cookies, then log in");
    }
    bool login = strcmp(rt->path, "/api/login") == 0, expired = false;
    session *ses = login ? NULL : find_session(s, c, &expired);
    if (!login && ses == NULL) {
        return send_error(c, MHD_HTTP_UNAUTHORIZED, "session",
                          expired ? "the session expired: log in again"
                                  : "no session: log in (a session ends at logout, when idle, "
                                    "or when newer logins take its place)");
    }
    char v0[VALUE_MAX] = "", v1[VALUE_MAX] = "";
    char *v[2] = {v0, v1};
    char why[512];
    if (post) {
        const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        size_t n = sizeof "application/json" - 1;
        if (type == NULL || strncmp(type, "application/json", n) != 0 ||
            (type[n] != '\0' && type[n] != ';')) {
            return send_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "input",
                              "the body is JSON (Content-Type: application/json)");
        }
        if (req->too_big) {
            return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "input", "the body is too long");
        }
        if (json_parse_flat(req->body, req->len, rt->nfields, rt->fields, v, VALUE_MAX, why,
                            sizeof why) != 0) {
            sodium_memzero(v0, sizeof v0);
            sodium_memzero(v1, sizeof v1);
            return send_error(c, MHD_HTTP_BAD_REQUEST, "input", why);
        }
    }
    if (login) {
        enum MHD_Result r = api_login(s, c, v);
        sodium_memzero(v0, sizeof v0);
        sodium_memzero(v1, sizeof v1);
        return r;
    }
    if (strcmp(rt->path, "/api/session") == 0) {
        json_out j = {0};
        json_add(&j, "{\"dispatcher\":");
        json_string(&j, ses->name);
        json_add(&j, ",\"role\":\"%s\",\"idle_seconds\":%" PRIu64 "}", ses->role,
                 s->idle_ms / 1000);
        return send_json(c, MHD_HTTP_OK, &j, NULL);
    }
    if (strcmp(rt->path, "/api/locks") == 0) {
        return api_locks(s, c);
    }
    if (strcmp(rt->path, "/api/dispatches") == 0) {
        return api_dispatches(s, c);
    }
    if (strcmp(rt->path, "/api/audit") == 0) {
        return api_audit(s, c);
    }
    fleet_args a = {.as = ses->name, .session = true, .npos = rt->nfields};
    for (int i = 0; i < rt->nfields; i++) {
        a.pos[i] = v[i];
    }
    fleet_status st = call(s, rt->cmd, &a, false, why, sizeof why);
    if (rt->cmd == cmd_logout) {
        sodium_memzero(ses, sizeof *ses);
        if (st == FLEET_OK) {
            json_out j = {0};
            json_add(&j, "{\"message\":\"logged out\"}");
            sodium_memzero(s->f->reply, sizeof s->f->reply);
            char cleared[96]; // with the attributes it was set with, or the browser keeps it
            snprintf(cleared, sizeof cleared, "%s=; Path=/; HttpOnly; SameSite=Strict%s; Max-Age=0",
                     s->cookie_name, s->cookie_secure ? "; Secure" : "");
            return send_json(c, MHD_HTTP_OK, &j, cleared);
        }
    }
    return send_result(s, c, st, why);
}

extern const unsigned char fleet_web_index_html[], fleet_web_app_js[], fleet_web_style_css[];
extern const size_t fleet_web_index_html_len, fleet_web_app_js_len, fleet_web_style_css_len;

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_len, void **req_cls) {
    (void)version;
    server *s = cls;
    request *req = *req_cls;
    if (req == NULL) {
        req = calloc(1, sizeof *req);
        if (req == NULL) {
            return MHD_NO;
        }
        *req_cls = req;
        return MHD_YES;
    }
    if (*upload_len > 0) {
        if (req->len + *upload_len > BODY_MAX) {
            req->too_big = true;
        } else {
            memcpy(req->body + req->len, upload, *upload_len);
            req->len += *upload_len;
        }
        *upload_len = 0;
        return MHD_YES;
    }
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    if (!post && !get) {
        return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "input", "GET or POST");
    }
    // The checks read the first Host and Origin; a proxy in front, or a log,
    // may read the last. A request with two is no browser's, nor is one with
    // two Cookie headers (a browser sends one, RFC 6265 5.4).
    static const char *const once[] = {"Host", "Origin", "Cookie"};
    for (size_t i = 0; i < sizeof once / sizeof once[0]; i++) {
        if (times_sent(c, MHD_HEADER_KIND, once[i]) > 1) {
            char why[64];
            snprintf(why, sizeof why, "the header %s came more than once", once[i]);
            return send_error(c, MHD_HTTP_BAD_REQUEST, "input", why);
        }
    }
    if (!right_host(s, c)) {
        return send_error(c, MHD_HTTP_MISDIRECTED_REQUEST, "host", "not this service's host name");
    }
    if (strncmp(url, "/api/", 5) == 0) {
        return api(s, c, url, post, req);
    }
    if (get && strcmp(url, "/") == 0) {
        return send_static(c, fleet_web_index_html, fleet_web_index_html_len,
                           "text/html; charset=utf-8");
    }
    if (get && strcmp(url, "/app.js") == 0) {
        return send_static(c, fleet_web_app_js, fleet_web_app_js_len,
                           "text/javascript; charset=utf-8");
    }
    if (get && strcmp(url, "/style.css") == 0) {
        return send_static(c, fleet_web_style_css, fleet_web_style_css_len,
                           "text/css; charset=utf-8");
    }
    return send_error(c, MHD_HTTP_NOT_FOUND, "input", "not found");
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe) {
    (void)cls;
    (void)c;
    (void)toe;
    request *req = *req_cls;
    if (req != NULL) {
        sodium_memzero(req, sizeof *req); // a password, a seal
        free(req);
        *req_cls = NULL;
    }
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
    (void)cls;
    fputs("ownerlock-fleet: http: ", stderr);
    vfprintf(stderr, fmt, ap);
}

// "A.B.C.D:PORT", numeric only: the address is the one the owner decided.
static fleet_status parse_listen(const char *text, struct sockaddr_in *sa) {
    char host[INET_ADDRSTRLEN];
    const char *colon = strrchr(text, ':');
    char *end;
    unsigned long port = colon != NULL ? strtoul(colon + 1, &end, 10) : 0;
    if (colon == NULL || (size_t)(colon - text) >= sizeof host || colon[1] == '\0' ||
        *end != '\0' || port == 0 || port > 65535) {
        fleet_say("--listen \"%s\": not ADDRESS:PORT (127.0.0.1:8080)", text);
        return FLEET_INPUT;
    }
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    *sa = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        fleet_say("--listen \"%s\": not a numeric IPv4 address", text);
        return FLEET_INPUT;
    }
    return FLEET_OK;
}

// HOST[:PORT] names this machine: 127.0.0.0/8 or localhost. Browsers take a
// Secure cookie from http:// there as from https:// (tested in Chromium by
// fleet/web), so the cookie is __Host- on plain http to loopback too.
static bool loopback_host(const char *host) {
    char name[256];
    size_t len = strcspn(host, ":");
    if (len >= sizeof name) {
        return false;
    }
    memcpy(name, host, len);
    name[len] = '\0';
    struct in_addr ip;
    return strcmp(name, "localhost") == 0 ||
           (inet_pton(AF_INET, name, &ip) == 1 && (ntohl(ip.s_addr) >> 24) == 127);
}

fleet_status cmd_serve(fleet *f, const fleet_args *a) {
    static server s; // large (the sessions); one per process
    s = (server){.f = f, .conninfo = getenv("OWNERLOCK_FLEET_DB"), .idle_ms = 900000};
    struct sockaddr_in sa;
    fleet_status st = parse_listen(a->listen, &sa);
    if (st != FLEET_OK) {
        return st;
    }
    // http://LISTEN, or the address a TLS proxy in front serves it on.
    if (a->origin != NULL) {
        const char *o = a->origin;
        const char *rest = strncmp(o, "https://", 8) == 0  ? o + 8
                           : strncmp(o, "http://", 7) == 0 ? o + 7
                                                           : NULL;
        if (rest == NULL || rest[0] == '\0' || strpbrk(rest, "/?#@ ") != NULL ||
            strlen(o) >= sizeof s.origin) {
            fleet_say("--origin \"%s\": not https://HOST[:PORT] (no path)", o);
            return FLEET_INPUT;
        }
        snprintf(s.origin, sizeof s.origin, "%s", o);
    } else {
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof ip);
        snprintf(s.origin, sizeof s.origin, "http://%s:%u", ip, (unsigned)ntohs(sa.sin_port));
    }
    s.host = strstr(s.origin, "://") + 3;
    s.cookie_secure = strncmp(s.origin, "https://", 8) == 0 || loopback_host(s.host);
    s.cookie_name = s.cookie_secure ? COOKIE_HOST_ONLY : COOKIE_PLAIN;
    if (a->idle != NULL) {
        char *end;
        unsigned long idle = strtoul(a->idle, &end, 10);
        if (a->idle[0] < '0' || a->idle[0] > '9' || *end != '\0' || idle == 0 || idle > 86400) {
            fleet_say("--idle \"%s\": seconds, 1 to 86400", a->idle);
            return FLEET_INPUT;
        }
        s.idle_ms = (uint64_t)idle * 1000u;
    }
    uint8_t random_pw[16];
    char random_hex[33];
    randombytes_buf(random_pw, sizeof random_pw);
    hex_encode(random_hex, random_pw, sizeof random_pw);
    st = vault_hash_password(s.dummy_hash, sizeof s.dummy_hash, random_hex);
    sodium_memzero(random_hex, sizeof random_hex);
    if (st != FLEET_OK) {
        return st;
    }
    f->keep_reply = true;
    // The signals are waited for here, not delivered to the server's thread.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    // The logger first: libmicrohttpd reads the options in order, would log what
    // the ones before it say with its own logger, and warns of that at every start.
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, &s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)CONNECTIONS_MAX, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)CONNECTIONS_PER_ADDRESS, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)CONNECTION_IDLE_S, MHD_OPTION_END);
    if (d == NULL) {
        fleet_say("cannot listen on %s", a->listen);
        return FLEET_SYSTEM;
    }
    fprintf(stderr,
            "ownerlock-fleet: serving on http://%s/ (sessions end after %" PRIu64 " s idle)\n",
            a->listen, s.idle_ms / 1000);
    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    sodium_memzero(&s, sizeof s);
    fprintf(stderr, "ownerlock-fleet: stopped\n");
    return FLEET_OK;
}
