#!/bin/sh
# A packager's build: -DVMXAUDIT_TESTS=OFF configures, builds and installs where cmocka is not
# installed.  cmocka is hidden here: pkg-config sees only the build's own dependencies (libcjson,
# and libedit for `interactive`, both in .ci/packages-build), and a cmocka.h that stops the
# compiler stands first on the include path; nothing may even look for cmocka.
# usage: tests/packager.sh SOURCE_DIR   (about a full build's time; run by .ci/run)
set -eu
src=${1:?usage: packager.sh SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pc" "$work/poison"
for m in libcjson libedit; do
    ln -s "$(pkg-config --variable=pcfiledir $m)/$m.pc" "$work/pc/"
done
printf '#error "cmocka.h included by a build without tests"\n' > "$work/poison/cmocka.h"
export PKG_CONFIG_LIBDIR="$work/pc" PKG_CONFIG_PATH=
if pkg-config --exists cmocka; then echo "packager: cmocka is still visible" >&2; exit 1; fi

cmake -S "$src" -B "$work/build" -DVMXAUDIT_TESTS=OFF -DVMXAUDIT_WERROR=ON \
      -DCMAKE_C_FLAGS="-I$work/poison" >"$work/configure.log" 2>&1 || {
    cat "$work/configure.log" >&2; echo "packager: configure failed without cmocka" >&2; exit 1; }
if grep -iE '^[A-Za-z0-9_]*cmocka[A-Za-z0-9_]*:' "$work/build/CMakeCache.txt" >&2; then
    echo "packager: a build without tests looked for cmocka" >&2
    exit 1
fi
cmake --build "$work/build" -j"${JOBS:-2}" >"$work/build.log" 2>&1 || {
    tail -n 40 "$work/build.log" >&2; echo "packager: build failed without cmocka" >&2; exit 1; }
cmake --install "$work/build" --prefix "$work/prefix" >/dev/null
"$work/prefix/bin/vmxaudit" --version
VMXAUDIT_CORPUS="$work/prefix/share/vmxaudit" "$work/prefix/bin/vmxaudit" check \
    "$work/prefix/share/vmxaudit/layouts/linux64.json" --quiet
echo "packager: configured, built and installed without cmocka"
