#!/bin/sh
# One-time codes and close seals (issue 18, docs/FLEET.md), end to end in the
# simulator: a fleet's provisioning file through the service port; a code then
# its one-time code opens, once; the close seal after the bolt is thrown; the
# look-ahead; a code of another slot, a used one, an older one refused and
# counted; dual control takes one for each person; a cut after an opening
# shows the seal at power-up with the cut counted; a release code is no
# one-time code; off again only with the fleet's release code, and another
# key held back until then; the answer to the provisioning is a receipt whose
# identity is the one the lock's exports carry, under a tag by the key. The
# expected digits and tags come from Python's hmac, an implementation
# independent of the lock's.
# usage: one-time-codes.sh SIM
set -u
sim=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tool="$(dirname "$sim")/ownerlock"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

printf 'ownerlock otc provisioning 1\nlock 12345\nkey %s\n' \
    000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >fleet.otc
printf 'ownerlock otc provisioning 1\nlock 12345\nkey %s\n' \
    ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >other.otc
printf 'ownerlock otc provisioning 1\nlock 12345\nkey %s\ncounter 20\n' \
    000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >raised.otc
# otc KIND COUNTER SLOT [RECORDS]: the eight digits (docs/FLEET.md).
otc() {
    python3 - "$@" <<'PY'
import hashlib, hmac, struct, sys
kind, counter, slot = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
records = int(sys.argv[4]) if len(sys.argv) > 4 else 0
msg = b"ownerlock otc 1\0" + kind.encode() + struct.pack("<II", 12345, counter) + bytes([slot, records])
mac = hmac.new(bytes(range(32)), msg, hashlib.sha256).digest()
print("".join(str((mac[2 * i] << 8 | mac[2 * i + 1]) % 10) for i in range(8)))
PY
}
# play SCRIPT: a fresh safe runs it; the test ends at the first expectation
# that fails.
play() {
    out=$("$sim" --seed 1 --script "$1" 2>&1)
    rc=$?
    if [ "$rc" != 0 ]; then
        printf '%s\n' "$out" | tail -n 25
        echo "FAIL: one-time-codes.sh $1 (sim exited $rc)"
        exit 1
    fi
}
seal() { # the display's line 2 for a seal: RR-SSSS-SSSS
    s=$(otc S "$1" "$2" "$3")
    printf '%02d-%s-%s' "$3" "$(echo "$s" | cut -c1-4)" "$(echo "$s" | cut -c5-8)"
}

