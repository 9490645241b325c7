// ownerlock-fleet — the commands (docs/FLEET.md, "The fleet service").
//
// A writing command is one transaction (run_command): its input is checked
// before anything is written; what it prints on standard output is printed
// only after the commit, so a code is never shown without its dispatch on
// record. A refusal (FLEET_REFUSED) commits too: the refusal's action is all
// it writes.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 // open, write, fsync, unlink: POSIX, beyond ISO C
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "fleet.h"

// ---- text: action details and replies -------------------------------------------

typedef struct text {
    char s[FLEET_REPLY_MAX];
    size_t len;
    bool overflow;
} text;

static void text_add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->s + t->len, sizeof t->s - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof t->s - t->len) {
        t->overflow = true;
        t->len = sizeof t->s - 1;
    } else {
        t->len += (size_t)n;
    }
}

// A name in double quotes, \ and " escaped: a detail reads back unambiguously.
static void text_quoted(text *t, const char *name) {
    text_add(t, "\"");
    for (const char *c = name; *c != '\0'; c++) {
        text_add(t, (*c == '"' || *c == '\\') ? "\\%c" : "%c", *c);
    }
    text_add(t, "\"");
}

// ---- input ----------------------------------------------------------------------

static bool parse_decimal(const char *s, unsigned max_digits, uint64_t max, uint64_t *out) {
    size_t len = strlen(s);
    if (len == 0 || len > max_digits) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max) {
        return false;
    }
    *out = v;
    return true;
}

fleet_status fleet_parse_lock(const char *s, uint32_t *lock) {
    uint64_t v;
    if (!parse_decimal(s, 10, UINT32_MAX, &v)) {
        fleet_say("lock number \"%s\": not a number 0..4294967295", s);
        return FLEET_INPUT;
    }
    *lock = (uint32_t)v;
    return FLEET_OK;
}

static fleet_status parse_id(const char *s, char out[24]) {
    uint64_t v;
    if (!parse_decimal(s, 18, UINT64_MAX, &v) || v == 0) {
        fleet_say("dispatch \"%s\": not a dispatch number (1, 2, ...)", s);
        return FLEET_INPUT;
    }
    snprintf(out, 24, "%" PRIu64, v);
    return FLEET_OK;
}

// Names are shown in listings and written into the action log's text: UTF-8
// without control characters, so no name can fake a line or a column.
fleet_status fleet_check_name(const char *what, const char *s) {
    size_t len = strlen(s);
    if (len == 0 || len > FLEET_NAME_MAX) {
        fleet_say("%s: 1 to %d bytes, not %zu", what, FLEET_NAME_MAX, len);
        return FLEET_INPUT;
    }
    if (s[0] == ' ' || s[len - 1] == ' ') {
        fleet_say("%s \"%s\": a space at its start or end", what, s);
        return FLEET_INPUT;
    }
    const uint8_t *p = (const uint8_t *)s;
    for (size_t i = 0; i < len;) {
        uint8_t c = p[i];
        size_t n;
        uint8_t lo = 0x80, hi = 0xbf; // the range of the byte after the first
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                fleet_say("%s: a control character (byte %zu)", what, i + 1);
                return FLEET_INPUT;
            }
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            if (c == 0xc2) {
                lo = 0xa0; // U+0080..U+009F are control characters too
            }
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            lo = c == 0xe0 ? 0xa0 : 0x80; // overlong
            hi = c == 0xed ? 0x9f : 0xbf; // surrogates
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            lo = c == 0xf0 ? 0x90 : 0x80;
            hi = c == 0xf4 ? 0x8f : 0xbf;
        } else {
            fleet_say("%s: not UTF-8 (byte %zu)", what, i + 1);
            return FLEET_INPUT;
        }
        if (i + n >= len || p[i + 1] < lo || p[i + 1] > hi) {
            fleet_say("%s: not UTF-8 or a control character (byte %zu)", what, i + 1);
            return FLEET_INPUT;
        }
        for (size_t k = 2; k <= n; k++) {
            if (p[i + k] < 0x80 || p[i + k] > 0xbf) {
                fleet_say("%s: not UTF-8 (byte %zu)", what, i + 1);
                return FLEET_INPUT;
            }
        }
        i += n + 1;
    }
    return FLEET_OK;
}

static uint32_t row_u32(const PGresult *r, int row, int col) {
    return (uint32_t)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

static bool row_true(const PGresult *r, int row, int col) {
    return strcmp(PQgetvalue(r, row, col), "t") == 0;
}

// ---- one transaction per command -------------------------------------------------

typedef fleet_status (*command_body)(fleet *f, const fleet_args *a, text *reply);

static fleet_status write_out(const char *s, size_t len) {
    while (len > 0) {
        ssize_t w = write(STDOUT_FILENO, s, len);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return FLEET_SYSTEM;
        }
        s += w;
        len -= (size_t)w;
    }
    return FLEET_OK;
}

static fleet_status run_command(fleet *f, const fleet_args *a, command_body body) {
    text reply = {0};
    sodium_memzero(&f->result, sizeof f->result);
    f->result.seal_records = -1;
    fleet_status st = db_begin(f);
    if (st != FLEET_OK) {
        return st;
    }
    st = body(f, a, &reply);
    if (st == FLEET_OK && reply.overflow) {
        fleet_say("internal: the reply is longer than %zu bytes", sizeof reply.s);
        st = FLEET_SYSTEM;
    }
    if (st == FLEET_OK || st == FLEET_REFUSED) {
        fleet_status c = db_commit(f);
        if (c != FLEET_OK) {
            st = c;
        }
    } else {
        db_rollback(f);
    }
    if (st != FLEET_OK) {
        sodium_memzero(&f->result, sizeof f->result);
        f->result.seal_records = -1;
    }
    if (f->keep_reply) {
        // The HTTP service sends it; sizeof reply.s == sizeof f->reply.
        memcpy(f->reply, st == FLEET_OK ? reply.s : "", st == FLEET_OK ? reply.len + 1 : 1);
    } else if (st == FLEET_OK && write_out(reply.s, reply.len) != FLEET_OK) {
        // write(2), not stdio: a code leaves no copy in a stdio buffer.
        fleet_say("cannot write to standard output: %s (it is recorded as done)", strerror(errno));
        st = FLEET_SYSTEM;
    }
    sodium_memzero(&reply, sizeof reply);
    return st;
}

