#!/bin/sh
# shards.sh — diff --shard K/N and diff merge: four shards of a generated campaign (one of them
# killed with SIGKILL mid-run and resumed, one with two workers), merged, equal the single run of
# the whole campaign: the same verdict for every case index, the same signatures and coverage,
# the same minimizations and byte-identical regression files (the lowest case index of each
# signature: seed 29 has one at cases 1, 31 and 40, in shards 1, 3 and 0, GUEST_IA32E_CR0_PG:
# Bochs 2.7 enters an IA-32e guest without paging; generator version 4 with the moves of the
# mutation-score survivors).  merge
# refuses a shard given twice, shards of another seed or model, a missing shard (unless --partial) and a
# damaged journal; --shard K/N counts K from 0; --resume keeps the journal's batch and shard, and
# on a --partial merge runs the missing shard.
# Tests pin --jobs (ctest runs two tests at once).
# usage: shards.sh VMXAUDIT SOURCE_DIR   (exit 77: Bochs not available here)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
export VMXAUDIT_CORPUS="$2/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=100
opts="--backend bochs --model sdm --generate $n --seed 29 --batch 10 --minimize 1 --max-runs 4 --timeout 2"
"$vx" diff $opts --jobs 1 --out "$tmp/whole" > "$tmp/whole.out" 2>&1
rc=$?
[ $rc -eq 3 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
[ $rc -eq 1 ] || { cat "$tmp/whole.out"; echo "FAIL: the whole campaign: exit $rc, expected 1 (mismatches)"; exit 1; }
fail=0
shard() {   # K JOBS
    "$vx" diff $opts --shard "$1/4" --jobs "$2" --out "$tmp/s$1" > "$tmp/s$1.out" 2>&1
    [ $? -le 1 ] || { cat "$tmp/s$1.out"; echo "FAIL: shard $1/4"; fail=1; }
}
shard 0 1
shard 1 2
shard 3 1
# shard 2: killed after its first batch record, then resumed (batch size and shard from the journal)
"$vx" diff $opts --shard 2/4 --jobs 1 --out "$tmp/s2" > "$tmp/s2.out" 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ] && [ "$(grep -c '"batch":' "$tmp/s2/journal.jsonl" 2>/dev/null)" != 1 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $pid; wait $pid 2>/dev/null
echo "shard 2/4 killed with $(grep -c '"batch":' "$tmp/s2/journal.jsonl") batch record(s)"
expect() {   # NAME STATUS REGEX -- COMMAND...
    name=$1 want=$2 re=$3; shift 4
    "$@" > "$tmp/x.out" 2>&1
    got=$?
    if [ $got -ne "$want" ] || ! grep -Eq "$re" "$tmp/x.out"; then
        echo "FAIL $name: exit $got (expected $want), output:"; cat "$tmp/x.out"; fail=1
    else
        echo "ok $name: $(grep -E "$re" "$tmp/x.out" | head -1)"
    fi
}
expect resume-other-batch 2 'batch_size|--batch 10, not 7' -- "$vx" diff --resume --out "$tmp/s2" --batch 7 --jobs 1
expect resume-other-shard 2 'shard 2/4, not 1/4' -- "$vx" diff --resume --out "$tmp/s2" --shard 1/4 --jobs 1
expect merge-unfinished 2 'shard 2/4 is not finished.*--resume' -- "$vx" diff merge "$tmp/early" "$tmp/s0" "$tmp/s1" "$tmp/s2" "$tmp/s3"
"$vx" diff --resume --out "$tmp/s2" --jobs 1 > "$tmp/s2r.out" 2>&1
[ $? -le 1 ] || { cat "$tmp/s2r.out"; echo "FAIL: shard 2/4 resumed"; fail=1; }
python3 -c 'import json, sys
big = [len(r["cases"]) for r in map(json.loads, open(sys.argv[1])) if isinstance(r.get("cases"), list) and len(r["cases"]) > 10]
sys.exit(1 if big else 0)' "$tmp/s2/journal.jsonl" || { echo "FAIL: the resumed shard did not keep the journal's --batch 10"; fail=1; }
expect shard-k-from-0 2 'K counts from 0' -- "$vx" diff $opts --shard 4/4 --jobs 1 --out "$tmp/bad"
expect shard-syntax 2 'expected K/N' -- "$vx" diff $opts --shard 1of4 --jobs 1 --out "$tmp/bad"

# merge, the shards in any order
"$vx" diff merge "$tmp/merged" "$tmp/s3" "$tmp/s1" "$tmp/s0" "$tmp/s2" > "$tmp/m.out" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$tmp/m.out"; echo "FAIL: merge: exit $rc, expected 1 (mismatches)"; fail=1; }
cat "$tmp/m.out"
# what one run of the whole campaign decides, whatever its shards, batches or workers; a case that
# timed out or crashed in one of them only (a slow or dead oracle under load costs a case, not a
# verdict) is left out of both, and then the failure counts too
python3 - "$tmp/whole" "$tmp/merged" <<'PY'
import json, sys
def read(d):
    recs = [json.loads(l) for l in open(d + "/journal.jsonl")]
    skip = {c["i"] for r in recs if isinstance(r.get("cases"), list) for c in r["cases"]
            if c["v"] == "skipped" and c.get("why") in ("timeout", "crashed")}
    return recs, skip
runs = [read(d) for d in sys.argv[1:]]
lost = runs[0][1] ^ runs[1][1]   # skipped in one run only
for d, (recs, _) in zip(["whole", "merged"], runs):
    verdicts, fail, passed, mins = {}, {}, set(), []
    for r in recs:
        if isinstance(r.get("cases"), list):
            for c in r["cases"]:
                if c["i"] not in lost: verdicts[c["i"]] = (c["v"], c.get("o", ""), c.get("sig", ""))
            for k, v in r.get("fail", {}).items():
                fail[k] = fail.get(k, 0) + v
            for q, ch in enumerate(r.get("pass", "")):
                for b in range(4):
                    if int(ch, 16) >> b & 1: passed.add(q * 4 + b)
        if "min" in r and not r.get("superseded"):
            mins.append((r["min"], r["file"], r["runs"], r["candidates"], r["fields"], r["bits"], r["reproduced"]))
    with open(sys.argv[1] + "/../f." + d, "w") as f:
        for i in sorted(verdicts): print("case", i, *verdicts[i], file=f)
        sigs = {}
        for v in verdicts.values():
            if v[0] == "mismatch": sigs[v[2]] = sigs.get(v[2], 0) + 1
        for s in sorted(sigs): print("signature", sigs[s], s, file=f)
        if not lost:   # a lost case's checks are not counted on one side
            for k in sorted(fail): print("failing", k, fail[k], file=f)
        print("passing", sorted(passed), file=f)
        for m in sorted(mins): print("minimized", *m, file=f)
print("cases timed out or crashed in one run only, left out:", sorted(lost))
PY
echo "whole: $(grep -c '^case' "$tmp/f.whole") verdicts, $(grep -c '^signature' "$tmp/f.whole") signatures, $(grep -c '^minimized' "$tmp/f.whole") minimized"
cmp -s "$tmp/f.whole" "$tmp/f.merged" || { echo "FAIL: merged shards differ from the whole campaign"; diff "$tmp/f.whole" "$tmp/f.merged" | head -20; fail=1; }
[ "$(grep -c '^case' "$tmp/f.merged")" -ge $((n - 5)) ] || { echo "FAIL: too few verdicts merged"; fail=1; }
# the whole run minimized the lowest index of each signature; a signature spans several shards,
# and the shards' minimizations of its other indices are kept as superseded
python3 - "$tmp/whole/journal.jsonl" "$tmp/merged/journal.jsonl" <<'PY' || fail=1
import json, sys
sigs, mins, sup = {}, set(), set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    for c in r["cases"] if isinstance(r.get("cases"), list) else []:
        if c["v"] == "mismatch": sigs.setdefault(c["sig"], []).append(c["i"])
    if "min" in r: mins.add(r["min"])
for line in open(sys.argv[2]):
    r = json.loads(line)
    if r.get("superseded"): sup.add(r["min"])
low = {min(v) for v in sigs.values()}
spread = [sorted(v) for v in sigs.values() if len({i % 4 for i in v}) > 1]
print("signatures' cases:", sorted(sorted(v) for v in sigs.values()), "superseded:", sorted(sup))
bad = 0
if mins != low: print("FAIL: minimized", sorted(mins), "not the lowest of each signature", sorted(low)); bad = 1
if not spread: print("FAIL: no signature spans two shards (choose another seed)"); bad = 1
want = {min(i for i in v if i % 4 == k) for v in spread for k in {i % 4 for i in v}} - low
if sup != want: print("FAIL: superseded", sorted(sup), "expected", sorted(want)); bad = 1
sys.exit(bad)
PY
[ -n "$(ls "$tmp/whole/mismatches")" ] || { echo "FAIL: no regression file"; fail=1; }
diff -r "$tmp/whole/mismatches" "$tmp/merged/mismatches" || { echo "FAIL: regression folders differ"; fail=1; }
# the same summary table (its counts line ends in the throughput, which may differ)
sed -n '/^ *count/,/^minimized/p' "$tmp/whole.out" | grep -v '^minimized' > "$tmp/t.whole"
sed -n '/^ *count/,/^minimized/p' "$tmp/m.out" | grep -v '^minimized' > "$tmp/t.merged"
cmp -s "$tmp/t.whole" "$tmp/t.merged" || { echo "FAIL: signature tables differ"; diff "$tmp/t.whole" "$tmp/t.merged"; fail=1; }

# refusals: nothing is written
expect merge-twice 2 'shard 1/4 is given twice' -- "$vx" diff merge "$tmp/m2" "$tmp/s0" "$tmp/s1" "$tmp/s1" "$tmp/s2" "$tmp/s3"
expect merge-missing 2 '1 of 4 shards missing: 2/4 .*--partial' -- "$vx" diff merge "$tmp/m3" "$tmp/s0" "$tmp/s1" "$tmp/s3"
expect merge-partial 1 'merged 3 shards: 75 of 100 cases' -- "$vx" diff merge --partial "$tmp/m4" "$tmp/s0" "$tmp/s1" "$tmp/s3"
# ... and --resume on the partial merge runs the missing shard's cases: the whole campaign again
"$vx" diff --resume --jobs 1 --out "$tmp/m4" > "$tmp/m4r.out" 2>&1
[ $? -le 1 ] || { cat "$tmp/m4r.out"; echo "FAIL: --resume of a partial merge"; fail=1; }
python3 - "$tmp/whole/journal.jsonl" "$tmp/m4/journal.jsonl" <<'PY' || fail=1
import json, sys
def verdicts(p):
    return {c["i"]: (c["v"], c.get("sig")) for r in map(json.loads, open(p))
            if isinstance(r.get("cases"), list) for c in r["cases"]}
a, b = verdicts(sys.argv[1]), verdicts(sys.argv[2])
diff = [i for i in set(a) | set(b) if a.get(i) != b.get(i) and "skipped" not in (a.get(i, ("",))[0], b.get(i, ("",))[0])]
print("partial merge resumed: %d of %d verdicts, %d differ" % (len(b), len(a), len(diff)))
sys.exit(1 if diff or len(b) != len(a) else 0)
PY
diff -r "$tmp/whole/mismatches" "$tmp/m4/mismatches" || { echo "FAIL: a resumed partial merge's regression files differ"; fail=1; }
expect merge-into-existing 2 'journal.jsonl: File exists' -- "$vx" diff merge "$tmp/merged" "$tmp/s0" "$tmp/s1" "$tmp/s2" "$tmp/s3"
for what in seed model; do
    cp -r "$tmp/s1" "$tmp/other-$what"
    python3 - "$tmp/other-$what/journal.jsonl" "$what" <<'PY'
import json, sys
p, what = sys.argv[1], sys.argv[2]
lines = open(p).read().splitlines()
h = json.loads(lines[0])
h[what] = 2 if what == "seed" else "bochs-2.7"
lines[0] = json.dumps(h, separators=(",", ":"))
open(p, "w").write("\n".join(lines) + "\n")
PY
    expect "merge-other-$what" 2 "not shards of one campaign: their $what differs" -- \
        "$vx" diff merge "$tmp/m5" "$tmp/s0" "$tmp/other-$what" "$tmp/s2" "$tmp/s3"
done
cp -r "$tmp/s3" "$tmp/damaged"
sed -i '3s/.*/{"batch":1,"cases":[{"i":"x"/' "$tmp/damaged/journal.jsonl"
expect merge-damaged 2 "damaged/journal.jsonl:3" -- "$vx" diff merge "$tmp/m6" "$tmp/s0" "$tmp/s1" "$tmp/s2" "$tmp/damaged"
for d in m2 m3 m5 m6; do
    [ ! -e "$tmp/$d/journal.jsonl" ] || { echo "FAIL: a refused merge wrote $d/journal.jsonl"; fail=1; }
done
# without --jobs: one worker per online CPU (the header records the workers of the run that
# started the campaign); the one run here that leaves --jobs out, 6 cases
"$vx" diff --backend bochs --generate 6 --seed 1 --batch 3 --out "$tmp/dflt" > "$tmp/dflt.out" 2>&1
[ $? -le 1 ] || { cat "$tmp/dflt.out"; echo "FAIL: a campaign without --jobs"; fail=1; }
cpus=$(getconf _NPROCESSORS_ONLN); [ "$cpus" -le 64 ] || cpus=64
jobs=$(head -1 "$tmp/dflt/journal.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("jobs"))')
[ "$jobs" = "$cpus" ] || { echo "FAIL: --jobs defaults to $jobs, not the $cpus online CPUs"; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
