#!/bin/sh
# backend_isolation.sh SRC — the front ends reach the oracles only through the registry of
# backends (oracle/registry/oracle_backend.h): nothing under harness/ includes a header of
# oracle/bochs or oracle/kvm, links their libraries, or tests which backend is built; the
# backends' tools vxa-bochs and vxa-kvm open and run the oracle through it too.
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
# The backends' own tools are thin tools over the same interface: vxa-bochs (oracle/bochs/cli.c)
# includes no backend header; vxa-kvm (oracle/kvm/vxa_kvm.c) only kvm_oracle.h, for the payload's
# binary batches (its run_batch()); both open and run the oracle through the registry.
for tool in oracle/bochs/cli.c oracle/kvm/vxa_kvm.c; do
    f=$src/$tool
    [ -f "$f" ] || { echo "$tool: missing"; bad=1; continue; }
    allowed=none
    [ "$tool" = oracle/kvm/vxa_kvm.c ] && allowed=kvm_oracle.h
    for h in $headers; do
        [ "$h" = "$allowed" ] && continue
        hits=$(grep -nE "#[[:space:]]*include[[:space:]]*[<\"]([^\">]*/)?$h[\">]" "$f")
        [ -z "$hits" ] || { echo "$tool includes the backend header $h:"; echo "$hits"; bad=1; }
    done
    hits=$(grep -nE "vxa_bochs_(run|probe)|vxa_kvm_(run|probe)|kvm_oracle_(probe_caps|host_facts)|bx_now" "$f")
    [ -z "$hits" ] || { echo "$tool calls a backend directly (use oracle_backend.h):"; echo "$hits"; bad=1; }
    grep -q 'vxa_oracle_open(' "$f" && grep -q 'vxa_oracle_run(' "$f" ||
        { echo "$tool does not open and run the oracle through oracle_backend.h"; bad=1; }
done
# vxa-kvm: the payload protocol (kvm_oracle_*) only inside run_batch()
outside=$(awk '/^static int run_batch\(/ { inb = 1 } inb && /^}/ { inb = 0; next }
               !inb && !/^[[:space:]]*(\/\*|\*)/ && /kvm_oracle_[a-z_]+\(/ { print FILENAME ":" FNR ": " $0 }' "$src/oracle/kvm/vxa_kvm.c")
[ -z "$outside" ] || { echo "oracle/kvm/vxa_kvm.c uses kvm_oracle_* outside run_batch():"; echo "$outside"; bad=1; }
[ $bad = 0 ] && echo "harness/ reaches the oracles only through oracle_backend.h ($(echo $headers | wc -w) backend headers checked); vxa-bochs and vxa-kvm too (vxa-kvm: kvm_oracle.h for binary batches only)"
exit $bad
