#!/bin/sh
# ownerlock — mps2-an385: a power cut at each flash operation of an install,
# in QEMU (`make boot-check`, and target-check with the host build).
#
# usage: run-cut-tests.sh HOST_BUILD TARGET_BUILD
#
# The install: the lock body signed as version 5 in ACTIVE (as the factory
# programs it, and as run-boot-tests.sh places it), then version 6 staged and
# its install requested by tests/boot/request_install.c (the host build's
# `boot_request_install`): the calls the lock body makes through the
# bootloader's table for an update (stage_begin, stage_write in 256-byte
# chunks, stage_check, request_install), made with the host build's src/boot
# on the flash file itself, which is the board's flash as raw cells. That is
# the simplest honest setup: the same code as on the board writes the record
# and STAGED, without a QEMU run of the update rig (about 40 s) before each
# sweep.
#
# The cut: ownerlock-boot-cut.elf is the bootloader (boot/main.c included
# unchanged, the board's flash driver, src/boot) with its ol_boot_run's
# programs and erases counted (boot/cut.c). A first run with no cut counts
# them (774 for this install: BACKUP erased and copied, the record saved,
# ACTIVE erased and copied, the record saved) and names each one's phase.
# Then for each cut point N, on a fresh copy of the install's flash file:
# the cut ELF runs with `cut=N`, in two ways, `cutmode=before` (the power
# goes before operation N touches the flash) and `cutmode=torn` (operation N
# half done: a program's earlier words written and one word with some of its
# new bits, an erase leaving a mix of erased, old and half-erased words),
# and stops the machine (QEMU status 3). Then the product bootloader,
# ownerlock-boot.elf, boots that flash twice, each time until the lock body
# it starts prints its `boot 0 door ...` line (its power-up done, a new image
# confirmed), then QEMU is killed. The outcome:
#   new    both boots print `boot: version 6, ...: verified, starting` and the
#          lock body starts (the install completed, and it settles);
#   old    the same with version 5: the install was lost. A failure too: the
#          request was recorded before any cut, so the bootloader owns the
#          install and must finish it (tests/unit/test_boot's install sweep
#          demands the new image as well). "A verified image runs, v5 or v6,
#          nothing else" is the weaker claim, which this one includes;
#   other  anything else: halted (nothing verifies), another version, the
#          two boots differ, the lock body did not start or reported an error.
# Also checked: no cut (the product bootloader on the install's flash: new),
# and the power gone after the last operation (the counting run's flash: v6
# on trial that never started, so the next boot rolls it back: old, as it
# must be there).
#
# Every operation both ways is 1,548 cuts, 4 to 8 minutes on two cores:
# OL_CUT_ALL=1. The default is a spread subset of 133 operations, both ways
# (266 cuts, 1 to 1.5 minutes): every erase, every record operation, the first
# and last 10 operations, the first two and last two programs of each copy,
# and every 8th program.
#
# Self-test (always): ownerlock-boot-cut-planted.elf saves the record's new
# state before its copy into ACTIVE is done (boot/cut.c, AN385_CUT_PLANT),
# TRIAL (`trial-early`: a cut then loses the install, v5) or IDLE with the
# lowest version raised (`idle-early`: a cut then leaves nothing that
# verifies). Each is cut at five points of that copy, both ways; a plant
# that none of its cuts catches fails this test. OL_CUT_PLANT=trial-early|idle-early runs the whole sweep on
# the planted bootloader instead (it must then fail).
#
# OL_CUT_JOBS: QEMU runs side by side (default: the number of cores).
set -u
if [ "${1:-}" = --point ]; then
    mode_point=1
    shift
else
    mode_point=0
fi

# ---- one cut point: --point WORK CUT_ELF BOOT_ELF PLANT N MODE -------------------------------

# boot DIR NAME: the product bootloader on DIR/f.flash until the lock body has
# booted (`boot E door`), QEMU stops, or 20 s; the console in DIR/NAME.out.
boot() {
    : >"$1/$2.out"
    qemu-system-arm -M mps2-an385 -nographic -monitor none \
        -semihosting-config enable=on,target=native -kernel "$boot_elf" \
        -append "flash=$1/f.flash" >"$1/$2.out" 2>&1 &
    qpid=$!
    tries=0
    while kill -0 "$qpid" 2>/dev/null; do
        grep -q '^boot [0-9]* door' "$1/$2.out" && break
        tries=$((tries + 1))
        [ $tries -ge 400 ] && break
        sleep 0.05
    done
    kill "$qpid" 2>/dev/null
    wait "$qpid" 2>/dev/null
}

# version DIR NAME: the version that boot verified and started, and whose lock
# body booted without error; else nothing.
version() {
    grep -q '^ownerlock lock body' "$1/$2.out" && grep -q '^boot 0 door' "$1/$2.out" &&
        sed -n 's/^boot: version \([0-9]*\), digest [0-9a-f]*\.\.\.: verified, starting.*/\1/p' \
            "$1/$2.out" | head -n 1
}

