// ownerlock-fleet — the owner's fleet service for one-time codes and close
// seals (docs/FLEET.md): the command line.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fleet.h"

static const char usage_text[] =
    "usage: ownerlock-fleet COMMAND ...\n"
    "\n"
    "The owner's service for one-time opening codes and close seals, on PostgreSQL.\n"
    "\n"
    "environment:\n"
    "  OWNERLOCK_FLEET_DB   the database, a libpq connection string\n"
    "                       (\"host=/run/postgresql dbname=fleet\")\n"
    "  OWNERLOCK_FLEET_KEY  the file holding the owner's key: 64 hex digits, one line,\n"
    "                       not readable by others (head -c 32 /dev/urandom | xxd -p -c 32)\n"
    "\n"
    "the owner's commands (they need OWNERLOCK_FLEET_KEY):\n"
    "  init                         create the schema in an empty database\n"
    "  lock add NUMBER NAME         a lock (number 0..4294967295) and its new OTC key\n"
    "  lock provision NUMBER FILE   write the file that sets the key through the lock's\n"
    "                               service port (a new file; the key leaves the service;\n"
    "                               a new key once the lock's trail shows it released)\n"
    "  lock receipt NUMBER RECEIPT [--erased]\n"
    "                               the lock's answer to the provisioning (hex): its\n"
    "                               counter and the identity its exports carry (--erased:\n"
    "                               a new identity, the lock erased and set up again)\n"
    "  lock counter NUMBER COUNTER  the counter past every code shown since a backup the\n"
    "                               fleet was restored from, or used at the lock without\n"
    "                               the fleet (its trail says); never down\n"
    "  lock zone NUMBER ZONE        the time zone the lock's clock is set in (UTC at first)\n"
    "  reissue ID                   an open dispatch's code again (the codes out all lost)\n"
    "  person add NAME              a person who opens locks\n"
    "  person slot NAME LOCK SLOT   the person's code slot (0..31) on a lock\n"
    "  dispatcher add NAME ROLE     a dispatcher (ROLE: dispatcher or admin); the\n"
    "                               password on standard input\n"
    "  dispatcher unlock NAME       end a dispatcher's lockout after wrong passwords\n"
    "                               (and forget them)\n"
    "  upgrade                      take the database to this program's schema\n"
    "  audit ingest LOCK EXPORT AUDIT-KEY\n"
    "                               take in the lock's audit export once the owner's tool\n"
    "                               (ownerlock audit verify) verifies it with AUDIT-KEY\n"
    "\n"
    "the dispatchers' commands (the password on standard input):\n"
    "  setting dual-dispatch on|off --as ADMIN\n"
    "  dispatch LOCK PERSON --as NAME   record a dispatch; without dual dispatch, show\n"
    "                                   its one-time code (needs OWNERLOCK_FLEET_KEY)\n"
    "  release LOCK PERSON --as NAME    a release code: the person (the manager of a\n"
    "                                   service session) turns the lock's one-time codes\n"
    "                                   off with it; approved and shown like a dispatch\n"
    "  approve ID --as NAME             approve another dispatcher's dispatch\n"
    "  code ID --as NAME                show an approved dispatch's code, once, to the\n"
    "                                   dispatcher who asked (needs OWNERLOCK_FLEET_KEY)\n"
    "  seal ID SEAL --as NAME           the close seal the lock showed: kk-MMMM-MMMM\n"
    "                                   (needs OWNERLOCK_FLEET_KEY)\n"
    "\n"
    "anyone with the database:\n"
    "  dispatches [--open]          list the dispatches (--open: not closed by a valid seal)\n"
    "  log verify                   check the chain of the service's actions\n"
    "  audit report LOCK FILE       the lock's audit trail as stored (its newest 4,096\n"
    "                               records) as the owner's audit report, with its plots:\n"
    "                               a page into FILE\n"
    "\n"
    "the dispatchers' web service (needs OWNERLOCK_FLEET_KEY; until SIGINT or SIGTERM):\n"
    "  serve --listen ADDRESS:PORT [--idle SECONDS] [--origin https://HOST[:PORT]]\n"
    "                               the HTTP API and the dispatchers' page on a numeric\n"
    "                               IPv4 address (127.0.0.1; other machines through a TLS\n"
    "                               proxy in front, whose address is --origin); a session\n"
    "                               ends after SECONDS idle (900)\n"
    "\n"
    "after 5 wrong passwords in a row for a dispatcher, no password is checked for\n"
    "that name for a minute, then twice as long after each further wrong one (an\n"
    "hour at most); a right password or `dispatcher unlock` ends it\n"
    "\n"
    "exit status: 0 done; 1 system error (database, file, memory); 2 usage or input\n"
    "             error, nothing changed; 3 refused and recorded (a wrong password or\n"
    "             seal, a dispatcher approving his own, a locked-out name), or `log\n"
    "             verify` found a break\n";

