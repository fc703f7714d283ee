#!/bin/sh
# mutation_score_smoke.sh VXA-MUTATION-SCORE — a small mutation-score run (2,000 cases a
# profile, a handful of mutants): a mutant the generator kills is reported killed, a mutant
# argued equivalent survives with its reason, so the score cannot silently read 100 %; the
# ids are stable; bad usage exits 2.
set -eu
tool=$1
fail() { echo "mutation_score_smoke: $*" >&2; exit 1; }
list=$("$tool" --list)
n=$(printf '%s\n' "$list" | wc -l)
[ "$n" -gt 500 ] || fail "only $n mutants listed"
for id in GUEST_SYSENTER_EIP_CANONICAL/disabled GUEST_SYSENTER_EIP_CANONICAL/canonical-width+1 \
          CTRL_IO_BITMAP_A_ALIGN/align-1 HOST_CR0_FIXED1/fixed-mask-1 CTRL_PROC3_ALLOWED1/disabled \
          GUEST_CR3_WIDTH/maxphyaddr+1; do
  printf '%s\n' "$list" | grep -qx "$id" || fail "--list has no $id"
done
out=$("$tool" --cases 2000 --only GUEST_SYSENTER_EIP_CANONICAL/disabled,CTRL_PROC3_ALLOWED1/disabled,HOST_CR0_FIXED1/fixed-mask-1)
printf '%s\n' "$out" | grep -Eq '^GUEST_SYSENTER_EIP_CANONICAL/disabled +[0-9]+$' ||
  fail "GUEST_SYSENTER_EIP_CANONICAL/disabled not killed: $out"
printf '%s\n' "$out" | grep -Eq '^HOST_CR0_FIXED1/fixed-mask-1 +1$' ||
  fail "HOST_CR0_FIXED1/fixed-mask-1 (PG reserved) not killed by the first case: $out"
printf '%s\n' "$out" | grep -Eq '^CTRL_PROC3_ALLOWED1/disabled +- +equivalent on the Bochs 2.7 profiles' ||
  fail "CTRL_PROC3_ALLOWED1/disabled did not survive with its reason: $out"
printf '%s\n' "$out" | grep -q 'killed 2 (1, 1); survived 1, 1 of them argued equivalent' || fail "summary: $out"
printf '%s\n' "$out" | grep -q 'score 66.7 % (100.0 % of the mutants not argued equivalent)' || fail "score: $out"
printf '%s\n' "$out" | grep -q 'disagreed with the shipped one on 0 cases' || fail "unmutated engine: $out"
for bad in "--cases x" "--only NO_SUCH_MUTANT" "--profile no-such-profile --cases 1" "--model nope" "--frobnicate"; do
  rc=0; "$tool" $bad > /dev/null 2>&1 || rc=$?
  [ $rc = 2 ] || fail "'$bad' exited $rc, not 2"
done
echo "mutation_score_smoke: ok"
