// The simulated safe's maker: a TEST signing key that every simulated lock
// body trusts (its seed is tests/keys/sim-maker.key, so a test can sign
// images the simulated lock takes), and the factory image a new simulated
// lock body leaves the factory with. No lock in use may ever pin this key.
#ifndef OWNERLOCK_SIM_MAKER_H
#define OWNERLOCK_SIM_MAKER_H

#include <stddef.h>
#include <stdint.h>

#include "ownerlock/boot.h"

// The maker's Ed25519 public key (of tests/keys/sim-maker.key).
const uint8_t *sim_maker_key(void);
// Puts the factory image (version OL_SIM_FACTORY_VERSION, signed by the
// maker) in ACTIVE of an area that has none; returns what flash said.
#define OL_SIM_FACTORY_VERSION 2u
ol_err sim_maker_factory_install(const ol_boot_area *area) OL_MUST_CHECK;

#endif