static fleet_status record(fleet *f, const char *actor, const char *kind, const text *detail) {
    if (detail->overflow) {
        fleet_say("internal: an action's detail is longer than %zu bytes", sizeof detail->s);
        return FLEET_SYSTEM;
    }
    return action_append(f, actor, kind, detail->s);
}

// Runs one statement that returns nothing the caller needs.
static fleet_status exec(fleet *f, const char *what, const char *sql, int n,
                         const char *const *params) {
    PGresult *r = db_run(f, what, sql, n, params);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    PQclear(r);
    return FLEET_OK;
}

// Runs a query; *count is how many rows it returned (0 or 1 by its key).
static fleet_status count_rows(fleet *f, const char *what, const char *sql, int n,
                               const char *const *params, int *count) {
    PGresult *r = db_run(f, what, sql, n, params);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    *count = PQntuples(r);
    PQclear(r);
    return FLEET_OK;
}

// ---- dispatchers: who is asking --------------------------------------------------

typedef struct who {
    char id[24];
    char actor[16 + FLEET_NAME_MAX]; // "dispatcher:NAME", the action log's actor
    bool admin;
} who;

// The --as dispatcher and the password from standard input. A wrong password
// is recorded, against the dispatcher named, with what it was for.
static fleet_status authenticate(fleet *f, const fleet_args *a, const text *purpose, who *w) {
    const char *p[] = {a->as};
    PGresult *r =
        db_run(f, "find the dispatcher",
               "SELECT id, role, password_hash FROM fleet.dispatchers WHERE name = $1", 1, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        fleet_say("no dispatcher named \"%s\"", a->as);
        return FLEET_INPUT;
    }
    snprintf(w->id, sizeof w->id, "%s", PQgetvalue(r, 0, 0));
    snprintf(w->actor, sizeof w->actor, "dispatcher:%s", a->as);
    w->admin = strcmp(PQgetvalue(r, 0, 1), "admin") == 0;
    // A session's login checked the password (cmd_login).
    bool ok = a->session || vault_password_ok(PQgetvalue(r, 0, 2), a->password);
    PQclear(r);
    if (!ok) {
        fleet_status st = record(f, w->actor, "password refused", purpose);
        fleet_say("wrong password for dispatcher \"%s\": refused (recorded)", a->as);
        return st == FLEET_OK ? FLEET_REFUSED : st;
    }
    return FLEET_OK;
}

// A refusal after the dispatcher proved who he is: recorded, then refused.
static fleet_status refuse(fleet *f, const who *w, const text *detail, const char *why) {
    fleet_status st = record(f, w->actor, "refused", detail);
    fleet_say("%s: refused (recorded)", why);
    return st == FLEET_OK ? FLEET_REFUSED : st;
}

// ---- init -----------------------------------------------------------------------

fleet_status cmd_init(fleet *f) {
    PGresult *r = db_run(f, "begin", "BEGIN", 0, NULL);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    PQclear(r);
    bool present;
    fleet_status st = db_schema_present(f, &present);
    if (st == FLEET_OK && present) {
        fleet_say("this database already has a fleet (schema \"fleet\"): nothing changed");
        st = FLEET_INPUT;
    }
    if (st == FLEET_OK) {
        st = db_create_schema(f);
    }
    char nonce[FLEET_NONCE_HEX], tag[FLEET_TAG_HEX];
    if (st == FLEET_OK) {
        st = vault_make_check(f, nonce, tag);
    }
    if (st == FLEET_OK) {
        const char *p[] = {nonce, tag};
        st = exec(f, "store the key check",
                  "INSERT INTO fleet.meta (version, key_check_nonce, key_check_tag)"
                  " VALUES (1, decode($1, 'hex'), decode($2, 'hex'))",
                  2, p);
    }
    if (st == FLEET_OK) {
        st = action_append(f, "owner", "init", "schema 1");
    }
    if (st == FLEET_OK) {
        st = db_commit(f);
    } else {
        db_rollback(f);
    }
    if (st == FLEET_OK) {
        printf("fleet schema created; the owner's key is the one in OWNERLOCK_FLEET_KEY\n");
    }
    return st;
}

// ---- locks ----------------------------------------------------------------------

static fleet_status lock_add(fleet *f, const fleet_args *a, text *reply) {
    uint32_t lock;
    fleet_status st = fleet_parse_lock(a->pos[0], &lock);
    if (st == FLEET_OK) {
        st = fleet_check_name("lock name", a->pos[1]);
    }
    if (st != FLEET_OK) {
        return st;
    }
    char number[12];
    snprintf(number, sizeof number, "%" PRIu32, lock);
    int found;
    const char *p1[] = {number};
    st = count_rows(f, "find the lock", "SELECT 1 FROM fleet.locks WHERE number = $1", 1, p1,
                    &found);
    if (st != FLEET_OK) {
        return st;
    }
    if (found) {
        fleet_say("lock %s is already in the fleet: nothing changed", number);
        return FLEET_INPUT;
    }
    char nonce[FLEET_NONCE_HEX], box[FLEET_KEY_BOX_HEX];
    st = vault_new_otc_key(f, lock, nonce, box);
    if (st != FLEET_OK) {
        return st;
    }
    const char *p[] = {number, a->pos[1], nonce, box};
    st = exec(f, "add the lock",
              "INSERT INTO fleet.locks (number, name, key_nonce, key_box)"
              " VALUES ($1, $2, decode($3, 'hex'), decode($4, 'hex'))",
              4, p);
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_add(&detail, "lock %s name ", number);
    text_quoted(&detail, a->pos[1]);
    st = record(f, "owner", "lock add", &detail);
    text_add(reply, "lock %s added with a new OTC key; next counter 0\n", number);
    return st;
}

fleet_status cmd_lock_add(fleet *f, const fleet_args *a) {
    return run_command(f, a, lock_add);
}

// The provisioning file (docs/FLEET.md, "Provisioning file"): three lines.
#define PROVISION_MAGIC "ownerlock otc provisioning 1"

