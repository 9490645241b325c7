#!/bin/sh
# Run one simulator script and require a given exit status.
# usage: run-sim.sh STATUS SIM SCRIPT
# A script in a directory named dial, or named dial-*, runs with the dial unit
# (--frontend dial).
want=$1 sim=$2 script=$3
frontend=keypad
case $script in */dial/* | */dial-*) frontend=dial ;; esac
out=$("$sim" --seed 1 --frontend "$frontend" --script "$script" 2>&1)
got=$?
if [ "$got" != "$want" ]; then
    printf '%s\n' "$out" | tail -n 40
    echo "run-sim: $script exited $got, expected $want"
    exit 1
fi
if [ "$want" != 0 ]; then
    printf '%s\n' "$out" | tail -n 3
fi
exit 0
