#!/bin/sh
# ownerlock-fleet serve (docs/FLEET.md, "The web service") against a real
# PostgreSQL (tests/fleet/pg.sh) and a real browser: the fleet is set up with
# the command line, then tests/fleet/web.py checks the HTTP API with its own
# client and drives the dispatchers' page in headless Chromium over the
# DevTools protocol. A simulated lock's audit trail, exported through its
# service port and taken in, is the one the page shows with its plots.
# usage: web.sh FLEET [SIM]   (the ownerlock-fleet program, the simulator;
#                              the owner's tool is the ownerlock beside FLEET)
set -u
fleet=$1
sim=${2:-$(dirname "$fleet")/ownerlock-sim}
[ -x "$fleet" ] || { echo "no $fleet: build ownerlock-fleet first"; exit 1; }
[ -x "$sim" ] || { echo "no $sim: build ownerlock-sim first"; exit 1; }
OWNERLOCK_TOOL="$(dirname "$fleet")/ownerlock"
export OWNERLOCK_TOOL
[ -x "$OWNERLOCK_TOOL" ] || { echo "no $OWNERLOCK_TOOL: build ownerlock-cli first"; exit 1; }
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
setup "" lock add 780 "Vault <script>alert(1)</script> & <b>co</b>"
setup "" lock provision 780 "$tmp/780.otc"

# A lock's trail on three days (the lock's clock set twice, *08): six
# openings, three by slot 0 and three by slot 5; five wrong codes and the
# lockout they make; exported through the service port, verified by the
# owner's tool with the simulator's TEST owner key, and taken in for locks
# 777 and 780 (778 has none: the page says so) once the receipt of each
# lock's provisioning pinned its identity.
cat >"$tmp/lock.sim" <<SIMEOF
keys 482915# 482915#
wait 3s
keys *
wait 4s
keys *02 482915# 05# 264803# 264803#
wait 3s
door close
wait 2s
keys 482915#
wait 7s
keys 264803#
wait 7s
keys *08 482915# 20260102# 0900#
expect display CLOCK SET
wait 3s
keys 264803#
wait 7s
keys 111111# 111112# 111113# 111114# 111115# 111116#
expect event audit kind=lockout
wait 6m
keys 264803#
wait 7s
keys *08 482915# 20260105# 1400#
expect display CLOCK SET
wait 3s
keys 482915#
wait 7s
keys 482915#
door open
service plug
keys *19 482915#
service otc $tmp/777.otc
expect event otc ok=true
service export audit $tmp/lock.audit
expect event export ok=true result=OK
SIMEOF
if ! "$sim" --seed 1 --script "$tmp/lock.sim" >"$tmp/lock.out" 2>&1; then
    echo "FAIL: the simulated lock's export: $(tail -n 5 "$tmp/lock.out")"
    exit 1
fi
# The same story on another safe (another seed: another identity) for 780:
# the fleet takes no lock's export for another's.
sed -e "s|$tmp/lock.audit|$tmp/lock-780.audit|" -e "s|$tmp/777.otc|$tmp/780.otc|" "$tmp/lock.sim" \
    >"$tmp/lock-780.sim"
if ! "$sim" --seed 2 --script "$tmp/lock-780.sim" >"$tmp/lock-780.out" 2>&1; then
    echo "FAIL: the second simulated lock's export: $(tail -n 5 "$tmp/lock-780.out")"
    exit 1
fi
owner_audit_key="$(cd "$(dirname "$0")/../.." && pwd)/tests/keys/sim-owner.key"
setup "" lock receipt 777 "$(sim_receipt "$tmp/lock.out")"
setup "" lock receipt 780 "$(sim_receipt "$tmp/lock-780.out")"
setup "" audit ingest 777 "$tmp/lock.audit" "$owner_audit_key"
setup "" audit ingest 780 "$tmp/lock-780.audit" "$owner_audit_key"

PGBIN=$pgbin TMP=$tmp BROWSER=$browser python3 "$(dirname "$0")/web.py" "$fleet"
