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
#include "ownerlock/config.h"

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

bool fleet_parse_decimal(const char *s, unsigned max_digits, uint64_t max, uint64_t *out) {
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
    if (!fleet_parse_decimal(s, 10, UINT32_MAX, &v)) {
        fleet_say("lock number \"%s\": not a number 0..4294967295", s);
        return FLEET_INPUT;
    }
    *lock = (uint32_t)v;
    return FLEET_OK;
}

static fleet_status parse_id(const char *s, char out[24]) {
    uint64_t v;
    if (!fleet_parse_decimal(s, 18, UINT64_MAX, &v) || v == 0) {
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
    f->tries = (fleet_tries){0};
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

// A web login's name that is no dispatcher's: checked against a hash of a
// random password (as long as a dispatcher's check), counted, locked out and
// recorded as a dispatcher's name is, with the actor "web" and without the
// name (it may be a password typed in the wrong field): the same statements,
// so the same time.
static fleet_status unknown_name(fleet *f, const fleet_args *a, const text *purpose) {
    f->tries.unknown_name = true;
    limit_row t;
    fleet_status st = limit_read_unknown(f, a->as, &t);
    if (st == FLEET_OK && limit_locked_out(f, &t)) {
        text detail = *purpose;
        text_add(&detail, " (locked out until %s UTC)", f->tries.until);
        st = record(f, "web", "locked out", &detail);
    } else if (st == FLEET_OK) {
        bool never = vault_password_ok(a->unknown_hash, a->password);
        (void)never;
        st = limit_record_wrong(f, &t);
        if (st == FLEET_OK) {
            st = record(f, "web", "password refused", purpose);
        }
    }
    fleet_say("no dispatcher by the name given");
    return st == FLEET_OK ? FLEET_REFUSED : st;
}

// The --as dispatcher and his password (from standard input, or a web
// login's), under the limit on wrong passwords (limit.c): while his name is
// locked out no password is checked, and the try is refused and recorded; a
// wrong password is recorded, against the dispatcher named, with what it was
// for; a right one clears the count.
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
        if (a->unknown_hash != NULL) {
            return unknown_name(f, a, purpose);
        }
        fleet_say("no dispatcher named \"%s\"", a->as);
        return FLEET_INPUT;
    }
    snprintf(w->id, sizeof w->id, "%s", PQgetvalue(r, 0, 0));
    snprintf(w->actor, sizeof w->actor, "dispatcher:%s", a->as);
    w->admin = strcmp(PQgetvalue(r, 0, 1), "admin") == 0;
    if (a->session) {
        PQclear(r); // the session's login checked the password (cmd_login)
        return FLEET_OK;
    }
    char stored[crypto_pwhash_STRBYTES];
    snprintf(stored, sizeof stored, "%s", PQgetvalue(r, 0, 2));
    PQclear(r);
    limit_row t;
    fleet_status st = limit_read_dispatcher(f, w->id, &t);
    if (st != FLEET_OK) {
        return st;
    }
    if (limit_locked_out(f, &t)) {
        text detail = *purpose;
        text_add(&detail, " (locked out until %s UTC)", f->tries.until);
        st = record(f, w->actor, "locked out", &detail);
        fleet_say("dispatcher \"%s\" is locked out after %" PRId64 " wrong passwords in a row: "
                  "no password is checked for this name until %s UTC (in %" PRId64
                  " s): refused (recorded); the owner can end it sooner (dispatcher unlock)",
                  a->as, f->tries.wrong, f->tries.until, f->tries.seconds);
        return st == FLEET_OK ? FLEET_REFUSED : st;
    }
    if (!vault_password_ok(stored, a->password)) {
        st = limit_record_wrong(f, &t);
        if (st == FLEET_OK) {
            st = record(f, w->actor, "password refused", purpose);
        }
        if (f->tries.lockout_began) {
            fleet_say("wrong password for dispatcher \"%s\": refused (recorded); %" PRId64
                      " wrong in a row: no password is checked for this name until %s UTC "
                      "(in %" PRId64 " s)",
                      a->as, f->tries.wrong, f->tries.until, f->tries.seconds);
        } else {
            fleet_say("wrong password for dispatcher \"%s\": refused (recorded)", a->as);
        }
        return st == FLEET_OK ? FLEET_REFUSED : st;
    }
    return t.wrong > 0 ? limit_clear(f, &t) : FLEET_OK;
}

// A refusal after the dispatcher proved who he is: recorded, then refused.
static fleet_status refuse(fleet *f, const who *w, const text *detail, const char *why) {
    fleet_status st = record(f, w->actor, "refused", detail);
    fleet_say("%s: refused (recorded)", why);
    return st == FLEET_OK ? FLEET_REFUSED : st;
}

// ---- init -----------------------------------------------------------------------

