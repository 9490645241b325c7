#!/bin/sh
# `ownerlock recovery split` and `combine`, end to end: every pair of a 2-of-3
# split rebuilds the code (as arguments and on standard input, in either
# order), 3 of a 3-of-5 split do; a typo is named by its group; a share of
# another split, a share given twice and too few shares are refused (exit 2).
# usage: recovery-shares.sh SIM   (the tool is built next to the simulator)
set -u
tool=$(dirname "$1")/ownerlock
[ -x "$tool" ] || { echo "no $tool: the ownerlock tool is not built next to the simulator"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
checks=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { checks=$((checks + 1)); }

code="4821-7 0935-2 7710-0 2291-3 6603-8"

# refused PATTERN CMD...: CMD exits 2, prints nothing on stdout, and says PATTERN on stderr.
refused() {
    pattern=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ $status != 2 ]; then bad "exit $status, not 2: $*"; cat "$tmp/err"
    elif [ -s "$tmp/out" ]; then bad "printed something although refused: $*"
    elif ! grep -q "$pattern" "$tmp/err"; then bad "no '$pattern' in: $(cat "$tmp/err")"
    else ok; fi
}
# rebuilds CMD...: CMD exits 0 and prints exactly the recovery code.
rebuilds() {
    got=$("$@" 2>"$tmp/err")
    status=$?
    if [ $status != 0 ]; then bad "exit $status: $*: $(cat "$tmp/err")"
    elif [ "$got" != "$code" ]; then bad "got '$got', not the code: $*"
    else ok; fi
}
share_of() { # share_of FILE N: the digits of share N, without the label
    sed -n "${2}p" "$1" | sed 's/^.*: //'
}
damm() { # damm DIGITS: their Damm check digit (the table of src/core/checkdigit.c)
    printf '%s\n' "$1" | awk 'BEGIN { split("0317598642 7092154863 4206871359 1750983426 " \
        "6123045978 3674209581 5869720134 8945362017 9438617205 2581436790", row, " ") }
        { i = 0; for (p = 1; p <= length($0); p++) i = substr(row[i + 1], substr($0, p, 1) + 1, 1)
          print i }'
}
data_of() { # the data digits of a share, without its check digits
    printf '%s\n' "$1" | sed 's/-[0-9]//g; s/ //g'
}
regroup() { # regroup DIGITS: "dddd-c dddd-c ..." with Damm check digits
    rest=$1; grouped=
    while [ -n "$rest" ]; do
        g=$(printf '%s' "$rest" | cut -c1-4); rest=$(printf '%s' "$rest" | cut -c5-)
        grouped="$grouped${grouped:+ }$g-$(damm "$g")"
    done
    printf '%s\n' "$grouped"
}
share_sum() { # share_sum DIGITS: the share check of a share's first 28 digits
    printf '%s\n' "$1" | awk '{ r = 0; for (p = 1; p <= length($0); p++) r = (r * 10 + substr($0, p, 1)) % 9973
        printf "%04d\n", r }'
}
combine_lines() { # the given lines on standard input of combine
    printf '%s\n' "$@" | "$tool" recovery combine
}

# ---- help and usage ----------------------------------------------------------------
"$tool" --help | grep -q "recovery split" && ok || bad "--help"
"$tool" recovery --help | grep -q "combine" && ok || bad "recovery --help"
refused "usage" "$tool"
refused "unknown command" "$tool" reset
refused "needs --k" "$tool" recovery split --n 3 --code "$code"
refused "must be 2..3" "$tool" recovery split --k 4 --n 3 --code "$code"
refused "must be 2..3" "$tool" recovery split --k 1 --n 3 --code "$code"
refused "must be 2..9" "$tool" recovery split --k 2 --n 10 --code "$code"
refused "unknown argument" "$tool" recovery split --k 2 --n 3 --cod "$code"

# ---- the recovery code is checked before anything is split -------------------------
refused "typo in group 3" "$tool" recovery split --k 2 --n 3 --code "4821-7 0935-2 7710-1 2291-3 6603-8"
refused "groups 2 and 5" "$tool" recovery split --k 2 --n 3 --code "4821-7 0953-2 7710-0 2291-3 6603-9"
refused "group 4 has a digit missing" "$tool" recovery split --k 2 --n 3 --code "4821-7 0935-2 7710-0 291-3 6603-8"
refused "unexpected character 'O'" "$tool" recovery split --k 2 --n 3 --code "4821-7 O935-2 7710-0 2291-3 6603-8"
printf '' | refused "no recovery code" "$tool" recovery split --k 2 --n 3

