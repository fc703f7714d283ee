#!/bin/sh
# test_tmux.sh — `vmxaudit interactive` as a person uses it: in a real terminal (a tmux pane),
# keys typed with send-keys, the screen read with capture-pane.  Checks that prompts wait for
# the answer, a violation appears on screen right after the answer that makes it certain,
# colour is used on a terminal (and not with NO_COLOR), and '.' finishes and saves the case.
# Skips (exit 77, "SKIP" on stdout) where tmux is not installed; fails there under CI=true.
# usage: test_tmux.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$(dirname "$0")/../skip.sh"
command -v tmux >/dev/null 2>&1 || skip_missing tmux "test_tmux: tmux is not installed"
. "$(dirname "$0")/lib.sh"
sock="$tmp/tmux.sock"
T() { tmux -S "$sock" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

screen() { T capture-pane -p -t vxa -S -200; }
# wait_for PATTERN [SECONDS]: until the screen shows PATTERN
wait_for() {
  i=0
  while [ $i -lt $((${2:-10} * 10)) ]; do
    screen | grep -qE -- "$1" && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
check() {   # check NAME CONDITION-STATUS
  if [ "$2" -eq 0 ]; then echo "ok   $1"; pass=$((pass + 1))
  else echo "FAIL $1"; screen | tail -30 | sed 's/^/  | /'; fail=$((fail + 1)); fi
}

# run SESSION-ENV: start vmxaudit interactive in a fresh 160x50 terminal
run() {
  T kill-server 2>/dev/null; sleep 0.2
  T -f /dev/null new-session -d -s vxa -x 160 -y 50 \
    "env $1 VMXAUDIT_CORPUS='$VMXAUDIT_CORPUS' TERM=xterm-256color '$vx' interactive --save '$tmp/case.json'; echo EXIT=\$?; sleep 60"
}

run "NO_COLOR="
wait_for 'CPU profile: .*\]: *$'; check prompt-waits-for-profile $?
T send-keys -t vxa Enter
wait_for 'Instruction .*\]: *$'; check prompt-instruction $?
T send-keys -t vxa Enter
# answer every field with Enter until HOST_CR4, which gets a value without VMXE; each key only
# once the next prompt is on screen (prompts so far: the profile and the instruction)
prompts() { screen | grep -cE '\]:( |$)'; }
n=0 st=1 seen=2
while [ $n -lt 40 ]; do
  i=0
  while [ "$(prompts)" -le $seen ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  seen=$((seen + 1))
  if screen | grep -v '^$' | tail -1 | grep -q '^  HOST_CR4 '; then
    T send-keys -t vxa -l '0x20'; T send-keys -t vxa Enter; st=0; break
  fi
  T send-keys -t vxa Enter
  n=$((n + 1))
done
check reached-host-cr4 $st
wait_for '!! .*HOST_CR4_FIXED0'; check violation-on-screen-at-once $?
screen | grep -A1 'HOST_CR4 .*\]: 0x20' | grep -q 'HOST_CR4_FIXED0'; check violation-right-after-answer $?
T capture-pane -e -p -t vxa | grep -q "$(printf '\033')\[" ; check colour-on-terminal $?
T send-keys -t vxa -l '?'; T send-keys -t vxa Enter
wait_for 'encoding 0x6c06|HOST_FS_BASE: encoding'; check help-on-terminal $?
T send-keys -t vxa -l '.'; T send-keys -t vxa Enter
wait_for 'EXIT=[0-9]' 10; check finished $?
screen | grep -q 'EXIT=1'; check exit-status-1 $?
screen | grep -q 'saved the answers as'; check saved $?
expect saved-case-audits 1 'VM-instruction error 8' -- "$vx" check "$tmp/case.json"

# Line editing and history (libedit): Left moves the cursor inside the answer (a terminal
# without line editing would put the escape sequence into the answer), Up recalls an earlier
# answer at a later prompt.
run "NO_COLOR=1"
wait_for 'CPU profile: .*\]: *$'; sleep 0.3   # the prompt is drawn before the terminal is in raw mode
T send-keys -t vxa -l 'il-i7-8700k-coffeelke'; T send-keys -t vxa Left Left; T send-keys -t vxa -l 'a'
T send-keys -t vxa Enter
wait_for 'Instruction .*\]: *$'; check edit-left-inserts $?
screen | grep -q 'MSRs \[il-xeon-8180-skylake-sp\]: il-i7-8700k-coffeelake$'; check edit-left-answer $?
sleep 0.3
T send-keys -t vxa Up
wait_for 'Instruction .*\]: il-i7-8700k-coffeelake *$' 5; check history-up-recalls $?
T send-keys -t vxa Enter
wait_for 'vmlaunch or vmresume' 5; check history-answer-checked $?
T send-keys -t vxa -l '.'; T send-keys -t vxa Enter
wait_for 'EXIT=[0-9]' 10; check edited-finished $?
screen | grep -q 'profile il-i7-8700k-coffeelake'; check edited-profile-used $?

# NO_COLOR: no escape sequences even on a terminal
run "NO_COLOR=1"
wait_for 'CPU profile: .*\]: *$'
T send-keys -t vxa -l '.'; T send-keys -t vxa Enter
wait_for 'EXIT=[0-9]' 10; check no-colour-finished $?
T capture-pane -e -p -t vxa -S -200 | grep -q "$(printf '\033')\[[0-9;]*m" && c=1 || c=0
# tmux itself may emit a reset; vmxaudit's bold/red/green (1m, 31m, 32m) must be absent
T capture-pane -e -p -t vxa -S -200 | grep -qE "$(printf '\033')\[(1|31|32|33)m" && c=1 || c=0
check no-colour-with-NO_COLOR $c
screen | grep -q 'EXIT=0'; check defaults-enter-exit-0 $?

finish
