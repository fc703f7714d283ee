#!/bin/bash
# reliability.sh — docs/harness.md's reliability rules and docs/exit-codes.md under faults, with
# Bochs: the oracle's Bochs killed by someone else while it boots and in the middle of a batch
# (retried once in a fresh Bochs: the same verdicts as an undisturbed run, never exit 3);
# `oracle run` stopped by SIGTERM (Bochs killed, its temporary folder removed); a
# campaign stopped by SIGTERM or --budget (exit 5, --resume continues); killed with SIGKILL
# (nothing written outside DIR, not even in $TMPDIR); two concurrent --resume runs (the second is
# refused: one lock per DIR); a full disk (fault injection: exit 5, then --resume completes the
# campaign); a report.md that cannot be written (exit 2); a full TMPDIR (RLIMIT_FSIZE: exit 4,
# nothing left behind); a journal whose header a kill tore (a fresh run starts over).
# usage: reliability.sh VMXAUDIT SOURCE_DIR      (exit 77: Bochs not installed)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
src=$2
command -v bochs >/dev/null || skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not installed"
. "$src/tests/cli/lib.sh"
export TMPDIR="$tmp/tmpdir"
mkdir -p "$TMPDIR"
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
tmp_empty() { [ -z "$(ls -A "$TMPDIR")" ] && ok "$1" || { bad "$1: left in TMPDIR: $(ls -A "$TMPDIR")"; rm -rf "${TMPDIR:?}"/*; }; }
batches() { local n; n=$(grep -c "\"batch\"" "$1/journal.jsonl" 2>/dev/null); echo "${n:-0}"; }
wait_batches() { for _ in $(seq 600); do [ "$(batches "$1")" -ge "$2" ] && return 0; sleep 0.05; done; return 1; }
gen="--backend bochs --generate 200 --seed 7 --batch 10 --jobs 1"

# --- the oracle's Bochs killed by someone else ---
mkdir -p "$tmp/cases"
for k in 1 2 3 4 5; do for f in "$src"/corpus/regressions/bochs-2.7/*.json; do cp "$f" "$tmp/cases/$k-$(basename "$f")"; done; done
verdicts() { grep -E '^(ok  |DIFF|-   )' "$1" | sort; }
"$vx" oracle run --backend bochs "$tmp/cases" > "$tmp/undisturbed" 2>&1
# $1: which Bochs child to kill (1 = the probe's boot, 2 = the run's), $2: after how much CPU time
# (clock ticks: booting takes about 30, the 310 cases some 500 more)
killed_run() {
  "$vx" oracle run --backend bochs "$tmp/cases" > "$tmp/disturbed" 2>&1 &
  local pid=$! seen=0 last=
  for _ in $(seq 2000); do
    c=$(pgrep -P $pid | head -1)
    if [ -n "$c" ] && [ "$c" != "$last" ]; then
      seen=$((seen + 1)); last=$c
      if [ $seen -eq "$1" ]; then
        while [ "$(awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || echo 999999)" -lt "$2" ]; do sleep 0.01; done
        kill -9 "$c"; break
      fi
    fi
    sleep 0.005
  done
  wait $pid
}
killed_run 1 0
rc=$?
[ $rc -le 1 ] && ok "bochs-killed-at-boot-exit-$rc" || { bad "bochs-killed-at-boot: exit $rc"; cat "$tmp/disturbed" | tail -3; }
grep -q 'Bochs died while booting: once more' "$tmp/disturbed" && ok bochs-killed-at-boot-retried || bad bochs-killed-at-boot-retried
cmp -s <(verdicts "$tmp/undisturbed") <(verdicts "$tmp/disturbed") && ok bochs-killed-at-boot-same-verdicts || bad bochs-killed-at-boot-same-verdicts
killed_run 2 120
rc=$?
[ $rc -le 1 ] && ok "bochs-killed-mid-batch-exit-$rc" || { bad "bochs-killed-mid-batch: exit $rc"; tail -3 "$tmp/disturbed"; }
grep -q 'Bochs died during case [0-9]*: that case again in a fresh Bochs' "$tmp/disturbed" && ok bochs-killed-mid-batch-retried || bad bochs-killed-mid-batch-retried
cmp -s <(verdicts "$tmp/undisturbed") <(verdicts "$tmp/disturbed") && ok bochs-killed-mid-batch-same-verdicts || { bad bochs-killed-mid-batch-same-verdicts; diff <(verdicts "$tmp/undisturbed") <(verdicts "$tmp/disturbed") | head -5; }
tmp_empty oracle-run-nothing-left
# oracle run stopped by SIGTERM while Bochs runs: Bochs killed, its folder in TMPDIR removed
"$vx" oracle run --backend bochs "$tmp/cases" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 2000); do c=$(pgrep -P $pid | head -1); [ -n "$c" ] && break; sleep 0.005; done
sleep 0.2
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 143 ] && ok oracle-run-sigterm || bad "oracle-run-sigterm: exit $rc"
sleep 0.2
# (a zombie is dead: it waits for an init that reaps it)
st=$(ps -o stat= -p "$c" 2>/dev/null)
case $st in ''|Z*) ok oracle-run-sigterm-bochs-killed ;; *) bad "oracle-run-sigterm-bochs-killed: Bochs $c still runs ($st)" ;; esac
tmp_empty oracle-run-sigterm-nothing-left

# --- a full TMPDIR: the machine's files cannot be written ---
expect tmpdir-full 4 'File too large' -- bash -c "ulimit -f 64; trap '' XFSZ; exec \"$vx\" oracle run --backend bochs \"$src/corpus/layouts\""
tmp_empty tmpdir-full-nothing-left

# --- SIGTERM, --budget: incomplete but resumable ---
"$vx" diff $gen --out "$tmp/t" > "$tmp/t.out" 2>&1 &
pid=$!
wait_batches "$tmp/t" 2
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 5 ] && ok sigterm-exit-5 || { bad "sigterm: exit $rc"; tail -3 "$tmp/t.out"; }
grep -q "interrupted.*--resume --out" "$tmp/t.out" && ok sigterm-says-resume || bad sigterm-says-resume
expect budget-exit-5 5 'budget spent.*--resume' -- "$vx" diff $gen --out "$tmp/b" --budget 1
tmp_empty stopped-nothing-outside

# --- SIGKILL, then two concurrent resumes ---
"$vx" diff $gen --out "$tmp/k" > /dev/null 2>&1 &
pid=$!
wait_batches "$tmp/k" 2
kill -9 $pid
wait $pid 2>/dev/null
tmp_empty sigkill-nothing-in-tmpdir
"$vx" diff --jobs 1 --resume --out "$tmp/k" > "$tmp/a.out" 2>&1 &
pa=$!
for _ in $(seq 1000); do grep -qx "$pa" "$tmp/k/.lock" 2>/dev/null && break; sleep 0.01; done   # it holds the lock
expect second-resume-refused 2 'is in use by another vmxaudit \(pid [0-9]+\)' -- "$vx" diff --jobs 1 --resume --out "$tmp/k"
wait $pa
rc=$?
[ $rc -le 1 ] && ok "first-resume-completes-exit-$rc" || { bad "first-resume: exit $rc"; tail -3 "$tmp/a.out"; }
n=$(python3 -c 'import json,sys
s=set()
for l in open(sys.argv[1]):
    r=json.loads(l)
    for c in r.get("cases", []) if "batch" in r else []: s.add(c["i"])
print(len(s))' "$tmp/k/journal.jsonl")
[ "$n" -eq 200 ] && ok all-cases-once || bad "all-cases-once: $n"
ls -A "$tmp/k" | grep -q '^\.vxa-bochs' && bad "stale-oracle-folder-removed" || ok stale-oracle-folder-removed
# the report counts each case once (doubled by a second resume before)
grep -q "200" "$tmp/k/report.md" && ok report-counts || bad report-counts

# --- a full disk (fault injection in the journal), then --resume ---
VMXAUDIT_FAULT_JOURNAL_FULL=3 "$vx" diff $gen --out "$tmp/f" > "$tmp/f.out" 2>&1
rc=$?
[ $rc -eq 5 ] && ok disk-full-exit-5 || { bad "disk-full: exit $rc"; tail -3 "$tmp/f.out"; }
grep -q 'No space left on device' "$tmp/f.out" && grep -q 'disk is full: make room first' "$tmp/f.out" && ok disk-full-says-so || bad disk-full-says-so
expect disk-full-resume 0 'of 200 cases|report:' -- "$vx" diff --jobs 1 --resume --out "$tmp/f"

# --- report.md cannot be written ---
rm -f "$tmp/f/report.md"; mkdir "$tmp/f/report.md"
expect report-not-writable 2 'cannot write the report: .*report.md is a folder.*--resume' -- "$vx" diff --jobs 1 --resume --out "$tmp/f"

# --- a header torn by a kill: a fresh run starts over ---
mkdir -p "$tmp/torn"; printf '{"journal":"vmxaudit diff","vers' > "$tmp/torn/journal.jsonl"
expect torn-header-fresh-run 0 'report:' -- "$vx" diff --jobs 1 --backend bochs --generate 20 --seed 3 --out "$tmp/torn"
tmp_empty nothing-outside-at-the-end
finish
