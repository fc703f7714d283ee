#!/bin/sh
# test_cli.sh — the vmxaudit command as a user runs it: exit statuses (docs/exit-codes.md), messages
# naming file, position and field, and the main job on the bundled example.
# usage: test_cli.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$(dirname "$0")/lib.sh"

expect version 0 'vmxaudit 0\.' -- "$vx" --version
expect help 0 'usage: vmxaudit COMMAND' -- "$vx" --help
expect no-args 2 'usage' -- "$vx"
expect unknown-command 2 "unknown command 'frobnicate'" -- "$vx" frobnicate
for c in check checks explain fields profile; do
  expect "help-$c" 0 "usage: vmxaudit $c" -- "$vx" $c --help
done
expect fields 0 '0x00006800 GUEST_CR0' -- "$vx" fields
expect fields-json 0 '"name":[[:space:]]*"HOST_INTR_SSP_TABLE"' -- "$vx" fields --format json
expect fields-profile 0 'TERTIARY_VM_EXEC_CONTROL +64 +control +proc\[17\] +no' -- "$vx" fields --profile il-xeon-8180-skylake-sp
expect profile-list 0 'il-xeon-8180-skylake-sp' -- "$vx" profile list
expect profile-list-cpu 0 '^il-i9-12900k-alderlake +12th Gen Intel\(R\) Core\(TM\) i9-12900K$' -- "$vx" profile list
expect profile-list-names 0 '^il-xeon-8180-skylake-sp$' -- "$vx" profile list --names
# profile match: by family/model/stepping (three notations), brand string, name; the best first
for sig in 06_97_2 6/151/2 0x90672; do
  expect "profile-match-$sig" 0 '^ +110 +il-i9-12900k-alderlake ' -- "$vx" profile match --signature "$sig"
done
expect profile-match-model-only 0 '^ +100 +il-i7-8700k-coffeelake ' -- "$vx" profile match --signature 06_9E
expect profile-match-brand 0 '^ +[0-9]+ +il-i7-8700k-coffeelake ' -- "$vx" profile match --brand 'Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz' -n 1
expect profile-match-name 0 'il-n95-alderlake-n' -- "$vx" profile match --brand alderlake
expect profile-match-ranked 0 '' -- sh -c "\"$vx\" profile match --brand 'xeon platinum 8180' -n 2 | sed -n 2p | grep -q il-xeon-8180-skylake-sp"
expect profile-match-none 1 'no bundled profile matches' -- "$vx" profile match --brand zzzz
expect profile-match-bad 2 "--signature: 'x_y' is not a signature" -- "$vx" profile match --signature x_y
if grep -q '^flags' /proc/cpuinfo 2>/dev/null; then
  # exit 0 with a match, 1 with none (this machine's CPU may be one no profile names, an AMD one say)
  expect profile-match-live 0 "CPU: .*family [0-9A-F]+ model [0-9A-F]+ .*this machine's CPUID" -- sh -c \
    "\"$vx\" profile match > \"$tmp/live\" 2>&1; st=\$?; cat \"$tmp/live\"
     if grep -q 'no bundled profile matches' \"$tmp/live\"; then [ \$st = 1 ]; else [ \$st = 0 ]; fi"
