#!/bin/sh
# ownerlock — the instruction-skip fault sweep (`make fault-check`, part of
# `make check`). See tests/fault/skip.c.
#
# usage: tests/fault/run.sh TARGET_BUILD [skip options, e.g. --all]
#
#  1. the sweep over the lock as built (fault_harness.elf), over a wrong
#     entry (in plain mode and in ID mode), a wrong one-time code and a
#     power-up: no skip may open it;
#  2. the self-test of each: the same sweep over the lock built without the
#     hardening (fault_harness_weak.elf, OL_FIH_TEST_WEAK: the open decision
#     on one reading, the power-up without its second reading of the store)
#     must find an opening, or it could not find one anywhere.
set -eu
build=${1:?usage: run.sh TARGET_BUILD [options]}
shift
here=$(cd "$(dirname "$0")" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 16 ] && jobs=16
skip="$build/fault-skip"
# The sweep is host code: built here, like bench/'s QEMU plugin.
# shellcheck disable=SC2046 # the warnings (cmake/warnings.txt) are words
"${CC:-cc}" -O2 $(cat "$here/../../cmake/warnings.txt") -I "$here/../common" -o "$skip" \
    "$here/skip.c" -lunicorn

# Each run under attack: a wrong entry, one in ID mode (*18), a wrong one-time
# code, and a power-up.
for run in entry entry-id one-time-code boot; do
    flag=""
    [ "$run" = boot ] && flag=--boot
    [ "$run" = entry-id ] && flag=--id
    [ "$run" = one-time-code ] && flag=--otc
    t0=$(date +%s)
    "$skip" "$build/fault_harness.elf" $flag --jobs "$jobs" "$@"
    echo "fault-check: the $run sweep took $(($(date +%s) - t0)) s"
    t0=$(date +%s)
    if ! "$skip" "$build/fault_harness_weak.elf" $flag --jobs "$jobs" --expect-open; then
        echo "fault-check: FAIL: the self-test found no opening in the unhardened build" >&2
        exit 1
    fi
    echo "fault-check: the $run self-test took $(($(date +%s) - t0)) s"
done
