#!/bin/sh
# test_import.sh — importers as a user runs them: the real-format samples in samples/ become
# profiles and cases that `check` audits; bad dumps fail with file, line and what was expected.
# usage: test_import.sh VMXAUDIT SOURCE_DIR [VMWRITE_HOOK_DEMO]
set -u
vx=$1
src=$2
. "$(dirname "$0")/lib.sh"
s="$src/tests/cli/samples"

msrs() { "$vx" profile show "$1" --format json | sed -n '/"msrs":/,/}/p' | grep '"0x4'; }   # the decoded MSRs, not msrs_raw

# --- profiles ---
expect windbg 0 '17 of 20 VMX capability MSRs captured' -- "$vx" profile import --format windbg "$s/windbg-rdmsr-i7-8700k.txt" -o "$tmp/8700k.json"
expect windbg-vmfunc-missing 0 'IA32_VMX_VMFUNC \(0x491\) is advertised by another MSR but not captured' -- "$vx" profile import --format windbg "$s/windbg-rdmsr-i7-8700k.txt" -o "$tmp/8700k.json"
msrs "$tmp/8700k.json" > "$tmp/a"; msrs il-i7-8700k-coffeelake > "$tmp/b"
expect windbg-same-msrs 0 '' -- cmp "$tmp/a" "$tmp/b"
expect windbg-stdout 0 '"0x482":[[:space:]]*"0xfff9fffe0401e172"' -- "$vx" profile import --format windbg "$s/windbg-rdmsr-i7-8700k.txt" --name my-8700k
expect windbg-name 0 '"name":[[:space:]]*"my-8700k"' -- "$vx" profile import --format windbg "$s/windbg-rdmsr-i7-8700k.txt" --name my-8700k
# the normalisation layer in front of the MSR importers too: quoted in a mail, NBSP after the prompt
sed 's/^/> > /; s/kd> /kd>\xc2\xa0/' "$s/windbg-rdmsr-i7-8700k.txt" > "$tmp/quoted-windbg.txt"
expect windbg-quoted 0 '17 of 20 VMX capability MSRs captured' -- "$vx" profile import --format windbg "$tmp/quoted-windbg.txt" -o "$tmp/8700kq.json"
msrs "$tmp/8700kq.json" > "$tmp/a"; msrs il-i7-8700k-coffeelake > "$tmp/b"
expect windbg-quoted-same-msrs 0 '' -- cmp "$tmp/a" "$tmp/b"
expect msrtools 0 '17 of 20 .*4 CPUs agree' -- "$vx" profile import --format msr-tools "$s/msr-tools-rdmsr-xeon-8180.txt" --maxphyaddr 46 -o "$tmp/8180.json"
msrs "$tmp/8180.json" > "$tmp/a"; msrs il-xeon-8180-skylake-sp > "$tmp/b"
expect msrtools-same-msrs 0 '' -- cmp "$tmp/a" "$tmp/b"
expect msrtools-maxphyaddr 0 'MAXPHYADDR 46' -- "$vx" profile show "$tmp/8180.json"
expect check-with-imported 0 'VM entry succeeds' -- "$vx" check "$src/corpus/layouts/linux64.json" --profile "$tmp/8180.json"
printf '$ sudo rdmsr -d 0x480\n61365942969434116\n0x481 0xff00000016\n# a comment\n' > "$tmp/dec.txt"
expect msrtools-decimal 0 '"0x480":[[:space:]]*"0xda040000000004"' -- "$vx" profile import --format msr-tools "$tmp/dec.txt"
printf '$ rdmsr -a 0x481\nff00000016\n7f00000016\n' > "$tmp/disagree.txt"
expect msrtools-cpus-disagree 2 'disagree.txt:3: CPUs disagree on MSR 0x481: 0x7f00000016 here, 0xff00000016 on line 2' -- "$vx" profile import --format msr-tools "$tmp/disagree.txt"
printf '$ rdmsr -f 7:0 0x480\n4\n' > "$tmp/field.txt"
expect msrtools-bitfield 2 'field.txt:1: rdmsr -f' -- "$vx" profile import --format msr-tools "$tmp/field.txt"
printf 'da040000000004\n' > "$tmp/orphan.txt"
expect msrtools-no-command 2 'orphan.txt:1: expected an rdmsr command line' -- "$vx" profile import --format msr-tools "$tmp/orphan.txt"
printf '0: kd> rdmsr 480\nmsr[480] = 00da0400`00000004\nmsr[481] = 0000007f 00000016\n' > "$tmp/bad.txt"
expect windbg-bad-line 2 'bad.txt:3: unexpected text after the value' -- "$vx" profile import --format windbg "$tmp/bad.txt"
printf 'hello\n' > "$tmp/hello.txt"
expect windbg-not-windbg 2 "hello.txt:1: expected WinDbg rdmsr output 'msr\[INDEX\] = HIGH\`LOW'" -- "$vx" profile import --format windbg "$tmp/hello.txt"
printf 'msr[480] = 00da0400`00000004\nmsr[480] = 00da0400`00000005\n' > "$tmp/twice.txt"
expect windbg-twice 2 'twice.txt:2: MSR 0x480 given twice' -- "$vx" profile import --format windbg "$tmp/twice.txt"
expect import-bad-format 2 "unknown format 'aida'" -- "$vx" profile import --format aida "$tmp/hello.txt"
expect import-no-file 2 'nope.txt: cannot open' -- "$vx" profile import --format windbg "$tmp/nope.txt"

