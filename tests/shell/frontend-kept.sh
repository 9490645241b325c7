#!/bin/sh
# A safe keeps the front end it was made with (twenty-first outside
# evaluation, finding 1, medium): a keypad run on a dial safe's state made the
# self-powered lock body a battery one, whose clock a manager then set with
# *08, and the dial's quiet days, counted on that clock, forgave every wrong
# try. The simulator now refuses the other front end, both ways.
# usage: frontend-kept.sh SIM
set -u
sim=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
: >"$tmp/empty.sim"
for made in dial keypad; do
    other=keypad
    [ "$made" = keypad ] && other=dial
    "$sim" --seed 1 --frontend "$made" --state "$tmp/$made" --script "$tmp/empty.sim" >/dev/null 2>&1 ||
        { echo "FAIL: a $made safe could not be made"; fail=1; }
    if out=$("$sim" --seed 1 --frontend "$other" --state "$tmp/$made" --script "$tmp/empty.sim" 2>&1); then
        echo "FAIL: a $made safe ran with --frontend $other"
        fail=1
    elif ! printf '%s' "$out" | grep -q "this safe has a $made unit"; then
        echo "FAIL: the refusal does not say why: $out"
        fail=1
    fi
    "$sim" --seed 1 --frontend "$made" --state "$tmp/$made" --script "$tmp/empty.sim" >/dev/null 2>&1 ||
        { echo "FAIL: a $made safe did not run again with its own front end"; fail=1; }
done
[ "$fail" = 0 ] && echo "front end kept: all passed"
exit "$fail"