fi
expect profile-show 0 'Unrestricted guest +yes' -- "$vx" profile show il-xeon-8180-skylake-sp
expect profile-show-missing 0 'IA32_VMX_VMFUNC +\(not captured\)' -- "$vx" profile show il-xeon-8180-skylake-sp
expect profile-show-json 0 '"0x480":[[:space:]]*"0xda040000000004"' -- "$vx" profile show il-xeon-8180-skylake-sp --format json
expect profile-show-file 0 'profile il-xeon-8180' -- "$vx" profile show "$src/corpus/profiles/il-xeon-8180-skylake-sp.json"
expect profile-unknown 2 'no bundled profile' -- "$vx" profile show no-such-cpu
expect checks 0 'VMLAUNCH_CPL +instruction +27\.1' -- "$vx" checks
expect checks-md 0 '^\| `VMLAUNCH_CPL` \| instruction' -- "$vx" checks --format md
expect checks-json 0 '"check":[[:space:]]*"VMLAUNCH_CPL"' -- "$vx" checks --format json
expect explain 0 'CPL must be 0' -- "$vx" explain vmlaunch_cpl
expect explain-unknown 2 "unknown check ID" -- "$vx" explain NO_SUCH_CHECK
expect explain-quirk 0 'models: +bochs-2\.7 \(Bochs 2\.7\)' -- "$vx" explain no_debugctl_check
expect explain-check-quirks 0 'quirk NO_DEBUGCTL_CHECK of bochs-2\.7' -- "$vx" explain GUEST_DEBUGCTL_RESERVED
expect explain-quirks 0 '^FIRST_FAILURE_ONLY +bochs-2\.7,bochs-3\.0 ' -- "$vx" explain quirks
expect explain-quirks-bad 2 "--format: unknown format 'json' \\(text, md\\)" -- "$vx" explain quirks --format json

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
expect repair-json 0 '"repaired":[[:space:]]*true' -- "$vx" repair --format json "$tmp/zero.json"
expect repair-example 0 'HOST_CR4 +0x20 -> 0x2020' -- "$vx" repair "$src/corpus/examples/broken-blue-pill.json"
printf '{"profile": "qemu-icelake-server-v1", "vmcs": {}}' > "$tmp/qemu.json"
expect repair-incomplete 0 'the profile lacks IA32_VMX_BASIC' -- "$vx" repair "$tmp/qemu.json"
expect lint 1 'lint: fields the rules read that the layout never set' -- "$vx" check --lint "$tmp/zero.json"

# test: replays expectations; oracle: usage errors and the KVM backend without VMX (exit 3)
expect test-regressions 0 '^[0-9]+ passed, 0 failed$' -- "$vx" test --quiet "$src/corpus/regressions"
expect test-example 0 '1 passed, 0 failed' -- "$vx" test "$src/corpus/examples/broken-blue-pill.json"
printf '{"profile": "il-xeon-8180-skylake-sp", "vmcs": {}, "expect": {"result": "entered"}}' > "$tmp/wrong.json"
expect test-wrong 1 'FAIL .*predicted VMfailValid' -- "$vx" test "$tmp/wrong.json"
expect test-json 1 '"status":[[:space:]]*"fail"' -- "$vx" test --format json "$tmp/wrong.json"
expect test-junit 1 '' -- "$vx" test "$tmp/wrong.json" --junit "$tmp/j.xml"
expect test-junit-failure 0 '<failure message="predicted VMfailValid' -- cat "$tmp/j.xml"
expect test-junit-refused 2 '' -- "$vx" test "$tmp/wrong.json" --junit "$tmp"
expect test-missing 2 'missing CASE' -- "$vx" test
expect test-nothing 2 'nothing to test: [0-9]+ cases without expectations' -- "$vx" test "$src/corpus/layouts"
expect_not test-nothing-no-tally 'passed'
"$vx" oracle run >/dev/null 2>&1
if [ $? -eq 3 ]; then   # built without the oracle backends (e.g. the sanitizer build)
  expect oracle-not-built 3 'built without the oracle backends' -- "$vx" oracle run --backend bochs x
else
  expect oracle-no-backend 2 'missing --backend' -- "$vx" oracle run "$src/corpus/layouts"
  expect oracle-bad-backend 2 "unknown backend 'qemu'" -- "$vx" oracle probe --backend qemu
  expect oracle-no-cases 2 'missing CASE' -- "$vx" oracle run --backend bochs
  if [ -e /dev/kvm ] && ! grep -qw vmx /proc/cpuinfo; then
    expect oracle-kvm-no-vmx 3 '^vmxaudit oracle probe: KVM offers no VMX to guests: ' -- "$vx" oracle probe --backend kvm
  fi
