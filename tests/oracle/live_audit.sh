#!/bin/sh
# live_audit.sh — the end-to-end test of the in-guest audit: the payload's in-guest audit (the engine embedded in
# the payload, fed by real VMREADs, RDMSRs, CPUID and memory inside Bochs) equals the hosted
# engine's audit of the layout as executed — same outcome, same violated checks — for model
# bochs-2.7 on the bundled layouts, the examples, the regression corpus and every third case of
# tests/checks (the whole set runs in oracle_agreement), and for model sdm on the regression
# corpus (the cases where Bochs deviates from the SDM).
# usage: live_audit.sh VMXAUDIT TEST_CHECKS SOURCE_DIR     (exit 77: Bochs not available here)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
tc=$2
src=$3
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/all" "$tmp/checks"
"$tc" --export "$tmp/all" >/dev/null || exit 1
n=0
for f in "$tmp"/all/*.json; do              # sorted: every third case, fail and pass cases mixed
    [ $((n % 3)) -eq 0 ] && mv "$f" "$tmp/checks/"
    n=$((n + 1))
done

fail=0
# $1 model, $2 fewest cases to compare, rest: case folders.  The summary line has both counts.
run() {
    model=$1
    min=$2
    shift 2
    "$vx" oracle run --backend bochs --cpu corei7_skylake_x --model "$model" --timeout 0.5 "$@" \
        > "$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 3 ] && { tail -n 1 "$tmp/out"; skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"; }
    grep -A2 'IN-GUEST DIFF' "$tmp/out" | head -40
    line=$(tail -n 1 "$tmp/out")
    echo "$model: $line"
    agree=$(echo "$line" | sed -n 's/.*: \([0-9]*\) agree, \([0-9]*\) differ[ ,].*/\1/p')
    differ=$(echo "$line" | sed -n 's/.*: \([0-9]*\) agree, \([0-9]*\) differ[ ,].*/\2/p')
    equal=$(echo "$line" | sed -n 's/.*in-guest audit: \([0-9]*\) equal .*, \([0-9]*\) unequal.*/\1/p')
    unequal=$(echo "$line" | sed -n 's/.*in-guest audit: \([0-9]*\) equal .*, \([0-9]*\) unequal.*/\2/p')
    und=$(echo "$line" | sed -n 's/.* \([0-9]*\) explained by an undetermined rule.*/\1/p')
    # observed without an in-guest audit: the VM exit aborted before the payload could report
    # (exit_aborted, oracle/bochs/README.md), or memory beyond the payload's RAM
    none=$(echo "$line" | sed -n 's/.*, \([0-9]*\) not compared;.*/\1/p')
    if [ -z "$agree" ] || [ -z "$equal" ] || [ -z "$und" ] || [ -z "$none" ]; then
        echo "FAIL ($model): no summary line"; fail=1; return
    fi
    # every case the oracle observed and reported carries an in-guest prediction, and each equals
    # the hosted one
    [ "$unequal" -eq 0 ] || { echo "FAIL ($model): $unequal in-guest audits differ"; fail=1; }
    # at most the cases whose VM exit Bochs aborts (exit_aborted: the VM-exit MSR-store and
    # MSR-load area cases of tests/checks) and VMLAUNCH/VMRESUME in VMX non-root operation (the
    # payload's own guest executes it: no audit of the case's VMCS), by name in this sample
    lim=$(for d in "$@"; do ls "$d"; done | grep -c '^CTRL_EXIT_MSR_\(STORE\|LOAD\)_\|^VMLAUNCH_NON_ROOT_EXIT-')
    [ "$none" -le "$lim" ] || { echo "FAIL ($model): $none observed cases without an in-guest audit (at most $lim)"; fail=1; }
    [ $((equal + unequal + none)) -eq $((agree + differ + und)) ] ||
        { echo "FAIL ($model): $((equal + unequal)) of $((agree + differ + und)) observed cases carry an in-guest audit"; fail=1; }
    [ "$equal" -ge "$min" ] || { echo "FAIL ($model): only $equal cases compared"; fail=1; }
}
run bochs-2.7 300 "$src/corpus/layouts" "$src/corpus/examples" "$src/corpus/regressions" "$tmp/checks"
run sdm 40 "$src/corpus/regressions"
exit $fail
