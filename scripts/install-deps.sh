#!/bin/sh
# Install the Debian packages ownerlock needs, only those missing.
# Used by `make check` and `make demo`; safe to run again.
set -eu
PKGS="build-essential cmake pkg-config libsodium-dev libncurses-dev valgrind clang libclang-rt-14-dev"
# The security report's generator (tools/report/report.py).
PKGS="$PKGS python3"
# The Cortex-M reference board (ports/mps2-an385): cross compiler, its C library, QEMU.
PKGS="$PKGS gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"
# The instruction-skip fault sweep (tests/fault): Unicorn, a Cortex-M3 emulator library.
PKGS="$PKGS libunicorn-dev"
# The fleet service (tools/fleet): PostgreSQL, the server its test starts and the client library.
PKGS="$PKGS postgresql libpq-dev"
# Its HTTP side (ownerlock-fleet serve), and the headless browser its test drives.
PKGS="$PKGS libmicrohttpd-dev chromium"
PKGS="$PKGS ${OL_EXTRA_PKGS:-}"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps: not a Debian system; install by hand: $PKGS" >&2
    exit 0
fi
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: need root (or sudo) to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
