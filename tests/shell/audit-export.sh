#!/bin/sh
# The audit trail out to its owner (issue 16), end to end in the simulator: a
# trail of thousands of records (the ring wrapped; lockouts, duress, a
# recovery, a firmware change among them) exported through the service port,
# verified by the owner's tool; every single-record removal, swap, change and
# cut of the export refused (tests/audit/mutate.c, the tool's own check);
# successive exports chained (--state: what is new, what the ring lost); an
# export of another lock refused; the HTML report checked by a parser.
# usage: audit-export.sh SIM   (the tool and audit_mutate are built next to it)
set -u
sim=$1
dir=$(dirname "$sim")
tool="$dir/ownerlock"
root=$(cd "$(dirname "$0")/../.." && pwd)
owner="$root/tests/keys/sim-owner.key"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

head -c 20000 /dev/urandom >body
"$tool" firmware sign --key "$root/tests/keys/sim-maker.key" --version 3 body v3.olfw >/dev/null ||
    exit 1

# openings N: N openings with user 05's code, each an `open` and a
# `bolt_extended` record.
openings() {
    i=0
    while [ "$i" -lt "$1" ]; do
        printf 'keys 264803#\nwait 7s\n'
        i=$((i + 1))
    done
}
# export NAME: open the door, a session, the export, the door shut again.
export_to() {
    printf 'keys 264803#\ndoor open\nservice plug\nkeys *19 482915#\n'
    printf 'service export audit %s\nexpect event export ok=true result=OK\n' "$1"
    printf 'wait 3s\ndoor close\nwait 2s\n'
}

{
    cat <<'SIM'
keys 482915# 482915#
wait 3s
capture G1 RECOVERY 1/5 \| ([0-9]{4} [0-9])
keys #
capture G2 RECOVERY 2/5 \| ([0-9]{4} [0-9])
keys #
capture G3 RECOVERY 3/5 \| ([0-9]{4} [0-9])
keys #
capture G4 RECOVERY 4/5 \| ([0-9]{4} [0-9])
keys #
capture G5 RECOVERY 5/5 \| ([0-9]{4} [0-9])
keys #
keys ${G1}# ${G2}# ${G3}# ${G4}# ${G5}#
expect display RECOVERY CODE \| SAVED
wait 3s
keys *02 482915# 05# 264803# 264803#
wait 3s
keys *06 482915# 1#
wait 3s
door close
wait 2s
SIM
    openings 3600 # the ring turns over: the oldest records go
    cat <<'SIM'
# A firmware change.
keys 264803#
door open
service plug
keys *19 482915#
service firmware v3.olfw
keys #####
keys #
expect event audit kind=firmware arg=3
door close
wait 2s
# Duress: user 05's code with its last digit one up.
keys 264804#
expect event audit kind=duress
wait 7s
# Wrong codes into a lockout.
keys 111111# 111112# 111113# 111114# 111115# 111116#
expect event audit kind=lockout
wait 6m
# A recovery from outside: the code, its delay, the code again, a new manager code.
keys *99 ${G1}# ${G2}# ${G3}# ${G4}# ${G5}#
wait 61m
keys *99 ${G1}# ${G2}# ${G3}# ${G4}# ${G5}#
keys 730519# 730519#
expect display MANAGER CODE SET
wait 3s
SIM
    export_to first.txt | sed 's/482915#/730519#/'
    openings 10
    export_to second.txt | sed 's/482915#/730519#/'
    openings 3600
    export_to third.txt | sed 's/482915#/730519#/'
} >trail.sim
"$sim" --seed 1 --script trail.sim >trail.log 2>&1 || { tail -n 20 trail.log; bad "the scenario"; }

# The first export: thousands of records, the ring wrapped (the first is not 1).
"$tool" audit verify --key "$owner" --state owner.state --csv first.csv --json first.json first.txt \
    >v1.out 2>&1 || { cat v1.out; bad "the first export does not verify"; }
records=$(sed -n 's/^verified: \([0-9]*\) records, \([0-9]*\) to .*/\1/p' v1.out)
oldest=$(sed -n 's/^verified: [0-9]* records, \([0-9]*\) to .*/\1/p' v1.out)
[ "${records:-0}" -ge 4000 ] || bad "only ${records:-0} records exported"
[ "${oldest:-1}" -gt 1 ] || bad "the ring did not wrap (the oldest record is ${oldest:-?})"
for kind in lockout duress recovery_used firmware wrong_code open; do
    grep -q ",$kind," first.csv || bad "no $kind in the export's CSV"
done
[ "$(wc -l <first.csv)" -eq $((records + 1)) ] || bad "the CSV has not one row a record"
python3 -c "import json,sys; d=json.load(open('first.json')); sys.exit(len(d['records']) != $records)" ||
    bad "the JSON is not one object a record"
# The HTML report, checked by a real parser (tests/audit/check-html.py); a
# page cut short must fail that check.
"$tool" audit verify --key "$owner" --html first.html first.txt >/dev/null 2>&1 ||
    bad "no HTML report"
python3 "$root/tests/audit/check-html.py" first.html "$records" || bad "the HTML report"
head -c 5000 first.html >cut.html
python3 "$root/tests/audit/check-html.py" cut.html "$records" >/dev/null &&
    bad "check-html.py took a page cut short"

# Every single-record removal, swap, change and cut: all refused.
"$dir/audit_mutate" first.txt "$owner" || bad "an altered export was accepted"

# The next export: what is new since; then one after the ring turned over.
"$tool" audit verify --key "$owner" --state owner.state second.txt >v2.out 2>&1 || {
    cat v2.out
    bad "the second export does not verify"
}
grep -q '^new: [0-9]* records since the last export' v2.out || bad "nothing new: $(cat v2.out)"
"$tool" audit verify --key "$owner" --state owner.state third.txt >v3.out 2>&1 || {
    cat v3.out
    bad "the third export does not verify"
}
grep -q '^lost: records [0-9]* to [0-9]* went out of the ring' v3.out ||
    bad "the records lost to the ring are not told: $(cat v3.out)"
# The same export again (a replay: a new one holds at least its own record),
# and an older one after a newer one: refused.
"$tool" audit verify --key "$owner" --state owner.state third.txt >v6.out 2>&1 &&
    bad "the same export accepted twice"
grep -q '^verified' v6.out && bad "a refused export said verified"
"$tool" audit verify --key "$owner" --state owner.state second.txt >v4.out 2>&1 &&
    bad "an older export after a newer one was accepted"

# Another lock's export (another safe, the same owner key): refused by the state.
{
    printf 'keys 482915# 482915#\nwait 3s\nkeys *\n'
    printf 'service plug\nkeys *19 482915#\nservice export audit other.txt\n'
} >other.sim
"$sim" --seed 2 --script other.sim >other.log 2>&1 || { tail -n 5 other.log; bad "the other lock"; }
"$tool" audit verify --key "$owner" other.txt >/dev/null 2>&1 || bad "the other lock's own export"
"$tool" audit verify --key "$owner" --state owner.state other.txt >v5.out 2>&1 &&
    bad "another lock's export accepted against this lock's state"
grep -q 'another lock' v5.out || bad "another lock not named: $(cat v5.out)"
# Another owner's key: refused.
"$tool" audit keygen someone.key >/dev/null
"$tool" audit verify --key someone.key first.txt >/dev/null 2>&1 && bad "another owner's key accepted"

[ "$fail" = 0 ] && echo "ok: $records records exported and verified; $(tail -n 1 v3.out)"
exit $fail
