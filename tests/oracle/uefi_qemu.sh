#!/bin/sh
# uefi_qemu.sh — the silicon oracle's image in QEMU with OVMF, where no VMX is offered
# to guests (TCG has none; this machine's /dev/kvm offers none): the image boots headless, the
# probe reports "no VMX" with the CPUID and MSRs it read, RESULTS.TXT appears on the results
# partition and `oracle ingest` and `profile import` read it; a run reset with a case in flight
# resumes and records machine_reset; malformed, truncated and foreign results files exit 2 with
# the line.  --cpus all: with two CPUs (-smp 2) each has its own section (@U), probe ("no VMX",
# its own CPUID) and cases, the AP's run through MP Services, a reset with a case in flight on
# the AP resumes there; ingest judges both CPUs and reports how they differ (a results file
# edited to differ is reported); profile import --cpu N; with one CPU --cpus all says so and
# runs on the boot CPU.
# usage: uefi_qemu.sh VMXAUDIT SOURCE_DIR        (exit 77: QEMU/OVMF/mtools/sfdisk missing)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
src=$2
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1 MTOOLS_SKIP_CHECK=1 PATH="$PATH:/usr/sbin:/sbin"
ovmf=/usr/share/ovmf/OVMF.fd
for p in qemu-system-x86_64 mcopy sfdisk; do
    command -v $p >/dev/null || skip_missing "qemu-system-x86 ovmf mtools fdisk" "$p is missing"
done
[ -r $ovmf ] || skip_missing "ovmf" "$ovmf is missing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# boot IMAGE ACCEL [CPUS]: headless, serial on stdout, the image powers the machine off at the end
boot() {   # KVM: 45 s (where OVMF fails under KVM, QEMU stays up after its emulation failure)
    t=120; [ $2 = kvm ] && t=45
    timeout $t qemu-system-x86_64 -machine q35,accel=$2 -smp ${3:-1} -m 512 -display none -serial stdio \
        -bios $ovmf -drive file="$1",format=raw,if=virtio -net none 2>&1 </dev/null | tr -d '\r'
}
results() {   # copies RESULTS.TXT off the image's second partition
    start=$(sfdisk -d "$1" | sed -n 's/.*start= *\([0-9]*\).*name="vmxaudit results".*/\1/p')
    rm -f "$2"
    mcopy -i "$1@@$((start * 512))" ::/RESULTS.TXT "$2" || fail "no RESULTS.TXT on the results partition"
}

cases="$src/corpus/layouts"
"$vx" oracle image --cases "$cases" "$src/corpus/examples" --finish poweroff -o "$tmp/a.img" || fail "oracle image"

for accel in tcg kvm; do
    if [ $accel = kvm ] && ! [ -w /dev/kvm ]; then echo "(no /dev/kvm here: KVM boot skipped)"; continue; fi
    cp "$tmp/a.img" "$tmp/$accel.img"
    boot "$tmp/$accel.img" $accel > "$tmp/$accel.serial"
    grep -a 'vmxaudit' "$tmp/$accel.serial"
    if [ $accel = kvm ] && ! grep -aq 'vmxaudit' "$tmp/$accel.serial" && grep -aq 'emulation failure' "$tmp/$accel.serial"; then
        # measured on the development machines: OVMF itself stops in its SEC/PEI code with a
        # KVM "emulation failure" (before any loader runs); nothing of ours ran
        echo "(KVM here cannot run OVMF: 'emulation failure' in the firmware; KVM boot not tested)"
        continue
    fi
    grep -aq 'VMX is absent' "$tmp/$accel.serial" || fail "$accel: no 'VMX is absent' on the serial console"
    results "$tmp/$accel.img" "$tmp/$accel.txt"
    tr -d '\000' < "$tmp/$accel.txt" | grep -q '^@H vmxon fail no-vmx-in-cpuid$' || fail "$accel: no vmxon fail line"
    tr -d '\000' < "$tmp/$accel.txt" | grep -q '^@H cpuid 1 0 ' || fail "$accel: no CPUID leaf 1"
    tr -d '\000' < "$tmp/$accel.txt" | grep -q '^@H msr 3a ' || fail "$accel: no IA32_FEATURE_CONTROL"
    "$vx" oracle ingest "$tmp/$accel.txt" > "$tmp/$accel.ingest"; rc=$?
    cat "$tmp/$accel.ingest"
    [ $rc -eq 0 ] || fail "$accel: ingest exit $rc"
    grep -q '^VMX: VMX is absent' "$tmp/$accel.ingest" || fail "$accel: ingest does not say VMX is absent"
    grep -q 'not run: VMX unavailable' "$tmp/$accel.ingest" || fail "$accel: cases not reported as not run"
    "$vx" profile import --format uefi-results "$tmp/$accel.txt" -o "$tmp/$accel.profile.json" || fail "profile import"
    "$vx" profile show "$tmp/$accel.profile.json" > /dev/null || fail "the imported profile does not load"
