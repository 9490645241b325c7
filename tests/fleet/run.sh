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
# opening KEYHEX COUNTER: the script lines of an opening of lock 777 by slot 0
# (code 482915) with COUNTER's one-time code, computed from KEYHEX (a kept
# provisioning file's, as a manager who kept it would).
opening() {
    printf 'keys 482915#\nkeys %s#\nexpect event audit kind=one_time_code slot=0 arg=%s\n' \
        "$(otc "$1" C 777 "$2" 0 0)" "$2"
}
# receipt KEYHEX COUNTER IDENTITY: a lock's answer to its provisioning
# (docs/FLEET.md, "The receipt"), its tag by Python's hmac.
receipt() {
    python3 - "$@" <<'EOF'
import hashlib, hmac, struct, sys
body = bytes([0, 17]) + b"ONE-TIME CODES ON" + struct.pack("<I", int(sys.argv[2])) + bytes.fromhex(sys.argv[3])
print((body + hmac.new(bytes.fromhex(sys.argv[1]), body, hashlib.sha256).digest()[:16]).hex())
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
run "bob-password-4444" dispatcher add bob admin
expect 0 "admin added" "dispatcher add, a second admin"
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
    [ "$(sed -n 4p "$tmp/lock-12345.otc")" = "counter 0" ] &&
    [ "$(wc -l <"$tmp/lock-12345.otc")" = 4 ] && ok || bad "the provisioning file's format"
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
run "eve-password-22" seal 2 "00-1234-5678" --as eve
expect 2 "kk 01 to 99" "a seal counting no record (no lock shows 00)"
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
# Each wrong seal is a guess at eight digits: a dispatch takes 5, then no
# more, the right one neither (5 in 10^8 to forge a close), and stays open.
seal3=$(otc "$key" S 12345 2 7 1)
wrong3=$(echo "$seal3" | tr 0123456789 1234567890)
for i in 1 2 3 4 5; do
    run "dora-password-1" seal 3 "01$wrong3" --as dora
    expect 3 "the seal does not match" "wrong seal $i of 5"
done
before=$(counts)
run "dora-password-1" seal 3 "01$seal3" --as dora
expect 3 "took 5 wrong seals" "the right seal after 5 wrong ones"
now=$(counts)
[ "$(echo "$before" | cut -d' ' -f1-6,8-)" = "$(echo "$now" | cut -d' ' -f1-6,8-)" ] &&
    [ "$(echo "$now" | cut -d' ' -f7)" = $(($(echo "$before" | cut -d' ' -f7) + 1)) ] && ok ||
    bad "a seal past the limit changed more than one action: $before -> $now"
[ "$(sql "SELECT actor || ' ' || kind || ' ' || detail FROM fleet.actions ORDER BY seq DESC LIMIT 1")" = \
    "dispatcher:dora refused seal of dispatch 3: 01$seal3" ] && ok || bad "the seal past the limit is not recorded"
[ "$(sql "SELECT sealed_at IS NULL FROM fleet.dispatches WHERE id = 3")" = t ] && ok ||
    bad "a seal past the limit closed dispatch 3"
run "eve-password-22" seal 3 "01$wrong3" --as eve
expect 3 "took 5 wrong seals" "another dispatcher's seal past the limit"

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
# Off takes two admins: one alone leaves it on (twenty-third outside
# evaluation: one admin turned it off, dispatched alone, turned it on).
run "ada-password-333" setting dual-dispatch off --as ada
expect 0 "stays on until another admin" "dual dispatch off asked by one admin"
run "ada-password-333" setting dual-dispatch off --as ada
expect 0 "stays on until another admin" "dual dispatch off asked again by the same admin"
run "dora-password-1" dispatch 12345 Alice --as dora
expect 0 "waiting for approval" "a dispatch after one admin asked for off"
run "bob-password-4444" setting dual-dispatch off --as bob
expect 0 "dual dispatch is off" "dual dispatch off, asked by a second admin"

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

# ---- the lock's look-ahead: no code out of its reach ----
# The lock takes a code only up to 7 counters past the oldest it has not
# used (OL_OTC_LOOKAHEAD 8): the service issues no code beyond (twenty-third
# outside evaluation: eight unapproved dispatches put every later code out
# of reach, for good), and the owner shows a lost one again.
run "" lock add 779 "Look-ahead vault"
run "" person slot Alice 779 4
run "" person add "Mona Ager"
run "" person slot "Mona Ager" 779 0
run "" lock provision 779 "$tmp/779-first.otc"
key779=$(sed -n 's/^key //p' "$tmp/779-first.otc")
run "ada-password-333" setting dual-dispatch on --as ada
run "dora-password-1" dispatch 779 Alice --as dora
expect 0 "waiting for approval" "a dual dispatch on lock 779"
pending=$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")
[ "$(sql "SELECT next_counter FROM fleet.locks WHERE number = 779")" = 0 ] && ok ||
    bad "a dispatch waiting for approval took a counter"
run "" dispatches
grep -q "^$pending	779	Alice	4	-	dora	-	" "$tmp/out" && ok ||
    bad "a waiting dispatch's row shows a counter: $(grep "^$pending	" "$tmp/out")"
run "ada-password-333" setting dual-dispatch off --as ada
run "bob-password-4444" setting dual-dispatch off --as bob
for i in 0 1 2 3 4 5 6 7; do
    run "dora-password-1" dispatch 779 Alice --as dora
    expect 0 "counter $i" "code $i of lock 779"
    first779=${first779:-$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")}
done
before=$(counts)
run "dora-password-1" dispatch 779 Alice --as dora
expect 2 "8 codes are out with no seal after them" "a ninth code with no seal"
run "eve-password-22" release 779 "Mona Ager" --as eve
expect 2 "codes are out" "a release past the look-ahead"
# A release is a manager's: it is typed in a service session (twenty-fourth).
run "eve-password-22" release 779 Alice --as eve
expect 2 "a manager opens (slot 00 or 01)" "a release for a user's slot"
unchanged "codes past the look-ahead"
# The codes out all lost: the owner shows one again, recorded.
run "" reissue "$first779"
expect 0 "counter 0 (again)" "reissue"
[ "$(sed -n 's/^code //p' "$tmp/out")" = "$(otc "$key779" C 779 0 4 0)" ] && ok ||
    bad "the reissued code is not counter 0's: $(cat "$tmp/out")"
[ "$(sql "SELECT count(*) FROM fleet.actions WHERE kind = 'code reissued' AND actor = 'owner'")" = 1 ] &&
    ok || bad "the reissue is not recorded"
run "" reissue "$pending"
expect 2 "never shown" "reissue of a code never shown"
# A seal raises the floor: one more counter is in reach.
run "dora-password-1" seal "$first779" "01$(otc "$key779" S 779 0 4 1)" --as dora
expect 0 "closed: the seal is valid" "the seal of lock 779's first code"
[ "$(sql "SELECT floor FROM fleet.locks WHERE number = 779")" = 1 ] && ok ||
    bad "a seal did not raise the floor to 1"
run "" reissue "$first779"
expect 2 "it is closed" "reissue of a closed dispatch"
run "eve-password-22" release 779 "Mona Ager" --as eve
expect 0 "counter 8" "a release once the floor rose"
rel8=$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")
[ "$(sed -n 's/^release code //p' "$tmp/out")" = "$(otc "$key779" R 779 8 0 0)" ] && ok ||
    bad "the release code (counter 8) is not HMAC's: $(cat "$tmp/out")"
# One release out at a time (twenty-fifth: eight filled the look-ahead).
run "eve-password-22" release 779 "Mona Ager" --as eve
expect 2 "has a release out" "a second release while one is out"
# A release out blocks nothing (twenty-fourth: the safe must open for it), and
# a provisioning then gives the key the lock has, with the fleet's counter.
run "dora-password-1" seal $((first779 + 1)) "01$(otc "$key779" S 779 1 4 1)" --as dora
run "dora-password-1" dispatch 779 Alice --as dora
expect 0 "counter 9" "a code to open while a release code is out"
nine_out=$(cat "$tmp/out")
run "" lock provision 779 "$tmp/779.otc"
expect 0 "does not show it used" "a provisioning before the trail shows the release"
[ "$(sed -n 's/^key //p' "$tmp/779.otc")" = "$key779" ] && [ "$(sed -n 4p "$tmp/779.otc")" = "counter 10" ] &&
    ok || bad "the provisioning before the release's use: not the lock's key and counter: $(sed -n 2,4p "$tmp/779.otc" | cut -c1-20)"
# A release below the floor is dead (the lock used a later counter): it is
# out no more, and another may be asked for (twenty-sixth outside evaluation:
# one never typed blocked every release after it, for good).
nine=$(echo "$nine_out" | sed -n 's/^dispatch \([0-9]*\):.*/\1/p')
run "dora-password-1" seal "$nine" "01$(otc "$key779" S 779 9 4 1)" --as dora
expect 0 "closed: the seal is valid" "the seal of the code after the release"
run "eve-password-22" release 779 "Mona Ager" --as eve
expect 0 "counter 10" "a release once the one out is below the floor"
before=$(counts)
run "" reissue "$rel8"
expect 2 "its code is dead at the lock (a later counter was used there)" "reissue of a dead code"
unchanged "reissue of a dead code"
run "" dispatches --open
grep -q "^$rel8	.*	release: open, its code dead at the lock (a later one used)$" "$tmp/out" && ok ||
    bad "a dead release is not listed as dead: $(grep "^$rel8	" "$tmp/out")"
# The lock's receipt (its answer to the provisioning): the fleet's counter
# goes up to the lock's, never down, and the identity the lock's exports
# carry is pinned before any is taken in; a new one is the lock's next life
# (erased and set up again). Only a receipt under the lock's key counts
# (twenty-fifth outside evaluation: a counter typed in had no undo, and the
# first export was taken on trust).
run "" lock add 781 "A second-hand lock"
run "" person slot Alice 781 4
run "" lock provision 781 "$tmp/781.otc"
key781=$(sed -n 's/^key //p' "$tmp/781.otc")
idA=$(hex32)
idB=$(hex32)
before=$(counts)
run "" lock receipt 781 "$(receipt "$key779" 5 "$idA")"
expect 2 "does not verify under lock 781's key" "a receipt under another lock's key"
run "" lock receipt 781 "$(receipt "$key781" 5 "$idA" | cut -c3-)"
expect 2 "is not a lock's receipt" "a receipt cut short"
run "" lock receipt 781 "$(receipt "$key781" 5 "$idA" | sed 's/^00/01/')"
expect 2 "is not a lock's receipt" "a refusal's answer as a receipt"
run "" lock receipt 782 "$(receipt "$key781" 5 "$idA")"
expect 2 "no lock 782" "a receipt of a lock the fleet does not have"
# Whoever kept the file makes receipts: one past the fleet's counter would
# leave the lock no code the fleet can give (twenty-seventh and twenty-eighth
# outside evaluations: at the last counter, then at the first past the
# lock's look-ahead, for good). An honest lock is past it only if codes the
# fleet never showed were used there: its trail says so, and the owner then
# raises the fleet's counter.
run "" lock receipt 781 "$(receipt "$key781" 1 "$idA")"
expect 2 "past the fleet's (0): codes the fleet never showed were used at it" "a receipt past the fleet's counter"
run "" lock receipt 781 "$(receipt "$key781" 4294967295 "$idA")"
expect 2 "past the fleet's (0)" "a receipt at the last counter"
unchanged "receipts refused"
run "" lock counter 781 5
run "" lock receipt 781 "$(receipt "$key781" 5 "$idA")"
expect 0 "next counter 5 (the fleet's is 5)" "a receipt at the fleet's counter"
expect 0 "its exports carry identity $idA" "a receipt pins the identity"
run "dora-password-1" dispatch 781 Alice --as dora
expect 0 "counter 5" "the next code at the lock's counter"
# Below what the lock said before: a lock set up again with an old file, or
# an old receipt; used codes open such a lock again (twenty-seventh).
run "" lock receipt 781 "$(receipt "$key781" 3 "$idA")"
expect 0 "next counter 3 (the fleet's is 6)" "a receipt with a lower counter"
expect 0 "WARNING: lock 781's next counter 3 is below 5, under which the fleet holds every counter used or dead" \
    "a receipt below the floor, warned of"
[ "$(sql "SELECT next_counter FROM fleet.locks WHERE number = 781")" = 6 ] && ok ||
    bad "a receipt lowered the fleet's counter"
# A new identity: the lock's next life, only as the owner says it was erased.
before=$(counts)
run "" lock receipt 781 "$(receipt "$key781" 6 "$idB")"
expect 2 "if lock 781 was, take the receipt in with --erased" "a new identity without --erased"
unchanged "a new identity without --erased"
run "" lock receipt 781 "$(receipt "$key781" 6 "$idB")" --erased
expect 0 "a new identity, $idB: the lock was erased and set up again; its exports from now on are its life 2" \
    "a receipt with a new identity"
before=$(counts)
run "" lock receipt 781 "$(receipt "$key781" 6 "$idA")" --erased
expect 2 "the receipt is of lock 781's life 1, before it was set up again" "an earlier life's receipt"
unchanged "an earlier life's receipt"
# Lock 781's identity under lock 779's key: one key made the other's receipt.
run "" lock receipt 779 "$(receipt "$key779" 11 "$idB")" --erased
expect 3 "its identity $(echo "$idB" | cut -c1-16)... is lock 781's: one of the two locks' keys made a receipt for the other" \
    "another lock's identity under this lock's key"
[ "$(sql "SELECT detail FROM fleet.actions WHERE kind = 'refused' ORDER BY seq DESC LIMIT 1")" = "lock receipt: lock 779's key, lock 781's identity $idB" ] &&
    ok || bad "the receipt with another lock's identity is not recorded"
[ "$(sql "SELECT string_agg(lock || ':' || life, ' ' ORDER BY life) FROM fleet.identities WHERE lock IN (779, 781)")" = "781:1 781:2" ] &&
    ok || bad "the identities pinned: $(sql "SELECT * FROM fleet.identities")"
[ "$(sql "SELECT count(*) FROM fleet.actions WHERE kind = 'lock receipt'")" = 3 ] && ok ||
    bad "the receipts are not recorded"
# A fleet restored from a backup: the counter typed in, past every code
# shown since; never down, never where a provisioning file may not go (the
# lock refuses one there: twenty-sixth outside evaluation).
run "" lock counter 781 60
expect 0 "next counter 60 (was 6)" "lock counter up"
before=$(counts)
run "" lock counter 781 12
expect 2 "never goes down" "lock counter down"
run "" lock counter 782 12
expect 2 "no lock 782" "lock counter of an unknown lock"
run "" lock counter 781 4278190080
expect 2 "not a number 0..4278190079" "lock counter where no file goes"
unchanged "lock counter refused"
run "" lock counter 781 4278190079
expect 0 "next counter 4278190079" "lock counter to the last a file carries"
run "" lock provision 781 "$tmp/781-last.otc"
[ "$status" = 0 ] && [ "$(sed -n 4p "$tmp/781-last.otc")" = "counter 4278190079" ] && ok ||
    bad "the last counter a file carries: $(cat "$tmp/out" "$tmp/err")"
run "dora-password-1" dispatch 781 Alice --as dora
expect 0 "counter 4278190079" "a code at the last counter a file carries"
# Past it, a file still carries the last the lock takes (its counter only
# rises to it): a released lock can still be given a new key (twenty-seventh).
run "" lock provision 781 "$tmp/781-past.otc"
[ "$status" = 0 ] && [ "$(sed -n 4p "$tmp/781-past.otc")" = "counter 4278190079" ] && ok ||
    bad "a file past the last counter a file carries: $(cat "$tmp/out" "$tmp/err")"
run "" lock zone 781 Europe/Zurich
expect 0 "lock 781: its clock's times are read in Europe/Zurich, UTC+0[12]:00:00 now (was UTC)" "lock zone"
run "" lock zone 781 localtime
expect 2 "not the server's localtime" "the server's localtime as a lock's zone"
# A release asked for and never shown holds no counter and blocks none; only
# one is shown at a time (twenty-seventh outside evaluation: one approved and
# never fetched blocked every release after it, for good).
run "" lock add 783 "A dual vault"
run "" person slot "Mona Ager" 783 0
run "ada-password-333" setting dual-dispatch on --as ada
run "eve-password-22" release 783 "Mona Ager" --as eve
expect 0 "waiting for approval" "a release under dual dispatch"
rel_a=$(sed -n "s/^release \([0-9]*\):.*/\1/p" "$tmp/out")
run "dora-password-1" approve "$rel_a" --as dora
run "eve-password-22" release 783 "Mona Ager" --as eve
expect 0 "waiting for approval" "a second release while the first is not shown"
rel_b=$(sed -n "s/^release \([0-9]*\):.*/\1/p" "$tmp/out")
run "dora-password-1" approve "$rel_b" --as dora
run "eve-password-22" code "$rel_b" --as eve
expect 0 "release code " "the second release shown"
before=$(counts)
run "eve-password-22" code "$rel_a" --as eve
expect 2 "lock 783 has a release out (dispatch $rel_b)" "a release shown while another is out"
unchanged "a release shown while another is out"
run "ada-password-333" setting dual-dispatch off --as ada
run "bob-password-4444" setting dual-dispatch off --as bob

# ---- wrong passwords: the limit (docs/FLEET.md, "Wrong passwords") ----
# lou's tries: 5 wrong ones lock his name out for a minute, during which even
# his right password is refused unchecked; each wrong one after a lockout
# doubles the next. The test moves the stored time of the last wrong password
# back rather than wait.
run "lou-password-4444" dispatcher add lou dispatcher
expect 0 "dispatcher added" "dispatcher add lou"
# lou's dispatches go to a lock of their own: its look-ahead is not this test's.
run "" lock add 780 "Lou's vault"
run "" person slot Alice 780 5
lou_wrong() { sql "SELECT wrong_passwords FROM fleet.dispatchers WHERE name = 'lou'"; }
# back SECONDS: lou's last wrong password that much earlier.
back() { sql "UPDATE fleet.dispatchers SET last_wrong_at = last_wrong_at - interval '$1 seconds' WHERE name = 'lou'"; }
# lockout_end SECONDS: the end of a lockout of SECONDS after lou's last wrong password
# (UTC, rounded up to the second), as the messages give it.
lockout_end() {
    sql "SELECT to_char(date_trunc('second', (last_wrong_at AT TIME ZONE 'UTC')
         + interval '$1 seconds 999999 microseconds'), 'YYYY-MM-DD HH24:MI:SS')
         FROM fleet.dispatchers WHERE name = 'lou'"
}
last_action() { sql "SELECT actor || ' ' || kind || ': ' || detail FROM fleet.actions ORDER BY seq DESC LIMIT 1"; }
c0=$(sql "SELECT next_counter FROM fleet.locks WHERE number = 12345")
for i in 1 2 3 4; do
    run "not-lous-$i" dispatch 780 Alice --as lou
    expect 3 "wrong password for dispatcher \"lou\": refused (recorded)$" "lou's wrong password $i"
