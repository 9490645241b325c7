// The recovery code's hand-over (recovery_ack.h) on the bare engine: no keypad,
// no link. The display is the lock's outputs, and each field typed ('#' alone
// to page on, a group and its check digit then '#' to type it back) is one
// entry handed to the caller's `type`. For rigs that feed entries straight to
// ol_lock_event: the fault harness and the bench, which run on the target.
// The caller lets "LOCK IS SET UP" time out first.
#ifndef OWNERLOCK_TEST_ENGINE_ACK_H
#define OWNERLOCK_TEST_ENGINE_ACK_H

#include <stdbool.h>
#include <stdio.h>

#include "ownerlock/lock.h"
#include "recovery_ack.h"

// Types one field (digits, then '#'); false if the lock reported an error.
typedef bool (*engine_ack_type)(const uint8_t *digits, uint8_t n);

typedef struct engine_ack {
    const ol_lock *lock;
    engine_ack_type type;
    bool ok; // no field was refused with an error
} engine_ack;

static inline const char *engine_ack_display(void *ctx) {
    const engine_ack *a = ctx;
    static char text[2 * OL_DISPLAY_COLS + 4];
    const ol_outputs *out = ol_lock_outputs(a->lock);
    snprintf(text, sizeof text, "%s | %s", out->line[0], out->line[1]);
    return text;
}

static inline void engine_ack_keys(void *ctx, const char *keys) {
    engine_ack *a = ctx;
    uint8_t digits[OL_ENTRY_MAX_DIGITS];
    uint8_t n = 0;
    for (; *keys && a->ok; keys++) {
        if (*keys == '#') {
            a->ok = a->type(n ? digits : NULL, n);
            n = 0;
        } else if (*keys >= '0' && *keys <= '9' && n < sizeof digits) {
            digits[n++] = (uint8_t)(*keys - '0');
        }
    }
}

// True once the lock says RECOVERY CODE | SAVED.
static inline bool engine_recovery_ack(const ol_lock *lock, engine_ack_type type) {
    engine_ack a = {.lock = lock, .type = type, .ok = true};
    return recovery_ack(&a, engine_ack_display, engine_ack_keys, NULL) && a.ok;
}

#endif
