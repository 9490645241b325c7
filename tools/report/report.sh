#!/bin/sh
# ownerlock — `make report`: run the test suite, the brute-force model, the
# fuzzers and the Cortex-M3 size and instruction counts with their output
# captured, then write the security report from what they printed:
#   BUILD_DIR/report/security-report.md, security-report.html,
#   attacker-progress.svg, and every log under BUILD_DIR/report/logs/.
#
# usage: tools/report/report.sh [BUILD_DIR]     (default build, already built)
#
# Environment:
#   JOBS                    parallel ctest jobs (default: nproc)
#   OL_REPORT_DIR           where the report goes (default BUILD_DIR/report)
#   OL_REPORT_FUZZ_SECONDS  seconds per libFuzzer target (default 10; 0 skips)
#   OL_REPORT_TARGET        1: build the mps2-an385 image and run what
#                           `make size` and `make bench` run; 0: skip them;
#                           default 1 when the cross compiler and QEMU exist
#   TARGET_BUILD            the cross build directory (default build-an385)
#   MAKE                    make program for `make target` (default make)
#
# Exit status: 0 when every test and step passed, 1 when any failed (the
# report is written either way and says what), 2 when no report was written.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
if ! build=$(cd "$build" 2>/dev/null && pwd); then
    echo "report: no build directory ${1:-build} (run make all)" >&2
    exit 2
fi
gen="$root/tools/report/report.py"
if ! command -v python3 >/dev/null 2>&1; then
    echo "report: no python3 (scripts/install-deps.sh installs it)" >&2
    exit 2
fi
out=${OL_REPORT_DIR:-$build/report}
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
logs="$out/logs"
rm -rf "$logs"
mkdir -p "$logs/fuzz" || exit 2
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
make=${MAKE:-make}
steps="$logs/steps.txt"
: >"$steps"

now() { date +%s; }
# step NAME STATUS START: one line of steps.txt, "name status seconds".
step() { echo "$1 $2 $(($(now) - $3))" >>"$steps"; }
say() { echo "report: $*"; }

# ---- the machine and the tree ----------------------------------------------------
{
    echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        echo "dirty=yes"
    else
        echo "dirty=no"
    fi
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "nproc=$(nproc 2>/dev/null || echo unknown)"
    echo "machine=$(uname -m)"
    echo "system=$(uname -s -r)"
    echo "cc=$(cc --version 2>/dev/null | head -n 1)"
    echo "cmake=$(cmake --version 2>/dev/null | head -n 1)"
    echo "build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null)"
} >"$logs/meta.txt"

# ---- the test suite ----------------------------------------------------------------
say "the test suite: ctest -j $jobs (output in $logs/ctest.log)"
t0=$(now)
ctest --test-dir "$build" -N >"$logs/ctest-list.txt" 2>&1
# Whole outputs in the JUnit file: the figures come from them.
ctest --test-dir "$build" -j "$jobs" --output-junit "$logs/ctest-junit.xml" \
    --test-output-size-passed 1048576 --test-output-size-failed 1048576 \
    >"$logs/ctest.log" 2>&1
step ctest $? "$t0"
grep -E 'tests passed|tests failed out of' "$logs/ctest.log" | sed 's/^/report:   /'

# ---- brute force, from the engine's penalty rule ---------------------------------------
t0=$(now)
"$build/brute_force_model" --table >"$logs/bruteforce-table.txt" 2>&1 &&
    "$build/brute_force_model" --curve >"$logs/bruteforce-curve.txt" 2>&1
step bruteforce $? "$t0"

# ---- fuzzing ---------------------------------------------------------------------------
secs=${OL_REPORT_FUZZ_SECONDS:-10}
t0=$(now)
if [ "$secs" = 0 ]; then
    step fuzz skipped "$t0"
else
    say "fuzzing: fuzz/run.sh $secs (output in $logs/fuzz.txt)"
    OL_FUZZ_LOGS="$logs/fuzz" CC=clang "$root/fuzz/run.sh" "$secs" >"$logs/fuzz.txt" 2>&1
    step fuzz $? "$t0"
fi

# ---- the Cortex-M3 target: the same commands as `make size` and `make bench` ----------
target=${OL_REPORT_TARGET:-}
if [ -z "$target" ]; then
    target=0
    if command -v arm-none-eabi-gcc >/dev/null 2>&1 && command -v qemu-system-arm >/dev/null 2>&1; then
        target=1
    fi
fi
tb=${TARGET_BUILD:-build-an385}
t0=$(now)
if [ "$target" = 1 ]; then
    say "the target: make target, then size and bench (output in $logs/)"
    (cd "$root" && $make --no-print-directory target TARGET_BUILD="$tb") \
        >"$logs/target-build.log" 2>&1
    status=$?
    step target $status "$t0"
    if [ $status = 0 ]; then
        t0=$(now)
        (cd "$root" && ports/mps2-an385/size.sh "$tb") >"$logs/size.txt" 2>&1
        step size $? "$t0"
        t0=$(now)
        (cd "$root" && bench/run-bench.sh "$tb") >"$logs/bench.txt" 2>&1
        step bench $? "$t0"
        t0=$(now)
        say "the fault sweep: tests/fault/run.sh (output in $logs/fault-check.txt)"
        (cd "$root" && tests/fault/run.sh "$tb") >"$logs/fault-check.txt" 2>&1
        step fault-check $? "$t0"
    else
        step size blocked "$t0"
        step bench blocked "$t0"
        step fault-check blocked "$t0"
    fi
else
    step target skipped "$t0"
    step size skipped "$t0"
    step bench skipped "$t0"
    step fault-check skipped "$t0"
fi

# ---- the report ------------------------------------------------------------------------
"$gen" --root "$root" --logs "$logs" --out "$out"
status=$?
if [ $status -ge 2 ]; then
    echo "report: no report written" >&2
    exit 2
fi
# A step that failed fails the report, whatever the generator made of it.
if awk '$2 ~ /^[0-9]+$/ && $2 != 0 { bad = 1 } END { exit !bad }' "$steps"; then
    status=1
fi
say "$out/security-report.md"
say "$out/security-report.html"
say "$(awk '{ s += $3 } END { print s }' "$steps") s in all; $(
    [ $status = 0 ] && echo "everything passed" || echo "FAILED: see the report's summary"
)"
exit $status
