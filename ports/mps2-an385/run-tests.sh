#!/bin/sh
# ownerlock — mps2-an385: the target test suite (`make target-check`).
#
# usage: run-tests.sh BUILD_DIR [HOST_BUILD]
#
#  1. unit tests built for the Cortex-M3, each run in
#       qemu-system-arm -M mps2-an385 -nographic
#         -semihosting-config enable=on,target=native -kernel TEST.elf
#     with a timeout (OL_QEMU_TIMEOUT, 120 s); the program prints
#     "N passed, M failed" through semihosting and its exit status is QEMU's;
#  2. system tests: the lock-body firmware in QEMU, the keypad on the host,
#     joined over the cable UART (systest/*.rig, run by an385-rig);
#  3. x25519_cm3.S is what gen_x25519_cm3.py writes;
#  4. with HOST_BUILD (its `ownerlock` tool signs images): the bootloader
#     (boot/run-boot-tests.sh), a firmware update through the service port
#     (boot/run-update-tests.sh) and a power cut at the flash operations of
#     an install (boot/run-cut-tests.sh).
# Everything runs side by side; the store's power-cut test is the longest.
set -u
build=${1:?usage: run-tests.sh BUILD_DIR [HOST_BUILD]}
host=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
timeout=${OL_QEMU_TIMEOUT:-120}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=""
start=$(date +%s)

report_units() {
    for t in $unit_tests; do
        read -r status secs <"$work/$t.status"
        grep -E 'passed|CHECK|fault|panic|cut points' "$work/$t.out" | sed "s/^/  /"
        want=0
        { [ "$t" = test_stack_guard ] || [ "$t" = test_key_fence ]; } && want=3
        if [ "$want" -ne 0 ]; then
            if [ "$status" -eq "$want" ] && grep -q '^fault: MemManage' "$work/$t.out"; then
                status=0
            else
                status=1
            fi
        fi
        if [ "$status" -eq 0 ]; then
            echo "ok   target/$t (${secs}s)"
        else
            [ "$status" -eq 124 ] && echo "  $t: timed out after ${timeout}s"
            echo "FAIL target/$t (status $status)"
            cat "$work/$t.out"
            failed="$failed $t"
        fi
    done
}

# Every program runs in its own QEMU, all side by side. test_stack_guard and
# test_key_fence must die of a MemManage fault: status 3 (board_panic) and the
# fault report.
unit_tests="test_core_rules test_link test_frame test_session test_body test_store test_target test_x25519 test_ed25519 test_stack_guard test_key_fence"
for t in $unit_tests; do
    (
        t0=$(date +%s)
        timeout "$timeout" qemu-system-arm -M mps2-an385 -nographic -monitor none \
            -semihosting-config enable=on,target=native -kernel "$build/$t.elf" \
            -append "flash=$work/$t.flash" >"$work/$t.out" 2>&1
        echo "$? $(($(date +%s) - t0))" >"$work/$t.status"
    ) &
done

# The system tests run in real time, mostly waiting: run them side by side.
if "$here/systest/build-rig.sh" "$build"; then
    for script in "$here"/systest/*.rig; do
        name=$(basename "$script" .rig)
        mkdir -p "$work/$name"
        (
            t0=$(date +%s)
            timeout "$timeout" "$build/an385-rig" --firmware "$build/ownerlock-an385.elf" \
                --state "$work/$name" "$script" >"$work/$name.out" 2>&1
            echo "$? $(($(date +%s) - t0))" >"$work/$name.status"
        ) &
    done
    wait
    report_units
    for script in "$here"/systest/*.rig; do
        name=$(basename "$script" .rig)
        read -r status secs <"$work/$name.status"
        if [ "$status" -eq 0 ]; then
            echo "ok   system/$name (${secs}s, $(sed -n 's/.*: \([0-9]* expectations.*\)/\1/p' "$work/$name.out"))"
        else
            echo "FAIL system/$name (status $status)"
            cat "$work/$name.out"
            [ -f "$work/$name/qemu.log" ] && cat "$work/$name/qemu.log"
            failed="$failed $name"
        fi
    done
else
    wait
    report_units
    failed="$failed an385-rig"
fi

# The checked-in X25519 assembly is what its generator writes.
if python3 "$here/gen_x25519_cm3.py" | cmp -s - "$here/x25519_cm3.S"; then
    echo "ok   x25519_cm3.S is gen_x25519_cm3.py's output"
else
    echo "FAIL x25519_cm3.S differs from gen_x25519_cm3.py's output (run it again)"
    failed="$failed x25519_cm3.S"
fi

if [ -n "$host" ] && [ -x "$host/ownerlock" ]; then
    "$here/boot/run-boot-tests.sh" "$host" "$build" || failed="$failed bootloader"
    "$here/boot/run-update-tests.sh" "$host" "$build" || failed="$failed update"
    "$here/boot/run-cut-tests.sh" "$host" "$build" || failed="$failed power-cuts"
else
    echo "skip bootloader tests (no host build's ownerlock tool: make all)"
fi

if [ -n "$failed" ]; then
    echo "target tests failed:$failed"
    exit 1
fi
echo "target tests: all passed in $(($(date +%s) - start))s"