enum {
    NEEDS_KEK = 1,      // OWNERLOCK_FLEET_KEY, checked against the database's
    NEEDS_PASSWORD = 2, // a password on standard input
    NEEDS_AS = 4,       // --as DISPATCHER (and a password)
    TAKES_OPEN = 8,     // --open
    TAKES_LISTEN = 16,  // --listen ADDRESS:PORT, --idle SECONDS, --origin URL
    TAKES_KEK = 32,     // OWNERLOCK_FLEET_KEY if it is set (log verify: the tags)
    TAKES_ERASED = 64,  // --erased
};

typedef struct command {
    const char *word, *word2; // word2: the second word, or NULL
    int positionals;
    unsigned flags;
    fleet_status (*run)(fleet *f, const fleet_args *a);
    const char *usage;
} command;

static fleet_status run_init(fleet *f, const fleet_args *a) {
    (void)a;
    return cmd_init(f);
}

static fleet_status run_log_verify(fleet *f, const fleet_args *a) {
    (void)a;
    return cmd_log_verify(f);
}

static fleet_status run_upgrade(fleet *f, const fleet_args *a) {
    (void)a;
    return cmd_upgrade(f);
}

static const command commands[] = {
    {"init", NULL, 0, NEEDS_KEK, run_init, "init"},
    {"lock", "add", 2, NEEDS_KEK, cmd_lock_add, "lock add NUMBER NAME"},
    {"lock", "provision", 2, NEEDS_KEK, cmd_lock_provision, "lock provision NUMBER FILE"},
    {"lock", "receipt", 2, NEEDS_KEK | TAKES_ERASED, cmd_lock_receipt,
     "lock receipt NUMBER RECEIPT [--erased]"},
    {"lock", "counter", 2, NEEDS_KEK, cmd_lock_counter, "lock counter NUMBER COUNTER"},
    {"lock", "zone", 2, NEEDS_KEK, cmd_lock_zone, "lock zone NUMBER ZONE"},
    {"reissue", NULL, 1, NEEDS_KEK, cmd_reissue, "reissue ID"},
    {"person", "add", 1, NEEDS_KEK, cmd_person_add, "person add NAME"},
    {"person", "slot", 3, NEEDS_KEK, cmd_person_slot, "person slot NAME LOCK SLOT"},
    {"dispatcher", "add", 2, NEEDS_KEK | NEEDS_PASSWORD, cmd_dispatcher_add,
     "dispatcher add NAME ROLE (password on standard input)"},
    {"dispatcher", "unlock", 1, NEEDS_KEK, cmd_dispatcher_unlock, "dispatcher unlock NAME"},
    {"upgrade", NULL, 0, NEEDS_KEK, run_upgrade, "upgrade"},
    {"setting", "dual-dispatch", 1, NEEDS_KEK | NEEDS_AS, cmd_setting,
     "setting dual-dispatch on|off --as ADMIN"},
    {"dispatch", NULL, 2, NEEDS_KEK | NEEDS_AS, cmd_dispatch, "dispatch LOCK PERSON --as NAME"},
    {"release", NULL, 2, NEEDS_KEK | NEEDS_AS, cmd_release, "release LOCK PERSON --as NAME"},
    {"approve", NULL, 1, NEEDS_KEK | NEEDS_AS, cmd_approve, "approve ID --as NAME"},
    {"code", NULL, 1, NEEDS_KEK | NEEDS_AS, cmd_code, "code ID --as NAME"},
    {"seal", NULL, 2, NEEDS_KEK | NEEDS_AS, cmd_seal, "seal ID kk-MMMM-MMMM --as NAME"},
    {"dispatches", NULL, 0, TAKES_OPEN, cmd_dispatches, "dispatches [--open]"},
    {"log", "verify", 0, TAKES_KEK, run_log_verify, "log verify"},
    {"audit", "ingest", 3, NEEDS_KEK, cmd_audit_ingest,
     "audit ingest LOCK EXPORT AUDIT-KEY (an export the owner's tool verifies)"},
    {"audit", "report", 2, 0, cmd_audit_report, "audit report LOCK FILE"},
    {"serve", NULL, 0, NEEDS_KEK | TAKES_LISTEN, cmd_serve,
     "serve --listen ADDRESS:PORT [--idle SECONDS] [--origin URL]"},
};