done
# the two CPUs differ (TCG's model, this host's CPU under KVM): the probes are real reads
if [ -f "$tmp/kvm.txt" ]; then
    a=$(tr -d '\000' < "$tmp/tcg.txt" | grep '^@H cpuid 1 0 '); b=$(tr -d '\000' < "$tmp/kvm.txt" | grep '^@H cpuid 1 0 ')
    [ "$a" != "$b" ] || fail "TCG and KVM report the same CPUID.1 ($a)"
fi

# a reset with case 1 in flight: the second boot records it as machine_reset and finishes
# (--cpus all on one CPU: it says so and runs on the boot CPU, the --cpus boot format)
"$vx" oracle image --cases "$cases" --cpus all --finish poweroff --test-run-without-vmx --test-reset-at 1 \
    -o "$tmp/r.img" > /dev/null || fail "oracle image --test-reset-at"
boot "$tmp/r.img" tcg > "$tmp/r.serial"
grep -a 'test_reset_at\|machine_reset\|boot [0-9] of\|cpus all' "$tmp/r.serial"
grep -aq -- '--cpus all: MP Services report one logical CPU: the run covers the boot CPU only' "$tmp/r.serial" ||
    fail "--cpus all on one CPU does not say so"
results "$tmp/r.img" "$tmp/r.txt"
tr -d '\000' < "$tmp/r.txt" | grep -q '^@L mp one-cpu$' || fail "no '@L mp one-cpu' line"
! tr -d '\000' < "$tmp/r.txt" | grep -q '^@U ' || fail "a one-CPU run has CPU sections"
n=$(tr -d '\000' < "$tmp/r.txt" | grep -c '^@L boot ')
[ "$n" -eq 2 ] || fail "expected 2 boots, found $n"
tr -d '\000' < "$tmp/r.txt" | grep -q '^@R 1 crash what=machine_reset$' || fail "no machine_reset for case 1"
tr -d '\000' < "$tmp/r.txt" | grep -q '^@E done$' || fail "the resumed run did not finish"
"$vx" oracle ingest "$tmp/r.txt" > "$tmp/r.ingest"; rc=$?
cat "$tmp/r.ingest"
[ $rc -eq 0 ] || fail "ingest of the resumed run: exit $rc"
grep -q '2 boots, 1 machine reset, complete' "$tmp/r.ingest" || fail "ingest does not count the reset"
grep -q 'crashed — machine_reset' "$tmp/r.ingest" || fail "ingest does not show case 1's machine_reset"

# --cpus all on two CPUs, the payload entered for every case on each (no VMX here), a reset with
# case 1 in flight on CPU 1 (the AP, which runs first)
"$vx" oracle image --cases "$cases" --cpus all --finish poweroff --test-run-without-vmx --test-reset-at 1 \
    --test-reset-cpu 1 -o "$tmp/m.img" > /dev/null || fail "oracle image --cpus all"
boot "$tmp/m.img" tcg 2 > "$tmp/m.serial"
grep -a 'cpus all\|^CPU \|machine_reset\|boot [0-9] of\|StartupThisAP\|Exception' "$tmp/m.serial"
grep -aq 'CPU 1 (APIC ID 0x1):' "$tmp/m.serial" || fail "the AP did not run"
results "$tmp/m.img" "$tmp/m.txt"
tr -d '\000' < "$tmp/m.txt" > "$tmp/m2.txt"
grep -q '^@L mp processors=2 enabled=2 bsp=0$' "$tmp/m2.txt" || fail "no MP Services line"
[ "$(grep -c '^@L boot ' "$tmp/m2.txt")" -eq 2 ] || fail "--cpus all: expected 2 boots"
[ "$(grep -c '^@P end$' "$tmp/m2.txt")" -eq 2 ] || fail "--cpus all: expected a probe per CPU"
[ "$(grep -c '^@H vmxon fail no-vmx-in-cpuid$' "$tmp/m2.txt")" -eq 7 ] || fail "--cpus all: expected 2 probes and 5 cases (one reset) without VMX"
# each CPU's own CPUID: leaf 1 EBX[31:24] is its initial APIC ID (1, then 0: the boot CPU runs last)
awk '/^@U /{cpu=$2} /^@H cpuid 1 0 /{print cpu, $6}' "$tmp/m2.txt" > "$tmp/m.ids"
cat "$tmp/m.ids"
[ "$(awk '{print $1}' "$tmp/m.ids" | tr '\n' ' ')" = "1 0 " ] || fail "--cpus all: CPUID.1 not read once on each CPU"
a1=$(awk '$1 == 1 {print $2}' "$tmp/m.ids"); a0=$(awk '$1 == 0 {print $2}' "$tmp/m.ids")
[ $(( (0x$a1 >> 24) & 0xff )) -eq 1 ] && [ $(( (0x$a0 >> 24) & 0xff )) -eq 0 ] ||
    fail "--cpus all: CPUID.1:EBX[31:24] is not each CPU's APIC ID ($a1, $a0)"