# the msr device: pread(8 bytes) at offset = MSR index.  A regular file of 0x494 bytes whose byte
# at offset i is i & 0xff: MSR 0x480 reads bytes 0x480..0x487, 0x48c the last whole 8 bytes,
# 0x48d..0x493 are short reads (not captured).
awk 'BEGIN { for (i = 0; i < 1172; i++) printf "%c", i % 256 }' LC_ALL=C > "$tmp/msr"
if [ -n "${VXA_WINDOWS:-}" ]; then   # the Windows build: no msr device there, exit 3 and say so
  expect msr-device-windows 3 'not available on Windows' -- "$vx" profile import --format msr-device --msr-path "$tmp/msr"
elif [ "$(wc -c < "$tmp/msr")" -eq 1172 ]; then
  expect msr-device 0 '13 of 20 VMX capability MSRs captured' -- "$vx" profile import --format msr-device --msr-path "$tmp/msr" -o "$tmp/dev.json"
  expect msr-device-0x480 0 '"0x480":[[:space:]]*"0x8786858483828180"' -- cat "$tmp/dev.json"
  expect msr-device-0x48c 0 '"0x48c":[[:space:]]*"0x939291908f8e8d8c"' -- cat "$tmp/dev.json"
  expect_not msr-device-0x48d-not-captured '"0x48d"'
else
  echo "FAIL msr-device: could not write the byte file"; fail=$((fail + 1))
fi
# ... and the same machine's CPUID from the cpuid device beside it (cpuid(4): 16 bytes EAX..EDX at
# offset leaf | subleaf << 32): MAXPHYADDR 46 and linear width 57 (80000008H:EAX = 0x392e), PT and
# LA57 (7.0:EBX[25], ECX[16]), no sub-leaf 1 (7.0:EAX = 0: FRED, LAM absent), LM (80000001H:EDX[29]).
if [ -z "${VXA_WINDOWS:-}" ] && command -v python3 >/dev/null 2>&1; then
  mkdir -p "$tmp/dev"; cp "$tmp/msr" "$tmp/dev/msr"
  # In a plain file the 16-byte records of nearby leaves overlap (leaf 7 starts at byte 7), so the
  # bytes are placed where every read finds its register.
  python3 - "$tmp/dev/cpuid" <<'PY'
