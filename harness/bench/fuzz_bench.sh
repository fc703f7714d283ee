#!/usr/bin/env bash
# fuzz_bench.sh — libFuzzer audit target throughput and check coverage over time (docs/performance.md:
# >= 100,000 exec/s without sanitizers, >= 20,000 under the OSS-Fuzz-style ASan+UBSan build
# (harness/fuzz/build.sh, -O1: pass it with --fuzzer-asan); every check seen failing and passing
# within 10 minutes).
#
#   harness/bench/fuzz_bench.sh [--seconds S] [--reps R] [--coverage-seconds T] [--no-asan]
#                               [--json FILE] [--quick] [--fuzzer BIN] [--fuzzer-asan BIN]
#                               [--replay BIN] [--coverage-only]
#
# exec/s: R runs (default 5) of S seconds (default 10) each, every run from a fresh copy of the
# seed corpus corpus/fuzz/audit, for the target built without sanitizers and with ASan+UBSan;
# median [min..max] of executed units per wall second and per CPU second (user+sys of the
# fuzzer process), and libFuzzer's peak RSS.
# Coverage: one run of T seconds (default 300) from the seeds; every 5 s (and at 10, 60, 300 s)
# the replay program `fuzz_audit_replay --coverage` reads the fuzzer's corpus folder (libFuzzer
# keeps every input that reaches a new check outcome: the outcomes are coverage counters) and
# counts the checks seen both failing and passing.
# Without --fuzzer/--fuzzer-asan/--replay the targets are built (clang, -j1) under
# build-bench-fuzz{,-asan} and build-bench-replay in the source tree.
# Output: a table on stderr; JSON lines (as vxa-bench) on stdout or into --json FILE.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=10 reps=5 cov=300 asan=1 json=- quick=0 fuzzer= fuzzer_asan= replay= exec=1
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) secs=$2; shift ;;
    --reps) reps=$2; shift ;;
    --coverage-seconds) cov=$2; shift ;;
    --no-asan) asan=0 ;;
    --coverage-only) exec=0 asan=0 ;;
    --json) json=$2; shift ;;
    --quick) quick=1 ;;
    --fuzzer) fuzzer=$2; shift ;;
    --fuzzer-asan) fuzzer_asan=$2; shift ;;
    --replay) replay=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz_bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for v in "$secs" "$reps" "$cov"; do
  [[ $v =~ ^[0-9]+$ && $v -gt 0 ]] || { echo "fuzz_bench.sh: '$v' is not a positive integer" >&2; exit 2; }
done
# Quick (smoke test): a few thousand executions and a 3 s coverage run; the numbers mean nothing.
[ $quick = 1 ] && { secs=1; reps=1; cov=3; }

build() {   # build DIR TARGET CMAKE-OPTIONS... -> prints the binary's path
  local dir=$1 target=$2; shift 2
  cmake -S "$root" -B "$dir" -DVMXAUDIT_ORACLES=OFF "$@" >/dev/null
  cmake --build "$dir" -j1 --target "$target" >/dev/null
  echo "$dir/harness/fuzz/$target"
}
[ -n "$fuzzer" ] || fuzzer=$(build "$root/build-bench-fuzz" fuzz_audit -DCMAKE_C_COMPILER=clang -DVMXAUDIT_FUZZ=ON -DVMXAUDIT_SANITIZE=OFF)
[ $asan = 0 ] || [ -n "$fuzzer_asan" ] || fuzzer_asan=$(build "$root/build-bench-fuzz-asan" fuzz_audit -DCMAKE_C_COMPILER=clang -DVMXAUDIT_FUZZ=ON -DVMXAUDIT_SANITIZE=ON)
[ -n "$replay" ] || replay=$(build "$root/build-bench-replay" fuzz_audit_replay)

