#!/bin/sh
# test_completion.sh — the generated bash completion offers only what the CLI accepts: for every
# command and subcommand it offers, each option, each value it offers for an option, and each
# argument word (check IDs, error numbers, profile names, subcommands) is run through the CLI.
# Options are checked as `CMD --help OPT [VALUE]`: --help is honoured once the whole line
# parses, so nothing runs; an unknown option or value exits 2 naming it.
# usage: test_completion.sh VMXAUDIT SOURCE_DIR
set -u
vx=$1
src=$2
. "$(dirname "$0")/lib.sh"

command -v bash >/dev/null 2>&1 || { echo "FAIL bash is needed to run the completion"; exit 1; }
"$vx" help --bash-completion > "$tmp/vmxaudit.bash" || { echo "FAIL help --bash-completion"; exit 1; }
bash -n "$tmp/vmxaudit.bash" || { echo "FAIL the completion script has a syntax error"; exit 1; }
mkdir -p "$tmp/bin"
ln -s "$(cd "$(dirname "$vx")" && pwd)/$(basename "$vx")" "$tmp/bin/vmxaudit"
# complete WORDS...: what the completion offers for the last word, one a line
complete() {
  PATH="$tmp/bin:$PATH" bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vmxaudit; printf "%s\n" "${COMPREPLY[@]}"' \
    "$tmp/vmxaudit.bash" vmxaudit "$@" | sed '/^$/d'
}
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; sed 's/^/  | /' "$tmp/out" | head -5; fail=$((fail + 1)); }

# accepted NAME CMD...: the CLI takes the line (exit 0), or wants a value for the option last
# given; never "unknown option" nor a rejected value.
accepted() {
  name=$1; shift
  "$vx" "$@" >"$tmp/out" 2>&1; st=$?
  if [ $st -eq 0 ] || { [ $st -eq 2 ] && grep -q "needs a value" "$tmp/out"; }; then return 0; fi
  bad "$name: vmxaudit $* exits $st"; return 1
}

top=$(complete '')
for c in check checks explain repair fields profile import interactive oracle test diff minimize bench help; do
  printf '%s\n' "$top" | grep -qx "$c" && ok "offers-$c" || { : > "$tmp/out"; bad "offers-$c: not offered"; }
done

# Every command path the completion leads to: the top words, then the subcommand words of each.
paths=""
for w in $top; do
  case $w in
    -*) accepted "top-$w" "$w" && ok "top-$w" ;;
    *) accepted "command-$w" "$w" --help && ok "command-$w"; paths="$paths $w" ;;
  esac
done
nwords=0
for c in $paths; do
  for w in $(complete "$c" ''); do
    # a subcommand: its own help
    if "$vx" "$c" "$w" --help 2>/dev/null | head -1 | grep -q "^usage: vmxaudit $c $w\b"; then
      paths="$paths $c:$w"
    fi
  done
done

for p in $paths; do
  set -- $(echo "$p" | tr ':' ' ')
  cmd="$*"
  # its argument words: accepted by the parser, and by the command itself where it is cheap
  for w in $(complete "$@" ''); do
    case $w in -*) continue ;; esac
    nwords=$((nwords + 1))
    if printf '%s\n' "$paths" | tr ' ' '\n' | grep -qx "$p:$w"; then continue; fi   # a subcommand
    accepted "$cmd-arg-$w" "$@" --help "$w" || continue
    case $cmd in
      explain|"explain error"|"explain exit"|"profile show"|help)
        "$vx" "$@" "$w" > "$tmp/out" 2>&1 || bad "$cmd $w: offered but rejected" ;;
    esac
  done
  # its options and their values
  opts=$(complete "$@" -)
  [ -n "$opts" ] || { : > "$tmp/out"; bad "$cmd: no options offered (not even --help)"; continue; }
  for o in $opts; do
    accepted "$cmd $o" "$@" --help "$o" || continue
    if grep -q "needs a value" "$tmp/out"; then
      for v in $(complete "$@" "$o" ''); do
        nwords=$((nwords + 1))
        accepted "$cmd $o $v" "$@" --help "$o" "$v"
      done
    fi
  done
  ok "completion-$cmd"
done
echo "     ($nwords words offered for arguments and values)"

# The words the issue found wrong, and the --opt=value form.
complete import - > "$tmp/out"; grep -qx -- --observed "$tmp/out" && bad "import offers --observed" || ok "import-no-observed"
complete profile import - > "$tmp/out"; grep -qx -- -a "$tmp/out" && bad "profile import offers -a" || ok "profile-import-no-a"
complete check --format = j > "$tmp/out"; grep -qx json "$tmp/out" && ok "equals-value" || bad "equals-value: --format=j"
complete check --profile il-xeon-81 > "$tmp/out"; grep -qx il-xeon-8180-skylake-sp "$tmp/out" && ok "profile-names" || bad "profile-names"
complete explain vmlaunch_c > "$tmp/out"; grep -qx VMLAUNCH_CPL "$tmp/out" && ok "check-ids" || bad "check-ids"
complete explain error 2 > "$tmp/out"; grep -qx 28 "$tmp/out" && ok "error-numbers" || bad "error-numbers"
complete oracle run --backend '' > "$tmp/out"; grep -qx bochs "$tmp/out" && ok "oracle-backends" || bad "oracle-backends"
complete interactive --layout '' > "$tmp/out"; grep -qx linux64 "$tmp/out" && ok "layouts" || bad "layouts"

finish