fleet_status cmd_lock_provision(fleet *f, const fleet_args *a) {
    uint32_t lock;
    fleet_status st = fleet_parse_lock(a->pos[0], &lock);
    if (st != FLEET_OK) {
        return st;
    }
    const char *path = a->pos[1];
    char number[12];
    snprintf(number, sizeof number, "%" PRIu32, lock);
    st = db_begin(f);
    if (st != FLEET_OK) {
        return st;
    }
    const char *p[] = {number};
    PGresult *r = db_run(f, "find the lock",
                         "SELECT encode(key_nonce, 'hex'), encode(key_box, 'hex')"
                         " FROM fleet.locks WHERE number = $1 FOR UPDATE",
                         1, p);
    if (r == NULL) {
        db_rollback(f);
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        db_rollback(f);
        fleet_say("no lock %s in the fleet: nothing written", number);
        return FLEET_INPUT;
    }
    uint8_t key[OL_OTC_KEY_BYTES];
    st = vault_open_otc_key(f, lock, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), key);
    PQclear(r);
    if (st != FLEET_OK) {
        db_rollback(f);
        return st;
    }
    // Made before the commit, written after it: the key never leaves unrecorded,
    // and an existing file is never overwritten.
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        sodium_memzero(key, sizeof key);
        db_rollback(f);
        fleet_say("%s: %s: nothing written", path, strerror(e));
        return FLEET_INPUT;
    }
    text detail = {0};
    text_add(&detail, "lock %s file ", number);
    text_quoted(&detail, path);
    st = exec(f, "count the provisioning",
              "UPDATE fleet.locks SET provisioned = provisioned + 1 WHERE number = $1", 1, p);
    if (st == FLEET_OK) {
        st = record(f, "owner", "provision", &detail);
    }
    if (st == FLEET_OK) {
        st = db_commit(f);
    } else {
        db_rollback(f);
    }
    if (st == FLEET_OK) {
        char hex[2 * OL_OTC_KEY_BYTES + 1];
        char file[sizeof PROVISION_MAGIC + 24 + sizeof hex + 8];
        hex_encode(hex, key, sizeof key);
        int n = snprintf(file, sizeof file, "%s\nlock %s\nkey %s\n", PROVISION_MAGIC, number, hex);
        size_t left = (size_t)n;
        const char *s = file;
        while (left > 0) {
            ssize_t w = write(fd, s, left);
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w <= 0) {
                break;
            }
            s += w;
            left -= (size_t)w;
        }
        if (left > 0 || fsync(fd) != 0) {
            fleet_say("%s: %s: the file is removed; the provisioning is recorded, run it again",
                      path, strerror(errno));
            st = FLEET_SYSTEM;
        }
        sodium_memzero(hex, sizeof hex);
        sodium_memzero(file, sizeof file);
    }
    sodium_memzero(key, sizeof key);
    if (close(fd) != 0 && st == FLEET_OK) {
        fleet_say("%s: %s: the file is removed; the provisioning is recorded, run it again", path,
                  strerror(errno));
        st = FLEET_SYSTEM;
    }
    if (st != FLEET_OK) {
        unlink(path);
        return st;
    }
    printf("lock %s: provisioning file %s written; it holds the lock's OTC key: set it "
           "through the lock's service port, then destroy the file\n",
           number, path);
    return FLEET_OK;
}

// ---- people ---------------------------------------------------------------------

static fleet_status person_add(fleet *f, const fleet_args *a, text *reply) {
    fleet_status st = fleet_check_name("person's name", a->pos[0]);
    if (st != FLEET_OK) {
        return st;
    }
    const char *p[] = {a->pos[0]};
    int found;
    st = count_rows(f, "find the person", "SELECT 1 FROM fleet.people WHERE name = $1", 1, p,
                    &found);
    if (st != FLEET_OK) {
        return st;
    }
    if (found) {
        fleet_say("there is already a person named \"%s\": nothing changed", a->pos[0]);
        return FLEET_INPUT;
    }
    st = exec(f, "add the person", "INSERT INTO fleet.people (name) VALUES ($1)", 1, p);
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_quoted(&detail, a->pos[0]);
    st = record(f, "owner", "person add", &detail);
    text_add(reply, "person added\n");
    return st;
}

fleet_status cmd_person_add(fleet *f, const fleet_args *a) {
    return run_command(f, a, person_add);
}

static fleet_status person_slot(fleet *f, const fleet_args *a, text *reply) {
    uint32_t lock;
    uint64_t slot;
    fleet_status st = fleet_parse_lock(a->pos[1], &lock);
    if (st != FLEET_OK) {
        return st;
    }
    if (!parse_decimal(a->pos[2], 2, FLEET_SLOTS - 1, &slot)) {
        fleet_say("slot \"%s\": not a slot 0..%d", a->pos[2], FLEET_SLOTS - 1);
        return FLEET_INPUT;
    }
    char number[12], slot_text[4];
    snprintf(number, sizeof number, "%" PRIu32, lock);
    snprintf(slot_text, sizeof slot_text, "%" PRIu64, slot);
    const char *p_person[] = {a->pos[0]};
    PGresult *r =
        db_run(f, "find the person", "SELECT id FROM fleet.people WHERE name = $1", 1, p_person);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        fleet_say("no person named \"%s\": nothing changed", a->pos[0]);
        return FLEET_INPUT;
    }
    char person[24];
    snprintf(person, sizeof person, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *p_lock[] = {number};
    int found;
    st = count_rows(f, "find the lock", "SELECT 1 FROM fleet.locks WHERE number = $1", 1, p_lock,
                    &found);
    if (st != FLEET_OK) {
        return st;
    }
    if (!found) {
        fleet_say("no lock %s in the fleet: nothing changed", number);
        return FLEET_INPUT;
    }
    const char *p_has[] = {person, number};
    r = db_run(f, "find the person's slot",
               "SELECT slot FROM fleet.slots WHERE person = $1 AND lock = $2", 2, p_has);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) == 1) {
        fleet_say("\"%s\" already has slot %s on lock %s: nothing changed", a->pos[0],
                  PQgetvalue(r, 0, 0), number);
        PQclear(r);
        return FLEET_INPUT;
    }
    PQclear(r);
    const char *p_taken[] = {number, slot_text};
    r = db_run(f, "find the slot's holder",
               "SELECT p.name FROM fleet.slots s JOIN fleet.people p ON p.id = s.person"
               " WHERE s.lock = $1 AND s.slot = $2",
               2, p_taken);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) == 1) {
        fleet_say("slot %s on lock %s is \"%s\"'s: nothing changed", slot_text, number,
                  PQgetvalue(r, 0, 0));
        PQclear(r);
        return FLEET_INPUT;
    }
    PQclear(r);
    const char *p[] = {person, number, slot_text};
    st = exec(f, "set the slot", "INSERT INTO fleet.slots (person, lock, slot) VALUES ($1, $2, $3)",
              3, p);
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_quoted(&detail, a->pos[0]);
    text_add(&detail, " lock %s slot %s", number, slot_text);
    st = record(f, "owner", "person slot", &detail);
    text_add(reply, "slot %s on lock %s set\n", slot_text, number);
    return st;
}

