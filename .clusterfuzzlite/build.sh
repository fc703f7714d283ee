#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script: the targets are built by harness/fuzz/build.sh, the
# one build of them in the OSS-Fuzz convention ($CC $CFLAGS, $LIB_FUZZING_ENGINE, into $OUT with
# <target>_seed_corpus.zip, <target>.dict and <target>.options).  Runs from the image's
# $SRC/build.sh (Dockerfile) or from a checkout (tests/contrib_cflite.sh).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for root in "$here/.." "${SRC:-/src}/vmxaudit"; do
  if [ -x "$root/harness/fuzz/build.sh" ]; then
    exec "$root/harness/fuzz/build.sh"
  fi
done
echo "build.sh: harness/fuzz/build.sh not found beside $here nor in \$SRC/vmxaudit" >&2
exit 1
