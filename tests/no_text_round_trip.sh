#!/bin/sh
# The harness and the oracles never print JSON and parse it back: a program that adds keys to a
# document it made works on the cJSON tree (vxa_case_to_tree, vxa_profile_to_tree,
# vxa_report_to_tree in vmxaudit/codec.h).  So every JSON text reader under harness/ and oracle/
# is listed here with what it reads; a new one fails this test until it is added with a reason,
# and text that the program produced itself is never a reason (fuzz invariants excepted: there
# the round trip of the text is what is tested).
# usage: tests/no_text_round_trip.sh SOURCE_DIR
set -eu
cd "${1:?usage: no_text_round_trip.sh SOURCE_DIR}"
allowed='
harness/diff/journal.c 1 the journal file, read back by --resume
harness/diff/campaign_workers.c 1 a worker process batch record, over its pipe: a process boundary, like the journal
harness/bench/inputs.c 3 the bundled layout and profile files
harness/bench/bench_codec.c 1 the bundled layout text: parsing is what the benchmark measures
harness/fuzz/case_patch.c 1 the bundled layout and profile files
harness/fuzz/reach.c 1 the per-check test files (tests/checks)
harness/fuzz/fuzz_case_json.c 1 the fuzz input
harness/fuzz/fuzz_profile_json.c 2 the fuzz input; the profile text round trip (the invariant)
harness/fuzz/fuzz_common.c 1 the case text round trip (the invariant)
harness/fuzz/fuzz_repair.c 1 the report text parses (the invariant)
harness/cli/cmd_oracle.c 1 the cases carried in RESULTS.TXT of a UEFI image run (oracle ingest)
'
readers='cJSON_Parse[A-Za-z]*\(|vxa_case_parse\(|vxa_profile_parse\('
status=0
found=$(grep -rEo --include='*.c' --include='*.h' "$readers" harness oracle | cut -d: -f1 | sort | uniq -c |
        awk '{ print $2, $1 }')
echo "$found" | while read -r file n; do
    [ -n "$file" ] || continue
    want=$(echo "$allowed" | awk -v f="$file" '$1 == f { print $2 }')
    if [ "$want" != "$n" ]; then
        echo "FAIL $file parses JSON text $n time(s), ${want:-0} listed:" >&2
        grep -nE "$readers" "$file" >&2
        exit 1
    fi
done || status=1
# a listed reader that is gone: update the list
echo "$allowed" | while read -r file n why; do
    [ -n "$file" ] || continue
    echo "$found" | grep -q "^$file $n\$" || { echo "FAIL $file: listed ($n, $why) but not found" >&2; exit 1; }
done || status=1
[ $status = 0 ] && echo "ok: $(echo "$found" | awk '{ s += $2 } END { print s }') JSON text readers under harness/ and oracle/, each listed with what it reads"
exit $status
