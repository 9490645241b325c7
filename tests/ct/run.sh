#!/bin/sh
# The constant-time check: ct_verify under memcheck must report nothing, and
# its self-test (a deliberate branch on a secret) must be reported.
# usage: run.sh CT_VERIFY
set -u
prog=$1
vg="valgrind --quiet --error-exitcode=99 --track-origins=yes"
$vg "$prog" || { echo "ct: a secret-dependent branch or index (see above)"; exit 1; }
$vg "$prog" --self-test >/dev/null 2>&1
if [ $? -ne 99 ]; then
    echo "ct: the self-test was not caught: the check cannot fail"
    exit 1
fi
echo "ct: self-test caught as it must be"
