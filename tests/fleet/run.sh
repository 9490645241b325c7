#!/bin/sh
# ownerlock-fleet against a real PostgreSQL (docs/FLEET.md, "The fleet
# service"): a server this test makes and removes (tests/fleet/pg.sh).
#
# Codes and seals are checked against Python's hmac (an implementation
# independent of src/otc) from the derivation docs/FLEET.md gives.
# With SIM (the simulator), the lock and the service together at the end: the
# fleet provisions a simulated lock through its service port, dispatches a
# code that opens it, and takes the close seal it shows.
# usage: run.sh FLEET [SIM]   (the ownerlock-fleet program, the simulator)
set -u
fleet=$1
sim=${2:-}
[ -x "$fleet" ] || { echo "no $fleet: build ownerlock-fleet first"; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed (scripts/install-deps.sh)"; exit 1; }

# shellcheck source=tests/fleet/pg.sh
. "$(dirname "$0")/pg.sh"

fail=0
checks=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { checks=$((checks + 1)); }

hex32() { head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }
kek=$(hex32)
printf '%s\n' "$kek" >"$tmp/owner.key"
chmod 600 "$tmp/owner.key"
export OWNERLOCK_FLEET_KEY="$tmp/owner.key"

# run INPUT ARGS...: the tool with INPUT (one line) on standard input; sets
# $status, and keeps every output in $tmp/all to search it for secrets.
run() {
    input=$1; shift
    printf '%s\n' "$input" | "$fleet" "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    cat "$tmp/out" "$tmp/err" >>"$tmp/all"
}
# expect STATUS PATTERN WHAT: after run, that exit status and PATTERN in what
# it printed (standard output and error).
expect() {
    if [ "$status" != "$1" ]; then
        bad "$3: exit $status, not $1: $(cat "$tmp/out" "$tmp/err")"
    elif ! cat "$tmp/out" "$tmp/err" | grep -q -- "$2"; then
        bad "$3: no '$2' in: $(cat "$tmp/out" "$tmp/err")"
    else ok; fi
}
# Every table's row count: a refused input must leave it as it was.
counts() {
    sql "SELECT (SELECT count(*) FROM fleet.locks) || ' ' || (SELECT count(*) FROM fleet.people)
         || ' ' || (SELECT count(*) FROM fleet.slots) || ' ' || (SELECT count(*) FROM fleet.dispatchers)
         || ' ' || (SELECT count(*) FROM fleet.dispatches) || ' ' || (SELECT count(*) FROM fleet.seal_entries)
         || ' ' || (SELECT count(*) FROM fleet.actions) || ' ' || (SELECT sum(next_counter) FROM fleet.locks)
         || ' ' || (SELECT string_agg(value, ',') FROM fleet.settings)"
}
# unchanged WHAT: the counts are those taken into $before.
unchanged() {
    now=$(counts)
    if [ "$now" != "$before" ]; then bad "$1 changed the tables: $before -> $now"; else ok; fi
}
# otc KEYHEX C|S LOCK COUNTER SLOT RECORDS: eight digits, by Python's hmac.
otc() {
    python3 - "$@" <<'EOF'
import hashlib, hmac, struct, sys
key = bytes.fromhex(sys.argv[1])
lock, counter, slot, records = (int(x) for x in sys.argv[3:7])
msg = b"ownerlock otc 1\0" + sys.argv[2].encode() + struct.pack("<II", lock, counter) + bytes([slot, records])
mac = hmac.new(key, msg, hashlib.sha256).digest()
print("".join(str((mac[2 * i] << 8 | mac[2 * i + 1]) % 10) for i in range(8)))
EOF
}
# The oracle itself, on a vector of tests/unit/test_otc.c (key 00 01 .. 1f).
[ "$(otc 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f C 12345 0 2 0)" = 47389248 ] &&
    ok || bad "the Python oracle does not give test_otc's vector"

# ---- the owner's key and the schema ----
run "" dispatches
expect 2 "no fleet in this database" "a command before init"
OWNERLOCK_FLEET_KEY= run "" init
expect 2 "OWNERLOCK_FLEET_KEY is not set" "init without the owner's key"
printf '%s\n' "$(printf '%s' "$kek" | cut -c1-63)" >"$tmp/short.key"; chmod 600 "$tmp/short.key"
OWNERLOCK_FLEET_KEY="$tmp/short.key" run "" init
expect 2 "not a key (64 hex digits" "a key of 63 digits"
printf '%sxy\n' "$(printf '%s' "$kek" | cut -c1-62)" >"$tmp/bad.key"; chmod 600 "$tmp/bad.key"
OWNERLOCK_FLEET_KEY="$tmp/bad.key" run "" init
expect 2 "not a key (64 hex digits" "a key with a non-hex digit"
cp "$tmp/owner.key" "$tmp/open.key"; chmod 644 "$tmp/open.key"
OWNERLOCK_FLEET_KEY="$tmp/open.key" run "" init
expect 2 "others may read" "a key file others can read"
OWNERLOCK_FLEET_DB= run "" init
expect 2 "OWNERLOCK_FLEET_DB is not set" "init without a database"
run "" init
expect 0 "fleet schema created" "init"
before=$(counts)
run "" init
expect 2 "already has a fleet" "init twice"
unchanged "init twice"
printf '%s\n' "$(hex32)" >"$tmp/other.key"; chmod 600 "$tmp/other.key"
OWNERLOCK_FLEET_KEY="$tmp/other.key" run "" lock add 1 Other
expect 2 "not the key this fleet database was set up with" "another owner's key"
unchanged "another owner's key"

# ---- locks, people, slots, dispatchers ----
run "" lock add 12345 "Vault A"
expect 0 "lock 12345 added" "lock add"
run "" lock add 4294967295 "Top number"
expect 0 "lock 4294967295 added" "lock add, the largest number"
before=$(counts)
run "" lock add 12345 "Vault again"
expect 2 "already in the fleet" "a lock added twice"
run "" lock add 12a45 "Vault B"
expect 2 "not a number 0..4294967295" "a non-numeric lock number"
run "" lock add 4294967296 "Vault B"
expect 2 "not a number 0..4294967295" "a lock number over 32 bits"
run "" lock add -1 "Vault B"
expect 2 "not a number" "a negative lock number"
run "" lock add 7 ""
expect 2 "lock name: 1 to 100 bytes" "an empty lock name"
run "" lock add 7
expect 2 "usage: lock add NUMBER NAME" "lock add without a name"
run "" lock add 7 name --bogus
expect 2 "unknown option" "an unknown option"
unchanged "bad lock adds"

injection="Robert'); DROP TABLE fleet.people;--"
run "" person add Alice
expect 0 "person added" "person add"
run "" person add "$injection"
expect 0 "person added" "person add, a SQL-looking name"
got=$(sql "SELECT name FROM fleet.people WHERE name <> 'Alice'")
[ "$got" = "$injection" ] && ok || bad "the SQL-looking name is stored as '$got'"
run "" person add Carol
expect 0 "person added" "person add Carol"
before=$(counts)
run "" person add Alice
expect 2 "already a person named" "a person added twice"
run "" person add "$(printf 'tab\there')"
expect 2 "a control character" "a name with a tab"
run "" person add "$(printf 'bad\377utf8')"
expect 2 "not UTF-8" "a name that is not UTF-8"
unchanged "bad person adds"

run "" person slot Alice 12345 2
expect 0 "slot 2 on lock 12345 set" "person slot"
run "" person slot "$injection" 12345 7
expect 0 "slot 7 on lock 12345 set" "person slot, the SQL-looking name"
before=$(counts)
run "" person slot Carol 12345 32
expect 2 "not a slot 0..31" "slot 32"
run "" person slot Carol 12345 x
expect 2 "not a slot 0..31" "a non-numeric slot"
run "" person slot Nobody 12345 3
expect 2 "no person named \"Nobody\"" "an unknown person's slot"
run "" person slot Carol 999 3
expect 2 "no lock 999" "a slot on an unknown lock"
run "" person slot Carol 12345 2
expect 2 "slot 2 on lock 12345 is \"Alice\"'s" "a slot already taken"
run "" person slot Alice 12345 3
expect 2 "already has slot 2" "a second slot on one lock"
unchanged "bad slots"

run "dora-password-1" dispatcher add dora dispatcher
expect 0 "dispatcher added" "dispatcher add"
run "eve-password-22" dispatcher add eve dispatcher
expect 0 "dispatcher added" "dispatcher add, a second"
run "ada-password-333" dispatcher add ada admin
expect 0 "admin added" "dispatcher add, an admin"
before=$(counts)
run "short" dispatcher add zed dispatcher
expect 2 "shorter than 8 bytes" "a short password"
run "zed-password-1" dispatcher add zed boss
expect 2 "not dispatcher or admin" "an unknown role"
run "" dispatcher add zed dispatcher
expect 2 "no password on standard input" "no password"
run "dora-password-1" dispatcher add dora admin
expect 2 "already a dispatcher named" "a dispatcher added twice"
unchanged "bad dispatcher adds"
case $(sql "SELECT password_hash FROM fleet.dispatchers WHERE name = 'dora'") in
'$argon2id$'*) ok ;;
*) bad "dora's password is not stored as an Argon2id string" ;;
esac

