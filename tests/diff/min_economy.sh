#!/bin/sh
# min_economy.sh — the minimizer spends no oracle run outside delta debugging but its one
# confirmation: the reference verdict of each mismatch comes from the campaign's own batch
# (the journal's "r"), so a minimization's oracle runs in the journal equal the runs its
# regression case reports (ddmin + the confirmation).  Prints oracle runs and wall time per
# minimized mismatch.  usage: min_economy.sh VMXAUDIT SOURCE_DIR   (exit 77: Bochs not available)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
src=$2
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# seed 11, model sdm: 2 mismatches in the first 60 cases since generator version 3 (about 10 s)
"$vx" diff --jobs 1 --backend bochs --model sdm --generate 60 --seed 11 --minimize 1 --max-runs 16 --out "$tmp/c" > "$tmp/out" 2>&1
rc=$?
[ $rc -eq 3 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
[ $rc -eq 1 ] || { cat "$tmp/out"; echo "FAIL: exit $rc, expected 1 (mismatches)"; exit 1; }
grep 'minimized' "$tmp/out"
python3 - "$tmp/c" <<'PY'
import json, os, sys
d = sys.argv[1]
batches = 0; mism = []; mins = []
for line in open(os.path.join(d, "journal.jsonl")):
    r = json.loads(line)
    if isinstance(r.get("cases"), list):
        batches += r.get("oracle_runs", 0)
        mism += [c for c in r["cases"] if c["v"] == "mismatch"]
    if "min" in r:
        mins.append(r)
fail = 0
if not mism or not mins:
    print("FAIL: no mismatch minimized"); sys.exit(1)
for c in mism:
    if len(c.get("r", [])) != 5:
        print("FAIL: mismatch %d carries no reference verdict" % c["i"]); fail = 1
for m in mins:
    if not m["reproduced"]:
        print("FAIL: case %d did not reproduce" % m["min"]); fail = 1; continue
    doc = json.load(open(os.path.join(d, m["file"])))
    own = doc["origin"]["minimized"]["oracle_runs"]
    print("case %d: %d oracle runs (ddmin + 1 confirmation), %.1f s" % (m["min"], m["runs"], m.get("secs", 0)))
    if m["runs"] != own:
        print("FAIL: case %d: %d oracle runs, %d of them in ddmin and its confirmation" % (m["min"], m["runs"], own))
        fail = 1
print("%d batch runs + %d minimization runs" % (batches, sum(m["runs"] for m in mins)))
sys.exit(fail)
PY