done
[ "$(lou_wrong)" = 4 ] && ok || bad "4 wrong passwords counted as $(lou_wrong)"
run "not-lous-5" dispatch 780 Alice --as lou
expect 3 "5 wrong in a row: no password is checked for this name until $(lockout_end 60) UTC (in 60 s)" \
    "the fifth wrong password: a lockout of a minute"
run "lou-password-4444" dispatch 780 Alice --as lou
expect 3 "dispatcher \"lou\" is locked out after 5 wrong passwords in a row: no password is checked for this name until $(lockout_end 60) UTC" \
    "the right password during the lockout"
[ "$(last_action)" = "dispatcher:lou locked out: dispatch lock 780 person \"Alice\" (locked out until $(lockout_end 60) UTC)" ] &&
    ok || bad "the refused try is not recorded as locked out: $(last_action)"
run "not-lous-6" dispatch 780 Alice --as lou
expect 3 "is locked out after 5" "a wrong password during the lockout"
[ "$(lou_wrong)" = 5 ] && ok || bad "tries during the lockout were counted: $(lou_wrong)"
[ "$(sql "SELECT next_counter FROM fleet.locks WHERE number = 12345")" = "$c0" ] && ok ||
    bad "a dispatch went through during the lockout"
back 55
run "lou-password-4444" dispatch 780 Alice --as lou
expect 3 "(in [1-5] s)" "the right password 55 s into a lockout of 60"
back 6
run "lou-password-4444" dispatch 780 Alice --as lou
expect 0 "code " "the right password once the lockout is over"
[ "$(lou_wrong)" = 0 ] && ok || bad "the right password left the count at $(lou_wrong)"
[ "$(sql "SELECT last_wrong_at IS NULL FROM fleet.dispatchers WHERE name = 'lou'")" = t ] && ok ||
    bad "the right password left the last wrong password's time"
