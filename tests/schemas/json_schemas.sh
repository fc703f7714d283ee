#!/bin/sh
# json_schemas.sh — every JSON document vmxaudit writes validates against its JSON Schema
# (docs/schemas, docs/formats.md), checked with Debian's python3-jsonschema: the bundled profiles,
# layouts, examples and regression cases, and the output of every command that writes JSON
# (check, repair, checks, fields, explain, profile show/import/match, import, interactive --save,
# test, oracle probe/run with --record where Bochs is installed).  Documents that break the
# schemas are rejected (the schemas can fail), and 'test --junit' writes well-formed JUnit XML.
# Skips (77) without python3-jsonschema; a failure under CI=true (tests/skip.sh).
# usage: json_schemas.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$(dirname "$0")/../skip.sh"
python3 -c 'import jsonschema' 2>/dev/null || skip_missing python3-jsonschema "json_schemas: python3-jsonschema is not installed"
. "$(dirname "$0")/../cli/lib.sh"
schemas="$src/docs/schemas"
V() { python3 "$src/tests/schemas/validate.py" "$schemas" "$@"; }
# valid NAME SCHEMA FILE...: each file validates
valid() {
  name=$1; shift
  if V "$@" > "$tmp/v" 2>&1; then echo "ok   $name ($(($# - 1)) documents)"; pass=$((pass + 1))
  else echo "FAIL $name"; grep -v '^ok' "$tmp/v" | head -20 | sed 's/^/  | /'; fail=$((fail + 1)); fi
}
# out FILE STATUS CMD...: runs CMD with stdout to FILE, expecting exit STATUS
out() {
  f=$1 want=$2; shift 2
  "$@" > "$f" 2>"$tmp/err"; got=$?
  [ "$got" -eq "$want" ] || { echo "FAIL running $*: exit $got, expected $want"; head -5 "$tmp/err"; fail=$((fail + 1)); }
}
o="$tmp/o"; mkdir -p "$o"

# The bundled data and the committed corpora.
valid corpus-profiles profile "$src"/corpus/profiles/*.json
valid corpus-cases case "$src"/corpus/layouts/*.json "$src"/corpus/examples/*.json $(find "$src/corpus/regressions" -name '*.json')

# Reports: entering, failing with a fix, undetermined rules (a profile without BASIC), MSR-load
# violations and warnings, a post-mortem (--observed).
bp="$src/corpus/examples/broken-blue-pill.json"
out "$o/r1.json" 0 "$vx" check --format json "$src/corpus/layouts/linux64.json"
out "$o/r2.json" 1 "$vx" check --format json "$bp"
out "$o/r3.json" 1 "$vx" check --format json "$bp" --observed 8
out "$o/r4.json" 1 "$vx" check --format json "$bp" --model bochs-2.7
printf '{"profile": "qemu-icelake-server-v1", "vmcs": {}}' > "$tmp/qemu.json"
out "$o/r5.json" 1 "$vx" check --format json "$tmp/qemu.json"
sed -e 's/"VM_ENTRY_MSR_LOAD_ADDR": "0x0"/"VM_ENTRY_MSR_LOAD_ADDR": "0x20000"/' \
    -e 's/"VM_ENTRY_MSR_LOAD_COUNT": "0x0"/"VM_ENTRY_MSR_LOAD_COUNT": "0x3"/' \
    -e 's/^  "profile": .*/&\n  "memory": [ { "address": "0x20000", "data": "8b000000010000000000000000000000800000c0000000000104000000000000000100c0000000000000000000000000" } ],/' \
    "$src/corpus/layouts/linux64.json" > "$tmp/msrload.json"
out "$o/r6.json" 1 "$vx" check --format json "$tmp/msrload.json" --observed 34 --qualification 2
out "$o/r7.json" 1 "$vx" check --format json "$src/tests/rootcause/rflags-vm-64bit.json" --observed 33
valid report-schema-key report "$o"/r*.json
expect report-has-schema-key 0 '"schema":[[:space:]]*"vmxaudit-report-1"' -- cat "$o/r2.json"

# repair, the catalogues, explain
out "$o/repair.json" 0 "$vx" repair --format json "$bp" -o "$o/repaired-case.json"
out "$o/repair-no.json" 1 "$vx" repair --format json "$tmp/qemu.json" --max-rounds 0
out "$o/repair-min.json" 0 "$vx" repair --minimal --format json "$src/tests/rootcause/rflags-vm-64bit.json"
valid repair repair "$o/repair.json" "$o/repair-no.json" "$o/repair-min.json"
out "$o/checks.json" 0 "$vx" checks --format json
valid checks checks "$o/checks.json"
out "$o/fields.json" 0 "$vx" fields --format json
out "$o/fields-p.json" 0 "$vx" fields --format json --profile il-xeon-8180-skylake-sp
valid fields fields "$o/fields.json" "$o/fields-p.json"
out "$o/explain-check.json" 0 "$vx" explain GUEST_DEBUGCTL_RESERVED --format json
out "$o/explain-quirk.json" 0 "$vx" explain first_failure_only --format json
out "$o/explain-plain.json" 0 "$vx" explain VMLAUNCH_CPL --format json
out "$o/explain-error.json" 0 "$vx" explain error 7 --format json
out "$o/explain-exit.json" 0 "$vx" explain exit 0x80000021 --format json
out "$o/explain-errors.json" 0 "$vx" explain error --format json
out "$o/explain-exits.json" 0 "$vx" explain exit --format json
valid explain explain "$o"/explain-*.json

