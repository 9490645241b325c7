// The recovery code's hand-over on the bare engine (no keypad, no link): page
// through the groups the lock shows ("RECOVERY n/5 | dddd c"), read off its
// outputs, then type each back with its check digit ("TYPE BACK n/5"). For
// rigs that feed entries straight to ol_lock_event: the fault harness and
// the bench, which run on the target. (Rigs with a keypad use
// recovery_ack.h.) The caller lets "LOCK IS SET UP" time out first.
#ifndef OWNERLOCK_TEST_ENGINE_ACK_H
#define OWNERLOCK_TEST_ENGINE_ACK_H

#include <stdbool.h>
#include <string.h>

#include "ownerlock/lock.h"

// Types one field (digits, then '#'); false if the lock reported an error.
typedef bool (*engine_ack_type)(const uint8_t *digits, uint8_t n);

static inline bool engine_recovery_ack(const ol_lock *lock, engine_ack_type type) {
    uint8_t groups[OL_RECOVERY_GROUPS][OL_RECOVERY_GROUP_DIGITS + 1];
    const ol_outputs *out = ol_lock_outputs(lock);
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        if (strncmp(out->line[0], "RECOVERY ", 9) != 0 || out->line[0][9] != '1' + g) {
            return false;
        }
        const char *text = out->line[1]; // "4821 7"
        for (int d = 0; d < OL_RECOVERY_GROUP_DIGITS; d++) {
            groups[g][d] = (uint8_t)(text[d] - '0');
        }
        groups[g][OL_RECOVERY_GROUP_DIGITS] = (uint8_t)(text[OL_RECOVERY_GROUP_DIGITS + 1] - '0');
        if (!type(NULL, 0)) {
            return false;
        }
    }
    for (int g = 0; g < OL_RECOVERY_GROUPS; g++) {
        if (!type(groups[g], OL_RECOVERY_GROUP_DIGITS + 1)) {
            return false;
        }
    }
    return strncmp(out->line[1], "SAVED", 5) == 0;
}

#endif
