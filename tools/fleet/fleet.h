// ownerlock-fleet — the owner's fleet service for one-time codes and close
// seals (docs/FLEET.md), on PostgreSQL. What its files share:
//
//   main.c      the command line, the environment, exit statuses
//   db.c        the connection, parameterised queries, transactions, schema
//   actions.c   the append-only, hash-chained table of the service's actions
//   vault.c     the owner's key, OTC keys sealed at rest, passwords, hex
//   limit.c     the limit on wrong passwords: lockouts that double
//   commands.c  one function per command
//   audit_view.c  a lock's stored audit trail as the owner's audit report
//
// Every function that can fail returns a fleet_status and has said why on
// standard error before it returns; the caller passes it up and adds nothing.
#ifndef OWNERLOCK_FLEET_H
#define OWNERLOCK_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "audit_report.h"
#include "ownerlock/otc.h"

#define FLEET_MUST_CHECK __attribute__((warn_unused_result))

// Also the program's exit statuses.
typedef enum fleet_status {
    FLEET_OK = 0,
    FLEET_SYSTEM = 1,  // the database, a file, the randomness: nothing the input did
    FLEET_INPUT = 2,   // usage or input error, or a state that forbids it: nothing changed
    FLEET_REFUSED = 3, // refused, and the refusal recorded (a wrong password or seal,
                       // a dispatcher approving his own); or `log verify` found a break
} fleet_status;

#define FLEET_KEK_BYTES 32
#define FLEET_NAME_MAX 100        // bytes of a lock's, person's or dispatcher's name
#define FLEET_PASSWORD_MAX 256    // bytes of a password
#define FLEET_PASSWORD_MIN 8      // bytes of a new password
#define FLEET_SLOTS 32            // a person's code slot on a lock: 0..31
#define FLEET_SEAL_NONCE_BYTES 24 // XChaCha20-Poly1305
#define FLEET_SEAL_TAG_BYTES 16
#define FLEET_KEY_BOX_BYTES (OL_OTC_KEY_BYTES + FLEET_SEAL_TAG_BYTES)

#define FLEET_REPLY_MAX 1024
// A lock refuses a provisioning file's counter from here on (docs/FLEET.md):
// the counters after it stay its own, to use.
#define FLEET_COUNTER_END 0xFF000000u

// The database's format: `init` makes this one; `upgrade` takes an older one to it.
#define FLEET_SCHEMA_VERSION 4
// A number macro's value as text, for SQL written at compile time.
#define FLEET_TEXT(x) FLEET_TEXT_(x)
#define FLEET_TEXT_(x) #x

// The limit on wrong passwords (limit.c; docs/FLEET.md, "Wrong passwords").
#define FLEET_WRONG_FREE 5         // wrong passwords in a row before the first lockout
#define FLEET_LOCKOUT_FIRST_S 60   // the first lockout; each wrong password after one doubles it
#define FLEET_LOCKOUT_MAX_S 3600   // the longest
#define FLEET_WRONG_FORGET "1 day" // a count is forgotten this long after its last wrong password
#define FLEET_NAME_TAG_BYTES 32    // a keyed hash of a name that is no dispatcher's
#define FLEET_NAME_TAG_HEX (2 * FLEET_NAME_TAG_BYTES + 1)

// The listing of locks, a page at a time (GET /api/locks).
#define FLEET_LOCKS_PAGE 100     // locks in a page unless `limit` says otherwise
#define FLEET_LOCKS_PAGE_MAX 500 // the most a page holds

// What a writing command gives a caller other than the command line (the
// HTTP service, serve.c): set only when the command's transaction committed.
typedef struct fleet_result {
    char dispatch[24];                 // the dispatch made or acted on
    char code[OL_OTC_CODE_DIGITS + 1]; // the one-time code to show, once; "" if none
    bool awaiting_approval;            // a dual dispatch, not approved yet
    int seal_records;                  // a valid seal's kk; -1 if none
    char role[16];                     // `login`: the dispatcher's role
} fleet_result;

// What the limit on wrong passwords decided in the last password check
// (limit.c). The HTTP service words a login's answer from it alone, so that
// the answer is the same for a dispatcher's name and for any other.
typedef struct fleet_tries {
    bool unknown_name;  // a web login's name is no dispatcher's (checked and counted as one)
    bool locked_out;    // refused without a check: the name is locked out
    bool lockout_began; // this wrong password locked the name out
    int64_t wrong;      // wrong passwords in a row, this one included
    int64_t seconds;    // from now to the lockout's end (rounded up)
    char until[24];     // the lockout's end, "YYYY-MM-DD HH:MM:SS" (UTC)
} fleet_tries;