# Profiles: every bundled one decoded, imported ones, the match ranking.
for p in $("$vx" profile list --names); do out "$o/show-$p.json" 0 "$vx" profile show "$p" --format json; done
valid profile-show profile "$o"/show-*.json
expect profile-show-decoded 0 '"Unrestricted guest":[[:space:]]*"yes"' -- cat "$o/show-il-xeon-8180-skylake-sp.json"
s="$src/tests/cli/samples"
out "$o/imp-windbg.json" 0 "$vx" profile import --format windbg "$s/windbg-rdmsr-i7-8700k.txt"
out "$o/imp-msrtools.json" 0 "$vx" profile import --format msr-tools "$s/msr-tools-rdmsr-xeon-8180.txt" --maxphyaddr 46
valid profile-import profile "$o"/imp-*.json
out "$o/match-fms.json" 0 "$vx" profile match --format json --signature 06_97_2
out "$o/match-brand.json" 0 "$vx" profile match --format json --brand 'Intel(R) Xeon(R) Platinum 8180 CPU @ 2.50GHz'
valid profile-match profile-match "$o"/match-*.json

# Cases written by the tool: repair -o, import, interactive --save.
out "$o/kvm-case.json" 0 "$vx" import --format kvm-dmesg "$s/kvm-dmesg-tr-available-tss.txt" --profile il-xeon-8180-skylake-sp
out "$o/xen-case.json" 0 "$vx" import --format xen "$s/xen-cs-l-and-d.txt" --profile il-xeon-8180-skylake-sp
out /dev/null 0 sh -c "\"$vx\" interactive --save \"$o/inter-case.json\" < /dev/null"
printf 'msrs\n-\n.\n' > "$tmp/in"
out /dev/null 0 sh -c "\"$vx\" interactive --save \"$o/inter-msrs-case.json\" < \"$tmp/in\""
valid written-cases case "$o"/*-case.json

# test: JSON and JUnit
out "$o/test.json" 0 "$vx" test --format json "$src/corpus/regressions" --junit "$tmp/junit.xml"
printf '{"profile": "il-xeon-8180-skylake-sp", "vmcs": {}, "expect": {"result": "entered"}}' > "$tmp/wrong.json"
out "$o/test-fail.json" 1 "$vx" test --format json "$tmp/wrong.json" "$bp" --junit "$tmp/junit-fail.xml"
valid test test "$o/test.json" "$o/test-fail.json"
expect junit-well-formed 0 '^tests=1 failures=1 testcases=2 failure=predicted VMfailValid' -- python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot(); s = r.find("testsuite"); c = s.findall("testcase")
f = [x.find("failure") for x in c if x.find("failure") is not None]
print("tests=%s failures=%s testcases=%d failure=%s" % (r.get("failures") and s.get("failures"), s.get("failures"), len(c), f[0].get("message")))' "$tmp/junit-fail.xml"
expect junit-all 0 'ok' -- python3 -c '
import sys, json, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find("testsuite"); n = json.load(open(sys.argv[2]))["passed"]
print("ok" if int(s.get("tests")) == n == len(s.findall("testcase")) and s.get("failures") == "0" else "mismatch")' "$tmp/junit.xml" "$o/test.json"

# The oracle (where Bochs is installed): probe's profile, run's report, --record's cases.
if "$vx" oracle probe --backend bochs --cpu tigerlake > "$o/probe.json" 2>/dev/null; then
  valid oracle-probe profile "$o/probe.json"
  mkdir -p "$tmp/rec"
  out "$o/oracle-run.json" 1 "$vx" oracle run --backend bochs --format json --model sdm --record "$tmp/rec" \
      "$src/corpus/layouts/linux64.json" "$src/corpus/regressions/bochs-2.7/GUEST_DEBUGCTL_RESERVED-fail-578.json"
  valid oracle-run oracle-run "$o/oracle-run.json"
  valid oracle-record case "$tmp"/rec/*.json
else
  echo "skip oracle: Bochs is not available here (oracle probe failed)"
fi

# The schemas reject what breaks them.
python3 - "$o" "$tmp" <<'PY'
import json, sys
o, t = sys.argv[1], sys.argv[2]
def w(name, doc): json.dump(doc, open(f"{t}/{name}", "w"))
r = json.load(open(f"{o}/r2.json"))
w("bad-report-version.json", dict(r, schema="vmxaudit-report-2"))
w("bad-report-key.json", dict(r, verdict="bad"))
v = dict(r["violations"][0]); v["class"] = "hostile"
w("bad-report-class.json", dict(r, violations=[v]))
c = json.load(open(f"{o}/repaired-case.json"))
w("bad-case-entry.json", dict(c, entry={"instrucion": "vmlaunch"}))
w("bad-case-value.json", dict(c, vmcs={"GUEST_CR0": "0xZZ"}))
w("bad-case-memory.json", dict(c, memory=[{"address": "0x1000", "data": "abc"}]))
tr = json.load(open(f"{o}/test.json"))
tr["results"][0]["status"] = "maybe"
w("bad-test.json", tr)
PY
expect_invalid() {
  n=$1; shift
  if V --expect-invalid "$@" > "$tmp/v" 2>&1; then echo "ok   $n"; pass=$((pass + 1))
  else echo "FAIL $n"; sed 's/^/  | /' "$tmp/v"; fail=$((fail + 1)); fi
}
expect_invalid rejects-bad-reports report "$tmp"/bad-report-*.json
expect_invalid rejects-bad-cases case "$tmp"/bad-case-*.json
expect_invalid rejects-bad-test test "$tmp/bad-test.json"

finish
