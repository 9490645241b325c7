// ownerlock-fleet — the PostgreSQL side: connection, queries, schema.
//
// Every statement goes through db_run, that is PQexecParams: user input only
// ever travels as a parameter, never inside SQL text. The schema is constant
// text with no parameter at all.
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

fleet_status db_connect(fleet *f, const char *conninfo) {
    f->db = PQconnectdb(conninfo);
    if (f->db == NULL) {
        fleet_say("database: out of memory");
        return FLEET_SYSTEM;
    }
    if (PQstatus(f->db) != CONNECTION_OK) {
        fleet_say("database (OWNERLOCK_FLEET_DB): %s", PQerrorMessage(f->db));
        return FLEET_SYSTEM;
    }
    // Names are UTF-8 whatever the client's locale; listings in UTC.
    if (PQsetClientEncoding(f->db, "UTF8") != 0) {
        fleet_say("database: cannot use UTF8: %s", PQerrorMessage(f->db));
        return FLEET_SYSTEM;
    }
    PGresult *r = db_run(f, "set the time zone", "SET TIME ZONE 'UTC'", 0, NULL);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    PQclear(r);
    return FLEET_OK;
}

void db_close(fleet *f) {
    if (f->db != NULL) {
        PQfinish(f->db);
        f->db = NULL;
    }
}

PGresult *db_run(fleet *f, const char *what, const char *sql, int n, const char *const *params) {
    PGresult *r = PQexecParams(f->db, sql, n, NULL, params, NULL, NULL, 0);
    if (r == NULL) {
        fleet_say("database: %s: %s", what, PQerrorMessage(f->db));
        return NULL;
    }
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fleet_say("database: %s: %s", what, PQresultErrorMessage(r));
        PQclear(r);
        return NULL;
    }
    return r;
}

fleet_status db_one_row(fleet *f, const char *what, const char *sql, int n,
                        const char *const *params, PGresult **out) {
    PGresult *r = db_run(f, what, sql, n, params);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    if (PQntuples(r) != 1) {
        fleet_say("database: %s: %d rows, not one", what, PQntuples(r));
        PQclear(r);
        return FLEET_SYSTEM;
    }
    *out = r;
    return FLEET_OK;
}

fleet_status db_exec(fleet *f, const char *what, const char *sql, int n,
                     const char *const *params) {
    PGresult *r = db_run(f, what, sql, n, params);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    PQclear(r);
    return FLEET_OK;
}

fleet_status db_begin(fleet *f) {
    fleet_status st = db_exec(f, "begin", "BEGIN", 0, NULL);
    if (st != FLEET_OK) {
        return st;
    }
    // Readers (listings, `log verify`) still read; writers wait their turn.
    st = db_exec(f, "lock the action table", "LOCK TABLE fleet.actions IN EXCLUSIVE MODE", 0, NULL);
    if (st != FLEET_OK) {
        db_rollback(f);
    }
    return st;
}

fleet_status db_commit(fleet *f) {
    return db_exec(f, "commit", "COMMIT", 0, NULL);
}

void db_rollback(fleet *f) {
    // After a failed statement the transaction is aborted anyway; a ROLLBACK
    // that fails too leaves nothing to undo (the connection closes next).
    PGresult *r = PQexecParams(f->db, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0);
    PQclear(r);
}

fleet_status db_schema_present(fleet *f, bool *present) {
    PGresult *r;
    fleet_status st =
        db_one_row(f, "look for the schema",
                   "SELECT count(*) FROM pg_namespace WHERE nspname = 'fleet'", 0, NULL, &r);
    if (st != FLEET_OK) {
        return st;
    }
    *present = strcmp(PQgetvalue(r, 0, 0), "0") != 0;
    PQclear(r);
    return FLEET_OK;
}

