#!/bin/bash
# single_path.sh — one judge, one regression writer: `oracle run DIR` and `diff --cases DIR` on
# the same folder give the same agree / differ / undetermined / not-comparable counts (and the
# counts this folder must give: each kind is present), and their --record folders hold the same
# files, byte for byte.
# usage: single_path.sh VMXAUDIT SOURCE_DIR      (exit 77: Bochs not installed)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
src=$2
command -v bochs >/dev/null || skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not installed"
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
reg="$src/corpus/regressions/bochs-2.7"
mkdir -p "$tmp/cases" "$tmp/run" "$tmp/diff"
# model sdm: three differ (two of one signature), one explained by an MSR-load rule the engine
# cannot decide, one agrees, and one in SMM that the payload cannot produce (not comparable)
for c in CTRL_ENTRY_SMM_OUTSIDE_SMM-fail-140 CTRL_EVENT_OTHER_VECTOR-fail-116 CTRL_EVENT_OTHER_VECTOR-pass-116 \
         ADV_MSRLOAD_COUNT_MAX-fail-515 review-ssp-canonical; do
    cp "$reg/$c.json" "$tmp/cases/" || exit 1
done
sed -E -e 's/"cpl":[[:space:]]*0/"cpl": 0, "smm": true/' -e 's/"name":[[:space:]]*"[^"]*"/"name": "ssp-canonical-smm"/' \
    "$reg/review-ssp-canonical.json" > "$tmp/cases/smm.json"
grep -q '"smm": true' "$tmp/cases/smm.json" || { echo "FAIL: no SMM case made"; exit 1; }

"$vx" oracle run --backend bochs --model sdm --format json --record "$tmp/run" "$tmp/cases" > "$tmp/run.json" 2> "$tmp/run.err"
rc=$?
[ $rc -eq 3 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
[ $rc -eq 1 ] || { echo "FAIL: oracle run exit $rc, expected 1"; cat "$tmp/run.err"; exit 1; }
run=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["totals"]
print("agree=%d differ=%d undetermined=%d not_comparable=%d" % (t["agree"], t["differ"], t["undetermined"], t["not_comparable"]))' "$tmp/run.json")

"$vx" diff --jobs 1 --backend bochs --model sdm --cases "$tmp/cases" --out "$tmp/camp" --record "$tmp/diff" \
    --minimize 1 --max-runs 2 > "$tmp/diff.out" 2>&1
rc=$?
[ $rc -eq 1 ] || { echo "FAIL: diff exit $rc, expected 1"; cat "$tmp/diff.out"; exit 1; }
camp=$(python3 -c 'import json,sys
n = {"agree": 0, "mismatch": 0, "undetermined": 0, "skipped": 0}
for line in open(sys.argv[1]):
    rec = json.loads(line)
    for c in rec["cases"] if isinstance(rec.get("cases"), list) else []:
        n[c["v"]] += 1
print("agree=%d differ=%d undetermined=%d not_comparable=%d" % (n["agree"], n["mismatch"], n["undetermined"], n["skipped"]))' "$tmp/camp/journal.jsonl")

fail=0
want="agree=1 differ=3 undetermined=1 not_comparable=1"
echo "oracle run: $run"
echo "diff:       $camp"
[ "$run" = "$want" ] || { echo "FAIL: oracle run counts, expected $want"; fail=1; }
[ "$camp" = "$run" ] || { echo "FAIL: diff --cases counts differ from oracle run's"; fail=1; }
n=$(ls "$tmp/run" | grep -c '\.json$')
[ "$n" -eq 3 ] || { echo "FAIL: oracle run --record wrote $n files, expected 3"; fail=1; }
if diff -r "$tmp/run" "$tmp/diff" > "$tmp/d"; then
    echo "ok   --record folders identical ($n files)"
else
    echo "FAIL: the --record folders differ"; head -40 "$tmp/d"; fail=1
fi
exit $fail