awk '/^@U /{cpu=$2} /^@R 1 crash what=machine_reset$/{print cpu}' "$tmp/m2.txt" | grep -qx 1 ||
    fail "--cpus all: no machine_reset for case 1 on CPU 1"
grep -q '^@E done$' "$tmp/m2.txt" || fail "--cpus all: the resumed run did not finish"
"$vx" oracle ingest "$tmp/m2.txt" > "$tmp/m.ingest"; rc=$?
cat "$tmp/m.ingest"
[ $rc -eq 1 ] || fail "--cpus all: ingest exit $rc, expected 1 (case 1 differs between the CPUs)"
grep -q '^CPUs: 2 (the run asked for every logical CPU; MP Services: processors=2 enabled=2 bsp=0): CPU 0 (APIC ID 0x0, boot), CPU 1 (APIC ID 0x1)$' "$tmp/m.ingest" ||
    fail "--cpus all: ingest does not list the CPUs"
grep -q '^== CPU 1 (APIC ID 0x1) ==$' "$tmp/m.ingest" || fail "--cpus all: ingest does not judge CPU 1"
grep -q '^  case protected32: unsupported vmx-unavailable-no-vmx-in-cpuid on CPU 0 (APIC ID 0x0, boot), crashed machine_reset on CPU 1 (APIC ID 0x1)$' "$tmp/m.ingest" ||
    fail "--cpus all: the case that differs between the CPUs is not reported"
grep -q '^per-CPU differences: 1 (the probe differs on 0 of 1 other CPUs; 1 case outcome differs' "$tmp/m.ingest" ||
    fail "--cpus all: the probes (but the APIC IDs) must be equal and one case differ"
# edited: the same outcome for case 1 on CPU 1 (no difference), then CPU 1's probe differs
sed 's/^@R 1 crash what=machine_reset$/@R 1 unsupported what=vmx-unavailable-no-vmx-in-cpuid/' "$tmp/m2.txt" > "$tmp/same.txt"
"$vx" oracle ingest "$tmp/same.txt" > "$tmp/same.ingest"; rc=$?
tail -n 1 "$tmp/same.ingest"
[ $rc -eq 0 ] || fail "--cpus all: ingest of equal CPUs: exit $rc"
grep -q '^per-CPU differences: none (2 CPUs' "$tmp/same.ingest" || fail "--cpus all: equal CPUs reported as different"
# (a hybrid part: CPU 0 a P-core, CPU 1 an E-core, CPUID leaf 1AH)
awk '/^@U /{cpu=$2} cpu == 1 && /^@H msr 48b /{$4 = "12345678"} cpu == 1 && /^@H msr 8b /{$4 = "2a00000000"}
     {print} /^@H cpuid 7 0 /{print "@H cpuid 1a 0 " (cpu == 1 ? "20000001" : "40000001") " 0 0 0"}' \
    "$tmp/same.txt" > "$tmp/hybrid.txt"
"$vx" oracle ingest "$tmp/hybrid.txt" > "$tmp/hybrid.ingest"; rc=$?
grep '^  probe\|^per-CPU' "$tmp/hybrid.ingest"
[ $rc -eq 1 ] || fail "--cpus all: ingest of CPUs that differ: exit $rc, expected 1"
grep -q '^  probe: MSR 0x48b 0x0 on CPU 0 (APIC ID 0x0, boot), 0x12345678 on CPU 1 (APIC ID 0x1)$' "$tmp/hybrid.ingest" ||
    fail "--cpus all: the MSR that differs is not reported"
