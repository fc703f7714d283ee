#!/bin/sh
# vmxon_env.sh — VMXON cases and the VM-entry environment run in Bochs (payload: run_vmxon, the
# VMXOFF before VMLAUNCH/VMRESUME, the shadow VMCS): each hand-written case of tests/oracle/vmxon
# and the VMLAUNCH_UD_NOT_VMX_OPERATION / VMLAUNCH_SHADOW_VMCS cases of tests/checks runs (none
# "unsupported"), agrees with the bochs-VERSION model, and Bochs does what the case expects: VMXON
# succeeds, #GP(0), #UD, VMfailValid(15), VMfailInvalid; VMXON and VMLAUNCH in compatibility mode
# #UD; VMLAUNCH outside VMX operation #UD; a
# shadow VMCS is entered (Bochs's SHADOW_VMCS_LAUNCHED quirk; the SDM says VMfailInvalid); the
# payload's in-guest audit (audit_vmxon for VMXON) equals the hosted one on every case.
# usage: vmxon_env.sh VMXAUDIT TEST_CHECKS SOURCE_DIR     (exit 77: Bochs not available here)
# VXA_BOCHS_VERSION=3.0: the same on a Bochs that build-bochs.sh built, with that version's model
# (15 of 15 agree on 3.0 too, 7 Dec 2026).
set -u
. "$(dirname "$0")/../skip.sh"
. "$(dirname "$0")/run_cases.sh"
cases_setup "$@"
cp "$src"/tests/oracle/vmxon/*.json "$tmp"/all/VMLAUNCH_UD_NOT_VMX_OPERATION-fail-*.json \
   "$tmp"/all/VMLAUNCH_SHADOW_VMCS-fail-*.json "$tmp/cases/" || exit 1
compat=$(grep -l '"mode":[[:space:]]*"compat"' "$tmp"/all/VMLAUNCH_UD_MODE-fail-*.json)
[ -n "$compat" ] && cp $compat "$tmp/cases/" || { echo "FAIL: no VMLAUNCH_UD_MODE case in compatibility mode"; exit 1; }
run_cases "$tmp/cases"
saw vmxon-ok "VM entry succeeds"
saw vmxon-cr0-cd "VM entry succeeds"
saw vmxon-cr0-no-ne "fault: #GP(0)"
saw vmxon-cr4-no-vmxe "fault: #UD"
saw vmxon-in-root "VMfailValid, VM-instruction error 15"
saw vmxon-in-root-no-vmcs "VMfailInvalid (CF=1: no current VMCS)"
saw vmxon-misaligned "VMfailInvalid (CF=1: no current VMCS)"
saw vmxon-beyond-width "VMfailInvalid (CF=1: no current VMCS)"
saw vmxon-revision-bit31 "VMfailInvalid (CF=1: no current VMCS)"
saw vmxon-revision-wrong "VMfailInvalid (CF=1: no current VMCS)"
saw vmxon-compat "fault: #UD"
for f in $compat; do saw "$(basename "$f" .json)" "fault: #UD"; done
for c in $(cd "$tmp/cases" && ls VMLAUNCH_UD_NOT_VMX_OPERATION-fail-*.json | sed 's/\.json$//'); do saw "$c" "fault: #UD"; done
for c in $(cd "$tmp/cases" && ls VMLAUNCH_SHADOW_VMCS-fail-*.json | sed 's/\.json$//'); do saw "$c" "VM entry succeeds"; done
[ $fail -eq 0 ] && echo "vmxon_env: $n cases ok"
exit $fail