import sys
b, B = {}, 0x80000000
b[0] = 0x0d                       # leaf 0 EAX: highest basic leaf 0xd
b[14] = 0x02; b[17] = 0x01        # leaf 7.0 (bytes 7..22): EAX 0, EBX[25] PT, ECX[16] LA57
b[B] = 0x08; b[B + 3] = 0x80      # leaf 80000000H EAX: 80000008H
b[B + 16] = 0x20                  # leaf 80000001H (bytes B+1..): EDX[29] LM
b[B + 8] = 0x2e; b[B + 9] = 0x39  # leaf 80000008H (bytes B+8..): EAX 0x392e
with open(sys.argv[1], "wb") as f:
    for off, v in sorted(b.items()):
        f.seek(off); f.write(bytes([v]))
    f.seek(B + 31); f.write(b"\0")
PY
  expect msr-device-cpuid 0 'from .*dev/cpuid: MAXPHYADDR 46, linear-address width 57, la57, pt, lm' -- "$vx" profile import --format msr-device "$tmp/dev/msr" -o "$tmp/devc.json"
  expect msr-device-cpuid-maxphyaddr 0 '"maxphyaddr":[[:space:]]*46' -- cat "$tmp/devc.json"
  expect msr-device-cpuid-width 0 '"linear_address_width":[[:space:]]*57' -- cat "$tmp/devc.json"
  expect msr-device-cpuid-fred-absent 0 '"fred":[[:space:]]*false' -- cat "$tmp/devc.json"
  expect msr-device-cpuid-option 2 'cannot read the cpuid device' -- "$vx" profile import --format msr-device --msr-path "$tmp/msr" --cpuid-path "$tmp/nope"
  expect msr-device-no-cpuid 0 'no .*/cpuid \(modprobe cpuid\)' -- "$vx" profile import --format msr-device --msr-path "$tmp/msr"
  # this machine's own cpuid device, where it can be read: MAXPHYADDR as /proc/cpuinfo says
  if [ -r /dev/cpu/0/cpuid ] && grep -q '^address sizes' /proc/cpuinfo; then
    pa=$(grep -m1 '^address sizes' /proc/cpuinfo | sed 's/.*: *\([0-9]*\) bits physical.*/\1/')
    expect msr-device-live-cpuid 0 "MAXPHYADDR $pa," -- "$vx" profile import --format msr-device --msr-path "$tmp/msr" --cpuid-path /dev/cpu/0/cpuid
  fi
fi
[ -n "${VXA_WINDOWS:-}" ] ||
  expect msr-device-missing 2 'cannot open' -- "$vx" profile import --format msr-device --msr-path "$tmp/no-such-msr"

