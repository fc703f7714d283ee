#!/bin/sh
# abi.sh — the shared library's ABI is its public headers (engine/include/vmxaudit/*.h), nothing
# more (engine/EMBEDDING.md, "Versions"):
#  1. `nm -D --defined-only` of libvmxaudit.so lists exactly the functions and objects the
#     headers declare with VXA_API (the library is built with -fvisibility=hidden);
#  2. every function or object the headers declare is marked VXA_API;
#  3. every name the headers define starts with VXA_/VMXAUDIT_ (macros, enumerators) or vxa_
#     (types, tags): no CR0_PG, EFER_LME or PIN_NMI_EXITING for a hypervisor to collide with.
# usage: tests/abi.sh LIBVMXAUDIT.so SOURCE_DIR   (CC: the compiler; default cc)
set -eu
lib=$1 src=$(cd "$2" && pwd)
cc=${CC:-cc}
inc=$src/engine/include
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
fail() { echo "abi: $1" >&2; status=1; }
headers=$(ls "$inc"/vmxaudit/*.h)

# 1. exported = declared with VXA_API
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDRBVW]$/ { print $3 }' | sort -u > "$out/exported"
cat $headers | awk '/^VXA_API / { s = $0; sub(/[(\[].*/, "", s); n = split(s, w, /[ *]+/); print w[n] }' |
  sort -u > "$out/declared"
[ -s "$out/declared" ] || fail "no VXA_API declaration found in $inc/vmxaudit"
extra=$(comm -23 "$out/exported" "$out/declared" | tr '\n' ' ')
missing=$(comm -13 "$out/exported" "$out/declared" | tr '\n' ' ')
[ -z "$extra" ] || fail "exported but in no public header: $extra"
[ -z "$missing" ] || fail "declared VXA_API but not exported: $missing"

# 2. no declaration without VXA_API (file scope: a line that starts with a type and names vxa_*)
unmarked=$(grep -nE '^[a-z][A-Za-z0-9_ *]*\bvxa_[a-z0-9_]+[ \t]*[(\[]' $headers |
  grep -vE ':(static|typedef|extern "C")' || true)
[ -z "$unmarked" ] || fail "public declarations without VXA_API:
$unmarked"

# 3. the names the headers define
for h in $headers; do echo "#include \"vmxaudit/$(basename "$h")\""; done > "$out/all.c"
$cc -std=c11 -I"$inc" -E -dM "$out/all.c" | awk '{ print $2 }' | sed 's/(.*//' | sort -u > "$out/macros"
printf '' > "$out/none.c"
$cc -std=c11 -E -dM -include stdbool.h -include stddef.h -include stdint.h -include stdio.h \
  "$out/none.c" | awk '{ print $2 }' | sed 's/(.*//' | sort -u > "$out/system"
bad=$(comm -23 "$out/macros" "$out/system" | grep -vE '^(VXA_|VMXAUDIT_)' | tr '\n' ' ' || true)
[ -z "$bad" ] || fail "unprefixed macros: $bad"
# enumerators and type names in the preprocessed headers, less those of the system headers and
# of cJSON: vmxaudit/codec.h names `struct cJSON` (the trees it reads and writes) without
# defining it
cjson=$(pkg-config --cflags libcjson 2>/dev/null || true)
printf '#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <cjson/cJSON.h>\n' > "$out/sys.c"
names() {  # names FILE: "enum NAME" per enumerator, "type NAME" per typedef, struct/enum/union tag
  $cc -std=c11 -I"$inc" $cjson -E -P "$1" | tr '\n' ' ' > "$out/flat"
  grep -oE 'enum[ \t]*[A-Za-z0-9_]*[ \t]*\{[^}]*\}' "$out/flat" | sed 's/^[^{]*{//; s/}$//' |
    tr ',' '\n' | sed 's/=.*//; s/[ \t]//g' | grep -v '^$' | sed 's/^/enum /'
  grep -oE '(struct|enum|union)[ \t]+[A-Za-z_][A-Za-z0-9_]*|typedef[^;{]*[ *]([A-Za-z_][A-Za-z0-9_]*)[ \t]*;|\}[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*;' "$out/flat" |
    sed -E 's/^(struct|enum|union)[ \t]+//; s/^typedef.*[ *]([A-Za-z_][A-Za-z0-9_]*)[ \t]*;$/\1/; s/^\}[ \t]*//; s/[ \t]*;$//' |
    sed 's/^/type /'
}
names "$out/all.c" | sort -u > "$out/names"
names "$out/sys.c" | sort -u > "$out/sysnames"
comm -23 "$out/names" "$out/sysnames" > "$out/ours"
grep -q '^enum VXA_' "$out/ours" || fail "no enumerator found"
bad=$(grep '^enum ' "$out/ours" | grep -v '^enum VXA_' | cut -d' ' -f2 | tr '\n' ' ' || true)
[ -z "$bad" ] || fail "unprefixed enumerators: $bad"
bad=$(grep '^type ' "$out/ours" | grep -v '^type vxa_' | cut -d' ' -f2 | tr '\n' ' ' || true)
[ -z "$bad" ] || fail "types or tags without the vxa_ prefix: $bad"

[ $status = 0 ] && echo "abi: $(wc -l < "$out/exported") exported symbols = the VXA_API declarations of the public headers; every name they define is prefixed"
exit $status
