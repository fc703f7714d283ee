#!/bin/bash
# test_safety.sh — files read and written as a user (or an attacker) meets them, no oracle needed:
#  a case's "profile" never reads a file outside the case's folder, "-", a device or
#  a FIFO, and never echoes a file's bytes;
#  every -o is atomic and checked: /dev/full, a symbolic link (its target survives),
#  a full disk (RLIMIT_FSIZE), a folder that does not exist;
#  the exit statuses of those situations, `checks --class nope`;
#  hostile JSON and the input size cap (/dev/zero as a case).
# usage: test_safety.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$(dirname "$0")/lib.sh"
layout="$src/corpus/layouts/linux64.json"
profile() { printf '{"profile": %s, "vmcs": {}}' "$1" > "$tmp/cases/c.json"; }
mkdir -p "$tmp/cases/sub" "$tmp/o"
cp "$src/corpus/profiles/il-xeon-8180-skylake-sp.json" "$tmp/cases/sub/cpu.json"

# --- profile references ---
profile '"sub/cpu.json"'
expect ref-inside 1 'profile il-xeon-8180-skylake-sp' -- "$vx" check "$tmp/cases/c.json"
for cmd in check test repair; do
  profile '"/etc/passwd"'
  expect "ref-absolute-$cmd" 2 'absolute path' -- "$vx" $cmd "$tmp/cases/c.json"
  expect_not "ref-absolute-$cmd-not-echoed" 'root:'
done
profile '"/proc/self/environ"'
expect ref-environ 2 'absolute path' -- "$vx" check "$tmp/cases/c.json"
expect_not ref-environ-not-echoed 'PATH=|HOME='
profile '"../cases/sub/cpu.json"'
expect ref-dotdot 2 "'\.\.'" -- "$vx" check "$tmp/cases/c.json"
profile '"-"'
expect ref-stdin 2 'standard input' -- "$vx" check "$tmp/cases/c.json" </dev/null
ln -s /etc/passwd "$tmp/cases/passwd.json"
profile '"passwd.json"'
expect ref-symlink-out 2 'outside the case' -- "$vx" check "$tmp/cases/c.json"
expect_not ref-symlink-not-echoed 'root:'
ln -s /dev/zero "$tmp/cases/zero.json"
profile '"zero.json"'
expect ref-dev-zero 2 'outside the case' -- "$vx" check "$tmp/cases/c.json"
mkfifo "$tmp/cases/fifo.json"
profile '"fifo.json"'
expect ref-fifo 2 'not a regular file' -- timeout 10 "$vx" check "$tmp/cases/c.json"
printf 'SECRET-TOKEN-42 not json' > "$tmp/cases/notjson.json"
profile '"notjson.json"'
expect ref-not-echoed 2 "profile file 'notjson.json' is not a valid profile" -- "$vx" check "$tmp/cases/c.json"
expect_not ref-not-echoed-2 'SECRET-TOKEN'
printf '{"profile": "sub/cpu.json", "vmcs": {}}' | expect ref-from-stdin 2 'needs a document read from a file' -- "$vx" check -

