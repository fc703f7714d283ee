#!/bin/sh
# test_not_captured.sh — `vmxaudit check` on cases with `not_captured` and `assumed`
# (docs/formats.md): refused input exits 2 naming the file, line and field.
# usage: test_not_captured.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$(dirname "$0")/lib.sh"

# a field both in vmcs and not_captured
python3 - "$src/corpus/layouts/linux64.json" "$tmp/both.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["not_captured"] = ["TSC_MULTIPLIER", "VMCS_LINK_POINTER"]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
line=$(grep -n '"not_captured"' "$tmp/both.json" | cut -d: -f1)
expect nc-both 2 "both\.json:$line: not_captured\[1\]: field VMCS_LINK_POINTER is both in vmcs and not_captured" -- "$vx" check "$tmp/both.json"
printf '{"profile": "il-xeon-8180-skylake-sp",\n "assumed": {"GUEST_IA32_PAT": "by convention"}}\n' > "$tmp/assumed.json"
expect nc-assumed-no-value 2 'assumed\.json:2: assumed\.GUEST_IA32_PAT: field GUEST_IA32_PAT is assumed but vmcs gives it no value' -- "$vx" check "$tmp/assumed.json"
printf '{"profile": "il-xeon-8180-skylake-sp", "not_captured": "everything"}\n' > "$tmp/rest.json"
expect nc-not-rest 2 'rest\.json:1: not_captured: expected an array of field names or "rest"' -- "$vx" check "$tmp/rest.json"
finish