# Doubling: after a lockout, each wrong password locks the name out twice as
# long as the one before, up to an hour.
for i in 1 2 3 4 5; do run "not-lous-$i" approve 4 --as lou; done
expect 3 "(in 60 s)" "five wrong passwords again"
back 61
run "not-lous-6" approve 4 --as lou
expect 3 "6 wrong in a row: no password is checked for this name until $(lockout_end 120) UTC (in 120 s)" \
    "the sixth wrong password: two minutes"
back 115
run "lou-password-4444" approve 4 --as lou
expect 3 "until $(lockout_end 120) UTC (in [1-5] s)" "the right password 115 s into a lockout of 120"
back 6
run "not-lous-7" approve 4 --as lou
expect 3 "7 wrong in a row: .* until $(lockout_end 240) UTC (in 240 s)" "the seventh: four minutes"
sql "UPDATE fleet.dispatchers SET wrong_passwords = 30 WHERE name = 'lou'"
run "lou-password-4444" approve 4 --as lou
expect 3 "after 30 wrong passwords in a row: no password is checked for this name until $(lockout_end 3600) UTC" \
    "the lockout stops doubling at an hour"
# A count whose last wrong password is a day old is forgotten.
sql "UPDATE fleet.dispatchers SET wrong_passwords = 4, last_wrong_at = now() - interval '25 hours' WHERE name = 'lou'"
run "not-lous-8" approve 4 --as lou
expect 3 "refused (recorded)$" "a wrong password after a day"
[ "$(lou_wrong)" = 1 ] && ok || bad "a day-old count was not forgotten: $(lou_wrong)"
# The owner's unlock: owner's only, recorded.
for i in 2 3 4 5; do run "not-lous-$i" approve 4 --as lou; done
expect 3 "5 wrong in a row" "locked out again"
before=$(counts)
OWNERLOCK_FLEET_KEY= run "" dispatcher unlock lou
expect 2 "OWNERLOCK_FLEET_KEY is not set" "dispatcher unlock without the owner's key"
run "" dispatcher unlock lou --as ada
expect 2 "unknown option" "dispatcher unlock --as"
run "" dispatcher unlock nobody
expect 2 "no dispatcher named \"nobody\": nothing changed" "unlocking an unknown dispatcher"
unchanged "refused unlocks"
run "" dispatcher unlock lou
expect 0 "dispatcher \"lou\": 5 wrong passwords forgotten; the lockout is over" "dispatcher unlock"
[ "$(last_action)" = "owner dispatcher unlock: \"lou\" after 5 wrong passwords, locked out" ] && ok ||
    bad "the unlock is not recorded: $(last_action)"
