#!/usr/bin/env bash
# Run this repository's pre-commit hook with the real `pre-commit try-repo`
# against a temporary git repository: it must pass when only a good Go file is
# staged, and fail with the finding when a bad file is staged whose metric name
# is a constant declared in the (unstaged, committed) good file: the hook gets
# only the staged file and still resolves the name through its package.
#
# Needs `pre-commit` (pip install pre-commit), git and cargo. The hook's build
# is cached in target/pre-commit-hook (pre-commit's own store is temporary).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v pre-commit >/dev/null || {
  echo "error: pre-commit is not on PATH (pip install pre-commit)" >&2
  exit 2
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$repo_root/target/pre-commit-hook"
# A faster release build than the shipped profile: this only tests the hook.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export PRE_COMMIT_COLOR=never

cd "$work"
git init -q -b main .
git config user.name "instrlint test"
git config user.email "test@example.com"
git config commit.gpgsign false

cat >good.go <<'GO'
package shop

import "github.com/prometheus/client_golang/prometheus"

const joinsName = "shop_room_joins"

var served = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "shop_http_requests_total",
	Help: "Requests served.",
})
GO
cat >bad.go <<'GO'
package shop

import "github.com/prometheus/client_golang/prometheus"

var joins = prometheus.NewCounter(prometheus.CounterOpts{
	Name: joinsName,
	Help: "Viewers admitted.",
})
GO

try() {
  local status=0
  pre-commit try-repo "$repo_root" instrlint >"$work/out.txt" 2>&1 || status=$?
  cat "$work/out.txt"
  return "$status"
}

echo "== only good.go staged: the hook passes"
git add good.go
if ! try; then
  echo "FAIL: the hook failed on good.go alone" >&2
  exit 1
fi
grep -q "^instrlint\.*Passed" "$work/out.txt" || {
  echo "FAIL: the hook did not run on good.go" >&2
  exit 1
}
git commit -q -m good

echo "== bad.go staged (its constant is in the committed good.go): the hook fails"
git add bad.go
if try; then
  echo "FAIL: the hook passed on bad.go" >&2
  exit 1
fi
grep -q "^instrlint\.*Failed" "$work/out.txt" || {
  echo "FAIL: the hook did not fail" >&2
  exit 1
}
if ! grep -q "M105" "$work/out.txt" || ! grep -q "shop_room_joins" "$work/out.txt"; then
  echo "FAIL: the M105 finding on the resolved name is not in the output" >&2
  exit 1
fi
# Only bad.go was given and reported; good.go was read for resolution
# (the related site above), not checked.
if ! grep -q "^checked 1 file in " "$work/out.txt" || grep -q "good.go:[0-9]*:[0-9]*\]" "$work/out.txt"; then
  echo "FAIL: files other than bad.go were reported" >&2
  exit 1
fi
echo "pre-commit hook: ok"
