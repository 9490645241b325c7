// ownerlock — what fault_verdict() (tests/fault/harness.c, on the target)
// tells the sweep (tests/fault/skip.c, on the host): one bit each.
#ifndef OWNERLOCK_TESTS_FAULT_VERDICT_H
#define OWNERLOCK_TESTS_FAULT_VERDICT_H

#define VERDICT_OPENED 1u      // the bolt output said retracted, now or a second later
#define VERDICT_DETECTED 2u    // the lock stopped itself (ol_fault_detected, or a store check)
#define VERDICT_COUNTED 4u     // the wrong try is in flash: a reboot sees it
#define VERDICT_BRICKED 8u     // a reboot finds the store damaged: STORAGE FAULT
#define VERDICT_NEW 16u        // the lock takes itself for new: it would take a new manager code
#define VERDICT_NEW_REBOOT 32u // ... and so does the next power-up (after a reset)
// What an attacker wants: after a run that returned, the lock as it runs on,
// or the next power-up; after one that crashed or hung, what its RAM said
// about the bolt, or the power-up after the reset (tests/fault/skip.c).
#define VERDICT_TAKEN (VERDICT_OPENED | VERDICT_NEW | VERDICT_NEW_REBOOT)

#endif
