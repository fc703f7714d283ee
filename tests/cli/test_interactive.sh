#!/bin/sh
# test_interactive.sh — `vmxaudit interactive` driven through a pipe, as a script or a here-doc
# would drive it: only relevant fields are asked, violations appear as soon as they are certain,
# end of input takes the defaults, and the saved case audits the same in `check`.
# (test_tmux.sh drives the same flow through a real terminal.)
# usage: test_interactive.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$(dirname "$0")/lib.sh"

# All defaults (end of input at once): the known-good layout enters.
expect all-defaults 0 'prediction: VM entry succeeds' -- sh -c "\"$vx\" interactive --save \"$tmp/ok.json\" < /dev/null"
expect all-defaults-eof-note 0 'end of input: defaults from here on' -- sh -c "\"$vx\" interactive < /dev/null"
expect all-defaults-saved 0 'VM entry succeeds' -- "$vx" check "$tmp/ok.json"
expect all-defaults-asks-ept 0 'EPT_POINTER +\[0x2001e\]' -- sh -c "\"$vx\" interactive < /dev/null"

# "activate secondary controls" = 0: no secondary controls, no VPID, no EPTP asked.
printf '\n\n\n0x14006172\n.\n' > "$tmp/in"
expect no-secondary 0 'CPU_BASED_VM_EXEC_CONTROL +\[0x94006172\]: 0x14006172' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
expect_not no-secondary-not-asked 'SECONDARY_VM_EXEC_CONTROL|EPT_POINTER|VIRTUAL_PROCESSOR_ID'
expect no-secondary-still-asks-host 0 'HOST_CR4 +\[0x2020\]' -- sh -c "\"$vx\" interactive < \"$tmp/in\""

# A violation is printed as soon as its fields are answered: right after HOST_CR4.  Where HOST_CR4
# comes in the order of questions depends on the rules; take it from a run with all defaults.
"$vx" interactive < /dev/null > "$tmp/defaults" 2>&1
before=$(grep -E '^  [A-Z0-9_]+ +\[' "$tmp/defaults" | grep -n -m1 '^  HOST_CR4 ' | cut -d: -f1)
n=0; : > "$tmp/in"
while [ $n -lt $((before + 1)) ]; do echo >> "$tmp/in"; n=$((n + 1)); done   # profile, instruction, fields before HOST_CR4
printf '0x20\n.\n' >> "$tmp/in"
sh -c "\"$vx\" interactive --save \"$tmp/bad.json\" < \"$tmp/in\"" > "$tmp/tr" 2>&1; st=$?
[ $st -eq 1 ] && { echo "ok   bad-host-cr4-exit-1"; pass=$((pass + 1)); } || { echo "FAIL bad-host-cr4-exit-1: $st"; fail=$((fail + 1)); }
if grep -A1 'HOST_CR4 .*\]: 0x20$' "$tmp/tr" | grep -q '!! HOST_CR4_FIXED0'; then
  echo "ok   violation-shown-at-once"; pass=$((pass + 1))
else
  echo "FAIL violation-shown-at-once"; sed 's/^/  | /' "$tmp/tr" | head -40; fail=$((fail + 1))
fi
expect bad-saved-case 1 'VM-instruction error 8' -- "$vx" check "$tmp/bad.json"
expect bad-saved-host-cr4 0 '"HOST_CR4":[[:space:]]*"0x20"' -- cat "$tmp/bad.json"
expect bad-report-fix 1 'vmwrite\(0x6c04, 0x2020\)' -- sh -c "\"$vx\" interactive < \"$tmp/in\""

# Wrong answers are asked again; '?' explains the field.
printf '\n\nzz\n?\n0x16\n.\n' > "$tmp/in"
expect not-hex 0 "'zz' is not a hex number" -- sh -c "\"$vx\" interactive < \"$tmp/in\""
expect help-field 0 'must be 1: 0x16, may be 1: 0xff' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
printf '\n\n0x100000000\n.\n' > "$tmp/in"
expect too-wide 0 'wider than PIN_BASED_VM_EXEC_CONTROL' -- sh -c "\"$vx\" interactive < \"$tmp/in\""

# The capability MSRs typed in: only those the earlier ones advertise are asked.  Without
# IA32_VMX_BASIC ('-') no TRUE MSR is asked (the original tool's 11 MSRs).
printf 'msrs\n-\n.\n' > "$tmp/in"
expect msrs-no-basic 0 '0x481 IA32_VMX_PINBASED_CTLS +\[0xff00000016\]' -- sh -c "\"$vx\" interactive --save \"$tmp/m.json\" < \"$tmp/in\""
expect_not msrs-no-true 'IA32_VMX_TRUE_'
expect msrs-proc2-advertised 0 'IA32_VMX_PROCBASED_CTLS2' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
expect msrs-saved-inline 0 '"0x482":[[:space:]]*"0xfff9fffe0401e172"' -- cat "$tmp/m.json"
expect msrs-saved-checks 0 '' -- "$vx" check --quiet "$tmp/m.json"
# PROCBASED_CTLS without bit 63: no secondary-controls MSR, no EPT/VPID capability MSR asked
printf 'msrs\n\n\n0x7ff9fffe0401e172\n.\n' > "$tmp/in"
expect msrs-no-proc2 0 '0x482 IA32_VMX_PROCBASED_CTLS +\[0xfff9fffe0401e172\]: 0x7ff9fffe0401e172' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
expect_not msrs-no-proc2-not-asked '0x48b IA32_VMX_PROCBASED_CTLS2 \[|0x48c IA32_VMX_EPT_VPID_CAP \['

