#!/bin/sh
# The report generator's own test (ctest tools/report): report.py on the logs
# of a small made-up run (tools/report/fixture) must list every test with its
# result, show a failed test and one that did not run as such and exit 1;
# show the attacks with their first comment, the invariant table as the doc
# has it plus the results of the tests it names, the figures, the brute-force
# tables (brute_force_model's figures, with the real commercial-locks.txt)
# and the plot; exit 0 once everything passes; and exit 1 when a commercial
# rule holds an attacker back longer than the figures brute_force_model gave,
# when those figures are missing, or when docs/SECURITY.md lacks the
# invariant table.
#
# usage: test.sh REPORT_PY
#
# The expected Markdown is full of backticks, quoted as they are:
# shellcheck disable=SC2016
set -u
gen=${1:?usage: test.sh REPORT_PY}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

has() { # has FILE TEXT: FILE holds the fixed string TEXT
    if ! grep -qF -- "$2" "$1"; then
        echo "report test ($case): $(basename "$1") lacks: $2"
        fail=1
    fi
}
lacks() { # lacks FILE TEXT
    if grep -qF -- "$2" "$1"; then
        echo "report test ($case): $(basename "$1") should not hold: $2"
        fail=1
    fi
}
run() { # run EXPECTED_STATUS: the generator on $work/root and $work/logs
    rm -rf "$work/out"
    mkdir "$work/out"
    "$gen" --root "$work/root" --logs "$work/logs" --out "$work/out" >"$work/stdout" 2>&1
    got=$?
    if [ "$got" != "$1" ]; then
        echo "report test ($case): exit status $got, expected $1"
        cat "$work/stdout"
        fail=1
    fi
}
# Every element the writer opens, it closes.
balanced() {
    for tag in html head body table thead tbody tr td th p ul li h1 h2 h3 code strong em a svg \
        figure g text title style pre; do
        opens=$(grep -o "<${tag}[ >]" "$1" | wc -l)
        closes=$(grep -o "</$tag>" "$1" | wc -l)
        if [ "$opens" != "$closes" ]; then
            echo "report test ($case): $(basename "$1"): $opens <$tag> but $closes </$tag>"
            fail=1
        fi
    done
}

mkdir -p "$work/root/tools/report"
cp -R "$here/fixture/root/." "$work/root/"
cp "$here/commercial-locks.txt" "$work/root/tools/report/"
cp -R "$here/fixture/logs" "$work/logs"
md="$work/out/security-report.md"
html="$work/out/security-report.html"
svg="$work/out/attacker-progress.svg"

# ---- 1. a failed test, a test that did not run, an attack without a test -----
case=failed
run 1
has "$md" "**FAILED.**"
has "$md" '| `unit/test_broken` | **FAILED** | 0.01 | Failed |'
has "$md" '| `unit/test_lost` | **NOT RUN** |'
has "$md" '| `unit/test_lock` | pass | 0.20 |'
has "$md" '| `shell/skipper` | skipped |'
has "$md" '- test `unit/test_broken` FAILED (Failed)'
has "$md" '- the test suite (ctest) failed (exit status 8'
has "$md" '| [test suite](#tests) (ctest) | **FAILED** | 8 tests: 5 passed, 2 failed, 1 skipped or disabled |'
has "$md" '| [attacks](#attacks) | **FAILED** | 3 attack files, 2 passed |'
has "$md" '| [fuzzing](#fuzzing) | pass | 1 target, 10 s each, 123,456 executions in all | 52 s |'
has "$html" '<td class="fail"><strong>FAILED</strong></td>'
has "$md" 'commit `abc1234`'
has "$md" 'machine: 2 CPUs (`nproc`), `x86_64` (`uname -m`)'
# attacks: every file, its first comment only, its result
has "$md" '| `one-attack.sim` | One attack: the first comment block. Stopped by invariant 1. | pass | 0.05 |'
has "$md" '| `two_attack.c` | Two attack, in C: what it did \<and\> what stops it \| here. Second line of it. | pass |'
has "$html" '<td>Two attack, in C: what it did &lt;and&gt; what stops it | here. Second line of it.</td>'
has "$md" '| `untested.sim` | An attack file whose test is missing. | **NO TEST** |'
lacks "$md" 'NOT PART OF THE COMMENT'
# invariants: the doc's rows as they are, and the results of what they name
has "$md" '| 1 | The bolt | one path, *only* | `test_lock` (wrong codes), `crash_lock`, scenarios `link/*`, `fuzz_frame`, `make bench` | `unit/test_lock` pass · `crash/crash_lock` pass · `link/*` 1 of 1 pass · `fuzz_frame` pass · `make bench` pass |'
has "$md" '| 2 | Codes | MACs, see [STORE.md](STORE.md) | `test_broken`, `test_lost`, `test_flash_holds_no_code` | `unit/test_broken` **FAILED** · `unit/test_lost` **NOT RUN** |'
has "$html" '<a href="../../docs/STORE.md">STORE.md</a>'
has "$html" '<em>only</em>'
lacks "$md" '| not | this table |'
# figures: found where printed, "not reported" where not
has "$md" '| power cuts, lock engine | `2656 cut points exercised (2656 cuts hit) of 2656 flash operations` | `crash/crash_lock` | pass |'
has "$md" '| flash dumps searched for codes | not reported | `shell/dump-no-code` | **NOT RUN** |'
has "$md" '| storage access during verification | `4 flash accesses per wrong entry (0 reads), identical for 10 entries` | `attacks/two_attack` | pass |'
has "$md" '| timing of the compare | not reported | `attacks/*` |  |'
has "$md" '`flash  text + data           31528 bytes of 32768 (96%), 1240 to spare`'
has "$md" '`right code [8]                                 57909     57909     57909`'
has "$md" 'counted 31,763 passed checks in this run (4 programs'
# brute force, the commercial locks, the plot
has "$md" '| plain | off | 8 | 8 | 6 | 152 years | 323 years | 141 years |'
has "$md" '| ID | on | 32 | 2 | 6 | 456 years | 913 years | 456 years |'
has "$md" '| **ownerlock** | 5, then one per lockout of 5, 10, 20, 40, 80, 160, 320, 640 min, then 720 min each | 13 | 13.7 years | 684 years |'
has "$md" '| SecuRam ProLogic L02 |'
has "$md" '| 580 | 17.4 days | 2.38 years | [SecuRam ProLogic L02 operating instructions'
has "$md" 'not stated in the sources found'
has "$md" '![The attacker'"'"'s chance of having found a 6-digit code against powered time](attacker-progress.svg)'
has "$svg" '<?xml version="1.0" encoding="UTF-8"?>'
has "$svg" '>ownerlock, 8 codes enrolled</text>'
has "$svg" '>SecuRam L02, LA GARD 39E: 4 tries, then 2 per 5 min</text>'
has "$html" '<svg xmlns="http://www.w3.org/2000/svg"'
[ "$(grep -c '<polyline' "$svg")" = 4 ] || {
    echo "report test ($case): the plot has $(grep -c '<polyline' "$svg") curves, expected 4"
    fail=1
}
# fuzzing and the target
has "$md" '| `fuzz_frame` | pass | 10 | 123,456 | 12,345 | 321 | 45 |'
has "$md" '### `make size`: flash, RAM and stack of the lock-body firmware'
balanced "$html"
balanced "$svg"

