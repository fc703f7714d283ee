# skip.sh — sourced by the test scripts: a test that cannot run here.
#   skip_missing PACKAGES WHY: a Debian package is not installed: skipped (exit 77, CTest's
#     SKIP_RETURN_CODE), but under CI=true, where .ci/run installs every package, a failure
#     (exit 1): a test must not pass quietly because CI lacks what it needs.
# (A machine that cannot run a test, such as KVM without VMX, is a plain skip: exit 77.)
skip_missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $2: install $1 (.ci/packages-test); CI=true makes a missing package a failure"
    exit 1
  fi
  echo "SKIP: $2 (apt-get install $1, see .ci/packages-test)"
  exit 77
}