before=$(counts)
run "" dispatcher unlock lou
expect 2 "no wrong passwords to forget: nothing changed" "unlocking twice"
unchanged "unlocking twice"
run "lou-password-4444" dispatch 780 Alice --as lou
expect 0 "code " "lou's right password after the owner's unlock"
# Five wrong passwords at once: each counted (one UPDATE from the stored count).
for i in 1 2 3 4 5; do
    printf 'not-lous-%s\n' "$i" | "$fleet" dispatch 780 Alice --as lou >"$tmp/lou$i" 2>&1 &
done
wait
[ "$(lou_wrong)" = 5 ] && ok || bad "five wrong passwords at once counted as $(lou_wrong)"
run "lou-password-4444" dispatch 780 Alice --as lou
expect 3 "is locked out after 5" "locked out by five wrong passwords at once"
run "" dispatcher unlock lou
expect 0 "forgotten" "dispatcher unlock after the wrong passwords at once"

# ---- every kind of action is in the log ----
for kind in init "lock add" provision "person add" "person slot" "dispatcher add" setting \
    "lock receipt" "lock counter" "lock zone" dispatch release approve "code shown" "code reissued" "seal ok" "seal bad" \
    "password refused" refused \
    "locked out" "dispatcher unlock"; do
    [ "$(sql "SELECT count(*) > 0 FROM fleet.actions WHERE kind = '$kind'")" = t ] && ok ||
        bad "no '$kind' action"
done

# ---- the chain ----
run "" log verify
expect 0 "log intact" "log verify"
n=$(sql "SELECT count(*) FROM fleet.actions")
grep -q "log intact: $n actions" "$tmp/out" && ok || bad "log verify's count: $(cat "$tmp/out")"
# The tags: whoever writes the database can compute a row's hash, not its tag
# (twenty-third outside evaluation: a forged `seal ok` appended verified).
grep -q "every tag the owner's key's" "$tmp/out" && ok || bad "log verify did not check the tags: $(cat "$tmp/out")"
OWNERLOCK_FLEET_KEY= run "" log verify
expect 0 "tags not checked: OWNERLOCK_FLEET_KEY is not set" "log verify without the owner's key"
forge() { # a row appended after the head, its hash right, with TAG (hex or NULL)
    python3 - "$(sql "SELECT seq + 1 || ' ' || encode(hash, 'hex') FROM fleet.actions ORDER BY seq DESC LIMIT 1")" <<'EOF'
import hashlib, sys
seq, prev = sys.argv[1].split()
f = lambda s: ("%d:%s\n" % (len(s.encode()), s)).encode()
h = hashlib.sha256(bytes.fromhex(prev) + b"ownerlock fleet action 1\n" + seq.encode() + b"\n"
                   + b"1764000000000000\n" + f("dispatcher:dora") + f("seal ok") + f("dispatch 1 seal 01"))
print("INSERT INTO fleet.actions (seq, at_us, actor, kind, detail, prev_hash, hash, tag) VALUES"
      " (%s, 1764000000000000, 'dispatcher:dora', 'seal ok', 'dispatch 1 seal 01',"
      " decode('%s', 'hex'), decode('%s', 'hex'), TAGVALUE)" % (seq, prev, h.hexdigest()))
EOF
}
sql "$(forge | sed "s/TAGVALUE/NULL/")"
last=$(sql "SELECT max(seq) FROM fleet.actions")
OWNERLOCK_FLEET_KEY= run "" log verify
expect 0 "log intact" "a forged row passes the hashes alone"
run "" log verify
expect 3 "log broken at action $last: its tag is not the owner's key's" "a forged row without a tag"
sql "ALTER TABLE fleet.actions DISABLE TRIGGER actions_append_only; DELETE FROM fleet.actions WHERE seq = $last"
sql "$(forge | sed "s/TAGVALUE/decode('$(hex32)', 'hex')/")"
run "" log verify
expect 3 "log broken at action $last: its tag is not the owner's key's" "a forged row with a made-up tag"
sql "DELETE FROM fleet.actions WHERE seq = $last; ALTER TABLE fleet.actions ENABLE TRIGGER actions_append_only"
run "" log verify
expect 0 "log intact" "log verify with the forged row gone"
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