fleet_status cmd_person_slot(fleet *f, const fleet_args *a) {
    return run_command(f, a, person_slot);
}

// ---- dispatchers and settings -----------------------------------------------------

static fleet_status dispatcher_add(fleet *f, const fleet_args *a, text *reply) {
    fleet_status st = fleet_check_name("dispatcher's name", a->pos[0]);
    if (st != FLEET_OK) {
        return st;
    }
    const char *role = a->pos[1];
    if (strcmp(role, "dispatcher") != 0 && strcmp(role, "admin") != 0) {
        fleet_say("role \"%s\": not dispatcher or admin", role);
        return FLEET_INPUT;
    }
    if (strlen(a->password) < FLEET_PASSWORD_MIN) {
        fleet_say("the password is shorter than %d bytes", FLEET_PASSWORD_MIN);
        return FLEET_INPUT;
    }
    const char *p1[] = {a->pos[0]};
    int found;
    st = count_rows(f, "find the dispatcher", "SELECT 1 FROM fleet.dispatchers WHERE name = $1", 1,
                    p1, &found);
    if (st != FLEET_OK) {
        return st;
    }
    if (found) {
        fleet_say("there is already a dispatcher named \"%s\": nothing changed", a->pos[0]);
        return FLEET_INPUT;
    }
    char hash[crypto_pwhash_STRBYTES];
    st = vault_hash_password(hash, sizeof hash, a->password);
    if (st != FLEET_OK) {
        return st;
    }
    const char *p[] = {a->pos[0], role, hash};
    st =
        exec(f, "add the dispatcher",
             "INSERT INTO fleet.dispatchers (name, role, password_hash) VALUES ($1, $2, $3)", 3, p);
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_quoted(&detail, a->pos[0]);
    text_add(&detail, " role %s", role);
    st = record(f, "owner", "dispatcher add", &detail);
    text_add(reply, "%s added\n", role);
    return st;
}

fleet_status cmd_dispatcher_add(fleet *f, const fleet_args *a) {
    return run_command(f, a, dispatcher_add);
}

static fleet_status setting(fleet *f, const fleet_args *a, text *reply) {
    const char *value = a->pos[0];
    if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
        fleet_say("dual-dispatch \"%s\": on or off", value);
        return FLEET_INPUT;
    }
    text detail = {0};
    text_add(&detail, "dual-dispatch %s", value);
    who w;
    fleet_status st = authenticate(f, a, &detail, &w);
    if (st != FLEET_OK) {
        return st;
    }
    if (!w.admin) {
        return refuse(f, &w, &detail, "settings are an admin's");
    }
    const char *p[] = {value};
    st = exec(f, "change the setting",
              "UPDATE fleet.settings SET value = $1 WHERE name = 'dual-dispatch'", 1, p);
    if (st == FLEET_OK) {
        st = record(f, w.actor, "setting", &detail);
    }
    text_add(reply, "dual dispatch is %s\n", value);
    return st;
}

fleet_status cmd_setting(fleet *f, const fleet_args *a) {
    return run_command(f, a, setting);
}

// ---- dispatches ------------------------------------------------------------------

static void add_code(fleet *f, text *reply, uint32_t lock, uint32_t counter, uint8_t slot,
                     const uint8_t key[OL_OTC_KEY_BYTES]) {
    uint8_t d[OL_OTC_CODE_DIGITS];
    char digits[OL_OTC_CODE_DIGITS + 1];
    ol_otc_code(d, key, lock, counter, slot);
    for (int i = 0; i < OL_OTC_CODE_DIGITS; i++) {
        digits[i] = (char)('0' + d[i]);
    }
    digits[OL_OTC_CODE_DIGITS] = '\0';
    text_add(reply, "code %s\n", digits);
    memcpy(f->result.code, digits, sizeof digits);
    sodium_memzero(d, sizeof d);
    sodium_memzero(digits, sizeof digits);
}

