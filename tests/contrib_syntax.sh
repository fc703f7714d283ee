#!/usr/bin/env bash
# contrib_syntax.sh — the recipes under contrib/ and the ClusterFuzzLite configuration are
# well-formed (contrib/README.md, harness/fuzz/README.md): every shell script (the Slurm batch
# script too) passes `bash -n` (and shellcheck where it is installed); every YAML file parses
# (python3-yaml); the Kubernetes Indexed Job, the Slurm array and ClusterFuzzLite's files say
# what the recipes rely on; the shard and merge wrappers, run with a stand-in vmxaudit, map diff's
# exit statuses and resume.  Running the recipes: tests/contrib_run.sh and tests/contrib_cflite.sh.
# usage: tests/contrib_syntax.sh SOURCE_DIR
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
. "$src/tests/skip.sh"
cd "$src"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

scripts=(contrib/*.sh contrib/*/*.sh contrib/slurm/*.sbatch .clusterfuzzlite/build.sh)
for f in "${scripts[@]}"; do
  [ -f "$f" ] || { bad "$f: missing"; continue; }
  bash -n "$f" || bad "$f: bash -n"
  [ -x "$f" ] || [[ $f == *.sbatch ]] || bad "$f: not executable"
done
if command -v shellcheck > /dev/null; then
  shellcheck -s bash "${scripts[@]}" || bad "shellcheck"
else
  echo "note: shellcheck not installed, only bash -n"
fi

/usr/bin/env python3 -c 'import yaml' 2> /dev/null || skip_missing python3-yaml "contrib_syntax: python3-yaml is not installed"
python3 - "$src" << 'PY' || fail=1
import glob, os, re, sys, yaml
src = sys.argv[1]
os.chdir(src)
fail = False
def bad(msg):
    global fail
    print("FAIL: " + msg)
    fail = True
docs = {}
for f in sorted(glob.glob("contrib/**/*.yaml", recursive=True) + glob.glob(".clusterfuzzlite/*.yaml")
                + glob.glob(".github/workflows/*.yml")):
    try:
        docs[f] = [d for d in yaml.safe_load_all(open(f)) if d is not None]
    except yaml.YAMLError as e:
        bad(f"{f}: {e}")
need = ["contrib/kubernetes/vxa-campaign.yaml", ".clusterfuzzlite/project.yaml"]
for f in need:
    if f not in docs:
        bad(f"{f}: missing")
if not glob.glob(".github/workflows/cflite_*.yml"):
    bad(".github/workflows/cflite_*.yml: missing")
if fail:
    sys.exit(1)

# Kubernetes: an Indexed Job whose completions and parallelism are the ConfigMap's SHARDS, each
# pod its shard by JOB_COMPLETION_INDEX; the merge Job waits for the shards, then merges.
k8s = docs["contrib/kubernetes/vxa-campaign.yaml"]
kinds = {(d["kind"], d["metadata"]["name"]): d for d in k8s}
cm = kinds.get(("ConfigMap", "vmxaudit-campaign"))
shards = kinds.get(("Job", "vmxaudit-shards"))
merge = kinds.get(("Job", "vmxaudit-merge"))
if not (cm and shards and merge):
    bad("vxa-campaign.yaml: needs ConfigMap vmxaudit-campaign, Jobs vmxaudit-shards and vmxaudit-merge")
else:
    s = shards["spec"]
    n = int(cm["data"]["SHARDS"])
    if s.get("completionMode") != "Indexed":
        bad("vmxaudit-shards: completionMode is not Indexed")
    if s.get("completions") != n or s.get("parallelism") != n:
        bad(f"vmxaudit-shards: completions {s.get('completions')} / parallelism {s.get('parallelism')} != SHARDS {n}")
    cmd = " ".join(s["template"]["spec"]["containers"][0]["command"])
    for w in ("JOB_COMPLETION_INDEX", "vxa-shard.sh", "--backend bochs", "--generate", "--seed", "--jobs"):
        if w not in cmd:
            bad(f"vmxaudit-shards: the command lacks {w}")
    m = merge["spec"]["template"]["spec"]
    if not m.get("initContainers"):
        bad("vmxaudit-merge: no init container waiting for the shards")
    if "vxa-merge.sh" not in " ".join(m["containers"][0]["command"]):
        bad("vmxaudit-merge: does not run vxa-merge.sh")
    for d in (shards, merge):
        if d["spec"]["template"]["spec"].get("restartPolicy") not in ("Never", "OnFailure"):
            bad(f"{d['metadata']['name']}: a Job needs restartPolicy Never or OnFailure")

# ClusterFuzzLite: language c, the builder image the project names, the workflow's actions.
p = docs[".clusterfuzzlite/project.yaml"][0]
if p.get("language") != "c":
    bad(".clusterfuzzlite/project.yaml: language is not c")
df = open(".clusterfuzzlite/Dockerfile").read()
m = re.search(r"^FROM gcr\.io/oss-fuzz-base/base-builder(?::(\S+))?\s*$", df, re.M)
if not m:
    bad(".clusterfuzzlite/Dockerfile: not FROM gcr.io/oss-fuzz-base/base-builder")
elif (m.group(1) or None) != p.get("base_os_version"):
    bad(f".clusterfuzzlite: the Dockerfile's tag {m.group(1)} is not project.yaml's base_os_version {p.get('base_os_version')}")
if "COPY .clusterfuzzlite/build.sh $SRC/" not in df:
    bad(".clusterfuzzlite/Dockerfile: build.sh is not copied to $SRC")
for f in glob.glob(".github/workflows/cflite_*.yml"):
    wf = docs[f][0]
    uses = [st.get("uses", "") for job in wf["jobs"].values() for st in job.get("steps", [])]
    for a in ("google/clusterfuzzlite/actions/build_fuzzers@", "google/clusterfuzzlite/actions/run_fuzzers@"):
        if not any(u.startswith(a) for u in uses):
            bad(f"{f}: no step uses {a}")
    for job in wf["jobs"].values():
        for st in job.get("steps", []):
            if "build_fuzzers" in st.get("uses", "") and st.get("with", {}).get("language") != "c":
                bad(f"{f}: build_fuzzers without language: c")
sys.exit(1 if fail else 0)
PY

# Slurm: the array task's index and count; Kubernetes: the same shard wrapper.
grep -q 'SLURM_ARRAY_TASK_ID' contrib/slurm/vxa-campaign.sbatch && grep -q 'SLURM_ARRAY_TASK_COUNT' contrib/slurm/vxa-campaign.sbatch ||
  bad "vxa-campaign.sbatch: does not use SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT"
grep -q '^#SBATCH ' contrib/slurm/vxa-campaign.sbatch || bad "vxa-campaign.sbatch: no #SBATCH line"
# The wrappers refuse bad shard numbers (exit 2) before running anything.
for args in "3 3 /nonexistent" "x 2 /nonexistent" "0 0 /nonexistent" "1"; do
  rc=0
  # shellcheck disable=SC2086
  VMXAUDIT=false bash contrib/vxa-shard.sh $args > /dev/null 2>&1 || rc=$?
  [ $rc = 2 ] || bad "vxa-shard.sh $args: exit $rc, not 2"
done
# vxa-shard.sh with a stand-in vmxaudit that logs its arguments and exits with $FAKE_RC: diff's
# 0 and 1 leave shard-K.done with the status and exit 0; 5 passes through without the marker; a
# shard with a journal is resumed; vxa-merge.sh names every shard.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' '#!/bin/sh' 'echo "$*" >> "$FAKE_LOG"; exit "$FAKE_RC"' > "$tmp/fake"
chmod +x "$tmp/fake"
export VMXAUDIT=$tmp/fake FAKE_LOG=$tmp/log
for rc in 0 1 5; do
  got=0
  FAKE_RC=$rc bash contrib/vxa-shard.sh 2 3 "$tmp/r$rc" --generate 9 --seed 1 || got=$?
  case $rc in
    5) [ $got = 5 ] && [ ! -e "$tmp/r5/shard-2.done" ] || bad "vxa-shard.sh: diff's 5 gave $got (or a .done marker)" ;;
    *) [ $got = 0 ] && [ "$(cat "$tmp/r$rc/shard-2.done")" = $rc ] || bad "vxa-shard.sh: diff's $rc gave $got, marker '$(cat "$tmp/r$rc/shard-2.done" 2>/dev/null)'" ;;
  esac
done
grep -qx "diff --generate 9 --seed 1 --shard 2/3 --out $tmp/r0/shard-2" "$tmp/log" || bad "vxa-shard.sh: not the diff command expected: $(head -n 1 "$tmp/log")"
mkdir -p "$tmp/r0/shard-1" && echo '{}' > "$tmp/r0/shard-1/journal.jsonl"
FAKE_RC=0 bash contrib/vxa-shard.sh 1 3 "$tmp/r0" --generate 9 --seed 1 || bad "vxa-shard.sh: resume run failed"
tail -n 1 "$tmp/log" | grep -q -- "--shard 1/3 --out $tmp/r0/shard-1 --resume$" || bad "vxa-shard.sh: a shard with a journal is not resumed: $(tail -n 1 "$tmp/log")"
FAKE_RC=0 bash contrib/vxa-merge.sh 3 "$tmp/r0" "$tmp/m" || bad "vxa-merge.sh: exit $?"
tail -n 1 "$tmp/log" | grep -qx "diff merge $tmp/m $tmp/r0/shard-0 $tmp/r0/shard-1 $tmp/r0/shard-2" || bad "vxa-merge.sh: $(tail -n 1 "$tmp/log")"

[ $fail = 0 ] && echo "contrib_syntax: ok (${#scripts[@]} scripts, YAML parsed)"
exit $fail
