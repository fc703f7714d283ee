#!/bin/sh
# test_rootcause.sh — check leads with the root cause when violations share one, and
# repair --minimal changes only it: RFLAGS.VM = 1 in a 64-bit guest (tests/rootcause/).
# usage: test_rootcause.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$(dirname "$0")/lib.sh"
rf="$src/tests/rootcause/rflags-vm-64bit.json"
bp="$src/corpus/examples/broken-blue-pill.json"

expect rc-leads 1 'root cause: changing 1 field makes the layout enter: all 19 violations go away' -- "$vx" check "$rf"
# the first violation-like line after the prediction names GUEST_RFLAGS, the consequences follow
first=$(grep -m1 -E 'vmwrite\(|^  [A-Z_0-9]+  \[SDM' "$tmp/out")
case $first in *GUEST_RFLAGS*) echo "ok   rc-first-is-rflags"; pass=$((pass + 1)) ;;
  *) echo "FAIL rc-first-is-rflags: $first"; fail=$((fail + 1)) ;; esac
expect rc-consequences 1 '^18 consequences' -- "$vx" check "$rf"
expect rc-cause-listed 1 'the cause: 1 violation about GUEST_RFLAGS' -- "$vx" check "$rf"
expect rc-fix-all-one 1 '' -- "$vx" check "$rf"
n=$(sed -n '/^fix all/,$p' "$tmp/out" | grep -c 'vmwrite(')
[ "$n" -eq 1 ] && { echo "ok   rc-fix-all-one-vmwrite"; pass=$((pass + 1)); } ||
  { echo "FAIL rc-fix-all-one-vmwrite: $n"; fail=$((fail + 1)); }
expect rc-observed 1 'explains what the CPU reported: GUEST_RFLAGS_VM is a rule of that class' -- "$vx" check "$rf" --observed 33
expect rc-observed-7 1 'no violation explains what the CPU reported' -- "$vx" check "$rf" --observed 7
expect rc-json 1 '"root_cause":' -- "$vx" check --format json "$rf"
expect rc-json-field 1 '"GUEST_RFLAGS":[[:space:]]*\{' -- "$vx" check --format json "$rf"
expect rc-json-consequences 1 '"consequences":[[:space:]]*18' -- "$vx" check --format json "$rf"
# independent mistakes: no root-cause section, the classic report
expect rc-independent 1 'HOST_CR4_FIXED0' -- "$vx" check "$bp"
expect_not rc-independent-no-section '^root cause'
# repair --minimal: one field; the plain repair changes 20 and cuts GUEST_RIP
expect rc-minimal 0 'repaired after 1 round; 1 field changed' -- "$vx" repair --minimal "$rf" -o "$tmp/fixed.json"
expect_not rc-minimal-keeps-rip 'GUEST_RIP'
expect rc-minimal-enters 0 'VM entry succeeds' -- "$vx" check "$tmp/fixed.json"
expect rc-minimal-rip-kept 0 '"GUEST_RIP":[[:space:]]*"0xffffffff81000000"' -- cat "$tmp/fixed.json"
expect rc-minimal-json 0 '"GUEST_RFLAGS"' -- "$vx" repair --minimal --format json "$rf"
expect rc-plain 0 '20 fields changed' -- "$vx" repair "$rf"
expect rc-minimal-independent 0 '3 fields changed' -- "$vx" repair --minimal "$bp"
finish