# Profile by name and by file; unknown names are asked again.
printf 'no-such-cpu\nil-i7-8700k-coffeelake\n.\n' > "$tmp/in"
expect profile-retry 0 'no bundled profile' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
expect profile-by-name 0 'profile il-i7-8700k-coffeelake' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
expect profile-option 0 'profile il-i9-12900k-alderlake' -- sh -c "\"$vx\" interactive --profile il-i9-12900k-alderlake < /dev/null"
expect profile-option-bad 2 'no bundled profile' -- sh -c "\"$vx\" interactive --profile nope < /dev/null"
# A profile file is saved whole with the case: its CPUID features and linear-address width too.
sed -e 's/"linear_address_width": 48/"linear_address_width": 57/' -e 's/"la57": false/"la57": true/' \
    "$src/corpus/profiles/il-xeon-8180-skylake-sp.json" > "$tmp/la57.json"
expect profile-file-saved 0 '' -- sh -c "\"$vx\" interactive --profile \"$tmp/la57.json\" --save \"$tmp/p.json\" < /dev/null"
expect profile-file-saved-width 0 '"linear_address_width":[[:space:]]*57' -- cat "$tmp/p.json"
expect profile-file-saved-cpuid 0 '"la57":[[:space:]]*true' -- cat "$tmp/p.json"
expect profile-file-saved-extra 0 '"cpuid_note"' -- cat "$tmp/p.json"
expect layout-option 0 'GUEST_CR0 +\[0x' -- sh -c "\"$vx\" interactive --layout protected32 < /dev/null"
# A CPU name for a profile (profile match's ranking): 'alderlake', 'i7-8700k'.
printf 'alderlake\n.\n' > "$tmp/in"
expect alias-alderlake 0 "'alderlake': il-i9-12900k-alderlake .*also matches: il-n95-alderlake-n" -- sh -c "\"$vx\" interactive < \"$tmp/in\""
expect alias-used 0 'profile il-i9-12900k-alderlake' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
printf 'i7-8700K\n.\n' > "$tmp/in"
expect alias-model 0 'profile il-i7-8700k-coffeelake' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
# 'back' revises the previous answer
printf '\n\n0x1\nback\n0x16\n.\n' > "$tmp/in"
expect back 0 'back to PIN_BASED_VM_EXEC_CONTROL' -- sh -c "\"$vx\" interactive --save \"$tmp/back.json\" < \"$tmp/in\""
expect back-revised 0 'PIN_BASED_VM_EXEC_CONTROL +\[0x16\]: 0x16$' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
expect back-saved 0 '"PIN_BASED_VM_EXEC_CONTROL":[[:space:]]*"0x16"' -- cat "$tmp/back.json"
printf '\n\nback\n.\n' > "$tmp/in"
expect back-first 0 'nothing to go back to' -- sh -c "\"$vx\" interactive < \"$tmp/in\""
# WinDbg's forms (00da0400`00000004, a whole 'msr[480] = ...' line, 0n for decimal), msr-tools' hex
printf 'msrs\nmsr[480] = 00da0400`00000004\n000000ff`00000016\n.\n' > "$tmp/in"
expect windbg-forms 0 '' -- sh -c "\"$vx\" interactive --save \"$tmp/w.json\" < \"$tmp/in\""
expect windbg-basic 0 '"0x480":[[:space:]]*"0xda040000000004"' -- cat "$tmp/w.json"
expect windbg-pin 0 '"0x481":[[:space:]]*"0xff00000016"' -- cat "$tmp/w.json"
printf '\n\n0n22\n.\n' > "$tmp/in"
expect decimal-0n 0 '' -- sh -c "\"$vx\" interactive --save \"$tmp/d.json\" < \"$tmp/in\""
expect decimal-0n-saved 0 '"PIN_BASED_VM_EXEC_CONTROL":[[:space:]]*"0x16"' -- cat "$tmp/d.json"
# GUEST_RIP is asked (its rule: bits 63:N identical, SDM 27.3.1.4)
expect guest-rip-asked 0 '^  GUEST_RIP +\[0x' -- sh -c "\"$vx\" interactive < /dev/null"
# typed MSRs: the linear-address width and CPUID features are asked and saved with the case
{ printf 'msrs\n-\n'; i=0; while [ $i -lt 14 ]; do echo; i=$((i + 1)); done; printf '57\ny\n.\n'; } > "$tmp/in"   # 13 MSRs and MAXPHYADDR by default
expect msrs-la57 0 'linear-address width .*\[48\]: 57' -- sh -c "\"$vx\" interactive --save \"$tmp/la.json\" < \"$tmp/in\""
expect msrs-la57-saved 0 '"linear_address_width":[[:space:]]*57' -- cat "$tmp/la.json"
expect msrs-cpuid-saved 0 '"cet_ss":[[:space:]]*true' -- cat "$tmp/la.json"
expect help 0 'usage: vmxaudit interactive' -- "$vx" interactive --help
expect bad-arg 2 "unknown option '--frob'" -- "$vx" interactive --frob

finish