static fleet_status dispatch(fleet *f, const fleet_args *a, text *reply) {
    uint32_t lock;
    fleet_status st = fleet_parse_lock(a->pos[0], &lock);
    if (st == FLEET_OK) {
        st = fleet_check_name("person's name", a->pos[1]);
    }
    if (st != FLEET_OK) {
        return st;
    }
    char number[12];
    snprintf(number, sizeof number, "%" PRIu32, lock);
    text purpose = {0};
    text_add(&purpose, "dispatch lock %s person ", number);
    text_quoted(&purpose, a->pos[1]);
    who w;
    st = authenticate(f, a, &purpose, &w);
    if (st != FLEET_OK) {
        return st;
    }
    // The lock's row stays locked to the commit: one counter, one dispatch.
    const char *p_lock[] = {number};
    PGresult *lr = db_run(f, "find the lock",
                          "SELECT encode(key_nonce, 'hex'), encode(key_box, 'hex'), next_counter"
                          " FROM fleet.locks WHERE number = $1 FOR UPDATE",
                          1, p_lock);
    if (lr == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(lr) != 1) {
        PQclear(lr);
        fleet_say("no lock %s in the fleet: nothing changed", number);
        return FLEET_INPUT;
    }
    const char *p_slot[] = {a->pos[1], number};
    PGresult *sr = db_run(f, "find the person's slot",
                          "SELECT p.id, s.slot FROM fleet.people p"
                          " LEFT JOIN fleet.slots s ON s.person = p.id AND s.lock = $2"
                          " WHERE p.name = $1",
                          2, p_slot);
    if (sr == NULL) {
        PQclear(lr);
        return FLEET_SYSTEM;
    }
    st = FLEET_OK;
    if (PQntuples(sr) != 1) {
        fleet_say("no person named \"%s\": nothing changed", a->pos[1]);
        st = FLEET_INPUT;
    } else if (PQgetisnull(sr, 0, 1)) {
        fleet_say("\"%s\" has no slot on lock %s (person slot): nothing changed", a->pos[1],
                  number);
        st = FLEET_INPUT;
    } else if (strcmp(PQgetvalue(lr, 0, 2), "4294967296") == 0) {
        fleet_say("lock %s has issued its last counter: it needs a new key", number);
        st = FLEET_INPUT;
    }
    PGresult *dr = NULL;
    if (st == FLEET_OK) {
        dr =
            db_run(f, "read the setting",
                   "SELECT value = 'on' FROM fleet.settings WHERE name = 'dual-dispatch'", 0, NULL);
        st = dr != NULL && PQntuples(dr) == 1 ? FLEET_OK : FLEET_SYSTEM;
    }
    if (st != FLEET_OK) {
        PQclear(dr);
        PQclear(sr);
        PQclear(lr);
        return st;
    }
    bool dual = row_true(dr, 0, 0);
    PQclear(dr);
    uint32_t counter = row_u32(lr, 0, 2);
    uint8_t slot = (uint8_t)row_u32(sr, 0, 1);
    char person[24], counter_text[12], slot_text[4];
    snprintf(person, sizeof person, "%s", PQgetvalue(sr, 0, 0));
    snprintf(counter_text, sizeof counter_text, "%" PRIu32, counter);
    snprintf(slot_text, sizeof slot_text, "%u", (unsigned)slot);
    PQclear(sr);

    const char *p_ins[] = {number, person, slot_text, counter_text, w.id, dual ? "t" : "f"};
    PGresult *ir = db_run(f, "record the dispatch",
                          "INSERT INTO fleet.dispatches (lock, person, slot, counter, requested_by,"
                          " requested_at, needs_approval) VALUES ($1, $2, $3, $4, $5, now(), $6)"
                          " RETURNING id",
                          6, p_ins);
    if (ir == NULL) {
        PQclear(lr);
        return FLEET_SYSTEM;
    }
    char id[24];
    snprintf(id, sizeof id, "%s", PQgetvalue(ir, 0, 0));
    PQclear(ir);
    st =
        exec(f, "advance the counter",
             "UPDATE fleet.locks SET next_counter = next_counter + 1 WHERE number = $1", 1, p_lock);
    text detail = {0};
    text_add(&detail, "dispatch %s lock %s person ", id, number);
    text_quoted(&detail, a->pos[1]);
    text_add(&detail, " slot %s counter %s%s", slot_text, counter_text,
             dual ? " awaiting approval" : "");
    if (st == FLEET_OK) {
        st = record(f, w.actor, "dispatch", &detail);
    }
    snprintf(f->result.dispatch, sizeof f->result.dispatch, "%s", id);
    f->result.awaiting_approval = dual;
    text_add(reply, "dispatch %s: lock %s, ", id, number);
    text_quoted(reply, a->pos[1]);
    text_add(reply, " (slot %s), counter %s\n", slot_text, counter_text);
    if (st == FLEET_OK && dual) {
        text_add(reply, "waiting for approval by another dispatcher: approve %s --as OTHER\n", id);
    } else if (st == FLEET_OK) {
        uint8_t key[OL_OTC_KEY_BYTES];
        st = vault_open_otc_key(f, lock, PQgetvalue(lr, 0, 0), PQgetvalue(lr, 0, 1), key);
        if (st == FLEET_OK) {
            const char *p_shown[] = {id};
            st =
                exec(f, "record the code shown",
                     "UPDATE fleet.dispatches SET code_shown_at = now() WHERE id = $1", 1, p_shown);
        }
        text shown = {0};
        text_add(&shown, "dispatch %s", id);
        if (st == FLEET_OK) {
            st = record(f, w.actor, "code shown", &shown);
        }
        if (st == FLEET_OK) {
            add_code(f, reply, lock, counter, slot, key);
        }
        sodium_memzero(key, sizeof key);
    }
    PQclear(lr);
    return st;
}

fleet_status cmd_dispatch(fleet *f, const fleet_args *a) {
    return run_command(f, a, dispatch);
}

// One dispatch and its lock's sealed key, its row locked to the commit.
typedef struct dispatch_row {
    char id[24];
    uint32_t lock, counter;
    uint8_t slot;
    char requested_by[24]; // the dispatcher's id
    char requester[FLEET_NAME_MAX + 1];
    bool needs_approval, approved, code_shown, sealed;
    char key_nonce[FLEET_NONCE_HEX], key_box[FLEET_KEY_BOX_HEX];
} dispatch_row;

static fleet_status load_dispatch(fleet *f, const char *id, dispatch_row *d) {
    const char *p[] = {id};
    PGresult *r = db_run(f, "find the dispatch",
                         "SELECT d.lock, d.counter, d.slot, d.requested_by, r.name,"
                         " d.needs_approval, d.approved_by IS NOT NULL,"
                         " d.code_shown_at IS NOT NULL, d.sealed_at IS NOT NULL,"
                         " encode(l.key_nonce, 'hex'), encode(l.key_box, 'hex')"
                         " FROM fleet.dispatches d"
                         " JOIN fleet.locks l ON l.number = d.lock"
                         " JOIN fleet.dispatchers r ON r.id = d.requested_by"
                         " WHERE d.id = $1 FOR UPDATE OF d",
                         1, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        fleet_say("no dispatch %s: nothing changed", id);
        return FLEET_INPUT;
    }
    snprintf(d->id, sizeof d->id, "%s", id);
    d->lock = row_u32(r, 0, 0);
    d->counter = row_u32(r, 0, 1);
    d->slot = (uint8_t)row_u32(r, 0, 2);
    snprintf(d->requested_by, sizeof d->requested_by, "%s", PQgetvalue(r, 0, 3));
    snprintf(d->requester, sizeof d->requester, "%s", PQgetvalue(r, 0, 4));
    d->needs_approval = row_true(r, 0, 5);
    d->approved = row_true(r, 0, 6);
    d->code_shown = row_true(r, 0, 7);
    d->sealed = row_true(r, 0, 8);
    snprintf(d->key_nonce, sizeof d->key_nonce, "%s", PQgetvalue(r, 0, 9));
    snprintf(d->key_box, sizeof d->key_box, "%s", PQgetvalue(r, 0, 10));
    PQclear(r);
    return FLEET_OK;
}