typedef struct fleet {
    PGconn *db;
    bool have_kek;
    uint8_t kek[FLEET_KEK_BYTES]; // the owner's key-encryption key; wiped at exit
    // false: a command's reply goes to standard output (the command line);
    // true: into `reply` and `result`, which the caller wipes after use.
    bool keep_reply;
    char reply[FLEET_REPLY_MAX];
    fleet_result result;
    fleet_tries tries;
} fleet;

// ---- main.c -------------------------------------------------------------------
// "ownerlock-fleet: " and the text on standard error.
void fleet_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// From now on, also keep the first thing said in buf (NUL-terminated), and
// when quiet say it there only; NULL stops. The HTTP service sends it as a
// request's error. Nothing secret is ever said.
void fleet_say_capture(char *buf, size_t len, bool quiet);

// ---- db.c ---------------------------------------------------------------------
FLEET_MUST_CHECK fleet_status db_connect(fleet *f, const char *conninfo);
void db_close(fleet *f);
// Runs one statement with text parameters (NULL for SQL NULL). Returns its
// result when its status is PGRES_COMMAND_OK or PGRES_TUPLES_OK, else says
// the server's message under `what` and returns NULL. PQclear the result.
FLEET_MUST_CHECK PGresult *db_run(fleet *f, const char *what, const char *sql, int n,
                                  const char *const *params);
// db_run for a statement whose result the caller does not need.
FLEET_MUST_CHECK fleet_status db_exec(fleet *f, const char *what, const char *sql, int n,
                                      const char *const *params);
// BEGIN, then the lock on the action table that makes every writing command
// run alone (the chain's next row and the lock counters are read, then written).
FLEET_MUST_CHECK fleet_status db_begin(fleet *f);
FLEET_MUST_CHECK fleet_status db_commit(fleet *f);
void db_rollback(fleet *f);
// True when the schema is there (`init` has run).
FLEET_MUST_CHECK fleet_status db_schema_present(fleet *f, bool *present);
// The version `init` or `upgrade` wrote into fleet.meta.
FLEET_MUST_CHECK fleet_status db_schema_version(fleet *f, int *version);
// Creates the schema, FLEET_SCHEMA_VERSION, inside the caller's transaction.
FLEET_MUST_CHECK fleet_status db_create_schema(fleet *f);
// Takes the schema from version `from` to FLEET_SCHEMA_VERSION, inside the
// caller's transaction (fleet.meta's version is the caller's to write).
FLEET_MUST_CHECK fleet_status db_upgrade_schema(fleet *f, int from);
// Runs a query expected to return exactly one row; *out is its result.
FLEET_MUST_CHECK fleet_status db_one_row(fleet *f, const char *what, const char *sql, int n,
                                         const char *const *params, PGresult **out);

// ---- actions.c ----------------------------------------------------------------
// Appends one action to the chain (inside the caller's transaction).
// `actor` is "owner" or "dispatcher:NAME".
FLEET_MUST_CHECK fleet_status action_append(fleet *f, const char *actor, const char *kind,
                                            const char *detail);
// Verifies the whole chain (with the owner's key loaded, every row's tag
// too); prints the count and head hash, or the first broken row.
// FLEET_REFUSED when broken.
FLEET_MUST_CHECK fleet_status action_verify(fleet *f);
// FLEET_INPUT, said, when the chain says its tags began (an init or upgrade
// to schema 4 or later): an upgrade to 4 of such a database is refused.
FLEET_MUST_CHECK fleet_status action_tags_began(fleet *f);
// Tags the rows written before tags were (`upgrade` to schema 4), the chain
// checked first (FLEET_INPUT, said, when broken); *rows and head_hex: what it
// vouched for.
FLEET_MUST_CHECK fleet_status action_tag_untagged(fleet *f, char head_hex[65], int *rows);

// ---- vault.c ------------------------------------------------------------------
// Reads the owner's key from the file named by OWNERLOCK_FLEET_KEY.
FLEET_MUST_CHECK fleet_status vault_load_kek(fleet *f);
// The key check `init` stores (a box of nothing under the owner's key), and
// its verification by every other command that uses the key.
#define FLEET_NONCE_HEX (2 * FLEET_SEAL_NONCE_BYTES + 1)
#define FLEET_TAG_HEX (2 * FLEET_SEAL_TAG_BYTES + 1)
#define FLEET_KEY_BOX_HEX (2 * FLEET_KEY_BOX_BYTES + 1)
FLEET_MUST_CHECK fleet_status vault_make_check(const fleet *f, char nonce_hex[FLEET_NONCE_HEX],
                                               char tag_hex[FLEET_TAG_HEX]);
FLEET_MUST_CHECK fleet_status vault_verify_check(const fleet *f, const char *nonce_hex,
                                                 const char *tag_hex);
