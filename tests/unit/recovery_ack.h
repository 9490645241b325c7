// The owner's part in a recovery code's hand-over (docs/POLICY.md, "The
// recovery code on the keypad"), for every C test rig: page through the groups
// the lock shows ("RECOVERY n/5 | dddd c"), reading each off the display, then
// type each back with its check digit and '#' ("TYPE BACK n/5"), until the lock
// says "RECOVERY CODE | SAVED". Written once over two callbacks so that the
// engine rig (rig.h) and the cable bench (cable.h) share it.
//
// The caller lets any message ("LOCK IS SET UP") time out first (3 s): a '#'
// pressed while a message is up only dismisses it. Header-only.
#ifndef OWNERLOCK_TEST_RECOVERY_ACK_H
#define OWNERLOCK_TEST_RECOVERY_ACK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ownerlock/recovery.h"

// A group as it is typed: its digits and its check digit, no space.
#define RECOVERY_ACK_GROUP_CAP (OL_RECOVERY_GROUP_DIGITS + 2)

typedef const char *(*recovery_ack_display)(void *ctx); // "LINE 1 | LINE 2"
typedef void (*recovery_ack_keys)(void *ctx, const char *keys);

// Reads group n (0-based) off "RECOVERY n+1/5 | dddd c" into out; false if the
// display shows anything else.
static inline bool recovery_ack_read(const char *display, int n, char out[RECOVERY_ACK_GROUP_CAP]) {
    char want[32];
    snprintf(want, sizeof want, "RECOVERY %d/%d | ", n + 1, OL_RECOVERY_GROUPS);
    size_t head = strlen(want);
    if (strncmp(display, want, head) != 0) {
        return false;
    }
    const char *g = display + head;
    for (int i = 0; i < OL_RECOVERY_GROUP_DIGITS; i++) {
        if (g[i] < '0' || g[i] > '9') {
            return false;
        }
        out[i] = g[i];
    }
    char check = g[OL_RECOVERY_GROUP_DIGITS + 1];
    if (g[OL_RECOVERY_GROUP_DIGITS] != ' ' || check < '0' || check > '9') {
        return false;
    }
    out[OL_RECOVERY_GROUP_DIGITS] = check;
    out[OL_RECOVERY_GROUP_DIGITS + 1] = '\0';
    return true;
}

// Pages through the shown code and types it back. groups (may be NULL) gets
// the code as read. True once the lock says RECOVERY CODE | SAVED; false (with
// the display that was not as expected on stderr) otherwise.
static inline bool recovery_ack(void *ctx, recovery_ack_display display, recovery_ack_keys keys,
                                char groups[OL_RECOVERY_GROUPS][RECOVERY_ACK_GROUP_CAP]) {
    char read[OL_RECOVERY_GROUPS][RECOVERY_ACK_GROUP_CAP];
    for (int n = 0; n < OL_RECOVERY_GROUPS; n++) {
        if (!recovery_ack_read(display(ctx), n, read[n])) {
            fprintf(stderr, "  recovery_ack: group %d/%d not shown: \"%s\"\n", n + 1,
                    OL_RECOVERY_GROUPS, display(ctx));
            return false;
        }
        keys(ctx, "#");
    }
    for (int n = 0; n < OL_RECOVERY_GROUPS; n++) {
        char want[32];
        snprintf(want, sizeof want, "TYPE BACK %d/%d", n + 1, OL_RECOVERY_GROUPS);
        if (strncmp(display(ctx), want, strlen(want)) != 0) {
            fprintf(stderr, "  recovery_ack: wanted \"%s\", display is \"%s\"\n", want,
                    display(ctx));
            return false;
        }
        char typed[RECOVERY_ACK_GROUP_CAP + 1];
        memcpy(typed, read[n], RECOVERY_ACK_GROUP_CAP - 1);
        typed[RECOVERY_ACK_GROUP_CAP - 1] = '#';
        typed[RECOVERY_ACK_GROUP_CAP] = '\0';
        keys(ctx, typed);
    }
    if (strncmp(display(ctx), "RECOVERY CODE | SAVED", 21) != 0) {
        fprintf(stderr, "  recovery_ack: not saved: \"%s\"\n", display(ctx));
        return false;
    }
    if (groups) {
        memcpy(groups, read, sizeof read);
    }
    return true;
}

#endif