// A dispatcher's command on one dispatch (`approve`, `code`, `seal`): the
// dispatcher authenticated, with `detail` (which names the dispatch) for
// the record of a refusal, then the dispatch's row.
static fleet_status on_dispatch(fleet *f, const fleet_args *a, const char *id, text *detail, who *w,
                                dispatch_row *d) {
    fleet_status st = authenticate(f, a, detail, w);
    return st == FLEET_OK ? load_dispatch(f, id, d) : st;
}

static fleet_status approve(fleet *f, const fleet_args *a, text *reply) {
    char id[24];
    fleet_status st = parse_id(a->pos[0], id);
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_add(&detail, "approve dispatch %s", id);
    who w;
    dispatch_row d;
    st = on_dispatch(f, a, id, &detail, &w, &d);
    if (st != FLEET_OK) {
        return st;
    }
    if (!d.needs_approval) {
        fleet_say("dispatch %s was made without dual dispatch: it needs no approval", id);
        return FLEET_INPUT;
    }
    if (d.approved) {
        fleet_say("dispatch %s is already approved: nothing changed", id);
        return FLEET_INPUT;
    }
    if (strcmp(d.requested_by, w.id) == 0) {
        return refuse(f, &w, &detail, "a dispatcher cannot approve his own dispatch");
    }
    const char *p[] = {w.id, id};
    st = exec(f, "record the approval",
              "UPDATE fleet.dispatches SET approved_by = $1, approved_at = now() WHERE id = $2", 2,
              p);
    if (st == FLEET_OK) {
        st = record(f, w.actor, "approve", &detail);
    }
    snprintf(f->result.dispatch, sizeof f->result.dispatch, "%s", id);
    text_add(reply, "dispatch %s approved; its code: code %s --as ", id, id);
    text_quoted(reply, d.requester);
    text_add(reply, "\n");
    return st;
}

fleet_status cmd_approve(fleet *f, const fleet_args *a) {
    return run_command(f, a, approve);
}

static fleet_status code(fleet *f, const fleet_args *a, text *reply) {
    char id[24];
    fleet_status st = parse_id(a->pos[0], id);
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_add(&detail, "code of dispatch %s", id);
    who w;
    dispatch_row d;
    st = on_dispatch(f, a, id, &detail, &w, &d);
    if (st != FLEET_OK) {
        return st;
    }
    // Shown once, to the dispatcher who asked: a lost code is a new dispatch
    // (the lock accepts a few counters ahead).
    if (strcmp(d.requested_by, w.id) != 0) {
        return refuse(f, &w, &detail, "only the dispatcher who asked is shown the code");
    }
    if (d.needs_approval && !d.approved) {
        return refuse(f, &w, &detail, "the dispatch is not approved yet");
    }
    if (d.code_shown) {
        return refuse(f, &w, &detail, "the code was shown already (a lost code is a new dispatch)");
    }
    uint8_t key[OL_OTC_KEY_BYTES];
    st = vault_open_otc_key(f, d.lock, d.key_nonce, d.key_box, key);
    if (st == FLEET_OK) {
        const char *p[] = {id};
        st = exec(f, "record the code shown",
                  "UPDATE fleet.dispatches SET code_shown_at = now() WHERE id = $1", 1, p);
    }
    text shown = {0};
    text_add(&shown, "dispatch %s", id);
    if (st == FLEET_OK) {
        st = record(f, w.actor, "code shown", &shown);
    }
    if (st == FLEET_OK) {
        snprintf(f->result.dispatch, sizeof f->result.dispatch, "%s", id);
        text_add(reply, "dispatch %s: lock %" PRIu32 ", slot %u, counter %" PRIu32 "\n", id, d.lock,
                 (unsigned)d.slot, d.counter);
        add_code(f, reply, d.lock, d.counter, d.slot, key);
    }
    sodium_memzero(key, sizeof key);
    return st;
}

fleet_status cmd_code(fleet *f, const fleet_args *a) {
    return run_command(f, a, code);
}

// "kk-MMMM-MMMM" or "kkMMMMMMMM": the records and the seal's digits.
static fleet_status parse_seal(const char *s, uint8_t *records,
                               uint8_t digits[OL_OTC_SEAL_DIGITS]) {
    char d[2 + OL_OTC_SEAL_DIGITS];
    size_t n = 0, len = strlen(s);
    bool dashed = len == 12 && s[2] == '-' && s[7] == '-';
    if (dashed || len == 10) {
        for (size_t i = 0; i < len; i++) {
            if (dashed && (i == 2 || i == 7)) {
                continue;
            }
            if (s[i] < '0' || s[i] > '9') {
                break;
            }
            d[n++] = s[i];
        }
    }
    if (n != sizeof d) {
        fleet_say("seal \"%s\": not kk-MMMM-MMMM or kkMMMMMMMM (as the lock shows it)", s);
        return FLEET_INPUT;
    }
    *records = (uint8_t)((d[0] - '0') * 10 + (d[1] - '0'));
    for (int i = 0; i < OL_OTC_SEAL_DIGITS; i++) {
        digits[i] = (uint8_t)(d[2 + i] - '0');
    }
    return FLEET_OK;
}

