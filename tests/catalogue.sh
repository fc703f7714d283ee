#!/bin/sh
# catalogue.sh — the engine's tables are the only copy of their facts in engine/, harness/ and
# oracle/ (tests may state SDM values independently, to check the tables against them):
#  1. no default1 mask of a control word (SDM A.2: 0x16, 0x0401e172, 0x36dff, 0x11ff) written
#     out: vxa_word_default1() and controls.def give them (0x16 alone is too common to grep;
#     the other three are not);
#  2. no field classified by its name: no string search or comparison (strstr, strcmp, ...)
#     with a literal that is part of a canonical field name (fields.def) without being one —
#     "CR0", "_AR_BYTES", "BITMAP" — where the VALUE column of fields.def says what a field is.
#     A whole name is a lookup, not a classification.  The importers (engine/src/codec/import_*)
#     are not scanned: they match the labels of other programs' dumps ("GDTR"), which are not
#     our field names.
# usage: tests/catalogue.sh SOURCE_DIR
set -eu
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
cd "$src"
status=0

masks=$(grep -rnIi -E '0x0*401e172|0x0*36dff\b|0x0*11ff\b' engine harness oracle || true)
if [ -n "$masks" ]; then
  echo "catalogue: default1 masks written out (use vxa_word_default1 / controls.def):" >&2
  echo "$masks" >&2
  status=1
fi

names=$(sed -n 's/^VXA_FIELD(\([A-Z0-9_]*\),.*/\1/p' engine/include/vmxaudit/fields.def)
[ -n "$names" ] || { echo "catalogue: no field names in fields.def" >&2; exit 1; }
files=$(find engine harness oracle -name '*.[ch]' ! -path 'engine/src/codec/import_*' | sort)
search='strstr|strcasestr|strn?cmp|strn?casecmp|memcmp'
# one-line wrappers count as the function they wrap: static bool has(...) { return strstr(...); }
wrappers=$(echo "$files" | xargs grep -hE "^[a-z].*\\)[ \t]*\\{.*\\b($search)[ \t]*\\(" |
  sed -n 's/^[^(]*[^A-Za-z0-9_(]\([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' | sort -u | tr '\n' '|')
classify=$(echo "$files" | xargs grep -nE "\\b(${wrappers}$search)[ \t]*\\(" |
  awk -v names="$names" 'BEGIN { n = split(names, f, "\n") }
  { rest = $0
    while (match(rest, /"[^"\\]*"/)) {
      lit = substr(rest, RSTART + 1, RLENGTH - 2); rest = substr(rest, RSTART + RLENGTH)
      if (length(lit) < 2) continue
      whole = 0; part = 0
      for (i = 1; i <= n; i++) { if (f[i] == lit) whole = 1; else if (index(f[i], lit)) part = 1 }
      if (part && !whole) print $0 "    <- \"" lit "\" is part of a field name"
    } }')
if [ -n "$classify" ]; then
  echo "catalogue: fields classified by name (use vxa_field_get(f)->value, fields.def VALUE):" >&2
  echo "$classify" >&2
  status=1
fi
[ $status = 0 ] && echo "catalogue: no default1 mask written out, no field classified by its name"
exit $status