// A new OTC key for `lock`, sealed under the owner's key with the lock
// number authenticated: nonce and box as hex for the database.
FLEET_MUST_CHECK fleet_status vault_new_otc_key(const fleet *f, uint32_t lock,
                                                char nonce_hex[FLEET_NONCE_HEX],
                                                char box_hex[FLEET_KEY_BOX_HEX]);
// Opens a lock's sealed OTC key. The caller wipes `key` with sodium_memzero.
FLEET_MUST_CHECK fleet_status vault_open_otc_key(const fleet *f, uint32_t lock,
                                                 const char *nonce_hex, const char *box_hex,
                                                 uint8_t key[OL_OTC_KEY_BYTES]);
// Reads dispatcher `name`'s password from standard input (one line; on a
// terminal, a prompt and no echo).
FLEET_MUST_CHECK fleet_status vault_read_password(char pw[FLEET_PASSWORD_MAX + 1],
                                                  const char *name);
// Argon2id string (crypto_pwhash_str) of a new password.
FLEET_MUST_CHECK fleet_status vault_hash_password(char *out, size_t out_len, const char *pw);
// True when pw is the password whose crypto_pwhash_str is `stored`.
FLEET_MUST_CHECK bool vault_password_ok(const char *stored, const char *pw);
// A name that is no dispatcher's, as the limit on wrong passwords keeps it:
// a keyed hash under a key derived from the owner's, so that the database
// never holds it in clear (it may be a password typed in the wrong field).
FLEET_MUST_CHECK fleet_status vault_name_tag(const fleet *f, const char *name,
                                             char tag_hex[FLEET_NAME_TAG_HEX]);
// The action chain's tag of a row's hash: HMAC-SHA256 under a key derived from
// the owner's (actions.c).
FLEET_MUST_CHECK fleet_status vault_action_tag(const fleet *f, const uint8_t hash[32],
                                               uint8_t tag[32]);
void hex_encode(char *out, const uint8_t *in, size_t len);
// Exactly 2 * len hex digits into out; -1 else.
FLEET_MUST_CHECK int hex_decode(uint8_t *out, size_t len, const char *hex);

// ---- limit.c ------------------------------------------------------------------
// One name's wrong passwords, as read: its row stays locked to the commit.
typedef struct limit_row {
    bool dispatcher;               // a dispatcher's row; else a name that is no one's
    char key[FLEET_NAME_TAG_HEX];  // the dispatcher's id, or the name's tag (hex)
    int64_t wrong;                 // wrong passwords in a row, not forgotten
    int64_t last_wrong_us, now_us; // the last one's time and the transaction's (since 1970)
} limit_row;
FLEET_MUST_CHECK fleet_status limit_read_dispatcher(fleet *f, const char *id, limit_row *t);
// A web login's name that is no dispatcher's (needs the owner's key).
FLEET_MUST_CHECK fleet_status limit_read_unknown(fleet *f, const char *name, limit_row *t);
// True, with f->tries' lockout filled in, when no password may be checked
// for the name now.
FLEET_MUST_CHECK bool limit_locked_out(fleet *f, const limit_row *t);
// Counts a wrong password (and says in f->tries whether it began a lockout).
FLEET_MUST_CHECK fleet_status limit_record_wrong(fleet *f, limit_row *t);
// A right password, or the owner's `dispatcher unlock`: the count is 0.
FLEET_MUST_CHECK fleet_status limit_clear(fleet *f, const limit_row *t);

// ---- commands.c ---------------------------------------------------------------
typedef struct fleet_args {
    const char *pos[4]; // positionals after the command word(s)
    int npos;
    const char *as;       // --as NAME, or NULL
    bool open;            // --open
    bool erased;          // --erased
    const char *password; // read from standard input, for the commands that take one
    // A web login: a name that is no dispatcher's is checked against this
    // hash (as slow as a dispatcher's) and counted as a dispatcher's is.
    const char *unknown_hash;
    // The HTTP service only: `as` was authenticated by a session whose login
    // checked the password (cmd_login); no password with this request.
    bool session;
    const char *listen; // serve: --listen ADDRESS:PORT
    const char *idle;   // serve: --idle SECONDS
    const char *origin; // serve: --origin URL (a TLS proxy's), else http://LISTEN
} fleet_args;

// A lock number, 0..4294967295 in decimal and nothing else.
FLEET_MUST_CHECK fleet_status fleet_parse_lock(const char *s, uint32_t *lock);
// A name a person, lock or dispatcher may have: 1..FLEET_NAME_MAX bytes of
// UTF-8, no control character, no space at either end.
FLEET_MUST_CHECK fleet_status fleet_check_name(const char *what, const char *name);
// 1..max_digits decimal digits, at most max; false else.
FLEET_MUST_CHECK bool fleet_parse_decimal(const char *s, unsigned max_digits, uint64_t max,
                                          uint64_t *out);

