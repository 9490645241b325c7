// ownerlock — the open decision (internal; docs/POLICY.md is the rules
// for people, and each rule has its file: duress.c, timelock.c, delay.c,
// dual.c).
#ifndef OWNERLOCK_CORE_OPENING_H
#define OWNERLOCK_CORE_OPENING_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"
#include "refusal.h"

// An entry at the idle screen: a code that opens if every rule agrees.
ol_err ol_open_attempt(ol_lock *lock, const ol_event *ev) OL_MUST_CHECK;
// The rules from the time delay on, for a valid code of `slot` (fih token
// `grant`): one_time says its one-time code was given (onetime.c).
ol_err ol_open_rules(ol_lock *lock, uint8_t slot, uint32_t grant, bool one_time) OL_MUST_CHECK;

// Has whoever is at the keypad just served every rule in force
// (docs/POLICY.md)? REFUSAL_NONE if so, else why a relaxing change is refused.
enum refusal ol_rules_served(const ol_lock *lock);
#endif