# --- the JSON reader and the size cap ---
expect dev-zero-case 2 'input limit' -- "$vx" check /dev/zero
expect max-input 2 'larger than the input limit of 2048 bytes' -- "$vx" check --max-input 2048 "$layout"
expect max-input-enough 0 'VM entry succeeds' -- "$vx" check --max-input 1048576 "$layout"
printf '{"profile": "il-xeon-8180-skylake-sp", "vmcs": {"GUEST_CR0": 9007199254740993}}' > "$tmp/big.json"
expect number-2p53-plus-1 2 'big.json:1:[0-9]+: vmcs.GUEST_CR0: not accepted: an integer beyond 2\^53' -- "$vx" check "$tmp/big.json"
printf '{"profile": "il-xeon-8180-skylake-sp", "vmcs": {"GUEST_CR0": 1e-400}}' > "$tmp/tiny.json"
expect number-underflow 2 'too small' -- "$vx" check "$tmp/tiny.json"
printf '{"profile": "il-xeon-8180-skylake-sp", "vmcs": {"GUEST_CR0": " 12"}}' > "$tmp/space.json"
expect number-space 2 'vmcs.GUEST_CR0' -- "$vx" check "$tmp/space.json"
printf '{"profile": "il-xeon-8180-skylake-sp", "vmcs": {}} {"x": 1}' > "$tmp/two.json"
expect two-documents 2 'after the end of the JSON document' -- "$vx" check "$tmp/two.json"
printf '{"profile": "il-xeon-8180-skylake-sp", "name": "a\\u0000b", "vmcs": {}}' > "$tmp/nul.json"
expect u0000 2 'u0000' -- "$vx" check "$tmp/nul.json"
printf '{"profile": "il-xeon-8180-skylake-sp", "name": "\xff\xfe", "vmcs": {}}' > "$tmp/utf8.json"
expect bad-utf8 2 'utf8.json:1:[0-9]+: name: not accepted: a byte that is not UTF-8' -- "$vx" check "$tmp/utf8.json"
expect_not bad-utf8-not-echoed $'\xff'

# --- -o ---
printf '{"profile": "il-xeon-8180-skylake-sp", "vmcs": {}}' > "$tmp/zero.json"
expect o-dev-full 2 '/dev/full is not a regular file' -- "$vx" repair "$tmp/zero.json" -o /dev/full
expect o-dev-full-force 2 'No space left on device' -- "$vx" repair "$tmp/zero.json" -o /dev/full --force
echo KEEP > "$tmp/victim.json"
ln -s "$tmp/victim.json" "$tmp/o/link.json"
expect o-symlink 2 'is a symbolic link: refused' -- "$vx" repair "$tmp/zero.json" -o "$tmp/o/link.json"
expect o-symlink-target-survives 0 '^KEEP$' -- cat "$tmp/victim.json"
expect o-symlink-force 0 'fields changed|changed' -- "$vx" repair "$tmp/zero.json" -o "$tmp/o/link.json" --force
expect o-symlink-force-target-survives 0 '^KEEP$' -- cat "$tmp/victim.json"
[ -L "$tmp/o/link.json" ] && { echo "FAIL o-symlink-force: the link is still a link"; fail=$((fail + 1)); }
expect o-no-folder 2 'cannot create a file in its folder' -- "$vx" repair "$tmp/zero.json" -o "$tmp/nope/x.json"
expect o-folder 2 'is a folder' -- "$vx" repair "$tmp/zero.json" -o "$tmp/o"
echo OLD > "$tmp/o/full.json"
# a full disk: writes past 1 KiB fail with EFBIG (SIGXFSZ ignored, as vmxaudit itself does)
expect o-disk-full 2 'File too large.*nothing was replaced' -- bash -c "ulimit -f 1; exec \"$vx\" repair \"$tmp/zero.json\" -o \"$tmp/o/full.json\""
expect o-disk-full-old-kept 0 '^OLD$' -- cat "$tmp/o/full.json"
ls -a "$tmp/o" | grep -q '\.tmp\.' && { echo "FAIL o-disk-full: a temporary file was left"; fail=$((fail + 1)); }
expect o-replace-says-so 0 'replaced .*full.json' -- "$vx" repair "$tmp/zero.json" -o "$tmp/o/full.json"
expect import-o-dev-full 2 'not a regular file' -- "$vx" profile import --format windbg "$src/tests/cli/samples/windbg-rdmsr-i7-8700k.txt" -o /dev/full
ln -s "$tmp/victim.json" "$tmp/o/link2.json"
expect import-o-symlink 2 'symbolic link' -- "$vx" import --format xen "$src/tests/cli/samples/xen-cs-l-and-d.txt" --profile il-xeon-8180-skylake-sp -o "$tmp/o/link2.json"
expect import-o-target-survives 0 '^KEEP$' -- cat "$tmp/victim.json"

# --- exit statuses ---
expect checks-class-nope 2 "unknown class 'nope'" -- "$vx" checks --class nope
expect test-no-expectations 2 'nothing to test' -- "$vx" test "$tmp/zero.json"
finish
