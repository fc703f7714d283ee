#!/bin/sh
# agreement.sh — real VM entries in Bochs 2.7 agree with the engine's bochs-2.7
# model on the bundled layouts, the examples, the regression corpus and the failing and passing
# case of every check (tests/checks), each case run as executed (docs/oracles.md).  `oracle run` exits 1
# also when the payload's in-guest audit differs from the hosted one, so this is the
# in-guest audit's test on the whole Bochs test batch too (live_audit.sh: a faster subset).
# usage: agreement.sh VMXAUDIT TEST_CHECKS SOURCE_DIR     (exit 77: Bochs not available here)
# VXA_BOCHS_VERSION=3.0 [VXA_BOCHS_CPU=tigerlake]: the same on a Bochs that build-bochs.sh built, with
# that version's model (.ci/run does it for 3.0 on tigerlake).
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
tc=$2
src=$3
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/checks"
"$tc" --export "$tmp/checks" >/dev/null || exit 1
ver=${VXA_BOCHS_VERSION:-2.7}
"$vx" oracle run --backend bochs --bochs-version "$ver" --cpu "${VXA_BOCHS_CPU:-corei7_skylake_x}" --model "bochs-$ver" --timeout 1 \
    "$src/corpus/layouts" "$src/corpus/examples" "$src/corpus/regressions" "$tmp/checks" > "$tmp/out" 2>&1
rc=$?
grep -E '^DIFF' -A12 "$tmp/out" | head -80
tail -n 1 "$tmp/out"
[ $rc -eq 3 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
[ $rc -eq 0 ] || exit 1
grep -q ' 0 differ' "$tmp/out"