# ---- provisioning: the one moment the key leaves ----
run "" lock provision 12345 "$tmp/lock-12345.otc"
expect 0 "provisioning file" "lock provision"
[ "$(sed -n 1p "$tmp/lock-12345.otc")" = "ownerlock otc provisioning 1" ] &&
    [ "$(sed -n 2p "$tmp/lock-12345.otc")" = "lock 12345" ] &&
    [ "$(wc -l <"$tmp/lock-12345.otc")" = 3 ] && ok || bad "the provisioning file's format"
key=$(sed -n 's/^key //p' "$tmp/lock-12345.otc")
[ ${#key} = 64 ] && ok || bad "the provisioning file's key is not 64 hex digits: '$key'"
[ "$(stat -c %a "$tmp/lock-12345.otc")" = 600 ] && ok || bad "the provisioning file is not 600"
before=$(counts)
run "" lock provision 12345 "$tmp/lock-12345.otc"
expect 2 "File exists: nothing written" "a provisioning over an existing file"
run "" lock provision 777 "$tmp/lock-777.otc"
expect 2 "no lock 777" "provisioning an unknown lock"
[ ! -e "$tmp/lock-777.otc" ] && ok || bad "a file was left for an unknown lock"
unchanged "bad provisionings"

# The key at rest: not in the table's text, not in a dump of the database,
# not in the table's bytes on disk.
if sql "COPY fleet.locks TO STDOUT" | grep -qi "$key"; then bad "the OTC key in clear in fleet.locks"; else ok; fi
"$pgbin/pg_dump" -d "$OWNERLOCK_FLEET_DB" >"$tmp/dump.sql" 2>&1 || bad "pg_dump failed"
if grep -qi "$key" "$tmp/dump.sql"; then bad "the OTC key in clear in a dump"; else ok; fi
sql "CHECKPOINT"
relfile="$tmp/pg/data/$(sql "SELECT pg_relation_filepath('fleet.locks')")"
if python3 -c 'import sys; sys.exit(0 if bytes.fromhex(sys.argv[1]) in open(sys.argv[2], "rb").read() else 1)' \
    "$key" "$relfile"; then bad "the OTC key's bytes in $relfile"; else ok; fi
[ -s "$relfile" ] && ok || bad "no table file at $relfile to search"
[ "$(sql "SELECT length(key_box) FROM fleet.locks WHERE number = 12345")" = 48 ] && ok ||
    bad "the key's box is not 48 bytes"

# The lock number is authenticated with the box: one lock's box copied to
# another lock's row does not open there.
sql "UPDATE fleet.locks SET (key_nonce, key_box) =
     (SELECT key_nonce, key_box FROM fleet.locks WHERE number = 12345) WHERE number = 4294967295"
run "" lock provision 4294967295 "$tmp/moved.otc"
expect 1 "does not open (altered, or another lock's)" "a key box moved to another lock"
[ ! -e "$tmp/moved.otc" ] && ok || bad "a provisioning file from a moved key box"

# ---- dispatches without dual dispatch ----
run "dora-password-1" dispatch 12345 Alice --as dora
expect 0 "code " "dispatch"
[ "$(sed -n 's/^code //p' "$tmp/out")" = "$(otc "$key" C 12345 0 2 0)" ] && ok ||
    bad "dispatch 1's code is not HMAC's: $(cat "$tmp/out")"
run "dora-password-1" dispatch 12345 Alice --as dora
expect 0 "counter 1" "a second dispatch"
[ "$(sed -n 's/^code //p' "$tmp/out")" = "$(otc "$key" C 12345 1 2 0)" ] && ok ||
    bad "dispatch 2's code (counter 1) is not HMAC's: $(cat "$tmp/out")"
[ "$(sql "SELECT next_counter FROM fleet.locks WHERE number = 12345")" = 2 ] && ok ||
    bad "the counter did not advance to 2"
run "dora-password-1" dispatch 12345 "$injection" --as dora
expect 0 "counter 2" "a dispatch for the SQL-looking name"
[ "$(sed -n 's/^code //p' "$tmp/out")" = "$(otc "$key" C 12345 2 7 0)" ] && ok ||
    bad "dispatch 3's code (slot 7) is not HMAC's"

before=$(counts)
run "not-doras" dispatch 12345 Alice --as dora
expect 3 "wrong password" "a wrong password"
[ ! -s "$tmp/out" ] && ok || bad "something printed on a wrong password: $(cat "$tmp/out")"
now=$(counts)
[ "$(echo "$before" | cut -d' ' -f1-6,8-)" = "$(echo "$now" | cut -d' ' -f1-6,8-)" ] &&
    [ "$(echo "$now" | cut -d' ' -f7)" = $(($(echo "$before" | cut -d' ' -f7) + 1)) ] && ok ||
    bad "a wrong password changed more than one action: $before -> $now"
[ "$(sql "SELECT actor || ' ' || kind FROM fleet.actions ORDER BY seq DESC LIMIT 1")" = \
    "dispatcher:dora password refused" ] && ok || bad "the wrong password is not recorded"
before=$(counts)
run "dora-password-1" dispatch 12345 Nobody --as dora
expect 2 "no person named \"Nobody\"" "a dispatch for an unknown person"
run "dora-password-1" dispatch 12345 Carol --as dora
expect 2 "has no slot on lock 12345" "a dispatch for a person without a slot"
run "dora-password-1" dispatch abc Alice --as dora
expect 2 "not a number" "a dispatch for a non-numeric lock"
run "dora-password-1" dispatch 4294967295 Alice --as dora
expect 2 "has no slot on lock 4294967295" "a dispatch on a lock without the person"
run "dora-password-1" dispatch 12345 Alice --as nobody
expect 2 "no dispatcher named" "a dispatch by an unknown dispatcher"
run "dora-password-1" dispatch 12345 Alice
expect 2 "who is asking" "a dispatch without --as"
unchanged "bad dispatches"

# ---- seals ----
seal1=$(otc "$key" S 12345 0 2 1)
run "eve-password-22" seal 1 "01-$(echo "$seal1" | cut -c1-4)-$(echo "$seal1" | cut -c5-8)" --as eve
expect 0 "dispatch 1 closed: the seal is valid" "a good seal"
if grep -q "something else" "$tmp/out"; then bad "a seal for 01 reported something else"; else ok; fi
before=$(counts)
run "eve-password-22" seal 1 "01$seal1" --as eve
expect 2 "closed already" "a second seal"
run "eve-password-22" seal 2 "1-2345-6789" --as eve
expect 2 "not kk-MMMM-MMMM or kkMMMMMMMM" "a malformed seal"
run "eve-password-22" seal 2 "01-1234-567x" --as eve
expect 2 "not kk-MMMM-MMMM or kkMMMMMMMM" "a seal with a letter"
run "eve-password-22" seal 99 "0112345678" --as eve
expect 2 "no dispatch 99" "a seal for an unknown dispatch"
run "eve-password-22" seal x "0112345678" --as eve
expect 2 "not a dispatch number" "a non-numeric dispatch"
unchanged "bad seals"
seal2=$(otc "$key" S 12345 1 2 2)
wrong=$(echo "$seal2" | tr 0123456789 1234567890)
run "eve-password-22" seal 2 "02$wrong" --as eve
expect 3 "the seal does not match" "a wrong seal"
[ "$(sql "SELECT ok FROM fleet.seal_entries WHERE dispatch = 2")" = f ] && ok || bad "the wrong seal is not in seal_entries"
[ "$(sql "SELECT kind FROM fleet.actions ORDER BY seq DESC LIMIT 1")" = "seal bad" ] && ok ||
    bad "the wrong seal is not in the action log"
run "" dispatches --open
expect 0 "open" "dispatches --open"
[ "$(awk -F'\t' 'NR > 1 { print $1 }' "$tmp/out" | tr '\n' ' ')" = "2 3 " ] && ok ||
    bad "the open dispatches are not 2 and 3: $(cat "$tmp/out")"
run "eve-password-22" seal 2 "02$seal2" --as eve
expect 0 "something else happened between the opening and the close" "a seal for 02"
[ "$(sql "SELECT seal_records FROM fleet.dispatches WHERE id = 2")" = 2 ] && ok || bad "seal 02 not recorded"
run "" dispatches
expect 0 "closed, seal 02: something else happened" "dispatches"
[ "$(awk -F'\t' 'NR > 1' "$tmp/out" | wc -l)" = 3 ] && ok || bad "dispatches does not list 3"
run "" dispatches --open
[ "$(awk -F'\t' 'NR > 1 { print $1 }' "$tmp/out" | tr '\n' ' ')" = "3 " ] && ok ||
    bad "the open dispatch is not 3 alone: $(cat "$tmp/out")"
grep -qF "$injection" "$tmp/out" && ok || bad "the SQL-looking name is not listed verbatim"

# ---- dual dispatch ----
before=$(counts)
run "dora-password-1" setting dual-dispatch on --as dora
expect 3 "settings are an admin's" "a setting by a dispatcher"
run "ada-password-333" setting dual-dispatch maybe --as ada
expect 2 "on or off" "a setting neither on nor off"
run "ada-password-333" setting dual-dispatch on --as ada
expect 0 "dual dispatch is on" "dual dispatch on"
run "dora-password-1" dispatch 12345 Alice --as dora
expect 0 "waiting for approval" "a dual dispatch"
if grep -q "^code" "$tmp/out"; then bad "a code before approval"; else ok; fi
id=$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")
[ "$id" = 4 ] && ok || bad "the dual dispatch is not number 4: $(cat "$tmp/out")"
run "dora-password-1" code 4 --as dora
expect 3 "not approved yet" "the code before approval"
run "dora-password-1" approve 4 --as dora
expect 3 "cannot approve his own" "approving one's own dispatch"
[ "$(sql "SELECT approved_by IS NULL FROM fleet.dispatches WHERE id = 4")" = t ] && ok ||
    bad "dispatch 4 approved by its own dispatcher"
run "wrong-password" approve 4 --as eve
expect 3 "wrong password" "an approval with a wrong password"
run "eve-password-22" approve 1 --as eve
expect 2 "needs no approval" "approving a dispatch made without dual dispatch"
run "eve-password-22" approve 4 --as eve
expect 0 "dispatch 4 approved" "an approval by another dispatcher"
if grep -q "^code" "$tmp/out"; then bad "the approval showed the code"; else ok; fi
run "eve-password-22" approve 4 --as eve
expect 2 "already approved" "a second approval"
run "eve-password-22" code 4 --as eve
expect 3 "only the dispatcher who asked" "the code shown to the approver"
run "dora-password-1" code 4 --as dora
expect 0 "code " "the code after approval"
[ "$(sed -n 's/^code //p' "$tmp/out")" = "$(otc "$key" C 12345 3 2 0)" ] && ok ||
    bad "dispatch 4's code (counter 3) is not HMAC's: $(cat "$tmp/out")"
run "dora-password-1" code 4 --as dora
expect 3 "shown already" "the code shown twice"
run "" dispatches
grep -q "^4	12345	Alice	2	3	dora	eve	" "$tmp/out" && ok || bad "dispatch 4's row: $(cat "$tmp/out")"
run "ada-password-333" setting dual-dispatch off --as ada
expect 0 "dual dispatch is off" "dual dispatch off"

# Dispatches at once on one lock: each its own counter.
c0=$(sql "SELECT next_counter FROM fleet.locks WHERE number = 12345")
for i in 1 2 3 4; do
    printf 'dora-password-1\n' | "$fleet" dispatch 12345 Alice --as dora >"$tmp/par$i" 2>&1 &
done
wait
[ "$(sql "SELECT next_counter FROM fleet.locks WHERE number = 12345")" = $((c0 + 4)) ] && ok ||
    bad "four dispatches at once did not advance the counter by 4: $(cat "$tmp"/par*)"
[ "$(cat "$tmp"/par* | sed -n 's/^code //p' | sort -u | wc -l)" = 4 ] && ok ||
    bad "four dispatches at once did not give four codes: $(cat "$tmp"/par*)"
cat "$tmp"/par* >>"$tmp/all"

# ---- every kind of action is in the log ----
for kind in init "lock add" provision "person add" "person slot" "dispatcher add" setting \
    dispatch approve "code shown" "seal ok" "seal bad" "password refused" refused; do
    [ "$(sql "SELECT count(*) > 0 FROM fleet.actions WHERE kind = '$kind'")" = t ] && ok ||
        bad "no '$kind' action"
done

# ---- the chain ----
run "" log verify
expect 0 "log intact" "log verify"
n=$(sql "SELECT count(*) FROM fleet.actions")
grep -q "log intact: $n actions" "$tmp/out" && ok || bad "log verify's count: $(cat "$tmp/out")"
if sql "UPDATE fleet.actions SET detail = 'x' WHERE seq = 5" 2>"$tmp/sqlerr"; then
    bad "an action row was updated with the trigger on"
else grep -q "append-only" "$tmp/sqlerr" && ok || bad "the trigger's message: $(cat "$tmp/sqlerr")"; fi
# Whoever may drop the trigger may edit a row: the chain says which.
orig=$(sql "SELECT detail FROM fleet.actions WHERE seq = 5")
sql "ALTER TABLE fleet.actions DISABLE TRIGGER actions_append_only;
     UPDATE fleet.actions SET detail = detail || ' (edited)' WHERE seq = 5"
run "" log verify
expect 3 "log broken at action 5: its contents do not match" "log verify after an edit"
sql "UPDATE fleet.actions SET detail = \$\$$orig\$\$ WHERE seq = 5"
run "" log verify
expect 0 "log intact" "log verify with the edit undone"
sql "DELETE FROM fleet.actions WHERE seq = 9"
run "" log verify
expect 3 "log broken at action 10: action 9 is missing" "log verify after a deletion"

# ---- the lock and the service together (the simulator) ----
if [ -n "$sim" ]; then
    run "" lock add 777 "Simulated vault"
    expect 0 "lock 777 added" "lock add (simulated)"
    run "" person add "Sam Imms"
    run "" person slot "Sam Imms" 777 0
    expect 0 "slot 0" "the simulated lock's manager as a person"
    run "" lock provision 777 "$tmp/lock-777.otc"
    expect 0 "" "lock provision (simulated)"
    run "dora-password-1" dispatch 777 "Sam Imms" --as dora
    expect 0 "code " "a dispatch for the simulated lock"
    code=$(sed -n 's/^code //p' "$tmp/out")
    id=$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")
    # The lock: commissioned, the fleet's file through the port in a *19
    # session, then the code and the dispatched one-time code open it once.
    cat >"$tmp/lock.sim" <<SIMEOF
keys 482915# 482915#
wait 3s
keys *
wait 4s
service plug
keys *19 482915#
service otc $tmp/lock-777.otc
expect display ONE-TIME CODES \| ON
door close
wait 3s
keys 482915#
expect display ONE-TIME CODE
keys $code#
expect event audit kind=one_time_code slot=0 arg=0
expect bolt retracted
door open
door close
wait 3s
expect event audit kind=close_seal slot=0 arg=1
expect display CLOSE SEAL
keys 482915#
keys $code#
expect event audit kind=wrong_code
SIMEOF
    if "$sim" --seed 1 --script "$tmp/lock.sim" >"$tmp/lock.out" 2>&1; then ok; else
        bad "the simulated lock: $(tail -n 5 "$tmp/lock.out")"
    fi
    seal=$(sed -n 's/.*"text":"CLOSE SEAL | \([0-9-]*\)".*/\1/p' "$tmp/lock.out" | head -n 1)
    [ -n "$seal" ] && ok || bad "no close seal on the simulated lock's display"
    run "dora-password-1" seal "$id" "$seal" --as dora
    expect 0 "dispatch $id closed: the seal is valid" "the seal the simulated lock showed"
    run "dora-password-1" dispatch 777 "Sam Imms" --as dora
    expect 0 "counter 1" "the next dispatch takes the next counter"
    code1=$(sed -n 's/^code //p' "$tmp/out")
    # The same lock again (its state kept): the second code opens it, and its
    # audit trail goes out through the service port, into the fleet, checked by
    # the owner's tool (tests/keys/sim-owner.key: the simulator's TEST owner key).
    cat >"$tmp/lock2.sim" <<SIMEOF
keys 482915#
keys $code1#
expect event audit kind=one_time_code slot=0 arg=1
door open
service plug
keys *19 482915#
service export audit $tmp/777.audit
SIMEOF
    if "$sim" --seed 1 --state "$tmp/lock-777" --script "$tmp/lock.sim" >/dev/null 2>&1 &&
        "$sim" --seed 1 --state "$tmp/lock-777" --script "$tmp/lock2.sim" >"$tmp/lock2.out" 2>&1 &&
        [ -s "$tmp/777.audit" ]; then ok; else
        bad "the simulated lock's export: $(tail -n 5 "$tmp/lock2.out")"
    fi
    owner="$(cd "$(dirname "$0")/../.." && pwd)/tests/keys/sim-owner.key"
    export OWNERLOCK_TOOL="$(dirname "$fleet")/ownerlock"
    before=$(counts)
    # One record's argument changed: the owner's tool refuses it, nothing is stored.
    awk '$1 == "record" && !done { $6 = $6 + 1; done = 1 } { print }' "$tmp/777.audit" \
        >"$tmp/777-bad.audit"
    cmp -s "$tmp/777.audit" "$tmp/777-bad.audit" && bad "the test did not change the export"
    run "" audit ingest 777 "$tmp/777-bad.audit" "$owner"
    expect 2 "does not verify it: nothing stored" "a changed export"
    unchanged "a changed export"
    run "" audit ingest 777 "$tmp/777.audit" "$owner"
    expect 0 "records verified" "audit ingest"
    n=$(sql "SELECT count(*) FROM fleet.audit WHERE lock = 777")
    [ "$n" -gt 10 ] && ok || bad "only $n audit records stored"
    [ "$(sql "SELECT count(*) FROM fleet.audit WHERE lock = 777 AND kind IN ('one_time_code', 'close_seal')")" = 3 ] &&
        ok || bad "the one-time codes and the seal are not in the stored trail"
    run "" audit ingest 777 "$tmp/777.audit" "$owner"
    expect 0 ", 0 new" "the same export again adds nothing"
    run "" audit ingest 778 "$tmp/777.audit" "$owner"
    expect 2 "no lock 778" "an export for a lock the fleet does not have"

    # The trail as stored, as the owner's report (the page `ownerlock audit
    # verify --html` writes): its plots, its counts, the database untouched.
    before=$(counts)
    n=$(sql "SELECT count(*) FROM fleet.audit WHERE lock = 777")
    opens=$(sql "SELECT count(*) FROM fleet.audit WHERE lock = 777 AND kind = 'open'")
    [ "$opens" -ge 2 ] && ok || bad "only $opens openings in the simulated lock's trail"
    run "" audit report 777 "$tmp/777.html"
    expect 0 "lock 777: records 1 to $n ($n of $n stored), $opens openings, " "audit report"
    root=$(cd "$(dirname "$0")/../.." && pwd)
    python3 "$root/tests/audit/check-html.py" "$tmp/777.html" "$n" && ok ||
        bad "the fleet's report is not the owner's page"
    # Each opening stored is a bar's worth in the plot by slot, in its slot.
    by_slot=$(sql "SELECT string_agg(lpad(slot::text, 2, '0') || ': ' || count, ' ' ORDER BY slot)
                   FROM (SELECT slot, count(*) FROM fleet.audit WHERE lock = 777 AND kind = 'open'
                         GROUP BY slot) o")
    plotted=$(python3 - "$tmp/777.html" <<'EOF'
import sys, xml.etree.ElementTree as ET
S = "{http://www.w3.org/2000/svg}"
for svg in ET.parse(sys.argv[1]).getroot().iter(S + "svg"):
    if svg.find(S + "title").text == "Openings by slot":
        bars = [r.find(S + "title").text for r in svg.findall(S + "rect")]
        print(" ".join(b for b in bars if not b.endswith(": 0")))
EOF
)
    [ -n "$by_slot" ] && [ "$plotted" = "$by_slot" ] && ok ||
        bad "openings by slot: the page has '$plotted', the table '$by_slot'"
    run "" audit report 12345 "$tmp/12345.html"
    expect 2 "lock 12345 has no audit trail here yet" "a report of a lock with no audit taken in"
    [ ! -e "$tmp/12345.html" ] && ok || bad "a report written for a lock with no audit"
    run "" audit report 778 "$tmp/778.html"
    expect 2 "no lock 778 in the fleet" "a report of a lock the fleet does not have"
    run "" audit report 77x "$tmp/77x.html"
    expect 2 "not a number" "a report of a malformed lock number"
    run "" audit report 777 "$tmp/no-such-directory/777.html"
    expect 1 "nothing written" "a report into a directory that is not there"
    run "" audit report 777
    expect 2 "usage: audit report LOCK FILE" "a report without its file"
    unchanged "audit report"
fi

# ---- secrets in no output ----
for secret in "$kek" "$key" dora-password-1 eve-password-22 ada-password-333; do
    if grep -qi -- "$secret" "$tmp/all"; then bad "a secret in the output: ${secret%"${secret#????}"}..."; else ok; fi
done
"$pgbin/pg_dump" -d "$OWNERLOCK_FLEET_DB" >"$tmp/dump.sql" 2>&1 || bad "pg_dump failed"
if grep -q -e dora-password-1 -e "$kek" -e "$key" "$tmp/dump.sql"; then bad "a password or the owner's key in the database"; else ok; fi

[ $fail = 0 ] && echo "fleet/cli: $checks checks passed"
exit $fail
