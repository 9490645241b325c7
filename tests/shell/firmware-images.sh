#!/bin/sh
# `ownerlock firmware`, end to end (issue 15): a new key, an image signed
# with it and checked as a lock checks it (the firmware's own ol_image_check);
# refused, each with its own message and exit 2: another signer, a truncated
# image, a body changed after signing, a header changed after signing (the
# version raised), a file that is no image; a key file is never overwritten;
# and signing is deterministic: the same body, key and version give the same
# bytes.
# usage: firmware-images.sh SIM   (the tool is built next to the simulator)
set -u
tool=$(dirname "$1")/ownerlock
[ -x "$tool" ] || { echo "no $tool: the ownerlock tool is not built next to the simulator"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
checks=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { checks=$((checks + 1)); }

# refused PATTERN CMD...: CMD exits 2 and says PATTERN on stderr.
refused() {
    pattern=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ $status != 2 ]; then bad "exit $status, not 2: $*"; cat "$tmp/err"
    elif ! grep -q "$pattern" "$tmp/err"; then bad "no '$pattern' in: $(cat "$tmp/err")"
    else ok; fi
}

"$tool" firmware keygen "$tmp/key" >"$tmp/pub" || bad "keygen failed"
"$tool" firmware keygen "$tmp/other" >"$tmp/otherpub" || bad "keygen failed"
pub=$(cat "$tmp/pub")
[ ${#pub} -eq 64 ] && ok || bad "public key is not 64 hex digits: $pub"
[ "$(stat -c %a "$tmp/key")" = 600 ] && ok || bad "the key file is readable by others"
refused "never overwritten" "$tool" firmware keygen "$tmp/key"

head -c 20000 /dev/urandom >"$tmp/body"
"$tool" firmware sign --key "$tmp/key" --version 12 "$tmp/body" "$tmp/img" >"$tmp/shown" || bad "sign failed"
[ "$(wc -c <"$tmp/img")" -eq 20128 ] && ok || bad "image is not the body and a 128-byte header"
grep -q '^version   12$' "$tmp/shown" && ok || bad "sign does not show the version"
"$tool" firmware verify --pub "$pub" "$tmp/img" >"$tmp/out" 2>&1 && grep -q '^good' "$tmp/out" && ok ||
    bad "a good image is refused: $(cat "$tmp/out")"
# The digest shown is the body's SHA-256, in groups.
want=$(sha256sum "$tmp/body" | cut -c1-64 | tr a-f A-F)
got=$(sed -n '/^digest/,$p' "$tmp/shown" | tail -n 4 | tr -d ' \n')
[ "$want" = "$got" ] && ok || bad "digest shown $got, body's SHA-256 $want"
# Deterministic.
"$tool" firmware sign --key "$tmp/key" --version 12 "$tmp/body" "$tmp/img2" >/dev/null
cmp -s "$tmp/img" "$tmp/img2" && ok || bad "signing the same body twice gave different images"

refused "OTHER SIGNER" "$tool" firmware verify --pub "$(cat "$tmp/otherpub")" "$tmp/img"
head -c 15000 "$tmp/img" >"$tmp/short"
refused "WRONG LENGTH" "$tool" firmware verify --pub "$pub" "$tmp/short"
cp "$tmp/img" "$tmp/body-changed"
printf 'X' | dd of="$tmp/body-changed" bs=1 seek=9000 conv=notrunc 2>/dev/null
refused "IMAGE CORRUPT" "$tool" firmware verify --pub "$pub" "$tmp/body-changed"
# The version raised in the header (byte 8, little-endian): the signature no longer holds.
cp "$tmp/img" "$tmp/newer"
printf '\377' | dd of="$tmp/newer" bs=1 seek=9 conv=notrunc 2>/dev/null
refused "OTHER SIGNER" "$tool" firmware verify --pub "$pub" "$tmp/newer"
refused "NOT AN IMAGE" "$tool" firmware verify --pub "$pub" "$tmp/body"
refused "64 hex digits" "$tool" firmware verify --pub 1234 "$tmp/img"
refused "1..4294967295" "$tool" firmware sign --key "$tmp/key" --version 0 "$tmp/body" "$tmp/x"
refused "not a signing key" "$tool" firmware sign --key "$tmp/body" --version 1 "$tmp/body" "$tmp/x"

echo "firmware-images: $checks checks"
exit $fail
