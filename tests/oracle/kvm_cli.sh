#!/bin/sh
# kvm_cli.sh VXA_KVM PAYLOAD_ELF FAKE_GUEST_ELF — vxa-kvm as a front end runs it:
# the one-line no-VMX message and exit status 3, usage errors (2), and a batch run.
# Exits 77 (CTest SKIP_RETURN_CODE) where /dev/kvm is not accessible.
set -u
tool=$1 payload=$2 fake=$3
dev=${VXA_KVM_DEVICE:-/dev/kvm}
if ! [ -r "$dev" ] || ! [ -w "$dev" ]; then
    echo "SKIP: $dev is not accessible here"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() { "$tool" "$@" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }
rc() { cat "$tmp/rc"; }

# usage errors
run; [ "$(rc)" = 2 ] || fail "no arguments: exit $(rc), expected 2"
run bogus; [ "$(rc)" = 2 ] || fail "unknown command: exit $(rc), expected 2"
run run; [ "$(rc)" = 2 ] || fail "run without a batch: exit $(rc), expected 2"
run run "$tmp/missing.bin" --payload "$payload"; [ "$(rc)" = 2 ] || fail "missing batch: exit $(rc)"
run probe --payload "$tmp/missing.elf"; [ "$(rc)" = 2 ] || fail "missing payload: exit $(rc)"
run --help; [ "$(rc)" = 0 ] && grep -q '^usage: vxa-kvm probe' "$tmp/out" || fail "--help"

# probe: no VMX -> one line on stderr, nothing on stdout, exit 3
run probe --payload "$payload"
vmx=yes
if [ "$(rc)" = 3 ]; then
    vmx=no
    [ "$(wc -l <"$tmp/err")" = 1 ] || fail "probe: expected one line on stderr, got: $(cat "$tmp/err")"
    grep -q '^KVM offers no VMX to guests: .*CPUID.1:ECX.VMX = 0' "$tmp/err" ||
        fail "probe: unexpected message: $(cat "$tmp/err")"
    [ -s "$tmp/out" ] && fail "probe: stdout should be empty"
    echo "no VMX here: $(cat "$tmp/err")"
elif [ "$(rc)" = 0 ]; then
    grep -q '^@H vmxon ok' "$tmp/out" || fail "probe with VMX: no '@H vmxon ok'"
else
    fail "probe: exit $(rc): $(cat "$tmp/err")"
fi

# probe --force boots the payload anyway: it reports CPUID and the missing VMX itself
run probe --force --payload "$payload"
if [ $vmx = no ]; then
    [ "$(rc)" = 3 ] || fail "probe --force: exit $(rc), expected 3"
    grep -q '^@H cpuid 1 0 ' "$tmp/out" || fail "probe --force: no CPUID report from the payload"
    grep -q '^@H vmxon fail no-vmx-in-cpuid$' "$tmp/out" || fail "probe --force: no vmxon fail"
    grep -q '^@E done$' "$tmp/out" || fail "probe --force: no '@E done'"
    grep -q '^KVM offers no VMX to guests: ' "$tmp/err" || fail "probe --force: no message"
fi
grep -q '^@K kernel ' "$tmp/out" || fail "probe --force: host kernel not recorded"
grep -q '^@K kvm_intel nested=' "$tmp/out" || fail "probe --force: kvm_intel parameters not recorded"

# run: a two-case batch on the stand-in guest; case 2 triple-faults and costs only itself
# header "VXB1" size 0x40 count 2; cases: size 0x18, id, instruction (0: ok, 0xfe: triple fault)
printf 'VXB1\100\000\000\000\002\000\000\000\000\000\000\000' >"$tmp/b.bin"
printf '\030\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' >>"$tmp/b.bin"
printf '\030\000\000\000\002\000\000\000\376\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' >>"$tmp/b.bin"
run run "$tmp/b.bin" --force --payload "$fake" --entry 0; [ "$(rc)" = 2 ] || fail "--entry 0: exit $(rc)"
run run "$tmp/b.bin" --force --payload "$fake"
[ "$(rc)" = 3 ] || [ $vmx = yes ] || fail "run --force: exit $(rc), expected 3"
grep -q '^@R 1 vmfail_invalid$' "$tmp/out" || fail "run: no report for case 1"
grep -q '^@R 2 crash what=triple-fault$' "$tmp/out" || fail "run: case 2 not reported as a crash"
grep -q '2 cases: 1 reported, 1 crashed, 0 timed out, 0 not run; 1 VM' "$tmp/err" ||
    fail "run: summary: $(cat "$tmp/err")"

# run: text cases (oracle/common/case_text.h), one result line per case as vxa-bochs prints them
printf 'vmlaunch PIN_BASED_VM_EXEC_CONTROL=0x16\nvmresume launched\n' >"$tmp/cases.txt"
run run "$tmp/cases.txt" --payload "$payload"
if [ $vmx = no ]; then
    [ "$(rc)" = 3 ] || fail "run CASES: exit $(rc), expected 3"
    [ "$(wc -l <"$tmp/err")" = 1 ] || fail "run CASES: expected one line on stderr"
    grep -q '^KVM offers no VMX to guests: ' "$tmp/err" || fail "run CASES: no message"
fi
run run "$tmp/cases.txt" --force --payload "$fake"
grep -q '^0 vmfail_invalid$' "$tmp/out" && grep -q '^1 vmfail_invalid$' "$tmp/out" ||
    fail "run CASES on the stand-in guest: $(cat "$tmp/out")"
grep -q '^# Linux .* kvm_intel nested=' "$tmp/out" || fail "run CASES: host facts not recorded"
printf 'vmlaunch NO_SUCH_FIELD=1\n' >"$tmp/bad.txt"
run run "$tmp/bad.txt" --payload "$payload"; [ "$(rc)" = 2 ] || fail "bad case text: exit $(rc)"

if [ $fails -ne 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "kvm_cli: all passed"
