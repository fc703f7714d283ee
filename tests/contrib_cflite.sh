#!/usr/bin/env bash
# contrib_cflite.sh — .clusterfuzzlite/build.sh under the environment OSS-Fuzz's `compile` gives
# it (CC, CXX, CFLAGS with ASan and fuzzer-no-link, LIB_FUZZING_ENGINE, SRC, WORK, OUT) builds
# every target of harness/fuzz/build.sh with its seed corpus (<target>_seed_corpus.zip),
# dictionary and options, and each target runs 300 inputs beyond its seeds (-runs=300, with its
# .options) as ClusterFuzzLite would start it.  About a minute here (label slow).
# usage: tests/contrib_cflite.sh SOURCE_DIR
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
. "$src/tests/skip.sh"
command -v clang > /dev/null || skip_missing clang "contrib_cflite: clang is not installed"
command -v zip > /dev/null || skip_missing zip "contrib_cflite: zip is not installed"
pkg-config --exists libcjson || skip_missing libcjson-dev "contrib_cflite: libcjson-dev is not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src" "$tmp/work" "$tmp/out"
# The targets harness/fuzz/build.sh builds (its `for t in ...` loop: the one list).
targets=$(sed -n 's/^for t in \(fuzz_[a-z_ ]*\); do$/\1/p' "$src/harness/fuzz/build.sh")
[ -n "$targets" ] || { echo "FAIL: no target list found in harness/fuzz/build.sh"; exit 1; }

env -i PATH="$PATH" HOME="$tmp" CC=clang CXX=clang++ \
  CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,fuzzer-no-link" \
  CXXFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,fuzzer-no-link" \
  LIB_FUZZING_ENGINE=-fsanitize=fuzzer SANITIZER=address FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64 \
  SRC="$tmp/src" WORK="$tmp/work" OUT="$tmp/out" \
  bash "$src/.clusterfuzzlite/build.sh" > "$tmp/build.log" 2>&1 ||
  { echo "FAIL: .clusterfuzzlite/build.sh:"; tail -n 40 "$tmp/build.log"; exit 1; }

fail=0
for t in $targets; do
  for f in "$t" "${t}_seed_corpus.zip" "$t.options" "$t.dict"; do
    [ -s "$tmp/out/$f" ] || { echo "FAIL: $t: \$OUT/$f missing"; fail=1; continue 2; }
  done
  seeds=$tmp/seeds-$t
  mkdir "$seeds"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$tmp/out/${t}_seed_corpus.zip" "$seeds"
  nseeds=$(find "$seeds" -type f | wc -l)
  [ "$nseeds" -gt 0 ] || { echo "FAIL: $t: empty seed corpus"; fail=1; continue; }
  # the [libfuzzer] section of the .options file as flags, the dictionary from $OUT
  opts=()
  while IFS='= ' read -r k v; do
    [[ $k =~ ^[a-z_]+$ ]] && [ -n "$v" ] || continue
    [ "$k" = dict ] && v=$tmp/out/$v
    opts+=("-$k=$v")
  done < <(sed -n '/^\[libfuzzer\]/,/^\[/p' "$tmp/out/$t.options" | sed 's/ *= */=/')
  rc=0
  (cd "$tmp/out" && ./"$t" -runs=300 "${opts[@]}" "$seeds" > "$tmp/$t.log" 2>&1) || rc=$?
  runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$tmp/$t.log")
  if [ $rc -ne 0 ] || [ "${runs:-0}" -lt 300 ]; then
    echo "FAIL: $t: exit $rc, ${runs:-no} runs"; tail -n 30 "$tmp/$t.log"; fail=1
  else
    echo "$t: $nseeds seeds, $runs runs (${opts[*]})"
  fi
done
[ $fail = 0 ] && echo "contrib_cflite: ok ($(echo $targets | wc -w) targets)"
exit $fail
