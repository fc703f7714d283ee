#!/bin/sh
# generator_version.sh — case i of seed S depends on the generator's version
# (VXA_GENERATOR_VERSION, harness/diff/generator.h), which a generated campaign's journal header
# records: --resume of a journal written by another version, or by one before the header carried
# it (version 1), is refused with exit 2 naming both versions, before any oracle starts (no Bochs
# needed).  main's binary before the check resumed both (exit 0).
# usage: generator_version.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$src/tests/cli/lib.sh"
h='{"journal":"vmxaudit diff","version":1,"backend":"bochs","cpu":"corei7_skylake_x","model":"bochs-2.7","profile":"x","oracle_version":"2.7","source":"generated, seed 1","seed":1,"cases":100,"timeout_s":0.5,"engine":"0"}'
b='{"batch":0,"cases":[{"i":1,"v":"agree","o":"entered"}],"fail":{},"pass":"","secs":1,"oracle_secs":1,"oracle_runs":1}'
camp() { rm -rf "$tmp/c"; mkdir -p "$tmp/c"; printf '%s\n' "$@" > "$tmp/c/journal.jsonl"; }
camp "$h" "$b"
expect no-generator-key 2 'generator version 1.*this vmxaudit generates version [0-9]' -- timeout 20 "$vx" diff --resume --out "$tmp/c"
camp "$(echo "$h" | sed 's/"cases":100/"cases":100,"generator":1/')" "$b"
expect older-generator 2 'generator version 1.*this vmxaudit generates version [0-9]' -- timeout 20 "$vx" diff --resume --out "$tmp/c"
finish
