#!/bin/sh
# ownerlock — mps2-an385: `make size`. Runs the lock-body firmware through
# systest/workload.rig (every engine path the keypad reaches, and a session
# handshake at each power-up) to measure the stack high-water mark, then
# prints flash and RAM: the image's totals, and per module from the same
# objects linked without LTO when the image is an LTO one (size-report.sh).
#
# usage: size.sh BUILD_DIR
set -eu
build=${1:?usage: size.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$here/systest/build-rig.sh" "$build"
if ! timeout "${OL_QEMU_TIMEOUT:-120}" "$build/an385-rig" --firmware "$build/ownerlock-an385.elf" \
    --state "$work" "$here/systest/workload.rig" >"$work/out" 2>&1; then
    cat "$work/out" >&2
    echo "size: the stack workload failed" >&2
    exit 1
fi
hwm=$(awk '/^stack high-water/ { print $3 }' "$work/out")
modules=""
grep -q ltrans "$build/ownerlock-an385.map" && modules="$build/ownerlock-an385-modules.map"
"$here/size-report.sh" "$build/ownerlock-an385.map" "$modules" "$hwm"