fi

# bench: the benchmarks behind the CLI (where they are built: not in the Windows cross build)
"$vx" bench --help >/dev/null 2>&1
if [ $? -ne 3 ]; then
  expect bench-help 0 'usage: vmxaudit bench' -- "$vx" bench --help
  expect bench-bad 2 "unknown option '--frobnicate'" -- "$vx" bench --frobnicate
fi

# options (getopt_long from each command's table): --opt=value, options after the arguments,
# short forms; an unknown option, a missing value or a value outside the allowed set exits 2
# naming the option
bp0="$src/corpus/examples/broken-blue-pill.json"
expect opt-equals 1 '"error":[[:space:]]*\[7, 8\]' -- "$vx" check --format=json "$bp0"
expect opt-after-args 1 '^VMfailValid' -- "$vx" check "$bp0" -q
expect opt-double-dash 2 "cannot open" -- "$vx" check -- --nope.json
expect opt-unknown 2 "vmxaudit check: unknown option '--frob'" -- "$vx" check --frob "$bp0"
expect opt-missing-value 2 "option '--format' needs a value \(text\|json\)" -- "$vx" check "$bp0" --format
expect opt-flag-value 2 "option '--quiet' takes no value" -- "$vx" check --quiet=yes "$bp0"
expect opt-bad-class 2 "--class: unknown class 'nope' \(vmxon, instruction," -- "$vx" checks --class nope
expect opt-bad-number 2 "--max-rounds: 'many' is not a number" -- "$vx" repair --max-rounds many "$bp0"
expect opt-out-of-range 2 "--max-rounds: 5000 is not in 0..1000" -- "$vx" repair --max-rounds 5000 "$bp0"
expect opt-help-after-parse 0 'usage: vmxaudit checks' -- "$vx" checks --class host --help
expect opt-extra-arg 2 "unexpected argument 'two'" -- "$vx" check one two
expect group-missing 2 'missing subcommand \(list, show, import, match\)' -- "$vx" profile
expect group-help 0 'usage: vmxaudit profile list' -- "$vx" profile --help
expect help-command 0 'usage: vmxaudit profile show NAME\|FILE' -- "$vx" help profile show

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

# the report for people: every offending bit named with what it must be, a fix to paste
bp="$src/corpus/examples/broken-blue-pill.json"
expect report-bit-named 1 'bit 13 \(VMXE\) of HOST_CR4 must be 1' -- "$vx" check "$bp"
expect report-default1-named 1 'bit 1 \(reserved, default 1\) of PIN_BASED_VM_EXEC_CONTROL must be 1' -- "$vx" check "$bp"
expect report-fix-all 1 'vmwrite\(0x6c04, 0x2020\); +/\* HOST_CR4, was 0x20 \*/' -- "$vx" check "$bp"
expect report-quiet-only-verdict 1 '' -- "$vx" check --quiet "$bp"
[ "$(wc -l < "$tmp/out")" -eq 1 ] && { echo "ok   report-quiet-one-line"; pass=$((pass + 1)); } ||
  { echo "FAIL report-quiet-one-line"; fail=$((fail + 1)); }
expect report-no-colour-in-pipe 1 '' -- env -u NO_COLOR "$vx" check "$bp"
expect_not report-no-escape-in-pipe "$(printf '\033')"

# post-mortem: what the CPU reported puts the consistent violations first
expect observed-8 1 '1 likely culprit' -- "$vx" check "$bp" --observed 8
sed -n '/likely culprit/,/other violation/p' "$tmp/out" > "$tmp/culprits"
grep -q HOST_CR4_FIXED0 "$tmp/culprits" && ! grep -q CTRL_PIN "$tmp/culprits" &&
  { echo "ok   observed-8-host-first"; pass=$((pass + 1)); } || { echo "FAIL observed-8-host-first"; fail=$((fail + 1)); }