# --- cases from VMCS dumps ---
k="$s/kvm-dmesg-tr-available-tss.txt"
expect kvm-import 0 'the dump does not give these fields the rules read; they are not captured' -- "$vx" import --format kvm-dmesg "$k" --profile il-xeon-8180-skylake-sp -o "$tmp/kvm.json"
expect kvm-missing-listed 0 'MSR_BITMAP' -- "$vx" import --format kvm-dmesg "$k" --profile il-xeon-8180-skylake-sp -o "$tmp/kvm.json"
expect kvm-observed-hint 0 'check .*kvm.json --observed 33 --qualification 0' -- "$vx" import --format kvm-dmesg "$k" --profile il-xeon-8180-skylake-sp -o "$tmp/kvm.json"
expect kvm-case-missing 0 '"missing":' -- cat "$tmp/kvm.json"
expect kvm-case-not-captured 0 '"not_captured":[[:space:]]*"rest"' -- cat "$tmp/kvm.json"
expect kvm-case-link-assumed 0 '"VMCS_LINK_POINTER":[[:space:]]*"KVM writes the VMCS link pointer as ~0 unless VMCS shadowing is on' -- sed -n '/"assumed"/,/}/p' "$tmp/kvm.json"
expect kvm-check-no-link-phantom 1 '' -- "$vx" check "$tmp/kvm.json"
expect_not kvm-check-no-link-phantom-rule 'GUEST_LINK_PTR'
sed 's/SecondaryExec=0x001010aa/SecondaryExec=0x001050aa/' "$k" > "$tmp/shadow.txt"
"$vx" import "$tmp/shadow.txt" --profile il-xeon-8180-skylake-sp -o "$tmp/shadow.json" 2>/dev/null
grep '"assumed"' "$tmp/shadow.json" > "$tmp/out"
expect_not kvm-shadowing-no-assumption '"assumed"'
expect kvm-case-fields 0 '"GUEST_TR_AR_BYTES":[[:space:]]*"0x89"' -- cat "$tmp/kvm.json"
expect kvm-case-sysenter 0 '"GUEST_SYSENTER_EIP":[[:space:]]*"0xffffffff9c201b30"' -- cat "$tmp/kvm.json"
expect kvm-case-svi-rvi 0 '"GUEST_INTR_STATUS":[[:space:]]*"0x0"' -- cat "$tmp/kvm.json"
expect kvm-check 1 'GUEST_TR_AR_TYPE' -- "$vx" check "$tmp/kvm.json"
expect kvm-check-prediction 1 'VM-entry failure: exit reason 33' -- "$vx" check "$tmp/kvm.json"
expect kvm-check-observed 1 '1 likely culprit' -- "$vx" check "$tmp/kvm.json" --observed 33 --qualification 0
expect kvm-repair 0 'GUEST_TR_AR_BYTES +0x89 -> 0x8b' -- "$vx" repair "$tmp/kvm.json"
expect kvm-stdin 0 '"GUEST_CR3"' -- sh -c "\"$vx\" import --format kvm-dmesg - --profile il-xeon-8180-skylake-sp < \"$k\""
expect kvm-profile-file 0 '"msrs"' -- "$vx" import --format kvm-dmesg "$k" --profile "$tmp/8180.json"
x="$s/xen-cs-l-and-d.txt"
expect xen-import 0 'TSC_MULTIPLIER' -- "$vx" import --format xen "$x" --profile il-xeon-8180-skylake-sp -o "$tmp/xen.json"
expect xen-case-columns 0 '"GUEST_TR_AR_BYTES":[[:space:]]*"0x8b"' -- cat "$tmp/xen.json"
expect xen-case-host-rip 0 '"HOST_RIP":[[:space:]]*"0xffff82d04029a4e0"' -- cat "$tmp/xen.json"
expect xen-check 1 'GUEST_CS_AR_DB' -- "$vx" check "$tmp/xen.json"
expect xen-check-bit 1 'bit 14 \(D/B\) of GUEST_CS_AR_BYTES must be 0' -- "$vx" check "$tmp/xen.json"
# Xen's MSR-load failure lines (exit 34) in a quoted-printable mail: the failing entry becomes the
# MSR-load list; the check names the MSR-load value rule as the suspect
q="$s/xen-msr-load-qp.txt"
expect xen-qp-import 0 'Xen printed only the MSR-load entry that failed \(entry 1 of the list, exit qualification 2\).*MSR 0x1dd, value 0x1ffff80676f52be5' -- "$vx" import "$q" --profile il-xeon-8180-skylake-sp -o "$tmp/xq.json"
expect xen-qp-decoded 0 '"GUEST_CR0":[[:space:]]*"0x80050033"' -- cat "$tmp/xq.json"
sed -n '/"vmcs"/,/}/p' "$tmp/xen.json" > "$tmp/a"; sed -n '/"vmcs"/,/}/p' "$tmp/xq.json" | grep -v 'MSR_LOAD' > "$tmp/b"
expect xen-qp-same-fields 0 '' -- cmp "$tmp/a" "$tmp/b"
expect xen-qp-msr-list 0 '"VM_ENTRY_MSR_LOAD_COUNT":[[:space:]]*"0x1"' -- cat "$tmp/xq.json"
expect xen-qp-entry-bytes 0 'dd01000000000000e52bf57606f8ff1f' -- cat "$tmp/xq.json"
expect xen-qp-hint 0 'check .*xq.json --observed 34 --qualification 1' -- "$vx" import "$q" --profile il-xeon-8180-skylake-sp -o "$tmp/xq.json"
expect xen-qp-check 1 'MSRLOAD_VALUE_GP' -- "$vx" check "$tmp/xq.json" --observed 34 --qualification 1
# two dumps in one dmesg: the last is imported
cat "$x" "$x" > "$tmp/two.txt"
expect xen-two-dumps 0 '2 dumps in the text; imported the last of the most complete, at line 5[0-9]' -- "$vx" import --format xen "$tmp/two.txt" --profile il-xeon-8180-skylake-sp
# Xen's "VMLAUNCH error: 0x7" before the dump: the check to run is --observed 7
{ echo '(XEN) d2v0 VMLAUNCH error: 0x7'; sed 1d "$x"; } > "$tmp/vmfail.txt"
expect xen-vmfail-hint 0 'VM-instruction error 7\): vmxaudit check .*vf.json --observed 7$' -- "$vx" import "$tmp/vmfail.txt" --profile il-xeon-8180-skylake-sp -o "$tmp/vf.json"
expect xen-vmfail-case 0 '"vm_instruction_error":[[:space:]]*7' -- cat "$tmp/vf.json"
# the most complete dump wins over a later cut one (a mail's HTML part repeating it in pieces)
{ cat "$x"; head -20 "$x"; } > "$tmp/full-then-cut.txt"
expect xen-most-complete 0 '2 dumps in the text; imported the last of the most complete, at line 3$' -- "$vx" import "$tmp/full-then-cut.txt" --profile il-xeon-8180-skylake-sp -o "$tmp/fc.json"
expect xen-most-complete-host 0 '"HOST_RIP":[[:space:]]*"0xffff82d04029a4e0"' -- cat "$tmp/fc.json"
# bad dumps: file, line, what was expected; exit 2
expect kvm-no-dump 2 'hello.txt:1: no VMCS dump found' -- "$vx" import --format kvm-dmesg "$tmp/hello.txt" --profile il-xeon-8180-skylake-sp
# a malformed value of a key we know: a warning naming the line, the field left out, never an abort
sed 's/CR3 = 0x000000010a5e8000/CR3 = 0x00000001zz5e8000/' "$k" > "$tmp/badcr3.txt"
expect kvm-bad-value 0 "warning: .*badcr3.txt:8: Guest State: 'CR3': expected a hex number, found '0x00000001zz5e8000'; left out" -- "$vx" import --format kvm-dmesg "$tmp/badcr3.txt" --profile il-xeon-8180-skylake-sp -o "$tmp/badcr3.json"
sed -n '/"vmcs"/,/}/p' "$tmp/badcr3.json" > "$tmp/out"
expect_not kvm-bad-value-unset '"GUEST_CR3"'
expect kvm-bad-value-missing 0 '"GUEST_CR3"' -- sed -n '/"missing"/,/]/p' "$tmp/badcr3.json"
sed 's/attr=0x00089/attr=0x/' "$k" > "$tmp/badattr.txt"
expect kvm-bad-attr 0 "badattr.txt:21: Guest State: 'TR: attr': expected a hex number" -- "$vx" import --format kvm-dmesg "$tmp/badattr.txt" --profile il-xeon-8180-skylake-sp
sed 's/Interruptibility = 00000000/Interruptibility = 1000000000/' "$k" > "$tmp/wide.txt"
expect kvm-too-wide 0 'wide.txt:[0-9]+: Guest State: value 0x1000000000 .* wider than the field GUEST_INTERRUPTIBILITY_INFO' -- "$vx" import --format kvm-dmesg "$tmp/wide.txt" --profile il-xeon-8180-skylake-sp
# the normalisation layer: the same dump as pasted (quoted, syslog, caller IDs, NBSP, CRLF, a
# wrapped "DR7 =", log lines after it) imports to the same fields
"$vx" import --format kvm-dmesg "$k" --profile il-xeon-8180-skylake-sp -o "$tmp/orig.json" 2>/dev/null
expect kvm-pasted 0 '' -- "$vx" import --format kvm-dmesg "$s/kvm-dmesg-pasted.txt" --profile il-xeon-8180-skylake-sp -o "$tmp/pasted.json"
expect_not kvm-pasted-no-warning 'warning: .*pasted.txt:[0-9]'
sed -n '/"vmcs"/,/}/p' "$tmp/orig.json" > "$tmp/a"; sed -n '/"vmcs"/,/}/p' "$tmp/pasted.json" > "$tmp/b"
expect kvm-pasted-same-fields 0 '' -- cmp "$tmp/a" "$tmp/b"
expect kvm-pasted-dr7 0 '"GUEST_DR7":[[:space:]]*"0x400"' -- cat "$tmp/pasted.json"
# unknown lines inside the dump: each a warning naming its line; after the dump: ignored
awk '{ print } /Interruptibility =/ { print "[ 1.0] kvm_intel: Frobnicator = 12" }' "$k" > "$tmp/odd.txt"
printf 'Dec 06 10:00:01 host QEMU[2997]: Code=kvm: ../hw/core/cpu.c oops\n----[ Xen-4.12.0  x86_64  debug=n   Not tainted ]----\n' >> "$tmp/odd.txt"
expect kvm-unknown-line 0 "odd.txt:26: line not recognised inside the dump, left out: 'Frobnicator = 12'" -- "$vx" import --format kvm-dmesg "$tmp/odd.txt" --profile il-xeon-8180-skylake-sp -o "$tmp/odd.json"
expect_not kvm-after-dump-ignored 'Code=kvm|Xen-4.12'
expect kvm-unknown-line-in-case 0 '"line 26: line not recognised' -- cat "$tmp/odd.json"
# an implausibly small capture says so loudly
head -14 "$s/kvm-dmesg-pasted.txt" > "$tmp/cut.txt"
expect kvm-cut-loud 0 'WARNING: .*cut.txt: only [0-9]+ fields read from the dump at line 6, of about [0-9]+' -- "$vx" import --format kvm-dmesg "$tmp/cut.txt" --profile il-xeon-8180-skylake-sp
"$vx" import --format kvm-dmesg "$k" --profile il-xeon-8180-skylake-sp > /dev/null 2> "$tmp/out"
expect_not kvm-full-not-loud 'WARNING'

