#!/usr/bin/env bash
# contrib_run.sh — the shard recipes of contrib/ run here on a tiny generated campaign and each
# merges into what one run of the whole campaign gives (the same verdict and observation for
# every case index, the same mismatch files): GNU parallel with `-S :` (this machine), the
# Slurm batch script with the array variables set by hand (array tasks 1..3: K counts from
# SLURM_ARRAY_TASK_MIN), then without them (the merge), and the Kubernetes YAML's shard, wait and
# merge commands run by sh with JOB_COMPLETION_INDEX set (no cluster).  Skipped (77) without
# Bochs, GNU parallel or a vmxaudit that has `diff --shard`.
# usage: tests/contrib_run.sh VMXAUDIT SOURCE_DIR
set -euo pipefail
real=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
. "$src/tests/skip.sh"
command -v bochs > /dev/null || skip_missing bochs "contrib_run: Bochs is not installed"
command -v parallel > /dev/null || skip_missing parallel "contrib_run: GNU parallel is not installed"
case $("$real" diff --help 2>&1) in *--shard*) ;; *) echo "SKIP: $real has no diff --shard"; exit 77 ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The program the recipes call ($VMXAUDIT): a case timeout that a loaded machine does not hit.
# shellcheck disable=SC2016  # the wrapper's own expansions
printf '%s\n' '#!/usr/bin/env bash' \
  '[ "${1:-}" = diff ] && [ "${2:-}" != merge ] && set -- "$@" --timeout 5' \
  "exec '$real' \"\$@\"" > "$tmp/vmxaudit"
chmod +x "$tmp/vmxaudit"
export VMXAUDIT=$tmp/vmxaudit
n=24 seed=5 shards=3
opts=(--backend bochs --cpu corei7_skylake_x --generate "$n" --seed "$seed")
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# what each case index got, from a campaign's journal
verdicts() {
  python3 -c '
import json, sys
seen = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    for c in r["cases"] if isinstance(r.get("cases"), list) else []:
        seen[c["i"]] = (c["v"], c.get("o", ""), c.get("sig", ""))
for i in sorted(seen):
    print(i, *seen[i])' "$1/journal.jsonl"
}
same() {   # same NAME DIR: DIR's verdicts and mismatch files are the single run's
  local name=$1 dir=$2
  [ -f "$dir/journal.jsonl" ] || { bad "$name: no merged campaign in $dir"; return; }
  if ! diff <(verdicts "$tmp/single") <(verdicts "$dir") > "$tmp/$name.diff"; then
    bad "$name: verdicts differ from the single run:"; head -n 20 "$tmp/$name.diff"
  fi
  [ "$(verdicts "$dir" | wc -l)" = $n ] || bad "$name: not $n verdicts"
  diff -r "$tmp/single/mismatches" "$dir/mismatches" > /dev/null || bad "$name: mismatch files differ"
  echo "$name: $n verdicts, the single run's"
}

"$VMXAUDIT" diff "${opts[@]}" --batch 8 --jobs 1 --out "$tmp/single" > /dev/null

# GNU parallel, this machine only
"$src/contrib/parallel/vxa-parallel.sh" -S : -n $shards -j 1 -o "$tmp/par" -- "${opts[@]}" --batch 8 \
  > "$tmp/par.log" 2>&1 || { bad "vxa-parallel.sh: exit $?"; tail -n 20 "$tmp/par.log"; }
same parallel "$tmp/par/campaign"

# Slurm: array tasks 1..3, then the merge
for t in 1 2 3; do
  SLURM_ARRAY_TASK_ID=$t SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=$shards SLURM_CPUS_PER_TASK=1 \
  SLURM_SUBMIT_DIR=$src VXA_ROOT=$tmp/slurm VXA_GENERATE=$n VXA_SEED=$seed VXA_CPU=corei7_skylake_x \
  VXA_DIFF_OPTIONS="--batch 8" bash "$src/contrib/slurm/vxa-campaign.sbatch" > "$tmp/slurm-$t.log" 2>&1 ||
    { bad "slurm task $t: exit $?"; tail -n 20 "$tmp/slurm-$t.log"; }
done
[ "$(cat "$tmp/slurm/shards/shard-0.done" 2> /dev/null)" = 0 ] || bad "slurm: shard-0.done is not 0 (no mismatch)"
SLURM_SUBMIT_DIR=$src VXA_ROOT=$tmp/slurm VXA_SHARDS=$shards bash "$src/contrib/slurm/vxa-campaign.sbatch" \
  > "$tmp/slurm-merge.log" 2>&1 || { bad "slurm merge: exit $?"; tail -n 20 "$tmp/slurm-merge.log"; }
same slurm "$tmp/slurm/campaign"

# Kubernetes: the ConfigMap as the environment (the campaign made tiny), /campaign a folder here
mkdir -p "$tmp/k8s"
python3 - "$src/contrib/kubernetes/vxa-campaign.yaml" "$tmp/k8s" > "$tmp/k8s.sh" << 'PY'
import re, shlex, sys, yaml
docs = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(open(sys.argv[1])) if d}
root = sys.argv[2]
env = dict(docs[("ConfigMap", "vmxaudit-campaign")]["data"])
env.update(SHARDS="3", GENERATE="24", SEED="5", CPU="corei7_skylake_x", JOBS="1", WAIT_SECONDS="20")
pre = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
def cmd(c):
    return shlex.quote(re.sub(r"(?<![\w/])/campaign", root, c["command"][2]))
shard = docs[("Job", "vmxaudit-shards")]["spec"]
merge = docs[("Job", "vmxaudit-merge")]["spec"]["template"]["spec"]
for k in range(3):
    print(f"env {pre} JOB_COMPLETION_INDEX={k} /bin/sh -c {cmd(shard['template']['spec']['containers'][0])} || exit 11")
print(f"env {pre} /bin/sh -c {cmd(merge['initContainers'][0])} || exit 12")
print(f"env {pre} /bin/sh -c {cmd(merge['containers'][0])} || exit 13")
PY
PATH=$src/contrib:$PATH bash "$tmp/k8s.sh" > "$tmp/k8s.log" 2>&1 || { bad "kubernetes commands: exit $?"; tail -n 20 "$tmp/k8s.log"; }
same kubernetes "$tmp/k8s/campaign"

[ $fail = 0 ] && echo "contrib_run: ok (GNU parallel, Slurm, Kubernetes: $shards shards merged = one run)"
exit $fail
