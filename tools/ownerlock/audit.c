// ownerlock — `ownerlock audit`: the owner's key for audit exports, and the
// check of an export (the file the service port gives: docs/USER-MANUAL.md,
// "Audit"). The check uses the firmware's own crypto (X25519, HKDF, HMAC),
// so what it accepts is exactly what the lock MACed for this owner.
//
// The export's MAC key is HKDF(salt = lock key || owner key, X25519(owner
// secret, lock key), "ownerlock audit export v1"): the lock computes it with
// its own secret, this tool with the owner's; the person who exported the
// trail holds neither (docs/SECURITY.md, "The audit export").
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 // getrandom, fchmod
#endif
#include "audit.h"
#include "hexdigit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ownerlock/crypto.h"
#include "ownerlock/lock.h"

enum { DONE = 0, SYSTEM = 1, INPUT = 2 };

static const char help_text[] =
    "usage: ownerlock audit keygen KEYFILE\n"
    "       ownerlock audit verify --key KEYFILE [--state FILE] [--csv OUT] [--json OUT]\n"
    "                              [--html OUT] EXPORT\n"
    "\n"
    "keygen  makes your audit key: its secret into KEYFILE (a new file, readable by\n"
    "        you only), its public key on standard output (64 hex digits): the key\n"
    "        the service tool gives the lock when it exports the trail.\n"
    "verify  checks EXPORT (from `service export audit`): made by the lock for\n"
    "        KEYFILE's key, every record there and unaltered, none missing between\n"
    "        the oldest and the newest. With --state FILE (kept between exports):\n"
    "        the same lock as last time, what is new since, and whether records\n"
    "        were lost to the ring in between; FILE is updated only when the\n"
    "        export verifies. --csv / --json write the records, --html a report\n"
    "        with plots (only when the export verifies: nothing is written half).\n"
    "\n"
    "exit status: 0 the export verifies; 1 system error; 2 usage or input error,\n"
    "             or the export is refused (the message says which line and why)\n";

static const char LABEL[] = "ownerlock audit export v1";
#define MAX_RECORDS 200000u

typedef struct record {
    uint32_t seq, time;
    uint8_t kind, slot;
    uint16_t arg;
    uint8_t chain[8], tag[8];
} record;

typedef struct export_file {
    uint8_t lock[32], owner[32], mac[32];
    uint32_t first, next;
    record *r;
    size_t n;
} export_file;

// Messages go to standard error, or nowhere while a test checks thousands
// of altered exports (audit_check_buffer).
static bool quiet;

static int fail(int status, const char *what, const char *detail) {
    if (!quiet) {
        fprintf(stderr, "ownerlock audit: %s%s%s\n", what, detail ? ": " : "",
                detail ? detail : "");
    }
    return status;
}

static int refuse_line(const char *path, size_t line, const char *why) {
    if (!quiet) {
        fprintf(stderr, "ownerlock audit: %s: line %zu: %s\n", path, line, why);
    }
    return INPUT;
}