static fleet_status seal(fleet *f, const fleet_args *a, text *reply) {
    char id[24];
    uint8_t records, entered[OL_OTC_SEAL_DIGITS];
    fleet_status st = parse_id(a->pos[0], id);
    if (st == FLEET_OK) {
        st = parse_seal(a->pos[1], &records, entered);
    }
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_add(&detail, "seal of dispatch %s: %s", id, a->pos[1]);
    who w;
    dispatch_row d;
    st = on_dispatch(f, a, id, &detail, &w, &d);
    if (st != FLEET_OK) {
        return st;
    }
    if (!d.code_shown) {
        fleet_say("dispatch %s: its code was never shown, so there is no opening to seal", id);
        return FLEET_INPUT;
    }
    if (d.sealed) {
        fleet_say("dispatch %s is closed already: nothing changed", id);
        return FLEET_INPUT;
    }
    uint8_t key[OL_OTC_KEY_BYTES], want[OL_OTC_SEAL_DIGITS];
    st = vault_open_otc_key(f, d.lock, d.key_nonce, d.key_box, key);
    if (st != FLEET_OK) {
        return st;
    }
    ol_otc_seal(want, key, d.lock, d.counter, d.slot, records);
    sodium_memzero(key, sizeof key);
    bool ok = sodium_memcmp(want, entered, sizeof want) == 0;
    sodium_memzero(want, sizeof want);
    char records_text[4];
    snprintf(records_text, sizeof records_text, "%u", (unsigned)records);
    const char *p_entry[] = {id, w.id, a->pos[1], records_text, ok ? "t" : "f"};
    st = exec(f, "record the seal",
              "INSERT INTO fleet.seal_entries (dispatch, entered_by, entered, records, ok, at)"
              " VALUES ($1, $2, $3, $4, $5, now())",
              5, p_entry);
    if (st != FLEET_OK) {
        return st;
    }
    if (!ok) {
        st = record(f, w.actor, "seal bad", &detail);
        fleet_say("dispatch %s: the seal does not match (recorded); check the digits the lock "
                  "shows",
                  id);
        return st == FLEET_OK ? FLEET_REFUSED : st;
    }
    const char *p_close[] = {records_text, id};
    st = exec(f, "close the dispatch",
              "UPDATE fleet.dispatches SET sealed_at = now(), seal_records = $1 WHERE id = $2", 2,
              p_close);
    if (st == FLEET_OK) {
        st = record(f, w.actor, "seal ok", &detail);
    }
    snprintf(f->result.dispatch, sizeof f->result.dispatch, "%s", id);
    f->result.seal_records = records;
    text_add(reply, "dispatch %s closed: the seal is valid\n", id);
    if (records != 1) {
        text_add(reply,
                 "something else happened between the opening and the close: %02u audit "
                 "records, not 01; read the lock's exported audit trail\n",
                 (unsigned)records);
    }
    return st;
}

fleet_status cmd_seal(fleet *f, const fleet_args *a) {
    return run_command(f, a, seal);
}

// ---- listings -------------------------------------------------------------------

PGresult *fleet_query_dispatches(fleet *f, bool open) {
    const char *p[] = {open ? "t" : "f"};
    return db_run(
        f, "list the dispatches",
        "SELECT d.id, d.lock, p.name, d.slot, d.counter, r.name, coalesce(v.name, '-'),"
        " to_char(d.requested_at, 'YYYY-MM-DD HH24:MI:SS'),"
        " CASE WHEN d.sealed_at IS NOT NULL AND d.seal_records = 1 THEN 'closed, seal 01'"
        "      WHEN d.sealed_at IS NOT NULL THEN 'closed, seal ' || lpad(d.seal_records::text, 2,"
        "           '0') || ': something else happened'"
        "      WHEN d.needs_approval AND d.approved_by IS NULL THEN 'awaiting approval'"
        "      WHEN d.code_shown_at IS NULL THEN 'approved, code not shown'"
        "      ELSE 'open' END"
        " FROM fleet.dispatches d"
        " JOIN fleet.people p ON p.id = d.person"
        " JOIN fleet.dispatchers r ON r.id = d.requested_by"
        " LEFT JOIN fleet.dispatchers v ON v.id = d.approved_by"
        " WHERE NOT $1::boolean OR d.sealed_at IS NULL ORDER BY d.id",
        1, p);
}

PGresult *fleet_query_locks(fleet *f) {
    return db_run(f, "list the locks",
                  "SELECT l.number, l.name, l.next_counter, p.name, s.slot FROM fleet.locks l"
                  " LEFT JOIN fleet.slots s ON s.lock = l.number"
                  " LEFT JOIN fleet.people p ON p.id = s.person ORDER BY l.number, s.slot",
                  0, NULL);
}

fleet_status cmd_dispatches(fleet *f, const fleet_args *a) {
    PGresult *r = fleet_query_dispatches(f, a->open);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    // Tab-separated: names hold no tab (fleet_check_name).
    printf("id\tlock\tperson\tslot\tcounter\tasked by\tapproved by\tasked at (UTC)\tstate\n");
    for (int i = 0; i < PQntuples(r); i++) {
        for (int c = 0; c < 9; c++) {
            printf("%s%c", PQgetvalue(r, i, c), c == 8 ? '\n' : '\t');
        }
    }
    PQclear(r);
    return FLEET_OK;
}

fleet_status cmd_log_verify(fleet *f) {
    return action_verify(f);
}

// ---- the HTTP service's sessions ---------------------------------------------------

static fleet_status login(fleet *f, const fleet_args *a, text *reply) {
    text detail = {0};
    text_add(&detail, "web session");
    who w;
    fleet_status st = authenticate(f, a, &detail, &w);
    if (st == FLEET_OK) {
        st = record(f, w.actor, "login", &detail);
        snprintf(f->result.role, sizeof f->result.role, "%s", w.admin ? "admin" : "dispatcher");
    }
    text_add(reply, "logged in\n");
    return st;
}

fleet_status cmd_login(fleet *f, const fleet_args *a) {
    return run_command(f, a, login);
}

static fleet_status logout(fleet *f, const fleet_args *a, text *reply) {
    text detail = {0};
    text_add(&detail, "web session");
    who w;
    fleet_status st = authenticate(f, a, &detail, &w);
    if (st == FLEET_OK) {
        st = record(f, w.actor, "logout", &detail);
    }
    text_add(reply, "logged out\n");
    return st;
}

fleet_status cmd_logout(fleet *f, const fleet_args *a) {
    return run_command(f, a, logout);
}