fleet_status cmd_init(fleet *f) {
    fleet_status st = db_exec(f, "begin", "BEGIN", 0, NULL);
    if (st != FLEET_OK) {
        return st;
    }
    bool present;
    st = db_schema_present(f, &present);
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
        st = db_exec(f, "store the key check",
                     "INSERT INTO fleet.meta (version, key_check_nonce, key_check_tag)"
                     " VALUES (" FLEET_TEXT(FLEET_SCHEMA_VERSION) ", decode($1, 'hex'),"
                                                                  " decode($2, 'hex'))",
                     2, p);
    }
    if (st == FLEET_OK) {
        st = action_append(f, "owner", "init", "schema " FLEET_TEXT(FLEET_SCHEMA_VERSION));
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

static fleet_status upgrade(fleet *f, const fleet_args *a, text *reply) {
    (void)a;
    int version;
    fleet_status st = db_schema_version(f, &version);
    if (st != FLEET_OK) {
        return st;
    }
    if (version >= FLEET_SCHEMA_VERSION) {
        fleet_say("the fleet's schema is version %d already: nothing changed", version);
        return FLEET_INPUT;
    }
    st = version < 4 ? action_tags_began(f) : FLEET_OK;
    if (st == FLEET_OK) {
        st = db_upgrade_schema(f, version);
    }
    char head[65] = "";
    int tagged = 0;
    if (st == FLEET_OK && version < 4) {
        st = action_tag_untagged(f, head, &tagged);
    }
    if (st == FLEET_OK) {
        st = db_exec(f, "write the schema's version",
                     "UPDATE fleet.meta SET version = " FLEET_TEXT(FLEET_SCHEMA_VERSION), 0, NULL);
    }
    text detail = {0};
    text_add(&detail, "schema %d to %d", version, FLEET_SCHEMA_VERSION);
    if (st == FLEET_OK) {
        st = record(f, "owner", "upgrade", &detail);
    }
    text_add(reply, "the fleet's schema is now version %d (it was %d)\n", FLEET_SCHEMA_VERSION,
             version);
    if (head[0] != '\0') {
        text_add(reply,
                 "%d actions tagged with the owner's key, up to head %s: compare it with the "
                 "head you wrote down (log verify): a row added since is now vouched for\n",
                 tagged, head);
    }
    return st;
}

fleet_status cmd_upgrade(fleet *f) {
    fleet_args none = {0};
    return run_command(f, &none, upgrade);
}

// ---- locks ----------------------------------------------------------------------

// The row `sql` reads of the lock `arg` names ($1 its number, $2 `extra` if
// not NULL) into *row, the number in *lock and as text. FLEET_INPUT, said with
// `nothing` (what was not done), for a malformed number or a lock the fleet
// does not have.
static fleet_status lock_row(fleet *f, const char *arg, uint32_t *lock, char number[12],
                             const char *sql, const char *extra, const char *nothing,
                             PGresult **row) {
    fleet_status st = fleet_parse_lock(arg, lock);
    if (st != FLEET_OK) {
        return st;
    }
    snprintf(number, 12, "%" PRIu32, *lock);
    const char *p[] = {number, extra};
    PGresult *r = db_run(f, "find the lock", sql, extra != NULL ? 2 : 1, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        fleet_say("no lock %s in the fleet: %s", number, nothing);
        return FLEET_INPUT;
    }
    *row = r;
    return FLEET_OK;
}


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
    st = db_exec(f, "add the lock",
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

// The lock's counter, as it answered the provisioning (a lock whose counter a
// key of another's took past the fleet's): the fleet's goes up to it, and the
// floor with it (every counter below is used or dead at the lock). Never
// down: codes already shown would come back into the fleet's count.
// A counter typed in, the only way the fleet's goes up but by codes shown:
// for a fleet restored from a backup, behind its locks (a lock's receipt
// needs its safe open, and the safe a code the lock takes; the owner's copy of
// the action log says how far, `code shown`), and for a lock whose trail
// shows codes used that the fleet never showed (a receipt past the fleet's
// counter is refused: lock_receipt).
static fleet_status lock_counter(fleet *f, const fleet_args *a, text *reply) {
    uint32_t lock;
    uint64_t counter;
    // Not where a provisioning file may not go (FLEET_COUNTER_END).
    if (!fleet_parse_decimal(a->pos[1], 10, FLEET_COUNTER_END - 1, &counter)) {
        fleet_say("counter \"%s\": not a number 0..%u", a->pos[1], FLEET_COUNTER_END - 1);
        return FLEET_INPUT;
    }
    char number[12], counter_text[12];
    snprintf(counter_text, sizeof counter_text, "%" PRIu64, counter);
    PGresult *r;
    fleet_status st =
        lock_row(f, a->pos[0], &lock, number,
                 "SELECT next_counter FROM fleet.locks WHERE number = $1 FOR UPDATE", NULL,
                 "nothing changed", &r);
    if (st != FLEET_OK) {
        return st;
    }
    uint64_t next = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (counter <= next) {
        fleet_say("lock %s: the fleet's next counter is %" PRIu64 " already, and a counter "
                  "never goes down: nothing changed",
                  number, next);
        return FLEET_INPUT;
    }
    const char *p_set[] = {number, counter_text};
    st = db_exec(f, "raise the lock's counter",
                 "UPDATE fleet.locks SET next_counter = $2, floor = greatest(floor, $2)"
                 " WHERE number = $1",
                 2, p_set);
    text detail = {0};
    text_add(&detail, "lock %s counter %" PRIu64 " to %s", number, next, counter_text);
    if (st == FLEET_OK) {
        st = record(f, "owner", "lock counter", &detail);
    }
    text_add(reply, "lock %s: next counter %s (was %" PRIu64 ")\n", number, counter_text, next);
    return st;
}

fleet_status cmd_lock_counter(fleet *f, const fleet_args *a) {
    return run_command(f, a, lock_counter);
}

// The lock's receipt (docs/FLEET.md, "The receipt"): its answer to the
// provisioning, as the service tool shows it, whole.
#define RECEIPT_TEXT "ONE-TIME CODES ON"
#define RECEIPT_BYTES (2 + sizeof RECEIPT_TEXT - 1 + 4 + 32 + 16)

// What the lock said when its key was set: its next counter (the fleet's
// rises to it: codes below it are dead at the lock) and the identity its
// exports carry, under a tag by the lock's key, so that no one without the
// key makes one. The identity is pinned before any export is taken in; a
// new one starts the lock's next life (erased and set up again), only with
// the owner's --erased. An identity of an earlier life is refused, and one
// another lock holds is refused and recorded: one of the two locks' keys made
// a receipt for the other (a provisioning file kept: twenty-seventh outside
// evaluation, lock A's key and lock B's identity made B's trail A's). Whoever
// holds the key can make a receipt: a counter past the fleet's is refused
// (the twenty-seventh and twenty-eighth: one at the last counter, then one
// just past the lock's look-ahead, left the lock no code the fleet could give,
// for good); an honest lock is never past it unless codes the fleet never
// showed were used at it, which its trail shows, and then the owner raises
// the fleet's counter (lock counter). One below the floor is warned of (used
// codes open such a lock again).
static fleet_status lock_receipt(fleet *f, const fleet_args *a, text *reply) {
    uint32_t lock;
    uint8_t receipt[RECEIPT_BYTES];
    if (hex_decode(receipt, sizeof receipt, a->pos[1]) != 0 || receipt[0] != 0 ||
        receipt[1] != sizeof RECEIPT_TEXT - 1 ||
        memcmp(receipt + 2, RECEIPT_TEXT, sizeof RECEIPT_TEXT - 1) != 0) {
        fleet_say("\"%.20s...\" is not a lock's receipt (%zu hex digits: the answer to the "
                  "provisioning, `otc` ... receipt, whole): nothing changed",
                  a->pos[1], 2 * sizeof receipt);
        return FLEET_INPUT;
    }
    const uint8_t *body_end = receipt + sizeof receipt - 16;
    uint64_t counter = (uint64_t)body_end[-36] | (uint64_t)body_end[-35] << 8 |
                       (uint64_t)body_end[-34] << 16 | (uint64_t)body_end[-33] << 24;
    char number[12], counter_text[24], identity[65];
    snprintf(counter_text, sizeof counter_text, "%" PRIu64, counter);
    hex_encode(identity, body_end - 32, 32);
    PGresult *r;
    fleet_status st =
        lock_row(f, a->pos[0], &lock, number,
                 "SELECT encode(key_nonce, 'hex'), encode(key_box, 'hex'), next_counter,"
                 " (SELECT coalesce(max(life), 0) FROM fleet.identities WHERE lock = $1),"
                 " (SELECT lock FROM fleet.identities WHERE identity = $2),"
                 " (SELECT life FROM fleet.identities WHERE identity = $2),"
                 " coalesce(encode(next_key_nonce, 'hex'), ''),"
                 " coalesce(encode(next_key_box, 'hex'), ''), floor"
                 " FROM fleet.locks WHERE number = $1 FOR UPDATE",
                 identity, "nothing changed", &r);
    if (st != FLEET_OK) {
        return st;
    }
    // Under the key the fleet computes codes with, or under the lock's next
    // (lock provision): then the lock took it, and it is the lock's key now.
    uint8_t key[OL_OTC_KEY_BYTES], tag[crypto_auth_hmacsha256_BYTES];
    bool by_next = false;
    st = vault_open_otc_key(f, lock, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), key);
    if (st == FLEET_OK) {
        crypto_auth_hmacsha256(tag, receipt, (size_t)(body_end - receipt), key);
    }
    if (st == FLEET_OK && sodium_memcmp(tag, body_end, 16) != 0 && PQgetvalue(r, 0, 6)[0] != '\0') {
        st = vault_open_otc_key(f, lock, PQgetvalue(r, 0, 6), PQgetvalue(r, 0, 7), key);
        if (st == FLEET_OK) {
            crypto_auth_hmacsha256(tag, receipt, (size_t)(body_end - receipt), key);
            by_next = true;
        }
    }
    sodium_memzero(key, sizeof key);
    uint64_t next = strtoull(PQgetvalue(r, 0, 2), NULL, 10);
    uint64_t floor = strtoull(PQgetvalue(r, 0, 8), NULL, 10);
    unsigned life = (unsigned)strtoul(PQgetvalue(r, 0, 3), NULL, 10);
    bool known = !PQgetisnull(r, 0, 4);
    char holder[12] = "", held_life[12] = "";
    if (known) {
        snprintf(holder, sizeof holder, "%s", PQgetvalue(r, 0, 4));
        snprintf(held_life, sizeof held_life, "%s", PQgetvalue(r, 0, 5));
    }
    PQclear(r);
    if (st != FLEET_OK) {
        return st;
    }
    if (sodium_memcmp(tag, body_end, 16) != 0) {
        fleet_say("the receipt does not verify under lock %s's key (another lock's receipt, "
                  "one of a file the lock did not take, or one from before the lock's key "
                  "changed): nothing changed",
                  number);
        return FLEET_INPUT;
    }
    text detail = {0};
    if (known && strcmp(holder, number) != 0) {
        fleet_say("the receipt verifies under lock %s's key, but its identity %.16s... is lock "
                  "%s's: one of the two locks' keys made a receipt for the other (a "
                  "provisioning file kept and used); refused, and recorded",
                  number, identity, holder);
        text_add(&detail, "lock receipt: lock %s's key, lock %s's identity %s", number, holder,
                 identity);
        st = record(f, "owner", "refused", &detail);
        return st == FLEET_OK ? FLEET_REFUSED : st;
    }
    if (counter > next) {
        fleet_say("the receipt says lock %s's next counter is %s, past the fleet's (%" PRIu64
                  "): codes the fleet never showed were used at it (a provisioning file kept), "
                  "or the receipt was made with a kept key; take its trail in (audit ingest: "
                  "its warnings name the openings no dispatch explains), then raise the "
                  "fleet's counter if it shows them (lock counter): nothing changed",
                  number, counter_text, next);
        return FLEET_INPUT;
    }
    if (!known && life > 0 && !a->erased) {
        fleet_say("the receipt's identity %.16s... is not lock %s's (its life %u): a lock "
                  "erased and set up again has a new one; if lock %s was, take the receipt in "
                  "with --erased: nothing changed",
                  identity, number, life, number);
        return FLEET_INPUT;
    }
    if (known && strtoul(held_life, NULL, 10) != life) {
        fleet_say("the receipt is of lock %s's life %s, before it was set up again (its life "
                  "now is %u): nothing changed",
                  number, held_life, life);
        return FLEET_INPUT;
    }
    char life_text[12];
    snprintf(life_text, sizeof life_text, "%u", known ? life : life + 1);
    const char *p_id[] = {number, identity, life_text};
    if (!known) {
        st = db_exec(f, "pin the lock's identity",
                     "INSERT INTO fleet.identities (identity, lock, life, since)"
                     " VALUES ($2, $1, $3, now())",
                     3, p_id);
    }
    const char *p_set[] = {number, counter_text};
    if (st == FLEET_OK && by_next) { // its releases from the lock's counter on
        st = db_exec(f, "make the next key the lock's",
                     "UPDATE fleet.locks SET key_nonce = next_key_nonce, key_box = next_key_box,"
                     " next_key_nonce = NULL, next_key_box = NULL,"
                     " key_from = greatest(next_counter, $2) WHERE number = $1",
                     2, p_set);
    }
    text_add(&detail, "lock %s counter %s (the fleet's %" PRIu64 ") identity %s life %s%s%s",
             number, counter_text, next, identity, life_text, known ? "" : " new",
             by_next ? " next key" : "");
    bool below = counter < floor;
    if (below) {
        text_add(&detail, ", below the floor %" PRIu64, floor);
    }
    if (st == FLEET_OK) {
        st = record(f, "owner", "lock receipt", &detail);
    }
    if (st != FLEET_OK) {
        return st;
    }
    text_add(reply, "lock %s: the receipt verifies%s; the lock's next counter %s (the fleet's is %" PRIu64 ")\n",
             number, by_next ? " under the lock's next key, its key from now on" : "",
             counter_text, next);
    if (below) {
        text_add(reply,
                 "WARNING: lock %s's next counter %s is below %" PRIu64 ", under which the "
                 "fleet holds every counter used or dead: the codes of those used open it "
                 "again. Provision it again with the fleet's file (lock provision: its counter "
                 "raises the lock's), and find out who set it up with an old one\n",
                 number, counter_text, floor);
    }
    if (!known && life == 0) {
        text_add(reply, "lock %s: its exports carry identity %s: only they are taken in as its\n",
                 number, identity);
    } else if (!known) {
        text_add(reply,
                 "lock %s: a new identity, %s: the lock was erased and set up again; its "
                 "exports from now on are its life %s, their records apart (the records of "
                 "its life %u are kept)\n",
                 number, identity, life_text, life);
    }
    return FLEET_OK;
}

fleet_status cmd_lock_receipt(fleet *f, const fleet_args *a) {
    return run_command(f, a, lock_receipt);
}

// The zone of the lock's clock (the user manual: a manager sets it to local
// time, *08): the trail's times are read in it (twenty-sixth outside
// evaluation: read as UTC, a lock east of UTC had hours of slack, one west of
// it had every honest opening warned of).
static fleet_status lock_zone(fleet *f, const fleet_args *a, text *reply) {
    uint32_t lock;
    char number[12];
    PGresult *r;
    fleet_status st = lock_row(f, a->pos[0], &lock, number,
                               "SELECT clock_zone, EXISTS (SELECT 1 FROM pg_timezone_names"
                               " WHERE name = $2 AND name <> 'localtime' AND name NOT LIKE"
                               " 'posix%'), (SELECT utc_offset::text FROM pg_timezone_names"
                               " WHERE name = $2) FROM fleet.locks WHERE number = $1 FOR UPDATE",
                               a->pos[1], "nothing changed", &r);
    if (st != FLEET_OK) {
        return st;
    }
    const char *p[] = {number, a->pos[1]};
    char was[64], offset[32];
    snprintf(was, sizeof was, "%s", PQgetvalue(r, 0, 0));
    snprintf(offset, sizeof offset, "%s", PQgetvalue(r, 0, 2));
    bool known = row_true(r, 0, 1);
    PQclear(r);
    if (!known) {
        fleet_say("\"%.64s\" is no time zone PostgreSQL knows (an IANA name, such as "
                  "Europe/Zurich or UTC; not the server's localtime): nothing changed",
                  a->pos[1]);
        return FLEET_INPUT;
    }
    st = db_exec(f, "set the lock's zone", "UPDATE fleet.locks SET clock_zone = $2 WHERE number = $1",
                 2, p);
    text detail = {0};
    text_add(&detail, "lock %s zone %s (was %s)", number, a->pos[1], was);
    if (st == FLEET_OK) {
        st = record(f, "owner", "lock zone", &detail);
    }
    text_add(reply, "lock %s: its clock's times are read in %s, UTC%s%s now (was %s)\n", number,
             a->pos[1], offset[0] == '-' ? "" : "+", offset, was);
    return st;
}

fleet_status cmd_lock_zone(fleet *f, const fleet_args *a) {
    return run_command(f, a, lock_zone);
}

// The provisioning file (docs/FLEET.md, "Provisioning file"): three lines.
#define PROVISION_MAGIC "ownerlock otc provisioning 1"

fleet_status cmd_lock_provision(fleet *f, const fleet_args *a) {
    uint32_t lock;
    const char *path = a->pos[1];
    char number[12];
    fleet_status st = db_begin(f);
    if (st != FLEET_OK) {
        return st;
    }
    PGresult *r;
    st = lock_row(f, a->pos[0], &lock, number,
                  "SELECT encode(key_nonce, 'hex'), encode(key_box, 'hex'),"
                  " EXISTS (SELECT 1 FROM fleet.dispatches d WHERE d.lock = l.number"
                  "   AND d.purpose = 'release' AND d.counter >= l.key_from),"
                  " EXISTS (SELECT 1 FROM fleet.dispatches d WHERE d.lock = l.number"
                  "   AND d.purpose = 'release' AND d.counter >= l.key_from"
                  "   AND d.sealed_at IS NOT NULL), next_counter,"
                  " coalesce(encode(next_key_nonce, 'hex'), ''),"
                  " coalesce(encode(next_key_box, 'hex'), '')"
                  " FROM fleet.locks l WHERE number = $1 FOR UPDATE",
                  NULL, "nothing written", &r);
    if (st != FLEET_OK) {
        db_rollback(f);
        return st;
    }
    const char *p[] = {number};
    // A released lock gets a new key (its counters go on at the lock: the
    // lock's count is not the key's), and only once its trail shows the
    // release used: a lock still holding the old key refuses another
    // (RELEASE FIRST). Until then the file holds the key the lock has
    // (twenty-fourth outside evaluation: a refusal here, with the release not
    // used, left a lock nothing could provision). The new key is the lock's
    // next, the same in every file, and its codes are computed with it only
    // once the lock's receipt shows it took it (lock_receipt): a file never
    // set, or refused, leaves the fleet's codes as the lock computes them.
    // The file carries the fleet's next counter: the lock's rises to it, so a
    // lock erased and set up again takes no code issued before.
    bool releasing = row_true(r, 0, 2), released = row_true(r, 0, 3);
    char next_counter[12];
    snprintf(next_counter, sizeof next_counter, "%s", PQgetvalue(r, 0, 4));
    // The lock's counter only rises to the file's, and it takes none from
    // FLEET_COUNTER_END on: past it, the last it takes (twenty-seventh outside
    // evaluation: refusing the file there left a released lock no new key).
    if (strtoull(next_counter, NULL, 10) >= FLEET_COUNTER_END) {
        snprintf(next_counter, sizeof next_counter, "%u", FLEET_COUNTER_END - 1);
    }
    char nonce[FLEET_NONCE_HEX], box[FLEET_KEY_BOX_HEX];
    bool next_key = released && PQgetvalue(r, 0, 5)[0] != '\0';
    snprintf(nonce, sizeof nonce, "%s", PQgetvalue(r, 0, next_key ? 5 : 0));
    snprintf(box, sizeof box, "%s", PQgetvalue(r, 0, next_key ? 6 : 1));
    PQclear(r);
    if (released && !next_key) {
        st = vault_new_otc_key(f, lock, nonce, box);
        const char *p_key[] = {number, nonce, box};
        if (st == FLEET_OK) {
            st = db_exec(f, "keep the lock's next key",
                         "UPDATE fleet.locks SET next_key_nonce = decode($2, 'hex'),"
                         " next_key_box = decode($3, 'hex') WHERE number = $1",
                         3, p_key);
        }
        if (st != FLEET_OK) {
            db_rollback(f);
            return st;
        }
    }
    uint8_t key[OL_OTC_KEY_BYTES];
    st = vault_open_otc_key(f, lock, nonce, box, key);
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
    text_add(&detail, "lock %s%s file ", number, released ? " new key" : "");
    text_quoted(&detail, path);
    st = db_exec(f, "count the provisioning",
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
        char file[sizeof PROVISION_MAGIC + 24 + sizeof hex + 8 + 24];
        hex_encode(hex, key, sizeof key);
        int n = snprintf(file, sizeof file, "%s\nlock %s\nkey %s\ncounter %s\n", PROVISION_MAGIC,
                         number, hex, next_counter);
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
    if (released) {
        printf("lock %s: the file holds the lock's next key; the fleet's codes are computed "
               "with it once the lock's receipt is taken in (lock receipt)\n",
               number);
    }
    if (releasing && !released) {
        printf("lock %s: a release code is out and the lock's trail does not show it used: "
               "the file holds the key the lock has; a new key once the trail, taken in "
               "(audit ingest), shows the release\n",
               number);
    }
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
    st = db_exec(f, "add the person", "INSERT INTO fleet.people (name) VALUES ($1)", 1, p);
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
    if (!fleet_parse_decimal(a->pos[2], 2, FLEET_SLOTS - 1, &slot)) {
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
    st = db_exec(f, "set the slot",
                 "INSERT INTO fleet.slots (person, lock, slot) VALUES ($1, $2, $3)", 3, p);
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
    st = db_exec(f, "add the dispatcher",
                 "INSERT INTO fleet.dispatchers (name, role, password_hash) VALUES ($1, $2, $3)", 3,
                 p);
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

static fleet_status dispatcher_unlock(fleet *f, const fleet_args *a, text *reply) {
    fleet_status st = fleet_check_name("dispatcher's name", a->pos[0]);
    if (st != FLEET_OK) {
        return st;
    }
    const char *p[] = {a->pos[0]};
    PGresult *r =
        db_run(f, "find the dispatcher", "SELECT id FROM fleet.dispatchers WHERE name = $1", 1, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        fleet_say("no dispatcher named \"%s\": nothing changed", a->pos[0]);
        return FLEET_INPUT;
    }
    limit_row t;
    st = limit_read_dispatcher(f, PQgetvalue(r, 0, 0), &t);
    PQclear(r);
    if (st != FLEET_OK) {
        return st;
    }
    if (t.wrong == 0) {
        fleet_say("dispatcher \"%s\" has no wrong passwords to forget: nothing changed", a->pos[0]);
        return FLEET_INPUT;
    }
    bool was_locked = limit_locked_out(f, &t);
    st = limit_clear(f, &t);
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_quoted(&detail, a->pos[0]);
    text_add(&detail, " after %" PRId64 " wrong passwords%s", t.wrong,
             was_locked ? ", locked out" : "");
    st = record(f, "owner", "dispatcher unlock", &detail);
    text_add(reply, "dispatcher \"%s\": %" PRId64 " wrong passwords forgotten%s\n", a->pos[0],
             t.wrong, was_locked ? "; the lockout is over" : "");
    return st;
}

fleet_status cmd_dispatcher_unlock(fleet *f, const fleet_args *a) {
    return run_command(f, a, dispatcher_unlock);
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
    // Off takes two admins, each asking (twenty-third outside evaluation: one
    // admin turned it off, dispatched alone and turned it on again); on, one.
    const char *p_asked[] = {w.id};
    PGresult *r = db_run(f, "read the setting",
                         "SELECT (SELECT value FROM fleet.settings WHERE name = 'dual-dispatch'),"
                         " (SELECT value FROM fleet.settings WHERE name = 'dual-dispatch off by')"
                         "   IS NOT DISTINCT FROM $1",
                         1, p_asked);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    bool is_on = strcmp(PQgetvalue(r, 0, 0), "on") == 0, asked_by_me = row_true(r, 0, 1);
    int asked = 0;
    PQclear(r);
    st = count_rows(f, "read the setting",
                    "SELECT 1 FROM fleet.settings WHERE name = 'dual-dispatch off by'", 0, NULL,
                    &asked);
    if (st == FLEET_OK) {
        st = db_exec(f, "change the setting",
                     "DELETE FROM fleet.settings WHERE name = 'dual-dispatch off by'", 0, NULL);
    }
    if (st != FLEET_OK) {
        return st;
    }
    if (strcmp(value, "off") == 0 && is_on && (!asked || asked_by_me)) {
        st = db_exec(f, "change the setting",
                     "INSERT INTO fleet.settings VALUES ('dual-dispatch off by', $1)", 1, p_asked);
        text_add(&detail, " asked");
        if (st == FLEET_OK) {
            st = record(f, w.actor, "setting", &detail);
        }
        text_add(reply, "dual dispatch stays on until another admin asks for it off too\n");
        return st;
    }
    const char *p[] = {value};
    st = db_exec(f, "change the setting",
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

// A code's digits into the reply ("code DDDDDDDD") and the result.
static void add_code(fleet *f, text *reply, bool release, uint32_t lock, uint32_t counter,
                     uint8_t slot, const uint8_t key[OL_OTC_KEY_BYTES]) {
    uint8_t d[OL_OTC_CODE_DIGITS];
    char digits[OL_OTC_CODE_DIGITS + 1];
    (release ? ol_otc_release : ol_otc_code)(d, key, lock, counter, slot);
    for (int i = 0; i < OL_OTC_CODE_DIGITS; i++) {
        digits[i] = (char)('0' + d[i]);
    }
    digits[OL_OTC_CODE_DIGITS] = '\0';
    text_add(reply, "%s %s\n", release ? "release code" : "code", digits);
    memcpy(f->result.code, digits, sizeof digits);
    sodium_memzero(d, sizeof d);
    sodium_memzero(digits, sizeof digits);
}

// Every counter under the newest one closed (sealed, or shown used by the
// lock's trail) is used or dead at the lock: the floor rises to it.
static fleet_status raise_floor(fleet *f, const char *number) {
    const char *p[] = {number};
    return db_exec(
        f, "raise the lock's floor",
        "UPDATE fleet.locks SET floor = greatest(floor, (SELECT coalesce(max(counter) + 1,"
        " 0) FROM fleet.dispatches WHERE lock = $1 AND sealed_at IS NOT NULL))"
        " WHERE number = $1",
        1, p);
}

// A release out on lock `number`: its code shown and still in the lock's
// reach (at or above the floor). One at a time (twenty-fifth outside
// evaluation: eight filled the lock's look-ahead, and no code to open it could
// be issued; a lost one is shown again, reissue), checked when one is asked
// for and when its code is shown: one asked for and never shown holds no
// counter and blocks none (twenty-seventh: one approved and never fetched
// blocked every release after it, for good), nor does one below the floor,
// dead since the lock used a later counter (twenty-sixth). FLEET_INPUT, said.
static fleet_status no_release_out(fleet *f, const char *number) {
    const char *p[] = {number};
    PGresult *r = db_run(f, "find a release out",
                         "SELECT d.id FROM fleet.dispatches d JOIN fleet.locks l"
                         " ON l.number = d.lock WHERE d.lock = $1 AND d.purpose = 'release'"
                         " AND d.sealed_at IS NULL AND d.counter >= l.floor",
                         1, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    fleet_status st = FLEET_OK;
    if (PQntuples(r) > 0) {
        fleet_say("lock %s has a release out (dispatch %s): one at a time; a lost one is "
                  "shown again (reissue): nothing changed",
                  number, PQgetvalue(r, 0, 0));
        st = FLEET_INPUT;
    }
    PQclear(r);
    return st;
}

// The code of dispatch `id` is shown now: it takes the lock's next counter,
// recorded, then its digits go into the reply. Counters are taken only here,
// so a dispatch waiting for approval holds none, and never past what the lock
// can take: it accepts OL_OTC_LOOKAHEAD counters from the oldest it has not
// used, at or above floor (twenty-third outside evaluation: eight
// dispatches left unapproved put every later code out of the lock's reach,
// for good). Codes out and lost: the owner shows one again (`reissue`).
static fleet_status show_code(fleet *f, const who *w, const char *id, bool release, uint32_t lock,
                              uint8_t slot, const char *key_nonce, const char *key_box,
                              text *reply) {
    char number[12];
    snprintf(number, sizeof number, "%" PRIu32, lock);
    const char *p_lock[] = {number};
    PGresult *r = db_run(f, "take the lock's counter",
                         "SELECT next_counter, floor FROM fleet.locks l WHERE number = $1"
                         " FOR UPDATE",
                         1, p_lock);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    uint64_t next = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    uint64_t floor = strtoull(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    uint64_t limit = floor + OL_OTC_LOOKAHEAD;
    if (release) {
        fleet_status out = no_release_out(f, number);
        if (out != FLEET_OK) {
            return out;
        }
    }
    if (next >= UINT32_MAX) { // the lock takes none at the last counter
        fleet_say("lock %s has issued its last counter: nothing changed", number);
        return FLEET_INPUT;
    }
    if (next >= limit) {
        fleet_say("lock %s: %u codes are out with no seal after them, and the lock takes a "
                  "code only up to %u past the oldest it has not used; enter a seal (or take "
                  "the lock's audit trail in) first, or the owner shows one of them again "
                  "(reissue): nothing changed",
                  number, (unsigned)(next - floor), OL_OTC_LOOKAHEAD - 1u);
        return FLEET_INPUT;
    }
    char counter_text[12];
    snprintf(counter_text, sizeof counter_text, "%" PRIu64, next);
    const char *p_shown[] = {counter_text, id, number};
    fleet_status st = db_exec(f, "advance the counter",
                              "UPDATE fleet.locks SET next_counter = next_counter + 1"
                              " WHERE number = $1",
                              1, p_lock);
    if (st == FLEET_OK) {
        // What of the lock's trail the fleet holds now: the code's use comes
        // after it (twenty-fourth outside evaluation: an old export's record of
        // the counter 65,536 before closed this one).
        // In the lock's life now (a receipt pins it), or a later one.
        st = db_exec(f, "record the code shown",
                     "UPDATE fleet.dispatches d SET counter = $1, code_shown_at = now(),"
                     " shown_life = n.life, shown_after_seq = (SELECT coalesce(max(seq), 0)"
                     "   FROM fleet.audit WHERE lock = $3 AND life = n.life)"
                     " FROM (SELECT coalesce(max(life), 0) AS life FROM fleet.identities"
                     "   WHERE lock = $3) n WHERE d.id = $2",
                     3, p_shown);
    }
    text shown = {0};
    text_add(&shown, "dispatch %s counter %s", id, counter_text);
    if (st == FLEET_OK) {
        st = record(f, w->actor, "code shown", &shown);
    }
    uint8_t key[OL_OTC_KEY_BYTES];
    if (st == FLEET_OK) {
        st = vault_open_otc_key(f, lock, key_nonce, key_box, key);
    }
    if (st == FLEET_OK) {
        snprintf(f->result.dispatch, sizeof f->result.dispatch, "%s", id);
        text_add(reply, "dispatch %s: lock %s, slot %u, counter %s\n", id, number, (unsigned)slot,
                 counter_text);
        add_code(f, reply, release, lock, (uint32_t)next, slot, key);
    }
    sodium_memzero(key, sizeof key);
    return st;
}

// A release for `slot` on lock `number` may be asked for: none out, and a
// manager's slot only: it is typed in a service session, which only a manager
// opens (twenty-fourth outside evaluation: one for slot 2 could never be).
static fleet_status may_release(fleet *f, const char *number, const char *person, uint8_t slot) {
    fleet_status st = no_release_out(f, number);
    if (st == FLEET_OK && slot > 1) {
        fleet_say("a release code is typed in a service session, which a manager opens (slot 00 "
                  "or 01); \"%s\" has slot %u on lock %s: nothing changed",
                  person, (unsigned)slot, number);
        st = FLEET_INPUT;
    }
    return st;
}

// `dispatch` and `release`: a dispatch for a person's slot on a lock, shown
// at once without dual dispatch.
static fleet_status dispatch_for(fleet *f, const fleet_args *a, text *reply, bool release) {
    const char *kind = release ? "release" : "dispatch";
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
    text_add(&purpose, "%s lock %s person ", kind, number);
    text_quoted(&purpose, a->pos[1]);
    who w;
    st = authenticate(f, a, &purpose, &w);
    if (st != FLEET_OK) {
        return st;
    }
    const char *p_lock[] = {number};
    PGresult *lr = db_run(f, "find the lock",
                          "SELECT encode(key_nonce, 'hex'), encode(key_box, 'hex')"
                          " FROM fleet.locks WHERE number = $1",
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
    uint8_t slot = (uint8_t)row_u32(sr, 0, 1);
    st = release ? may_release(f, number, a->pos[1], slot) : FLEET_OK;
    if (st != FLEET_OK) {
        PQclear(sr);
        PQclear(lr);
        return st;
    }
    char person[24], slot_text[4];
    snprintf(person, sizeof person, "%s", PQgetvalue(sr, 0, 0));
    snprintf(slot_text, sizeof slot_text, "%u", (unsigned)slot);
    PQclear(sr);

    const char *p_ins[] = {number, person,           slot_text,
                           w.id,   dual ? "t" : "f", release ? "release" : "open"};
    PGresult *ir = db_run(f, "record the dispatch",
                          "INSERT INTO fleet.dispatches (lock, person, slot, requested_by,"
                          " requested_at, needs_approval, purpose)"
                          " VALUES ($1, $2, $3, $4, now(), $5, $6) RETURNING id",
                          6, p_ins);
    if (ir == NULL) {
        PQclear(lr);
        return FLEET_SYSTEM;
    }
    char id[24];
    snprintf(id, sizeof id, "%s", PQgetvalue(ir, 0, 0));
    PQclear(ir);
    text detail = {0};
    text_add(&detail, "%s %s lock %s person ", kind, id, number);
    text_quoted(&detail, a->pos[1]);
    text_add(&detail, " slot %s%s", slot_text, dual ? " awaiting approval" : "");
    st = record(f, w.actor, kind, &detail);
    snprintf(f->result.dispatch, sizeof f->result.dispatch, "%s", id);
    f->result.awaiting_approval = dual;
    if (st == FLEET_OK && dual) {
        text_add(reply, "%s %s: lock %s, ", kind, id, number);
        text_quoted(reply, a->pos[1]);
        text_add(reply,
                 " (slot %s)\nwaiting for approval by another dispatcher: approve %s --as "
                 "OTHER\n",
                 slot_text, id);
    } else if (st == FLEET_OK) {
        st = show_code(f, &w, id, release, lock, slot, PQgetvalue(lr, 0, 0), PQgetvalue(lr, 0, 1),
                       reply);
    }
    PQclear(lr);
    return st;
}

static fleet_status dispatch(fleet *f, const fleet_args *a, text *reply) {
    return dispatch_for(f, a, reply, false);
}

static fleet_status release(fleet *f, const fleet_args *a, text *reply) {
    return dispatch_for(f, a, reply, true);
}

fleet_status cmd_dispatch(fleet *f, const fleet_args *a) {
    return run_command(f, a, dispatch);
}

fleet_status cmd_release(fleet *f, const fleet_args *a) {
    return run_command(f, a, release);
}

// One dispatch and its lock's sealed key, its row locked to the commit.
typedef struct dispatch_row {
    char id[24];
    uint32_t lock, counter;
    uint8_t slot;
    char requested_by[24]; // the dispatcher's id
    char requester[FLEET_NAME_MAX + 1];
    bool needs_approval, approved, code_shown, sealed, release;
    bool dead; // its counter below the floor: used or dead at the lock
    char key_nonce[FLEET_NONCE_HEX], key_box[FLEET_KEY_BOX_HEX];
} dispatch_row;

static fleet_status load_dispatch(fleet *f, const char *id, dispatch_row *d) {
    const char *p[] = {id};
    PGresult *r = db_run(f, "find the dispatch",
                         "SELECT d.lock, d.counter, d.slot, d.requested_by, r.name,"
                         " d.needs_approval, d.approved_by IS NOT NULL,"
                         " d.code_shown_at IS NOT NULL, d.sealed_at IS NOT NULL,"
                         " encode(l.key_nonce, 'hex'), encode(l.key_box, 'hex'),"
                         " d.purpose = 'release', d.counter < l.floor"
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
    d->release = row_true(r, 0, 11);
    d->dead = row_true(r, 0, 12);
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
    st = db_exec(f, "record the approval",
                 "UPDATE fleet.dispatches SET approved_by = $1, approved_at = now() WHERE id = $2",
                 2, p);
    if (st == FLEET_OK) {
        st = record(f, w.actor, "approve", &detail);
    }
    snprintf(f->result.dispatch, sizeof f->result.dispatch, "%s", id);
    text_add(reply, "%s %s approved; its code: code %s --as ", d.release ? "release" : "dispatch",
             id, id);
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
    return show_code(f, &w, id, d.release, d.lock, d.slot, d.key_nonce, d.key_box, reply);
}

fleet_status cmd_code(fleet *f, const fleet_args *a) {
    return run_command(f, a, code);
}

// The owner shows an open dispatch's code again: the way out when every code
// the lock can still take was shown and lost (a dispatcher alone, without
// dual dispatch, could otherwise put a lock out of reach by asking for eight
// and keeping them). Recorded; the code is the dispatch's, its counter unchanged.
static fleet_status reissue(fleet *f, const fleet_args *a, text *reply) {
    char id[24];
    fleet_status st = parse_id(a->pos[0], id);
    dispatch_row d;
    if (st == FLEET_OK) {
        st = load_dispatch(f, id, &d);
    }
    if (st != FLEET_OK) {
        return st;
    }
    if (!d.code_shown || d.sealed || d.dead) {
        fleet_say("dispatch %s: %s: nothing changed", id,
                  d.sealed  ? "it is closed"
                  : d.dead  ? "its code is dead at the lock (a later counter was used there)"
                            : "its code was never shown (code, after the approval)");
        return FLEET_INPUT;
    }
    uint8_t key[OL_OTC_KEY_BYTES];
    st = vault_open_otc_key(f, d.lock, d.key_nonce, d.key_box, key);
    text detail = {0};
    text_add(&detail, "dispatch %s counter %" PRIu32, id, d.counter);
    if (st == FLEET_OK) {
        st = record(f, "owner", "code reissued", &detail);
    }
    if (st == FLEET_OK) {
        snprintf(f->result.dispatch, sizeof f->result.dispatch, "%s", id);
        text_add(reply, "dispatch %s: lock %" PRIu32 ", slot %u, counter %" PRIu32 " (again)\n", id,
                 d.lock, (unsigned)d.slot, d.counter);
        add_code(f, reply, d.release, d.lock, d.counter, d.slot, key);
    }
    sodium_memzero(key, sizeof key);
    return st;
}

fleet_status cmd_reissue(fleet *f, const fleet_args *a) {
    return run_command(f, a, reissue);
}

#define SEAL_WRONG_MAX 5

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
    if (n != sizeof d || (d[0] == '0' && d[1] == '0')) {
        // kk counts the close itself: 01 to 99 (a lock shows 99 for more).
        fleet_say("seal \"%s\": not kk-MMMM-MMMM or kkMMMMMMMM (kk 01 to 99, as the lock shows "
                  "it)",
                  s);
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
    if (d.release) {
        fleet_say("dispatch %s is a release: the lock shows no seal for it; take its audit "
                  "trail in (audit ingest) to close it",
                  id);
        return FLEET_INPUT;
    }
    if (d.sealed) {
        fleet_say("dispatch %s is closed already: nothing changed", id);
        return FLEET_INPUT;
    }
    // Each wrong seal is a guess at eight digits: a dispatch takes
    // SEAL_WRONG_MAX, then none (odds of forging its close: 5 in 10^8). Its
    // row is locked, so two at once count each other.
    const char *p_wrong[] = {id};
    PGresult *r = db_run(f, "count the wrong seals",
                         "SELECT count(*) FROM fleet.seal_entries WHERE dispatch = $1 AND NOT ok",
                         1, p_wrong);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    uint32_t wrong_seals = row_u32(r, 0, 0);
    PQclear(r);
    if (wrong_seals >= SEAL_WRONG_MAX) {
        char why[256];
        snprintf(why, sizeof why,
                 "dispatch %s took %d wrong seals, the most it takes: it stays open, and the "
                 "lock's exported audit trail (audit ingest) says whether it was closed",
                 id, SEAL_WRONG_MAX);
        return refuse(f, &w, &detail, why);
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
    st = db_exec(f, "record the seal",
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
    st = db_exec(f, "close the dispatch",
                 "UPDATE fleet.dispatches SET sealed_at = now(), seal_records = $1 WHERE id = $2",
                 2, p_close);
    if (st == FLEET_OK) {
        st = record(f, w.actor, "seal ok", &detail);
    }
    if (st == FLEET_OK) {
        char number[12];
        snprintf(number, sizeof number, "%" PRIu32, d.lock);
        st = raise_floor(f, number);
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

// The open ones are few among a fleet's million closed ones: their own query,
// so that the planner takes the partial index of open dispatches.
#define DISPATCHES_LISTED                                                                          \
    "SELECT d.id, d.lock, p.name, d.slot, coalesce(d.counter::text, '-'), r.name,"                 \
    " coalesce(v.name, '-'), to_char(d.requested_at, 'YYYY-MM-DD HH24:MI:SS'),"                    \
    " CASE WHEN d.purpose = 'release' THEN 'release: ' ELSE '' END ||"                             \
    " CASE WHEN d.purpose = 'release' AND d.sealed_at IS NOT NULL"                                 \
    "      THEN 'used (audit record ' || d.closed_by_audit || ')'"                                 \
    "      WHEN d.closed_by_audit IS NOT NULL THEN 'closed by the audit trail (record '"           \
    "           || d.closed_by_audit || '), seal ' || lpad(d.seal_records::text, 2, '0')"          \
    "      WHEN d.sealed_at IS NOT NULL AND d.seal_records = 1 THEN 'closed, seal 01'"             \
    "      WHEN d.sealed_at IS NOT NULL THEN 'closed, seal ' || lpad(d.seal_records::text, 2,"     \
    "           '0') || ': something else happened'"                                               \
    "      WHEN d.needs_approval AND d.approved_by IS NULL THEN 'awaiting approval'"               \
    "      WHEN d.code_shown_at IS NULL THEN 'approved, code not shown'"                           \
    "      WHEN d.counter < l.floor THEN 'open, its code dead at the lock (a later one used)'"      \
    "      ELSE 'open' END"                                                                        \
    " FROM fleet.dispatches d"                                                                     \
    " JOIN fleet.locks l ON l.number = d.lock"                                                     \
    " JOIN fleet.people p ON p.id = d.person"                                                      \
    " JOIN fleet.dispatchers r ON r.id = d.requested_by"                                           \
    " LEFT JOIN fleet.dispatchers v ON v.id = d.approved_by"

PGresult *fleet_query_dispatches(fleet *f, bool open) {
    return db_run(f, "list the dispatches",
                  open ? DISPATCHES_LISTED " WHERE d.sealed_at IS NULL ORDER BY d.id"
                       : DISPATCHES_LISTED " ORDER BY d.id",
                  0, NULL);
}

PGresult *fleet_query_locks(fleet *f, const char *search, int64_t after, unsigned limit) {
    char after_text[24], limit_text[12];
    snprintf(after_text, sizeof after_text, "%" PRId64, after);
    snprintf(limit_text, sizeof limit_text, "%u", limit);
    const char *p[] = {after_text, search, limit_text};
    // By the primary key from `after` on, until `limit` match: a page costs
    // its own locks, not the fleet's. strpos, not LIKE: a search for % or _
    // is for those characters.
    return db_run(f, "list the locks",
                  "WITH page AS (SELECT number, name, next_counter FROM fleet.locks"
                  "   WHERE number > $1::bigint AND ($2::text = ''"
                  "     OR strpos(lower(name), lower($2::text)) > 0"
                  "     OR strpos(number::text, $2::text) > 0)"
                  "   ORDER BY number LIMIT $3::integer)"
                  " SELECT l.number, l.name, l.next_counter, p.name, s.slot FROM page l"
                  " LEFT JOIN fleet.slots s ON s.lock = l.number"
                  " LEFT JOIN fleet.people p ON p.id = s.person ORDER BY l.number, s.slot",
                  3, p);
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

// Runs `ownerlock audit verify --key KEY --csv CSV --json JSON EXPORT`;
// FLEET_OK when it verified (its own message on standard error otherwise).
static fleet_status verify_export(const char *export, const char *key, const char *csv,
                                  const char *json) {
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
        execl(tool, tool, "audit", "verify", "--key", key, "--csv", csv, "--json", json, export,
              (char *)NULL);
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
static fleet_status take_records(fleet *f, const char *number, const char *life, FILE *in,
                                 uint32_t *read, uint32_t *added) {
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
        const char *p[] = {number,   field[0], field[1], field[2], field[3][0] ? field[3] : NULL,
                           field[4], life};
        PGresult *r = db_run(f, "find the record",
                             "SELECT at = $3 AND kind = $4 AND slot IS NOT DISTINCT FROM "
                             "$5::smallint AND arg = $6::integer FROM fleet.audit "
                             "WHERE lock = $1 AND life = $7 AND seq = $2",
                             7, p);
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
            fleet_status st = db_exec(f, "store the record",
                                      "INSERT INTO fleet.audit (lock, seq, at, kind, slot, arg,"
                                      " life) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                      7, p);
            if (st != FLEET_OK) {
                return st;
            }
            ++*added;
        }
        ++*read;
    }
    return FLEET_OK;
}

// A record `o` of the code of dispatch `d` used after the code was shown, by
// the lock's clock in its zone (within 10 minutes of the service's): not a
// code computed from a kept file before its dispatch (twenty-fifth outside
// evaluation: a manager opened alone with it, then asked for a dispatch of
// the same counter, which the trail closed). A lock's clock is set by a
// manager (*08), and every setting is a record the ingest points out.
#define USED_AFTER_SHOWN                                                                           \
    "(o.at <> 'lost' AND (o.at::timestamp AT TIME ZONE l.clock_zone)"                             \
    "   >= d.code_shown_at - interval '10 minutes')"
// ... unless the clock was set in between: a setting after the records stored
// when the code was shown and before the use, in one-time code mode (after
// the lock's provisioning, a service record 16384: a lock's clock is set when
// it is set up), and by its own time no more than a day before the code was
// shown. Then the use's time is a manager's word, and only the seal closes
// the dispatch (twenty-sixth outside evaluation: the clock set forward, then
// an opening by a code from a kept file, closed a dispatch shown hours
// later; the twenty-seventh: an honest setting days before made openings
// suspect; the twenty-eighth: one set forward to just before the dispatch
// passed). A clock set fast at the installation shows as records dated ahead
// at the next ingest.
#define CLOCK_SET_BETWEEN                                                                          \
    "EXISTS (SELECT 1 FROM fleet.audit k WHERE k.lock = o.lock AND k.life = o.life"               \
    "   AND k.kind = 'clock_set' AND k.seq < o.seq"                                              \
    "   AND (k.life, k.seq) > (d.shown_life, coalesce(d.shown_after_seq, 0))"                    \
    "   AND EXISTS (SELECT 1 FROM fleet.audit v WHERE v.lock = o.lock AND v.life = o.life"        \
    "     AND v.kind = 'service' AND v.arg = 16384 AND v.seq < k.seq)"                           \
    "   AND (k.at = 'lost' OR (k.at::timestamp AT TIME ZONE l.clock_zone)"                       \
    "     >= d.code_shown_at - interval '1 day'))"

// What the lock's trail, verified, says of the dispatches: a one-time code
// used (its record carries the counter's low 16 bits) and a close seal after
// it closes an open dispatch with the seal's count (so a seal lost or never
// typed, and the first code of two under dual control, are closed by the
// trail); a release code used and one-time codes off at the next record
// closes a release. The counter is the dispatch's among the last 65,536 the
// lock was issued; the record is newer than those stored when the code was
// shown: in that life of the lock, or in a later one. *closed: how many.
static fleet_status close_from_trail(fleet *f, const char *number, int *closed) {
    const char *p[] = {number};
    PGresult *r = db_run(
        f, "close dispatches from the trail",
        "UPDATE fleet.dispatches d SET sealed_at = now(),"
        " seal_records = CASE WHEN d.purpose = 'open' THEN c.arg END, closed_by_audit = c.seq"
        " FROM fleet.locks l, fleet.audit o CROSS JOIN LATERAL ("
        "   SELECT s.seq, s.arg, s.kind FROM fleet.audit s"
        "   WHERE s.lock = o.lock AND s.life = o.life AND s.seq > o.seq AND (s.kind = 'close_seal'"
        "     OR (s.seq = o.seq + 1 AND s.kind = 'service' AND s.arg = 16640))"
        "   ORDER BY s.seq LIMIT 1) c"
        " WHERE l.number = $1 AND o.lock = $1 AND d.lock = $1 AND o.kind = 'one_time_code'"
        " AND d.sealed_at IS NULL AND d.counter IS NOT NULL AND d.counter % 65536 = o.arg"
        " AND d.slot = o.slot AND (o.life, o.seq) > (d.shown_life, coalesce(d.shown_after_seq, 0))"
        " AND d.counter >= l.next_counter - 65536"
        " AND (c.kind = 'close_seal') = (d.purpose = 'open') AND " USED_AFTER_SHOWN
        " AND NOT " CLOCK_SET_BETWEEN
        " RETURNING d.id",
        1, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    *closed = PQntuples(r);
    PQclear(r);
    return raise_floor(f, number);
}

// The lock's identity (64 hex digits: its key the export is sealed to) from
// the tool's JSON, which begins {"lock":"...".
static bool export_identity(const char *json, char out[65]) {
    FILE *in = fopen(json, "r");
    char head[80] = "";
    size_t n = in != NULL ? fread(head, 1, sizeof head - 1, in) : 0;
    if (in != NULL) {
        fclose(in);
    }
    head[n] = '\0';
    if (strncmp(head, "{\"lock\":\"", 9) != 0 || strlen(head) < 9 + 64 || head[9 + 64] != '"') {
        return false;
    }
    memcpy(out, head + 9, 64);
    out[64] = '\0';
    return strspn(out, "0123456789abcdef") == 64;
}

// One-time codes the trail shows used that no dispatch of this fleet explains
// (its counter's low bits and slot): an opening the fleet did not issue, with
// a key that left it (a provisioning file kept). Records of `life` after
// `after`.
static fleet_status unexplained(fleet *f, const char *number, const char *life, const char *after,
                                text *reply, text *detail, int *count) {
    const char *p[] = {number, after, life};
    PGresult *r = db_run(f, "find openings no dispatch explains",
                         "SELECT o.seq, coalesce(o.slot::text, '-'), o.arg FROM fleet.audit o"
                         " JOIN fleet.locks l ON l.number = o.lock"
                         " WHERE o.lock = $1 AND o.life = $3 AND o.kind = 'one_time_code'"
                         " AND o.seq > $2 AND NOT EXISTS (SELECT 1 FROM fleet.dispatches d WHERE d.lock = $1"
                         "   AND d.counter % 65536 = o.arg AND d.slot = o.slot"
                         "   AND d.counter >= l.next_counter - 65536)"
                         " ORDER BY o.seq",
                         3, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    *count = PQntuples(r);
    for (int i = 0; i < *count; i++) {
        text_add(reply,
                 "WARNING: record %s: a one-time code used (slot %s, counter's low bits %s) "
                 "that no dispatch of this fleet explains\n",
                 PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
    }
    if (*count > 0) {
        text_add(detail, ", %d one-time codes used that no dispatch explains (first: record %s)",
                 *count, PQgetvalue(r, 0, 0));
    }
    PQclear(r);
    // A code used before the fleet showed it (by the lock's clock), and the
    // lock's clock set: what the times above rest on.
    r = db_run(f, "find codes used before they were shown",
               "SELECT o.seq, d.id, o.at, " USED_AFTER_SHOWN " FROM fleet.audit o"
               " JOIN fleet.locks l ON l.number = o.lock"
               " JOIN fleet.dispatches d ON d.lock = o.lock AND d.counter % 65536 = o.arg"
               "   AND d.slot = o.slot AND d.counter >= l.next_counter - 65536"
               " WHERE o.lock = $1 AND o.life = $3 AND o.kind = 'one_time_code' AND o.seq > $2"
               " AND (NOT " USED_AFTER_SHOWN " OR " CLOCK_SET_BETWEEN ") ORDER BY o.seq",
               3, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        bool lost = strcmp(PQgetvalue(r, i, 2), "lost") == 0;
        text_add(reply,
                 "WARNING: record %s: the code of dispatch %s used %s%s, %s: a code computed "
                 "from the key, not dispatched? The trail does not close the dispatch; its "
                 "seal does\n",
                 PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), lost ? "with the lock's clock lost" : "at ",
                 lost ? "" : PQgetvalue(r, i, 2),
                 lost ? "so the fleet cannot tell when"
                 : row_true(r, i, 3) ? "with the lock's clock set since the code was shown "
                                       "(a setting's time is a manager's word: a daylight-"
                                       "saving change, a correction, or a kept key's cover)"
                                     : "by the lock's clock before the fleet showed it");
    }
    if (PQntuples(r) > 0) {
        text_add(detail, ", %d codes used before they were shown (first: record %s)", PQntuples(r),
                 PQgetvalue(r, 0, 0));
        *count += PQntuples(r);
    }
    PQclear(r);
    r = db_run(f, "find the clock set",
               "SELECT seq FROM fleet.audit WHERE lock = $1 AND life = $3 AND kind = 'clock_set'"
               " AND seq > $2 ORDER BY seq",
               3, p);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        text_add(reply,
                 "note: record %s: the lock's clock was set (its times are a manager's "
                 "word from there)\n",
                 PQgetvalue(r, i, 0));
    }
    PQclear(r);
    return FLEET_OK;
}

static fleet_status audit_ingest(fleet *f, const fleet_args *a, text *reply) {
    uint32_t lock;
    char number[12];
    PGresult *lr;
    fleet_status st = lock_row(f, a->pos[0], &lock, number,
                               "SELECT 1 FROM fleet.locks WHERE number = $1 FOR UPDATE", NULL,
                               "nothing stored", &lr);
    if (st != FLEET_OK) {
        return st;
    }
    PQclear(lr);
    char csv[] = "/tmp/ownerlock-fleet-audit.XXXXXX", json[] = "/tmp/ownerlock-fleet-json.XXXXXX";
    int fd = mkstemp(csv), fd2 = fd >= 0 ? mkstemp(json) : -1;
    if (fd < 0 || fd2 < 0) {
        fleet_say("a temporary file: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(csv);
        }
        return FLEET_SYSTEM;
    }
    close(fd);
    close(fd2);
    st = verify_export(a->pos[1], a->pos[2], csv, json);
    // Which lock, and which of its lives, the export is of: its identity, as
    // the lock's receipt pinned it (lock_receipt).
    char identity[65] = "";
    if (st == FLEET_OK && !export_identity(json, identity)) {
        fleet_say("the owner's tool wrote no lock identity this program can read");
        st = FLEET_SYSTEM;
    }
    unlink(json);
    char life[12] = "", stored_to[24] = "";
    if (st == FLEET_OK) {
        const char *p_id[] = {identity};
        PGresult *r = db_run(f, "find the identity",
                             "SELECT i.lock, i.life, (SELECT coalesce(max(seq), 0) FROM fleet.audit"
                             " WHERE lock = i.lock AND life = i.life) FROM fleet.identities i"
                             " WHERE i.identity = $1",
                             1, p_id);
        if (r == NULL) {
            st = FLEET_SYSTEM;
        } else if (PQntuples(r) != 1) {
            fleet_say("%s carries the identity %.16s..., which no receipt of lock %s pinned: "
                      "take in the receipt of its provisioning first (lock receipt): nothing "
                      "stored",
                      a->pos[1], identity, number);
            st = FLEET_INPUT;
        } else if (strcmp(PQgetvalue(r, 0, 0), number) != 0) {
            fleet_say("%s is an export of lock %s (its identity %.16s...): nothing stored",
                      a->pos[1], PQgetvalue(r, 0, 0), identity);
            st = FLEET_INPUT;
        } else {
            snprintf(life, sizeof life, "%s", PQgetvalue(r, 0, 1));
            snprintf(stored_to, sizeof stored_to, "%s", PQgetvalue(r, 0, 2));
        }
        PQclear(r);
    }
    if (st != FLEET_OK) {
        unlink(csv);
        return st;
    }
    uint32_t read = 0, added = 0;
    FILE *in = st == FLEET_OK ? fopen(csv, "r") : NULL;
    if (st == FLEET_OK && in == NULL) {
        fleet_say("%s: %s", csv, strerror(errno));
        st = FLEET_SYSTEM;
    }
    if (in != NULL) {
        st = take_records(f, number, life, in, &read, &added);
        fclose(in);
    }
    unlink(csv);
    // Records dated after now: the lock's clock is fast, and its times say
    // nothing of when a code was used; the trail closes nothing this time
    // (twenty-seventh outside evaluation: set three hours fast, it took an
    // opening before a dispatch for one after it).
    int closed = 0, strays = 0, ahead = 0;
    char first_ahead[24] = "";
    if (st == FLEET_OK) {
        const char *p_new[] = {number, life, stored_to};
        PGresult *fr = db_run(f, "find records dated ahead",
                              "SELECT count(*), coalesce(min(o.seq)::text, '') FROM fleet.audit o"
                              " JOIN fleet.locks l ON l.number = o.lock WHERE o.lock = $1"
                              " AND o.life = $2 AND o.seq > $3 AND o.at <> 'lost'"
                              " AND (o.at::timestamp AT TIME ZONE l.clock_zone)"
                              "   > now() + interval '10 minutes'",
                              3, p_new);
        if (fr == NULL) {
            st = FLEET_SYSTEM;
        } else {
            ahead = atoi(PQgetvalue(fr, 0, 0));
            snprintf(first_ahead, sizeof first_ahead, "%s", PQgetvalue(fr, 0, 1));
            PQclear(fr);
        }
    }
    if (st == FLEET_OK && ahead == 0) {
        st = close_from_trail(f, number, &closed);
    }
    if (st != FLEET_OK) {
        return st;
    }
    text detail = {0};
    text_add(&detail,
             "lock %s life %s: %" PRIu32 " records verified, %" PRIu32 " new, %d dispatches closed",
             number, life, read, added, closed);
    text_add(reply,
             "lock %s: %" PRIu32 " records verified, %" PRIu32 " new; %d dispatches closed by "
             "the trail\n",
             number, read, added, closed);
    if (ahead > 0) {
        text_add(reply,
                 "WARNING: %d records from record %s on are dated after now: lock %s's clock "
                 "is fast, or set in another zone than the fleet reads it in (lock zone); the "
                 "trail closes nothing this time\n",
                 ahead, first_ahead, number);
        text_add(&detail, ", %d records dated ahead (first: record %s)", ahead, first_ahead);
    }
    st = unexplained(f, number, life, stored_to, reply, &detail, &strays);
    if (st == FLEET_OK) {
        st = record(f, "owner", "audit ingest", &detail);
    }
    return st;
}

fleet_status cmd_audit_ingest(fleet *f, const fleet_args *a) {
    return run_command(f, a, audit_ingest);
}
