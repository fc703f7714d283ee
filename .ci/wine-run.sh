#!/bin/sh
# wine-run.sh — run the Windows build of vmxaudit under Wine for the CLI tests, retrying an
# invocation that Wine itself failed.
#
# Now and then a Wine invocation exits 1 with "wine client error:0: recvmsg: Connection reset by
# peer" (its connection to the wineserver broke), a different test each run.  That is Wine, not
# vmxaudit: the program never prints a line starting "wine client error" or "wine: ".  Such an
# invocation is run again (at most 3 tries in all), with the same input, and only the last try's
# output is passed on; each retry is logged in $VXA_WINE_RETRY_LOG so the CI log can count them.
# A failure of the program itself (any other exit status or output) is passed on unchanged.
# usage: VXA_WINE_EXE=path/to/vmxaudit.exe wine-run.sh ARGS...
set -u
wine=$(command -v wine64 || command -v wine)
exe=${VXA_WINE_EXE:?VXA_WINE_EXE names the .exe}
d=$(mktemp -d "${TMPDIR:-/tmp}/wine-run.XXXXXX") || exit 125
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT TERM

# The input is read once, so that a retry gets the same bytes.
if [ -t 0 ]; then in=/dev/stdin; else cat > "$d/in"; in=$d/in; fi
# Where stdout and stderr are the same file (2>&1), one capture keeps their order.
same=0
[ "$(readlink /proc/$$/fd/1 2>/dev/null)" = "$(readlink /proc/$$/fd/2 2>/dev/null)" ] && same=1

try=1
while :; do
  if [ $same = 1 ]; then
    "$wine" "$exe" "$@" < "$in" > "$d/out" 2>&1; st=$?
    cp "$d/out" "$d/err"
  else
    "$wine" "$exe" "$@" < "$in" > "$d/out" 2> "$d/err"; st=$?
  fi
  if [ $st -ne 0 ] && [ $try -lt 3 ] && grep -q -E '^(wine client error|wine: )' "$d/err"; then
    [ -n "${VXA_WINE_RETRY_LOG:-}" ] &&
      printf 'retry %d: exit %d: %s: %s\n' "$try" "$st" "$*" "$(grep -m1 -E '^(wine client error|wine: )' "$d/err")" \
        >> "$VXA_WINE_RETRY_LOG"
    wineserver -p >/dev/null 2>&1   # a wineserver that went away is started again
    try=$((try + 1))
    continue
  fi
  break
done
cat "$d/out"
[ $same = 1 ] || cat "$d/err" >&2
exit $st
