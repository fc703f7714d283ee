#!/bin/sh
# uefi_qemu.sh — the silicon oracle's image in QEMU with OVMF, where no VMX is offered
# to guests (TCG has none; this machine's /dev/kvm offers none): the image boots headless, the
# probe reports "no VMX" with the CPUID and MSRs it read, RESULTS.TXT appears on the results
# partition and `oracle ingest` and `profile import` read it; a run reset with a case in flight
# resumes and records machine_reset; malformed, truncated and foreign results files exit 2 with
# the line.
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

# boot IMAGE ACCEL: headless, serial on stdout, the image powers the machine off at the end
boot() {   # KVM: 45 s (where OVMF fails under KVM, QEMU stays up after its emulation failure)
    t=120; [ $2 = kvm ] && t=45
    timeout $t qemu-system-x86_64 -machine q35,accel=$2 -m 512 -display none -serial stdio \
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
"$vx" oracle image --cases "$cases" --finish poweroff --test-run-without-vmx --test-reset-at 1 \
    -o "$tmp/r.img" > /dev/null || fail "oracle image --test-reset-at"
boot "$tmp/r.img" tcg > "$tmp/r.serial"
grep -a 'test_reset_at\|machine_reset\|boot [0-9] of' "$tmp/r.serial"
results "$tmp/r.img" "$tmp/r.txt"
n=$(tr -d '\000' < "$tmp/r.txt" | grep -c '^@L boot ')
[ "$n" -eq 2 ] || fail "expected 2 boots, found $n"
tr -d '\000' < "$tmp/r.txt" | grep -q '^@R 1 crash what=machine_reset$' || fail "no machine_reset for case 1"
tr -d '\000' < "$tmp/r.txt" | grep -q '^@E done$' || fail "the resumed run did not finish"
"$vx" oracle ingest "$tmp/r.txt" > "$tmp/r.ingest"; rc=$?
cat "$tmp/r.ingest"
[ $rc -eq 0 ] || fail "ingest of the resumed run: exit $rc"
grep -q '2 boots, 1 machine reset, complete' "$tmp/r.ingest" || fail "ingest does not count the reset"
grep -q 'crashed — machine_reset' "$tmp/r.ingest" || fail "ingest does not show case 1's machine_reset"

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
echo "uefi_qemu: ok"