static char *captured;
static size_t captured_len;
static bool captured_only;

void fleet_say_capture(char *buf, size_t len, bool quiet) {
    captured = buf != NULL && len > 0 ? buf : NULL;
    captured_len = len;
    captured_only = captured != NULL && quiet;
    if (captured != NULL) {
        captured[0] = '\0';
    }
}

void fleet_say(const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    // libpq's messages end in a newline (or two lines: the message and a detail).
    while (len > 0 && line[len - 1] == '\n') {
        len--;
    }
    if (!captured_only) {
        fprintf(stderr, "ownerlock-fleet: %.*s\n", (int)len, line);
    }
    if (captured != NULL && captured[0] == '\0') {
        snprintf(captured, captured_len, "%.*s", (int)len, line);
    }
}

// The command's words, options and positionals; FLEET_INPUT with the usage
// line when they do not fit it.
static fleet_status parse(int argc, char **argv, const command **which, fleet_args *a) {
    const command *c = NULL;
    bool word_known = false;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].word) != 0) {
            continue;
        }
        word_known = true;
        if (commands[i].word2 == NULL || (argc > 2 && strcmp(argv[2], commands[i].word2) == 0)) {
            c = &commands[i];
            break;
        }
    }
    if (c == NULL && !word_known) {
        fleet_say("no command \"%s\" (ownerlock-fleet --help)", argv[1]);
        return FLEET_INPUT;
    }
    if (c == NULL) {
        char words[128] = "";
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            if (strcmp(argv[1], commands[i].word) == 0) {
                size_t used = strlen(words);
                snprintf(words + used, sizeof words - used, "%s%s", used ? " or " : "",
                         commands[i].word2);
            }
        }
        fleet_say("%s %s? (ownerlock-fleet --help)", argv[1], words);
        return FLEET_INPUT;
    }
    *which = c;
    bool options_done = false;
    for (int i = c->word2 != NULL ? 3 : 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (!options_done && strcmp(arg, "--as") == 0 && (c->flags & NEEDS_AS)) {
            if (i + 1 == argc || a->as != NULL) {
                fleet_say("--as takes one dispatcher's name: %s", c->usage);
                return FLEET_INPUT;
            }
            a->as = argv[++i];
        } else if (!options_done && strcmp(arg, "--open") == 0 && (c->flags & TAKES_OPEN)) {
            a->open = true;
        } else if (!options_done && strcmp(arg, "--erased") == 0 && (c->flags & TAKES_ERASED)) {
            a->erased = true;
        } else if (!options_done && (c->flags & TAKES_LISTEN) &&
                   (strcmp(arg, "--listen") == 0 || strcmp(arg, "--idle") == 0 ||
                    strcmp(arg, "--origin") == 0)) {
            const char **to = arg[2] == 'l' ? &a->listen : arg[2] == 'i' ? &a->idle : &a->origin;
            if (i + 1 == argc || *to != NULL) {
                fleet_say("%s takes one value: %s", arg, c->usage);
                return FLEET_INPUT;
            }
            *to = argv[++i];
        } else if (!options_done && strncmp(arg, "--", 2) == 0) {
            fleet_say("unknown option \"%s\": usage: %s", arg, c->usage);
            return FLEET_INPUT;
        } else if (a->npos < (int)(sizeof a->pos / sizeof a->pos[0])) {
            a->pos[a->npos++] = arg;
        } else {
            a->npos++; // too many: said below
        }
    }
    if (a->npos != c->positionals) {
        fleet_say("usage: %s", c->usage);
        return FLEET_INPUT;
    }
    if ((c->flags & TAKES_LISTEN) && a->listen == NULL) {
        fleet_say("where? usage: %s", c->usage);
        return FLEET_INPUT;
    }
    if ((c->flags & NEEDS_AS) && a->as == NULL) {
        fleet_say("who is asking? usage: %s", c->usage);
        return FLEET_INPUT;
    }
    if (a->as != NULL) {
        return fleet_check_name("--as", a->as);
    }
    return FLEET_OK;
}