# rechain SCHEMA: a database made by init as one of an older SCHEMA made it:
# its first action says so, and the chain is hashed again (what an older
# program wrote; the upgrade checks the chain and where its tags began).
rechain() {
    sql "ALTER TABLE fleet.actions DISABLE TRIGGER actions_append_only;
         UPDATE fleet.actions SET detail = 'schema $1' WHERE seq = 1"
    sql "SELECT seq || '|' || at_us || '|' || actor || '|' || kind || '|' || detail FROM fleet.actions ORDER BY seq" |
        python3 -c '
import hashlib, sys
f = lambda s: ("%d:%s\n" % (len(s.encode()), s)).encode()
prev = bytes(32)
for line in sys.stdin:
    seq, at, actor, kind, detail = line.rstrip("\n").split("|", 4)
    h = hashlib.sha256(prev + b"ownerlock fleet action 1\n" + seq.encode() + b"\n" + at.encode() + b"\n"
                       + f(actor) + f(kind) + f(detail)).digest()
    print("UPDATE fleet.actions SET prev_hash = decode(\x27%s\x27, \x27hex\x27), hash = decode(\x27%s\x27, \x27hex\x27) WHERE seq = %s;" % (prev.hex(), h.hex(), seq))
    prev = h' >"$tmp/rechain.sql"
    sql "$(cat "$tmp/rechain.sql") ALTER TABLE fleet.actions ENABLE TRIGGER actions_append_only"
}
# ---- a database of schema 1 (before the limit on wrong passwords) ----
# Made as init makes it, less what schema 2 adds; then `upgrade` adds it.
sql "CREATE DATABASE schema1"
main_db=$OWNERLOCK_FLEET_DB
export OWNERLOCK_FLEET_DB="host=$tmp/pg user=fleet dbname=schema1"
run "" init
expect 0 "fleet schema created" "init (schema1)"
run "dora-password-1" dispatcher add dora dispatcher
sql "DROP INDEX fleet.dispatches_open; DROP TABLE fleet.unknown_names;
     ALTER TABLE fleet.dispatchers DROP COLUMN wrong_passwords, DROP COLUMN last_wrong_at;
     ALTER TABLE fleet.locks DROP COLUMN floor, DROP COLUMN key_from, DROP COLUMN clock_zone,
         DROP COLUMN next_key_nonce, DROP COLUMN next_key_box;
     DROP TABLE fleet.identities;
     ALTER TABLE fleet.actions DROP COLUMN tag;
     ALTER TABLE fleet.audit DROP COLUMN life, ADD PRIMARY KEY (lock, seq);
     DROP INDEX fleet.seal_entries_wrong;
     ALTER TABLE fleet.dispatches DROP CONSTRAINT dispatches_counter_when_shown,
         DROP COLUMN purpose, DROP COLUMN closed_by_audit, DROP COLUMN shown_after_seq,
         DROP COLUMN shown_life;
     UPDATE fleet.meta SET version = 1"
rechain 1
before=$(counts)
run "not-doras" approve 1 --as dora
expect 2 "the fleet's schema is version 1; this program's is 4: ownerlock-fleet upgrade first" \
    "a command on schema 1"
OWNERLOCK_FLEET_KEY= run "" upgrade
expect 2 "OWNERLOCK_FLEET_KEY is not set" "upgrade without the owner's key"
unchanged "commands on schema 1"
run "" upgrade
expect 0 "the fleet's schema is now version 4 (it was 1)" "upgrade"
[ "$(sql "SELECT kind || ': ' || detail FROM fleet.actions ORDER BY seq DESC LIMIT 1")" = "upgrade: schema 1 to 4" ] &&
    ok || bad "the upgrade is not recorded"
[ "$(sql "SELECT count(*) FROM pg_indexes WHERE indexname = 'dispatches_open'")" = 1 ] && ok ||
    bad "upgrade did not make the index of open dispatches"
[ "$(sql "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'fleet'
          AND column_name IN ('floor', 'key_from', 'purpose', 'closed_by_audit', 'life',
                              'shown_life')")" = 7 ] && ok ||
    bad "upgrade did not add schema 3's and 4's columns"
run "not-doras" approve 1 --as dora
expect 3 "wrong password" "a wrong password after the upgrade"
[ "$(sql "SELECT wrong_passwords FROM fleet.dispatchers WHERE name = 'dora'")" = 1 ] && ok ||
    bad "the wrong password is not counted after the upgrade"
run "" log verify
expect 0 "log intact: .*, every tag the owner's key's" "log verify after the upgrade: the rows before it tagged"
before=$(counts)
run "" upgrade
expect 2 "version 4 already: nothing changed" "upgrade twice"
unchanged "upgrade twice"
sql "UPDATE fleet.meta SET version = 5"
run "" dispatches
expect 2 "version 5, newer than this program's (4)" "a newer schema"
# ---- a database of schema 3 with a trail taken in: its identity, life 1 ----
sql "CREATE DATABASE schema3"
export OWNERLOCK_FLEET_DB="host=$tmp/pg user=fleet dbname=schema3"
run "" init
run "" lock add 5 "Old vault"
run "" person add Pat
run "" person slot Pat 5 0
run "dora-password-1" dispatcher add dora dispatcher
run "dora-password-1" dispatch 5 Pat --as dora
sql "ALTER TABLE fleet.locks ADD COLUMN audit_identity text, DROP COLUMN clock_zone,
         DROP COLUMN next_key_nonce, DROP COLUMN next_key_box;
     UPDATE fleet.locks SET audit_identity = '$idA';
     ALTER TABLE fleet.audit DROP COLUMN life, ADD PRIMARY KEY (lock, seq);
     INSERT INTO fleet.audit VALUES (5, 7, '2026-12-01T10:00:00', 'open', 0, 0);
     UPDATE fleet.dispatches SET shown_after_seq = 7;
     DROP TABLE fleet.identities;
     ALTER TABLE fleet.actions DROP COLUMN tag;
     ALTER TABLE fleet.dispatches DROP COLUMN shown_life;
     UPDATE fleet.meta SET version = 3"
rechain 3
run "" upgrade
expect 0 "the fleet's schema is now version 4 (it was 3)" "upgrade from schema 3"
[ "$(sql "SELECT identity || ' ' || lock || ' ' || life FROM fleet.identities")" = "$idA 5 1" ] &&
    ok || bad "the identity taken in under schema 3 is not life 1: $(sql "SELECT * FROM fleet.identities")"
[ "$(sql "SELECT life FROM fleet.audit WHERE lock = 5")" = 1 ] && ok || bad "the stored record is not life 1's"
[ "$(sql "SELECT shown_life || ':' || shown_after_seq FROM fleet.dispatches")" = "1:7" ] && ok ||
    bad "the dispatch's code is not after life 1's record 7"
expect 0 "actions tagged with the owner's key, up to head [0-9a-f]*: compare it with the head you wrote down" \
    "the upgrade says what it vouched for"