# cut_run DIR ELF ARGS: ELF (a cut build) on a copy of the prepared install,
# DIR/f.flash, with ARGS after flash= on its command line, for at most 60 s;
# the console in DIR/cut.out, QEMU's status returned.
cut_run() {
    mkdir -p "$1"
    cp "$work/install.flash" "$1/f.flash"
    timeout 60 qemu-system-arm -M mps2-an385 -nographic -monitor none \
        -semihosting-config enable=on,target=native -kernel "$2" \
        -append "flash=$1/f.flash $3" >"$1/cut.out" 2>&1
}

# outcome DIR: boots twice; prints new, old or other and what was seen.
outcome() {
    boot "$1" boot1
    boot "$1" boot2
    v1=$(version "$1" boot1)
    v2=$(version "$1" boot2)
    seen="$(grep -m1 -E '^boot:|^cut:' "$1/boot1.out" || echo 'no bootloader line')"
    if [ -n "$v1" ] && [ "$v1" = "$v2" ] && [ "$v1" = 6 ]; then
        echo "new"
    elif [ -n "$v1" ] && [ "$v1" = "$v2" ] && [ "$v1" = 5 ]; then
        echo "old $seen"
    else
        echo "other first boot: $seen; then: $(grep -m1 '^boot' "$1/boot2.out" || echo nothing)"
    fi
}

if [ $mode_point = 1 ]; then
    work=$1 cut_elf=$2 boot_elf=$3 plant=$4 n=$5 mode=$6
    d="$work/cut-$n-$mode"
    cut_run "$d" "$cut_elf" "cut=$n cutmode=$mode plant=$plant"
    status=$?
    if [ $status != 3 ]; then
        result="other the cut run ended with status $status, not 3: $(tail -n 1 "$d/cut.out")"
    else
        result=$(outcome "$d")
    fi
    echo "$n $mode $result"
    case $result in new) rm -rf "$d" ;; esac
    exit 0
fi

# ---- the sweep --------------------------------------------------------------------------

host=${1:?usage: run-cut-tests.sh HOST_BUILD TARGET_BUILD}
target=${2:?usage: run-cut-tests.sh HOST_BUILD TARGET_BUILD}
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
host=$(cd "$host" && pwd)
target=$(cd "$target" && pwd)
tool="$host/ownerlock"
jobs=${OL_CUT_JOBS:-$(nproc 2>/dev/null || echo 2)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)
failed=""

. "$(dirname "$self")/layout.sh"

test_key "$tool" "$target" || exit 1
cmake --build "$host" -j2 --target boot_request_install >"$work/build.log" 2>&1 &&
    cmake --build "$target" -j2 --target ownerlock-boot ownerlock-boot-cut \
        ownerlock-boot-cut-planted ownerlock-an385-app >>"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; exit 1; }
bin="$target/ownerlock-an385-app.bin"
for v in 5 6; do
    "$tool" firmware sign --key "$key" --version $v "$bin" "$work/v$v.olfw" >/dev/null || exit 1
done
blank_flash "$work/install.flash"
dd if="$work/v5.olfw" of="$work/install.flash" bs=$SECTOR seek=$FIRST conv=notrunc status=none
"$host/boot_request_install" "$work/install.flash" "$work/v6.olfw" "$target/TEST-signing.pub" \
    >/dev/null || exit 1

boot_elf="$target/ownerlock-boot.elf"

# count ELF PLANT OUT: the uncut install's operations, one "N phase" a line.
count() {
    cut_run "$work/count" "$1" "cutlog=1 plant=$2"
    st=$?
    if [ $st != 0 ] || ! grep -q '^cut: none; [0-9]* flash operations; ol_boot_run 0, version 6' \
        "$work/count/cut.out"; then
        echo "FAIL boot/cut: the uncut install (status $st):"
        sed 's/^/  /' "$work/count/cut.out" | tail -n 5
        exit 1
    fi
    awk -v first=$FIRST -v slot=$SLOT -v sector=$SECTOR '
        $1 == "op" {
            s = $3 == "erase" ? $4 : int($4 / sector)
            where = s >= first + 3 * slot ? "record" : s >= first + 2 * slot ? "backup" : \
                    s >= first + slot ? "staged" : s >= first ? "active" : "outside"
            print $2, where "-" $3
        }' "$work/count/cut.out" >"$3"
}

plant=${OL_CUT_PLANT:-}
cut_elf="$target/ownerlock-boot-cut.elf"
[ -n "$plant" ] && cut_elf="$target/ownerlock-boot-cut-planted.elf"
count "$cut_elf" "$plant" "$work/ops"
total=$(wc -l <"$work/ops")
# No cut: the product bootloader installs and starts version 6, which
# confirms itself.
mkdir "$work/uncut"
cp "$work/install.flash" "$work/uncut/f.flash"
uncut=$(outcome "$work/uncut")
if [ "$uncut" = new ]; then
    echo "ok   boot/cut: the install uncut: $total flash operations; version 6 boots and settles"
