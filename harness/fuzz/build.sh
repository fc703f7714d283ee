#!/usr/bin/env bash
# build.sh — the fuzz targets in the OSS-Fuzz / ClusterFuzzLite convention (run from anywhere):
#   $CC, $CFLAGS             compiler and flags (OSS-Fuzz sets sanitizers and
#                            -fsanitize=fuzzer-no-link here)
#   $LIB_FUZZING_ENGINE      the engine to link (-fsanitize=fuzzer, or libAFLDriver.a, ...)
#   $OUT                     where binaries, <target>_seed_corpus.zip, <target>.dict and
#                            <target>.options go
# Needs libcjson-dev and zip.  Local example:
#   CC=clang CFLAGS="-O1 -g -fsanitize=address,undefined,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/ossfuzz-out harness/fuzz/build.sh
# Also writes $OUT/fuzz_mutator_afl.so (the AFL++ custom mutator) and copies the bundled
# profiles to $OUT/vmxaudit-corpus (the JSON targets find them there).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
: "${CC:=clang}" "${CFLAGS:=-O1 -g -fsanitize=fuzzer-no-link}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:?set OUT}"
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

inc=(-I"$SRC/engine/include" -I"$SRC/engine/src" -I"$SRC/harness/mutate" $(pkg-config --cflags libcjson 2>/dev/null))
defs=(-D_POSIX_C_SOURCE=200809L -DVXA_LIBFUZZER -DVXA_DATADIR=\"/nonexistent\")
std=(-std=c11 -Wall -Wextra -Wno-missing-field-initializers)
# Not instrumented for coverage (CMakeLists.txt says why): the binary decoder, the harness
# helpers, the mutator.  The engine and codec get $CFLAGS as they are.
plain=(-fno-sanitize=fuzzer-no-link)

objs=() objs_plain=()
for f in "$SRC"/engine/src/*.c "$SRC"/engine/src/checks/*.c "$SRC"/engine/src/codec/*.c; do
  o="$work/$(basename "$(dirname "$f")")_$(basename "${f%.c}").o"
  extra=()
  [ "$(basename "$f")" = binary.c ] && extra=("${plain[@]}")
  $CC $CFLAGS "${extra[@]}" "${std[@]}" "${inc[@]}" "${defs[@]}" -c "$f" -o "$o"
  objs+=("$o")
  # fuzz_audit is guided by the check outcomes alone (CMakeLists.txt says why): the engine once
  # more without coverage instrumentation (the sanitizers stay)
  $CC $CFLAGS "${plain[@]}" "${std[@]}" "${inc[@]}" "${defs[@]}" -c "$f" -o "${o%.o}.plain.o"
  objs_plain+=("${o%.o}.plain.o")
done
for f in fuzz_common mutator mutator_libfuzzer; do
  $CC $CFLAGS "${plain[@]}" "${std[@]}" "${inc[@]}" "${defs[@]}" -c "$SRC/harness/fuzz/$f.c" -o "$work/h_$f.o"
done
# the mutation library under the mutator (harness/mutate), uninstrumented like it
mutate=()
for f in "$SRC"/harness/mutate/*.c; do
  $CC $CFLAGS "${plain[@]}" "${std[@]}" "${inc[@]}" "${defs[@]}" -c "$f" -o "$work/m_$(basename "${f%.c}").o"
  mutate+=("$work/m_$(basename "${f%.c}").o")
done
# fuzz_files writes through the harness's output helpers
for f in out_file out_name; do
  $CC $CFLAGS "${plain[@]}" "${std[@]}" "${inc[@]}" "${defs[@]}" -c "$SRC/harness/common/$f.c" -o "$work/c_$f.o"
done
libs=$(pkg-config --libs libcjson 2>/dev/null || echo -lcjson)

for t in fuzz_audit fuzz_case_json fuzz_profile_json fuzz_repair fuzz_import fuzz_files; do
  extra=() engine=("${objs[@]}")
  case $t in
    fuzz_audit) extra=("$work/h_mutator.o" "$work/h_mutator_libfuzzer.o" "${mutate[@]}") engine=("${objs_plain[@]}") ;;
    fuzz_repair) extra=("$work/h_mutator.o" "$work/h_mutator_libfuzzer.o" "${mutate[@]}") ;;
    fuzz_files) extra=("$work/c_out_file.o" "$work/c_out_name.o") ;;
  esac
  $CC $CFLAGS "${std[@]}" "${inc[@]}" -I"$SRC/harness/common" "${defs[@]}" -c "$SRC/harness/fuzz/$t.c" -o "$work/$t.o"
  $CC $CFLAGS $LIB_FUZZING_ENGINE "$work/$t.o" "$work/h_fuzz_common.o" "${extra[@]}" "${engine[@]}" $libs -o "$OUT/$t"
  corpus=${t#fuzz_}
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$SRC/corpus/fuzz/$corpus" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
  cp "$SRC/corpus/fuzz/$t.options" "$OUT/$t.options"
  dict="$SRC/corpus/fuzz/$corpus.dict"
  case $t in fuzz_repair) dict="$SRC/corpus/fuzz/audit.dict" ;; fuzz_profile_json) dict="$SRC/corpus/fuzz/case_json.dict" ;; esac
  cp "$dict" "$OUT/$t.dict"
done

# the AFL++ custom mutator, uninstrumented, self-contained (engine core only)
core=("$SRC"/engine/src/*.c "$SRC"/engine/src/checks/*.c)
${AFL_MUTATOR_CC:-cc} -O2 -fPIC -shared "${std[@]}" "${inc[@]}" -D_POSIX_C_SOURCE=200809L \
  "$SRC/harness/fuzz/mutator_afl.c" "$SRC/harness/fuzz/mutator.c" "$SRC"/harness/mutate/*.c "${core[@]}" \
  -o "$OUT/fuzz_mutator_afl.so"

rm -rf "$OUT/vmxaudit-corpus"
mkdir -p "$OUT/vmxaudit-corpus"
cp -r "$SRC/corpus/profiles" "$SRC/corpus/layouts" "$OUT/vmxaudit-corpus/"
echo "built in $OUT: $(cd "$OUT" && ls fuzz_* | tr '\n' ' ')"
