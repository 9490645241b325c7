#!/bin/sh
# ownerlock — the constant-time checks on the Cortex-M3 (`make ct-check`, part
# of `make check`; issue 14, docs/SECURITY.md invariant 3).
#
# usage: tests/ct/run-m3.sh TARGET_BUILD [--report-only]
#
#  1. the instruction scan (scan-insns.py): no UMULL, SMULL, UMLAL, SMLAL,
#     UDIV, SDIV (nor a call to a division helper) in the firmware's code that
#     handles secrets (tests/ct/secret.list), in ownerlock-an385.elf;
#  2. the trace (m3-trace.c, in Unicorn): X25519, the AEAD's seal and open,
#     the digit code and HMAC-SHA256 run with two secrets each (ct_harness.elf) execute no
#     variable-time instruction and the same instructions for both, and leave
#     nothing on the stack that differs between the two (the residue: what a
#     call left of its secret where no variable names it).
# Each has its self-test, run first and always enforced: the scan must find
# every flaw planted in tests/ct/planted.c (libct_planted.a), the trace the
# ones planted in the harness (ct_harness_flaw.elf, CT_TEST_FLAW: a product, a
# remainder, a branch and a copy of the secret left on the stack).
# --report-only: the checks of the real code print their findings but do not
# fail (the self-tests still do).
set -eu
build=${1:?usage: run-m3.sh TARGET_BUILD [--report-only]}
report_only=false
[ "${2:-}" = --report-only ] && report_only=true
here=$(cd "$(dirname "$0")" && pwd)
trace="$build/ct-trace"
# The trace is host code, built here like the fault sweep.
# shellcheck disable=SC2046 # the warnings (cmake/warnings.txt) are words
"${CC:-cc}" -O2 $(cat "$here/../../cmake/warnings.txt") -I "$here/../common" \
    -I "$here/../../tools/common" -o "$trace" "$here/m3-trace.c" "$here/../../tools/common/grow.c" \
    -lunicorn

now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# The self-tests: a check that cannot fail proves nothing.
t0=$(now)
if ! python3 "$here/scan-insns.py" --list "$here/planted.list" --expect-flaw \
    "$build/libct_planted.a"; then
    echo "ct-check: FAIL: the scan's self-test did not find every planted flaw" >&2
    exit 1
fi
echo "ct-check: the scan's self-test took $(took "$t0")"
t0=$(now)
if ! "$trace" "$build/ct_harness_flaw.elf" --expect-flaw; then
    echo "ct-check: FAIL: the trace's self-test did not find the planted flaw" >&2
    exit 1
fi
echo "ct-check: the trace's self-test took $(took "$t0")"

# The real code.
failed=""
t0=$(now)
python3 "$here/scan-insns.py" "$build/ownerlock-an385.elf" || failed="$failed scan"
echo "ct-check: the scan of the firmware took $(took "$t0")"
t0=$(now)
"$trace" "$build/ct_harness.elf" || failed="$failed trace"
echo "ct-check: the trace took $(took "$t0")"

if [ -n "$failed" ]; then
    if $report_only; then
        echo "ct-check: REPORT ONLY (issue 14): the firmware fails:$failed (see above);" \
            "not enforced until the crypto rewrite lands"
        exit 0
    fi
    echo "ct-check: FAIL:$failed" >&2
    exit 1
fi
echo "ct-check: the firmware passes both checks"
