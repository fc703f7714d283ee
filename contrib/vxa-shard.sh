#!/usr/bin/env bash
# vxa-shard.sh K N ROOT DIFF-OPTION...  — shard K (0-based) of N of a generated campaign:
#   vmxaudit diff DIFF-OPTION... --shard K/N --out ROOT/shard-K
# Run again after a kill, a preemption or a requeue, it continues the shard (diff --resume:
# nothing redone, nothing lost) instead of starting over.  A finished shard (diff's status 0, no
# mismatch, or 1, mismatches) leaves ROOT/shard-K.done holding that status and exits 0, so a
# scheduler counts it done; otherwise diff's status (5: stopped, resumable; 2 bad input; 3 no
# backend here; 4 backend failed: docs/exit-codes.md).  $VMXAUDIT names the program (default:
# vmxaudit on PATH).  Used by the Slurm and Kubernetes recipes (contrib/README.md).
set -u
if [ $# -lt 3 ]; then
  echo "usage: vxa-shard.sh K N ROOT DIFF-OPTION... (e.g. --backend bochs --generate 100000 --seed 4 --jobs 4)" >&2
  exit 2
fi
k=$1 n=$2 root=$3
shift 3
case "$k:$n" in
  *[!0-9:]* | :* | *:) echo "vxa-shard.sh: K and N must be numbers, not '$k' and '$n'" >&2; exit 2 ;;
esac
if [ "$n" -lt 1 ] || [ "$k" -ge "$n" ]; then
  echo "vxa-shard.sh: shard $k of $n: K must be 0..N-1" >&2
  exit 2
fi
dir=$root/shard-$k
mkdir -p "$root" || exit 2
resume=()
[ -s "$dir/journal.jsonl" ] && resume=(--resume)
"${VMXAUDIT:-vmxaudit}" diff "$@" --shard "$k/$n" --out "$dir" "${resume[@]}"
rc=$?
case $rc in
  0 | 1) echo "$rc" > "$dir.done" && exit 0; exit 2 ;;
  *) exit "$rc" ;;
esac
