# run_cases.sh — sourced by the Bochs oracle tests that run a folder of cases and check what Bochs
# said (vmxon_env.sh, states.sh, host32.sh, link_current_vmcs.sh); needs $vx (vmxaudit) and $tmp
# (cases_setup sets both), and ../skip.sh sourced.
#   cases_setup VMXAUDIT TEST_CHECKS SOURCE_DIR: sets vx, tc, src, the corpus, $tmp (removed on
#     exit) with the empty folder $tmp/cases, and exports every tests/checks case into $tmp/all.
#   run_cases DIR [N]: every case of DIR through `oracle run` on Bochs VXA_BOCHS_VERSION (default
#     2.7) with the bochs-VERSION model; each must agree, and all but N (default 0) carry an
#     in-guest audit equal to the hosted one.  Exit 77 where that Bochs is not here (a failure
#     under CI=true for Debian's 2.7).  Sets fail=0 or 1; the output is in $tmp/out.
#   saw CASE WHAT [LINE]: the first "bochs:" line under CASE is WHAT, and LINE (if given) stands
#     somewhere under it.
cases_setup() {
    vx=$1 tc=$2 src=$3
    export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir "$tmp/all" "$tmp/cases"
    "$tc" --export "$tmp/all" >/dev/null || exit 1
}
run_cases() {
    ver=${VXA_BOCHS_VERSION:-2.7}
    "$vx" oracle run --backend bochs --bochs-version "$ver" --model "bochs-$ver" --timeout 1 -v "$1" > "$tmp/out" 2>&1
    rc=$?
    if [ $rc -eq 3 ]; then   # Debian's Bochs 2.7 is a package; another version is built by build-bochs.sh
        [ "$ver" = 2.7 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
        echo "SKIP: Bochs $ver is not built here (oracle/bochs/build-bochs.sh $ver)"
        exit 77
    fi
    cat "$tmp/out"
    fail=0
    [ $rc -eq 0 ] || { echo "FAIL: oracle run exit $rc"; fail=1; }
    n=$(ls "$1" | wc -l)
    ok=$(grep -c '^ok ' "$tmp/out")
    [ "$ok" -eq "$n" ] || { echo "FAIL: $ok of $n cases ran and agree"; fail=1; }
    grep -q "in-guest audit: $((n - ${2:-0})) equal to the hosted one, 0 unequal" "$tmp/out" ||
        { echo "FAIL: not every in-guest audit (all but ${2:-0}) equals the hosted one"; fail=1; }
}
saw() {
    got=$(awk -v c="$1" '$1 == "ok" && $2 == c { f = 1; next } f && /^     bochs: / { sub(/^     bochs: /, ""); print; exit }' "$tmp/out")
    [ "$got" = "$2" ] || { echo "FAIL: $1: bochs did '$got', expected '$2'"; fail=1; }
    [ -z "${3:-}" ] || awk -v c="$1" '$1 == "ok" || $1 == "DIFF" || $1 == "-" { f = ($2 == c) } f' "$tmp/out" | grep -qF "$3" ||
        { echo "FAIL: $1: Bochs did not say '$3'"; fail=1; }
}
