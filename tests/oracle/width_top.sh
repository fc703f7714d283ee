#!/bin/sh
# width_top.sh — memory at the top of the physical-address width, beyond the Bochs machine's RAM
# (harness/diff/generator.c vxa_mark_unbacked, oracle/bochs/unbacked.c): Bochs reads all ones
# there.  1. vxa-mutation-score kills the `maxphyaddr-1` mutants of the virtual-APIC page, EPTP
# and VM-entry MSR-load rules on bochs-2.7-corei7-skylake-x (the generator leaves those addresses
# and both VM-exit MSR areas at the top with an all-ones image); 2. the generated cases that kill
# them, and the hand-written
# cases of tests/oracle/width_top, run in Bochs (none "unsupported", none an error: the backend
# drops the all-ones image above 4 GiB) and agree with the bochs-VERSION model; 3. Bochs does what
# all ones there mean: the TPR threshold 15 passes (VTPR FFH, SDM 27.2.1.1), the guest is entered
# and its first EPT walk is a misconfiguration, the VM-entry MSR-load list's first entry fails
# with its index read as all ones (exit 34, qualification 1, 27.4), and the VM exit's MSR store
# or MSR load aborts (28.4, 28.6, 28.7), which the backend reports as an entry that succeeded
# (exit_aborted); after a VM-entry failure the same abort is no answer (a timeout).
# usage: width_top.sh VMXAUDIT VXA-MUTATION-SCORE SOURCE_DIR   (exit 77: Bochs not available here)
# VXA_BOCHS_VERSION=3.0: the same on a Bochs that build-bochs.sh built (ctest oracle_width_top_bochs30;
# skipped where it is not built).
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
ms=$2
src=$3
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=${VXA_BOCHS_VERSION:-2.7}
unavailable() {   # Debian's Bochs 2.7 is a package; another version is built by build-bochs.sh
    [ "$ver" = 2.7 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
    echo "SKIP: Bochs $ver is not built here (oracle/bochs/build-bochs.sh $ver)"
    exit 77
}
fail=0
ids=CTRL_VAPIC_ADDR_WIDTH/maxphyaddr-1,CTRL_EPTP_RESERVED/maxphyaddr-1,CTRL_ENTRY_MSR_LOAD_WIDTH/maxphyaddr-1,CTRL_ENTRY_MSR_LOAD_END/maxphyaddr-1,CTRL_EXIT_MSR_STORE_WIDTH/maxphyaddr-1,CTRL_EXIT_MSR_STORE_END/maxphyaddr-1,CTRL_EXIT_MSR_LOAD_WIDTH/maxphyaddr-1,CTRL_EXIT_MSR_LOAD_END/maxphyaddr-1
"$ms" --only "$ids" --profiles bochs-2.7-corei7-skylake-x --cases 10000 --json "$tmp/ms.json" > "$tmp/ms.out" 2>&1 ||
    { cat "$tmp/ms.out"; echo "FAIL: vxa-mutation-score"; exit 1; }
# the index of the case that killed each mutant (one line each: ID INDEX)
awk -F'"' '$2 == "id" { id = $4 } $2 == "killed_by_index" { sub(/[^0-9]*/, "", $3); print id, $3 + 0 }' "$tmp/ms.json" > "$tmp/kills"
cat "$tmp/kills"
[ "$(wc -l < "$tmp/kills")" -eq 8 ] || { cat "$tmp/ms.out"; echo "FAIL: not every mutant killed within 10000 cases"; fail=1; }
mkdir "$tmp/cases" "$tmp/fail"
cp "$src"/tests/oracle/width_top/*.json "$tmp/cases/"
for i in $(cut -d' ' -f2 "$tmp/kills" | sort -u); do
    "$vx" diff --backend bochs --bochs-version "$ver" --cpu corei7_skylake_x --generate 10000 --seed 1 \
        --show "$i" > "$tmp/cases/gen-$i.json" 2> "$tmp/show.err"
    rc=$?
    [ $rc -eq 3 ] && unavailable
    [ $rc -eq 0 ] || { cat "$tmp/show.err"; echo "FAIL: diff --show $i exit $rc"; fail=1; }
    grep -q '"address":[[:space:]]*"0x[0-9a-f]\{9,\}"' "$tmp/cases/gen-$i.json" || { echo "FAIL: case $i has no image at the top"; fail=1; }
done
"$vx" oracle run --backend bochs --bochs-version "$ver" --model "bochs-$ver" --timeout 2 -v "$tmp/cases" > "$tmp/out" 2>&1
rc=$?
[ $rc -eq 3 ] && unavailable
cat "$tmp/out"
[ $rc -eq 0 ] || { echo "FAIL: oracle run exit $rc"; fail=1; }
n=$(ls "$tmp/cases" | wc -l)
ok=$(grep -c '^ok ' "$tmp/out")
[ "$ok" -eq "$n" ] || { echo "FAIL: $ok of $n cases ran and agree"; fail=1; }
# $1 case name, $2 a line Bochs gave for it (the "bochs:" lines under it)
saw() {
    awk -v c="$1" '($1 == "ok" || $1 == "-" || $1 == "MISMATCH") { f = ($2 == c) } f && /^     bochs: / { sub(/^     bochs: /, ""); print }' "$tmp/out" |
        grep -qF "$2" || { echo "FAIL: $1: bochs did not say '$2'"; fail=1; }
}
saw top-vapic-tpr15 "VM entry succeeds"
saw top-eptp "VM entry succeeds"
saw top-eptp "EPT misconfig"
saw top-entry-msr-load "VM-entry failure: exit reason 34 (0x80000022), qualification 1"
saw top-entry-msr-load "broken msr index 0xffffffffffffffff"
saw top-msr-store "VM entry succeeds"
saw top-msr-store "VMABORT: Error when saving guest MSR number 1"
saw top-exit-msr-load "VM entry succeeds"
saw top-exit-msr-load "VMABORT: Error when loading host MSR number 1"
# the same list after a VM-entry failure (RFLAGS bit 1 clear): the abort follows exit 33, no answer
sed 's/"GUEST_RFLAGS":[^,]*,/"GUEST_RFLAGS": "0x0",/; s/"top-exit-msr-load"/"top-exit-msr-load-fail"/' \
    "$src/tests/oracle/width_top/top-exit-msr-load.json" > "$tmp/fail/top-exit-msr-load-fail.json"
"$vx" oracle run --backend bochs --bochs-version "$ver" --model "bochs-$ver" --timeout 2 "$tmp/fail" > "$tmp/fail.out" 2>&1
grep -q "top-exit-msr-load-fail: timeout .*VMX abort" "$tmp/fail.out" ||
    { cat "$tmp/fail.out"; echo "FAIL: a VMX abort after a VM-entry failure was not left unanswered"; fail=1; }
[ $fail -eq 0 ] && echo "width_top: $n cases ok, 8 mutants killed"
exit $fail
