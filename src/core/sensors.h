// ownerlock — what the lock body senses and moves: the door, the bolt, the
// battery, the remote-disable input (internal).
#ifndef OWNERLOCK_CORE_SENSORS_H
#define OWNERLOCK_CORE_SENSORS_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

// The door switch: closing it ends any showing of the recovery code and,
// with the bolt retracted, arms the relock.
void ol_door_changed(ol_lock *lock, bool open);
// The relock: the bolt is thrown once its time has come.
ol_err ol_bolt_timer(ol_lock *lock) OL_MUST_CHECK;
// Power returns: a commissioned lock throws the bolt whatever it was.
void ol_bolt_at_power_up(ol_lock *lock);
ol_err ol_battery_measured(ol_lock *lock, uint32_t mv) OL_MUST_CHECK;
// Too low to change the lock (programming functions are refused).
bool ol_battery_critical(const ol_lock *lock);
ol_err ol_remote_disable_changed(ol_lock *lock, bool on) OL_MUST_CHECK;

#endif