else
    echo "FAIL boot/cut: the install uncut: $uncut"
    failed="$failed uncut"
fi
# The power gone after the last operation, before the new image ran (the
# counting run stops there): its trial never confirmed, so the next boot
# rolls it back, as it must. Not a cut of the install: for the record.
after=$(outcome "$work/count")
case $after in
old*) echo "ok   boot/cut: the power gone after the last operation (v6 on trial, never started): version 5 (rolled back)" ;;
*)
    echo "FAIL boot/cut: the power gone after the last operation: $after"
    failed="$failed after-last"
    ;;
esac

# The cut points: all, or the spread subset (see the header).
if [ "${OL_CUT_ALL:-0}" = 1 ]; then
    cut -d' ' -f1 "$work/ops" >"$work/points"
    what="every operation"
else
    awk -v total="$total" '
        { phase[$1] = $2; n = $1 }
        END {
            for (i = 1; i <= n; i++) {
                p = phase[i]
                prog = p ~ /-program$/ && p !~ /^record/
                edge = phase[i - 1] != p || phase[i - 2] != p || phase[i + 1] != p || phase[i + 2] != p
                if (!prog || edge || i <= 10 || i > total - 10 || i % 8 == 0)
                    print i
            }
        }' "$work/ops" >"$work/points"
    what="a spread subset (OL_CUT_ALL=1: all $total)"
fi
points=$(wc -l <"$work/points")

# sweep CUT_ELF PLANT POINTS RESULTS: both ways at each point, $jobs at a time.
sweep() {
    while read -r n; do
        printf '%s before\n%s torn\n' "$n" "$n"
    done <"$3" | xargs -P "$jobs" -L 1 sh "$self" --point "$work" "$1" "$boot_elf" "${2:-none}" |
        sort -n >"$4"
}

# describe: results lines as sentences.
describe() {
    awk '{ d = ""; for (i = 4; i <= NF; i++) d = d " " $i
           print "cut at operation " $1 " (" $2 "): " $3 (d == "" ? "" : ":" d) }'
}

tsweep=$(date +%s)
sweep "$cut_elf" "$plant" "$work/points" "$work/results"
secs=$(($(date +%s) - tsweep))
news=$(grep -c ' new$' "$work/results")
olds=$(grep -c ' old ' "$work/results")
others=$(grep -c ' other ' "$work/results")
runs=$(wc -l <"$work/results")
summary="$points of $total operations ($what), $runs cuts (before and torn): then version 6 $news, version 5 $olds, anything else $others ($secs s)"
awk 'NR == FNR { phase[$1] = $2; next }
     { cuts[phase[$1]]++; if ($3 == "new") news[phase[$1]]++ }
     END {
         for (p in cuts)
             printf "     %-15s %4d cuts, then version 6 after %d\n", p, cuts[p], news[p]
     }' "$work/ops" "$work/results" | sort >"$work/phases"
if [ "$news" = "$runs" ] && [ "$runs" = $((2 * points)) ]; then
    echo "ok   boot/cut: $summary"
    cat "$work/phases"
else
    echo "FAIL boot/cut${plant:+ (planted: $plant)}: $summary"
    grep -v ' new$' "$work/results" | head -n 20 | describe | sed 's/^/  /'
    failed="$failed sweep"
fi

# The self-test: each planted flaw must be caught.
if [ -z "$plant" ]; then
    for p in trial-early idle-early; do
        count "$target/ownerlock-boot-cut-planted.elf" "$p" "$work/ops-$p"
        # Five points spread over the copy into ACTIVE.
        awk '$2 == "active-program" { print $1 }' "$work/ops-$p" >"$work/copy-$p"
        k=$(wc -l <"$work/copy-$p")
        awk -v k="$k" 'NR == 1 || NR == k || NR == int(k / 4) || NR == int(k / 2) || NR == int(3 * k / 4)' \
            "$work/copy-$p" >"$work/points-$p"
        sweep "$target/ownerlock-boot-cut-planted.elf" "$p" "$work/points-$p" "$work/results-$p"
        caught=$(grep -cv ' new$' "$work/results-$p")
        if [ "$caught" -gt 0 ]; then
            echo "ok   boot/cut self-test: planted $p caught at $caught of $(wc -l <"$work/results-$p") cuts in its copy into ACTIVE, e.g."
            grep -v ' new$' "$work/results-$p" | head -n 1 | describe | sed 's/^/     /'
        else
            echo "FAIL boot/cut self-test: planted $p not caught by any of its cuts"
            failed="$failed self-test-$p"
        fi
    done
fi

if [ -n "$failed" ]; then
    echo "cut tests failed:$failed ($(($(date +%s) - t0)) s)"
    exit 1
fi
echo "cut tests: all passed ($(($(date +%s) - t0)) s)"
