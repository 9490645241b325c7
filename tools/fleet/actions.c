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
    uint8_t prev[HASH_BYTES] = {0}, hash[HASH_BYTES];
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
    char prev_out[2 * HASH_BYTES + 1], hash_out[2 * HASH_BYTES + 1];
    hex_encode(prev_out, prev, sizeof prev);
    hex_encode(hash_out, hash, sizeof hash);
    const char *p[] = {seq, at_us, actor, kind, detail, prev_out, hash_out};
    return db_exec(f, "append an action",
                   "INSERT INTO fleet.actions (seq, at_us, actor, kind, detail, prev_hash, hash)"
                   " VALUES ($1, $2, $3, $4, $5, decode($6, 'hex'), decode($7, 'hex'))",
                   7, p);
}

fleet_status action_verify(fleet *f) {
    // One snapshot of the whole table. A cursor would keep memory flat for
    // millions of rows; a fleet's service makes a few hundred a day.
    PGresult *r = db_run(f, "read the actions",
                         "SELECT seq, at_us, actor, kind, detail, encode(prev_hash, 'hex'),"
                         " encode(hash, 'hex') FROM fleet.actions ORDER BY seq",
                         0, NULL);
    if (r == NULL) {
        return FLEET_SYSTEM;
    }
    uint8_t chain[HASH_BYTES] = {0};
    int rows = PQntuples(r);
    fleet_status st = FLEET_OK;
    for (int i = 0; i < rows && st == FLEET_OK; i++) {
        const char *seq = PQgetvalue(r, i, 0);
        uint8_t prev[HASH_BYTES], stored[HASH_BYTES], want[HASH_BYTES];
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
            }
            memcpy(chain, stored, HASH_BYTES);
        }
    }
    PQclear(r);
    if (st != FLEET_OK) {
        return st;
    }
    char head[2 * HASH_BYTES + 1];
    hex_encode(head, chain, sizeof chain);
    printf("log intact: %d actions, head %s\n", rows, head);
    return FLEET_OK;
}
