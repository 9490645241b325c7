// docs/POLICY.md and the engine agree: every row of the document's function
// table says what the engine's own table says (who may run the function,
// whether dual control asks a second code, whether the door must be open,
// whether a low battery refuses it, whether it can relax a rule), and every
// function the engine knows has a row. Self-test: a copy of the document
// with one cell changed, or one row missing, must be caught.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ownerlock/lock.h"
#include "slurp.h"

#ifndef OL_SOURCE_DIR
#error "OL_SOURCE_DIR: the project's root, set by CMakeLists.txt"
#endif

typedef struct row {
    bool present;
    ol_function_policy policy;
} row;

// The i-th cell (0-based) of a table line "| a | b | … |", trimmed, into out.
static bool cell(const char *line, int i, char *out, size_t cap) {
    const char *p = line;
    for (int k = 0; k <= i; k++) {
        p = strchr(p, '|');
        if (!p) {
            return false;
        }
        p++;
    }
    const char *end = strchr(p, '|');
    if (!end) {
        return false;
    }
    while (p < end && *p == ' ') {
        p++;
    }
    while (end > p && end[-1] == ' ') {
        end--;
    }
    size_t n = (size_t)(end - p) < cap - 1 ? (size_t)(end - p) : cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

// Reads the "## Functions" table: rows "| `*NN` | who | 2nd | door | battery |
// changes | relaxes when |". Returns the number of rows, -1 if malformed.
static int parse(const char *doc, row rows[100]) {
    memset(rows, 0, 100 * sizeof rows[0]);
    const char *at = strstr(doc, "\n## Functions");
    if (!at) {
        return -1;
    }
    int count = 0;
    for (const char *line = strchr(at + 1, '\n'); line && *line; line = strchr(line, '\n')) {
        line++;
        if (strncmp(line, "## ", 3) == 0) {
            break; // the next section
        }
        unsigned fn;
        if (sscanf(line, "| `*%2u` |", &fn) != 1 || fn > 99) {
            continue;
        }
        char who[64], second[16], door[16], battery[16], relaxes[256];
        if (!cell(line, 1, who, sizeof who) || !cell(line, 2, second, sizeof second) ||
            !cell(line, 3, door, sizeof door) || !cell(line, 4, battery, sizeof battery) ||
            !cell(line, 6, relaxes, sizeof relaxes) || rows[fn].present) {
            return -1;
        }
        rows[fn].present = true;
        rows[fn].policy.manager = strncmp(who, "manager", 7) == 0;
        rows[fn].policy.second = strcmp(second, "yes") == 0;
        rows[fn].policy.door_open = strcmp(door, "open") == 0;
        rows[fn].policy.battery = strcmp(battery, "refused") == 0;
        rows[fn].policy.relaxes = strcmp(relaxes, "—") != 0;
        count++;
    }
    return count;
}

// How many functions the document and the engine disagree on (printed).
static int differences(const char *doc, bool quiet) {
    row rows[100];
    if (parse(doc, rows) <= 0) {
        if (!quiet) {
            fprintf(stderr, "POLICY.md: no function table\n");
        }
        return 1;
    }
    int diff = 0;
    for (uint8_t fn = 0; fn < 100; fn++) {
        ol_function_policy p;
        bool known = ol_lock_function_policy(fn, &p);
        if (known != rows[fn].present) {
            diff++;
            if (!quiet) {
                fprintf(stderr, "*%02u: %s\n", fn,
                        known ? "the engine has it, POLICY.md has no row"
                              : "POLICY.md has a row, the engine has no such function");
            }
            continue;
        }
        const ol_function_policy *d = &rows[fn].policy;
        if (known &&
            (p.manager != d->manager || p.second != d->second || p.door_open != d->door_open ||
             p.battery != d->battery || p.relaxes != d->relaxes)) {
            diff++;
            if (!quiet) {
                fprintf(stderr,
                        "*%02u: engine manager=%d second=%d door=%d battery=%d relaxes=%d, "
                        "POLICY.md %d %d %d %d %d\n",
                        fn, p.manager, p.second, p.door_open, p.battery, p.relaxes, d->manager,
                        d->second, d->door_open, d->battery, d->relaxes);
            }
        }
    }
    return diff;
}

// The document with the first occurrence of `from` after `anchor` replaced.
static char *mutate(const char *doc, const char *anchor, const char *from, const char *to) {
    const char *a = strstr(doc, anchor);
    const char *f = a ? strstr(a, from) : NULL;
    if (!f) {
        return NULL;
    }
    size_t n = strlen(doc) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    size_t head = (size_t)(f - doc);
    memcpy(out, doc, head);
    strcpy(out + head, to);
    strcat(out, f + strlen(from));
    return out;
}

int main(void) {
    char *doc = slurp(OL_SOURCE_DIR "/docs/POLICY.md");
    CHECK(doc != NULL);
    if (!doc) {
        return check_done("test_policy_table");
    }
    row rows[100];
    int n = parse(doc, rows);
    printf("POLICY.md: %d function rows\n", n);
    CHECK(n >= 18);
    CHECK_EQ(differences(doc, false), 0);

    // Self-test: each of these edits must be caught.
    static const char *const edits[][3] = {
        {"| `*05` |", "| it is turned off |", "| — |"},          // a relaxation dropped
        {"| `*13` |", "| the override is turned on |", "| — |"}, // finding 3's row
        {"| `*14` |", "| open |", "| — |"},                      // door rule dropped
        {"| `*09` |", "| no |", "| yes |"},                      // second code
        {"| `*01` |", "| refused |", "| allowed |"},             // battery
        {"| `*02` |", "| manager |", "| any enabled code |"},    // who
        {"| `*11` |", "| `*11` |", "| `*21` |"},                 // a row lost
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *bad = mutate(doc, edits[i][0], edits[i][1], edits[i][2]);
        CHECK(bad != NULL);
        if (bad) {
            CHECK(differences(bad, true) > 0);
            free(bad);
        }
    }
    free(doc);
    return check_done("test_policy_table");
}
