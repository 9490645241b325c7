#!/bin/sh
# ownerlock — mps2-an385: a firmware update end to end in QEMU (`make
# boot-check`, and target-check with the host build): the bootloader, the
# lock body it starts, the keypad on UART1 and the service tool on UART2
# (the system test rig, ../systest), firmware-update.rig's steps.
#
# usage: run-update-tests.sh HOST_BUILD TARGET_BUILD
#
# The lock body is signed as version 5 (ACTIVE), 6 (the update), 4 (older);
# the update once more with a byte of its body changed (tampered), cut
# short (truncated), once
# signed by another key, and once signed by another key under the signing
# key's id (forged: refused by the bootloader at the install). OL_UPDATE_PLANT=skip-hash makes the test plant a
# flaw to see it fail: the rig types one '#' too few on the digest pages.
set -u
host=${1:?usage: run-update-tests.sh HOST_BUILD TARGET_BUILD}
target=${2:?usage: run-update-tests.sh HOST_BUILD TARGET_BUILD}
here=$(cd "$(dirname "$0")" && pwd)
host=$(cd "$host" && pwd)
target=$(cd "$target" && pwd)
tool="$host/ownerlock"
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

. "$here/layout.sh"

test_key "$tool" "$target" || exit 1
cmake --build "$target" -j2 --target ownerlock-boot ownerlock-an385-app >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; exit 1; }
"$here/../systest/build-rig.sh" "$target" >"$work/rig.log" 2>&1 || { cat "$work/rig.log"; exit 1; }
bin="$target/ownerlock-an385-app.bin"
for v in 4 5 6; do
    "$tool" firmware sign --key "$key" --version $v "$bin" "$work/v$v.olfw" >/dev/null || exit 1
done
"$tool" firmware keygen "$work/other.key" >/dev/null
"$tool" firmware sign --key "$work/other.key" --version 6 "$bin" "$work/other.olfw" >/dev/null || exit 1
mv "$work/v6.olfw" "$work/new.olfw"
mv "$work/v4.olfw" "$work/old.olfw"
cp "$work/new.olfw" "$work/tampered.olfw"
printf 'X' | dd of="$work/tampered.olfw" bs=1 seek=$((128 + 3000)) conv=notrunc status=none
head -c 20000 "$work/new.olfw" >"$work/truncated.olfw"
# Another key's signature under the signing key's id (header bytes 48..63).
cp "$work/other.olfw" "$work/forged.olfw"
dd if="$work/new.olfw" of="$work/forged.olfw" bs=1 skip=48 seek=48 count=16 conv=notrunc status=none

mkdir "$work/state"
blank_flash "$work/state/lock.flash"
dd if="$work/v5.olfw" of="$work/state/lock.flash" bs=$SECTOR seek=$FIRST conv=notrunc status=none

script="$here/firmware-update.rig"
if [ "${OL_UPDATE_PLANT:-}" = skip-hash ]; then
    sed 's/^keys ###$/keys ##/' "$script" >"$work/planted.rig"
    script="$work/planted.rig"
fi
cd "$work" || exit 1
if timeout "${OL_QEMU_TIMEOUT:-300}" "$target/an385-rig" --firmware "$target/ownerlock-boot.elf" \
    --state "$work/state" "$script" >"$work/out" 2>&1; then
    grep -E "stack high-water|expectations" "$work/out"
    echo "update tests: all passed"
    exit 0
fi
sed 's/^/  /' "$work/out"
[ -f "$work/state/qemu.log" ] && tail -20 "$work/state/qemu.log"
echo "update tests: FAILED"
exit 1
