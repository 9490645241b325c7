// ownerlock — the readings of the lock's state that every part shares.
#include "state.h"

uint32_t ol_countdown_left(const ol_lock *lock, const ol_countdown *c) {
    uint64_t served = lock->now - c->base;
    return served >= c->ms ? 0 : (uint32_t)(c->ms - served);
}

bool ol_countdown_checkpoint(const ol_lock *lock, const ol_countdown *c, uint32_t *left) {
    *left = ol_countdown_left(lock, c);
    return c->ms != 0 && (*left == 0 || lock->now - c->saved >= OL_PENALTY_CHECKPOINT_MS);
}

uint32_t ol_until(const ol_lock *lock, uint64_t t) {
    return t > lock->now ? (uint32_t)(t - lock->now) : 0;
}
