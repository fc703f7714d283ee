#!/usr/bin/env bash
# vxa-merge.sh N ROOT OUT [MERGE-OPTION...]  — merges shards ROOT/shard-0 .. ROOT/shard-(N-1):
#   vmxaudit diff merge OUT ROOT/shard-0 ... ROOT/shard-(N-1)
# Every shard is named, so a missing one is an error of the merge (exit 2), never a smaller
# campaign.  $VMXAUDIT names the program (default: vmxaudit on PATH).
set -u
if [ $# -lt 3 ]; then
  echo "usage: vxa-merge.sh N ROOT OUT [MERGE-OPTION...]" >&2
  exit 2
fi
n=$1 root=$2 out=$3
shift 3
case "$n" in
  '' | *[!0-9]*) echo "vxa-merge.sh: N must be a number, not '$n'" >&2; exit 2 ;;
esac
dirs=()
for ((k = 0; k < n; k++)); do dirs+=("$root/shard-$k"); done
exec "${VMXAUDIT:-vmxaudit}" diff merge "$@" "$out" "${dirs[@]}"
