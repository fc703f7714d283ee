#!/bin/sh
# host32.sh — VMLAUNCH from a host outside IA-32e mode in Bochs (oracle/payload/host32.S: the
# payload leaves long mode, enters protected mode with PAE or 32-bit paging, VMXON, VMPTRLD,
# VMLAUNCH, back): the pass and fail cases of tests/checks for the host-address-space rules (SDM
# 27.2.4) and HOST_SS_SEL_NULL (27.2.3) run (none "unsupported"), agree with the bochs-VERSION
# model and the payload's in-guest audit, and Bochs does what the SDM says: a 32-bit host with
# "host address-space size" 0 and a 32-bit guest enters and its VM exit comes back (to the 32-bit
# landing, then 64-bit mode); each rule broken is VMfailValid(8) with Bochs's own message for it;
# the hand-written cases of tests/oracle/host32 take the payload's other 32-bit paths: VMLAUNCH
# after MOV SS (error 26), without a current VMCS (VMfailInvalid), VMRESUME of a clear VMCS (5).
# usage: host32.sh VMXAUDIT TEST_CHECKS SOURCE_DIR     (exit 77: Bochs not available here)
# VXA_BOCHS_VERSION=3.0: the same on Bochs 3.0 with its model (25 of 25 agree on 2.7 and 3.0,
# 7 Dec 2026).
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
tc=$2
src=$3
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/all" "$tmp/cases"
"$tc" --export "$tmp/all" >/dev/null || exit 1
for r in HOST_NOT_IA32E_GUEST_64 HOST_NOT_IA32E_HAS HOST_HAS0_GUEST_64 HOST_HAS0_CR4_PCIDE \
         HOST_HAS0_RIP_HIGH HOST_HAS0_S_CET_HIGH HOST_HAS0_SSP_HIGH HOST_HAS0_CR4_FRED \
         HOST_NO_INTEL64_ADDRSZ HOST_SS_SEL_NULL; do
    cp "$tmp"/all/"$r"-*.json "$tmp/cases/" || exit 1
done
cp "$src"/tests/oracle/host32/*.json "$tmp/cases/" || exit 1
ver=${VXA_BOCHS_VERSION:-2.7}
"$vx" oracle run --backend bochs --bochs-version "$ver" --model "bochs-$ver" --timeout 1 -v "$tmp/cases" > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 3 ]; then   # Debian's Bochs 2.7 is a package; another version is built by build-bochs.sh
    [ "$ver" = 2.7 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
    echo "SKIP: Bochs $ver is not built here (oracle/bochs/build-bochs.sh $ver)"
    exit 77
fi
cat "$tmp/out"
fail=0
[ $rc -eq 0 ] || { echo "FAIL: oracle run exit $rc"; fail=1; }
n=$(ls "$tmp/cases" | wc -l)
ok=$(grep -c '^ok ' "$tmp/out")
[ "$ok" -eq "$n" ] || { echo "FAIL: $ok of $n cases ran and agree"; fail=1; }
grep -q "in-guest audit: $n equal to the hosted one, 0 unequal" "$tmp/out" ||
    { echo "FAIL: not every case's in-guest audit equals the hosted one"; fail=1; }
# $1 case name, $2 what Bochs did (the first "bochs:" line under it), [$3 a later one: its log]
# $1 RULE-KIND[-N]: the Nth (default first) exported case of that rule and kind (the export's
# numbers follow the order of tests/checks, which other rules' entries shift)
case_of() {
    r=${1%-[0-9]}; k=${1#"$r"}; k=${k#-}
    basename "$(ls "$tmp/cases/$r"-[0-9]*.json 2>/dev/null | sort -t- -k3 -n | sed -n "${k:-1}p")" .json 2>/dev/null
}
saw() {
    case $1 in host32-*) ;; *) set -- "$(case_of "$1")" "$2" ${3+"$3"} ;; esac
    got=$(awk -v c="$1" '$1 == "ok" && $2 == c { f = 1; next } /^[a-z]/ { f = 0 } f && /^     bochs: / { sub(/^     bochs: /, ""); print }' "$tmp/out")
    first=$(printf '%s\n' "$got" | head -n 1)
    [ "$first" = "$2" ] || { echo "FAIL: $1: bochs did '$first', expected '$2'"; fail=1; }
    [ $# -lt 3 ] || printf '%s\n' "$got" | grep -qF "$3" || { echo "FAIL: $1: no bochs line '$3'"; fail=1; }
}
e8="VMfailValid, VM-instruction error 8"
ok="VM entry succeeds"
# host_ia32e false, HAS = 0, a 32-bit guest: entered and back (an EPT violation exit here)
saw HOST_NOT_IA32E_HAS-pass "$ok" "VMEXIT:"
saw HOST_NOT_IA32E_GUEST_64-pass "$ok" "VMEXIT:"
saw HOST_HAS0_CR4_PCIDE-pass "$ok"
saw HOST_HAS0_RIP_HIGH-pass "$ok"
saw HOST_SS_SEL_NULL-pass-2 "$ok"
# each rule broken alone by a 32-bit host (fail cases with host_ia32e false)
saw HOST_NOT_IA32E_HAS-fail "$e8" "guest(0)/host(1) controls invalid"
saw HOST_NOT_IA32E_GUEST_64-fail "$e8" "guest(1)/host(0) controls invalid"
saw HOST_HAS0_CR4_PCIDE-fail "$e8" "host CR4.PCIDE set"
saw HOST_HAS0_RIP_HIGH-fail "$e8" "host RIP > 32 bit"
saw HOST_SS_SEL_NULL-fail "$e8" "host SS selector 0"
saw HOST_SS_SEL_NULL-fail-2 "$e8" "host SS selector 0"
saw host32-movss "VMfailValid, VM-instruction error 26" "interrupts blocked by MOV_SS"
saw host32-no-vmcs "VMfailInvalid (CF=1: no current VMCS)"
saw host32-vmresume-clear "VMfailValid, VM-instruction error 5"
[ $fail -eq 0 ] && echo "host32: $n cases ok"
exit $fail
