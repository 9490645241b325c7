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
#include "audit_report.h"
#include "hexdigit.h"
#include "text_buffer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
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

static int write_csv(const char *path, const export_file *e) {
    text_buffer t = {0};
    bool ok = text_printf(&t, "seq,time,kind,slot,arg\n");
    for (size_t i = 0; ok && i < e->n; i++) {
        const record *r = &e->r[i];
        char when[32], slot[8] = "";
        audit_report_time_text(when, r->time);
        if (r->slot != OL_AUDIT_NO_SLOT) {
            snprintf(slot, sizeof slot, "%u", r->slot);
        }
        ok = text_printf(&t, "%" PRIu32 ",%s,%s,%s,%u\n", r->seq, when, ol_audit_kind_name(r->kind),
                         slot, r->arg);
    }
    int st = ok ? write_atomically(path, t.s, t.len) : fail(SYSTEM, "out of memory", NULL);
    text_free(&t);
    return st;
}

static int write_json(const char *path, const export_file *e) {
    text_buffer t = {0};
    char lock[65];
    hex(lock, e->lock, 32);
    bool ok =
        text_printf(&t, "{\"lock\":\"%s\",\"first\":%" PRIu32 ",\"next\":%" PRIu32 ",\"records\":[",
                    lock, e->first, e->next);
    for (size_t i = 0; ok && i < e->n; i++) {
        const record *r = &e->r[i];
        char when[32];
        audit_report_time_text(when, r->time);
        ok = text_printf(&t, "%s\n{\"seq\":%" PRIu32 ",\"time\":\"%s\",\"kind\":\"%s\",",
                         i ? "," : "", r->seq, when, ol_audit_kind_name(r->kind));
        ok = ok && (r->slot == OL_AUDIT_NO_SLOT ? text_printf(&t, "\"slot\":null,")
                                                : text_printf(&t, "\"slot\":%u,", r->slot));
        ok = ok && text_printf(&t, "\"arg\":%u}", r->arg);
    }
    ok = ok && text_printf(&t, "]}\n");
    int st = ok ? write_atomically(path, t.s, t.len) : fail(SYSTEM, "out of memory", NULL);
    text_free(&t);
    return st;
}

// ---- the HTML report -------------------------------------------------------------------
// The owner's page of tools/common/audit_report.h, the fleet's too.

static int write_html(const char *path, const export_file *e) {
    audit_report_record *records = malloc((e->n ? e->n : 1) * sizeof *records);
    if (!records) {
        return fail(SYSTEM, "out of memory", NULL);
    }
    for (size_t i = 0; i < e->n; i++) {
        const record *r = &e->r[i];
        records[i] = (audit_report_record){r->seq, r->time, r->kind, r->slot, r->arg};
    }
    text_buffer intro = {0}, t = {0};
    char lock[65];
    hex(lock, e->lock, 32);
    bool ok = text_printf(&intro,
                          "<p>Lock <code>%.16s…</code>: records %" PRIu32 " to %" PRIu32
                          " (%zu), verified with the owner's key: none altered, none missing "
                          "between the first and the last.</p>\n",
                          lock, e->first, e->next - 1, e->n);
    if (ok && e->first > 1) {
        ok = text_printf(&intro,
                         "<p>Records 1 to %" PRIu32 " are no longer in the lock (its ring keeps "
                         "the newest); an earlier export, checked with <code>--state</code>, "
                         "tells whether any were lost between exports.</p>\n",
                         e->first - 1);
    }
    ok = ok && audit_report_write(&t, AUDIT_REPORT_PAGE, intro.s, records, e->n, NULL);
    int st = ok ? write_atomically(path, t.s, t.len) : fail(SYSTEM, "out of memory", NULL);
    text_free(&intro);
    text_free(&t);
    free(records);
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
        text_buffer t = {0};
        bool ok = text_printf(&t,
                              "ownerlock audit state v1 lock %s next %" PRIu32 " last %" PRIu32
                              " %" PRIu32 " %u %u %u %s\n",
                              lock, e.next, last->seq, last->time, last->kind, last->slot,
                              last->arg, chain);
        st = ok ? write_atomically(statefile, t.s, t.len) : fail(SYSTEM, "out of memory", NULL);
        text_free(&t);
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
