#!/bin/bash
# record_names.sh — `oracle run --record DIR` never turns a case's name into a
# path.  Cases named "../../../escape", "", a 300-character name and two cases of one name
# mismatch on Bochs (model sdm on the Bochs regression corpus); every one is written inside DIR
# under its own slug-and-hash name, a file outside DIR with the escaping name survives, a
# symbolic link planted under a case's output name is refused for that case (its target
# survives) while the run goes on to its summary, and a missing DIR is refused before any run.
# usage: record_names.sh VMXAUDIT SOURCE_DIR      (exit 77: Bochs not installed)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
src=$2
command -v bochs >/dev/null || skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not installed"
. "$src/tests/cli/lib.sh"
reg="$src/corpus/regressions/bochs-2.7"
# a case that differs under sdm (not one the judge explains by a rule the engine cannot decide)
base="$reg/CTRL_ENTRY_SMM_OUTSIDE_SMM-fail-140.json"
mkdir -p "$tmp/a/b/c/cases" "$tmp/a/b/c/rec"
named() { sed "s|\"name\":[^,]*,|\"name\": \"$2\",|" "$base" > "$tmp/a/b/c/cases/$1.json"; }
named 1 '../../../escape'
named 2 ''
named 3 "$(printf 'x%.0s' $(seq 300))"
named 4 'twin'
named 5 'twin'
named 6 '/etc/passwd'
echo KEEP > "$tmp/a/escape.json"
cases="$tmp/a/b/c/cases" rec="$tmp/a/b/c/rec"

expect record-missing-dir 2 'not a folder' -- "$vx" oracle run --backend bochs --model sdm --record "$tmp/nope" "$cases"
[ -e "$tmp/nope" ] && { echo "FAIL record-missing-dir: the folder was created"; fail=$((fail + 1)); }
expect record-runs 1 '6 cases on' -- "$vx" oracle run --backend bochs --model sdm --record "$rec" "$cases"
expect escape-target-survives 0 '^KEEP$' -- cat "$tmp/a/escape.json"
n=$(ls "$rec" | grep -c '\.json$')
[ "$n" -eq 6 ] && echo "ok   six-files" && pass=$((pass + 1)) || { echo "FAIL six-files: $n files in DIR"; ls -la "$rec"; fail=$((fail + 1)); }
expect slug-names 0 '^escape-[0-9a-f]{8}\.json$' -- ls "$rec"
expect slug-empty 0 '^case-[0-9a-f]{8}\.json$' -- ls "$rec"
expect slug-passwd 0 '^etc-passwd-[0-9a-f]{8}\.json$' -- ls "$rec"
[ "$(ls "$rec" | grep -c '^twin-')" -eq 2 ] && echo "ok   twins-apart" && pass=$((pass + 1)) || { echo "FAIL twins-apart"; fail=$((fail + 1)); }
# only DIR changed: nothing new anywhere else under the temporary tree
extra=$(find "$tmp" -newer "$tmp/a/escape.json" -type f ! -path "$rec/*" ! -name out | wc -l)
[ "$extra" -eq 0 ] && echo "ok   nothing-outside" && pass=$((pass + 1)) || { echo "FAIL nothing-outside"; fail=$((fail + 1)); }
# the recorded cases replay as regressions (each for both models it records)
expect recorded-replay 0 '12 passed, 0 failed' -- "$vx" test "$rec"

# a symbolic link where a case's file goes: refused for that case, the run reaches its summary
rm -f "$rec"/*.json
f=$("$vx" oracle run --backend bochs --model sdm --record "$rec" "$cases/1.json" >/dev/null 2>&1; ls "$rec")
rm -f "$rec/$f"
echo KEEP > "$tmp/victim"
ln -s "$tmp/victim" "$rec/$f"
expect record-symlink-refused 2 "not recorded: .*symbolic link" -- "$vx" oracle run --backend bochs --model sdm --record "$rec" "$cases"
cp "$tmp/out" "$tmp/prev"
expect record-symlink-summary 0 '6 cases on' -- cat "$tmp/prev"
expect record-symlink-target-survives 0 '^KEEP$' -- cat "$tmp/victim"
n=$(ls "$rec" | wc -l)
[ "$n" -eq 6 ] && echo "ok   others-recorded" && pass=$((pass + 1)) || { echo "FAIL others-recorded: $n"; fail=$((fail + 1)); }
finish