# The corpora live on tmpfs where there is one (libFuzzer writes every new unit: on a disk file
# system the open/write/unlink calls took a quarter of the CPU time here); $FUZZ_BENCH_TMP overrides.
tmp=${FUZZ_BENCH_TMP:-$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}
work=$(mktemp -d "$tmp/fuzz_bench.XXXXXX")
# the replay's coverage notes (which checks no bundled profile can make fail) read the profiles
export VMXAUDIT_CORPUS=${VMXAUDIT_CORPUS:-$root/corpus}
trap 'rm -rf "$work"' EXIT
[ "$json" = - ] && out=/dev/stdout || out=$json
: > "$out"
nchecks=$("$replay" --coverage "$root/corpus/fuzz/audit" | sed -n 's/.*(of \([0-9]*\)).*/\1/p')
printf '{"machine":"%s","cpus_online":%s,"loadavg":"%s","fuzzer":"%s","quick":%s}\n' \
  "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(clang --version | head -1)" "$([ $quick = 1 ] && echo true || echo false)" >> "$out"

# stats "v1 v2 ..." -> "median min max q1 q3" (linear interpolation, as vxa-bench)
stats() {
  tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {
    n=NR; split("0.5 0 1 0.25 0.75", q, " ");
    for (i=1;i<=5;i++) { p=q[i]*(n-1)+1; k=int(p); f=p-k; x=(k<n)?v[k]+f*(v[k+1]-v[k]):v[n]; printf "%s%.6g", (i>1?" ":""), x }
  }'
}

# one fuzzing run: BIN SECONDS DIR -> "units wall_s cpu_s peak_rss_mb"
fuzz_run() {
  local bin=$1 s=$2 dir=$3 log=$work/log
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$work/time" "$bin" -max_total_time="$s" -print_final_stats=1 \
    -close_fd_mask=3 "$dir" > "$log" 2>&1 || { echo "fuzz_bench.sh: $bin failed:" >&2; tail -20 "$log" >&2; exit 1; }
  t1=$(date +%s.%N)
  local units rss cpu
  units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  cpu=$(awk '{print $1+$2}' "$work/time")
  echo "$units $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}') $cpu $rss"
}

bench_exec() {   # NAME BIN TARGET (docs/performance.md: exec per CPU s)
  local name=$1 bin=$2 target=$3 wall= cpu= units=0 rss=0
  for ((r = 0; r < reps; r++)); do
    rm -rf "$work/corpus" && cp -r "$root/corpus/fuzz/audit" "$work/corpus"
    read -r u w c m <<<"$(fuzz_run "$bin" "$secs" "$work/corpus")"
    wall+=" $(awk -v u="$u" -v w="$w" 'BEGIN{print u/w}')"
    cpu+=" $(awk -v u="$u" -v c="$c" 'BEGIN{print (c>0)?u/c:0}')"
    units=$u; [ "$m" -gt "$rss" ] && rss=$m
  done
  read -r wm wl wh w1 w3 <<<"$(stats "$wall")"
  read -r cm cl ch c1 c3 <<<"$(stats "$cpu")"
  printf '{"bench":"%s","unit":"exec/s","reps":%d,"seconds_per_rep":%d,"units_last_rep":%s,"per_cpu_second":{"median":%s,"min":%s,"max":%s,"q1":%s,"q3":%s},"per_wall_second":{"median":%s,"min":%s,"max":%s,"q1":%s,"q3":%s},"peak_rss_kb":%d,"rss_scope":"fuzzer process (libFuzzer peak_rss_mb)","target":%d,"meets_target":%s}\n' \
    "$name" "$reps" "$secs" "$units" "$cm" "$cl" "$ch" "$c1" "$c3" "$wm" "$wl" "$wh" "$w1" "$w3" $((rss * 1024)) \
    "$target" "$(awk -v x="$cm" -v t="$target" 'BEGIN{print (x>=t)?"true":"false"}')" >> "$out"
  printf '%-28s %10.0f exec/s per CPU s [%.0f..%.0f], %10.0f per wall s [%.0f..%.0f], peak RSS %d MB\n' \
    "$name" "$cm" "$cl" "$ch" "$wm" "$wl" "$wh" "$rss" >&2
}

