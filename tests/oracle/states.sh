#!/bin/sh
# states.sh — processor states the payload makes for one case (oracle/payload ring.c, nonroot.c,
# feature_control.c) run in Bochs: VMLAUNCH/VMRESUME/VMXON at CPL 1, 2, 3 (#GP(0); #UD first
# outside VMX operation or with CR4.VMXE = 0), the instruction executed by a guest in VMX
# non-root operation (VM exit, reason 20 VMLAUNCH, 24 VMRESUME, 27 VMXON: SDM 26.1.2), and VMXON
# with IA32_FEATURE_CONTROL unlocked or without VMX outside SMX (#GP(0): SDM Vol. 2 VMXON, 24.7;
# each such case in a Bochs of its own, run before the payload locks the MSR).  The hand-written
# cases of tests/oracle/states and the pass/fail cases of tests/checks for VMLAUNCH_CPL,
# VMXON_CPL, VMLAUNCH_NON_ROOT_EXIT, VMXON_NON_ROOT_EXIT, VMXON_FEATURE_CONTROL_LOCK and
# VMXON_FEATURE_CONTROL_VMX run (none "unsupported"), agree with the bochs-VERSION model, and
# Bochs does what each expects.  The in-guest audit equals the hosted one; VMLAUNCH/VMRESUME in
# VMX non-root operation have none (the payload's guest VMCS is not the case's; the outcome does
# not depend on it: the VM exit comes first).
# usage: states.sh VMXAUDIT TEST_CHECKS SOURCE_DIR     (exit 77: Bochs not available here)
# VXA_BOCHS_VERSION=3.0: the same on a Bochs that build-bochs.sh built, with that version's model.
set -u
. "$(dirname "$0")/../skip.sh"
. "$(dirname "$0")/run_cases.sh"
cases_setup "$@"
cp "$src"/tests/oracle/states/*.json "$tmp/cases/" || exit 1
for c in VMLAUNCH_CPL VMXON_CPL VMLAUNCH_NON_ROOT_EXIT VMXON_NON_ROOT_EXIT \
         VMXON_FEATURE_CONTROL_LOCK VMXON_FEATURE_CONTROL_VMX; do
    cp "$tmp"/all/$c-fail-*.json "$tmp"/all/$c-pass-*.json "$tmp/cases/" ||
        { echo "FAIL: no pass/fail case of $c in tests/checks"; exit 1; }
done
# the non-root VMLAUNCH/VMRESUME cases carry no in-guest audit
nr=$(cd "$tmp/cases" && grep -lE '"vmx_non_root":[[:space:]]*true' *.json | xargs grep -L '"vmxon"' | wc -l)
run_cases "$tmp/cases" "$nr"
gp="fault: #GP(0)"
saw vmlaunch-cpl1 "$gp"
saw vmresume-cpl2 "$gp"
saw vmlaunch-cpl3-outside-vmx "fault: #UD"
saw vmxon-cpl3-ok-otherwise "$gp"
saw vmxon-cpl2-cr4-no-vmxe "fault: #UD"
saw vmresume-nonroot "VM exit, reason 24 (executed in VMX non-root operation)"
each() {   # $1 glob of exported cases, $2 what Bochs did
    for c in $(cd "$tmp/cases" && ls $1 | sed 's/\.json$//'); do saw "$c" "$2"; done
}
each 'VMLAUNCH_CPL-fail-*' "$gp"
each 'VMLAUNCH_CPL-pass-*' "VM entry succeeds"
each 'VMXON_CPL-fail-*' "$gp"
each 'VMLAUNCH_NON_ROOT_EXIT-fail-*' "VM exit, reason 20 (executed in VMX non-root operation)"
each 'VMXON_NON_ROOT_EXIT-fail-*' "VM exit, reason 27 (executed in VMX non-root operation)"
each 'VMXON_FEATURE_CONTROL_*-fail-*' "$gp"
[ $fail -eq 0 ] && echo "states: $n cases ok"
exit $fail
