// ownerlock — mps2-an385 port: build-time configuration overrides.
//
// Included by include/ownerlock/config.h through
// -DOL_CONFIG_FILE="board_config.h" (docs/PORTING.md). Anything not defined
// here keeps its documented default, so the lock behaves exactly as on the
// host; only what the board's RAM budget asks for changes.
#ifndef OWNERLOCK_AN385_BOARD_CONFIG_H
#define OWNERLOCK_AN385_BOARD_CONFIG_H

// The largest ring here is the audit ring (OL_AUDIT_SECTORS = 48); the
// default bound of 64 would keep 2 x 16 unused words per ring in RAM.
#define OL_RING_MAX_SECTORS 48

#endif
