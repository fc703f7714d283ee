#!/bin/sh
# install.sh — `cmake --install` into a temporary prefix puts the static and the shared library,
# the headers, the pkg-config file, the CLI, the profiles and the amalgamation in place; a small
# program built only from the installed pkg-config file (shared, and static with --static) audits
# the bundled example exactly as the installed CLI does.
# usage: tests/install.sh BUILD_DIR SOURCE_DIR [HOSTED_FLAGS]
#   HOSTED_FLAGS: what the library was built with that a program linking it needs (-fsanitize=...)
set -eu
build=$1 src=$(cd "$2" && pwd) hosted=${3:-}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
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
for f in libvmxaudit.a libvmxaudit.so libvmxaudit.so.1; do
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
LD_LIBRARY_PATH="$libdir" ldd "$prefix/tiny-shared" | grep -q "$libdir/libvmxaudit.so.1" ||
  { echo "install: tiny-shared does not load the installed libvmxaudit.so.1" >&2; exit 1; }
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
echo "install: $prefix: static + shared library, headers, vmxaudit.pc, CLI, amalgamation; pkg-config program (shared and static) agrees with the CLI: $a"
