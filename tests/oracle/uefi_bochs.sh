#!/bin/sh
# uefi_bochs.sh — the payload code and the batch a UEFI image carries run in Bochs 2.7
# (uefi_bochs_batch) and give the same verdicts, observations and in-guest audits as
# `vmxaudit oracle run --backend bochs` on the same cases (the image prepared for the Bochs
# CPU's profile, as `oracle run` prepares).  Bochs cannot boot the image itself: Bochs 2.7 has
# no UEFI firmware (OVMF does not support it).
# usage: uefi_bochs.sh VMXAUDIT UEFI_BOCHS_BATCH SOURCE_DIR     (exit 77: Bochs or mtools missing)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
runner=$2
src=$3
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1 MTOOLS_SKIP_CHECK=1 PATH="$PATH:/usr/sbin:/sbin"
command -v bochs >/dev/null || skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
command -v mcopy >/dev/null && command -v sfdisk >/dev/null || skip_missing "mtools fdisk" "mtools/sfdisk missing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cpu=corei7_skylake_x
cases="$src/corpus/layouts $src/corpus/examples $src/corpus/regressions"
"$vx" oracle image --profile bochs-2.7-corei7-skylake-x --cases $cases -o "$tmp/a.img" || fail "oracle image"
esp=$(sfdisk -d "$tmp/a.img" | sed -n 's/.*start= *\([0-9]*\).*name="EFI system partition".*/\1/p')
res=$(sfdisk -d "$tmp/a.img" | sed -n 's/.*start= *\([0-9]*\).*name="vmxaudit results".*/\1/p')
mcopy -i "$tmp/a.img@@$((esp * 512))" ::/VMXAUDIT/BATCH.BIN "$tmp/BATCH.BIN" || fail "no BATCH.BIN"
mcopy -i "$tmp/a.img@@$((res * 512))" ::/RESULTS.TXT "$tmp/RESULTS.TXT" || fail "no RESULTS.TXT"
"$runner" "$tmp/BATCH.BIN" "$tmp/RESULTS.TXT" "$tmp/bochs-results.txt" $cpu; rc=$?
[ $rc -eq 77 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs does not start"
[ $rc -eq 0 ] || fail "running the image's batch in Bochs"
"$vx" oracle ingest --model sdm -v "$tmp/bochs-results.txt" > "$tmp/ingest.out"
"$vx" oracle run --backend bochs --cpu $cpu --model sdm -v --timeout 1 $cases > "$tmp/run.out"
# per case: the verdict, the observation, the engine's prediction, the in-guest audit
norm() {
    awk '/^(ok  |DIFF) / { print; first = 1; next }
         /^-    / { sub(/ — .*/, ""); print; next }
         first && /^     (bochs|uefi): / { sub(/^     (bochs|uefi): /, "     observed: "); print; first = 0; next }
         /^     (engine \(|in-guest audit|IN-GUEST)/ { print }' "$1"
}
norm "$tmp/run.out" > "$tmp/run.norm"
norm "$tmp/ingest.out" > "$tmp/ingest.norm"
n=$(grep -c '^\(ok  \|DIFF\|-    \)' "$tmp/run.norm")
echo "$n cases; oracle run: $(tail -n 1 "$tmp/run.out")"
echo "ingest of the image's batch in Bochs: $(tail -n 1 "$tmp/ingest.out")"
diff "$tmp/run.norm" "$tmp/ingest.norm" || fail "the image's batch in Bochs differs from oracle run --backend bochs"
[ "$n" -gt 50 ] || fail "only $n cases compared"
grep -q 'observed: ' "$tmp/run.norm" || fail "no observation compared"
echo "uefi_bochs: ok"
