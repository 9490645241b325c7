#!/bin/sh
# ownerlock — `make bench-fleet` (issue 18): the fleet service (docs/FLEET.md)
# with 100,000 locks and 1,000,000 past dispatches: one-time codes issued per
# second through `serve`'s API, the median and 99th percentile of one
# dispatch, seals verified per second, the listings (open dispatches, pages and
# searches of locks), logins refused while a name is locked out, and audit
# records taken in per second.
#
# usage: bench/fleet-bench.sh FLEET   (the ownerlock-fleet program)
#
# Its own PostgreSQL (tests/fleet/pg.sh: initdb in /tmp, a Unix socket only,
# removed at the end). The fleet is set up with the command line (dispatchers,
# people, BENCH_REAL_LOCKS real locks with sealed OTC keys, provisioned to
# files, people's slots), then bench/fleet_bench.py fills the tables to size
# with SQL and drives `serve` over HTTP. Two passes: fsync off (an upper
# bound) and fsync on (PostgreSQL's default). Environment: BENCH_N (the
# dispatches and seals timed per pass, 2000), BENCH_REAL_LOCKS (400: a lock
# has at most 7 codes out with no seal after them, the lock's look-ahead).
set -u
fleet=$1
[ -x "$fleet" ] || { echo "no $fleet: make all first"; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed (scripts/install-deps.sh)"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
real_locks=${BENCH_REAL_LOCKS:-400}
n=${BENCH_N:-2000}
started=$(date +%s)

# shellcheck source=tests/fleet/pg.sh
. "$here/../tests/fleet/pg.sh"

fleet_owner_key

echo "setting up with the command line: 4 dispatchers, 30 people, $real_locks locks, their slots"
setup "" init
for d in 1 2 3 4; do
    setup "bench-password-$d" dispatcher add "disp$d" dispatcher
done
for p in $(seq 1 30); do
    setup "" person add "$(printf 'Person %05d' "$p")"
done
mkdir "$tmp/keys" && chmod 700 "$tmp/keys"
k=0
while [ $k -lt "$real_locks" ]; do
    number=$((100000 + k))
    setup "" lock add $number "Branch $k, vault"
    setup "" lock provision $number "$tmp/keys/$number.otc"
    # Three people per lock, slots 1 to 3 (fleet_bench.py uses the same rule).
    for j in 0 1 2; do
        setup "" person slot "$(printf 'Person %05d' $(((3 * k + j) % 30 + 1)))" $number $((j + 1))
    done
    k=$((k + 1))
done
echo "  done in $(($(date +%s) - started)) s"

restart_server() { # restart_server FSYNC
    if ! as_server "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/server.log" -w -t 120 \
        -o "-c listen_addresses='' -k $tmp/pg -c fsync=$1" restart >"$tmp/pg_ctl.log" 2>&1; then
        echo "the server did not restart:"; cat "$tmp/pg_ctl.log"; exit 1
    fi
}

export PGBIN="$pgbin" TMP="$tmp" BENCH_N="$n" BENCH_REAL_LOCKS="$real_locks"
python3 "$here/fleet_bench.py" load "$fleet" || exit 1
python3 "$here/fleet_bench.py" run "$fleet" >"$tmp/off.txt" || { cat "$tmp/off.txt"; exit 1; }
restart_server on
python3 "$here/fleet_bench.py" run "$fleet" >"$tmp/on.txt" || { cat "$tmp/on.txt"; exit 1; }
python3 "$here/fleet_bench.py" report "$tmp/off.txt" "$tmp/on.txt" || exit 1
# The chain the load computed and the API extended, checked by the program.
t0=$(date +%s)
if ! "$fleet" log verify >"$tmp/verify.out" 2>&1; then
    echo "FAIL: log verify: $(cat "$tmp/verify.out")"; exit 1
fi
echo "log verify: $(head -n 1 "$tmp/verify.out") ($(($(date +%s) - t0)) s)"

# Audit records taken in: a simulated lock's trail of 4,096 records and more
# (2,100 openings, each an `open` and a `bolt_extended`), exported through its
# service port, then `audit ingest` into BENCH_INGEST_LOCKS locks' trails:
# each verified by the owner's tool (a process of its own) before its records
# are stored, as the service does for every export.
build=$(dirname "$fleet")
ingest_locks=${BENCH_INGEST_LOCKS:-10}
if [ -x "$build/ownerlock-sim" ] && [ -x "$build/ownerlock" ]; then
    owner_key="$here/../tests/keys/sim-owner.key"
    {
        printf 'keys 482915# 482915#\nwait 3s\nkeys *\nwait 4s\ndoor close\nwait 3s\n'
        i=0
        while [ $i -lt 2100 ]; do
            printf 'keys 482915#\nwait 7s\n'
            i=$((i + 1))
        done
        printf 'keys 482915#\ndoor open\nservice plug\nkeys *19 482915#\n'
        printf 'service otc OTC-FILE\n'
        printf 'service export audit %s\n' "$tmp/lock.audit"
    } >"$tmp/trail.sim"
    # One safe a lock (its own seed: its own identity), given the lock's
    # provisioning file: the receipt pins the identity, and the fleet takes no
    # lock's export for another's.
    t0=$(date +%s)
    k=0
    while [ $k -lt "$ingest_locks" ]; do
        sed "s|OTC-FILE|$tmp/keys/$((100000 + k)).otc|" "$tmp/trail.sim" >"$tmp/trail-$k.sim"
        if ! "$build/ownerlock-sim" --seed $((k + 1)) --script "$tmp/trail-$k.sim" \
            >"$tmp/trail.out" 2>&1; then
            echo "FAIL: the simulated lock's trail"; exit 1
        fi
        setup "" lock receipt $((100000 + k)) \
            "$(sim_receipt "$tmp/trail.out")"
        mv "$tmp/lock.audit" "$tmp/lock-$k.audit"
        k=$((k + 1))
    done
    records=$(grep -c '^record ' "$tmp/lock-0.audit")
    echo "audit ingest: $ingest_locks simulated locks' exports of $records records (made in $(($(date +%s) - t0)) s)"
    export OWNERLOCK_TOOL="$build/ownerlock"
    t0=$(python3 -c 'import time; print(time.time())')
    k=0
    while [ $k -lt "$ingest_locks" ]; do
        if ! "$fleet" audit ingest $((100000 + k)) "$tmp/lock-$k.audit" "$owner_key" \
            >"$tmp/ingest.out" 2>&1; then
            echo "FAIL: audit ingest: $(cat "$tmp/ingest.out")"; exit 1
        fi
        k=$((k + 1))
    done
    python3 -c "import sys, time; t = time.time() - float(sys.argv[1]); n = int(sys.argv[2]) * int(sys.argv[3]); print('  %d exports of %d records, each verified, then stored: %.1f s, %.0f records a second (fsync on)' % (int(sys.argv[2]), int(sys.argv[3]), t, n / t))" \
        "$t0" "$ingest_locks" "$records"
    # A lock's trail as the owner's report: the command line, then the API.
    t0=$(python3 -c 'import time; print(time.time())')
    if ! "$fleet" audit report 100000 "$tmp/report.html" >"$tmp/report.out" 2>&1; then
        echo "FAIL: audit report: $(cat "$tmp/report.out")"; exit 1
    fi
    python3 -c "import sys, time; print('  audit report 100000 FILE: %.0f ms, %d bytes' % (1000 * (time.time() - float(sys.argv[1])), int(sys.argv[2])))" \
        "$t0" "$(wc -c <"$tmp/report.html")"
    python3 "$here/fleet_bench.py" audit "$fleet" 100000 || exit 1
else
    echo "audit ingest: skipped (no ownerlock-sim or ownerlock beside $fleet: make all)"
fi
echo "the whole bench: $(($(date +%s) - started)) s"
