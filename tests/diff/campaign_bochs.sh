#!/bin/sh
# campaign_bochs.sh — a small real campaign: 400 generated cases on Bochs 2.7 end with no
# unexplained mismatch for the bochs-2.7 model (exit 0), report.md is written, nothing outside
# --out; `vmxaudit minimize` shrinks a real sdm-model mismatch (Bochs's extra CS.RPL check) to
# one field.  usage: campaign_bochs.sh VMXAUDIT SOURCE_DIR   (exit 77: Bochs not available)
set -u
. "$(dirname "$0")/../skip.sh"
vx=$1
src=$2
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$vx" diff --jobs 1 --backend bochs --cpu tigerlake --model bochs-2.7 --generate 400 --seed 5 --out out > run.out 2>&1
rc=$?
cat run.out
[ $rc -eq 3 ] && skip_missing "bochs bochs-term bochsbios vgabios" "Bochs is not available here"
[ $rc -eq 0 ] || { echo "FAIL: exit $rc (unexplained mismatches for bochs-2.7)"; exit 1; }
grep -q ' 0 mismatch' run.out || exit 1
grep -q '^| bochs | tigerlake |' out/report.md || { echo "FAIL: report.md"; exit 1; }
# The per-case timeout the campaign ran with (journal header) is the default diff --help shows.
help_timeout=$("$vx" diff --help | sed -n 's/.*--timeout SECONDS .*(default \([0-9.]*\) s).*/\1/p')
used_timeout=$(head -1 out/journal.jsonl | python3 -c 'import json, sys; print(json.load(sys.stdin)["timeout_s"])')
python3 -c 'import sys; sys.exit(not (sys.argv[1] and float(sys.argv[1]) == float(sys.argv[2])))' "$help_timeout" "$used_timeout" ||
  { echo "FAIL: diff --help says the per-case timeout defaults to '$help_timeout' s, the campaign used $used_timeout s"; exit 1; }
[ "$(ls -A "$tmp" | sort | tr '\n' ' ')" = "out run.out " ] || { echo "FAIL: wrote outside --out"; ls -A; exit 1; }
# minimize: under the sdm model Bochs's extra check is a mismatch; the case carries 3 changes
# from the baseline (CS selector RPL, DR7, TSC offset), the minimizer keeps the one that matters.
python3 - "$src/corpus/layouts/realmode-ug.json" > case.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["name"] = "cs-rpl"; c["profile"] = "bochs-2.7-corei7-skylake-x"
c["vmcs"]["GUEST_CS_SELECTOR"] = "0x801"; c["vmcs"]["GUEST_DR7"] = "0x401"; c["vmcs"]["TSC_OFFSET"] = "0x1234"
json.dump(c, sys.stdout)
PY
"$vx" minimize case.json --backend bochs --model sdm -o min.json 2> min.err
rc=$?
cat min.err
[ $rc -eq 0 ] || { echo "FAIL: minimize exit $rc"; exit 1; }
grep -q '1 field(s) changed from the baseline: GUEST_CS_SELECTOR' min.err || { echo "FAIL: not one field"; exit 1; }
"$vx" test min.json || exit 1
echo ok