cat >otc.sim <<EOF
keys 482915# 482915#
wait 3s
keys *
keys *02 482915# 01# 730164# 730164#
expect event audit kind=user_added slot=1
wait 4s
# Before the fleet sets it: a code alone opens, as ever.
door close
keys 482915#
expect event audit kind=open slot=0
door open
service plug
keys *19 482915#
expect display SERVICE
service otc fleet.otc
expect event audit kind=service slot=0 arg=16384
expect display ONE-TIME CODES \| ON
door close
wait 3s
# The code, then its one-time code (counter 0): open, once.
keys 482915#
expect display ONE-TIME CODE
keys $(otc C 0 0)#
expect event audit kind=one_time_code slot=0 arg=0
expect bolt retracted
door open
door close
wait 3s
expect event audit kind=close_seal slot=0 arg=1
expect display CLOSE SEAL \| $(seal 0 0 1)
# Used: never again (a counted wrong try).
keys 482915#
keys $(otc C 0 0)#
expect event audit kind=wrong_code
expect bolt extended
# Another slot's one-time code does not go with this code.
keys 482915#
keys $(otc C 1 1)#
expect event audit kind=wrong_code
# Counter 2 before 1 (1 issued and never typed): taken, and 1 is older now: refused
# (twenty-second outside evaluation: an older code still opened after a newer one).
keys 482915#
keys $(otc C 2 0)#
expect event audit kind=one_time_code slot=0 arg=2
expect bolt retracted
wait 8s
expect bolt extended
expect event audit kind=close_seal slot=0 arg=1
expect display CLOSE SEAL \| $(seal 2 0 1)
keys 730164#
keys $(otc C 1 1)#
expect event audit kind=wrong_code
expect display WRONG CODE \| ONE-TIME CODE
keys 730164#
keys $(otc C 3 1)#
expect event audit kind=one_time_code slot=1 arg=3
expect bolt retracted
wait 8s
expect event audit kind=close_seal slot=1 arg=1
# Beyond the look-ahead (8 from the oldest not used, 4): refused.
keys 482915#
keys $(otc C 12 0)#
expect event audit kind=wrong_code
# A cut right after an opening: the seal at power-up, the cut counted in it.
keys 482915#
keys $(otc C 4 0)#
expect event audit kind=open slot=0
power off
power on
expect event audit kind=close_seal slot=0 arg=2
expect display CLOSE SEAL \| $(seal 4 0 2)
# A second opening while the door still stands open: the seal counts from the first
# (twenty-second evaluation: it began again, and a 01 hid what happened in between).
keys 482915#
keys $(otc C 5 0)#
expect bolt retracted
door open
keys *02 482915# 03# 918273# 918273#
expect event audit kind=user_added slot=3
wait 4s
keys 730164#
keys $(otc C 6 1)#
expect event audit kind=open slot=1
door close
wait 3s
expect event audit kind=close_seal slot=1 arg=4
expect display CLOSE SEAL \| $(seal 6 1 4)
# A cut with the door open: no seal until the door is shut on the bolt.
keys 482915#
keys $(otc C 7 0)#
expect bolt retracted
door open
power off
power on
expect no-event audit kind=close_seal
door close
expect event audit kind=close_seal slot=0 arg=2
# The same provisioning file again keeps the counter: a used code stays used
# (twenty-second evaluation: counter 0 opened again).
keys 482915#
keys $(otc C 8 0)#
expect bolt retracted
door open
wait 2s
service plug
keys *19 482915#
service otc fleet.otc
expect display ONE-TIME CODES \| ON
door close
wait 3s
keys 482915#
keys $(otc C 8 0)#
expect event audit kind=wrong_code
# (That was the fifth wrong try: its lockout served.)
wait 6m
keys 482915#
keys $(otc C 9 0)#
expect bolt retracted
# '*' at ONE-TIME CODE drops the code; nothing counted.
keys 482915#
expect display ONE-TIME CODE
keys *
expect display CANCELLED
expect no-event audit kind=wrong_code
# Dual control: each of the two gives code and one-time code.
keys 482915#
keys $(otc C 10 0)#
expect bolt retracted
door open
keys *05 482915# 1#
expect display SAVED
wait 4s
door close
wait 3s
keys 482915#
keys $(otc C 11 0)#
expect event audit kind=first_code slot=0
expect display SECOND CODE
# The same code again: refused before a one-time code is asked (none used up).
keys 482915#
expect display NEED OTHER CODE
keys 730164#
expect display ONE-TIME CODE
keys $(otc C 12 1)#
expect event audit kind=open slot=1 arg=1
expect bolt retracted
door open
keys *05 482915# 730164# 0#
wait 4s
# Off: a code alone opens again (the fleet's release code, below).
service plug
keys *19 482915#
service otc off
expect display RELEASE CODE
keys $(otc R 13 0)#
expect display ONE-TIME CODES \| OFF
door close
wait 3s
keys 482915#
expect event audit kind=open slot=0
EOF
play otc.sim
# Release: a fresh safe with one-time codes on and opened once (counter 2).
cat >release.sim <<EOF
keys 482915# 482915#
wait 3s
keys *
wait 4s
service plug
keys *19 482915#
service otc fleet.otc
expect display ONE-TIME CODES \\| ON
door close
wait 3s
keys 482915#
keys $(otc C 2 0)#
expect bolt retracted
door open
wait 10s
# A release code is no one-time code: it does not open.
door close
wait 3s
keys 482915#
keys $(otc R 3 0)#
expect event audit kind=wrong_code
expect bolt extended
keys 482915#
keys $(otc C 3 0)#
expect bolt retracted
door open
# Off takes the fleet's release code, typed by the session's manager: one
# manager alone cannot take the lock out of the fleet's hands.
service plug
keys *19 482915#
service otc off
expect display RELEASE CODE
expect event audit kind=service slot=0 arg=16677
keys $(otc C 4 0)#
expect event audit kind=wrong_code
expect display WRONG CODE \| RELEASE CODE
service otc off
keys $(otc R 4 1)#
expect event audit kind=wrong_code
# Another key is held back until then (nothing changes).
service otc other.otc
expect event audit kind=service slot=0 arg=16395
service otc off
keys $(otc R 4 0)#
expect display ONE-TIME CODES \| OFF
expect event audit kind=service slot=0 arg=16640
# The counter is the lock's: the same key again (or another) goes on from
# it, and a used code never opens again (twenty-third outside evaluation).
service otc fleet.otc
expect display ONE-TIME CODES \| ON
door close
wait 3s
keys 482915#
keys $(otc C 2 0)#
expect event audit kind=wrong_code
expect bolt extended
keys 482915#
keys $(otc C 5 0)#
expect event audit kind=one_time_code slot=0 arg=5
expect bolt retracted
# The fleet's counter in the file raises the lock's, never lowers it: a lock
# erased and set up again takes no code issued before (twenty-fourth).
door open
service plug
keys *19 482915#
service otc off
keys $(otc R 6 0)#
expect display ONE-TIME CODES \| OFF
service otc raised.otc
expect event otc ok=true next=20
door close
wait 3s
keys 482915#
keys $(otc C 20 0)#
expect event audit kind=one_time_code slot=0 arg=20
expect bolt retracted
door open
service plug
keys *19 482915#
service otc fleet.otc
expect event otc ok=true next=21
EOF
play release.sim
# The counters from 0xFF000000 on are no fleet's: a file there is refused (a
# file at the last one left the lock no code, nor a release, for good:
# twenty-sixth outside evaluation); the one before is the last a file sets.
printf 'ownerlock otc provisioning 1\nlock 12345\nkey %s\ncounter 4278190080\n' \
    000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >end.otc
