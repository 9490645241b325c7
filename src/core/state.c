// ownerlock — the readings of the lock's state that every part shares.
#include "state.h"

uint32_t ol_countdown_left(const ol_lock *lock, const ol_countdown *c) {
    uint64_t served = lock->now - c->base;
    return served >= c->ms ? 0 : (uint32_t)(c->ms - served);
}

uint32_t ol_until(const ol_lock *lock, uint64_t t) {
    return t > lock->now ? (uint32_t)(t - lock->now) : 0;
}