# --- vmwrite traces and field lists ---
w="$s/vmwrite-list.c"
expect vmwrite-detect 0 'recognised as vmwrite' -- "$vx" import "$w" --profile il-xeon-8180-skylake-sp -o "$tmp/vw.json"
# every line it cannot evaluate, in one run, with file:line and why
expect vmwrite-not-constant 0 "vmwrite-list.c:9: GUEST_RFLAGS = 'BIT\(1\) \| X86_EFLAGS_IF': not a constant" -- "$vx" import "$w" --profile il-xeon-8180-skylake-sp -o "$tmp/vw.json"
expect vmwrite-all-listed 0 "vmwrite-list.c:10: PIN_BASED_VM_EXEC_CONTROL = 'pin_controls\(v\)'" -- "$vx" import "$w" --profile il-xeon-8180-skylake-sp -o "$tmp/vw.json"
expect vmwrite-unknown-field 0 "vmwrite-list.c:12: 'VMCS_GUEST_FROB' is no VMCS field" -- "$vx" import "$w" --profile il-xeon-8180-skylake-sp -o "$tmp/vw.json"
expect_not vmwrite-code-ignored 'exec_control'
for kv in 'GUEST_CR0 0x80050033' 'GUEST_CR3 0x1000' 'VMCS_LINK_POINTER 0xffffffffffffffff' 'GUEST_RIP 0xffffffff81a00000' \
          'VM_ENTRY_CONTROLS 0x13ff' 'GUEST_ES_AR_BYTES 0xc093' 'GUEST_CR4 0x3726e0' 'VM_EXIT_CONTROLS 0x2fefff' 'GUEST_PDPTR0 0x0'; do
  set -- $kv
  expect "vmwrite-value-$1" 0 "\"$1\":[[:space:]]*\"$2\"" -- sed -n '/"vmcs"/,/}/p' "$tmp/vw.json"