printf 'ownerlock otc provisioning 1\nlock 12345\nkey %s\ncounter 4278190079\n' \
    000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >last.otc
cat >end.sim <<EOF
keys 482915# 482915#
wait 3s
keys *
wait 4s
service plug
keys *19 482915#
service otc end.otc
expect event otc ok=false
service otc last.otc
expect event otc ok=true next=4278190079
door close
wait 3s
keys 482915#
keys $(otc C 4278190079 0)#
expect bolt retracted
door open
service plug
keys *19 482915#
service otc off
keys $(otc R 4278190080 0)#
expect display ONE-TIME CODES \| OFF
EOF
play end.sim
# The receipt: the whole answer, its identity the export's (the owner's tool
# reads it from the sealed export), its tag HMAC(key, the rest)'s first 16
# bytes; one bit changed anywhere and it does not verify.
cat >receipt.sim <<EOF
keys 482915# 482915#
wait 3s
keys *
wait 4s
service plug
keys *19 482915#
service otc raised.otc
expect event otc ok=true next=20
service export audit trail.txt
EOF
play receipt.sim
receipt=$(printf '%s\n' "$out" | sed -n 's/.*"type":"otc".*"receipt":"\([0-9a-f]*\)".*/\1/p')
identity=$(printf '%s\n' "$out" | sed -n 's/.*"type":"otc".*"identity":"\([0-9a-f]*\)".*/\1/p')
if ! "$tool" audit verify --key "$root/tests/keys/sim-owner.key" --json trail.json trail.txt \
    >/dev/null 2>&1; then
    echo "FAIL: one-time-codes.sh: the owner's tool does not verify the export"
    exit 1
fi
python3 - "$receipt" "$identity" trail.json <<'PY' || exit 1
import hashlib, hmac, json, struct, sys
receipt, identity = bytes.fromhex(sys.argv[1]), sys.argv[2]
exported = json.load(open(sys.argv[3]))["lock"]
text = b"ONE-TIME CODES ON"
def verifies(r):
    body, tag = r[:-16], r[-16:]
    return hmac.compare_digest(hmac.new(bytes(range(32)), body, hashlib.sha256).digest()[:16], tag)
checks = [
    (receipt[:2 + len(text)] == bytes([0, len(text)]) + text, "the answer's result and text"),
    (len(receipt) == 2 + len(text) + 4 + 32 + 16, "the receipt's length"),
    (struct.unpack("<I", receipt[19:23])[0] == 20, "the receipt's counter"),
    (receipt[23:55].hex() == identity == exported, "the receipt's identity is the export's"),
    (verifies(receipt), "the receipt's tag"),
]
for i in range(len(receipt) * 8):
    bent = bytearray(receipt)
    bent[i // 8] ^= 1 << (i % 8)
    if verifies(bytes(bent)):
        checks.append((False, "bit %d changed and the tag still verifies" % i))
        break
bad = [what for good, what in checks if not good]
for what in bad:
    print("FAIL: one-time-codes.sh:", what)
sys.exit(1 if bad else 0)
PY
echo "one-time codes: all passed"

