#!/bin/sh
# ownerlock-fleet serve (docs/FLEET.md, "The web service") against a real
# PostgreSQL (tests/fleet/pg.sh) and a real browser: the fleet is set up with
# the command line, then tests/fleet/web.py checks the HTTP API with its own
# client and drives the dispatchers' page in headless Chromium over the
# DevTools protocol.
# usage: web.sh FLEET   (the ownerlock-fleet program)
set -u
fleet=$1
[ -x "$fleet" ] || { echo "no $fleet: build ownerlock-fleet first"; exit 1; }
# Skip only where the browser cannot be had the Debian way.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    if command -v dpkg-query >/dev/null 2>&1; then
        echo "no chromium: scripts/install-deps.sh installs it"; exit 1
    fi
    echo "SKIP: no chromium, and not a Debian system to install it on"; exit 0
fi
command -v python3 >/dev/null || { echo "python3 is needed (scripts/install-deps.sh)"; exit 1; }

# shellcheck source=tests/fleet/pg.sh
. "$(dirname "$0")/pg.sh"

fleet_owner_key

setup "" init
setup "" lock add 777 "Branch 7, vault"
setup "" lock add 778 "Depot <b>north</b>"
setup "" lock provision 777 "$tmp/777.otc"
setup "" lock provision 778 "$tmp/778.otc"
setup "" person add "Sam Imms"
setup "" person add "Robert'); DROP TABLE fleet.people;--"
setup "" person slot "Sam Imms" 777 2
setup "" person slot "Robert'); DROP TABLE fleet.people;--" 777 5
setup "" person slot "Sam Imms" 778 0
setup dora-password-1 dispatcher add dora dispatcher
setup eve-password-22 dispatcher add eve dispatcher
setup ada-password-333 dispatcher add ada admin
setup bob-password-4444 dispatcher add bob admin
setup lou-password-4444 dispatcher add lou dispatcher
setup "o'brien-password" dispatcher add "x' OR '1'='1" dispatcher

PGBIN=$pgbin TMP=$tmp BROWSER=$browser python3 "$(dirname "$0")/web.py" "$fleet"
