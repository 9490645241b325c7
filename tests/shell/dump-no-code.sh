#!/bin/sh
# The flash side of a debug-port dump ("CodeSnatch", 2025; J. Rowley and
# M. Omo, DEF CON 33, read a Securam ProLogic keypad's memory and found the
# super code): invariant 2, codes are kept only as MACs. The keypad unit's RAM
# and stack, and a keypad made from its dump: tests/attacks/keypad-dump-codesnatch.c.
#
# `dump lock` and `dump keypad` contain no enrolled code in any encoding:
# ASCII, one digit per byte, packed BCD in either nibble order.
# usage: dump-no-code.sh SIM
set -u
sim=$1
codes="482915 190283 66106610"
out=$("$sim" --seed 3 --script - <<'SCRIPT'
keys 482915# 482915#
door close
wait 2s
keys *02 482915# 07# 190283# 190283#
keys *02 482915# 12# 66106610# 66106610#
keys 190283#
wait 7s
keys 66106610#
wait 7s
dump lock
dump keypad
SCRIPT
)
status=$?
[ $status = 0 ] || { echo "sim exited $status"; printf '%s\n' "$out" | tail -5; exit 1; }

hexdump_of() { # the hex of one unit's dump event, lower case
    printf '%s\n' "$out" | grep "\"type\":\"dump\"" | grep "\"unit\":\"$1\"" |
        sed 's/.*"hex":"\([0-9a-fA-F]*\)".*/\1/' | tr 'A-F' 'a-f'
}
lock=$(hexdump_of lock)
keypad=$(hexdump_of keypad)
[ ${#lock} -gt 100000 ] || { echo "no lock dump (${#lock} hex digits)"; exit 1; }
[ ${#keypad} -gt 1000 ] || { echo "no keypad dump"; exit 1; }

. "$(dirname "$0")/codes.inc"
bad=0
for c in $codes; do
    for e in $(encodings "$c"); do
        for unit in lock keypad; do
            img=$lock; [ $unit = keypad ] && img=$keypad
            if [ -n "$(found_at_byte "$img" "$e")" ]; then
                echo "code $c found in the $unit dump as $e"; bad=1
            fi
        done
    done
done
# The detector works: a planted code is found.
[ -n "$(found_at_byte "00${lock}3438323931350000" "343832393135")" ] || { echo "detector broken"; exit 1; }
[ $bad = 0 ] && echo "dump-no-code: 3 codes x 4 encodings x 2 units: none found"
exit $bad
