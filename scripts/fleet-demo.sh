#!/bin/sh
# `make fleet-demo`: the owner's fleet service with three simulated locks, in
# one command (docs/FLEET.md). A PostgreSQL server of its own in a temporary
# directory (tests/fleet/pg.sh: a Unix socket only), the fleet set up with the
# command line, three simulated safes commissioned and given their one-time
# code keys through their service ports, then `ownerlock-fleet serve` on
# 127.0.0.1 until Ctrl-C, which removes it all.
#
# usage: scripts/fleet-demo.sh BUILD_DIR [--check]
#   --check: set it all up, check the page answers, and stop (the test).
set -u
build=${1:?usage: fleet-demo.sh BUILD_DIR [--check]}
check=${2:-}
fleet="$build/ownerlock-fleet"
sim="$build/ownerlock-sim"
port=${FLEET_DEMO_PORT:-8450}
for p in "$fleet" "$sim"; do
    [ -x "$p" ] || { echo "fleet-demo: no $p: make all first"; exit 1; }
done
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/fleet/pg.sh
. "$root/tests/fleet/pg.sh"

serve_pid=""
before_cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
    wait 2>/dev/null
}

fleet_owner_key
setup "" init
setup dora-demo-pass dispatcher add dora dispatcher
setup eve-demo-pass dispatcher add eve dispatcher
setup ada-demo-pass dispatcher add ada admin
setup "" person add "Alex Teller"
for n in 101 102 103; do
    setup "" lock add $n "Branch $n, vault"
    setup "" person slot "Alex Teller" $n 0
    setup "" lock provision $n "$tmp/$n.otc"
    # The safe: manager code 482915 (no recovery code kept: a demo), then a
    # service session takes the fleet's key; the door shut.
    printf '%s\n' "keys 482915# 482915#" "wait 3s" "keys *" "wait 4s" "service plug" \
        "keys *19 482915#" "service otc $tmp/$n.otc" "expect display ONE-TIME CODES \\| ON" \
        "door close" "wait 3s" >"$tmp/$n.sim"
    if ! "$sim" --state "$tmp/lock-$n" --script "$tmp/$n.sim" >"$tmp/$n.out" 2>&1; then
        echo "fleet-demo: simulated lock $n: $(tail -n 3 "$tmp/$n.out")"
        exit 1
    fi
    # Its answer, the receipt: the lock's counter and the identity its audit
    # exports carry, pinned before any is taken in.
    setup "" lock receipt $n "$(sim_receipt "$tmp/$n.out")"
done

"$fleet" serve --listen "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
serve_pid=$!
up=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
    if python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/', timeout=1)" \
        2>/dev/null; then
        up=1
        break
    fi
    sleep 0.5
done
if [ $up = 0 ]; then
    echo "fleet-demo: the service did not answer on 127.0.0.1:$port: $(cat "$tmp/serve.log")"
    exit 1
fi
if [ "$check" = --check ]; then
    echo "fleet-demo: three locks provisioned, the page answers on 127.0.0.1:$port"
    exit 0
fi
cat <<EOF

  The fleet service: http://127.0.0.1:$port/  (dispatchers dora / dora-demo-pass and
  eve / eve-demo-pass; ada / ada-demo-pass is the admin)

  Three simulated safes, locks 101, 102 and 103, manager code 482915, in one-time code mode.
  In another terminal, open one:
      $sim --state $tmp/lock-101
  On the page: dispatch lock 101 for "Alex Teller" and note the code. At the keypad:
  482915#, then the code and #. Press d twice (open, then shut the door): the lock shows its
  close seal. Enter it on the page: the dispatch closes.

  Ctrl-C here stops the service and the database and removes $tmp.
EOF
wait "$serve_pid"
