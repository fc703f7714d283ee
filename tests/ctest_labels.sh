#!/bin/sh
# Every test this build registered carries one of the labels unit, cli, oracle, build (tests/
# CMakeLists.txt says what each means), and no CMakeLists.txt outside tests/ registers a test.
# usage: tests/ctest_labels.sh BUILD_DIR SOURCE_DIR
set -eu
build=${1:?usage: ctest_labels.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: ctest_labels.sh BUILD_DIR SOURCE_DIR}
status=0
outside=$(cd "$src" && grep -rln --include=CMakeLists.txt -E '^[[:space:]]*add_test[[:space:]]*\(' . |
          grep -v -E '^\./(tests/|build)' || true)
if [ -n "$outside" ]; then
    echo "ctest_labels: tests registered outside tests/CMakeLists.txt:" >&2
    echo "$outside" >&2
    status=1
fi
ctest --test-dir "$build" --show-only=json-v1 | python3 -c '
import json, sys
tests = json.load(sys.stdin)["tests"]
kinds = {"unit", "cli", "oracle", "build"}
bad = []
for t in tests:
    labels = set()
    for p in t.get("properties", []):
        if p["name"] == "LABELS":
            labels = set(p["value"])
    if not labels & kinds:
        bad.append(t["name"])
for name in bad:
    print("ctest_labels: %s has none of the labels unit, cli, oracle, build" % name, file=sys.stderr)
print("ctest_labels: %d tests, %d unlabelled" % (len(tests), len(bad)))
sys.exit(1 if bad or not tests else 0)
' || status=1
exit $status
