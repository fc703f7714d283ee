#!/bin/sh
# orphan.sh — a SIGKILLed `vmxaudit diff` (or `oracle run`) takes its Bochs with it: the child must not run
# on as an orphan.  It did when the guest was silent (a halted guest, waiting for the per-case
# timeout): Bochs had nothing to write, never met the closed pipe, and ran on for hours holding
# every descriptor it inherited.  Here: linux64 entered in the HLT activity state, a 60 s timeout.
# usage: orphan.sh VMXAUDIT SOURCE_DIR     (exit 77: Bochs not available here)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1 src=$2
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v bochs > /dev/null || skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
mkdir "$tmp/cases"
sed -e 's/"GUEST_ACTIVITY_STATE": "0x0"/"GUEST_ACTIVITY_STATE": "0x1"/' \
    "$src/corpus/layouts/linux64.json" > "$tmp/cases/halted.json"
grep -q '"GUEST_ACTIVITY_STATE": "0x1"' "$tmp/cases/halted.json" || { echo "orphan: could not make the case" >&2; exit 1; }
"$vx" diff --jobs 1 --backend bochs --cases "$tmp/cases" --timeout 60 --out "$tmp/campaign" > "$tmp/out" 2>&1 &
vxpid=$!
child=
for _ in $(seq 1 300); do          # up to 30 s for Bochs to start (a loaded machine)
    child=$(ps -o pid= --ppid "$vxpid" | tr -d ' ' | head -n 1)
    [ -n "$child" ] && break
    sleep 0.1
done
[ -n "$child" ] || { kill -9 "$vxpid" 2>/dev/null; cat "$tmp/out"; echo "orphan: Bochs never started" >&2; exit 1; }
sleep 8                            # booted, the batch sent, the guest halted: Bochs is silent
child=$(ps -o pid= --ppid "$vxpid" | tr -d ' ' | tail -n 1)   # the probe's Bochs has ended by now
[ -n "$child" ] || { kill -9 "$vxpid" 2>/dev/null; cat "$tmp/out"; echo "orphan: no Bochs running the case" >&2; exit 1; }
kill -9 "$vxpid"
wait "$vxpid" 2>/dev/null
for _ in $(seq 1 50); do
    kill -0 "$child" 2>/dev/null || { echo "orphan: Bochs $child ended with its parent"; exit 0; }
    sleep 0.1
done
ps -o pid,ppid,etime,cmd -p "$child" >&2
kill -9 "$child" 2>/dev/null
echo "orphan: Bochs $child still ran 5 s after its parent was SIGKILLed" >&2
exit 1