done
sed -n '/"vmcs"/,/}/p' "$tmp/vw.json" > "$tmp/out"
expect_not vmwrite-not-captured-unset '"GUEST_RFLAGS"|"PIN_BASED_VM_EXEC_CONTROL"'
printf 'int x = 1;\n' > "$tmp/code.c"
expect vmwrite-none 2 'code.c:1: no vmwrite line found' -- "$vx" import --format vmwrite "$tmp/code.c" --profile il-xeon-8180-skylake-sp
# the logging hook of engine/examples/vmwrite_log.h: its trace (dmesg prefixes and all) imports as is
if [ -n "${3:-}" ] && [ -x "$3" ]; then
  "$3" > "$tmp/trace.txt"
  expect vmwrite-hook-runs 0 '' -- "$3"
  expect vmwrite-hook-import 0 'recognised as vmwrite' -- "$vx" import "$tmp/trace.txt" --profile il-xeon-8180-skylake-sp -o "$tmp/trace.json"
  expect vmwrite-hook-last-write 0 '"GUEST_RFLAGS":[[:space:]]*"0x202"' -- cat "$tmp/trace.json"
  expect vmwrite-hook-link 0 '"VMCS_LINK_POINTER":[[:space:]]*"0xffffffffffffffff"' -- cat "$tmp/trace.json"
  expect vmwrite-hook-cr0 0 '"GUEST_CR0":[[:space:]]*"0x80050033"' -- cat "$tmp/trace.json"
