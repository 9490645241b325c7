#!/bin/sh
# Firmware updates through the service port, in the simulator (issue 15): the
# images a lock meets (the next version signed by the maker, the same with its
# body changed, cut short, an older one, one of another signer, one of another
# signer under the maker's key id, noise), made
# with the owner's tool and the simulated maker's TEST key
# (tests/keys/sim-maker.key), then each script of tests/firmware run from the
# directory that holds them.
# usage: firmware-update.sh SIM   (the tool is built next to the simulator)
set -u
sim=$1
tool=$(dirname "$sim")/ownerlock
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$tool" ] || { echo "no $tool: the ownerlock tool is not built next to the simulator"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
maker="$root/tests/keys/sim-maker.key"
cd "$tmp" || exit 1
head -c 30000 /dev/urandom >body
sign() { "$tool" firmware sign --key "$1" --version "$2" body "$3" >/dev/null || exit 1; }
sign "$maker" 3 v3.olfw
sign "$maker" 1 v1.olfw
sign "$maker" 1234567890 vbig.olfw
"$tool" firmware keygen other.key >other.pub || exit 1
sign other.key 4 v4-other.olfw
# The body changed after signing: one byte in the middle.
cp v3.olfw v3-tampered.olfw
printf '\125' | dd of=v3-tampered.olfw bs=1 seek=20000 conv=notrunc 2>/dev/null
head -c 29000 v3.olfw >v3-truncated.olfw
# Bytes after the end its header gives.
cp v3.olfw v3-padded.olfw
head -c 100 /dev/zero >>v3-padded.olfw
# Another key's signature under the maker's key id (header bytes 48..63).
cp v4-other.olfw v4-forged.olfw
dd if=v3.olfw of=v4-forged.olfw bs=1 skip=48 seek=48 count=16 conv=notrunc 2>/dev/null
head -c 5000 /dev/urandom >noise.bin
head -c 100 /dev/urandom >tiny.bin
fail=0
for script in "$root"/tests/firmware/*.sim; do
    if sh "$root/tests/run-sim.sh" 0 "$sim" "$script"; then
        echo "ok   $(basename "$script")"
    else
        fail=1
    fi
done
exit $fail
