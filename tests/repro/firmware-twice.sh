#!/bin/sh
# ownerlock — the reproducible build (`make repro-check`, part of `make
# check`; issue 15): the lock-body firmware of the reference board, built
# twice from the same sources in two different places (the tree as it is, and
# a copy of it deeper in another directory, each with its own build
# directory), must give the same bytes. The digest an owner compares with a
# release's is then what anyone gets from the commit.
#
# usage: firmware-twice.sh [SOURCE_TREE]    (default: this tree)
# Prints the SHA-256 of the image body; exit 1 if the two builds differ.
set -eu
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build() { # build SOURCE BUILD_DIR
    cmake -S "$1/ports/mps2-an385" -B "$2" -DCMAKE_TOOLCHAIN_FILE="$1/cmake/arm-none-eabi.cmake" \
        -DOL_ALLOW_TEST_TRNG=ON >"$2.log" 2>&1 &&
        cmake --build "$2" --target ownerlock-an385 -j "${JOBS:-2}" >>"$2.log" 2>&1 || {
        echo "repro: the build in $2 failed:" >&2
        tail -n 30 "$2.log" >&2
        exit 1
    }
}

# The copy: every file git knows of or would add (no build output), elsewhere.
copy="$work/elsewhere/deeper/ownerlock"
mkdir -p "$copy"
(cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar cf -) |
    (cd "$copy" && tar xf -)

t0=$(date +%s)
build "$src" "$work/a"
build "$copy" "$copy/build-b"
a="$work/a/ownerlock-an385.bin"
b="$copy/build-b/ownerlock-an385.bin"
da=$(sha256sum "$a" | cut -c1-64)
db=$(sha256sum "$b" | cut -c1-64)
echo "repro: $src -> $(wc -c <"$a") bytes, SHA-256 $da"
echo "repro: $copy -> $(wc -c <"$b") bytes, SHA-256 $db"
if [ "$da" != "$db" ]; then
    echo "repro: FAIL: the same sources built in two places give different firmware" >&2
    cmp -l "$a" "$b" | head -n 10 >&2 || true
    exit 1
fi
echo "repro: the same bytes from both places ($(($(date +%s) - t0)) s)"
