#!/bin/sh
# backend_isolation.sh SRC — the front ends reach the oracles only through the registry of
# backends (oracle/registry/oracle_backend.h): nothing under harness/ includes a header of
# oracle/bochs or oracle/kvm, links their libraries, or tests which backend is built.
src=${1:?usage: backend_isolation.sh SOURCE-DIR}
bad=0
headers=$(cd "$src/oracle" && ls bochs/*.h kvm/*.h | sed 's|.*/||')
[ -n "$headers" ] || { echo "no headers found under $src/oracle/bochs, oracle/kvm" >&2; exit 1; }
for h in $headers; do
    hits=$(grep -rnE --include="*.c" --include="*.h" "#[[:space:]]*include[[:space:]]*[<\"]([^\">]*/)?$h[\">]" "$src/harness" 2>/dev/null)
    [ -z "$hits" ] || { echo "harness/ includes the backend header $h:"; echo "$hits"; bad=1; }
done
hits=$(grep -rnE --include="*.c" --include="*.h" --include="CMakeLists.txt" --include="*.cmake" "VXA_HAVE_BOCHS|VXA_HAVE_KVM|VXA_BENCH_BOCHS|VXA_BENCH_KVM|vxa_oracle_bochs|vxa_kvm_oracle|vxa_bochs_(run|probe)|vxa_kvm_(run|probe)|kvm_oracle_" "$src/harness")
[ -z "$hits" ] || { echo "harness/ names a backend directly (use oracle_backend.h):"; echo "$hits"; bad=1; }
[ $bad = 0 ] && echo "harness/ reaches the oracles only through oracle_backend.h ($(echo $headers | wc -w) backend headers checked)"
exit $bad