fi

# --- QEMU's register dump after "KVM: entry failed" (journalctl prefixes): AR = (flags >> 8) & 0xf0ff,
# not present = unusable; no qualification printed
qm="$s/qemu-cs-l-and-d.txt"
expect qemu-detect 0 'recognised as qemu' -- "$vx" import "$qm" --profile il-xeon-8180-skylake-sp -o "$tmp/q.json"
expect qemu-hint 0 'exit reason 0x80000021; the qualification is not printed\): vmxaudit check .*q.json --observed 33$' -- "$vx" import "$qm" --profile il-xeon-8180-skylake-sp -o "$tmp/q.json"
for kv in 'GUEST_CS_AR_BYTES 0xe09b' 'GUEST_SS_AR_BYTES 0xc093' 'GUEST_DS_AR_BYTES 0x10000' 'GUEST_TR_AR_BYTES 0x8b' \
          'GUEST_RIP 0xffffffff81c0f5ae' 'GUEST_RSP 0xffffc90000c4bea8' 'GUEST_RFLAGS 0x246' 'GUEST_CR4 0x3526e0' \
          'GUEST_GDTR_BASE 0xfffffe0000001000' 'GUEST_IDTR_LIMIT 0xfff' 'GUEST_FS_BASE 0x7f0a1b4fe740' 'GUEST_IA32_EFER 0xd01' 'GUEST_DR7 0x400'; do
  set -- $kv
  expect "qemu-value-$1" 0 "\"$1\":[[:space:]]*\"$2\"" -- sed -n '/"vmcs"/,/}/p' "$tmp/q.json"
