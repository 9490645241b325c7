#!/bin/sh
# ownerlock — the bootloader's instruction-skip fault sweep (part of
# `make fault-check`, after the lock's; issue 15). See tests/fault/boot-skip.c.
#
# usage: tests/fault/boot-run.sh TARGET_BUILD [boot-skip options, e.g. --all --stride 1000]
#
#  1. the self-test: the sweep over the bootloader built with its verdicts on
#     one reading (fault_boot_harness_weak.elf, OL_FIH_TEST_WEAK) must find a
#     skip that boots an unverified image, or it could not find one anywhere;
#  2. the sweep over the bootloader as built (fault_boot_harness.elf), every
#     case: no skip may boot an unverified image.
set -eu
build=${1:?usage: boot-run.sh TARGET_BUILD [options]}
shift
here=$(cd "$(dirname "$0")" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 16 ] && jobs=16
sweep="$build/fault-boot-skip"
cmake --build "$build" -j "$jobs" --target fault_boot_harness fault_boot_harness_weak >/dev/null
# Host code, built here like the lock's sweep; libsodium signs the images.
# shellcheck disable=SC2046 # the warnings (cmake/warnings.txt) are words
"${CC:-cc}" -O2 $(cat "$here/../../cmake/warnings.txt") -I "$here/../common" -o "$sweep" \
    "$here/boot-skip.c" -lunicorn -lsodium

t0=$(date +%s)
if ! "$sweep" "$build/fault_boot_harness_weak.elf" --case other-signer --jobs "$jobs" \
    --expect-boot; then
    echo "fault-check: FAIL: the bootloader self-test booted nothing in the one-reading build" >&2
    exit 1
fi
echo "fault-check: the bootloader self-test took $(($(date +%s) - t0)) s"
t0=$(date +%s)
"$sweep" "$build/fault_boot_harness.elf" --jobs "$jobs" "$@"
echo "fault-check: the bootloader sweep took $(($(date +%s) - t0)) s"
