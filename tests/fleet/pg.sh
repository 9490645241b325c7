# tests/fleet/pg.sh — sourced by the fleet's tests: a PostgreSQL server
# made with initdb in a temporary directory, listening on a Unix socket there
# and on no TCP port, stopped and removed when the test exits. As root (CI)
# the server runs as the `postgres` user Debian's package makes (PostgreSQL
# refuses root); else as the current user.
#
# After it: $tmp (the test's directory), $pgbin, OWNERLOCK_FLEET_DB and
# sql QUERY (psql, unaligned, tuples only), sim_receipt OUT; for a script that set $fleet (the
# ownerlock-fleet program), fleet_owner_key (a new owner's key in $tmp, as
# OWNERLOCK_FLEET_KEY) and setup INPUT ARGS... (a command line step that must
# work, INPUT on its standard input). A test that starts more defines
# before_cleanup, which runs first at exit.
# Debian keeps the server's programs off PATH, one directory per version.
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ] && command -v initdb >/dev/null; then
    pgbin=$(dirname "$(command -v initdb)")
fi
[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] ||
    { echo "no PostgreSQL server (initdb): scripts/install-deps.sh installs it"; exit 1; }

tmp=$(mktemp -d /tmp/ownerlock-fleet.XXXXXX) || exit 1
server_up=0
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 ||
        { echo "running as root, and no postgres user to run the server"; rm -rf "$tmp"; exit 1; }
    as_server() { runuser -u postgres -- "$@"; }
    chmod 755 "$tmp" # the server's user reaches its directories through it
else
    as_server() { "$@"; }
fi
cleanup() {
    if command -v before_cleanup >/dev/null 2>&1; then before_cleanup; fi
    if [ $server_up = 1 ]; then
        as_server "$pgbin/pg_ctl" -D "$tmp/pg/data" -m immediate stop >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
mkdir "$tmp/pg" && chmod 700 "$tmp/pg"
[ "$(id -u)" = 0 ] && chown postgres "$tmp/pg"
if ! as_server "$pgbin/initdb" -D "$tmp/pg/data" -A trust -U fleet -E UTF8 --locale=C --no-sync \
    >"$tmp/initdb.log" 2>&1; then
    echo "initdb failed:"; cat "$tmp/initdb.log"; exit 1
fi
# The socket in $tmp/pg only; fsync off: the data is thrown away.
if ! as_server "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/server.log" -w -t 30 \
    -o "-c listen_addresses='' -k $tmp/pg -c fsync=off" start >"$tmp/pg_ctl.log" 2>&1; then
    echo "the server did not start:"; cat "$tmp/pg_ctl.log" "$tmp/pg/server.log"; exit 1
fi
server_up=1

export OWNERLOCK_FLEET_DB="host=$tmp/pg user=fleet dbname=postgres"
sql() { "$pgbin/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d "$OWNERLOCK_FLEET_DB" -c "$1"; }

# sim_receipt OUT: the lock's receipt in a simulator's output (its `otc` event),
# as `lock receipt` takes it.
sim_receipt() { sed -n 's/.*"type":"otc".*"receipt":"\([0-9a-f]*\)".*/\1/p' "$1"; }

fleet_owner_key() {
    head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n' >"$tmp/owner.key"
    echo >>"$tmp/owner.key"
    chmod 600 "$tmp/owner.key"
    export OWNERLOCK_FLEET_KEY="$tmp/owner.key"
}
setup() {
    input=$1
    shift
    if ! printf '%s\n' "$input" | "$fleet" "$@" >"$tmp/setup.out" 2>&1; then
        echo "FAIL: setup: $*: $(cat "$tmp/setup.out")"
        exit 1
    fi
}
