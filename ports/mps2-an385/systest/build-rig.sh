#!/bin/sh
# Build the system test rig (a host program) into BUILD_DIR/an385-rig.
# usage: build-rig.sh BUILD_DIR
set -eu
build=${1:?usage: build-rig.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../../.." && pwd)
port="$root/ports/mps2-an385"
# The keypad side on the host: the real keypad unit, the message codec, the
# temporary cable framing; nothing of the lock body.
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -I"$root/include" -I"$port" -o "$build/an385-rig" \
    "$port/systest/an385-rig.c" "$port/cable.c" "$root/src/frontend/keypad.c" \
    "$root/src/link/msg.c" "$root/src/crypto/ct.c"
