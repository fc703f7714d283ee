#!/usr/bin/env bash
# vxa-parallel.sh — the shards of one generated campaign on ssh hosts with GNU parallel, then
# their merge (contrib/README.md).
#   vxa-parallel.sh -S SSHLOGINS -n SHARDS -j JOBS -o ROOT -- DIFF-OPTION...
#   vxa-parallel.sh -S 2/alice@big1,bob@small2,: -n 16 -j 4 -o camp -- --backend bochs --generate 100000 --seed 4
# Each shard runs `vmxaudit diff DIFF-OPTION... --jobs JOBS --out shard-K --shard K/SHARDS` on
# some host (in the same folder as ROOT/shards here, relative to the remote home when it is under
# your home), comes back into ROOT/shards/shard-K (parallel --return, rsync) and is removed there;
# then `vmxaudit diff merge ROOT/campaign ROOT/shards/shard-0 ...` runs here.  One shard at a time per host
# unless the login says N/host; give JOBS about the host's core count.  ":" is this machine.
# A shard that fails (not diff's 0 or 1) is run again from the start (--retries, maybe elsewhere).
# Needs GNU parallel and rsync here, vmxaudit and Bochs on every host.  $VMXAUDIT: the program
# (default vmxaudit on each host's PATH).  Exit: the merge's status (0, 1 mismatches), 2 usage,
# else parallel's (the number of shards that failed).
set -euo pipefail
usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
logins=: shards='' jobs=1 out='' retries=2
while getopts S:n:j:o:r:h opt; do
  case $opt in
    S) logins=$OPTARG ;;
    n) shards=$OPTARG ;;
    j) jobs=$OPTARG ;;
    o) out=$OPTARG ;;
    r) retries=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
if [ -z "$shards" ] || [ -z "$out" ] || [ $# -eq 0 ]; then usage; fi
case "$shards" in '' | *[!0-9]* | 0) echo "vxa-parallel.sh: -n must be a positive number" >&2; exit 2 ;; esac
command -v parallel > /dev/null || { echo "vxa-parallel.sh: GNU parallel is not installed (apt-get install parallel)" >&2; exit 2; }

vmxaudit=${VMXAUDIT:-vmxaudit}
mkdir -p "$out/shards"
out=$(cd "$out" && pwd)
# The command each host runs (the shell there reads it: every word quoted once here).
diff_cmd=$(printf '%q ' "$vmxaudit" diff "$@" --jobs "$jobs" --out)
cd "$out/shards"
# shellcheck disable=SC2016  # {} is parallel's, expanded per job
parallel --will-cite --halt never --retries "$retries" -j 1 --sshlogin "$logins" --workdir . \
  --return 'shard-{}' --cleanup --tag --line-buffer \
  "rm -rf shard-{}; $diff_cmd shard-{} --shard {}/$shards; rc=\$?; [ \$rc -le 1 ]" \
  ::: $(seq 0 $((shards - 1)))
cd "$out"
dirs=()
for ((k = 0; k < shards; k++)); do dirs+=("shards/shard-$k"); done
exec "$vmxaudit" diff merge campaign "${dirs[@]}"