# ---- 2. everything passes ---------------------------------------------------------
case=passed
sed -e 's/status="fail"/status="run"/' -e '/<failure/d' "$here/fixture/logs/ctest-junit.xml" \
    >"$work/logs/ctest-junit.xml"
sed '/test_lost/d' "$here/fixture/logs/ctest-list.txt" >"$work/logs/ctest-list.txt"
sed 's/^ctest 8 /ctest 0 /' "$here/fixture/logs/steps.txt" >"$work/logs/steps.txt"
rm "$work/root/tests/attacks/untested.sim"
run 0
has "$md" "**PASSED.**"
has "$md" '| `unit/test_broken` | pass |'
has "$md" '| [attacks](#attacks) | pass | 2 attack files, 2 passed |'
lacks "$md" "FAILED"
balanced "$html"

# ---- 3. ownerlock's figures are brute_force_model's, and no weaker than a
# commercial rule's -------------------------------------------------------------
case=commercial
sed 's/^within 24 13$/within 24 600/' "$here/fixture/logs/bruteforce-curve.txt" \
    >"$work/logs/bruteforce-curve.txt"
sed 's/^chance 1 10000 .*/chance 1 10000 100/' "$here/fixture/logs/bruteforce-table.txt" \
    >"$work/logs/bruteforce-table.txt"
run 1
has "$md" '| **ownerlock** | 5, then one per lockout of 5, 10, 20, 40, 80, 160, 320, 640 min, then 720 min each | 600 | 4.17 days | 684 years |'
has "$md" '- brute force: the stated rule of SecuRam ProLogic L02 holds an attacker back longer than ownerlock'"'"'s penalty (tries in 24 h, 1 % chance)'
has "$md" '- brute force: the stated rule of Sargent & Greenleaf 6120 holds an attacker back longer than ownerlock'"'"'s penalty (tries in 24 h, 1 % chance)'
cp "$here/fixture/logs/bruteforce-curve.txt" "$work/logs/"

# ---- 4. brute_force_model's figures must be there --------------------------------
case=missing
grep -v '^chance 50 ' "$here/fixture/logs/bruteforce-table.txt" >"$work/logs/bruteforce-table.txt"
run 1
has "$md" '- the brute-force figures from `attacks/brute_force_model` are missing'
has "$md" '| 13 | 13.7 years | not reported |'
cp "$here/fixture/logs/bruteforce-table.txt" "$work/logs/"

# ---- 4b. a configuration below the floor is a problem of the report ---------------
case=floor
sed 's/^config passer-by plain 0 8 6 8 .*/config passer-by plain 0 8 6 8 52.5/' \
    "$here/fixture/logs/bruteforce-table.txt" >"$work/logs/bruteforce-table.txt"
run 1
has "$md" '- brute force: passer-by, plain mode, duress off, 8 people, 6 digits: 52.5 years, below the floor of 100'
cp "$here/fixture/logs/bruteforce-table.txt" "$work/logs/"

# ---- 5. the invariant table must be where the doc says -----------------------------
case=invariants
sed 's/^## Invariants and the tests that prove them$/## Invariants/' \
    "$here/fixture/root/docs/SECURITY.md" >"$work/root/docs/SECURITY.md"
run 1
has "$md" '`docs/SECURITY.md` has no table under'

if [ $fail != 0 ]; then
    echo "report test: FAILED"
    exit 1
fi
echo "report test: 6 cases passed"
