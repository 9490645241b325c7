// ownerlock-fleet — the service's own record of what it did: an append-only
// table whose every row is chained to the one before it.
//
//   hash(row) = SHA-256(prev_hash | canonical(row)), prev_hash of row 1 = 32 zero bytes
//   canonical(row) = "ownerlock fleet action 1\n" seq "\n" at_us "\n"
//                    len(actor) ":" actor "\n" len(kind) ":" kind "\n"
//                    len(detail) ":" detail "\n"
//
// Numbers in decimal, lengths in bytes: a field cannot spill into the next,
// so two different rows never have the same text. An edited, deleted or
// inserted row breaks the chain at that row; the last rows cut off do not
// (`log verify` prints the head hash and the count: write them down, or copy
// them elsewhere, to catch that).
//
//   tag(row) = HMAC-SHA256(crypto_kdf(owner's key, 2, "olfchain"), hash(row))
//
// The hash alone lets whoever writes the database append rows that verify
// (twenty-third outside evaluation); the tag needs the owner's key, which
// every command that acts loads, and `log verify` checks it when it has it.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fleet.h"

#define HASH_BYTES crypto_hash_sha256_BYTES

static void feed_field(crypto_hash_sha256_state *h, const char *text) {
    char len[24];
    int n = snprintf(len, sizeof len, "%zu:", strlen(text));
    crypto_hash_sha256_update(h, (const uint8_t *)len, (unsigned long long)n);
    crypto_hash_sha256_update(h, (const uint8_t *)text, strlen(text));
    crypto_hash_sha256_update(h, (const uint8_t *)"\n", 1);
}

static void row_hash(uint8_t out[HASH_BYTES], const uint8_t prev[HASH_BYTES], const char *seq,
                     const char *at_us, const char *actor, const char *kind, const char *detail) {
    static const char label[] = "ownerlock fleet action 1\n";
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev, HASH_BYTES);
    crypto_hash_sha256_update(&h, (const uint8_t *)label, sizeof label - 1);
    crypto_hash_sha256_update(&h, (const uint8_t *)seq, strlen(seq));
    crypto_hash_sha256_update(&h, (const uint8_t *)"\n", 1);
    crypto_hash_sha256_update(&h, (const uint8_t *)at_us, strlen(at_us));
    crypto_hash_sha256_update(&h, (const uint8_t *)"\n", 1);
    feed_field(&h, actor);
    feed_field(&h, kind);
    feed_field(&h, detail);
    crypto_hash_sha256_final(&h, out);
}

fleet_status action_append(fleet *f, const char *actor, const char *kind, const char *detail) {
    // The caller holds the table lock (db_begin): nobody appends in between.
    PGresult *r;
    fleet_status st = db_one_row(f, "read the chain's head",
                                 "SELECT coalesce(max(seq), 0) + 1,"
                                 " (extract(epoch FROM now()) * 1000000)::bigint,"
                                 " coalesce((SELECT encode(hash, 'hex') FROM fleet.actions"
                                 "           ORDER BY seq DESC LIMIT 1), '')"
                                 " FROM fleet.actions",
                                 0, NULL, &r);
    if (st != FLEET_OK) {
        return st;
    }
    char seq[24], at_us[24];
    uint8_t prev[HASH_BYTES] = {0}, hash[HASH_BYTES], tag[HASH_BYTES];
    snprintf(seq, sizeof seq, "%s", PQgetvalue(r, 0, 0));
    snprintf(at_us, sizeof at_us, "%s", PQgetvalue(r, 0, 1));
    const char *prev_hex = PQgetvalue(r, 0, 2);
    if (prev_hex[0] != '\0' && hex_decode(prev, sizeof prev, prev_hex) != 0) {
        fleet_say("the action chain's last hash is not %d bytes: run `log verify`", HASH_BYTES);
        PQclear(r);
        return FLEET_SYSTEM;
    }
    PQclear(r);
    row_hash(hash, prev, seq, at_us, actor, kind, detail);
    st = vault_action_tag(f, hash, tag);
    if (st != FLEET_OK) {
        return st;
    }
    char prev_out[2 * HASH_BYTES + 1], hash_out[2 * HASH_BYTES + 1], tag_out[2 * HASH_BYTES + 1];
    hex_encode(prev_out, prev, sizeof prev);
    hex_encode(hash_out, hash, sizeof hash);
    hex_encode(tag_out, tag, sizeof tag);
    const char *p[] = {seq, at_us, actor, kind, detail, prev_out, hash_out, tag_out};
    return db_exec(f, "append an action",
                   "INSERT INTO fleet.actions (seq, at_us, actor, kind, detail, prev_hash, hash,"
                   " tag) VALUES ($1, $2, $3, $4, $5, decode($6, 'hex'), decode($7, 'hex'),"
                   " decode($8, 'hex'))",
                   8, p);
}

