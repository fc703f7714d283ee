#!/bin/sh
# record-agreement.sh — on a host that offers VMX to KVM guests, the KVM oracle's agreement test
# (tests/oracle/kvm_agreement.sh: the bundled layouts, examples, regressions and the failing and
# passing case of every check, compared with the sdm model), with every case whose observation
# differs written to DIR as a regression case that records the host CPU, kernel and kvm_intel
# parameters (`observed.kvm`), ready to commit under corpus/regressions/.
#   Is this host one?   ls -l /dev/kvm; grep -c -w vmx /proc/cpuinfo; uname -r;
#                       cat /sys/module/kvm_intel/parameters/nested     (Y or 1)
# usage: oracle/kvm/record-agreement.sh [BUILD_DIR] [DIR]      (defaults: build, kvm-observed)
# exit: 0 all agree, 1 mismatches (recorded in DIR), 3 KVM offers no VMX here (the reason said).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
dir=${2:-kvm-observed}
vx=$build/vmxaudit
tc=$build/tests/test_checks
export VMXAUDIT_CORPUS="$src/corpus"
[ -x "$vx" ] || { echo "no $vx: build first (README: Quick start)"; exit 2; }
echo "host: $(uname -r); vmx flags: $(grep -c -w vmx /proc/cpuinfo 2>/dev/null); /dev/kvm: $(ls -l /dev/kvm 2>&1)"
"$vx" oracle probe --backend kvm > /dev/null || exit $?
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -- "$src/corpus/layouts" "$src/corpus/examples" "$src/corpus/regressions"
if [ -x "$tc" ]; then mkdir "$tmp/checks" && "$tc" --export "$tmp/checks" > /dev/null && set -- "$@" "$tmp/checks"; fi
"$vx" oracle run --backend kvm --model sdm --timeout 2 --record "$dir" "$@"
rc=$?
echo "regression cases written: $(ls "$dir" | wc -l) in $dir (review, then git add them under corpus/regressions/kvm/)"
exit $rc