done
# QEMU prints the guest's CR4 (VMXE clear): KVM's VMCS has VMXE set, filled in as assumed
expect qemu-cr4-vmxe-assumed 0 '"GUEST_CR4":[[:space:]]*"QEMU prints the guest.s CR4' -- sed -n '/"assumed"/,/}/p' "$tmp/q.json"
sed -n '/"vmcs"/,/}/p' "$tmp/q.json" > "$tmp/out"
expect_not qemu-no-controls 'VM_ENTRY_CONTROLS|HOST_'
grep '"exit_qualification"' "$tmp/q.json" > "$tmp/out"
expect_not qemu-no-qualification '"exit_qualification"'
expect qemu-forced-none 2 "hello.txt:1: no QEMU register dump found" -- "$vx" import --format qemu "$tmp/hello.txt" --profile il-xeon-8180-skylake-sp

# --- format auto-detection (no --format), and inputs that are no dump at all ---
expect detect-kvm 0 'recognised as kvm-dmesg' -- "$vx" import "$s/kvm-dmesg-pasted.txt" --profile il-xeon-8180-skylake-sp -o "$tmp/det.json"
expect detect-kvm-same 0 '' -- cmp "$tmp/det.json" "$tmp/pasted.json"
expect detect-xen 0 'recognised as xen' -- "$vx" import "$x" --profile il-xeon-8180-skylake-sp
sed 's/^(XEN) //' "$x" > "$tmp/xen-bare.txt"
expect detect-xen-no-prefix 0 'recognised as xen' -- "$vx" import "$tmp/xen-bare.txt" --profile il-xeon-8180-skylake-sp
expect detect-forced 0 '"format":[[:space:]]*"kvm-dmesg"' -- "$vx" import --format kvm-dmesg "$x" --profile il-xeon-8180-skylake-sp
expect detect-windbg 0 'recognised as windbg' -- "$vx" profile import "$s/windbg-rdmsr-i7-8700k.txt"
expect detect-msrtools 0 'recognised as msr-tools' -- "$vx" profile import "$s/msr-tools-rdmsr-xeon-8180.txt"
expect detect-none 2 'hello.txt:1: no VMCS dump recognised' -- "$vx" import "$tmp/hello.txt" --profile il-xeon-8180-skylake-sp
expect detect-msr-none 2 'hello.txt:1: no capability-MSR dump recognised' -- "$vx" profile import "$tmp/hello.txt"
: > "$tmp/empty.txt"
expect import-empty 2 'empty.txt: the file is empty' -- "$vx" import "$tmp/empty.txt" --profile il-xeon-8180-skylake-sp
printf 'ELF\001\000\000\002' > "$tmp/bin.dat"
expect import-binary 2 'bin.dat: binary data, not a text dump' -- "$vx" import "$tmp/bin.dat" --profile il-xeon-8180-skylake-sp
expect profile-import-binary 2 'bin.dat: binary data' -- "$vx" profile import "$tmp/bin.dat"
if [ -z "${VXA_WINDOWS:-}" ] && mkfifo "$tmp/fifo" 2>/dev/null; then
  (: > "$tmp/fifo") &
  expect import-fifo-empty 2 'fifo: the file is empty.*a FIFO' -- "$vx" import "$tmp/fifo" --profile il-xeon-8180-skylake-sp
  wait
  (cat "$k" > "$tmp/fifo") &
  expect import-fifo 0 'recognised as kvm-dmesg' -- "$vx" import "$tmp/fifo" --profile il-xeon-8180-skylake-sp
  wait
fi
expect import-no-profile 2 'missing --profile' -- "$vx" import --format kvm-dmesg "$k"
expect import-bad-profile 2 'no bundled profile' -- "$vx" import --format kvm-dmesg "$k" --profile no-such-cpu
expect import-unknown-format 2 "unknown format 'vbox'" -- "$vx" import --format vbox "$k" --profile il-xeon-8180-skylake-sp
expect import-help 0 'usage: vmxaudit import' -- "$vx" import --help
expect profile-import-help 0 'usage: vmxaudit profile import' -- "$vx" profile import --help

finish
