#!/bin/sh
# test_cli.sh — the vmxaudit command as a user runs it: exit statuses (design §4.3), messages
# naming file, position and field, and the main job on the bundled example.
# usage: test_cli.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# expect NAME STATUS PATTERN -- CMD...   (PATTERN: grep -E on stdout+stderr; empty = any)
expect() {
  name=$1 want=$2 pat=$3
  shift 4
  "$@" >"$tmp/out" 2>&1
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; sed 's/^/  | /' "$tmp/out" | head -20; fail=$((fail + 1)); return
  fi
  if [ -n "$pat" ] && ! grep -qE -- "$pat" "$tmp/out"; then
    echo "FAIL $name: output lacks /$pat/"; sed 's/^/  | /' "$tmp/out" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

expect version 0 'vmxaudit 0\.' -- "$vx" --version
expect help 0 'usage: vmxaudit COMMAND' -- "$vx" --help
expect no-args 2 'usage' -- "$vx"
expect unknown-command 2 "unknown command 'frobnicate'" -- "$vx" frobnicate
for c in check checks explain fields profile; do
  expect "help-$c" 0 "usage: vmxaudit $c" -- "$vx" $c --help
done
expect fields 0 '0x00006800 GUEST_CR0' -- "$vx" fields
expect fields-json 0 '"name": "HOST_INTR_SSP_TABLE"' -- "$vx" fields --format json
expect fields-profile 0 'TERTIARY_VM_EXEC_CONTROL +64 +control +proc\[17\] +no' -- "$vx" fields --profile il-xeon-8180-skylake-sp
expect profile-list 0 'il-xeon-8180-skylake-sp' -- "$vx" profile list
expect profile-show 0 'Unrestricted guest +yes' -- "$vx" profile show il-xeon-8180-skylake-sp
expect profile-show-missing 0 'IA32_VMX_VMFUNC +\(not captured\)' -- "$vx" profile show il-xeon-8180-skylake-sp
expect profile-show-json 0 '"0x480": "0xda040000000004"' -- "$vx" profile show il-xeon-8180-skylake-sp --format json
expect profile-show-file 0 'profile il-xeon-8180' -- "$vx" profile show "$src/corpus/profiles/il-xeon-8180-skylake-sp.json"
expect profile-unknown 2 'no bundled profile' -- "$vx" profile show no-such-cpu
expect checks 0 'VMLAUNCH_CPL +instruction +27\.1' -- "$vx" checks
expect checks-md 0 '^\| `VMLAUNCH_CPL` \| instruction' -- "$vx" checks --format md
expect checks-json 0 '"check": "VMLAUNCH_CPL"' -- "$vx" checks --format json
expect explain 0 'CPL must be 0' -- "$vx" explain vmlaunch_cpl
expect explain-unknown 2 "unknown check ID" -- "$vx" explain NO_SUCH_CHECK

# check: the known-good layouts enter (exit 0), a broken one does not (exit 1)
for l in "$src"/corpus/layouts/*.json; do
  expect "check-layout-$(basename "$l" .json)" 0 'VM entry succeeds' -- "$vx" check "$l"
done
expect check-example 1 'VMfailValid, VM-instruction error 7 or 8' -- "$vx" check "$src/corpus/examples/broken-blue-pill.json"
expect check-example-fix 1 'fix: HOST_CR4 = 0x2020' -- "$vx" check "$src/corpus/examples/broken-blue-pill.json"
expect check-json 1 '"error":[[:space:]]*\[7, 8\]' -- "$vx" check --format json "$src/corpus/examples/broken-blue-pill.json"
expect check-quiet 1 '^VMfailValid' -- "$vx" check --quiet "$src/corpus/examples/broken-blue-pill.json"
expect check-stdin 0 'succeeds' -- sh -c "\"$vx\" check - < \"$src/corpus/layouts/linux64.json\""
expect check-profile-override 0 'profile il-i9-12900k-alderlake' -- "$vx" check --profile il-i9-12900k-alderlake "$src/corpus/layouts/linux64.json"

# repair: an all-zero VMCS on a complete profile enters after repair; -o writes a case that
# check accepts; an incomplete profile names the MSRs the rules would need; --lint
printf '{"profile": "il-xeon-8180-skylake-sp", "vmcs": {}}' > "$tmp/zero.json"
expect repair-zero 0 'repaired after [0-9]+ rounds' -- "$vx" repair "$tmp/zero.json" -o "$tmp/zero-fixed.json"
expect repair-output-checks 0 'VM entry succeeds' -- "$vx" check "$tmp/zero-fixed.json"
expect repair-json 0 '"repaired": true' -- "$vx" repair --format json "$tmp/zero.json"
expect repair-example 0 'HOST_CR4 +0x20 -> 0x2020' -- "$vx" repair "$src/corpus/examples/broken-blue-pill.json"
printf '{"profile": "qemu-icelake-server-v1", "vmcs": {}}' > "$tmp/qemu.json"
expect repair-incomplete 0 'the profile lacks IA32_VMX_BASIC' -- "$vx" repair "$tmp/qemu.json"
expect lint 1 'lint: fields the rules read that the layout never set' -- "$vx" check --lint "$tmp/zero.json"

# bad input: exit 2, file, position and field named, no crash
printf '{\n  "profile": "il-xeon-8180-skylake-sp",\n  "vmcs": { "GUEST_CR00": "0x1" }\n}\n' > "$tmp/typo.json"
expect bad-field 2 'typo.json:3: vmcs.GUEST_CR00: unknown VMCS field .*did you mean GUEST_CR0' -- "$vx" check "$tmp/typo.json"
printf '{\n  "profile": "il-xeon-8180-skylake-sp",\n  "vmcs": { "GUEST_CR0": 0x1 }\n}\n' > "$tmp/syntax.json"
expect bad-syntax 2 'syntax.json:3:[0-9]+: JSON syntax error' -- "$vx" check "$tmp/syntax.json"
expect missing-file 2 'nope.json: cannot open' -- "$vx" check "$tmp/nope.json"
expect bad-format 2 "unknown format" -- "$vx" check --format xml "$src/corpus/layouts/linux64.json"
expect bad-model 2 "unknown model" -- "$vx" check --model qemu "$src/corpus/layouts/linux64.json"
expect missing-case 2 "missing CASE" -- "$vx" check
printf '' > "$tmp/empty.json"
expect empty-file 2 'empty.json:1:1: JSON syntax error' -- "$vx" check "$tmp/empty.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
