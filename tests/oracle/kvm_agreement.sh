#!/bin/sh
# kvm_agreement.sh — where /dev/kvm offers nested VMX (an Intel host with kvm_intel nested=1),
# the bundled layouts and the failing and passing case of every check run as real VM entries
# under KVM and are compared with the sdm model.  Elsewhere it skips (exit 77) and says why:
# the backend's own one-line reason ("KVM offers no VMX to guests: ...").
# usage: kvm_agreement.sh VMXAUDIT TEST_CHECKS SOURCE_DIR
set -u
vx=$1
tc=$2
src=$3
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$vx" oracle probe --backend kvm > "$tmp/probe" 2> "$tmp/why"
case $? in
  0) ;;
  3) echo "SKIP: $(cat "$tmp/why")"; exit 77 ;;
  *) cat "$tmp/why"; exit 1 ;;
esac
mkdir "$tmp/checks"
"$tc" --export "$tmp/checks" >/dev/null || exit 1
"$vx" oracle run --backend kvm --model sdm --timeout 2 "$src/corpus/layouts" "$tmp/checks" > "$tmp/out" 2>&1
rc=$?
grep -E '^DIFF' -A12 "$tmp/out" | head -80
tail -n 1 "$tmp/out"
[ $rc -eq 0 ]