FLEET_MUST_CHECK fleet_status cmd_init(fleet *f);
FLEET_MUST_CHECK fleet_status cmd_lock_add(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_lock_provision(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_person_add(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_person_slot(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_dispatcher_add(fleet *f, const fleet_args *a);
// The owner ends a dispatcher's lockout (and forgets his wrong passwords).
FLEET_MUST_CHECK fleet_status cmd_dispatcher_unlock(fleet *f, const fleet_args *a);
// Takes an older database to FLEET_SCHEMA_VERSION.
FLEET_MUST_CHECK fleet_status cmd_upgrade(fleet *f);
FLEET_MUST_CHECK fleet_status cmd_setting(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_lock_counter(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_lock_receipt(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_lock_zone(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_dispatch(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_release(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_reissue(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_approve(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_code(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_seal(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_dispatches(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_log_verify(fleet *f);
// A lock's exported audit trail, verified by the owner's tool, then stored.
FLEET_MUST_CHECK fleet_status cmd_audit_ingest(fleet *f, const fleet_args *a);
// The HTTP service's login and logout: `as` and its password (login), or a
// session (logout); both recorded, a wrong password too.
FLEET_MUST_CHECK fleet_status cmd_login(fleet *f, const fleet_args *a);
FLEET_MUST_CHECK fleet_status cmd_logout(fleet *f, const fleet_args *a);
// The listings' queries, one for each caller: rows of id, lock, person, slot,
// counter, asked by, approved by (or "-"), asked at (UTC), state.
FLEET_MUST_CHECK PGresult *fleet_query_dispatches(fleet *f, bool open);
// A page of locks: those numbered above `after` (-1: from the first) whose
// name, or number in decimal, holds `search` ("": every lock), at most
// `limit` of them, by number. Rows of lock number, lock name, next counter,
// then a person with a slot on it and the slot (both NULL for a lock with
// none), by lock and slot.
FLEET_MUST_CHECK PGresult *fleet_query_locks(fleet *f, const char *search, int64_t after,
                                             unsigned limit);

// ---- audit_view.c -------------------------------------------------------------
// A lock's stored audit trail (fleet.audit) as the owner's audit report: its
// newest FLEET_AUDIT_VIEW_RECORDS records, which the report says: what every
// lock's ring keeps at least (OL_AUDIT_MIN_EVENTS), so a whole export of a
// lock with the smallest ring. The trail stored grows with every export; a
// report of all of it would grow without end.
#define FLEET_AUDIT_VIEW_RECORDS 4096

typedef struct fleet_audit_view {
    uint32_t lock;
    char name[FLEET_NAME_MAX + 1];
    unsigned life;              // the lock's newest life with records (lock_receipt)
    uint64_t stored;            // the lock's records of that life in fleet.audit
    size_t shown;               // of them, in the report: the newest
    uint32_t first, last;       // the oldest and the newest shown
    uint64_t missing;           // numbers between them with no record stored
    bool empty;                 // FLEET_INPUT: the lock has no record stored
    audit_report_totals totals; // openings, wrong codes, ... of those shown
    text_buffer html;           // the report; the caller frees it (text_free)
} fleet_audit_view;

// The report of lock `lock` (its number as text, checked here) in `form`.
// FLEET_INPUT, said, for a malformed number, a lock the fleet does not have,
// or one with no record stored (view->empty); FLEET_SYSTEM for the database
// or a record stored that the owner's tool could not have written.
FLEET_MUST_CHECK fleet_status fleet_audit_report(fleet *f, const char *lock, audit_report_form form,
                                                 fleet_audit_view *view);
// `audit report LOCK FILE`: the report as a page of its own into FILE.
FLEET_MUST_CHECK fleet_status cmd_audit_report(fleet *f, const fleet_args *a);

// ---- json.c -------------------------------------------------------------------
typedef struct json_out {
    char *s; // NUL-terminated; wiped by json_free
    size_t len, cap;
    bool failed; // out of memory: s is incomplete
} json_out;
void json_add(json_out *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// s in double quotes, escaped (< > & too).
void json_string(json_out *j, const char *s);
void json_free(json_out *j);
// A flat object whose members are exactly names[0..n-1] (n <= 8), each a
// string or a number: values[i] gets the string (UTF-8, no NUL) or the
// number's text, at most value_max bytes with its NUL. -1 with `why` else.
FLEET_MUST_CHECK int json_parse_flat(const char *in, size_t len, int n, const char *const names[],
                                     char *values[], size_t value_max, char *why, size_t why_len);

// ---- serve.c ------------------------------------------------------------------
// The HTTP API and the dispatchers' page, until SIGINT or SIGTERM.
FLEET_MUST_CHECK fleet_status cmd_serve(fleet *f, const fleet_args *a);

#endif
