#!/bin/sh
# field_access.sh — the rules read the layout only through the one accessor, vxa_fv() / FV() in
# engine/src/internal.h, which records what they read (`check --lint`) and which fields not
# captured they need (docs/outcome-model.md): no raw `->value[` in the checks, no `c->v` outside
# the accessor (internal.h, and its out-of-line half in audit.c, marked "vxa_fv, out of line"),
# no vxa_get()/vxa_is_set() of the layout in the checks.
# usage: field_access.sh SOURCE_DIR
set -u
src=$1
status=0
raw=$(grep -n -- '->value\[' "$src"/engine/src/checks/*.c)
[ -z "$raw" ] || { echo "field_access: raw reads of the layout in the checks (use FV/vxa_fv):"; echo "$raw"; status=1; }
bypass=$(grep -n -E '\bc->v\b|vxa_get\(|vxa_is_set\(' "$src"/engine/src/checks/*.c)
[ -z "$bypass" ] || { echo "field_access: the checks reach the layout around the accessor:"; echo "$bypass"; status=1; }
outside=$(grep -n -E 'c->v->value\[' "$src"/engine/src/*.c "$src"/engine/src/*.h | grep -v '/internal\.h:' |
  grep -v '/audit\.c:.*/\* vxa_fv, out of line \*/')
[ -z "$outside" ] || { echo "field_access: raw reads outside the accessor:"; echo "$outside"; status=1; }
# the accessor itself is still where the rules read
grep -q 'return c->v->value\[f\];' "$src/engine/src/internal.h" ||
  { echo "field_access: vxa_fv() not found in engine/src/internal.h"; status=1; }
[ "$status" -ne 0 ] || echo "field_access: every read of the layout in the rules goes through vxa_fv()"
exit $status
