#!/bin/sh
# ownerlock — `make bench`: instructions the Cortex-M3 executes for one code
# verification with 1, 10 and 32 enrolled slots, counted exactly by a QEMU TCG
# plugin (bench/insn-count.c) around bench/bench_verify.c's markers.
#
# usage: bench/run-bench.sh BUILD_DIR    (BUILD_DIR: the mps2-an385 build)
#
# Fails if verification with 32 slots does not cost the same for every input
# (invariant 3).
set -eu
build=${1:?usage: run-bench.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
elf="$build/bench_verify.elf"
plugin="$build/insn-count.so"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The plugin is host code, built here: it is tiny and needs only a C compiler.
"${CC:-cc}" -shared -fPIC -O2 -Wall -Wextra -Werror -fvisibility=hidden \
    -o "$plugin" "$here/insn-count.c"

addr() { arm-none-eabi-nm "$elf" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
begin=$(addr bench_begin)
end=$(addr bench_end)
# The verification inside authenticate() (src/core/lock.c): from its first
# step to the last, in the real code.
inner_begin=$(addr credential_duress_variant)
inner_end=$(addr credential_slot_of)
if [ -z "$begin" ] || [ -z "$end" ] || [ -z "$inner_begin" ] || [ -z "$inner_end" ]; then
    echo "run-bench: markers not found in $elf (bench_begin/end," \
        "credential_duress_variant, credential_slot_of)" >&2
    exit 1
fi

if ! timeout 600 qemu-system-arm -M mps2-an385 -nographic -monitor none \
    -semihosting-config enable=on,target=native -kernel "$elf" \
    -plugin "$plugin,begin=$begin,end=$end,inner_begin=$inner_begin,inner_end=$inner_end,out=$work/counts" \
    >"$work/labels" 2>"$work/qemu.err"; then
    echo "run-bench: the bench failed:" >&2
    cat "$work/labels" "$work/qemu.err" >&2
    exit 1
fi
grep -v '^done$' "$work/labels" >"$work/labels.only"
grep -v '^total' "$work/counts" >"$work/counts.only"
if [ "$(wc -l <"$work/labels.only")" -ne "$(wc -l <"$work/counts.only")" ]; then
    echo "run-bench: $(wc -l <"$work/labels.only") labels but $(wc -l <"$work/counts.only") counts" >&2
    exit 1
fi

paste -d';' "$work/labels.only" "$work/counts.only" | awk -F';' '
# fields: group; slots; digits typed; candidate; "instructions inner" where
# instructions include the marker calls and inner is the verification inside
# authenticate() ("-" when it did not run)
function put(group, slots, name, count, key) {
    key = group SUBSEP name
    if (!(key in seen)) { seen[key] = 1; order[group, ++rows[group]] = name }
    n[key, slots] = count
    digits[key] = $3
}
{ split($5, c, " ") }
$1 == "calibrate" { overhead = c[1]; next }
{
    put($1, $2, $4, c[1] - overhead)
    if ($1 == "entry") {
        if (c[2] == "-") { missing = missing "\n  " $4 }
        put("verify", $2, $4, c[2])
        if ($2 == 32) {
            if (ref == "") { ref = c[2]; ref_name = $4 " [" $3 "]" }
            else if (ref != c[2]) differs = differs "\n  " $4 " [" $3 "]: " c[2]
        }
    }
}
function table(group, title,    i, name, k) {
    printf "\n%-46s %9s %9s %9s\n", title, "1 slot", "10 slots", "32 slots"
    for (i = 1; i <= rows[group]; i++) {
        name = order[group, i]; k = group SUBSEP name
        printf "  %-44s %9s %9s %9s\n", name " [" digits[k] "]", \
            ((k, 1) in n ? n[k, 1] : "-"), ((k, 10) in n ? n[k, 10] : "-"), \
            ((k, 32) in n ? n[k, 32] : "-")
    }
}
END {
    print "Instructions executed on the Cortex-M3 (QEMU mps2-an385, counted by a TCG plugin;"
    print "the marker calls, " overhead " instructions, are subtracted). [n] = digits typed."
    print "Codes enrolled: 8 digits each; a lock with N slots has slots 00..N-1 enrolled."
    print "Verification = what authenticate() (src/core/lock.c) runs from credential_duress_variant"
    print "to credential_slot_of, counted inside each ENTRY event: the code and its duress"
    print "reading, each tagged (credential_tag) and matched against all 32 slots (credential_match)."
    table("verify", "verification inside authenticate()")
    table("tag", "  one credential_tag (HMAC-SHA256), called alone")
    table("match", "  one credential_match (all 32 slots), called alone")
    table("entry", "whole ENTRY event: ol_lock_event, flash included")
    printf "\n"
    if (missing != "") {
        print "FAIL: the verification did not run for:" missing
        exit 1
    }
    if (differs != "") {
        print "FAIL: with 32 slots, verification costs " ref " for " ref_name " but:" differs
        exit 1
    }
    print "With 32 slots, verification costs the same for every input: the right code, a wrong"
    print "code, codes sharing 0..7 leading digits with an enrolled one, other lengths. It costs"
    print "the same with 1 and 10 slots enrolled, too. The whole ENTRY event differs only between"
    print "\"opens\" and \"refused\" (an opening logs OPEN and clears the penalty, a refusal logs"
    print "WRONG_CODE) and, after a match, with the role of the slot that matched."
}'
