#!/bin/sh
# link_current_vmcs.sh — the VMCS link pointer at the current VMCS run in Bochs (SDM 27.3.1.5:
# outside SMM the link pointer must not be the current VMCS's address).  The payload makes its
# VMCS on the case's current_vmcs_address (an arena page: VMCLEAR, the header, VMPTRLD), so the
# case's link pointer and Bochs's current-VMCS pointer are one address: tests/oracle/link holds
# the link pointer at the current VMCS (two pages) and at another page with an ordinary header.
# Each case runs (none "unsupported"), agrees with the bochs-VERSION model, the in-guest audit
# equals the hosted one, and Bochs does what the SDM says: VM-entry failure, exit 33,
# qualification 4, with Bochs's message for that rule; the other page: VM entry succeeds.
# usage: link_current_vmcs.sh VMXAUDIT SOURCE_DIR     (exit 77: Bochs not available here)
# VXA_BOCHS_VERSION=3.0: the same on a Bochs that build-bochs.sh built (3 of 3 agree, 7 Dec 2026).
set -u
. "$(dirname "$0")/../skip.sh"
. "$(dirname "$0")/run_cases.sh"
vx=$1
src=$2
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run_cases "$src/tests/oracle/link"
failure="VM-entry failure: exit reason 33 (0x80000021), qualification 4"
saw link-current "$failure" "VMCS link pointer equal to current VMCS pointer"
saw link-current-low "$failure" "VMCS link pointer equal to current VMCS pointer"
saw link-other "VM entry succeeds"
[ $fail -eq 0 ] && echo "link_current_vmcs: $n cases ok"
exit $fail
