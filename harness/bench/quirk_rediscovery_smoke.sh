#!/bin/sh
# quirk_rediscovery_smoke.sh VXA-QUIRK-REDISCOVERY — the "model minus quirk Q" of the mutant
# engine on one quirk with a tiny Bochs campaign: TSC_MULTIPLIER_NONZERO (Bochs fails entry with
# error 7 when the TSC multiplier is 0) is rediscovered within 300 generated cases of seed 1 (case 74 of generator version 3);
# without the quirk removal nothing could be (the full model agrees with Bochs).  Bad usage
# exits 2.
set -eu
tool=$1
. "$(dirname "$0")/../../tests/skip.sh"
command -v bochs > /dev/null 2>&1 || skip_missing bochs "Bochs is not installed"
fail() { echo "quirk_rediscovery_smoke: $*" >&2; exit 1; }
out=$("$tool" --quirk TSC_MULTIPLIER_NONZERO --max-cases 300 --batch 50 --cap-seconds 120)
printf '%s\n' "$out" | grep -Eq '^TSC_MULTIPLIER_NONZERO +[0-9]+ +[0-9.]+$' || fail "not rediscovered: $out"
printf '%s\n' "$out" | grep -q 'rediscovered 1 of 1 quirks' || fail "summary: $out"
printf '%s\n' "$out" | grep -q 'oracle=vmfail_valid 7;.*TSC multiplier' || fail "signature: $out"
for bad in "--quirk NO_SUCH_QUIRK" "--model nope" "--cap-seconds x" "--frobnicate"; do
  rc=0; "$tool" $bad > /dev/null 2>&1 || rc=$?
  [ $rc = 2 ] || fail "'$bad' exited $rc, not 2"
done
echo "quirk_rediscovery_smoke: ok"