expect observed-8-others 1 '2 other violations: not what the CPU reported' -- "$vx" check "$bp" --observed 8
expect observed-7 1 '2 likely culprits' -- "$vx" check "$bp" --observed 7
expect observed-33-none 1 'no violation explains what the CPU reported' -- "$vx" check "$bp" --observed 33
expect observed-33-contradicts 1 'contradicts what the CPU reported' -- "$vx" check "$bp" --observed 0x80000021
expect observed-json 1 '"consistent":[[:space:]]*true' -- "$vx" check --format json "$bp" --observed 8
expect observed-json-false 1 '"consistent":[[:space:]]*false' -- "$vx" check --format json "$bp" --observed 8
expect observed-bad 2 'give 7 or 8' -- "$vx" check "$bp" --observed 9
# an advisory violation (a microcode MSR in the MSR-load list) listed before the real one: the
# JSON marks the real one, not the one at its place in the report
sed -e 's/"VM_ENTRY_MSR_LOAD_ADDR": "0x0"/"VM_ENTRY_MSR_LOAD_ADDR": "0x10000"/' \
    -e 's/"VM_ENTRY_MSR_LOAD_COUNT": "0x0"/"VM_ENTRY_MSR_LOAD_COUNT": "0x1"/' \
    -e 's/^  "profile": .*/&\n  "memory": [ { "address": "0x10000", "data": "8b000000010000000000000000000000" } ],/' \
    "$src/corpus/layouts/linux64.json" > "$tmp/adv-first.json"