static bool unhex(uint8_t *out, size_t n, const char *hex) {
    if (strlen(hex) != 2 * n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit_value(hex[2 * i]), lo = hex_digit_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static void hex(char *out, const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    }
}

// A decimal number that fits 32 bits, nothing else.
static bool number(const char *s, uint32_t *out) {
    if (*s == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10) {
        return false;
    }
    unsigned long long v = strtoull(s, NULL, 10);
    if (v > UINT32_MAX) {
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

static void record_bytes(uint8_t b[20], const record *r) {
    for (int i = 0; i < 4; i++) {
        b[i] = (uint8_t)(r->seq >> (8 * i));
        b[4 + i] = (uint8_t)(r->time >> (8 * i));
    }
    b[8] = r->kind;
    b[9] = r->slot;
    b[10] = (uint8_t)r->arg;
    b[11] = (uint8_t)(r->arg >> 8);
    memcpy(b + 12, r->chain, 8);
}

// ---- keys ----------------------------------------------------------------------------

static int read_secret(const char *path, uint8_t secret[32]) {
    FILE *f = fopen(path, "r");
    char line[128] = "";
    bool got = f && fgets(line, sizeof line, f) != NULL;
    if (f) {
        fclose(f);
    }
    if (!got) {
        return fail(INPUT, path, f ? "empty" : strerror(errno));
    }
    line[strcspn(line, "\r\n")] = '\0';
    bool ok = unhex(secret, 32, line);
    ol_wipe(line, sizeof line);
    return ok ? DONE : fail(INPUT, path, "not an audit key (64 hex digits)");
}

static int keygen(int argc, char **argv) {
    if (argc != 1) {
        return fail(INPUT, "keygen takes one KEYFILE", NULL);
    }
    uint8_t secret[32], pub[32];
    if (getrandom(secret, sizeof secret, 0) != (ssize_t)sizeof secret) {
        return fail(SYSTEM, "getrandom", strerror(errno));
    }
    int fd = open(argv[0], O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        ol_wipe(secret, sizeof secret);
        return fail(errno == EEXIST ? INPUT : SYSTEM, argv[0],
                    errno == EEXIST ? "exists: a key is never overwritten" : strerror(errno));
    }
    char text[66];
    hex(text, secret, 32);
    text[64] = '\n';
    bool ok = write(fd, text, 65) == 65;
    ok = close(fd) == 0 && ok;
    ol_x25519_public(pub, secret);
    ol_wipe(secret, sizeof secret);
    ol_wipe(text, sizeof text);
    if (!ok) {
        return fail(SYSTEM, argv[0], strerror(errno));
    }
    hex(text, pub, 32);
    text[64] = '\0';
    printf("%s\n", text);
    return DONE;
}

// ---- the export ------------------------------------------------------------------------

// Splits line in place at single spaces into at most 8 words; their count,
// 9 for more (a line with more words is malformed anyway).
static int words(char *line, char *w[8]) {
    int k = 0;
    for (char *p = line; *p;) {
        if (k == 8) {
            return 9;
        }
        w[k++] = p;
        char *e = strchr(p, ' ');
        if (!e) {
            break;
        }
        *e = '\0';
        p = e + 1;
    }
    return k;
}

// Reads and checks the shape of every line: what a line says, where.
static int parse_stream(FILE *f, const char *path, export_file *e);

static int parse(const char *path, export_file *e) {
    FILE *f = fopen(path, "r");
    if (!f) {
        return fail(INPUT, path, strerror(errno));
    }
    return parse_stream(f, path, e);
}

// Reads f to its end and closes it.
static int parse_stream(FILE *f, const char *path, export_file *e) {
    char line[512];
    size_t n = 0;
    int st = DONE;
    bool mac = false;
    size_t cap = 0;
    while (st == DONE && fgets(line, sizeof line, f)) {
        n++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            st = refuse_line(path, n, "too long");
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        char *w[8] = {NULL};
        int k = n == 1 ? 0 : words(line, w); // line 1 is compared whole
        if (mac) {
            st = refuse_line(path, n, "text after the MAC");
        } else if (n == 1) {
            if (strcmp(line, LABEL) != 0) {
                st = refuse_line(path, n, "not an ownerlock audit export (v1)");
            }
        } else if (n == 2) {
            if (k != 2 || strcmp(w[0], "lock") != 0 || !unhex(e->lock, 32, w[1])) {
                st = refuse_line(path, n, "expected: lock KEY (64 hex digits)");
            }
        } else if (n == 3) {
            if (k != 2 || strcmp(w[0], "owner") != 0 || !unhex(e->owner, 32, w[1])) {
                st = refuse_line(path, n, "expected: owner KEY (64 hex digits)");
            }
        } else if (n == 4) {
            if (k != 3 || strcmp(w[0], "range") != 0 || !number(w[1], &e->first) ||
                !number(w[2], &e->next) || e->first == 0 || e->next < e->first ||
                e->next - e->first > MAX_RECORDS) {
                st = refuse_line(path, n, "expected: range FIRST NEXT");
            }
        } else if (k == 2 && strcmp(w[0], "mac") == 0) {
            if (!unhex(e->mac, 32, w[1])) {
                st = refuse_line(path, n, "the MAC is not 64 hex digits");
            }
            mac = true;
        } else if (k == 8 && strcmp(w[0], "record") == 0) {
            record r = {0};
            uint32_t kind, slot, arg;
            if (!number(w[1], &r.seq) || !number(w[2], &r.time) || !number(w[3], &kind) ||
                kind > 255 || !number(w[4], &slot) || slot > 255 || !number(w[5], &arg) ||
                arg > 65535 || !unhex(r.chain, 8, w[6]) || !unhex(r.tag, 8, w[7])) {
                st = refuse_line(path, n, "a record's fields are malformed");
                break;
            }
            r.kind = (uint8_t)kind;
            r.slot = (uint8_t)slot;
            r.arg = (uint16_t)arg;
            uint32_t want = e->first + (uint32_t)e->n;
            char why[128];
            if (r.seq != want) {
                snprintf(why, sizeof why,
                         r.seq < want ? "record %" PRIu32
                                        " out of order or repeated (expected %" PRIu32 ")"
                                      : "record %" PRIu32 " follows a gap: %" PRIu32 " is missing",
                         r.seq, want);
                st = refuse_line(path, n, why);
                break;
            }
            if (r.seq >= e->next) {
                snprintf(why, sizeof why, "record %" PRIu32 " is past the range", r.seq);
                st = refuse_line(path, n, why);
                break;
            }
            if (e->n == cap) {
                cap = cap ? 2 * cap : 1024;
                record *grown = realloc(e->r, cap * sizeof *grown);
                if (!grown) {
                    st = fail(SYSTEM, "out of memory", NULL);
                    break;
                }
                e->r = grown;
            }
            e->r[e->n++] = r;
        } else {
            st = refuse_line(path, n, "expected a record or the MAC");
        }
    }
    bool read_error = ferror(f);
    fclose(f);
    if (st != DONE) {
        return st;
    }
    if (read_error) {
        return fail(SYSTEM, path, "read error");
    }
    if (n < 4) {
        return refuse_line(path, n + 1, "the file ends before its header does");
    }
    if (!mac) {
        char why[128];
        snprintf(why, sizeof why, "cut short: %zu of %" PRIu32 " records and no MAC", e->n,
                 e->next - e->first);
        return refuse_line(path, n, why);
    }
    if (e->n != e->next - e->first) {
        char why[128];
        snprintf(why, sizeof why, "records %" PRIu32 " to %" PRIu32 " are missing",
                 e->first + (uint32_t)e->n, e->next - 1);
        return refuse_line(path, n, why);
    }
    return DONE;
}

// The MAC key for this lock and owner, or an error (a key that is no key).
static int export_key(const export_file *e, const uint8_t secret[32], uint8_t key[32]) {
    uint8_t pub[32], shared[32], salt[64];
    ol_x25519_public(pub, secret);
    if (memcmp(pub, e->owner, 32) != 0) {
        return fail(INPUT, "exported for another owner key",
                    "the service tool was given a key that is not KEYFILE's");
    }
    if (ol_x25519(shared, secret, e->lock) != OL_OK) {
        return fail(INPUT, "the lock key in the export is not a key", NULL);
    }
    memcpy(salt, e->lock, 32);
    memcpy(salt + 32, e->owner, 32);
    ol_err err = ol_hkdf_sha256(key, 32, salt, sizeof salt, shared, sizeof shared,
                                (const uint8_t *)LABEL, sizeof LABEL - 1);
    ol_wipe(shared, sizeof shared);
    return err ? fail(SYSTEM, "HKDF", NULL) : DONE;
}

static int check(const char *path, const export_file *e, const uint8_t key[32]) {
    uint8_t b[20], tag[32], mac[32];
    ol_hmac_sha256_ctx h;
    ol_hmac_sha256_init(&h, key, 32);
    ol_hmac_sha256_update(&h, LABEL, sizeof LABEL - 1);
    ol_hmac_sha256_update(&h, e->lock, 32);
    for (int i = 0; i < 4; i++) {
        b[i] = (uint8_t)(e->first >> (8 * i));
        b[4 + i] = (uint8_t)(e->next >> (8 * i));
    }
    ol_hmac_sha256_update(&h, b, 8);
    ol_hmac_sha256_ctx keyed; // the key's two blocks hashed once, not once a record
    ol_hmac_sha256_init(&keyed, key, 32);
    for (size_t i = 0; i < e->n; i++) {
        record_bytes(b, &e->r[i]);
        ol_hmac_sha256_ctx t = keyed;
        ol_hmac_sha256_update(&t, b, sizeof b);
        ol_hmac_sha256_final(&t, tag);
        if (ol_ct_compare(tag, e->r[i].tag, 8) != 0) {
            char why[96];
            snprintf(why, sizeof why, "record %" PRIu32 " was altered (its tag does not match)",
                     e->r[i].seq);
            ol_wipe(&h, sizeof h);
            ol_wipe(&keyed, sizeof keyed);
            return refuse_line(path, 5 + i, why);
        }
        ol_hmac_sha256_update(&h, b, sizeof b);
    }
    ol_hmac_sha256_final(&h, mac);
    ol_wipe(&keyed, sizeof keyed);
    if (ol_ct_compare(mac, e->mac, 32) != 0) {
        return fail(INPUT, path,
                    "the MAC does not match: the range or the lock key was changed, or the "
                    "export is not this lock's");
    }
    return DONE;
}

// ---- state between exports --------------------------------------------------------------

typedef struct state {
    uint8_t lock[32];
    uint32_t next;
    record last;
} state;

// 0 and *have = false for a file that does not exist yet.
static int read_state(const char *path, state *s, bool *have) {
    *have = false;
    FILE *f = fopen(path, "r");
    if (!f) {
        return errno == ENOENT ? DONE : fail(INPUT, path, strerror(errno));
    }
    char lock[80], chain[80];
    unsigned kind, slot, arg;
    int k = fscanf(f,
                   "ownerlock audit state v1 lock %79s next %" SCNu32 " last %" SCNu32 " %" SCNu32
                   " %u %u %u %79s",
                   lock, &s->next, &s->last.seq, &s->last.time, &kind, &slot, &arg, chain);
    fclose(f);
    if (k != 8 || !unhex(s->lock, 32, lock) || !unhex(s->last.chain, 8, chain) || kind > 255 ||
        slot > 255 || arg > 65535) {
        return fail(INPUT, path, "not an audit state file");
    }
    s->last.kind = (uint8_t)kind;
    s->last.slot = (uint8_t)slot;
    s->last.arg = (uint16_t)arg;
    *have = true;
    return DONE;
}

static bool same(const record *a, const record *b) {
    return a->seq == b->seq && a->time == b->time && a->kind == b->kind && a->slot == b->slot &&
           a->arg == b->arg && memcmp(a->chain, b->chain, 8) == 0;
}

// Compares with the last export; prints what is new and what was lost.
static int follow(const export_file *e, const state *s) {
    if (memcmp(s->lock, e->lock, 32) != 0) {
        return fail(INPUT, "another lock",
                    "this export's lock key is not the one of the exports before (--state)");
    }
    if (e->next <= s->next) { // a new export holds at least its own record
        return fail(
            INPUT, e->next < s->next ? "older than the last export" : "the same as the last export",
            "nothing newer than the newest record seen (a replayed export?)");
    }
    if (e->first > s->next) {
        printf("lost: records %" PRIu32 " to %" PRIu32 " went out of the ring between the "
               "exports\n",
               s->next, e->first - 1);
    } else if (e->first <= s->last.seq && s->last.seq < e->next) {
        if (!same(&e->r[s->last.seq - e->first], &s->last)) {
            return fail(INPUT, "the trail changed",
                        "the newest record of the last export differs in this one");
        }
    }
    uint32_t from = s->next > e->first ? s->next : e->first;
    printf("new: %" PRIu32 " records since the last export (%" PRIu32 " to %" PRIu32 ")\n",
           e->next - from, from, e->next - 1);
    return DONE;
}

static int write_atomically(const char *path, const char *text, size_t len) {
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp) {
        return fail(SYSTEM, "out of memory", NULL);
    }
    snprintf(tmp, n, "%s.new", path);
    FILE *f = fopen(tmp, "w");
    bool ok = f && fwrite(text, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    int err = errno;
    if (!ok) {
        unlink(tmp);
    }
    free(tmp);
    return ok ? DONE : fail(SYSTEM, path, strerror(err));
}

// ---- outputs ---------------------------------------------------------------------------

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static bool put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool put(text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return false;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = (t->len + (size_t)n + 1) * 2;
        char *s = realloc(t->s, cap);
        if (!s) {
            return false;
        }
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
    return true;
}

static void iso(char out[32], uint32_t t) {
    if (t == OL_RTC_LOST) {
        strcpy(out, "lost");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}

static int write_csv(const char *path, const export_file *e) {
    text t = {0};
    bool ok = put(&t, "seq,time,kind,slot,arg\n");
    for (size_t i = 0; ok && i < e->n; i++) {
        const record *r = &e->r[i];
        char when[32], slot[8] = "";
        iso(when, r->time);
        if (r->slot != OL_AUDIT_NO_SLOT) {
            snprintf(slot, sizeof slot, "%u", r->slot);
        }
        ok = put(&t, "%" PRIu32 ",%s,%s,%s,%u\n", r->seq, when, ol_audit_kind_name(r->kind), slot,
                 r->arg);
    }
    int st = ok ? write_atomically(path, t.s, t.len) : fail(SYSTEM, "out of memory", NULL);
    free(t.s);
    return st;
}

static int write_json(const char *path, const export_file *e) {
    text t = {0};
    char lock[65];
    hex(lock, e->lock, 32);
    bool ok = put(&t, "{\"lock\":\"%s\",\"first\":%" PRIu32 ",\"next\":%" PRIu32 ",\"records\":[",
                  lock, e->first, e->next);
    for (size_t i = 0; ok && i < e->n; i++) {
        const record *r = &e->r[i];
        char when[32];
        iso(when, r->time);
        ok = put(&t, "%s\n{\"seq\":%" PRIu32 ",\"time\":\"%s\",\"kind\":\"%s\",", i ? "," : "",
                 r->seq, when, ol_audit_kind_name(r->kind));
        ok = ok && (r->slot == OL_AUDIT_NO_SLOT ? put(&t, "\"slot\":null,")
                                                : put(&t, "\"slot\":%u,", r->slot));
        ok = ok && put(&t, "\"arg\":%u}", r->arg);
    }
    ok = ok && put(&t, "]}\n");
    int st = ok ? write_atomically(path, t.s, t.len) : fail(SYSTEM, "out of memory", NULL);
    free(t.s);
    return st;
}

// ---- the HTML report -------------------------------------------------------------------
// One self-contained page, well-formed XHTML with inline SVG (no script, no
// fetch: it opens offline), in the look of the security report.

static const char STYLE[] =
    "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:62em;"
    "margin:2em auto;padding:0 1em;color:#222;line-height:1.45}"
    "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em}"
    "table{border-collapse:collapse;margin:.6em 0}"
    "th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left}th{background:#eef0f3}"
    "td.r{text-align:right}code{font-family:ui-monospace,Menlo,Consolas,monospace}"
    "svg{max-width:100%;height:auto}";

#define DAY 86400u

// An opening under duress is an `open` record too (and a `duress` one).
static bool is_open(const record *r) {
    return r->kind == OL_AUDIT_OPEN;
}

// Records an owner looks at first: marked on the days, listed below.
static bool to_note(const record *r) {
    return r->kind == OL_AUDIT_DURESS || r->kind == OL_AUDIT_FAULT_DETECTED ||
           r->kind == OL_AUDIT_FIRMWARE || r->kind == OL_AUDIT_DELAY_STARTED ||
           r->kind == OL_AUDIT_LOCKOUT || r->kind == OL_AUDIT_RECOVERY_USED ||
           r->kind == OL_AUDIT_CLOCK_SET;
}

// A bar chart: n bars (values), one label every `every` bars, marks (a
// triangle over bar i when mark[i]).
static bool bars(text *t, const char *title, const uint32_t *v, const char *const *label,
                 const bool *mark, size_t n, size_t every, const char *color) {
    uint32_t max = 1;
    for (size_t i = 0; i < n; i++) {
        max = v[i] > max ? v[i] : max;
    }
    const unsigned w = 720, h = 220, left = 40, bottom = 40, top = 20;
    double bw = n ? (double)(w - left - 10) / (double)n : 0;
    bool ok =
        put(t,
            "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
            "viewBox=\"0 0 %u %u\" role=\"img\"><title>%s</title>"
            "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"#888\"/>"
            "<text x=\"4\" y=\"%u\" font-size=\"11\">%" PRIu32 "</text>"
            "<text x=\"4\" y=\"%u\" font-size=\"11\">0</text>",
            w, h, w, h, title, left, h - bottom, w - 10, h - bottom, top + 10, max, h - bottom);
    for (size_t i = 0; ok && i < n; i++) {
        double bh = (double)v[i] * (double)(h - bottom - top) / (double)max;
        double x = left + bw * (double)i;
        ok = put(t,
                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                 "<title>%s: %" PRIu32 "</title></rect>",
                 x + bw * 0.1, (double)(h - bottom) - bh, bw * 0.8, bh, color, label[i], v[i]);
        if (ok && mark && mark[i]) {
            ok = put(t, "<path d=\"M%.1f %u l4 -8 l-8 0 z\" fill=\"#b00\"/>", x + bw / 2, top + 8);
        }
        if (ok && i % every == 0) {
            ok = put(t, "<text x=\"%.1f\" y=\"%u\" font-size=\"10\">%s</text>", x, h - bottom + 14,
                     label[i]);
        }
    }
    return ok && put(t, "</svg><figcaption>%s</figcaption></figure>\n", title);
}

// Hour of day (columns) by weekday (rows): openings, darker for more.
static bool heat(text *t, const uint32_t cell[7][24]) {
    static const char *const day[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    uint32_t max = 1;
    for (int d = 0; d < 7; d++) {
        for (int hr = 0; hr < 24; hr++) {
            max = cell[d][hr] > max ? cell[d][hr] : max;
        }
    }
    bool ok = put(t, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" "
                     "height=\"200\" viewBox=\"0 0 720 200\" role=\"img\">"
                     "<title>Openings by time of day and weekday</title>");
    for (int d = 0; ok && d < 7; d++) {
        ok = put(t, "<text x=\"4\" y=\"%d\" font-size=\"11\">%s</text>", 34 + 22 * d, day[d]);
        for (int hr = 0; ok && hr < 24; hr++) {
            unsigned shade = 245u - (unsigned)(200u * cell[d][hr] / max);
            ok = put(t,
                     "<rect x=\"%d\" y=\"%d\" width=\"26\" height=\"20\" "
                     "fill=\"rgb(%u,%u,255)\"><title>%s %02d:00: %" PRIu32 "</title></rect>",
                     40 + 27 * hr, 20 + 22 * d, shade, shade, day[d], hr, cell[d][hr]);
        }
    }
    for (int hr = 0; ok && hr < 24; hr += 3) {
        ok = put(t, "<text x=\"%d\" y=\"190\" font-size=\"10\">%02d</text>", 40 + 27 * hr, hr);
    }
    return ok && put(t, "</svg><figcaption>Openings by time of day (columns, the lock's clock) "
                        "and weekday (rows)</figcaption></figure>\n");
}

static int write_html(const char *path, const export_file *e) {
    // Days from the first dated record to the last (at most the last 120).
    uint32_t lo = UINT32_MAX, hi = 0;
    for (size_t i = 0; i < e->n; i++) {
        if (e->r[i].time != OL_RTC_LOST) {
            lo = e->r[i].time / DAY < lo ? e->r[i].time / DAY : lo;
            hi = e->r[i].time / DAY > hi ? e->r[i].time / DAY : hi;
        }
    }
    size_t days = lo <= hi ? hi - lo + 1 : 0;
    if (days > 120) {
        lo = hi - 119;
        days = 120;
    }
    uint32_t *opens = calloc(days + 1, sizeof *opens), *wrong = calloc(days + 1, sizeof *wrong);
    bool *noted = calloc(days + 1, sizeof *noted);
    char(*dl)[16] = calloc(days + 1, sizeof *dl);
    const char **dlabel = calloc(days + 1, sizeof *dlabel);
    uint32_t by_slot[OL_SLOTS] = {0}, cell[7][24] = {{0}}, kinds[256] = {0};
    if (!opens || !wrong || !noted || !dl || !dlabel) {
        free(opens), free(wrong), free(noted), free(dl), free(dlabel);
        return fail(SYSTEM, "out of memory", NULL);
    }
    for (size_t d = 0; d < days; d++) {
        time_t tt = (time_t)(lo + d) * DAY;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(dl[d], sizeof dl[d], "%m-%d", &tm);
        dlabel[d] = dl[d];
    }
    text t = {0};
    char lock[65];
    hex(lock, e->lock, 32);
    bool ok = put(&t,
                  "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">"
                  "<head><meta charset=\"utf-8\"/><title>ownerlock audit report</title>"
                  "<style>%s</style></head>\n<body>\n<h1>Audit report</h1>\n"
                  "<p>Lock <code>%.16s…</code>: records %" PRIu32 " to %" PRIu32
                  " (%zu), verified with the owner's key: none altered, none missing between "
                  "the first and the last.</p>\n",
                  STYLE, lock, e->first, e->next - 1, e->n);
    for (size_t i = 0; i < e->n; i++) {
        const record *r = &e->r[i];
        kinds[r->kind]++;
        bool dated = r->time != OL_RTC_LOST && r->time / DAY >= lo && r->time / DAY <= hi;
        size_t d = dated ? r->time / DAY - lo : 0;
        if (is_open(r)) {
            if (r->slot < OL_SLOTS) {
                by_slot[r->slot]++;
            }
            if (dated) {
                opens[d]++;
                time_t tt = (time_t)r->time;
                struct tm tm;
                gmtime_r(&tt, &tm);
                cell[(tm.tm_wday + 6) % 7][tm.tm_hour]++;
            }
        }
        if (dated && (r->kind == OL_AUDIT_WRONG_CODE || r->kind == OL_AUDIT_LOCKOUT)) {
            wrong[d]++;
        }
        if (dated && to_note(r)) {
            noted[d] = true;
        }
    }
    if (ok && e->first > 1) {
        ok = put(&t,
                 "<p>Records 1 to %" PRIu32 " are no longer in the lock (its ring keeps the "
                 "newest); an earlier export, checked with <code>--state</code>, tells whether "
                 "any were lost between exports.</p>\n",
                 e->first - 1);
    }
    ok = ok && put(&t, "<p>Days and times are the lock's clock, which a manager sets "
                       "(<code>*08</code>: <code>clock_set</code> records are listed below).</p>\n"
                       "<h2>Openings per day</h2>\n<p>A red mark: a duress opening, a detected "
                       "fault, a firmware change, a time delay, a lockout, a recovery or the clock "
                       "set that day (listed below).</p>\n");
    ok = ok &&
         bars(&t, "Openings per day", opens, dlabel, noted, days, days > 30 ? 7 : 1, "#4a79c4");
    static char sl[OL_SLOTS][8];
    const char *slabel[OL_SLOTS];
    for (int i = 0; i < OL_SLOTS; i++) {
        snprintf(sl[i], sizeof sl[i], "%02d", i);
        slabel[i] = sl[i];
    }
    ok = ok && put(&t, "<h2>Openings by person (slot)</h2>\n");
    ok = ok && bars(&t, "Openings by slot", by_slot, slabel, NULL, OL_SLOTS, 2, "#3c8d5a");
    ok = ok && put(&t, "<h2>Wrong codes and lockouts per day</h2>\n");
    ok = ok && bars(&t, "Wrong codes and lockouts per day", wrong, dlabel, NULL, days,
                    days > 30 ? 7 : 1, "#c0504d");
    ok = ok && put(&t, "<h2>When the lock is opened</h2>\n") && heat(&t, cell);
    ok = ok && put(&t, "<h2>Records by kind</h2>\n<table><tr><th>kind</th><th>records</th></tr>");
    for (int k = 0; ok && k < 256; k++) {
        if (kinds[k]) {
            ok = put(&t, "<tr><td>%s</td><td class=\"r\">%" PRIu32 "</td></tr>",
                     ol_audit_kind_name((uint8_t)k), kinds[k]);
        }
    }
    ok = ok && put(&t, "</table>\n<h2>To note</h2>\n<table><tr><th>seq</th><th>time</th>"
                       "<th>kind</th><th>slot</th><th>arg</th></tr>");
    for (size_t i = 0; ok && i < e->n; i++) {
        const record *r = &e->r[i];
        if (to_note(r)) {
            char when[32], slot[8] = "";
            iso(when, r->time);
            if (r->slot != OL_AUDIT_NO_SLOT) {
                snprintf(slot, sizeof slot, "%u", r->slot);
            }
            ok = put(&t,
                     "<tr><td class=\"r\">%" PRIu32 "</td><td>%s</td><td>%s</td><td>%s</td>"
                     "<td class=\"r\">%u</td></tr>",
                     r->seq, when, ol_audit_kind_name(r->kind), slot, r->arg);
        }
    }
    ok = ok && put(&t, "</table>\n</body>\n</html>\n");
    int st = ok ? write_atomically(path, t.s, t.len) : fail(SYSTEM, "out of memory", NULL);
    free(t.s);
    free(opens), free(wrong), free(noted), free(dl), free(dlabel);
    return st;
}

// ---- verify ----------------------------------------------------------------------------

static int verify(int argc, char **argv) {
    const char *keyfile = NULL, *statefile = NULL, *csv = NULL, *json = NULL, *html = NULL,
               *path = NULL;
    for (int i = 0; i < argc; i++) {
        const char **opt = strcmp(argv[i], "--key") == 0     ? &keyfile
                           : strcmp(argv[i], "--state") == 0 ? &statefile
                           : strcmp(argv[i], "--csv") == 0   ? &csv
                           : strcmp(argv[i], "--json") == 0  ? &json
                           : strcmp(argv[i], "--html") == 0  ? &html
                                                             : NULL;
        if (opt && i + 1 < argc) {
            *opt = argv[++i];
        } else if (!opt && argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            return fail(INPUT, "verify: unexpected argument", argv[i]);
        }
    }
    if (!keyfile || !path) {
        return fail(INPUT, "verify needs --key KEYFILE and the EXPORT", NULL);
    }
    uint8_t secret[32], key[32];
    export_file e = {0};
    state s;
    bool have_state = false;
    int st = read_secret(keyfile, secret);
    if (st == DONE) {
        st = parse(path, &e);
    }
    if (st == DONE) {
        st = export_key(&e, secret, key);
    }
    ol_wipe(secret, sizeof secret);
    if (st == DONE) {
        st = check(path, &e, key);
    }
    ol_wipe(key, sizeof key);
    if (st == DONE && statefile) {
        st = read_state(statefile, &s, &have_state);
    }
    if (st == DONE && have_state) {
        st = follow(&e, &s); // refused: nothing said to be verified
    }
    if (st == DONE) {
        char lock[65];
        hex(lock, e.lock, 32);
        printf("verified: %zu records, %" PRIu32 " to %" PRIu32 ", from lock %s\n", e.n, e.first,
               e.next - 1, lock);
        if (!have_state && statefile) {
            printf("first export seen: this lock's key is kept in %s (compare it with the lock "
                   "you exported from: a first export is trusted as this lock's)\n",
                   statefile);
        }
    }
    if (st == DONE && csv) {
        st = write_csv(csv, &e);
    }
    if (st == DONE && json) {
        st = write_json(json, &e);
    }
    if (st == DONE && html) {
        st = write_html(html, &e);
    }
    if (st == DONE && statefile && e.n > 0) {
        const record *last = &e.r[e.n - 1];
        char lock[65], chain[17];
        hex(lock, e.lock, 32);
        hex(chain, last->chain, 8);
        text t = {0};
        bool ok =
            put(&t,
                "ownerlock audit state v1 lock %s next %" PRIu32 " last %" PRIu32 " %" PRIu32
                " %u %u %u %s\n",
                lock, e.next, last->seq, last->time, last->kind, last->slot, last->arg, chain);
        st = ok ? write_atomically(statefile, t.s, t.len) : fail(SYSTEM, "out of memory", NULL);
        free(t.s);
    }
    free(e.r);
    return st;
}

int audit_check_buffer(const char *export_text, size_t len, const uint8_t secret[32]) {
    FILE *f = fmemopen((void *)export_text, len, "r");
    if (!f) {
        return SYSTEM;
    }
    quiet = true;
    export_file e = {0};
    uint8_t key[32];
    int st = parse_stream(f, "export", &e);
    if (st == DONE) {
        st = export_key(&e, secret, key);
    }
    if (st == DONE) {
        st = check("export", &e, key);
    }
    ol_wipe(key, sizeof key);
    free(e.r);
    quiet = false;
    return st;
}

int audit_main(int argc, char **argv) {
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(help_text, argc < 1 ? stderr : stdout);
        return argc < 1 ? INPUT : DONE;
    }
    if (strcmp(argv[0], "keygen") == 0) {
        return keygen(argc - 1, argv + 1);
    }
    if (strcmp(argv[0], "verify") == 0) {
        return verify(argc - 1, argv + 1);
    }
    return fail(INPUT, "unknown command", argv[0]);
}
