#!/bin/sh
# quirk_rediscovery_engine_smoke.sh VXA-QUIRK-REDISCOVERY — the engine-only pre-check (no Bochs):
# within 6,000 generated cases of seed 1 on bochs-2.7-corei7-skylake-x, the model minus each of
# the quirks the correlated moves target (harness/mutate/ops_correlated.c) predicts an outcome
# the full model does not, or Bochs's message would name a check it does not report; before
# those moves none of these was distinguished in 100,000 cases but DPL_RPL_DATA_TYPES_ONLY,
# NO_HLT_INJECTION_CHECK, NO_DEBUGCTL_CHECK and NO_PENDING_DBG_BS_CHECK (first at 23,640 or
# later).  The quirks that can never show as a mismatch are listed apart with their reason.
# Bad usage exits 2.
set -eu
tool=$1
fail() { echo "quirk_rediscovery_engine_smoke: $*" >&2; exit 1; }
want="NO_IA32E_GUEST_PG_CHECK SHUTDOWN_INJECTION_BY_VECTOR NO_VNMI_BLOCKED_NMI_CHECK NO_HLT_INJECTION_CHECK
      NO_PERF_GLOBAL_CTRL_CHECK NO_DEBUGCTL_CHECK NO_PENDING_DBG_BS_CHECK DPL_RPL_DATA_TYPES_ONLY"
args=""
for q in $want FIRST_FAILURE_ONLY NMI_STI_BLOCKING_FAILS; do args="$args --quirk $q"; done
out=$("$tool" --engine-only --cases 6000 $args)
for q in $want; do
  printf '%s\n' "$out" | grep -Eq "^$q +[1-9][0-9]* / [0-9]+\$" || fail "$q not distinguished: $out"
done
printf '%s\n' "$out" | grep -q '^never a mismatch (counted apart):' || fail "no never-a-mismatch list: $out"
printf '%s\n' "$out" | grep -Eq '^FIRST_FAILURE_ONLY +0 / - +narrows the predicted set' || fail "FIRST_FAILURE_ONLY: $out"
printf '%s\n' "$out" | grep -Eq '^NMI_STI_BLOCKING_FAILS +0 / - +without it the rule is model-specific' || fail "NMI_STI: $out"
printf '%s\n' "$out" | grep -q 'distinguished 8 of 8 quirks that can show as a mismatch within 6000 cases' || fail "summary: $out"
# two CPUs side by side: CET quirks only on the CET model
out=$("$tool" --engine-only --cases 3000 --cpu corei7_skylake_x --cpu tigerlake --quirk ERRCODE_UNCHECKED_WITH_CET)
printf '%s\n' "$out" | grep -Eq '^ERRCODE_UNCHECKED_WITH_CET +0 / - +[1-9][0-9]* / [0-9]+$' || fail "two CPUs: $out"
for bad in "--engine-only --cases x" "--engine-only --profile no-such-profile" "--profile bochs-2.7-tigerlake" \
           "--cpu tigerlake --cpu corei7_skylake_x" "--engine-only --quirk NO_SUCH_QUIRK"; do
  rc=0; "$tool" $bad > /dev/null 2>&1 || rc=$?
  [ $rc = 2 ] || fail "'$bad' exited $rc, not 2"
done
echo "quirk_rediscovery_engine_smoke: ok"
