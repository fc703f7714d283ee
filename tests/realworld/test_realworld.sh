#!/bin/sh
# test_realworld.sh — the published dumps of samples.tsv, raw as published: each imports without
# --format, and 'check' (with --observed where the dump has the outcome) names the established
# culprit among the violations consistent with what the CPU reported ("entered": the VM entry
# succeeded, so 'check' must predict success; "undetermined": the established cause lies outside
# what the dump gives, so 'check' must name no violation and say that none explains the failure).
# The case must mark what the dump does not give as not captured ("not_captured"), and no
# violation may show a field the case does not give.
# usage: test_realworld.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$src/tests/cli/lib.sh"
d="$src/tests/realworld"
n=0
tab=$(printf '\t')
while IFS="$tab" read -r file profile opts culprit url cause; do
  case "$file" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  nm=${file%.*}
  expect "$nm-import" 0 'recognised as (kvm-dmesg|xen|qemu|vmwrite)' -- "$vx" import "$d/$file" --profile "$profile" -o "$tmp/$nm.json"
  [ -f "$tmp/$nm.json" ] || continue
  [ "$opts" = "-" ] && opts=""
  # shellcheck disable=SC2086
  "$vx" check "$tmp/$nm.json" $opts > "$tmp/$nm.check" 2>&1
  rc=$?
  nc=$(grep -c '"not_captured"' "$tmp/$nm.json")
  if [ "$culprit" = entered ]; then
    expect "$nm-entered" 0 'VM entry succeeds' -- cat "$tmp/$nm.check"
    [ "$rc" -eq 0 ] || { echo "FAIL $nm-entered: check exit $rc"; fail=$((fail + 1)); }
  elif [ "$culprit" = undetermined ]; then
    # the established cause lies outside what the dump gives: nothing may be named violated
    expect "$nm-undetermined" 0 'no violation explains what the CPU reported' -- cat "$tmp/$nm.check"
    expect_not "$nm-no-false-culprit" 'likely culprit|other violation'
  else
    sed '/other violation/,$d' "$tmp/$nm.check" > "$tmp/$nm.head"
    expect "$nm-culprit" 0 "$culprit" -- cat "$tmp/$nm.head"
  fi
  # what the dump does not give is not captured; no violation may show such a field
  [ "$nc" -gt 0 ] || { echo "FAIL $nm-not-captured: the case marks no field not captured"; fail=$((fail + 1)); }
  if [ "$nc" -gt 0 ] && command -v python3 >/dev/null 2>&1; then
    bad=$(python3 - "$tmp/$nm.json" "$tmp/$nm.check" <<'PY'
import json, re, sys
case = json.load(open(sys.argv[1]))
given = {k.upper() for k in case.get("vmcs", {})}
shown = re.findall(r"^    ([A-Z][A-Z0-9_]+) = ", open(sys.argv[2]).read(), re.M)
print(" ".join(sorted({f for f in shown if f not in given})))
PY
)
    if [ -n "$bad" ]; then echo "FAIL $nm-not-captured: a violation names a field not captured: $bad"; fail=$((fail + 1))
    else echo "ok   $nm-not-captured"; pass=$((pass + 1)); fi
  fi
  : "$url" "$cause"
done < "$d/samples.tsv"
[ "$n" -gt 0 ] || { echo "FAIL no sample in samples.tsv"; fail=$((fail + 1)); }
# QEMU prints the guest's view of CR0/CR4: the VMCS bits KVM always sets (CR0.NE, CR4.VMXE) are
# filled in as assumed, not reported as the guest's CR4_FIXED0 violation
q=qemu-system-reset-nested-state
if [ -f "$tmp/$q.json" ]; then
  expect qemu-cr4-assumed 0 '"GUEST_CR4":[[:space:]]*"0x2000"' -- cat "$tmp/$q.json"
  expect qemu-cr4-assumed-why 0 '"GUEST_CR4":[[:space:]]*"QEMU prints the guest.s CR4' -- sed -n '/"assumed"/,/}/p' "$tmp/$q.json"
  grep -q GUEST_CR4_FIXED0 "$tmp/$q.check" && { echo "FAIL qemu-cr4-fixed0-in-check"; fail=$((fail + 1)); }
fi
finish
