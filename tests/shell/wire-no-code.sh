#!/bin/sh
# Sniffing the keypad cable (2022; Etienne Sellan; Sentry Safe by Master
# Lock): a $5 logic analyser on the keypad's wire read each code as it was
# typed, because the digits crossed the cable in clear. Stopped by invariant 2
# (codes are never sent in clear): the cable carries only AEAD-sealed frames
# of one fixed size. The other cable attacks are in tests/attacks/
# (cable-frame-injection, cable-replay, keypad-swap).
#
# Issue 3: a recorded session (`wire record`) carries no code, in any
# encoding, and the keypad sends one fixed-size frame per entry whatever the
# code length. The recording covers a power-up (handshake), commissioning,
# the recovery code shown once and typed back, enrolling codes of 8 and 12 digits, openings
# with codes of 6, 8 and 12 digits, wrong entries of every length from 1 to
# 16 digits (in four runs of the same safe), a function and a cancel. Each frame is searched as sent and
# COBS-decoded for every code as ASCII, one digit per byte and packed BCD in
# either nibble order, and for the recovery code.
# usage: wire-no-code.sh SIM
set -u
sim=$1
codes="482915 19628374 735196428317"
script=$(cat <<'SCRIPT'
wire record on
power off
power on
keys 482915# 482915#
wait 3s
capture RC1 RECOVERY 1/5 \| ([0-9]{4} [0-9])
keys #
capture RC2 RECOVERY 2/5 \| ([0-9]{4} [0-9])
keys #
capture RC3 RECOVERY 3/5 \| ([0-9]{4} [0-9])
keys #
capture RC4 RECOVERY 4/5 \| ([0-9]{4} [0-9])
keys #
capture RC5 RECOVERY 5/5 \| ([0-9]{4} [0-9])
keys #
keys ${RC1}# ${RC2}# ${RC3}# ${RC4}# ${RC5}#
expect display RECOVERY CODE \| SAVED
door close
wait 2s
keys *02 482915# 07# 19628374# 19628374#
keys *02 482915# 12# 735196428317# 735196428317#
keys 19628374#
wait 7s
keys 735196428317#
wait 7s
keys 482915#
wait 7s
WRONG
keys 482915#
wait 7s
keys *09
keys *
wire record off
SCRIPT
)
# The wrong entries in four runs of the same safe (the same seed), four to a
# run: a fifth would start a lockout, and an opening takes back only what
# the lock has earned in a day of powered time (docs/POLICY.md).
out=
all=
for wrong in "5# 52# 527# 5274#" "52741# 527418# 5274189# 52741896#" \
    "527418963# 5274189631# 52741896315# 527418963157#" \
    "5274189631572# 52741896315726# 527418963157264# 5274189631572648#"; do
    run=$(printf '%s\n' "$script" | sed "s/^WRONG\$/keys $wrong/")
    all="$all
$run"
    got=$(printf '%s\n' "$run" | "$sim" --seed 5 --script -)
    status=$?
    [ $status = 0 ] || { echo "sim exited $status"; printf '%s\n' "$got" | tail -5; exit 1; }
    out="$out
$got"
done

# One line per frame: direction, wire hex, COBS-decoded hex (type len body CRC).
frames=$(printf '%s\n' "$out" | grep '"type":"frame"' |
    sed 's/.*"dir":"\([a-z>]*\)","hex":"\([0-9a-f]*\)".*/\1 \2/' |
    awk -v H=0123456789abcdef 'function byte(i) { return substr(hex, 2 * i - 1, 2) }
         { hex = $2; n = length(hex) / 2; dec = ""; i = 2  # skip the leading 0x00
           while (i < n) {                                # and the trailing one
               code = index(H, substr(byte(i), 1, 1)) * 16 - 17 + index(H, substr(byte(i), 2, 1))
               i++
               for (k = 1; k < code && i < n; k++) { dec = dec byte(i); i++ }
               if (code < 255 && i < n) dec = dec "00"
           }
           print $1, hex, dec }')
nframes=$(printf '%s\n' "$frames" | grep -c .)
[ "$nframes" -gt 100 ] || { echo "only $nframes frames recorded"; exit 1; }

# The recovery code, as the display showed it ("RECOVERY 1/5 | 1234 5").
recovery=$(printf '%s\n' "$out" | grep '"type":"display"' |
    sed -n 's/.*"text":"RECOVERY [1-5]\/5 | \([0-9]\{4\}\) \([0-9]\).*/\1\2/p' | head -5 | tr -d '\n')
[ ${#recovery} = 25 ] || { echo "recovery code not seen (${#recovery} digits)"; exit 1; }

. "$(dirname "$0")/codes.inc"
# Every frame, as sent and decoded, one per line: a match cannot span frames.
haystack=$(printf '%s\n' "$frames" | awk '{ print $2; print $3 }')
bad=0
for c in $codes $recovery; do
    for e in $(encodings "$c"); do
        if [ -n "$(found_at_byte "$haystack" "$e")" ]; then
            echo "code $c found on the wire as $e"; bad=1
        fi
    done
done
for i in 1 2 3 4 5; do # each group of the recovery code as shown, "1234 5"
    g=$(printf '%s' "$recovery" | cut -c$((5 * i - 4))-$((5 * i)) | sed 's/\(....\)\(.\)/\1 \2/')
    e=$(printf '%s' "$g" | od -An -tx1 | tr -d ' \n')
    if [ -n "$(found_at_byte "$haystack" "$e")" ]; then
        echo "recovery group '$g' found on the wire as $e"; bad=1
    fi
done
# The detector works: a code planted in a frame is found.
[ -n "$(found_at_byte "$(printf '%s\n00%s3438323931350000' "$haystack" "$(printf '%s\n' "$frames" | awk 'NR==1{print $3}')")" "343832393135")" ] ||
    { echo "detector broken"; exit 1; }

# The keypad's frames: HELLO (89 bytes), FINISH (25) and DATA (81), nothing
# else; one DATA frame per message typed ('#' ends a field, '*' starts a
# function or cancels), never one per digit.
sizes=$(printf '%s\n' "$frames" | awk '$1 == "keypad>lock" { print substr($3, 1, 2), length($2) / 2 }' |
    sort | uniq -c | awk '{ printf "%s:%s=%s ", $2, $3, $1 }')
messages=$(printf '%s\n' "$all" | grep '^keys' | tr -cd '#*' | wc -c | tr -d ' ')
want="01:89=4 03:25=4 04:81=$messages "
if [ "$sizes" != "$want" ]; then
    echo "keypad frames by type:bytes=count: $sizes; expected $want"; bad=1
fi
[ $bad = 0 ] && echo "wire-no-code: $nframes frames, 3 codes and the recovery code x 4 encodings: none found; $messages keypad messages, each one DATA frame of 81 bytes"
exit $bad
