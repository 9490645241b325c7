#!/bin/sh
# ownerlock — build the libFuzzer targets and run each for SECONDS.
#
#   fuzz/run.sh [SECONDS]        (default 10)
#
# Targets: fuzz_frame (the frame decoder on arbitrary bytes), fuzz_session
# (the lock body after a handshake, and the strict decoding of what it
# decrypts), fuzz_engine (keypad entry and the menus of a commissioned lock,
# with a bolt monitor) and fuzz_store (the store's boot-time recovery from
# arbitrary flash images, and power cuts in a run of writes) and fuzz_ed25519
# (signature verification against libsodium) and fuzz_image (a firmware
# image's header and check on arbitrary bytes) and fuzz_service (the service
# port of a commissioned lock: requests, keys, time and the door) and fuzz_dial
# (the dial unit's turns through the keypad logic, against a model of the dial's
# grammar). Built by CMake
# (fuzz/CMakeLists.txt) with clang -fsanitize=fuzzer,address,undefined from the
# library's sources, built-in crypto, on the host port. Seeds come from
# fuzz/corpus/<target>/ (read only); new inputs go to build-fuzz/corpus/<target>/.
# A finding stops the run with the crash file in build-fuzz/ and exit status 1.
#
# Environment: CC (default clang), OL_FUZZ_BUILD (default build-fuzz),
# OL_FUZZ_JOBS (parallel fuzzing processes per target, default 1),
# OL_FUZZ_LOGS (where each target's log fuzz_<target>.log goes, default
# OL_FUZZ_BUILD; `make report` reads them from there), OL_FUZZ_BUILD_JOBS
# (parallel compiles, default 2).
# Needs libFuzzer: on Debian 12 the package libclang-rt-14-dev.
set -eu

secs=${1:-10}
case $secs in
'' | *[!0-9]*)
    echo "usage: $0 [SECONDS]" >&2
    exit 2
    ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OL_FUZZ_BUILD:-$root/build-fuzz}
cc=${CC:-clang}
jobs=${OL_FUZZ_JOBS:-1}
logs=${OL_FUZZ_LOGS:-$out}
mkdir -p "$out" "$logs"

# Is libFuzzer there? (clang's runtime comes in a separate package.)
probe="$out/probe.c"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$probe"
if ! "$cc" -fsanitize=fuzzer "$probe" -o "$out/probe" 2>"$out/probe.log"; then
    echo "fuzz/run.sh: '$cc -fsanitize=fuzzer' does not link (see $out/probe.log)." >&2
    echo "  On Debian 12: apt-get install clang libclang-rt-14-dev" >&2
    exit 2
fi

# The build: fuzz/CMakeLists.txt (the library's sources from cmake/sources.cmake).
cmake -S "$root/fuzz" -B "$out" -DCMAKE_C_COMPILER="$cc" >"$out/cmake.log" 2>&1 || {
    cat "$out/cmake.log" >&2
    exit 2
}
cmake --build "$out" -j "${OL_FUZZ_BUILD_JOBS:-2}"

status=0
for target in frame session engine store ed25519 image service dial; do
    bin="$out/fuzz_$target"
    mkdir -p "$out/corpus/$target"
    echo "== fuzz_$target: $secs s"
    log="$logs/fuzz_$target.log"
    parallel=""
    if [ "$jobs" -gt 1 ]; then # children log to build-fuzz/fuzz-N.log
        parallel="-jobs=$jobs -workers=$jobs"
    fi
    # shellcheck disable=SC2086
    if (cd "$out" && "$bin" -max_total_time="$secs" -print_final_stats=1 $parallel \
        "$out/corpus/$target" "$root/fuzz/corpus/$target") >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
        echo "   ok: ${runs:-?} executions, ${rate:-?} exec/s (log: $log)"
    else
        echo "   FAILED: see $log" >&2
        tail -n 40 "$log" >&2
        status=1
    fi
done
exit $status
