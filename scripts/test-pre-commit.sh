#!/usr/bin/env bash
# Run one of this repository's pre-commit hooks with the real
# `pre-commit try-repo` against a temporary git repository. try-repo installs
# the hook afresh each time, so every run is a first run (the first one's time
# is printed):
#   - only a good Go file staged: the hook passes;
#   - a bad file staged whose metric name is a constant declared in the
#     (unstaged, committed) good file: it fails with the finding, since the
#     hook gets only the staged file and resolves the name through its package;
#   - only vendored code staged (vendor/acme/a.go, with a finding): it passes
#     (--force-exclude).
# The source hook, whose install is a cargo build, runs the second case only.
#
#   scripts/test-pre-commit.sh instrlint WHEEL_DIR
#       the wheel hook (`language: python`): pip installs only from WHEEL_DIR
#       (the instrlint wheel, built by maturin) and setuptools fetched beside
#       it, never from an index;
#   scripts/test-pre-commit.sh instrlint-source
#       the source hook (`language: rust`): cargo builds it, with
#       CARGO_TARGET_DIR and CARGO_BUILD_TARGET as the caller sets them.
#
# Needs `pre-commit` (pip install pre-commit) and git; the source hook cargo.
set -euo pipefail

hook="${1:?usage: scripts/test-pre-commit.sh instrlint WHEEL_DIR | instrlint-source}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v pre-commit >/dev/null || {
  echo "error: pre-commit is not on PATH (pip install pre-commit)" >&2
  exit 2
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"
export PRE_COMMIT_COLOR=never

case "$hook" in
  instrlint)
    wheels="$(cd "${2:?the wheel hook needs the directory holding the instrlint wheel}" && pwd)"
    ls "$wheels"/instrlint-*.whl >/dev/null || {
      echo "error: no instrlint wheel in $wheels" >&2
      exit 2
    }
    mkdir -p "$work/links"
    cp "$wheels"/instrlint-*.whl "$work/links/"
    # The hook's own package (pyproject.toml) builds with setuptools.
    python3 -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
      --dest "$work/links" "setuptools>=61"
    export PIP_NO_INDEX=1 PIP_FIND_LINKS="$work/links" PIP_DISABLE_PIP_VERSION_CHECK=1
    ;;
  instrlint-source) ;;
  *)
    echo "error: unknown hook '$hook'" >&2
    exit 2
    ;;
esac

mkdir "$work/repo"
cd "$work/repo"
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
mkdir -p vendor/acme
cat >vendor/acme/a.go <<'GO'
package acme

import "github.com/prometheus/client_golang/prometheus"

var hits = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "acme_cache_hits",
	Help: "Cache hits.",
})
GO

name_re="^instrlint"
[[ "$hook" == instrlint-source ]] && name_re='^instrlint \(built from source\)'
first_ms=""
try() {
  local status=0 started
  started="$(date +%s%N)"
  pre-commit try-repo "$repo_root" "$hook" >"$work/out.txt" 2>&1 || status=$?
  first_ms="${first_ms:-$((($(date +%s%N) - started) / 1000000))}"
  cat "$work/out.txt"
  return "$status"
}

git add good.go
if [[ "$hook" == instrlint ]]; then
  echo "== only good.go staged: the hook passes"
  if ! try; then
    echo "FAIL: the hook failed on good.go alone" >&2
    exit 1
  fi
  grep -qE "$name_re\.*Passed" "$work/out.txt" || {
    echo "FAIL: the hook did not run on good.go" >&2
    exit 1
  }
fi
git commit -q -m good

echo "== bad.go staged (its constant is in the committed good.go): the hook fails"
git add bad.go
if try; then
  echo "FAIL: the hook passed on bad.go" >&2
  exit 1
fi
grep -qE "$name_re\.*Failed" "$work/out.txt" || {
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
git reset -q bad.go

if [[ "$hook" == instrlint ]]; then
  echo "== only vendor/acme/a.go staged: skipped (--force-exclude), the hook passes"
  git add vendor/acme/a.go
  if ! try; then
    echo "FAIL: the hook blocked a commit of vendored code" >&2
    exit 1
  fi
fi
echo "pre-commit hook $hook: ok (first run, install included: ${first_ms} ms)"
