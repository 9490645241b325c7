// include/ownerlock/config.h and the options table of docs/PORTING.md agree:
// the same options, each with the same default. OPTIONS below is the list
// the test evaluates; it must name every option of config.h too, so an
// option added to config.h without its row (or to the test) fails here.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ownerlock/config.h"
#include "slurp.h"

#ifndef OL_SOURCE_DIR
#error "OL_SOURCE_DIR: the project's root, set by CMakeLists.txt"
#endif

#define OPTIONS(X)                                                                                 \
    X(OL_MANAGER_SLOTS)                                                                            \
    X(OL_SLOTS)                                                                                    \
    X(OL_CODE_MIN_DIGITS)                                                                          \
    X(OL_CODE_MAX_DIGITS)                                                                          \
    X(OL_ENTRY_MAX_DIGITS)                                                                         \
    X(OL_TAG_BYTES)                                                                                \
    X(OL_CODE_CHECK_BURST)                                                                         \
    X(OL_CODE_CHECK_REFILL_MS)                                                                     \
    X(OL_CODE_CHECK_NEW)                                                                           \
    X(OL_PLAIN_MAX_CODES)                                                                          \
    X(OL_FLOOR_YEARS)                                                                              \
    X(OL_PENALTY_FREE_TRIES)                                                                       \
    X(OL_PENALTY_FIRST_MS)                                                                         \
    X(OL_PENALTY_UNDO_MAX)                                                                         \
    X(OL_PENALTY_UNDO_EARN_MS)                                                                     \
    X(OL_PENALTY_FORGET_MS)                                                                        \
    X(OL_PENALTY_MAX_MS)                                                                           \
    X(OL_PENALTY_CHECKPOINT_MS)                                                                    \
    X(OL_DELAY_MAX_MIN)                                                                            \
    X(OL_WINDOW_MIN_MIN)                                                                           \
    X(OL_WINDOW_MAX_MIN)                                                                           \
    X(OL_WINDOW_DEFAULT_MIN)                                                                       \
    X(OL_DUAL_WINDOW_MS)                                                                           \
    X(OL_OTC_LOOKAHEAD)                                                                            \
    X(OL_SCHEDULE_PERIODS)                                                                         \
    X(OL_HOLIDAYS)                                                                                 \
    X(OL_TIMELOCK_MAX_HOURS)                                                                       \
    X(OL_BATTERY_WARN_MV)                                                                          \
    X(OL_BATTERY_CRITICAL_MV)                                                                      \
    X(OL_RECOVERY_DELAY_DEFAULT_MIN)                                                               \
    X(OL_RECOVERY_DELAY_MIN_MIN)                                                                   \
    X(OL_RECOVERY_DELAY_MAX_MIN)                                                                   \
    X(OL_RECOVERY_WINDOW_MS)                                                                       \
    X(OL_RECOVERY_SHOW_MS)                                                                         \
    X(OL_RELOCK_UNOPENED_MS)                                                                       \
    X(OL_RELOCK_AFTER_CLOSE_MS)                                                                    \
    X(OL_MESSAGE_MS)                                                                               \
    X(OL_MENU_TIMEOUT_MS)                                                                          \
    X(OL_PAIRING_WINDOW_MS)                                                                        \
    X(OL_SERVICE_SESSION_MS)                                                                       \
    X(OL_SERVICE_OFFERS)                                                                           \
    X(OL_REJECT_LOG_MS)                                                                            \
    X(OL_BODY_HEARTBEAT_MS)                                                                        \
    X(OL_LINK_FRESH_WINDOW)                                                                        \
    X(OL_KEYPAD_IDLE_MS)                                                                           \
    X(OL_DIAL_GESTURE_STEPS)                                                                       \
    X(OL_KEYPAD_RETRY_MS)                                                                          \
    X(OL_KEYPAD_SECTORS)                                                                           \
    X(OL_STATE_FIRST_SECTOR)                                                                       \
    X(OL_STATE_SECTORS)                                                                            \
    X(OL_AUDIT_FIRST_SECTOR)                                                                       \
    X(OL_AUDIT_SECTORS)                                                                            \
    X(OL_KEYS_FIRST_SECTOR)                                                                        \
    X(OL_BOOT_FIRST_SECTOR)                                                                        \
    X(OL_BOOT_SLOT_SECTORS)                                                                        \
    X(OL_AUDIT_MIN_EVENTS)                                                                         \
    X(OL_KV_MAX_KEYS)                                                                              \
    X(OL_KV_MAX_VALUE)                                                                             \
    X(OL_RING_MAX_SECTORS)

