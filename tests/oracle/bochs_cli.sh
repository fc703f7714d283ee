#!/bin/sh
# bochs_cli.sh VXA_BOCHS SOURCE_DIR — vxa-bochs, a thin tool over the one oracle interface
# (oracle_backend.h): usage and bad input (exit 2, before Bochs boots), an unknown CPU model
# (exit 3), probe (the corpus profile it made, byte for byte but for the layout), and run (one
# result per case, the in-guest audit and Bochs's words; about 5 s).  Exit 77: no Bochs here.
set -u
. "$(dirname "$0")/../skip.sh"
tool=$1 src=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
command -v bochs > /dev/null || [ -n "${VXA_BOCHS:-}" ] ||
    skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() { "$tool" "$@" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }
rc() { cat "$tmp/rc"; }

run; [ "$(rc)" = 2 ] || fail "no arguments: exit $(rc), expected 2"
run --help; [ "$(rc)" = 0 ] && grep -q '^usage: vxa-bochs probe' "$tmp/out" || fail "--help"
run run --cpu corei7_skylake_x; [ "$(rc)" = 2 ] || fail "run without cases: exit $(rc)"
run run --cpu corei7_skylake_x "$tmp/missing.txt"; [ "$(rc)" = 2 ] || fail "missing cases: exit $(rc)"
printf 'vmlaunch NO_SUCH_FIELD=1\n' >"$tmp/bad.txt"
run run --cpu corei7_skylake_x --trace "$tmp/trace" "$tmp/bad.txt"
[ "$(rc)" = 2 ] || fail "bad case text: exit $(rc)"
grep -q "bad.txt: line 1: unknown VMCS field 'NO_SUCH_FIELD'" "$tmp/err" || fail "bad case text: message: $(cat "$tmp/err")"
[ -e "$tmp/trace" ] && fail "bad case text: the oracle was set up (its trace opened) before the cases were read"
run probe --cpu no_such_model; [ "$(rc)" = 3 ] || fail "unknown CPU model: exit $(rc): $(cat "$tmp/err")"

# probe: the profile the corpus holds (made with this command), layout aside
run probe --cpu corei7_skylake_x --source "RDMSR inside Debian bochs 2.7+dfsg-4+deb12u1 by vmxaudit oracle probe"
[ "$(rc)" = 0 ] || fail "probe: exit $(rc): $(cat "$tmp/err")"
tr -d ' \t\n' <"$tmp/out" >"$tmp/probe.flat"
tr -d ' \t\n' <"$src/corpus/profiles/bochs-2.7-corei7-skylake-x.json" >"$tmp/corpus.flat"
cmp -s "$tmp/probe.flat" "$tmp/corpus.flat" || fail "probe: differs from corpus/profiles/bochs-2.7-corei7-skylake-x.json"

# run: two cases that break the pin-based controls' allowed-0 settings (VMfailValid 7), the
# second without the in-guest audit: one result each, comments and blank lines skipped
printf '# comment\nvmlaunch PIN_BASED_VM_EXEC_CONTROL=0x0\n\nvmlaunch PIN_BASED_VM_EXEC_CONTROL=0x0 noaudit\n' >"$tmp/cases.txt"
run run --cpu corei7_skylake_x "$tmp/cases.txt"
[ "$(rc)" = 0 ] || fail "run: exit $(rc): $(cat "$tmp/err")"
grep -q '^0 vmfail_valid error=7$' "$tmp/out" || fail "run: case 0: $(cat "$tmp/out")"
grep -q '^1 vmfail_valid error=7$' "$tmp/out" || fail "run: case 1: $(cat "$tmp/out")"
[ "$(grep -c '^  in-guest audit: .*(agrees with the CPU)' "$tmp/out")" = 1 ] ||
    fail "run: expected one in-guest audit that agrees (case 1 has none): $(cat "$tmp/out")"
grep -q '^  bochs: VMFAIL: VMCS EXEC CTRL: VMX pin-based controls allowed 0-settings' "$tmp/out" ||
    fail "run: Bochs's words missing"

if [ $fails -ne 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "bochs_cli: all passed"
