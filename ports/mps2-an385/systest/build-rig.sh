#!/bin/sh
# Build the system test rig (a host program) into BUILD_DIR/an385-rig.
# usage: build-rig.sh BUILD_DIR
set -eu
build=${1:?usage: build-rig.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../../.." && pwd)
port="$root/ports/mps2-an385"
# The keypad side on the host: the real keypad unit (keys, display, its end
# of the link, its store), the host port's file-backed flash and test TRNG,
# and the libsodium crypto backend — the firmware runs the built-in one, so
# every system test is also a test of the two against each other. Nothing of
# the lock body.
# shellcheck disable=SC2046
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -I"$root/include" -I"$root/src" -I"$root/ports/host" \
    $(pkg-config --cflags libsodium) -o "$build/an385-rig" \
    "$port/systest/an385-rig.c" \
    "$root/src/frontend/keypad.c" "$root/src/frontend/keypad_unit.c" \
    "$root/src/link/msg.c" "$root/src/link/frame.c" "$root/src/link/session.c" \
    "$root/src/store/kv.c" "$root/src/store/ring.c" \
    "$root/src/crypto/ct.c" "$root/src/crypto/hkdf.c" "$root/src/crypto/sodium/"*.c \
    "$root/ports/host/flash.c" "$root/ports/host/rng.c" \
    $(pkg-config --libs libsodium)
