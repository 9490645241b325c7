#!/bin/sh
# ownerlock — `make bench`: instructions the Cortex-M3 executes for one code
# verification with 1, 8 and 32 enrolled slots (32 in ID mode) (bench/bench_verify.c), and
# for a session handshake of the secure link, both sides
# (bench/bench_handshake.c), counted exactly by a QEMU TCG plugin
# (bench/insn-count.c) around each program's markers.
#
# usage: bench/run-bench.sh BUILD_DIR    (BUILD_DIR: the mps2-an385 build)
#
# Fails if verification with 32 slots does not cost the same for every input
# (invariant 3), or if an X25519 does not cost the same for every key.
set -eu
build=${1:?usage: run-bench.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
elf="$build/bench_verify.elf"
plugin="$build/insn-count.so"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The plugin is host code, built here: it is tiny and needs only a C compiler.
# shellcheck disable=SC2046 # the warnings (cmake/warnings.txt) are words
"${CC:-cc}" -shared -fPIC -O2 $(cat "$here/../cmake/warnings.txt") -fvisibility=hidden \
    -I "$here/../tests/common" -o "$plugin" "$here/insn-count.c"

addr() { arm-none-eabi-nm "$elf" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
# counted NAME [PLUGIN ARGS]: runs $elf in QEMU with the plugin counting
# between its markers; $work/NAME.labels and $work/NAME.counts, one line per
# label, in step.
counted() {
    name=$1
    shift
    begin=$(addr bench_begin)
    end=$(addr bench_end)
    if [ -z "$begin" ] || [ -z "$end" ]; then
        echo "run-bench: markers not found in $elf (bench_begin/end)" >&2
        exit 1
    fi
    if ! timeout 600 qemu-system-arm -M mps2-an385 -nographic -monitor none \
        -semihosting-config enable=on,target=native -kernel "$elf" \
        -plugin "$plugin,begin=$begin,end=$end$*,out=$work/$name.raw" \
        >"$work/$name.out" 2>"$work/qemu.err"; then
        echo "run-bench: the bench $elf failed:" >&2
        cat "$work/$name.out" "$work/qemu.err" >&2
        exit 1
    fi
    grep -v '^done$' "$work/$name.out" >"$work/$name.labels"
    grep -v '^total' "$work/$name.raw" >"$work/$name.counts"
    if [ "$(wc -l <"$work/$name.labels")" -ne "$(wc -l <"$work/$name.counts")" ]; then
        echo "run-bench: $(wc -l <"$work/$name.labels") labels but" \
            "$(wc -l <"$work/$name.counts") counts ($elf)" >&2
        exit 1
    fi
}
# The verification inside ol_authenticate() (src/core/tries.c): from its first
# step (reading the ID, in ID mode) to the last, in the real code.
inner_begin=$(addr ol_credential_scope)
inner_end=$(addr ol_credential_slot_of)
if [ -z "$inner_begin" ] || [ -z "$inner_end" ]; then
    echo "run-bench: markers not found in $elf (ol_credential_scope, ol_credential_slot_of)" >&2
    exit 1
fi

counted verify ",inner_begin=$inner_begin,inner_end=$inner_end"

paste -d';' "$work/verify.labels" "$work/verify.counts" | awk -F';' '
# fields: group; slots; digits typed; candidate; "instructions inner" where
# instructions include the marker calls and inner is the verification inside
# ol_authenticate() ("-" when it did not run)
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
    printf "\n%-46s %9s %9s %9s\n", title, "1 slot", "7 slots", "32 slots"
    for (i = 1; i <= rows[group]; i++) {
        name = order[group, i]; k = group SUBSEP name
        printf "  %-44s %9s %9s %9s\n", name " [" digits[k] "]", \
            ((k, 1) in n ? n[k, 1] : "-"), ((k, 7) in n ? n[k, 7] : "-"), \
            ((k, 32) in n ? n[k, 32] : "-")
    }
}
END {
    print "Instructions executed on the Cortex-M3 (QEMU mps2-an385, counted by a TCG plugin;"
    print "the marker calls, " overhead " instructions, are subtracted). [n] = digits typed."
    print "Codes enrolled: 8 digits each; a lock with N slots has slots 00..N-1 enrolled."
    print "Verification = what ol_authenticate() (src/core/tries.c) runs from ol_credential_scope"
    print "to ol_credential_slot_of, counted inside each ENTRY event: the code read out of the"
    print "entry (after its ID, in ID mode), it and its duress reading, each tagged"
    print "(ol_credential_tag) and matched against all 32 slots (ol_credential_match)."
    print "The 32-slot lock is in ID mode (*18: plain mode holds 7 codes), its entries ID + code."
    table("verify", "verification inside ol_authenticate()")
    table("tag", "  one ol_credential_tag (HMAC-SHA256), called alone")
    table("match", "  one ol_credential_match (all 32 slots), called alone")
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
    print "code, codes sharing 0..7 leading digits with an enrolled one, other lengths, and in ID"
    print "mode any ID (its own, that of another slot, one no slot has) or none. It costs"
    print "the same with 1 and 7 slots enrolled, too. The whole ENTRY event differs only between"
    print "\"opens\" and \"refused\" (an opening logs OPEN and clears the penalty, a refusal logs"
    print "WRONG_CODE) and, after a match, with the role of the slot that matched."
}'

# ---- the handshake ---------------------------------------------------------------------
elf="$build/bench_handshake.elf"
counted hs

paste -d';' "$work/hs.labels" "$work/hs.counts" | awk -F';' '
# fields: group; round; what; "instructions - fastest-cycles slowest-cycles"
{ split($4, c, " ") }
$1 == "calibrate" { overhead = c[1]; cyc_overhead = c[3]; next }
{
    key = $1 SUBSEP $3
    if (!(key in seen)) { seen[key] = 1; order[$1, ++rows[$1]] = $3 }
    n[key, $2] = c[1] - overhead
    cmin[key, $2] = c[3] - cyc_overhead
    cmax[key, $2] = c[4] - cyc_overhead
    if ($2 > rounds) rounds = $2
}
# Cycles of one row, summed over a group for "" (fastest == slowest: one figure).
function cycles(group, name, r,    k, i, lo, hi) {
    lo = 0; hi = 0
    for (i = 1; i <= rows[group]; i++) {
        k = group SUBSEP order[group, i]
        if (name == "" || order[group, i] == name) { lo += cmin[k, r]; hi += cmax[k, r] }
    }
    return lo == hi ? lo : lo "-" hi
}
function table(group, title, sum_name,    i, r, k, line, s) {
    printf "\n%-58s", title
    for (r = 1; r <= rounds; r++) printf " %10s", "round " r
    printf "\n"
    for (r = 1; r <= rounds; r++) s[r] = 0
    for (i = 1; i <= rows[group]; i++) {
        k = group SUBSEP order[group, i]
        printf "  %-56s", order[group, i]
        for (r = 1; r <= rounds; r++) { printf " %10d", n[k, r]; s[r] += n[k, r] }
        printf "\n"
    }
    if (sum_name != "") {
        printf "  %-56s", sum_name
        for (r = 1; r <= rounds; r++) { printf " %10d", s[r]; total[r] += s[r] }
        printf "\n"
    }
}
END {
    print ""
    print "Session handshake of the secure link (docs/PROTOCOL.md section 4): a paired keypad"
    print "at power-up, fresh ephemeral keys and nonces each round. The lock body side is"
    print "ol_body_rx, byte by byte, as the firmware runs it (session and engine); the keypad"
    print "side is its end of the session (ol_session_keypad_*). Marker calls subtracted."
    table("body", "lock body (ol_body_rx)", "lock body, whole handshake")
    table("keypad", "keypad (ol_session_keypad_*)", "keypad, whole handshake")
    printf "  %-56s", "both sides"
    for (r = 1; r <= rounds; r++) printf " %10d", total[r]
    printf "\n"
    table("x25519", "parts, alone (fresh keys each round)", "")
    table("data", "one message in the session", "")
    table("image", "a firmware image (issue 15; public data, variable time)", "")
    table("powerup", "power-up of both units (issue 17: a dial unit starts them as it turns)", "")
    printf "\n"
    for (i = 1; i <= rows["x25519"]; i++) {
        k = "x25519" SUBSEP order["x25519", i]
        for (r = 2; r <= rounds; r++)
            if (n[k, r] != n[k, 1]) bad = bad "\n  " order["x25519", i] ": " n[k, 1] " vs " n[k, r]
    }
    if (bad != "") {
        print "FAIL: an X25519 costs different numbers of instructions for different keys:" bad
        exit 1
    }
    # one key generation (its ephemeral key pair) and two shared secrets, or one
    x = n["x25519" SUBSEP order["x25519", 1], 1] + 2 * n["x25519" SUBSEP order["x25519", 2], 1]
    x2 = x - n["x25519" SUBSEP order["x25519", 2], 1]
    b = 0; b2 = 0
    for (i = 1; i <= rows["body"]; i++) {
        b += n["body" SUBSEP order["body", i], 1]; b2 += n["body" SUBSEP order["body", i], rounds]
    }
    print "An X25519 costs the same for every key (a Montgomery ladder with constant-time"
    print "swaps; the three rounds use different keys). The lock body runs three in its first"
    print "handshake with the pinned keypad after a power-up (round 1: its ephemeral key pair,"
    print "static-static, ephemeral-ephemeral; " x " of its " b " instructions) and two in"
    print "every later one (rounds 2, 3: the static-static secret is kept; " x2 " of " b2 ")."
    print "The rest is SHA-256, HKDF, ChaCha20-Poly1305 and the framing, whose few"
    print "instructions of difference between rounds come from the COBS coding of public bytes."
    print ""
    print "Cycles on the Cortex-M3 (estimated from the TRM timings, tests/common/m3_timing.h:"
    print "MUL 1, MLA 2, LDR 2, STR 2, LDM/STM/LDRD/STRD 1 + N, a taken branch 1 + 2):"
    printf "  %-56s %10s\n", "one X25519 key generation", cycles("x25519", order["x25519", 1], 1)
    printf "  %-56s %10s\n", "one X25519 shared secret", cycles("x25519", order["x25519", 2], 1)
    printf "  %-56s %10s\n", "lock body, first handshake after power-up", cycles("body", "", 1)
    printf "  %-56s %10s\n", "lock body, later handshakes", cycles("body", "", rounds)
    printf "  %-56s %10s\n", "keypad, later handshakes", cycles("keypad", "", rounds)
    printf "  %-56s %10s\n", "one Ed25519 verification", cycles("image", order["image", 1], 1)
    hs = cycles("body", "", rounds); first = cycles("body", "", 1)
    printf "At 25 MHz the lock body needs %.0f ms per handshake (%.0f ms for the first after a\n", hs / 25000, first / 25000
    print "power-up), the keypad about as much again."
    # A dial unit (issue 17): both units start at each use. Power-up to ready:
    # the boot of each unit, then the first handshake (round 1), run one after the
    # other (each waits for a frame of the other), as instructions and cycles.
    pb = n["powerup" SUBSEP order["powerup", 1], 1]; pd = n["powerup" SUBSEP order["powerup", 2], 1]
    cb = cycles("powerup", order["powerup", 1], 1); cd = cycles("powerup", order["powerup", 2], 1)
    kb = 0; for (i = 1; i <= rows["keypad"]; i++) kb += n["keypad" SUBSEP order["keypad", i], 1]
    ck = cycles("keypad", "", 1); cbh = cycles("body", "", 1)
    ready = pb + pd + b + kb - n["keypad" SUBSEP order["keypad", 1], 1]
    cready = cb + cd + cbh + ck - cycles("keypad", order["keypad", 1], 1)
    print ""
    print "Power-up to ready with a dial unit (both units boot, then the first handshake; the"
    print "HELLO of the dial unit is drawn in its boot):"
    printf "  %-56s %10d\n", "lock body: boot + first handshake, instructions", pb + b
    printf "  %-56s %10d\n", "dial unit: boot + its side of the handshake, instructions", pd + kb - n["keypad" SUBSEP order["keypad", 1], 1]
    printf "  %-56s %10d\n", "both, one after the other, instructions", ready
    printf "  %-56s %10s\n", "both, one after the other, cycles (TRM estimate)", cready
    printf "At 25 MHz that is %.0f ms: at one whole turn (100 numbers) a second, the lock answers\n", cready / 25000
    printf "within the first %.2f turn of the dial (PORTING.md, \"The dial unit\").\n", cready / 25000000
}'

# ---- the plain image's X25519 --------------------------------------------------------------
# The lock body without a bootloader (ownerlock-an385.elf) squares with its
# multiply (ports/mps2-an385/x25519_sq_by_mul.S: 1,868 bytes less): the same
# bench linked so (bench_handshake_plain.elf), its X25519 and handshake.
elf="$build/bench_handshake_plain.elf"
counted plain
paste -d';' "$work/plain.labels" "$work/plain.counts" | awk -F';' '
{ split($4, c, " ") }
$1 == "calibrate" { overhead = c[1]; cyc = c[3]; next }
$1 == "x25519" && $2 == 1 && !($3 in x) { x[$3] = 1; xs[++nx] = $3; xn[$3] = c[1] - overhead; xc[$3] = c[3] - cyc }
$1 == "body" && $2 > 1 { bn[$2] += c[1] - overhead; bc[$2] += c[3] - cyc; last = $2 }
END {
    print ""
    print "The plain image (no bootloader: it squares by multiplying), instructions and cycles:"
    for (i = 1; i <= nx; i++) printf "  %-56s %10d %10d\n", xs[i], xn[xs[i]], xc[xs[i]]
    printf "  %-56s %10d %10d\n", "lock body, later handshakes", bn[last], bc[last]
}'
