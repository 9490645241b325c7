#!/bin/sh
# ownerlock — mps2-an385: the bootloader in QEMU (`make boot-check`; run by
# run-tests.sh when the host build's tool is there).
#
# usage: run-boot-tests.sh HOST_BUILD TARGET_BUILD
#
# Builds the bootloader (pinning the TEST key of scripts/firmware.sh, made
# once in TARGET_BUILD) and the lock body linked after it, signs the lock body
# with that key, and boots QEMU's mps2-an385 with the bootloader as -kernel
# and a flash file laid out as config.h's defaults say (the boot area from
# sector OL_BOOT_FIRST_SECTOR = 54, slots of 13 sectors of 4 KiB):
#   1. ACTIVE holds the signed lock body: it is verified and the lock body runs;
#   2. ACTIVE tampered, BACKUP good: BACKUP is copied back and runs;
#   3. ACTIVE signed by another key: halted, with its message;
#   4. nothing in the flash: halted, with its message.
# (1. and 2. also check the lock body found the bootloader's table, boot_api.h.)
set -u
host=${1:?usage: run-boot-tests.sh HOST_BUILD TARGET_BUILD}
target=${2:?usage: run-boot-tests.sh HOST_BUILD TARGET_BUILD}
root=$(cd "$(dirname "$0")/../../.." && pwd)
timeout=${OL_QEMU_TIMEOUT:-120}
tool="$host/ownerlock"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=""

. "$(dirname "$0")/layout.sh"
ACTIVE=$FIRST
BACKUP=$((FIRST + 2 * SLOT))

test_key "$tool" "$target" || exit 1
cmake --build "$target" -j2 --target ownerlock-boot ownerlock-an385-app >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; exit 1; }
version=$(tr -d ' \n' <"$root/VERSION")
image="$work/app.olfw"
"$tool" firmware sign --key "$key" --version "$version" "$target/ownerlock-an385-app.bin" \
    "$image" >/dev/null || exit 1
"$tool" firmware keygen "$work/other.key" >/dev/null
"$tool" firmware sign --key "$work/other.key" --version "$version" \
    "$target/ownerlock-an385-app.bin" "$work/other.olfw" >/dev/null || exit 1

place() { dd if="$3" of="$1" bs=$SECTOR seek="$2" conv=notrunc status=none; }

# boot NAME: QEMU with the bootloader on $work/NAME.flash; the console in NAME.out.
boot() {
    timeout "${2:-10}" qemu-system-arm -M mps2-an385 -nographic -monitor none \
        -semihosting-config enable=on,target=native -kernel "$target/ownerlock-boot.elf" \
        -append "flash=$work/$1.flash" >"$work/$1.out" 2>&1
    echo $? >"$work/$1.status"
}

# expect NAME TEXT...: each TEXT is a line of the console.
expect() {
    name=$1
    shift
    for want in "$@"; do
        if ! grep -qF "$want" "$work/$name.out"; then
            echo "FAIL boot/$name: no \"$want\" (status $(cat "$work/$name.status"))"
            sed 's/^/  /' "$work/$name.out"
            failed="$failed $name"
            return
        fi
    done
    echo "ok   boot/$name: $(grep -m1 '^boot:' "$work/$name.out")"
}

blank_flash "$work/signed.flash"
place "$work/signed.flash" $ACTIVE "$image"
blank_flash "$work/repair.flash"
place "$work/repair.flash" $ACTIVE "$image"
place "$work/repair.flash" $BACKUP "$image"
printf 'XXXX' | dd of="$work/repair.flash" bs=1 seek=$((ACTIVE * SECTOR + 128 + 2000)) \
    conv=notrunc status=none
blank_flash "$work/other.flash"
place "$work/other.flash" $ACTIVE "$work/other.olfw"
blank_flash "$work/empty.flash"

# The lock body runs until killed: 10 s for the ones that start it.
boot signed & boot repair & boot other & boot empty & wait

expect signed "boot: version $version" "verified, starting" "ownerlock lock body, mps2-an385" \
    "updates: on"
expect repair "verified, starting" "ownerlock lock body, mps2-an385"
# The repair copied BACKUP into ACTIVE: the flash's ACTIVE slot is the image again.
if ! cmp -s -n "$(wc -c <"$image")" -i "$((ACTIVE * SECTOR)):0" "$work/repair.flash" "$image"; then
    echo "FAIL boot/repair: ACTIVE was not restored from BACKUP"
    failed="$failed repair-flash"
fi
expect other "nothing verifies; no verified image to run: halted"
expect empty "nothing verifies; no verified image to run: halted"
for n in other empty; do
    [ "$(cat "$work/$n.status")" = 2 ] || { echo "FAIL boot/$n: status $(cat "$work/$n.status"), not 2"; failed="$failed $n"; }
done
if grep -q "ownerlock lock body" "$work/other.out" "$work/empty.out"; then
    echo "FAIL boot: a lock body ran from an image that does not verify"
    failed="$failed ran-unverified"
fi

if [ -n "$failed" ]; then
    echo "boot tests failed:$failed"
    exit 1
fi
echo "boot tests: all passed"
