#!/bin/sh
# journal_damage.sh — a damaged journal is refused with one clear message, never trusted: an
# index far beyond the campaign's cases (once a crash), a negative index (once an endless loop),
# a negative case count; a journal whose header was torn by a kill is not a dead end (a fresh run
# starts over, --resume says so); --resume with a mistyped --out creates nothing.  The journal is
# read before any oracle starts: no Bochs needed.
# usage: journal_damage.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$src/tests/cli/lib.sh"
h='{"journal":"vmxaudit diff","version":1,"backend":"bochs","cpu":"corei7_skylake_x","model":"bochs-2.7","profile":"x","oracle_version":"2.7","source":"generated, seed 1","seed":1,"cases":100,"timeout_s":0.5,"engine":"0"}'
camp() { rm -rf "$tmp/c"; mkdir -p "$tmp/c"; printf '%s\n' "$@" > "$tmp/c/journal.jsonl"; }
camp "$h" '{"batch":0,"cases":[{"i":1e15,"v":"agree","o":"entered"}],"fail":{},"pass":"","secs":1,"oracle_secs":1,"oracle_runs":1}'
expect index-huge 2 'journal record 2: a case index outside the campaign.s cases: the journal is damaged' -- timeout 20 "$vx" diff --jobs 1 --resume --out "$tmp/c"
camp "$h" '{"batch":0,"cases":[{"i":-5,"v":"agree","o":"entered"}],"fail":{},"pass":"","secs":1,"oracle_secs":1,"oracle_runs":1}'
expect index-negative 2 'a case index outside' -- timeout 20 "$vx" diff --jobs 1 --resume --out "$tmp/c"
camp "$h" '{"batch":0,"cases":[{"i":100,"v":"agree","o":"entered"}],"fail":{},"pass":"","secs":1,"oracle_secs":1,"oracle_runs":1}'
expect index-one-past 2 'a case index outside' -- timeout 20 "$vx" diff --jobs 1 --resume --out "$tmp/c"
camp "$(echo "$h" | sed 's/"cases":100/"cases":-1/')"
expect cases-negative 2 'the header.s "cases" or "seed" is not a count' -- timeout 20 "$vx" diff --jobs 1 --resume --out "$tmp/c"
camp "$h" '{"batch":0,"cases":[],"secs":-3}'
expect secs-negative 2 'negative or not a number' -- timeout 20 "$vx" diff --jobs 1 --resume --out "$tmp/c"
camp "$h" '{"min":3,"file":"../../etc/passwd","runs":1}'
expect min-file-outside 2 'outside mismatches/' -- timeout 20 "$vx" diff --jobs 1 --resume --out "$tmp/c"
# a header torn by a kill: --resume points to a fresh run (which reliability.sh runs)
rm -rf "$tmp/c"; mkdir -p "$tmp/c"; printf '{"journal":"vmxaudit diff","vers' > "$tmp/c/journal.jsonl"
expect torn-header-resume 2 'holds no campaign yet .*run the campaign again without --resume' -- "$vx" diff --jobs 1 --resume --out "$tmp/c"
# --resume with a mistyped --out creates nothing
expect resume-mistyped 2 'is not a campaign.s folder' -- "$vx" diff --jobs 1 --resume --out "$tmp/nope/deeper"
[ ! -e "$tmp/nope" ] && echo "ok   resume-mistyped-creates-nothing" && pass=$((pass + 1)) || { echo "FAIL resume-mistyped-creates-nothing"; fail=$((fail + 1)); }
finish
