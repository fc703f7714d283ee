#!/bin/sh
# oracle_scaling_smoke.sh VXA-ORACLE-SCALING VMXAUDIT — runs the scaling benchmark once on a tiny
# campaign (no timing assertion): the raw row and one row per --jobs 1..2, each with a positive
# rate, the % of raw, the speed-up of --jobs 1 exactly 1; bad usage exits 2.  Skipped (77)
# without Bochs (the benchmark's exit 3).
set -eu
scaling=$1 vmxaudit=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail() { echo "oracle_scaling_smoke: $*" >&2; exit 1; }
rc=0
"$scaling" --vmxaudit "$vmxaudit" --generate 24 --batch 8 --seed 3 --reps 1 --max-jobs 2 --json "$out" || rc=$?
[ $rc = 3 ] && { echo "SKIP: Bochs is not available here"; exit 77; }
[ $rc = 0 ] || fail "exit $rc"
for row in raw jobs1 jobs2 machine; do
  grep -q "^{\"name\":\"oracle-scaling/$row\"" "$out" || fail "no $row row in its JSON"
done
grep '"cases_per_s":0[,}]' "$out" && fail "a rate is 0"
grep -q '"name":"oracle-scaling/jobs1".*"speedup":1,' "$out" || fail "--jobs 1's speed-up is not 1"
grep -q '"name":"oracle-scaling/jobs2".*"percent_of_raw":[0-9]' "$out" || fail "no % of raw for --jobs 2"
for bad in "--generate 0" "--max-jobs x" "--nope" ""; do
  rc=0
  # shellcheck disable=SC2086
  "$scaling" --vmxaudit "$vmxaudit" $bad --reps 0 > /dev/null 2>&1 || rc=$?
  [ $rc = 2 ] || fail "'$bad --reps 0' exited $rc, not 2"
done
echo "oracle_scaling_smoke: ok"
