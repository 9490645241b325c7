#!/bin/sh
# ownerlock — `make firmware`: the reference board's lock-body firmware as a
# signed image (include/ownerlock/image.h), and its digest.
#
# usage: scripts/firmware.sh BUILD TARGET_BUILD
#   BUILD         the host build (for the ownerlock tool)
#   TARGET_BUILD  the mps2-an385 build (ownerlock-an385.bin, its body)
# Environment: OL_SIGNING_KEY, the signing key's file (`ownerlock firmware
# keygen`); without it, a TEST key made once in TARGET_BUILD, which no lock in
# use should ever pin. The version is the number in VERSION at the top.
set -eu
build=${1:?usage: firmware.sh BUILD TARGET_BUILD}
target=${2:?usage: firmware.sh BUILD TARGET_BUILD}
root=$(cd "$(dirname "$0")/.." && pwd)
tool="$build/ownerlock"
body="$target/ownerlock-an385.bin"
image="$target/ownerlock-an385.olfw"
version=$(tr -d ' \n' <"$root/VERSION")
key=${OL_SIGNING_KEY:-}
if [ -z "$key" ]; then
    key="$target/TEST-signing.key"
    if [ ! -f "$key" ]; then
        "$tool" firmware keygen "$key" >"$target/TEST-signing.pub"
    fi
    echo "firmware: signed with a TEST key ($key; public key in $target/TEST-signing.pub)."
    echo "firmware: set OL_SIGNING_KEY to your own key's file for images a lock will take."
fi
"$tool" firmware sign --key "$key" --version "$version" "$body" "$image"
echo "firmware: $image"