grep -q '^  probe: microcode 0x0 on CPU 0 (APIC ID 0x0, boot), 0x2a on CPU 1 (APIC ID 0x1)$' "$tmp/hybrid.ingest" ||
    fail "--cpus all: the microcode that differs is not reported"
grep -q '^  probe: CPUID 1ah.0 EAX 0x40000001 on CPU 0 (APIC ID 0x0, boot), 0x20000001 on CPU 1 (APIC ID 0x1)$' "$tmp/hybrid.ingest" ||
    fail "--cpus all: the core type that differs is not reported"
grep -q '^CPU: .*, Intel Atom (E-core)), microcode 0x2a' "$tmp/hybrid.ingest" || fail "--cpus all: CPU 1's core type"
grep -q '^per-CPU differences: 3 (the probe differs on 1 of 1 other CPUs; 0 case outcomes differ' "$tmp/hybrid.ingest" ||
    fail "--cpus all: the count of differences"
# profile import: the boot CPU's probe, or --cpu N's
"$vx" profile import --format uefi-results "$tmp/hybrid.txt" -o "$tmp/cpu0.json" || fail "profile import of a --cpus all run"
"$vx" profile import --format uefi-results --cpu 1 "$tmp/hybrid.txt" -o "$tmp/cpu1.json" || fail "profile import --cpu 1"
grep -q 'silicon-[0-9a-f]*-cpu1' "$tmp/cpu1.json" || fail "profile import --cpu 1: not CPU 1's name"
grep -q 'APIC ID 0x1' "$tmp/cpu1.json" || fail "profile import --cpu 1: the source does not name the CPU"
grep -q 'CPU 0 APIC ID 0x0' "$tmp/cpu0.json" && ! grep -q 'cpu1' "$tmp/cpu0.json" ||
    fail "profile import: the default is not the boot CPU's"
"$vx" profile import --format uefi-results --cpu 7 "$tmp/hybrid.txt" > /dev/null 2> "$tmp/err"; rc=$?
cat "$tmp/err"
[ $rc -eq 2 ] && grep -q 'no CPU 7 (its CPUs: 1 0)' "$tmp/err" || fail "profile import --cpu 7: exit $rc"

# bad files: exit 2 and the line that broke it
tr -d '\000' < "$tmp/tcg.txt" > "$tmp/good.txt"
bad() {   # NAME EXPECTED-TEXT: the file $tmp/NAME must give exit 2 naming the text
    "$vx" oracle ingest "$tmp/$1" > /dev/null 2> "$tmp/err"; rc=$?
    cat "$tmp/err"
    [ $rc -eq 2 ] || fail "$1: exit $rc, expected 2"
    grep -q "$2" "$tmp/err" || fail "$1: the message does not name '$2'"
}
printf 'hello\n' > "$tmp/foreign.txt"; bad foreign.txt 'foreign.txt:1: not a vmxaudit results file'
head -c 200 "$tmp/good.txt" > "$tmp/cut.txt"; bad cut.txt 'cut.txt:[0-9]*: truncated line'
sed 's/^@H vmxon fail.*/@R 0 exited reason=zz/' "$tmp/good.txt" > "$tmp/malformed.txt"
bad malformed.txt 'result for a case that is not in flight\|malformed result line'
sed 's/^@P end$/@Q what/' "$tmp/good.txt" > "$tmp/unknown.txt"; bad unknown.txt 'unknown line: @Q what'
grep -v '^@C 1 ' "$tmp/good.txt" > "$tmp/nocase.txt"; bad nocase.txt 'lacks a case'
# multi-CPU files: cut inside CPU 1's section, a foreign CPU line, one APIC ID with two numbers
n=$(grep -n '^@U 0 ' "$tmp/m2.txt" | head -n 1 | cut -d: -f1)
head -n $((n - 3)) "$tmp/m2.txt" > "$tmp/mcut.txt"; printf '@H cpuid 1 0 60f' >> "$tmp/mcut.txt"
bad mcut.txt "mcut.txt:$((n - 2)): truncated line"
sed 's/^@U 1 apic=1$/@U 1 core=1/' "$tmp/m2.txt" > "$tmp/mforeign.txt"; bad mforeign.txt 'bad CPU line (@U K apic=X \[bsp\]): @U 1 core=1'
sed 's/^@U 0 apic=0 bsp$/@U 0 apic=1 bsp/' "$tmp/m2.txt" > "$tmp/mtwice.txt"; bad mtwice.txt 'bad CPU line (@U K apic=X \[bsp\]): @U 0 apic=1 bsp'
echo "uefi_qemu: ok"