# ---- 2 of 3 ------------------------------------------------------------------------
"$tool" recovery split --k 2 --n 3 --code "$code" >"$tmp/a" 2>"$tmp/err" || bad "split: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/a")" -eq 3 ] && ok || bad "split printed $(wc -l <"$tmp/a") lines"
shape='^share [123] of 3 (any 2 rebuild the code): [0-9]\{4\}-[0-9]\( [0-9]\{4\}-[0-9]\)\{7\}$'
[ "$(grep -c "$shape" "$tmp/a")" -eq 3 ] && ok || { bad "share lines look wrong:"; cat "$tmp/a"; exit 1; }
grep -q "^share 2 of 3 " "$tmp/a" && ok || bad "no share 2"
for i in 1 2 3; do
    for j in 1 2 3; do
        [ $i = $j ] && continue
        si=$(share_of "$tmp/a" $i); sj=$(share_of "$tmp/a" $j)
        rebuilds "$tool" recovery combine "$si" "$sj"
        rebuilds combine_lines "$(sed -n "${i}p" "$tmp/a")" "" "$(sed -n "${j}p" "$tmp/a")"
    done
done
rebuilds "$tool" recovery combine "$(share_of "$tmp/a" 3)" "$(share_of "$tmp/a" 1)" "$(share_of "$tmp/a" 2)"
rebuilds "$tool" recovery combine <"$tmp/a" # reads two lines, stops
# The code from standard input splits too, into different shares (fresh randomness).
printf '%s\n' "$code" | "$tool" recovery split --k 2 --n 3 >"$tmp/a2" || bad "split from stdin"
rebuilds "$tool" recovery combine "$(share_of "$tmp/a2" 1)" "$(share_of "$tmp/a2" 3)"
cmp -s "$tmp/a" "$tmp/a2" && bad "two splits printed the same shares" || ok

s1=$(share_of "$tmp/a" 1); s2=$(share_of "$tmp/a" 2); s3=$(share_of "$tmp/a" 3)

# A typo in group 4 of share 2 is named, with the share.
set -- $s2
g4=$4
first=${g4%"${g4#?}"}
typo="$1 $2 $3 $(( (first + 1) % 10 ))${g4#?} $5 $6 $7 $8"
refused "share 2): typo in group 4" "$tool" recovery combine "$s1" "$typo"
refused "line 2 (share 2): typo in group 4" combine_lines "$s1" "$typo"
# A digit too few in group 6.
set -- $s3
refused "group 6 has a digit missing" "$tool" recovery combine "$s1" "$1 $2 $3 $4 $5 ${6#?} $7 $8"

# A share given twice, too few shares, nothing at all.
refused "already given" "$tool" recovery combine "$s1" "$s1"
refused "only 1 of the 2 shares needed" combine_lines "$s3"
refused "no shares given" combine_lines ""
refused "unknown option" "$tool" recovery combine --k 2 "$s1" "$s2"
# A recovery code is not a share.
refused "25 digits, expected 40" "$tool" recovery combine "$code" "$s1"

# A share of another split of the same code is refused. Each split draws a
# 4-digit set id; split again in the rare case the two drew the same one.
tries=0
while :; do
    "$tool" recovery split --k 2 --n 3 --code "$code" >"$tmp/b" || { bad "second split"; break; }
    [ "$(share_of "$tmp/b" 1 | cut -c1-4)" != "$(printf '%s' "$s1" | cut -c1-4)" ] && break
    tries=$((tries + 1)); [ $tries -lt 20 ] || { bad "set ids never differ"; break; }
done
other=$(share_of "$tmp/b" 2)
refused "from another split" "$tool" recovery combine "$s1" "$other"
refused "line 2: share 2 is from another split" combine_lines "$s1" "$other"
# and so is a share of a 3-of-n split (k is part of every share).
"$tool" recovery split --k 3 --n 5 --code "$code" >"$tmp/c" || { bad "3-of-5 split"; exit 1; }
refused "from another split" "$tool" recovery combine "$s1" "$(share_of "$tmp/c" 2)"

# ---- 3 of 5 ------------------------------------------------------------------------
c1=$(share_of "$tmp/c" 1); c3=$(share_of "$tmp/c" 3); c5=$(share_of "$tmp/c" 5)
rebuilds "$tool" recovery combine "$c5" "$c1" "$c3"
rebuilds combine_lines "$c3" "$c5" "$c1"
refused "only 2 of the 3 shares needed" combine_lines "$c3" "$c5"
refused "share 1 was already given" "$tool" recovery combine "$c1" "$c3" "$c5" "$c1"
# Typos the group check digits cannot catch: share 4 with one digit of its
# value changed and that group's check digit recomputed. The share check
# (group 8) catches it; recomputed as well, the share is well-formed but, as a
# fourth share, does not lie on the polynomial the first three define.
c4=$(share_of "$tmp/c" 4)
[ "$(regroup "$(data_of "$c4")")" = "$c4" ] && ok || bad "regroup/data_of in this script are wrong"
body=$(data_of "$c4" | cut -c1-27)$(( ($(data_of "$c4" | cut -c28) + 1) % 10 ))
refused "line 2 (share 4): typo that the group check digits did not catch" \
    combine_lines "$c1" "$(regroup "$body$(data_of "$c4" | cut -c29-32)")"
forged=$(regroup "$body$(share_sum "$body")")
rebuilds "$tool" recovery combine "$c1" "$c3" "$c5" "$c4"
refused "share 4 does not agree with the first 3" "$tool" recovery combine "$c1" "$c3" "$c5" "$forged"

[ $fail = 0 ] && echo "recovery-shares: $checks checks passed"
exit $fail
