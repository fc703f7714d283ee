#!/bin/sh
# bench_smoke.sh VXA-BENCH OUT.jsonl — runs the benchmarks once in quick mode (no timing
# assertions) and checks the result is complete: every group present, one JSON object per line,
# every measured benchmark with a positive median; and that bad usage, and an --only that
# selects nothing, exit 2; --json goes through the atomic writer (a symbolic link is refused and
# its target left alone; a full device exits 2, refused as a target).
set -eu
bench=$1 out=$2
"$bench" --quick --json "$out" > /dev/null
fail() { echo "bench_smoke: $*" >&2; exit 1; }
for b in audit/valid/linux64 audit/zero/realmode-ug audit/damaged8/protected32 repair/damaged1/linux64 \
         parse+audit/bundled-profile/linux64 parse+audit/inline-profile/realmode-ug \
         report-text/zero/linux64 report-json/damaged8/protected32 oracle/bochs oracle/kvm \
         minimizer/oracle-runs-per-mismatch; do
  grep -q "\"bench\":\"$b\"" "$out" || fail "no result for $b in $out"
done
grep -v '^{.*}$' "$out" && fail "a line of $out is not one JSON object"
grep '"per_cpu_second":{"median":0,' "$out" && fail "a benchmark measured nothing"
rc=0; "$bench" --reps 0 > /dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "--reps 0 exited $rc, not 2"
rc=0; "$bench" --quick --only NO-SUCH-BENCHMARK > /dev/null 2> "$out.err" || rc=$?
[ $rc = 2 ] && grep -q "no benchmark name contains 'NO-SUCH-BENCHMARK'" "$out.err" ||
  fail "--only NO-SUCH-BENCHMARK exited $rc, not 2 with a message"
d=$(mktemp -d)
echo keep > "$d/target"
ln -s "$d/target" "$d/link"
rc=0; "$bench" --quick --only audit/valid/linux64 --json "$d/link" > /dev/null 2> "$d/err" || rc=$?
[ $rc = 2 ] && [ "$(cat "$d/target")" = keep ] && [ -L "$d/link" ] ||
  { cat "$d/err" >&2; rm -rf "$d"; fail "--json through a symbolic link: exit $rc, or its target was written"; }
rc=0; "$bench" --quick --only audit/valid/linux64 --json /dev/full > /dev/null 2>&1 || rc=$?
[ $rc = 2 ] || { rm -rf "$d"; fail "--json /dev/full exited $rc, not 2"; }
rm -rf "$d"
echo "bench_smoke: $(grep -c '"bench"' "$out") results"
