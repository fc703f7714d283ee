#!/bin/sh
# bochs_version.sh — every command that starts Bochs runs the version it was asked for: `oracle
# run`, `diff` (its journal header) and `minimize` name the version the banner gave, never the
# default 2.7.  (`diff --bochs-version` was once accepted and ignored: a campaign meant for 3.0
# ran 2.7 and said so only in its journal.)  Needs the Bochs VERSION that
# oracle/bochs/build-bochs.sh built; .ci/run runs it for 3.0 right after building it.
# usage: bochs_version.sh VMXAUDIT SOURCE_DIR VERSION
set -u
vx=$1 src=$2 ver=$3
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "bochs_version: $*" >&2; exit 1; }

"$vx" oracle run --backend bochs --bochs-version "$ver" --cpu tigerlake "$src/corpus/layouts/linux64.json" \
    > "$tmp/run" 2>&1 || { cat "$tmp/run"; fail "oracle run on Bochs $ver failed"; }
grep -q "on bochs-$ver-tigerlake (bochs-$ver)" "$tmp/run" || { cat "$tmp/run"; fail "oracle run did not run Bochs $ver"; }

"$vx" diff --jobs 1 --backend bochs --bochs-version "$ver" --cpu tigerlake --generate 20 --seed 1 --batch 20 \
    --out "$tmp/c" > "$tmp/diff" 2>&1 || { cat "$tmp/diff"; fail "diff on Bochs $ver: exit $?"; }
head -n 1 "$tmp/c/journal.jsonl" | grep -q "\"oracle_version\":\"$ver\"" ||
    { head -n 1 "$tmp/c/journal.jsonl"; fail "diff's journal does not name Bochs $ver"; }
head -n 1 "$tmp/c/journal.jsonl" | grep -q "\"model\":\"bochs-$ver\"" ||
    { head -n 1 "$tmp/c/journal.jsonl"; fail "diff's default model is not bochs-$ver"; }
echo "bochs_version: oracle run and diff ran Bochs $ver"