typedef struct option {
    const char *name;
    unsigned long long value;
} option;

#define OPTION_ROW(name) {#name, (unsigned long long)(name)},
static const option ALL[] = {OPTIONS(OPTION_ROW)};
#define N_ALL (sizeof ALL / sizeof ALL[0])

// Off during the self-tests, whose findings are expected.
static bool quiet;
#define complain(...)                                                                              \
    do {                                                                                           \
        if (!quiet) {                                                                              \
            fprintf(stderr, __VA_ARGS__);                                                          \
        }                                                                                          \
    } while (0)

static const option *find(const char *name, size_t len) {
    for (size_t i = 0; i < N_ALL; i++) {
        if (strlen(ALL[i].name) == len && strncmp(ALL[i].name, name, len) == 0) {
            return &ALL[i];
        }
    }
    return NULL;
}

static size_t name_len(const char *p) {
    size_t n = 0;
    while ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_') {
        n++;
    }
    return n;
}

// Every "#ifndef OL_X" directly followed by "#define OL_X" in config.h is in
// ALL, and every entry of ALL is one of them. Returns how many problems.
static unsigned check_header(const char *h) {
    unsigned bad = 0;
    bool seen[N_ALL] = {false};
    for (const char *p = strstr(h, "#ifndef OL_"); p; p = strstr(p + 1, "#ifndef OL_")) {
        const char *name = p + strlen("#ifndef ");
        size_t n = name_len(name);
        char def[80];
        snprintf(def, sizeof def, "\n#define %.*s ", (int)n, name);
        const char *next = strchr(name, '\n');
        if (!next || strncmp(next, def, strlen(def)) != 0) {
            continue; // a guard of something else
        }
        const option *o = find(name, n);
        if (!o) {
            complain("config.h: %.*s is not in this test's OPTIONS\n", (int)n, name);
            bad++;
            continue;
        }
        seen[o - ALL] = true;
    }
    for (size_t i = 0; i < N_ALL; i++) {
        if (!seen[i]) {
            complain("config.h: no #ifndef/#define of %s\n", ALL[i].name);
            bad++;
        }
    }
    return bad;
}

// Every row "| `OL_X` | default | ..." of the document names an option of
// ALL with that default (the cell's leading number), and every option has a
// row. Returns how many problems.
static unsigned check_doc(const char *d) {
    unsigned bad = 0;
    unsigned rows[N_ALL] = {0};
    for (const char *p = strstr(d, "\n| `OL_"); p; p = strstr(p + 1, "\n| `OL_")) {
        const char *name = p + strlen("\n| `");
        size_t n = name_len(name);
        const option *o = find(name, n);
        if (!o) {
            complain("PORTING.md: %.*s is not an option of config.h\n", (int)n, name);
            bad++;
            continue;
        }
        rows[o - ALL]++;
        const char *cell = strchr(name + n, '|');
        char *end = NULL;
        unsigned long long v = cell ? strtoull(cell + 1, &end, 10) : 0;
        if (!cell || end == cell + 1 || v != o->value) {
            complain("PORTING.md: %s documented as %llu, config.h has %llu\n", o->name, v,
                     o->value);
            bad++;
        }
    }
    for (size_t i = 0; i < N_ALL; i++) {
        if (rows[i] != 1) {
            complain("PORTING.md: %s has %u rows\n", ALL[i].name, rows[i]);
            bad++;
        }
    }
    return bad;
}

int main(void) {
    char *h = slurp(OL_SOURCE_DIR "/include/ownerlock/config.h");
    char *d = slurp(OL_SOURCE_DIR "/docs/PORTING.md");
    CHECK(h != NULL && d != NULL);
    if (h && d) {
        CHECK_EQ(check_header(h), 0);
        CHECK_EQ(check_doc(d), 0);
        // Self-test: a row dropped, a default changed, an option unknown.
        quiet = true;
        char *copy = malloc(strlen(d) + 1);
        CHECK(copy != NULL);
        if (copy) {
            strcpy(copy, d);
            char *row = strstr(copy, "\n| `OL_SLOTS` | 32 |");
            CHECK(row != NULL);
            if (row) {
                row[strlen("\n| `OL_SLOTS` | ")] = '4'; // 42
                CHECK(check_doc(copy) == 1);
                row[4] = 'X'; // `OX_SLOTS`: no longer a row of the table
                CHECK(check_doc(copy) == 1);
            }
            free(copy);
        }
        CHECK(check_header("#ifndef OL_NEW\n#define OL_NEW 1\n#endif\n") == N_ALL + 1);
    }
    free(h);
    free(d);
    return check_done("test_config_doc");
}