// The owner's key must be the one `init` was given: another key would seal
// new locks' keys that no later command could open.
static fleet_status check_kek(fleet *f) {
    PGresult *r;
    fleet_status st = db_one_row(f, "read the key check",
                                 "SELECT encode(key_check_nonce, 'hex'),"
                                 " encode(key_check_tag, 'hex') FROM fleet.meta",
                                 0, NULL, &r);
    if (st != FLEET_OK) {
        return st;
    }
    st = vault_verify_check(f, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
    PQclear(r);
    return st;
}

static fleet_status run(int argc, char **argv, fleet *f, char password[FLEET_PASSWORD_MAX + 1]) {
    if (argc < 2) {
        fputs(usage_text, stderr);
        return FLEET_INPUT;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return FLEET_OK;
    }
    const command *c;
    fleet_args a = {0};
    fleet_status st = parse(argc, argv, &c, &a);
    if (st != FLEET_OK) {
        return st;
    }
    if (sodium_init() < 0) {
        fleet_say("libsodium would not start (no randomness?)");
        return FLEET_SYSTEM;
    }
    const char *conninfo = getenv("OWNERLOCK_FLEET_DB");
    if (conninfo == NULL || conninfo[0] == '\0') {
        // No fallback to libpq's defaults: the fleet's database is named.
        fleet_say("OWNERLOCK_FLEET_DB is not set: the database's libpq connection string "
                  "(\"host=/run/postgresql dbname=fleet\")");
        return FLEET_INPUT;
    }
    const char *kek_path = getenv("OWNERLOCK_FLEET_KEY");
    if ((c->flags & NEEDS_KEK) || ((c->flags & TAKES_KEK) && kek_path != NULL && kek_path[0])) {
        st = vault_load_kek(f);
        if (st != FLEET_OK) {
            return st;
        }
    }
    if (c->flags & (NEEDS_PASSWORD | NEEDS_AS)) {
        st = vault_read_password(password, a.as != NULL ? a.as : a.pos[0]);
        if (st != FLEET_OK) {
            return st;
        }
        a.password = password;
    }
    st = db_connect(f, conninfo);
    if (st != FLEET_OK) {
        return st;
    }
    if (c->run != run_init) {
        bool present;
        st = db_schema_present(f, &present);
        if (st == FLEET_OK && !present) {
            fleet_say("no fleet in this database: ownerlock-fleet init first");
            st = FLEET_INPUT;
        }
        int version = 0;
        if (st == FLEET_OK) {
            st = db_schema_version(f, &version);
        }
        if (st == FLEET_OK && version > FLEET_SCHEMA_VERSION) {
            fleet_say("the fleet's schema is version %d, newer than this program's (%d)", version,
                      FLEET_SCHEMA_VERSION);
            st = FLEET_INPUT;
        }
        if (st == FLEET_OK && version < FLEET_SCHEMA_VERSION && c->run != run_upgrade) {
            fleet_say("the fleet's schema is version %d; this program's is %d: "
                      "ownerlock-fleet upgrade first (the owner's)",
                      version, FLEET_SCHEMA_VERSION);
            st = FLEET_INPUT;
        }
        if (st == FLEET_OK && f->have_kek) {
            st = check_kek(f);
        }
        if (st != FLEET_OK) {
            return st;
        }
    }
    return c->run(f, &a);
}

int main(int argc, char **argv) {
    fleet f = {0};
    char password[FLEET_PASSWORD_MAX + 1] = {0};
    fleet_status st = run(argc, argv, &f, password);
    if (fflush(stdout) != 0 && st == FLEET_OK) {
        fleet_say("cannot write to standard output");
        st = FLEET_SYSTEM;
    }
    db_close(&f);
    sodium_memzero(f.kek, sizeof f.kek);
    sodium_memzero(password, sizeof password);
    return (int)st;
}