// ---- a lock's audit trail, taken in ------------------------------------------------
//
// An export the lock's service port gave (`service export audit`) is checked by
// the owner's tool (`ownerlock audit verify`: the MAC of every record and the
// seal over the range, under the owner's audit key) before anything of it is
// stored; the records then join the lock's trail here, and one that disagrees
// with a record already stored at its sequence number refuses the whole export.

// The owner's tool: $OWNERLOCK_TOOL, or `ownerlock` beside this program.
static void tool_path(char out[4096]) {
    const char *env = getenv("OWNERLOCK_TOOL");
    if (env != NULL && env[0] != '\0') {
        snprintf(out, 4096, "%s", env);
        return;
    }
    char self[4000];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    char *slash = strrchr(self, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    snprintf(out, 4096, "%s/ownerlock", slash != NULL ? self : ".");
}

// Runs `ownerlock audit verify --key KEY --csv CSV EXPORT`; FLEET_OK when it
// verified (its own message on standard error otherwise).
static fleet_status verify_export(const char *export, const char *key, const char *csv) {
    char tool[4096];
    tool_path(tool);
    pid_t pid = fork();
    if (pid < 0) {
        fleet_say("cannot start the owner's tool: %s", strerror(errno));
        return FLEET_SYSTEM;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, STDOUT_FILENO); // its report; its refusals stay on stderr
        }
        execl(tool, tool, "audit", "verify", "--key", key, "--csv", csv, export, (char *)NULL);
        fprintf(stderr, "ownerlock-fleet: cannot run %s: %s\n", tool, strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fleet_say("waiting for the owner's tool: %s", strerror(errno));
            return FLEET_SYSTEM;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
        fleet_say("the owner's tool (%s) did not run", tool);
        return FLEET_SYSTEM;
    }
    if (WEXITSTATUS(status) != 0) {
        fleet_say("%s: the owner's tool does not verify it: nothing stored", export);
        return FLEET_INPUT;
    }
    return FLEET_OK;
}

// One record of the tool's CSV: seq,time,kind,slot,arg (slot empty: none).
static bool csv_record(char *line, const char *field[5]) {
    size_t len = strlen(line);
    if (len == 0 || line[len - 1] != '\n') {
        return false;
    }
    line[len - 1] = '\0';
    for (int i = 0; i < 5; i++) {
        field[i] = line;
        char *comma = strchr(line, ',');
        if ((comma == NULL) != (i == 4)) {
            return false;
        }
        if (comma != NULL) {
            *comma = '\0';
            line = comma + 1;
        }
    }
    return true;
}

// *read: records read; *added: of them, not stored before.
static fleet_status take_records(fleet *f, const char *number, FILE *in, uint32_t *read,
                                 uint32_t *added) {
    char line[256];
    if (fgets(line, sizeof line, in) == NULL || strcmp(line, "seq,time,kind,slot,arg\n") != 0) {
        fleet_say("the owner's tool wrote no records (its CSV has no header)");
        return FLEET_SYSTEM;
    }
    while (fgets(line, sizeof line, in) != NULL) {
        const char *field[5];
        if (!csv_record(line, field)) {
            fleet_say("the owner's tool wrote a line this program cannot read");
            return FLEET_SYSTEM;
        }
        const char *p[] = {number,  field[0], field[1], field[2], field[3][0] ? field[3] : NULL,
                           field[4]};
        PGresult *r = db_run(f, "find the record",
                             "SELECT at = $3 AND kind = $4 AND slot IS NOT DISTINCT FROM "
                             "$5::smallint AND arg = $6::integer FROM fleet.audit "
                             "WHERE lock = $1 AND seq = $2",
                             6, p);
        if (r == NULL) {
            return FLEET_SYSTEM;
        }
        bool stored = PQntuples(r) == 1, same = stored && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
        PQclear(r);
        if (stored && !same) {
            fleet_say("record %s of lock %s differs from the one stored: nothing stored", field[0],
                      number);
            return FLEET_INPUT;
        }
        if (!stored) {
            fleet_status st = exec(f, "store the record",
                                   "INSERT INTO fleet.audit (lock, seq, at, kind, slot, arg) "
                                   "VALUES ($1, $2, $3, $4, $5, $6)",
                                   6, p);
            if (st != FLEET_OK) {
                return st;
            }
            ++*added;
        }
        ++*read;
    }
    return FLEET_OK;
}

static fleet_status audit_ingest(fleet *f, const fleet_args *a, text *reply) {
    uint32_t lock;
    fleet_status st = fleet_parse_lock(a->pos[0], &lock);
    if (st != FLEET_OK) {
        return st;
    }
    char number[12];
    snprintf(number, sizeof number, "%" PRIu32, lock);
    const char *p[] = {number};
    int found;
    st =
        count_rows(f, "find the lock", "SELECT 1 FROM fleet.locks WHERE number = $1", 1, p, &found);
    if (st != FLEET_OK) {
        return st;
    }
    if (!found) {
        fleet_say("no lock %s: nothing stored", number);
        return FLEET_INPUT;
    }
    char csv[] = "/tmp/ownerlock-fleet-audit.XXXXXX";
    int fd = mkstemp(csv);
    if (fd < 0) {
        fleet_say("a temporary file: %s", strerror(errno));
        return FLEET_SYSTEM;
    }
    close(fd);
    st = verify_export(a->pos[1], a->pos[2], csv);
    uint32_t read = 0, added = 0;
    FILE *in = st == FLEET_OK ? fopen(csv, "r") : NULL;
    if (st == FLEET_OK && in == NULL) {
        fleet_say("%s: %s", csv, strerror(errno));
        st = FLEET_SYSTEM;
    }
    if (in != NULL) {
        st = take_records(f, number, in, &read, &added);
        fclose(in);
    }
    unlink(csv);
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_add(&detail, "lock %s: %" PRIu32 " records verified, %" PRIu32 " new", number, read,
             added);
    st = record(f, "owner", "audit ingest", &detail);
    text_add(reply, "lock %s: %" PRIu32 " records verified, %" PRIu32 " new\n", number, read,
             added);
    return st;
}

fleet_status cmd_audit_ingest(fleet *f, const fleet_args *a) {
    return run_command(f, a, audit_ingest);
}
