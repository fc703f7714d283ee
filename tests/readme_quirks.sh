#!/bin/sh
# readme_quirks.sh — README.md's quirk table is generated: the lines between its markers must be
# exactly what `vmxaudit explain quirks --format md` prints from engine/src/quirks.def.
# usage: tests/readme_quirks.sh VMXAUDIT SOURCE_DIR [--update]   (--update rewrites README.md)
set -eu
vx=$1 src=$2
readme=$src/README.md
begin='<!-- quirks: generated from engine/src/quirks.def by `vmxaudit explain quirks --format md` (tests/readme_quirks.sh) -->'
end='<!-- end of quirks -->'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$vx" explain quirks --format md > "$out/table"
[ "$(grep -c -x -F "$begin" "$readme")" = 1 ] && [ "$(grep -c -x -F "$end" "$readme")" = 1 ] ||
  { echo "readme_quirks: README.md needs one line each: $begin / $end" >&2; exit 1; }
awk -v b="$begin" -v e="$end" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$readme" > "$out/readme"
if [ "${3:-}" = --update ]; then
  awk -v b="$begin" -v e="$end" -v t="$out/table" '
    $0 == e { while ((getline l < t) > 0) print l; skip = 0 }
    !skip { print } $0 == b { skip = 1 }' "$readme" > "$out/new"
  cat "$out/new" > "$readme"
  echo "readme_quirks: README.md updated"
  exit 0
fi
if ! diff -u "$out/readme" "$out/table" > "$out/diff"; then
  echo "readme_quirks: README.md's quirk table differs from quirks.def (run tests/readme_quirks.sh VMXAUDIT SRC --update):" >&2
  cat "$out/diff" >&2
  exit 1
fi
echo "readme_quirks: README.md's table is quirks.def ($(($(wc -l < "$out/table") - 2)) quirks)"
