#!/bin/sh
# freestanding.sh — docs/architecture.md: the engine core (engine/src, engine/src/checks; not the codec)
# builds with the compiler's own headers only (no libc), with the flags a kernel needs, and the
# linked object needs no symbol but memcpy/memset/memmove/memcmp.
# usage: tests/freestanding.sh [SOURCE_DIR]   (CC selects the compiler; default cc)
set -eu
src=${1:-$(dirname "$0")/..}
cc=${CC:-cc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
inc=$($cc -print-file-name=include)
flags="-std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdinc -isystem $inc \
  -mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-pic -I$src/engine/include"
n=0
for f in "$src"/engine/src/*.c "$src"/engine/src/checks/*.c; do
  $cc $flags -c "$f" -o "$out/$(basename "$f" .c)-$n.o"
  n=$((n + 1))
done
ld -r -o "$out/engine.o" "$out"/*-*.o
undefined=$(nm -u "$out/engine.o" | awk '{print $2}' | grep -v -x -E 'memcpy|memset|memmove|memcmp' || true)
if [ -n "$undefined" ]; then
  echo "freestanding: the engine core needs symbols beyond memcpy/memset/memmove/memcmp:" >&2
  echo "$undefined" >&2
  exit 1
fi
echo "freestanding: $n core sources built with $cc -ffreestanding -nostdinc; nm -u: $(nm -u "$out/engine.o" | awk '{print $2}' | tr '\n' ' ')"
