#!/usr/bin/env bash
# The logic of the instrlint GitHub Action (action.yml runs it). It reads the
# action's inputs from INPUT_* variables and writes to the files GitHub names
# in GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, so it also runs outside Actions
# (the tests point those at temporary files).
#
#   action.sh          build or find instrlint, lint, print annotations, write
#                      the job summary, the SARIF report and the step outputs;
#                      exits 0 unless instrlint could not run (exit 2)
#   action.sh --fail   fail the step: EXIT_CODE, FINDINGS, FAIL_ON from the lint step
#
# INSTRLINT_BIN, when set, is the instrlint binary to run (nothing is built).
set -euo pipefail

if [[ "${1:-}" == "--fail" ]]; then
  echo "::error title=instrlint::${FINDINGS:-some} finding(s) at or above --fail-on ${FAIL_ON:-warning} (exit code ${EXIT_CODE:-1})"
  exit "${EXIT_CODE:-1}"
fi

: "${GITHUB_OUTPUT:?GITHUB_OUTPUT must name the step output file}"
: "${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY must name the job summary file}"

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
workspace="${GITHUB_WORKSPACE:-$PWD}"
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
version="${INPUT_VERSION:-}"
paths="${INPUT_PATHS:-.}"
extra_args="${INPUT_ARGS:-}"
workdir="${INPUT_WORKING_DIRECTORY:-.}"
fail_on="${INPUT_FAIL_ON:-warning}"
diff_base="${INPUT_DIFF_BASE:-}"
sarif="${INPUT_SARIF_FILE:-}"

case "$fail_on" in
  error | warning | note | never) ;;
  *)
    echo "::error title=instrlint::fail-on must be error, warning, note or never, not '$fail_on'"
    exit 2
    ;;
esac

# Which instrlint.
if [[ -n "${INSTRLINT_BIN:-}" ]]; then
  bin="$INSTRLINT_BIN"
elif [[ -z "$version" ]]; then
  echo "::group::Build instrlint from $action_path"
  cargo build --release --locked --manifest-path "$action_path/Cargo.toml" -p instrlint_cli >&2
  echo "::endgroup::"
  bin="$action_path/target/release/instrlint"
else
  echo "::group::Install instrlint $version"
  cargo install --locked --root "$temp/instrlint-$version" \
    --git "${INSTRLINT_REPOSITORY:-https://github.com/instrlint/instrlint}" --rev "$version" \
    instrlint_cli >&2
  echo "::endgroup::"
  bin="$temp/instrlint-$version/bin/instrlint"
fi

# Which lines: the pull request's base by default, nothing on pushes.
case "$diff_base" in
  none | off | false) diff_base="" ;;
  "")
    if [[ "${GITHUB_EVENT_NAME:-}" == pull_request* ]]; then
      diff_base="${PR_BASE_SHA:-}"
    fi
    ;;
esac

if [[ -z "$sarif" ]]; then
  sarif="$temp/instrlint.sarif"
elif [[ "$sarif" != /* ]]; then
  sarif="$workspace/$sarif"
fi

mkdir -p "$(dirname "$sarif")"
cd "$workspace"
cd "$workdir"

read -r -d '' -a path_list <<<"$paths" || true
read -r -d '' -a arg_list <<<"$extra_args" || true
common=("${path_list[@]}" "${arg_list[@]}")
if [[ -n "$diff_base" ]]; then
  common+=(--diff-base "$diff_base")
fi

# One run per format; the first shows instrlint's own messages.
annotations="$(mktemp)"
errors="$(mktemp)"
trap 'rm -f "$annotations" "$errors"' EXIT

status=0
"$bin" check "${common[@]}" --format github --fail-on never >"$annotations" || status=$?
if [[ $status -ne 0 ]]; then
  echo "::error title=instrlint::instrlint check failed with exit code $status"
  echo "exit-code=$status" >>"$GITHUB_OUTPUT"
  exit "$status"
fi
cat "$annotations"
findings="$(grep -c '^::' "$annotations" || true)"

"$bin" check "${common[@]}" --format markdown --fail-on never >>"$GITHUB_STEP_SUMMARY" 2>"$errors" || {
  cat "$errors" >&2
  exit 2
}

code=0
"$bin" check "${common[@]}" --format sarif --output "$sarif" --fail-on "$fail_on" 2>"$errors" || code=$?
if [[ $code -ne 0 && $code -ne 1 ]]; then
  cat "$errors" >&2
  echo "exit-code=$code" >>"$GITHUB_OUTPUT"
  exit "$code"
fi

{
  echo "sarif-file=$sarif"
  echo "findings=$findings"
  echo "exit-code=$code"
} >>"$GITHUB_OUTPUT"