# Made to look older again, a row forged and the tags dropped: the chain says
# its tags began, and the upgrade refuses to vouch for the forged row
# (twenty-eighth outside evaluation).
sql "ALTER TABLE fleet.locks ADD COLUMN audit_identity text, DROP COLUMN clock_zone,
         DROP COLUMN next_key_nonce, DROP COLUMN next_key_box;
     ALTER TABLE fleet.audit DROP COLUMN life, ADD PRIMARY KEY (lock, seq);
     DROP TABLE fleet.identities;
     ALTER TABLE fleet.actions DROP COLUMN tag;
     ALTER TABLE fleet.dispatches DROP COLUMN shown_life;
     UPDATE fleet.meta SET version = 3"
sql "$(forge | sed "s/, tag) VALUES/) VALUES/; s/, TAGVALUE)/)/")"
before=$(counts)
run "" upgrade
expect 2 "the action chain says its rows were tagged from action [0-9]* on, and the database is of a schema before the tags" \
    "an upgrade of a chain whose tags were removed"
unchanged "an upgrade of a chain whose tags were removed"
export OWNERLOCK_FLEET_DB="$main_db"

# ---- the lock and the service together (the simulator) ----
if [ -n "$sim" ]; then
    run "" lock add 777 "Simulated vault"
    expect 0 "lock 777 added" "lock add (simulated)"
    # Its clock set to local time west of UTC, the zone the fleet reads it in
    # (twenty-sixth outside evaluation: read as UTC, every honest opening
    # there came before its code was shown, and nothing closed).
    before=$(counts)
    run "" lock zone 777 Mars/Olympus_Mons
    expect 2 "is no time zone PostgreSQL knows" "a zone that is none"
    run "" lock zone 778 UTC
    expect 2 "no lock 778" "the zone of a lock the fleet does not have"
    unchanged "zones refused"
    run "" lock zone 777 America/Los_Angeles
    expect 0 "read in America/Los_Angeles, UTC-0[78]:00:00 now (was UTC)" "lock zone"
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
    # The lock's clock set to the service's (a manager's *08): the trail's
    # times say a code was used after the fleet showed it.
    cat >"$tmp/lock.sim" <<SIMEOF
keys 482915# 482915#
wait 3s
keys *
wait 4s
keys *08 482915# $(TZ=America/Los_Angeles date +%Y%m%d)# $(TZ=America/Los_Angeles date +%H%M)#
expect display CLOCK SET
wait 3s
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
door close
wait 3s
expect event audit kind=close_seal slot=0
SIMEOF
    if "$sim" --seed 1 --state "$tmp/lock-777" --script "$tmp/lock.sim" >"$tmp/lock-state.out" 2>&1 &&
        "$sim" --seed 1 --state "$tmp/lock-777" --script "$tmp/lock2.sim" >"$tmp/lock2.out" 2>&1 &&
        [ -s "$tmp/777.audit" ]; then ok; else
        bad "the simulated lock's export: $(tail -n 5 "$tmp/lock2.out")"
    fi
    owner="$(cd "$(dirname "$0")/../.." && pwd)/tests/keys/sim-owner.key"
    export OWNERLOCK_TOOL="$(dirname "$fleet")/ownerlock"
    # The lock's export is taken in only once its receipt pinned its identity.
    before=$(counts)
    run "" audit ingest 777 "$tmp/777.audit" "$owner"
    expect 2 "which no receipt of lock 777 pinned" "an export before the lock's receipt"
    unchanged "an export before the lock's receipt"
    run "" lock receipt 777 "$(sim_receipt "$tmp/lock-state.out")"
    expect 0 "its exports carry identity" "the simulated lock's receipt"
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

    # The seal of code 1 was never typed; the next trail closes its dispatch.
    # A release: its code typed at the keypad in a *19 session turns one-time
    # codes off; the trail shows it, and only then does the lock get a new
    # key, whose codes go on from the lock's counter.
    run "dora-password-1" dispatch 777 "Sam Imms" --as dora
    code2=$(sed -n 's/^code //p' "$tmp/out")
    run "eve-password-22" release 777 "Sam Imms" --as eve
    expect 0 "counter 3" "a release code for the simulated lock"
    rel=$(sed -n 's/^release code //p' "$tmp/out")
    rel_id=$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")
    cat >"$tmp/lock3.sim" <<SIMEOF
keys 482915#
keys $code2#
expect event audit kind=one_time_code slot=0 arg=2
door open
service plug
keys *19 482915#
service otc off
expect display RELEASE CODE
keys $rel#
expect display ONE-TIME CODES \| OFF
service export audit $tmp/777-2.audit
SIMEOF
    if "$sim" --seed 1 --state "$tmp/lock-777" --script "$tmp/lock3.sim" >"$tmp/lock3.out" 2>&1; then ok; else
        bad "the simulated lock's release: $(tail -n 5 "$tmp/lock3.out")"
    fi
    run "" lock provision 777 "$tmp/777-early.otc"
    expect 0 "does not show it used" "a provisioning before the trail is taken in"
    [ "$(sed -n 's/^key //p' "$tmp/777-early.otc")" = "$(sed -n 's/^key //p' "$tmp/lock-777.otc")" ] &&
        ok || bad "a new key before the trail showed the release"
    run "" audit ingest 777 "$tmp/777-2.audit" "$owner"
    expect 0 "2 dispatches closed by the trail" "the trail closes the unsealed code and the release"
    run "" dispatches
    grep -q "	1	dora	-	.*	closed by the audit trail (record [0-9]*), seal 0" "$tmp/out" && ok ||
        bad "code 1's dispatch not closed by the trail: $(cat "$tmp/out")"
    grep -q "^$rel_id	.*	release: used (audit record " "$tmp/out" && ok ||
        bad "the release not closed by the trail: $(cat "$tmp/out")"
    grep -q "	2	dora	-	.*	open$" "$tmp/out" && ok ||
        bad "code 2 (no close since) is not open: $(cat "$tmp/out")"
    run "" lock provision 777 "$tmp/777-new.otc"
    expect 0 "the file holds the lock's next key" "a new key for the released lock"
    [ "$(sed -n 's/^key //p' "$tmp/777-new.otc")" != "$(sed -n 's/^key //p' "$tmp/lock-777.otc")" ] &&
        ok || bad "the released lock was given its old key again"
    # The next key is the same in every file until the lock's receipt shows
    # it took it; the fleet's codes are the old key's until then (a file
    # never set, or refused, leaves them as the lock computes them).
    run "" lock provision 777 "$tmp/777-again.otc"
    [ "$(sed -n 's/^key //p' "$tmp/777-again.otc")" = "$(sed -n 's/^key //p' "$tmp/777-new.otc")" ] &&
        ok || bad "a second file for the released lock holds another next key"
    run "" lock receipt 777 "$(sim_receipt "$tmp/lock-state.out")"
    expect 0 "the receipt verifies; the lock's next counter 0 (the fleet's is 4)" \
        "a receipt under the old key leaves the next key waiting"
    printf '%s\n' "service plug" "keys *19 482915#" "service otc $tmp/777-new.otc" \
        "expect event otc ok=true next=4" "expect display ONE-TIME CODES \\| ON" >"$tmp/lock4a.sim"
    if "$sim" --seed 1 --state "$tmp/lock-777" --script "$tmp/lock4a.sim" >"$tmp/lock4a.out" 2>&1; then ok; else
        bad "the simulated lock's new key: $(tail -n 5 "$tmp/lock4a.out")"
    fi
    run "" lock receipt 777 "$(sim_receipt "$tmp/lock4a.out")"
    expect 0 "the receipt verifies under the lock's next key, its key from now on; the lock's next counter 4 (the fleet's is 4)" \
        "the receipt of the new key"
    run "dora-password-1" dispatch 777 "Sam Imms" --as dora
    expect 0 "counter 4" "the first code under the new key goes on from the counter"
    code4=$(sed -n 's/^code //p' "$tmp/out")
    cat >"$tmp/lock4.sim" <<SIMEOF