// Every row's place and hash; with `tags`, its tag under the owner's key too
// (a row appended by whoever writes the database without that key has none
// that verifies). *rows and head: the count and the last hash.
static fleet_status walk(fleet *f, bool tags, int *rows, uint8_t head[HASH_BYTES]) {
    // One snapshot of the whole table. A cursor would keep memory flat for
    // millions of rows; a fleet's service makes a few hundred a day.
    PGresult *r = db_run(f, "read the actions",
                         "SELECT seq, at_us, actor, kind, detail, encode(prev_hash, 'hex'),"
                         " encode(hash, 'hex'), coalesce(encode(tag, 'hex'), '')"
                         " FROM fleet.actions ORDER BY seq",
                         0, NULL);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    uint8_t chain[HASH_BYTES] = {0};
    *rows = PQntuples(r);
    fleet_status st = FLEET_OK;
    for (int i = 0; i < *rows && st == FLEET_OK; i++) {
        const char *seq = PQgetvalue(r, i, 0);
        uint8_t prev[HASH_BYTES], stored[HASH_BYTES], want[HASH_BYTES], tag[HASH_BYTES];
        char expected_seq[24];
        snprintf(expected_seq, sizeof expected_seq, "%d", i + 1);
        if (strcmp(seq, expected_seq) != 0) {
            fleet_say("log broken at action %s: action %s is missing (deleted)", seq, expected_seq);
            st = FLEET_REFUSED;
        } else if (hex_decode(prev, sizeof prev, PQgetvalue(r, i, 5)) != 0 ||
                   hex_decode(stored, sizeof stored, PQgetvalue(r, i, 6)) != 0) {
            fleet_say("log broken at action %s: a hash is not %d bytes", seq, HASH_BYTES);
            st = FLEET_REFUSED;
        } else if (memcmp(prev, chain, HASH_BYTES) != 0) {
            fleet_say("log broken at action %s: it does not follow action %d's hash", seq, i);
            st = FLEET_REFUSED;
        } else {
            row_hash(want, prev, seq, PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
                     PQgetvalue(r, i, 4));
            if (memcmp(want, stored, HASH_BYTES) != 0) {
                fleet_say("log broken at action %s: its contents do not match its hash "
                          "(changed after it was written)",
                          seq);
                st = FLEET_REFUSED;
            } else if (tags && (hex_decode(tag, sizeof tag, PQgetvalue(r, i, 7)) != 0 ||
                                vault_action_tag(f, stored, want) != FLEET_OK ||
                                sodium_memcmp(tag, want, HASH_BYTES) != 0)) {
                fleet_say("log broken at action %s: its tag is not the owner's key's (a row "
                          "written by someone without it)",
                          seq);
                st = FLEET_REFUSED;
            }
            memcpy(chain, stored, HASH_BYTES);
        }
    }
    PQclear(r);
    memcpy(head, chain, HASH_BYTES);
    return st;
}

fleet_status action_verify(fleet *f) {
    int rows;
    uint8_t chain[HASH_BYTES];
    fleet_status st = walk(f, f->have_kek, &rows, chain);
    if (st != FLEET_OK) {
        return st;
    }
    char head[2 * HASH_BYTES + 1];
    hex_encode(head, chain, sizeof chain);
    printf("log intact: %d actions, head %s%s\n", rows, head,
           f->have_kek ? ", every tag the owner's key's"
                       : " (tags not checked: OWNERLOCK_FLEET_KEY is not set)");
    return FLEET_OK;
}

fleet_status action_tags_began(fleet *f) {
    // Tags begin once: a chain that says they began (an init or an upgrade to
    // schema 4 or later) and is upgraded again was made to look older, its
    // tags removed, so that the upgrade would vouch for a row written without
    // the key (twenty-eighth outside evaluation).
    PGresult *r = db_run(f, "find where the tags began",
                         "SELECT seq FROM fleet.actions WHERE (kind = 'init' AND"
                         " substring(detail from '^schema ([0-9]+)$')::int >= 4) OR"
                         " (kind = 'upgrade' AND substring(detail from ' to ([0-9]+)$')::int"
                         " >= 4) ORDER BY seq LIMIT 1",
                         0, NULL);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    fleet_status st = FLEET_OK;
    if (PQntuples(r) > 0) {
        fleet_say("the action chain says its rows were tagged from action %s on, and the "
                  "database is of a schema before the tags: someone wrote it without the "
                  "owner's key; nothing upgraded",
                  PQgetvalue(r, 0, 0));
        st = FLEET_INPUT;
    }
    PQclear(r);
    return st;
}

fleet_status action_tag_untagged(fleet *f, char head_hex[2 * HASH_BYTES + 1], int *rows) {
    uint8_t chain[HASH_BYTES];
    fleet_status st = walk(f, false, rows, chain);
    if (st != FLEET_OK) {
        fleet_say("the action chain is broken: nothing upgraded");
        return FLEET_INPUT;
    }
    hex_encode(head_hex, chain, sizeof chain);
    PGresult *r = db_run(f, "read the untagged actions",
                         "SELECT seq, encode(hash, 'hex') FROM fleet.actions WHERE tag IS NULL",
                         0, NULL);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    st = db_exec(f, "let the tags in",
                 "ALTER TABLE fleet.actions DISABLE TRIGGER actions_append_only", 0, NULL);
    for (int i = 0; i < PQntuples(r) && st == FLEET_OK; i++) {
        uint8_t hash[HASH_BYTES], tag[HASH_BYTES];
        char tag_hex[2 * HASH_BYTES + 1];
        if (hex_decode(hash, sizeof hash, PQgetvalue(r, i, 1)) != 0) {
            fleet_say("action %s: its hash is not %d bytes", PQgetvalue(r, i, 0), HASH_BYTES);
            st = FLEET_SYSTEM;
            break;
        }
        st = vault_action_tag(f, hash, tag);
        hex_encode(tag_hex, tag, sizeof tag);
        const char *p[] = {PQgetvalue(r, i, 0), tag_hex};
        if (st == FLEET_OK) {
            st = db_exec(f, "tag an action",
                         "UPDATE fleet.actions SET tag = decode($2, 'hex') WHERE seq = $1", 2, p);
        }
    }
    PQclear(r);
    if (st == FLEET_OK) {
        st = db_exec(f, "keep the table append-only",
                     "ALTER TABLE fleet.actions ENABLE TRIGGER actions_append_only", 0, NULL);
    }
    return st;
}
