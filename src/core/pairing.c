// ownerlock — what the engine decides about the keypad link.
//
// The link itself (frames, sessions, keys) is src/link; the engine keeps the
// lock body's identity and the pinned keypad key in its store, says when a
// new keypad may be paired, and logs refused frames without letting them
// flood the audit trail.
#include "pairing.h"

#include <string.h>

#include "audit.h"
#include "keystore.h"
#include "persist.h"
#include "store/store.h"
#include "recovery.h"
#include "state.h"

bool ol_lock_link_identity(const ol_lock *lock, uint8_t id[OL_LINK_ID_BYTES]) {
    if (lock->has_link_id) {
        memcpy(id, lock->link_id, OL_LINK_ID_BYTES);
    }
    return lock->has_link_id;
}

bool ol_lock_link_peer(const ol_lock *lock, uint8_t key[32]) {
    if (lock->has_link_peer) {
        memcpy(key, lock->link_peer, 32);
    }
    return lock->has_link_peer;
}

ol_err ol_lock_link_set_identity(ol_lock *lock, const uint8_t id[OL_LINK_ID_BYTES]) {
    return ol_keystore_save(lock, NULL, id); // the key store (keystore.h)
}

ol_err ol_lock_link_pair(ol_lock *lock, uint64_t now_ms, const uint8_t key[32]) {
    if (now_ms > lock->now) {
        lock->now = now_ms;
    }
    ol_err err = ol_kv_put(&lock->kv, KEY_LINK_PEER, key, 32);
    if (err) {
        return err;
    }
    memcpy(lock->link_peer, key, 32);
    lock->has_link_peer = true;
    lock->pair_until = 0;
    lock->pair_granted = false;
    return ol_audit_append(lock, OL_AUDIT_KEYPAD_PAIRED, OL_AUDIT_NO_SLOT, 0);
}

bool ol_lock_pairing_allowed(const ol_lock *lock) {
    if (!lock->door_open || lock->mode == MODE_FAULT) {
        return false;
    }
    return lock->mode == MODE_FACTORY || (lock->pair_until != 0 && lock->now < lock->pair_until);
}

bool ol_lock_take_pair_grant(ol_lock *lock) {
    bool granted = lock->pair_granted;
    lock->pair_granted = false;
    return granted;
}

static ol_err log_rejects(ol_lock *lock) {
    uint32_t count = lock->rejects_unlogged;
    lock->rejects_unlogged = 0;
    lock->reject_logged_at = lock->now == 0 ? 1 : lock->now;
    return ol_audit_append(lock, OL_AUDIT_KEYPAD_REJECTED, OL_AUDIT_NO_SLOT,
                           (uint16_t)(count > 0xFFFF ? 0xFFFF : count));
}

ol_err ol_lock_link_rejected(ol_lock *lock, uint64_t now_ms) {
    if (now_ms > lock->now) {
        lock->now = now_ms;
    }
    if (lock->mode == MODE_FAULT) {
        return OL_OK;
    }
    lock->rejects_unlogged++;
    // Written at the end of the minute (ol_link_reject_timer), or every 16: a
    // power cut loses fewer than 16, and a flood costs one write per 16.
    if (lock->reject_logged_at != 0 && lock->now < lock->reject_logged_at + OL_REJECT_LOG_MS &&
        lock->rejects_unlogged < 16u) {
        return OL_OK;
    }
    return log_rejects(lock);
}

ol_err ol_link_reject_timer(ol_lock *lock) {
    if (lock->rejects_unlogged != 0 && lock->now >= lock->reject_logged_at + OL_REJECT_LOG_MS) {
        return log_rejects(lock);
    }
    return OL_OK;
}

bool ol_lock_unpaired_screen(const ol_lock *lock) {
    // A lockout or a fault takes no keys from any keypad: it says so on
    // every keypad, rather than inviting a *99 it would not take.
    return ol_countdown_left(lock, &lock->lockout) != 0 || lock->mode == MODE_FAULT ||
           lock->mode == MODE_RECOVERY || lock->mode == MODE_SHOW_CODE ||
           ol_recovery_running(lock) ||
           (lock->mode == MODE_FUNCTION && lock->function == OL_FN_PAIR_KEYPAD) ||
           (lock->message_until != 0 && lock->event_unpaired);
}

// May a message from a keypad that is not paired reach the engine now?
bool ol_unpaired_may_pass(const ol_lock *lock, const ol_event *ev) {
    switch (ev->type) {
    case OL_EV_FUNCTION:
        return ev->function == OL_FN_RECOVERY ||
               (ev->function == OL_FN_PAIR_KEYPAD && lock->door_open);
    case OL_EV_CANCEL:
        return true;
    case OL_EV_ENTRY:
        // A code typed during a running recovery, on whatever keypad is
        // fitted (the thief's own), stops it; it never opens (ol_open_attempt).
        return lock->mode == MODE_RECOVERY || lock->mode == MODE_SHOW_CODE ||
               (lock->mode == MODE_IDLE && ol_recovery_running(lock)) ||
               (lock->mode == MODE_FUNCTION && lock->function == OL_FN_PAIR_KEYPAD &&
                lock->door_open);
    default:
        return true;
    }
}
