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
vx=$1
src=$2
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=${VXA_BOCHS_VERSION:-2.7}
"$vx" oracle run --backend bochs --bochs-version "$ver" --model "bochs-$ver" --timeout 1 -v "$src/tests/oracle/link" > "$tmp/out" 2>&1
rc=$?
[ $rc -eq 3 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
cat "$tmp/out"
fail=0
[ $rc -eq 0 ] || { echo "FAIL: oracle run exit $rc"; fail=1; }
n=$(ls "$src/tests/oracle/link" | wc -l)
ok=$(grep -c '^ok ' "$tmp/out")
[ "$ok" -eq "$n" ] || { echo "FAIL: $ok of $n cases ran and agree"; fail=1; }
grep -q "in-guest audit: $n equal to the hosted one, 0 unequal" "$tmp/out" ||
    { echo "FAIL: not every case's in-guest audit equals the hosted one"; fail=1; }
# $1 case name, $2 what Bochs did (the first "bochs:" line under it), $3 a line of its log
saw() {
    got=$(awk -v c="$1" '$1 == "ok" && $2 == c { f = 1; next } f && /^     bochs: / { sub(/^     bochs: /, ""); print; exit }' "$tmp/out")
    [ "$got" = "$2" ] || { echo "FAIL: $1: bochs did '$got', expected '$2'"; fail=1; }
    [ -z "${3:-}" ] || awk -v c="$1" '$1 == "ok" { f = ($2 == c) } f' "$tmp/out" | grep -qF "$3" ||
        { echo "FAIL: $1: Bochs did not say '$3'"; fail=1; }
}
failure="VM-entry failure: exit reason 33 (0x80000021), qualification 4"
saw link-current "$failure" "VMCS link pointer equal to current VMCS pointer"
saw link-current-low "$failure" "VMCS link pointer equal to current VMCS pointer"
saw link-other "VM entry succeeds"
[ $fail -eq 0 ] && echo "link_current_vmcs: $n cases ok"
exit $fail
