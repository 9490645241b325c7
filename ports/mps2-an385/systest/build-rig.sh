#!/bin/sh
# Build the system test rig (a host program, systest/CMakeLists.txt) into
# BUILD_DIR/an385-rig.
# usage: build-rig.sh BUILD_DIR
set -eu
build=${1:?usage: build-rig.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
# The host's compiler, not the target build's cross compiler.
cmake -S "$here" -B "$build/rig" -DCMAKE_C_COMPILER="${CC:-cc}" >"$build/rig.cmake.log" 2>&1 || {
    cat "$build/rig.cmake.log" >&2
    exit 1
}
cmake --build "$build/rig" -j 2
cp "$build/rig/an385-rig" "$build/an385-rig"
