#!/bin/sh
# resume.sh — docs/harness.md: campaign state survives SIGKILL.  A generated campaign is killed with
# SIGKILL once it has journaled some batches, then resumed: every case index is journaled
# exactly once (none redone, none lost), and the verdicts equal those of a campaign that was
# never killed.  usage: resume.sh VMXAUDIT SOURCE_DIR   (exit 77: Bochs not available here)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
export VMXAUDIT_CORPUS="$2/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=800
"$vx" diff --jobs 1 --backend bochs --generate $n --seed 11 --batch 40 --out "$tmp/whole" > "$tmp/whole.out" 2>&1
rc=$?
[ $rc -eq 3 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
[ $rc -le 1 ] || { cat "$tmp/whole.out"; exit 1; }
"$vx" diff --jobs 1 --backend bochs --generate $n --seed 11 --batch 40 --out "$tmp/killed" > "$tmp/k.out" 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ]; do                 # until 4 batch records are on disk (at most 60 s)
    b=$(grep -c '"batch"' "$tmp/killed/journal.jsonl" 2>/dev/null || echo 0)
    [ "$b" -ge 4 ] && break
    sleep 0.1
    i=$((i + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
before=$(grep -c '"batch"' "$tmp/killed/journal.jsonl")
[ "$before" -lt $((n / 40)) ] || { echo "FAIL: the campaign ended before the kill"; exit 1; }
"$vx" diff --jobs 1 --out "$tmp/killed" --resume > "$tmp/r.out" 2>&1
rc=$?
[ $rc -le 1 ] || { cat "$tmp/r.out"; exit 1; }
# every index exactly once, and the same verdicts as the campaign never killed
verdicts() {
    python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "batch" not in r: continue
    for c in r["cases"]: print(c["i"], c["v"], c.get("o", ""), c.get("sig", ""))' "$1/journal.jsonl" | sort -n
}
verdicts "$tmp/whole" > "$tmp/v.whole"
verdicts "$tmp/killed" > "$tmp/v.killed"
dups=$(cut -d' ' -f1 "$tmp/v.killed" | uniq -d | wc -l)
total=$(wc -l < "$tmp/v.killed")
echo "killed after $before batch records; resumed: $total case verdicts, $dups journaled twice"
[ "$dups" -eq 0 ] || { echo "FAIL: cases redone"; exit 1; }
[ "$total" -eq $n ] || { echo "FAIL: $total of $n cases journaled"; exit 1; }
# crashes and timeouts may differ between runs (a dead oracle costs a case); the rest must not
grep -v skipped "$tmp/v.whole" > "$tmp/a"; grep -v skipped "$tmp/v.killed" > "$tmp/b"
join -v1 "$tmp/a" "$tmp/b" | head
cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL: verdicts differ from the uninterrupted campaign"; diff "$tmp/a" "$tmp/b" | head; exit 1; }
grep -q "of $n cases" "$tmp/r.out" || { cat "$tmp/r.out"; exit 1; }
echo "ok"