fleet_status db_schema_version(fleet *f, int *version) {
    PGresult *r;
    fleet_status st =
        db_one_row(f, "read the schema's version", "SELECT version FROM fleet.meta", 0, NULL, &r);
    if (st == FLEET_OK) {
        *version = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    return st;
}

// The schema (docs/FLEET.md, "The fleet service"): version 1, then what each
// version after it adds (`init` runs them all, `upgrade` the ones missing).
// Numbers the lock takes as 32 bits are bigint with a range check:
// PostgreSQL has no unsigned type.
static const char *const schema[] = {
    "CREATE SCHEMA fleet",
    // One row: the format's version and the check of the owner's key.
    "CREATE TABLE fleet.meta ("
    "  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),"
    "  version integer NOT NULL,"
    "  key_check_nonce bytea NOT NULL,"
    "  key_check_tag bytea NOT NULL)",
    // The OTC key only as an XChaCha20-Poly1305 box under the owner's key,
    // the lock number its associated data (vault.c).
    "CREATE TABLE fleet.locks ("
    "  number bigint PRIMARY KEY CHECK (number BETWEEN 0 AND 4294967295),"
    "  name text NOT NULL,"
    "  key_nonce bytea NOT NULL CHECK (length(key_nonce) = 24),"
    "  key_box bytea NOT NULL CHECK (length(key_box) = 48),"
    "  next_counter bigint NOT NULL DEFAULT 0 CHECK (next_counter BETWEEN 0 AND 4294967296),"
    "  provisioned integer NOT NULL DEFAULT 0)",
    "CREATE TABLE fleet.people ("
    "  id bigserial PRIMARY KEY,"
    "  name text NOT NULL UNIQUE)",
    "CREATE TABLE fleet.slots ("
    "  person bigint NOT NULL REFERENCES fleet.people,"
    "  lock bigint NOT NULL REFERENCES fleet.locks,"
    "  slot smallint NOT NULL CHECK (slot BETWEEN 0 AND 31),"
    "  PRIMARY KEY (person, lock),"
    "  UNIQUE (lock, slot))",
    "CREATE TABLE fleet.dispatchers ("
    "  id bigserial PRIMARY KEY,"
    "  name text NOT NULL UNIQUE,"
    "  role text NOT NULL CHECK (role IN ('dispatcher', 'admin')),"
    "  password_hash text NOT NULL)",
    "CREATE TABLE fleet.settings ("
    "  name text PRIMARY KEY,"
    "  value text NOT NULL)",
    "INSERT INTO fleet.settings VALUES ('dual-dispatch', 'off')",
    // The slot is the one the person had when the code was issued.
    "CREATE TABLE fleet.dispatches ("
    "  id bigserial PRIMARY KEY,"
    "  lock bigint NOT NULL REFERENCES fleet.locks,"
    "  person bigint NOT NULL REFERENCES fleet.people,"
    "  slot smallint NOT NULL CHECK (slot BETWEEN 0 AND 31),"
    "  counter bigint NOT NULL CHECK (counter BETWEEN 0 AND 4294967295),"
    "  requested_by bigint NOT NULL REFERENCES fleet.dispatchers,"
    "  requested_at timestamptz NOT NULL,"
    "  needs_approval boolean NOT NULL,"
    "  approved_by bigint REFERENCES fleet.dispatchers,"
    "  approved_at timestamptz,"
    "  code_shown_at timestamptz,"
    "  sealed_at timestamptz,"
    "  seal_records smallint,"
    "  UNIQUE (lock, counter),"
    "  CHECK (approved_by IS NULL OR approved_by <> requested_by),"
    "  CHECK (code_shown_at IS NULL OR NOT needs_approval OR approved_by IS NOT NULL),"
    "  CHECK (sealed_at IS NULL OR code_shown_at IS NOT NULL))",
    // Every seal typed in, the wrong ones too.
    "CREATE TABLE fleet.seal_entries ("
    "  id bigserial PRIMARY KEY,"
    "  dispatch bigint NOT NULL REFERENCES fleet.dispatches,"
    "  entered_by bigint NOT NULL REFERENCES fleet.dispatchers,"
    "  entered text NOT NULL,"
    "  records smallint NOT NULL,"
    "  ok boolean NOT NULL,"
    "  at timestamptz NOT NULL)",
    // Locks' audit trails, as their exports verified (`audit ingest`).
    "CREATE TABLE fleet.audit ("
    "  lock bigint NOT NULL REFERENCES fleet.locks,"
    "  seq bigint NOT NULL CHECK (seq BETWEEN 0 AND 4294967295),"
    "  at text NOT NULL,"
    "  kind text NOT NULL,"
    "  slot smallint,"
    "  arg integer NOT NULL,"
    "  PRIMARY KEY (lock, seq))",
    // The chain (actions.c). The trigger stops an UPDATE or DELETE made by
    // mistake; one made on purpose by whoever can drop the trigger breaks the
    // chain, and `log verify` names the row.
    "CREATE TABLE fleet.actions ("
    "  seq bigint PRIMARY KEY CHECK (seq >= 1),"
    "  at_us bigint NOT NULL,"
    "  actor text NOT NULL,"
    "  kind text NOT NULL,"
    "  detail text NOT NULL,"
    "  prev_hash bytea NOT NULL,"
    "  hash bytea NOT NULL)",
    "CREATE FUNCTION fleet.append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$BEGIN RAISE EXCEPTION 'fleet.actions is append-only'; END$$",
    "CREATE TRIGGER actions_append_only BEFORE UPDATE OR DELETE ON fleet.actions"
    "  FOR EACH ROW EXECUTE FUNCTION fleet.append_only()",
    "CREATE TRIGGER actions_no_truncate BEFORE TRUNCATE ON fleet.actions"
    "  FOR EACH STATEMENT EXECUTE FUNCTION fleet.append_only()",
};

// Version 2: the limit on wrong passwords (limit.c), and the index that
// finds the open dispatches among a fleet's million closed ones.
static const char *const schema_2[] = {
    "ALTER TABLE fleet.dispatchers"
    "  ADD COLUMN wrong_passwords integer NOT NULL DEFAULT 0 CHECK (wrong_passwords >= 0),"
    "  ADD COLUMN last_wrong_at timestamptz",
    // A web login's name that is no dispatcher's, as a keyed hash
    // (vault_name_tag); a row goes a day after its last wrong password.
    "CREATE TABLE fleet.unknown_names ("
    "  tag bytea PRIMARY KEY CHECK (length(tag) = 32),"
    "  wrong_passwords integer NOT NULL CHECK (wrong_passwords >= 0),"
    "  last_wrong_at timestamptz NOT NULL)",
    "CREATE INDEX unknown_names_by_age ON fleet.unknown_names (last_wrong_at)",
    "CREATE INDEX dispatches_open ON fleet.dispatches (id) WHERE sealed_at IS NULL",
};

// Version 3: the index of wrong seals; a counter is taken when a code is
// shown (an unapproved dispatch holds none; one that held a counter gives it
// up: the lock skips it), the floor under the lock's look-ahead (commands.c,
// show_code), releases (purpose) and dispatches the lock's trail closed
// (closed_by_audit), and the first counter of a lock's key (key_from: the
// releases of this key).
static const char *const schema_3[] = {
    "ALTER TABLE fleet.locks"
    "  ADD COLUMN floor bigint NOT NULL DEFAULT 0 CHECK (floor BETWEEN 0 AND 4294967296),"
    "  ADD COLUMN key_from bigint NOT NULL DEFAULT 0,"
    // The lock's identity in its exports, the first one taken in kept.
    "  ADD COLUMN audit_identity text CHECK (audit_identity ~ '^[0-9a-f]{64}$')",
    "UPDATE fleet.locks l SET floor = coalesce((SELECT max(counter) + 1 FROM fleet.dispatches d"
    "  WHERE d.lock = l.number AND d.sealed_at IS NOT NULL), 0)",
    "ALTER TABLE fleet.dispatches"
    "  ADD COLUMN purpose text NOT NULL DEFAULT 'open' CHECK (purpose IN ('open', 'release')),"
    "  ADD COLUMN closed_by_audit bigint,"
    // The newest record of the lock's trail stored when the code was shown.
    "  ADD COLUMN shown_after_seq bigint,"
    "  ALTER COLUMN counter DROP NOT NULL",
    "UPDATE fleet.dispatches SET counter = NULL WHERE code_shown_at IS NULL",
    "ALTER TABLE fleet.dispatches ADD CONSTRAINT dispatches_counter_when_shown"
    "  CHECK ((counter IS NULL) = (code_shown_at IS NULL))",
    // A dispatch's wrong seals, counted at each seal (commands.c): without it,
    // a scan of every seal ever entered.
    "CREATE INDEX seal_entries_wrong ON fleet.seal_entries (dispatch) WHERE NOT ok",
};

// Version 4: a lock's lives. The identity a lock's exports carry is pinned
// by the receipt the lock gave its provisioning (`lock receipt`), before any
// export is taken in (twenty-fifth outside evaluation: the first export was
// taken on trust, and another lock's closed this one's dispatches). A lock
// erased and set up again has a new identity (its records may start from 1
// again): a life of its own, its records apart (the same evaluation: the
// fleet refused the erased lock's exports for good). A dispatch's code comes
// after the records stored when it was shown: in that life, or in a later one.
static const char *const schema_4[] = {
    "CREATE TABLE fleet.identities ("
    "  identity text PRIMARY KEY CHECK (identity ~ '^[0-9a-f]{64}$'),"
    "  lock bigint NOT NULL REFERENCES fleet.locks,"
    "  life integer NOT NULL CHECK (life >= 1),"
    "  since timestamptz NOT NULL,"
    "  UNIQUE (lock, life))",
    "INSERT INTO fleet.identities SELECT audit_identity, number, 1, now() FROM fleet.locks"
    "  WHERE audit_identity IS NOT NULL",
    "ALTER TABLE fleet.locks DROP COLUMN audit_identity",
    "ALTER TABLE fleet.audit ADD COLUMN life integer NOT NULL DEFAULT 1 CHECK (life >= 1),"
    "  DROP CONSTRAINT audit_pkey, ADD PRIMARY KEY (lock, life, seq)",
    "ALTER TABLE fleet.audit ALTER COLUMN life DROP DEFAULT",
    "ALTER TABLE fleet.dispatches ADD COLUMN shown_life integer NOT NULL DEFAULT 0",
    "UPDATE fleet.dispatches SET shown_life = 1 WHERE shown_after_seq > 0",
    // The zone the lock's clock is set in (commands.c, lock_zone), and the key
    // a released lock is given, its own once its receipt shows it took it
    // (cmd_lock_provision, lock_receipt).
    "ALTER TABLE fleet.locks ADD COLUMN clock_zone text NOT NULL DEFAULT 'UTC',"
    "  ADD COLUMN next_key_nonce bytea CHECK (length(next_key_nonce) = 24),"
    "  ADD COLUMN next_key_box bytea CHECK (length(next_key_box) = 48)",
    // Each action's tag under the owner's key (actions.c): `upgrade` tags the
    // rows before it, the chain checked first.
    "ALTER TABLE fleet.actions ADD COLUMN tag bytea CHECK (length(tag) = 32)",
};

typedef struct schema_step {
    const char *const *statements;
    size_t count;
} schema_step;

// steps[v - 1] makes version v from v - 1 (version 1 from nothing).
static const schema_step steps[] = {
    {schema, sizeof schema / sizeof schema[0]},
    {schema_2, sizeof schema_2 / sizeof schema_2[0]},
    {schema_3, sizeof schema_3 / sizeof schema_3[0]},
    {schema_4, sizeof schema_4 / sizeof schema_4[0]},
};
_Static_assert(sizeof steps / sizeof steps[0] == FLEET_SCHEMA_VERSION,
               "a schema step for each version");

fleet_status db_upgrade_schema(fleet *f, int from) {
    if (from < 0 || from > FLEET_SCHEMA_VERSION) {
        fleet_say("the fleet's schema is version %d: this program knows 1 to %d", from,
                  FLEET_SCHEMA_VERSION);
        return FLEET_INPUT;
    }
    for (int v = from; v < FLEET_SCHEMA_VERSION; v++) {
        for (size_t i = 0; i < steps[v].count; i++) {
            fleet_status st = db_exec(f, "create the schema", steps[v].statements[i], 0, NULL);
            if (st != FLEET_OK) {
                return st;
            }
        }
    }
    return FLEET_OK;
}

fleet_status db_create_schema(fleet *f) {
    return db_upgrade_schema(f, 0);
}
