#!/bin/sh
# docs_fuzz.sh — the fuzzing commands the documentation gives never write into the committed
# corpus: libFuzzer adds new inputs to the first folder it is given, so that folder must not be
# under corpus/ (a scratch folder, or a copy of the seeds).  AFL++'s -i folder is only read.
# usage: docs_fuzz.sh SOURCE_DIR
set -u
src=$1
fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for doc in README.md harness/fuzz/README.md; do
  # the commands: from "fuzz_<target> " (not _replay/_afl) to the end of the command, joined
  # across the README's wrapped lines
  tr '\n`' '  ' < "$src/$doc" | grep -oE '(\./)?build[^ ]*/fuzz_[a-z_]+ [^&;|]*' | grep -vE 'fuzz_[a-z_]*(_replay|_afl) ' |
  while read -r bin args; do
    first=
    for a in $args; do
      case $a in -*) continue ;; esac
      first=$a; break
    done
    case $first in
      corpus/*|./corpus/*) echo "FAIL $doc: '$bin $args' writes new inputs into the committed $first" ;;
      *) echo "ok   $doc: $bin ${first:-(no folder)}" ;;
    esac
  done
done > "$out"
cat "$out"
grep -q '^FAIL' "$out" && fail=1
grep -q '^ok' "$out" || { echo "FAIL no libFuzzer command found in the documentation"; fail=1; }
exit $fail
