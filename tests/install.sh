#!/bin/sh
# install.sh — `cmake --install` into a temporary prefix puts the static and the shared library,
# the headers, the pkg-config file, the CLI, the profiles and the amalgamation in place; a small
# program built only from the installed pkg-config file (shared, and static with --static) audits
# the bundled example exactly as the installed CLI does.  Relocatable: the prefix moved elsewhere,
# the installed CLI finds its data from its own place (profile list, check, interactive) with no
# VMXAUDIT_CORPUS; no source-tree path is compiled in; without its data it fails (exit 2) instead
# of listing nothing or finding the source or build tree.
# usage: tests/install.sh BUILD_DIR SOURCE_DIR [HOSTED_FLAGS]
#   HOSTED_FLAGS: what the library was built with that a program linking it needs (-fsanitize=...)
set -eu
build=$1 src=$(cd "$2" && pwd) hosted=${3:-}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix" "$prefix.moved"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name vmxaudit.pc)
[ -n "$pc" ] || { echo "install: no vmxaudit.pc under the prefix" >&2; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
for f in bin/vmxaudit include/vmxaudit/vmxaudit.h include/vmxaudit/live.h include/vmxaudit/codec.h \
         include/vmxaudit/binary.h include/vmxaudit/fields.def include/vmxaudit/checks.def \
         share/vmxaudit/amalgamation/vmxaudit.c share/vmxaudit/amalgamation/vmxaudit.h \
         share/vmxaudit/profiles/il-xeon-8180-skylake-sp.json; do
  [ -e "$prefix/$f" ] || { echo "install: $f missing" >&2; exit 1; }
done
for f in libvmxaudit.a libvmxaudit.so libvmxaudit.so.3; do
  [ -e "$libdir/$f" ] || { echo "install: $libdir/$f missing" >&2; exit 1; }
done
export PKG_CONFIG_PATH="$(dirname "$pc")"
case $(pkg-config --variable=prefix vmxaudit) in
  *"$prefix"*|'${pcfiledir}'*) ;;
  *) echo "install: vmxaudit.pc does not point into the prefix" >&2; exit 1 ;;
esac
pkg-config --static --libs vmxaudit | grep -q -- -lcjson || { echo "install: --static lacks -lcjson" >&2; exit 1; }

example="$src/corpus/examples/broken-blue-pill.json"
${HOSTED_CC:-cc} -std=c11 -Wall -Wextra -Werror $hosted $(pkg-config --cflags vmxaudit) "$src/tests/install_main.c" \
  -o "$prefix/tiny-shared" $(pkg-config --libs vmxaudit)
${HOSTED_CC:-cc} -std=c11 -Wall -Wextra -Werror $hosted $(pkg-config --cflags vmxaudit) "$src/tests/install_main.c" \
  -o "$prefix/tiny-static" $(pkg-config --static --libs vmxaudit | sed 's/-lvmxaudit/-l:libvmxaudit.a/')
LD_LIBRARY_PATH="$libdir" ldd "$prefix/tiny-shared" | grep -q "$libdir/libvmxaudit.so.3" ||
  { echo "install: tiny-shared does not load the installed libvmxaudit.so.3" >&2; exit 1; }
if ldd "$prefix/tiny-static" | grep -q libvmxaudit; then
  echo "install: tiny-static is not linked statically" >&2; exit 1
fi
export VMXAUDIT_CORPUS="$prefix/share/vmxaudit"
a=$(LD_LIBRARY_PATH="$libdir" "$prefix/tiny-shared" "$example")
b=$("$prefix/tiny-static" "$example")
cli=$("$prefix/bin/vmxaudit" check "$example" --format json || true)
result=$(printf '%s\n' "$cli" | sed -n 's/.*"result":[[:space:]]*"\([a-z_]*\)".*/\1/p' | head -1)
nviol=$(printf '%s\n' "$cli" | awk '/"undetermined"/ { exit } /"check":/ { n++ } END { print n + 0 }')
[ "$a" = "$b" ] || { echo "install: shared and static programs differ: $a / $b" >&2; exit 1; }
case $a in
  "$result $nviol "*) ;;
  *) echo "install: program says '$a', the installed CLI says '$result' with $nviol violations" >&2; exit 1 ;;
esac

# Relocatable.
for f in bin/vmxaudit "${libdir#$prefix/}/libvmxaudit.so.3" "${libdir#$prefix/}/libvmxaudit.a"; do
  if grep -aqF "$src/corpus" "$prefix/$f"; then echo "install: $f has the source corpus' path compiled in" >&2; exit 1; fi
done
mv "$prefix" "$prefix.moved"
moved=$prefix.moved
unset VMXAUDIT_CORPUS
cd /
out=$("$moved/bin/vmxaudit" profile list --names) || { echo "install: moved: profile list exits $?" >&2; exit 1; }
printf '%s\n' "$out" | grep -qx il-xeon-8180-skylake-sp || { echo "install: moved: profile list lacks il-xeon-8180-skylake-sp" >&2; exit 1; }
rc=0; out=$("$moved/bin/vmxaudit" check "$example" 2>&1) || rc=$?
[ $rc = 1 ] && printf '%s\n' "$out" | grep -q 'prediction: VMfailValid, VM-instruction error 7 or 8' ||
  { echo "install: moved: check $example exits $rc:" >&2; printf '%s\n' "$out" | head -5 >&2; exit 1; }
rc=0; out=$("$moved/bin/vmxaudit" interactive < /dev/null 2>&1) || rc=$?
[ $rc = 0 ] && printf '%s\n' "$out" | grep -q 'prediction: VM entry succeeds' ||
  { echo "install: moved: interactive exits $rc:" >&2; printf '%s\n' "$out" | tail -5 >&2; exit 1; }
# Without its data: an error, not an empty list (unless the configured data folder exists here).
configured=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")/share/vmxaudit
mv "$moved/share/vmxaudit" "$moved/share/hidden"
if [ -d "$configured" ]; then
  echo "install: note: $configured exists here: the missing-data check is not meaningful, skipped"
else
  rc=0; out=$("$moved/bin/vmxaudit" profile list 2>&1) || rc=$?
  [ $rc = 2 ] && printf '%s\n' "$out" | grep -q 'bundled profiles are not installed' ||
    { echo "install: without its data, profile list exits $rc: $out" >&2; exit 1; }
  rc=0; out=$("$moved/bin/vmxaudit" interactive < /dev/null 2>&1) || rc=$?
  [ $rc = 2 ] && printf '%s\n' "$out" | grep -q 'bundled layouts are not installed' ||
    { echo "install: without its data, interactive exits $rc: $out" >&2; exit 1; }
fi
echo "install: $prefix: static + shared library, headers, vmxaudit.pc, CLI, amalgamation; pkg-config program (shared and static) agrees with the CLI: $a; moved, the CLI finds its data"
