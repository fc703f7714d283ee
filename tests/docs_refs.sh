#!/bin/sh
# docs_refs.sh — comments and READMEs point at documents that are in the repository: no section
# of the design card, no tracker issue number and no person outside it (the patterns below), and
# every docs/NAME.md that a source file or README names exists.
# usage: tests/docs_refs.sh SOURCE_DIR
set -eu
cd "${1:-$(dirname "$0")/..}"
status=0
files=$(find engine harness oracle tests corpus docs .ci README.md CMakeLists.txt -type f \
          \( -name '*.[ch]' -o -name '*.md' -o -name '*.sh' -o -name '*.txt' -o -name '*.def' \
             -o -name '*.dict' -o -name '*.cmake' -o -name 'run' -o -name '*.in' \) | sort)
# The pattern is split so this file does not match itself.
bad=$(echo "$files" | xargs grep -nE 'design( card)? ?[§]|\b[Ii]ssue [0-9]+\b|\bthe le[a]d\b' || true)
if [ -n "$bad" ]; then
  echo "docs_refs: references to documents or people outside the repository (point at docs/ instead):" >&2
  echo "$bad" >&2
  status=1
fi
for d in $(echo "$files" | xargs grep -ohE 'docs/[a-z0-9_-]+\.md' | sort -u); do
  case $d in docs/custom_mutators.md) continue ;; esac   # AFL++'s own documentation
  [ -f "$d" ] || { echo "docs_refs: $d is named but does not exist" >&2; status=1; }
done
[ $status = 0 ] && echo "docs_refs: ok ($(echo "$files" | wc -l) files)"
exit $status