door close
wait 3s
keys 482915#
keys $code2#
expect event audit kind=wrong_code
keys 482915#
keys $code4#
expect event audit kind=one_time_code slot=0 arg=4
expect bolt retracted
door open
door close
wait 3s
keys *08 482915# $(TZ=America/Los_Angeles date -d '-1 hour' +%Y%m%d)# $(TZ=America/Los_Angeles date -d '-1 hour' +%H%M)#
expect display CLOCK SET
wait 3s
$(opening "$(sed -n 's/^key //p' "$tmp/777-new.otc")" 5)
door open
door close
wait 3s
$(opening "$(sed -n 's/^key //p' "$tmp/777-new.otc")" 6)
door open
service plug
keys *19 482915#
service export audit $tmp/777-3.audit
SIMEOF
    if "$sim" --seed 1 --state "$tmp/lock-777" --script "$tmp/lock4.sim" >"$tmp/lock4.out" 2>&1; then ok; else
        bad "the simulated lock's new key: $(tail -n 5 "$tmp/lock4.out")"
    fi
    # Codes computed from a kept provisioning file opened, an hour back by the
    # lock's clock: counter 5, which the fleet then dispatched (its code dead:
    # the dispatch is not closed by the earlier opening, twenty-fifth outside
    # evaluation), and counter 6, which no dispatch explains.
    run "dora-password-1" dispatch 777 "Sam Imms" --as dora
    expect 0 "counter 5" "a dispatch of the counter a kept file used"
    late=$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")
    run "" audit ingest 777 "$tmp/777-3.audit" "$owner"
    expect 0 "WARNING: record [0-9]*: a one-time code used (slot 0, counter's low bits 6) that no dispatch" \
        "an opening no dispatch explains"
    expect 0 "WARNING: record [0-9]*: the code of dispatch $late used at .*, by the lock.s clock before the fleet showed it" \
        "an opening before its code was shown"
    expect 0 "note: record [0-9]*: the lock's clock was set" "the clock set pointed out"
    [ "$(sql "SELECT sealed_at IS NULL FROM fleet.dispatches WHERE id = $late")" = t ] && ok ||
        bad "a dispatch closed by an opening before its code was shown"
    [ "$(sql "SELECT count(*) FROM fleet.actions WHERE kind = 'audit ingest' AND detail LIKE '%one-time codes used that no dispatch explains%' AND detail LIKE '%codes used before they were shown%'")" = 1 ] &&
        ok || bad "the warnings are not in the action's detail"
    # Another lock's export (another safe: another identity) is refused.
    printf '%s\n' "keys 482915# 482915#" "wait 3s" "keys *" "wait 4s" "service plug" \
        "keys *19 482915#" "service export audit $tmp/other.audit" >"$tmp/other.sim"
    "$sim" --seed 2 --script "$tmp/other.sim" >/dev/null 2>&1 || bad "the other lock's export"
    before=$(counts)
    run "" audit ingest 777 "$tmp/other.audit" "$owner"
    expect 2 "which no receipt of lock 777 pinned" "another lock's export"
    unchanged "another lock's export"
    # Lock 777's export as another lock's first: its identity is 777's.
    before=$(counts)
    run "" audit ingest 781 "$tmp/777.audit" "$owner"
    expect 2 "is an export of lock 777" "a lock's export as another lock's first"
    unchanged "a lock's export as another lock's first"
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

    # Lock 777 erased and set up again (here: another safe given its key, as an
    # erased lock is): a new identity in its receipt, its next life; its
    # records from 1 again are kept apart, and its trail closes the dispatch
    # shown in it (twenty-fifth outside evaluation: the fleet refused them).
    run "" lock provision 777 "$tmp/777-life2.otc"
    expect 0 "" "a provisioning for the lock set up again"

    cat >"$tmp/life2-setup.sim" <<SIMEOF
keys 482915# 482915#
wait 3s
keys *
wait 4s
keys *08 482915# $(TZ=America/Los_Angeles date +%Y%m%d)# $(TZ=America/Los_Angeles date +%H%M)#
expect display CLOCK SET
wait 3s
service plug
keys *19 482915#
service otc $tmp/777-life2.otc
expect event otc ok=true next=6
service export audit $tmp/777-life2-setup.audit
SIMEOF
    if "$sim" --seed 3 --state "$tmp/lock-777b" --script "$tmp/life2-setup.sim" >"$tmp/life2-setup.out" 2>&1; then ok; else
        bad "the lock set up again: $(tail -n 5 "$tmp/life2-setup.out")"
    fi
    before=$(counts)
    run "" audit ingest 777 "$tmp/777-life2-setup.audit" "$owner"
    expect 2 "which no receipt of lock 777 pinned" "the new life's export before its receipt"
    unchanged "the new life's export before its receipt"
    run "" lock receipt 777 "$(sim_receipt "$tmp/life2-setup.out")" --erased
    expect 0 "a new identity, .*: the lock was erased and set up again; its exports from now on are its life 2" \
        "the receipt of the lock set up again"
    run "" audit ingest 777 "$tmp/777-life2-setup.audit" "$owner"
    expect 0 "0 dispatches closed by the trail" "the new life's first export"
    run "dora-password-1" dispatch 777 "Sam Imms" --as dora
    expect 0 "counter 6" "a dispatch for the lock set up again"
    code6=$(sed -n 's/^code //p' "$tmp/out")
    life2_id=$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")
    run "dora-password-1" dispatch 777 "Sam Imms" --as dora
    code7=$(sed -n 's/^code //p' "$tmp/out")
    cat >"$tmp/life2.sim" <<SIMEOF