expect observed-json-advisory-first 1 '"warnings"' -- "$vx" check --format json "$tmp/adv-first.json" --observed 34
for v in MSRLOAD_RESERVED:true ADV_MSRLOAD_MODEL_SPECIFIC:none; do
  id=${v%%:*} want=${v##*:}
  got=$(awk -v id="\"$id\"" '/"check":/ { cur = index($0, id) > 0 }
        cur && /"consistent":/ { sub(/.*"consistent":[[:space:]]*/, ""); sub(/[^a-z].*/, ""); print }' "$tmp/out")
  [ "${got:-none}" = "$want" ] && { echo "ok   observed-json-$id-$want"; pass=$((pass + 1)); } ||
    { echo "FAIL observed-json-$id: consistent ${got:-none}, expected $want"; fail=$((fail + 1)); }
done
# an MSR-load entry's offending bit is a bit of the entry's value (IA32_EFER.LME here), printed
# with the entry and its value, never as a bit of VM_ENTRY_MSR_LOAD_COUNT
sed -e 's/"VM_ENTRY_MSR_LOAD_ADDR": "0x0"/"VM_ENTRY_MSR_LOAD_ADDR": "0x20000"/' \
    -e 's/"VM_ENTRY_MSR_LOAD_COUNT": "0x0"/"VM_ENTRY_MSR_LOAD_COUNT": "0x2"/' \
    -e 's/^  "profile": .*/&\n  "memory": [ { "address": "0x20000", "data": "810000c0000000000000000000000000800000c0000000000104000000000000" } ],/' \
    "$src/corpus/layouts/linux64.json" > "$tmp/efer-lme.json"
expect msrload-entry-value 1 'MSR-load entry 2 \(at 0x20010\): MSR 0xc0000080, value 0x401$' -- "$vx" check "$tmp/efer-lme.json"
expect msrload-bit-of-value 1 "offending bit of the entry's value: 8 \(LME\)" -- "$vx" check "$tmp/efer-lme.json"
expect_not msrload-bit-not-of-count 'bits? (8 .*)?of VM_ENTRY_MSR_LOAD_COUNT'
expect qualification-needs-33 2 'needs --observed 33 or 34' -- "$vx" check "$bp" --observed 7 --qualification 0

# explain error N (SDM 31.4) and exit N
n=1
while [ $n -le 28 ]; do
  "$vx" explain error $n > "$tmp/out" 2>&1 && grep -q "^VM-instruction error $n: " "$tmp/out" || { echo "FAIL explain-error-$n"; fail=$((fail + 1)); }
  n=$((n + 1))
done
echo "ok   explain-error-1-28"; pass=$((pass + 1))
expect explain-error-7 0 'invalid control field' -- "$vx" explain error 7
expect explain-error-26 0 'events blocked by MOV SS' -- "$vx" explain error 26
expect explain-error-28 0 'INVEPT/INVVPID' -- "$vx" explain error 28
expect explain-error-29 2 'no VM-instruction error 29' -- "$vx" explain error 29
expect explain-error-list 0 ' 12  VMREAD/VMWRITE from/to unsupported VMCS component' -- "$vx" explain error
expect explain-exit-33 0 'invalid guest state' -- "$vx" explain exit 33
expect explain-exit-34 0 '1-based index' -- "$vx" explain exit 34
expect explain-exit-41 0 'machine-check' -- "$vx" explain exit 41
expect explain-exit-bit31 0 'exit reason 33: .*bit 31 set' -- "$vx" explain exit 0x80000021
expect explain-exit-48 0 'EPT violation' -- "$vx" explain exit 48
expect explain-exit-35 2 'not a basic exit reason' -- "$vx" explain exit 35

# the man page and the bash completion come from the same help text
expect man-page 0 '^\.TH VMXAUDIT 1' -- "$vx" help --man
for c in 'check CASE|' 'explain error' 'import' 'interactive' 'profile import'; do
  grep -qF "vmxaudit $c" "$tmp/out" && { echo "ok   man-has-$c"; pass=$((pass + 1)); } ||
    { echo "FAIL man-has-$c"; fail=$((fail + 1)); }
done
if command -v groff >/dev/null 2>&1; then
  expect man-renders 0 'VMXAUDIT\(1\)' -- sh -c "\"$vx\" help --man | groff -man -Tutf8 -ww 2>&1"
  expect_not man-no-groff-warnings 'warning'
elif [ "${CI:-}" = true ]; then   # a missing package fails under CI (tests/skip.sh)
  echo "FAIL man-renders: groff is not installed (groff-base, .ci/packages-test)"; fail=$((fail + 1))
else
  echo "skip man-renders: groff is not installed (groff-base, .ci/packages-test)"
fi
expect help-bad 2 "unknown option '--pdf'" -- "$vx" help --pdf
if command -v bash >/dev/null 2>&1; then
  "$vx" help --bash-completion > "$tmp/vmxaudit.bash"
  mkdir -p "$tmp/bin"; ln -s "$(cd "$(dirname "$vx")" && pwd)/$(basename "$vx")" "$tmp/bin/vmxaudit"
  complete_words() {   # complete_words WORDS...: what bash completion offers for the last word
    PATH="$tmp/bin:$PATH" bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vmxaudit; printf "%s\n" "${COMPREPLY[@]}"' "$tmp/vmxaudit.bash" "$@"
  }
  expect completion-commands 0 '^interactive$' -- complete_words vmxaudit in
  expect completion-check-options 0 '^--observed$' -- complete_words vmxaudit check --ob
  expect completion-check-ids 0 '^VMLAUNCH_CPL$' -- complete_words vmxaudit explain vmlaunch_c
  expect completion-explain-error 0 '^28$' -- complete_words vmxaudit explain error 2
  expect completion-profiles 0 '^il-xeon-8180-skylake-sp$' -- complete_words vmxaudit check --profile il-xeon-81
  expect completion-import-formats 0 '^kvm-dmesg$' -- complete_words vmxaudit import --format k
  expect completion-profile-import-formats 0 '^msr-tools$' -- complete_words vmxaudit profile import --format msr
fi

finish