[ $exec = 0 ] || bench_exec fuzz/audit/plain "$fuzzer" 100000
[ $asan = 0 ] || bench_exec fuzz/audit/asan+ubsan "$fuzzer_asan" 20000

# Check coverage over time.
rm -rf "$work/cov" && cp -r "$root/corpus/fuzz/audit" "$work/cov"
# libFuzzer deletes inputs it replaces by smaller ones: the replay reads a snapshot of the folder
# (files that vanish while it is copied are skipped).
covered() {
  local n
  rm -rf "$work/snap"; mkdir "$work/snap"
  cp "$work/cov"/* "$work/snap"/ 2>/dev/null || true
  n=$("$replay" --coverage "$work/snap" 2>"$work/replay.err" | sed -n 's/^checks: \([0-9]*\) seen failing and passing.*/\1/p') || true
  [ -n "$n" ] || { echo "fuzz_bench.sh: the replay of $work/snap failed:" >&2; cat "$work/replay.err" >&2; exit 1; }
  echo "$n"
}
seed=$(covered)
"$fuzzer" -max_total_time="$cov" -close_fd_mask=3 "$work/cov" > "$work/covlog" 2>&1 &
fpid=$!
start=$(date +%s.%N)
marks=" 10 60 300 600 "
declare -A at
all_at=null last=$seed
while kill -0 $fpid 2>/dev/null; do
  sleep 1
  el=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%d", b-a}')
  if [[ $marks == *" $el "* || $((el % 5)) = 0 ]] && [ -z "${at[$el]:-}" ]; then
    last=$(covered); at[$el]=$last
    [ "$all_at" = null ] && [ "$last" = "$nchecks" ] && all_at=$el
  fi
done
wait $fpid || true
final=$(covered)
[ "$all_at" = null ] && [ "$final" = "$nchecks" ] && all_at=$cov
frac() { awk -v a="$1" -v n="$nchecks" 'BEGIN{printf "%.4f", a/n}'; }
series=
for t in $(printf '%s\n' "${!at[@]}" | sort -n); do series+="${series:+,}[$t,${at[$t]}]"; done
pick() { local t=$1; if [ "$t" -le "$cov" ]; then local best=$seed; for k in "${!at[@]}"; do [ "$k" -le "$t" ] && [ "${at[$k]}" -gt "$best" ] && best=${at[$k]}; done; [ "$t" = "$cov" ] && best=$final; frac "$best"; else echo null; fi; }
printf '{"bench":"fuzz/audit/check-coverage","unit":"fraction of checks seen failing and passing","checks":%s,"seconds":%s,"seed_corpus":%s,"at_10s":%s,"at_60s":%s,"at_300s":%s,"final":%s,"all_checks_at_s":%s,"series":[%s]}\n' \
  "$nchecks" "$cov" "$(frac "$seed")" "$(pick 10)" "$(pick 60)" "$(pick 300)" "$(frac "$final")" "$all_at" "$series" >> "$out"
printf '%-28s seeds %s, 10 s %s, 60 s %s, 300 s %s, after %s s %s of %s checks; all at: %s s\n' \
  fuzz/audit/check-coverage "$(frac "$seed")" "$(pick 10)" "$(pick 60)" "$(pick 300)" "$cov" "$(frac "$final")" "$nchecks" "$all_at" >&2
"$replay" --coverage "$work/cov" | awk '$1 ~ /^[A-Z0-9_]+$/ && !($2 == "yes" && $3 == "yes")' > "$work/missing" || true
if [ $quick = 0 ]; then echo "checks not yet seen both failing and passing:" >&2; cat "$work/missing" >&2; fi