door close
wait 3s
keys 482915#
keys $code6#
expect event audit kind=one_time_code slot=0 arg=6
door open
door close
wait 3s
expect event audit kind=close_seal slot=0 arg=1
keys 482915#
keys $code7#
expect event audit kind=one_time_code slot=0 arg=7
door open
service plug
keys *19 482915#
service export audit $tmp/777-life2.audit
SIMEOF
    if "$sim" --seed 3 --state "$tmp/lock-777b" --script "$tmp/life2.sim" >"$tmp/life2.out" 2>&1; then ok; else
        bad "the lock set up again, opened: $(tail -n 5 "$tmp/life2.out")"
    fi
    run "" audit ingest 777 "$tmp/777-life2.audit" "$owner"
    expect 0 "1 dispatches closed by the trail" "the new life's trail closes its dispatch"
    [ "$(sql "SELECT closed_by_audit IS NOT NULL FROM fleet.dispatches WHERE id = $life2_id")" = t ] && ok ||
        bad "the dispatch of the new life is not closed by its trail"
    n2=$(sql "SELECT count(*) FROM fleet.audit WHERE lock = 777 AND life = 2")
    [ "$n2" -gt 5 ] && [ "$(sql "SELECT min(seq) FROM fleet.audit WHERE lock = 777 AND life = 2")" = 1 ] &&
        ok || bad "the new life's records: $n2, from $(sql "SELECT min(seq) FROM fleet.audit WHERE lock = 777 AND life = 2")"
    run "" audit ingest 777 "$tmp/777-3.audit" "$owner"
    expect 0 ", 0 new" "an export of the life before, taken in again, into its life"
    run "" audit report 777 "$tmp/777-life2.html"
    expect 0 "lock 777: records 1 to $n2 ($n2 of $n2 stored)" "the report of the newest life"
    grep -q "since it was set up again (its life 2" "$tmp/777-life2.html" && ok ||
        bad "the report does not say the lock was set up again"
    # A manager with the kept file sets the lock's clock three hours forward,
    # then opens alone with the next counter's code; the fleet then shows
    # that counter to a dispatch. By the clock the opening came after it; the
    # clock set in between says the time is his word: the trail does not
    # close the dispatch, and says why (twenty-sixth outside evaluation, R3).
    cat >"$tmp/life2b.sim" <<SIMEOF
door close
wait 3s
keys *08 482915# $(TZ=America/Los_Angeles date -d '+3 hour' +%Y%m%d)# $(TZ=America/Los_Angeles date -d '+3 hour' +%H%M)#
expect display CLOCK SET
wait 3s
$(opening "$(sed -n 's/^key //p' "$tmp/777-life2.otc")" 8)
door open
door close
wait 3s
expect event audit kind=close_seal slot=0 arg=1
$(opening "$(sed -n 's/^key //p' "$tmp/777-life2.otc")" 9)
door open
service plug
keys *19 482915#
service export audit $tmp/777-life2b.audit
SIMEOF
    if "$sim" --seed 3 --state "$tmp/lock-777b" --script "$tmp/life2b.sim" >"$tmp/life2b.out" 2>&1; then ok; else
        bad "the kept file's opening after the clock set: $(tail -n 5 "$tmp/life2b.out")"
    fi
    run "dora-password-1" dispatch 777 "Sam Imms" --as dora
    expect 0 "counter 8" "a dispatch of the counter the kept file used"
    eight=$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")
    run "" audit ingest 777 "$tmp/777-life2b.audit" "$owner"
    expect 0 "WARNING: record [0-9]*: the code of dispatch $eight used at .*, with the lock.s clock set since the code was shown" \
        "an opening after the clock set, warned of"
    expect 0 "WARNING: [0-9]* records from record [0-9]* on are dated after now: lock 777's clock is fast" \
        "records dated ahead, warned of"
    [ "$(sql "SELECT sealed_at IS NULL FROM fleet.dispatches WHERE id = $eight")" = t ] && ok ||
        bad "a dispatch closed by an opening after the clock was set"
    # The clock set back to just before the dispatch would come, an opening
    # with the kept file, then the dispatch of its counter: by the clock the
    # opening came less than 10 minutes before the code was shown; the setting
    # in between, a day or less before it by its own time, still bars the
    # trail's close (twenty-eighth outside evaluation, N4).
    kept=$(sed -n 's/^key //p' "$tmp/777-life2.otc")
    # First the clock right again (the records before it are dated ahead).
    cat >"$tmp/life2c.sim" <<SIMEOF
door close
wait 3s
keys *08 482915# $(TZ=America/Los_Angeles date +%Y%m%d)# $(TZ=America/Los_Angeles date +%H%M)#
expect display CLOCK SET
wait 3s
$(opening "$kept" 10)
door open
service plug
keys *19 482915#
service export audit $tmp/777-life2c.audit
SIMEOF
    cat >"$tmp/life2d.sim" <<SIMEOF
door close
wait 3s
keys *08 482915# $(TZ=America/Los_Angeles date -d '-5 min' +%Y%m%d)# $(TZ=America/Los_Angeles date -d '-5 min' +%H%M)#
expect display CLOCK SET
wait 3s
$(opening "$kept" 11)
door open
door close
wait 3s
expect event audit kind=close_seal slot=0 arg=1
$(opening "$kept" 12)
door open
service plug
keys *19 482915#
service export audit $tmp/777-life2d.audit
SIMEOF
    if "$sim" --seed 3 --state "$tmp/lock-777b" --script "$tmp/life2c.sim" >"$tmp/life2c.out" 2>&1 &&
        "$sim" --seed 3 --state "$tmp/lock-777b" --script "$tmp/life2d.sim" >"$tmp/life2d.out" 2>&1; then ok; else
        bad "the kept file's opening after the clock set back: $(tail -n 5 "$tmp/life2c.out" "$tmp/life2d.out")"
    fi
    run "" audit ingest 777 "$tmp/777-life2c.audit" "$owner"
    run "" lock counter 777 11
    run "dora-password-1" dispatch 777 "Sam Imms" --as dora
    expect 0 "counter 11" "a dispatch of the counter the kept file used after the clock was set back"
    eleven=$(sed -n 's/^dispatch \([0-9]*\):.*/\1/p' "$tmp/out")
    run "" audit ingest 777 "$tmp/777-life2d.audit" "$owner"
    expect 0 "WARNING: record [0-9]*: the code of dispatch $eleven used at .*, with the lock.s clock set since the code was shown" \
        "an opening after the clock was set back, warned of"
    if grep -q "dated after now" "$tmp/out"; then bad "the export after the clock was set back has records dated ahead"; else ok; fi
    [ "$(sql "SELECT sealed_at IS NULL FROM fleet.dispatches WHERE id = $eleven")" = t ] && ok ||
        bad "a dispatch closed by an opening after the clock was set back"
fi

# ---- secrets in no output ----
for secret in "$kek" "$key" dora-password-1 eve-password-22 ada-password-333 lou-password-4444; do
    if grep -qi -- "$secret" "$tmp/all"; then bad "a secret in the output: ${secret%"${secret#????}"}..."; else ok; fi
done
"$pgbin/pg_dump" -d "$OWNERLOCK_FLEET_DB" >"$tmp/dump.sql" 2>&1 || bad "pg_dump failed"
if grep -q -e dora-password-1 -e "$kek" -e "$key" "$tmp/dump.sql"; then bad "a password or the owner's key in the database"; else ok; fi

[ $fail = 0 ] && echo "fleet/cli: $checks checks passed"
exit $fail
