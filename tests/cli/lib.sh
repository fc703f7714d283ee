# lib.sh — shared by the CLI test scripts: a temp dir, counters and expect().
# usage (sourced): vx=VMXAUDIT src=SOURCE_DIR . lib.sh
export VMXAUDIT_CORPUS="$src/corpus" NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# expect NAME STATUS PATTERN -- CMD...   (PATTERN: grep -E on stdout+stderr; empty = any)
expect() {
  name=$1 want=$2 pat=$3
  shift 4
  "$@" >"$tmp/out" 2>&1
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; sed 's/^/  | /' "$tmp/out" | head -20; fail=$((fail + 1)); return
  fi
  if [ -n "$pat" ] && ! grep -qE -- "$pat" "$tmp/out"; then
    echo "FAIL $name: output lacks /$pat/"; sed 's/^/  | /' "$tmp/out" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

# expect_not NAME PATTERN: the last command's output must not match PATTERN.
expect_not() {
  if grep -qE -- "$2" "$tmp/out"; then
    echo "FAIL $1: output matches /$2/"; sed 's/^/  | /' "$tmp/out" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $1"; pass=$((pass + 1))
}

finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
