#!/bin/sh
# ownerlock — `make size`'s bootloader lines: the bootloader's flash and RAM,
# the bootloader with the lock body against the 64 KiB budget, and the
# updating lock body's RAM against the 8 KiB one.
# usage: size.sh HOST_BUILD TARGET_BUILD
set -eu
host=${1:?usage: size.sh HOST_BUILD TARGET_BUILD}
target=${2:?usage: size.sh HOST_BUILD TARGET_BUILD}
. "$(dirname "$0")/layout.sh"
test_key "$host/ownerlock" "$target"
cmake --build "$target" -j2 --target ownerlock-boot ownerlock-an385-app >/dev/null
flash() { arm-none-eabi-size -A "$1" | awk '$1==".vectors"||$1==".text"||$1==".ARM.exidx"||$1==".data"{s+=$2} END{print s}'; }
ram() { arm-none-eabi-size -A "$1" | awk '$1==".stack"||$1==".data"||$1==".bss"{s+=$2} END{print s}'; }
boot=$(flash "$target/ownerlock-boot.elf")
body=$(flash "$target/ownerlock-an385-app.elf")
echo "bootloader: flash $boot bytes (of 17,408), RAM $(ram "$target/ownerlock-boot.elf") bytes (of 8,192, stack included)"
echo "bootloader + lock body: flash $((boot + body)) bytes of 65,536 ($boot + $body)"
body_ram=$(ram "$target/ownerlock-an385-app.elf")
echo "the updating lock body: RAM $body_ram bytes (of 8,192, stack included; no verifier on its stack)"
[ $((boot + body)) -le 65536 ] || { echo "over the 64 KiB budget"; exit 1; }
[ "$body_ram" -le 8192 ] || { echo "the lock body is over the 8 KiB RAM budget"; exit 1; }
[ "$body" -le 48128 ] || { echo "the lock body is over its 47 KiB region"; exit 1; }
# The lock body verifies nothing itself: Ed25519, SHA-512 and the image and
# boot-record code are the bootloader's, reached through its table (boot_api.h).
own=$(arm-none-eabi-nm "$target/ownerlock-an385-app.elf" |
    grep -cE ' [tT] (ol_ed25519_verify|ol_sha512|point_add|point_double|ol_image_check|ol_boot_)' || true)
if [ "$own" != 0 ]; then
    echo "the lock body links a verifier or boot-record code of its own ($own symbols)"
    exit 1
fi
echo "lock body: no verifier of its own (the bootloader's table at 0xC0 lends it)"
