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
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "fleet.h"

#define SESSIONS_MAX 64
#define TOKEN_BYTES 32
#define TOKEN_HEX (2 * TOKEN_BYTES + 1)
#define BODY_MAX 4096
#define VALUE_MAX 512
#define COOKIE_NAME "ol_session"
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
    uint64_t last_ms; // monotonic, the last request
} session;

typedef struct server {
    fleet *f;
    const char *conninfo;
    // The browser's origin (--origin, else http://LISTEN) and the Host it
    // names: a request for another Host is another site's page, rebound to
    // this address by its DNS.
    char origin[256];
    const char *host;
    bool secure; // the origin is https://: the cookie is Secure
    uint64_t idle_ms;
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

// Sends *j (taken: wiped and freed once sent) as JSON.
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_out *j,
                                 const char *cookie) {
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
    if (cookie != NULL) {
        MHD_add_response_header(resp, "Set-Cookie", cookie);
    }
    enum MHD_Result r = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return r;
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
    const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_NAME);
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
    }
    return found;
}

// A free entry: an unused one, else an expired one; NULL when all are live.
static session *new_session(server *s) {
    uint64_t now = now_ms();
    for (int i = 0; i < SESSIONS_MAX; i++) {
        if (!s->sessions[i].used || now - s->sessions[i].last_ms > s->idle_ms) {
            sodium_memzero(&s->sessions[i], sizeof s->sessions[i]);
            return &s->sessions[i];
        }
    }
    return NULL;
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
    fleet_args a = {.as = name, .password = password};
    // Quiet: a name not on record may be a password typed in the wrong field.
    st = call(s, cmd_login, &a, true, why, sizeof why);
    if (st != FLEET_INPUT) {
        fleet_say("login as \"%s\": %s", name, st == FLEET_OK ? "done" : why);
    }
    if (st == FLEET_INPUT || st == FLEET_REFUSED) {
        if (st == FLEET_INPUT) {
            fleet_say("login refused: no dispatcher by the name given (not logged)");
            // No such dispatcher: as slow as a wrong password, and the same words.
            bool ok = vault_password_ok(s->dummy_hash, password);
            (void)ok;
        }
        return send_error(c, MHD_HTTP_UNAUTHORIZED, "login",
                          "wrong name or password (a wrong password is recorded)");
    }
    if (st != FLEET_OK) {
        return send_error(c, http_status(st), status_kind(st), why);
    }
    session *ses = new_session(s);
    if (ses == NULL) {
        return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "system",
                          "too many sessions at once: try again later");
    }
    ses->used = true;
    randombytes_buf(ses->token, sizeof ses->token);
    snprintf(ses->name, sizeof ses->name, "%s", name);
    snprintf(ses->role, sizeof ses->role, "%s", s->f->result.role);
    ses->last_ms = now_ms();
    char hex[TOKEN_HEX], cookie[TOKEN_HEX + 96];
    hex_encode(hex, ses->token, sizeof ses->token);
    snprintf(cookie, sizeof cookie, COOKIE_NAME "=%s; Path=/; HttpOnly; SameSite=Strict%s", hex,
             s->secure ? "; Secure" : "");
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

static enum MHD_Result api_locks(server *s, struct MHD_Connection *c) {
    char why[512];
    fleet_say_capture(why, sizeof why, false);
    PGresult *r = db_ready(s) == FLEET_OK ? fleet_query_locks(s->f) : NULL;
    fleet_say_capture(NULL, 0, false);
    if (r == NULL) {
        return send_error(c, 500, "system", "the service failed: its log says why");
    }
    json_out j = {0};
    json_add(&j, "{\"locks\":[");
    const char *last = NULL;
    for (int i = 0; i < PQntuples(r); i++) {
        const char *number = PQgetvalue(r, i, 0);
        if (last == NULL || strcmp(last, number) != 0) {
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
    json_add(&j, "%s]}", last == NULL ? "" : "]}");
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
            if (number) {
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
    {"/api/approve", true, 1, {"dispatch", NULL}, cmd_approve},
    {"/api/code", true, 1, {"dispatch", NULL}, cmd_code},
    {"/api/seal", true, 2, {"dispatch", "seal"}, cmd_seal},
};

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
    bool login = strcmp(rt->path, "/api/login") == 0, expired = false;
    session *ses = login ? NULL : find_session(s, c, &expired);
    if (!login && ses == NULL) {
        return send_error(c, MHD_HTTP_UNAUTHORIZED, "session",
                          expired ? "the session expired: log in again" : "log in first");
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
            return send_json(c, MHD_HTTP_OK, &j,
                             COOKIE_NAME "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
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
    s.secure = strncmp(s.origin, "https://", 8) == 0;
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
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, &s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
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
