#!/bin/sh
# jobs.sh — diff --jobs 2: two oracle workers, one journal.  The verdicts equal those of
# --jobs 1 on the same generated campaign; killed with SIGKILL twice (the campaign and its
# workers) and resumed with --jobs 2, every case index is journaled exactly once with the same
# verdicts; a worker killed with SIGKILL costs its batch once (run again on a fresh worker) and
# never the campaign.  Tests pin --jobs (ctest runs two tests at once).
# usage: jobs.sh VMXAUDIT SOURCE_DIR   (exit 77: Bochs not available here)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
export VMXAUDIT_CORPUS="$2/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=600
opts="--backend bochs --generate $n --seed 11 --batch 30 --timeout 2"
run() { "$vx" diff $opts "$@"; }
run --jobs 1 --out "$tmp/one" > "$tmp/one.out" 2>&1
rc=$?
[ $rc -eq 3 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
[ $rc -le 1 ] || { cat "$tmp/one.out"; exit 1; }
verdicts() {
    python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "batch" not in r: continue
    for c in r["cases"]: print(c["i"], c["v"], c.get("o", ""), c.get("sig", ""))' "$1/journal.jsonl" | sort -n
}
batches() { c=$(grep -c '"batch"' "$1/journal.jsonl" 2>/dev/null); echo "${c:-0}"; }
# wait until DIR's journal holds N batch records (at most 60 s)
wait_batches() {
    i=0
    while [ $i -lt 600 ] && [ "$(batches "$1")" -lt "$2" ]; do sleep 0.1; i=$((i + 1)); done
}
fail=0
check() {   # $1 name, $2 DIR
    verdicts "$tmp/one" > "$tmp/v.one"
    verdicts "$2" > "$tmp/v.$1"
    dups=$(cut -d' ' -f1 "$tmp/v.$1" | uniq -d | wc -l)
    total=$(wc -l < "$tmp/v.$1")
    echo "$1: $total case verdicts, $dups journaled twice"
    [ "$dups" -eq 0 ] || { echo "FAIL $1: cases journaled twice"; fail=1; }
    [ "$total" -eq $n ] || { echo "FAIL $1: $total of $n cases journaled"; fail=1; }
    # a crash or timeout may differ between runs (a dead oracle costs a case); the rest must not
    grep -v skipped "$tmp/v.one" > "$tmp/a"; grep -v skipped "$tmp/v.$1" > "$tmp/b"
    cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL $1: verdicts differ from --jobs 1"; diff "$tmp/a" "$tmp/b" | head; fail=1; }
}

# two workers, uninterrupted
run --jobs 2 --out "$tmp/two" > "$tmp/two.out" 2>&1 || [ $? -le 1 ] || { cat "$tmp/two.out"; exit 1; }
check two "$tmp/two"

# SIGKILL of the campaign (its workers die with it), twice, each time resumed with --jobs 2
"$vx" diff $opts --jobs 2 --out "$tmp/killed" > "$tmp/k.out" 2>&1 &     # not through run(): $! is vmxaudit
pid=$!
wait_batches "$tmp/killed" 3
kill -9 $pid; wait $pid 2>/dev/null
first=$(batches "$tmp/killed")
sleep 0.5                                # its workers die with it (PR_SET_PDEATHSIG)
"$vx" diff --out "$tmp/killed" --resume --jobs 2 --batch 30 > "$tmp/k2.out" 2>&1 &
pid=$!
wait_batches "$tmp/killed" $((first + 3))
alive=0; kill -0 $pid 2>/dev/null && alive=1
kill -9 $pid; wait $pid 2>/dev/null
second=$(batches "$tmp/killed")
[ $alive = 1 ] || { echo "FAIL: the resumed campaign ended before the second kill"; cat "$tmp/k2.out"; fail=1; }
sleep 0.5
left=$(ps -eo args | grep -c "[d]iff --.*$tmp/killed")
[ "$left" -eq 0 ] || { echo "FAIL: $left processes of the killed campaign still run"; fail=1; }
"$vx" diff --out "$tmp/killed" --resume --jobs 2 --batch 30 > "$tmp/k3.out" 2>&1 || [ $? -le 1 ] || { cat "$tmp/k3.out"; exit 1; }
echo "killed after $first and $second batch records"
check killed "$tmp/killed"

# SIGKILL of one worker while it runs a batch: the batch again on a fresh worker
"$vx" diff $opts --jobs 2 --out "$tmp/worker" > "$tmp/w.out" 2>&1 &
pid=$!
wait_batches "$tmp/worker" 2
w=$(ps -o pid= --ppid $pid | head -1)
[ -n "$w" ] && kill -9 $w
wait $pid
rc=$?
[ $rc -le 1 ] || { cat "$tmp/w.out"; echo "FAIL: a dead worker stopped the campaign (exit $rc)"; fail=1; }
grep -q 'a worker died: its [0-9]* cases again on a fresh worker' "$tmp/w.out" ||
    { echo "FAIL: no worker death reported (worker pid '$w')"; fail=1; }
check worker "$tmp/worker"
[ $fail -eq 0 ] && echo ok
exit $fail
