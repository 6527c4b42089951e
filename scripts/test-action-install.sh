#!/usr/bin/env bash
# The GitHub Action's binary install, as action.yml runs it (scripts/action.sh
# plan, install, lint), from a local `python3 -m http.server` serving the
# release archive that scripts/package.sh built, with no cargo on PATH:
#   - it installs and lints examples/livestream; the install time is printed;
#   - a second install finds the binary in the runner's tool cache;
#   - a wrong checksum fails the install and leaves nothing in the cache;
#   - an action ref that is not a release tag (@main) plans a source build.
#
#   scripts/test-action-install.sh ARCHIVE
#
# ARCHIVE is dist/instrlint-x86_64-unknown-linux-musl.tar.gz, its .sha256 beside it.
set -euo pipefail

archive="$(cd "$(dirname "${1:?usage: scripts/test-action-install.sh ARCHIVE}")" && pwd)/$(basename "$1")"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="v$("$repo/scripts/check-version.sh")"
name="$(basename "$archive")"
[[ -f "$archive" && -f "$archive.sha256" ]] || {
  echo "error: $archive or its .sha256 is missing" >&2
  exit 2
}

work="$(mktemp -d)"
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# good/: the archive and its checksum; bad/: the archive and a wrong one.
mkdir -p "$work/srv/good/$version" "$work/srv/bad/$version"
cp "$archive" "$archive.sha256" "$work/srv/good/$version/"
cp "$archive" "$work/srv/bad/$version/"
echo "0000000000000000000000000000000000000000000000000000000000000000  $name" >"$work/srv/bad/$version/$name.sha256"

python3 -u -m http.server --bind 127.0.0.1 --directory "$work/srv" 0 >"$work/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/^Serving HTTP on [0-9.]* port \([0-9]*\).*/\1/p' "$work/server.log")"
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || {
  echo "error: the HTTP server did not start" >&2
  cat "$work/server.log" >&2
  exit 2
}
base="http://127.0.0.1:$port"

# A runner with no Rust toolchain: only the system's directories on PATH.
runner() {
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$work" \
    RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$work/tmp" RUNNER_TOOL_CACHE="$work/$1" \
    GITHUB_OUTPUT="$work/output" GITHUB_STEP_SUMMARY="$work/summary" GITHUB_PATH="$work/path" \
    GITHUB_WORKSPACE="$repo" GITHUB_EVENT_NAME=push \
    GITHUB_ACTION_PATH="$work/_actions/instrlint/instrlint/$version" "${@:2}"
}
value() { sed -n "s/^$1=//p" "$work/output" | tail -1; }
mkdir -p "$work/tmp" "$work/_actions/instrlint/instrlint"
ln -s "$repo" "$work/_actions/instrlint/instrlint/$version"
: >"$work/output"
: >"$work/summary"
if runner tc bash -c 'command -v cargo' >/dev/null; then
  echo "error: cargo is on the test runner's PATH" >&2
  exit 2
fi

echo "== plan at $version: a binary install of $version"
runner tc bash "$repo/scripts/action.sh" plan
[[ "$(value mode)" == binary && "$(value version)" == "$version" ]] || {
  echo "FAIL: plan chose mode=$(value mode) version=$(value version)" >&2
  exit 1
}

echo "== install from $base/good (no cargo on PATH)"
started="$(date +%s%N)"
runner tc env INSTRLINT_MODE=binary INSTRLINT_VERSION="$version" \
  INSTRLINT_DOWNLOAD_URL="$base/good" bash "$repo/scripts/action.sh" install
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
bin="$(value bin)"
[[ "$bin" == "$work/tc/instrlint/${version#v}/x86_64-unknown-linux-musl/instrlint" && -f "$(dirname "$bin").complete" ]] || {
  echo "FAIL: not installed in the tool cache: '$bin'" >&2
  exit 1
}
"$bin" --version | grep -qx "instrlint ${version#v}" || {
  echo "FAIL: $bin --version: $("$bin" --version)" >&2
  exit 1
}
grep -qx "$(dirname "$bin")" "$work/path" || {
  echo "FAIL: the binary's directory was not added to GITHUB_PATH" >&2
  exit 1
}
echo "action install time: ${elapsed_ms} ms (download, sha256 check, unpack into the tool cache)"

echo "== lint examples/livestream with it"
runner tc env INSTRLINT_BIN="$bin" INPUT_PATHS=examples/livestream INPUT_FAIL_ON=warning \
  bash "$repo/scripts/action.sh" lint >"$work/lint.out"
[[ "$(value exit-code)" == 1 && "$(value findings)" -gt 0 ]] || {
  echo "FAIL: lint outputs: exit-code=$(value exit-code) findings=$(value findings)" >&2
  cat "$work/lint.out" >&2
  exit 1
}
grep -q '^## instrlint' "$work/summary" || {
  echo "FAIL: no job summary" >&2
  exit 1
}

echo "== a second install uses the tool cache"
runner tc env INSTRLINT_MODE=binary INSTRLINT_VERSION="$version" \
  INSTRLINT_DOWNLOAD_URL="$base/nowhere" bash "$repo/scripts/action.sh" install 2>"$work/cached.err"
grep -q "found in the tool cache" "$work/cached.err" || {
  echo "FAIL: the tool cache was not used" >&2
  cat "$work/cached.err" >&2
  exit 1
}

echo "== a wrong checksum fails the step"
status=0
runner tc2 env INSTRLINT_MODE=binary INSTRLINT_VERSION="$version" \
  INSTRLINT_DOWNLOAD_URL="$base/bad" bash "$repo/scripts/action.sh" install >"$work/bad.out" 2>&1 || status=$?
cat "$work/bad.out"
if [[ $status -eq 0 ]] || ! grep -q "checksum mismatch" "$work/bad.out"; then
  echo "FAIL: a wrong checksum did not fail the install (exit $status)" >&2
  exit 1
fi
if [[ -e "$work/tc2/instrlint" ]]; then
  echo "FAIL: a binary with a wrong checksum was kept in the tool cache" >&2
  exit 1
fi

echo "== a missing release fails the step"
status=0
runner tc3 env INSTRLINT_MODE=binary INSTRLINT_VERSION=v99.0.0 \
  INSTRLINT_DOWNLOAD_URL="$base/good" bash "$repo/scripts/action.sh" install >"$work/missing.out" 2>&1 || status=$?
if [[ $status -eq 0 ]] || ! grep -q "cannot download" "$work/missing.out"; then
  echo "FAIL: a missing release did not fail the install (exit $status)" >&2
  cat "$work/missing.out" >&2
  exit 1
fi

echo "== at @main (not a release tag) the plan is a source build"
rm "$work/_actions/instrlint/instrlint/$version"
ln -s "$repo" "$work/_actions/instrlint/instrlint/main"
: >"$work/output"
env -i PATH=/usr/bin:/bin GITHUB_OUTPUT="$work/output" RUNNER_OS=Linux RUNNER_ARCH=X64 \
  GITHUB_ACTION_PATH="$work/_actions/instrlint/instrlint/main" bash "$repo/scripts/action.sh" plan
[[ "$(value mode)" == source && -z "$(value version)" && "$(value cache-key)" =~ ^instrlint-source-Linux-X64-[0-9a-f]{64}$ ]] || {
  echo "FAIL: plan at main: mode=$(value mode) version=$(value version) key=$(value cache-key)" >&2
  exit 1
}
echo "action install: ok (${elapsed_ms} ms)"
