#!/usr/bin/env bash
# The logic of the instrlint GitHub Action (action.yml runs it, one
# subcommand per step). It reads the action's inputs from INPUT_* variables
# and writes to the files GitHub names in GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
# and GITHUB_PATH, so it also runs outside Actions (the tests point those at
# temporary files).
#
#   action.sh plan      choose how to install: `binary` (a release archive:
#                       `version`, default the action's own tag) or `source`
#                       (cargo; `install-mode: source`, or an action ref that
#                       is not a release tag, such as @main); outputs mode,
#                       version and the source build's cache key
#   action.sh install   install it: download the release archive for this
#                       runner, check its SHA-256, keep it in the runner's tool
#                       cache (RUNNER_TOOL_CACHE/instrlint/VERSION/ARCH); or
#                       build it with cargo. Outputs `bin`.
#   action.sh [lint]    lint once with INSTRLINT_BIN (installed first when
#                       unset): annotations and the exit code follow
#                       --diff-base, the job summary too, and the SARIF report
#                       holds every finding (code scanning treats an upload as
#                       the branch's whole state). Outputs sarif-file,
#                       findings, exit-code; exits 0 unless instrlint could
#                       not run (2).
#   action.sh --fail    fail the step: EXIT_CODE, FINDINGS, FAIL_ON from the lint step
#
# INSTRLINT_BIN, when set, is the instrlint binary to run (nothing is
# installed). INSTRLINT_DOWNLOAD_URL (or the `download-url` input) replaces
# the release download base, https://github.com/instrlint/instrlint/releases/download:
# archives are fetched from BASE/VERSION/instrlint-TARGET.tar.gz (.zip on
# Windows) with BASE/VERSION/instrlint-TARGET.tar.gz.sha256 beside them.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
release_tag='^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$'

die() {
  echo "::error title=instrlint::$1"
  exit "${2:-2}"
}

output() {
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    echo "$1" >>"$GITHUB_OUTPUT"
  fi
}

# SHA-256 of a file, in hex.
sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  fi
}

# The tag the action runs at: GitHub checks a `uses: owner/repo@REF` action
# out into .../_actions/owner/repo/REF. (github.action_ref, passed as
# ACTION_REF, is often empty inside composite actions.)
action_ref() {
  if [[ "${ACTION_REF:-}" =~ $release_tag ]]; then
    echo "$ACTION_REF"
  else
    basename "$action_path"
  fi
}

# The version to install: the `version` input (`v` added to a bare `1.2.3`),
# else the action's own ref.
wanted_version() {
  local v="${INPUT_VERSION:-}"
  if [[ -z "$v" ]]; then
    action_ref
  elif [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]]; then
    echo "v$v"
  else
    echo "$v"
  fi
}

# Sets `mode` (given, binary or source) and `version` (empty: the action's
# own checkout) from the inputs.
decide() {
  mode="${INPUT_INSTALL_MODE:-binary}"
  version="$(wanted_version)"
  case "$mode" in
    binary)
      if [[ -n "${INSTRLINT_BIN:-}" ]]; then
        mode="given"
      elif ! [[ "$version" =~ $release_tag ]]; then
        mode="source"
        if [[ -n "${INPUT_VERSION:-}" ]]; then
          echo "::notice title=instrlint::version '$version' is not a release tag: building it from source with cargo"
        else
          echo "::notice title=instrlint::the action runs at '$version', not a release tag: building instrlint from source (pin a release tag, or set version, to install the released binary without cargo)"
          version=""
        fi
      fi
      ;;
    source)
      # The action's own checkout unless another version is asked for.
      if [[ -z "${INPUT_VERSION:-}" || "$version" == "$(action_ref)" ]]; then
        version=""
      fi
      ;;
    *) die "install-mode must be binary or source, not '$mode'" ;;
  esac
}

plan() {
  local mode version
  decide
  local prefix key
  prefix="instrlint-source-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-"
  if [[ "$mode" == source && -z "$version" ]]; then
    # The build of the action's checkout: keyed by its sources, not by
    # github.action_ref (unreliable in composite actions).
    local sums
    sums="$(mktemp)"
    (
      cd "$action_path" || exit 0
      find Cargo.toml Cargo.lock crates rules -type f \
        \( -name '*.rs' -o -name '*.toml' -o -name '*.md' -o -name Cargo.lock \) -print 2>/dev/null || true
    ) |
      LC_ALL=C sort | while IFS= read -r f; do
      printf '%s %s\n' "$(sha256 "$action_path/$f")" "$f"
    done >"$sums"
    key="$prefix$(sha256 "$sums")"
    rm -f "$sums"
  else
    key="$prefix${version:-none}"
  fi
  echo "instrlint: install mode $mode${version:+, version $version}"
  output "mode=$mode"
  output "version=$version"
  output "cache-key=$key"
  output "cache-prefix=$prefix"
}

# The release target of this runner, and its archive's extension.
release_target() {
  local os="${RUNNER_OS:-}" arch="${RUNNER_ARCH:-}"
  if [[ -z "$os" ]]; then
    case "$(uname -s)" in
      Linux) os=Linux ;;
      Darwin) os=macOS ;;
      MINGW* | MSYS* | CYGWIN*) os=Windows ;;
      *) os="$(uname -s)" ;;
    esac
  fi
  if [[ -z "$arch" ]]; then
    case "$(uname -m)" in
      x86_64 | amd64) arch=X64 ;;
      aarch64 | arm64) arch=ARM64 ;;
      *) arch="$(uname -m)" ;;
    esac
  fi
  case "$os/$arch" in
    Linux/X64) echo "x86_64-unknown-linux-musl tar.gz" ;;
    Linux/ARM64) echo "aarch64-unknown-linux-musl tar.gz" ;;
    macOS/X64) echo "x86_64-apple-darwin tar.gz" ;;
    macOS/ARM64) echo "aarch64-apple-darwin tar.gz" ;;
    Windows/X64) echo "x86_64-pc-windows-msvc zip" ;;
    *) die "no instrlint release binary for $os/$arch: set install-mode: source (needs cargo)" ;;
  esac
}

download() {
  local url="$1" dest="$2"
  if command -v curl >/dev/null; then
    curl -fsSL --retry 3 --retry-delay 2 -o "$dest" "$url"
  elif command -v wget >/dev/null; then
    wget -q -O "$dest" "$url"
  else
    die "neither curl nor wget is installed: cannot download $url"
  fi
}

install_binary() {
  local version="$1" started target ext
  started="$(date +%s)"
  read -r target ext <<<"$(release_target)"
  local exe="instrlint"
  [[ "$ext" == zip ]] && exe="instrlint.exe"
  local cache="${RUNNER_TOOL_CACHE:-$temp/tool-cache}/instrlint/${version#v}/$target"
  if [[ -f "$cache.complete" && -x "$cache/$exe" ]]; then
    echo "instrlint $version ($target) found in the tool cache: $cache" >&2
    bin="$cache/$exe"
    return
  fi
  local base="${INSTRLINT_DOWNLOAD_URL:-${INPUT_DOWNLOAD_URL:-https://github.com/instrlint/instrlint/releases/download}}"
  local name="instrlint-$target"
  local url="${base%/}/$version/$name.$ext"
  local work
  work="$(mktemp -d "$temp/instrlint-download.XXXXXX")"
  echo "::group::Install instrlint $version ($target) from $url" >&2
  download "$url" "$work/$name.$ext" ||
    die "cannot download $url (is $version an instrlint release? for a commit or branch use install-mode: source)"
  download "$url.sha256" "$work/$name.$ext.sha256" || die "cannot download $url.sha256"
  local expected actual
  expected="$(cut -d' ' -f1 <"$work/$name.$ext.sha256" | tr -d '\r\n')"
  actual="$(sha256 "$work/$name.$ext")"
  if [[ ! "$expected" =~ ^[0-9a-f]{64}$ || "$expected" != "$actual" ]]; then
    rm -rf "$work"
    die "checksum mismatch for $url: expected ${expected:-nothing}, got $actual; not installed" 1
  fi
  echo "sha256 $actual: ok" >&2
  mkdir -p "$work/x"
  if [[ "$ext" == zip ]]; then
    if command -v unzip >/dev/null; then
      unzip -q "$work/$name.$ext" -d "$work/x"
    elif command -v 7z >/dev/null; then
      7z x -bd -y -o"$work/x" "$work/$name.$ext" >/dev/null
    else
      powershell -NoProfile -Command "Expand-Archive -Path '$work/$name.$ext' -DestinationPath '$work/x'"
    fi
  else
    tar -xzf "$work/$name.$ext" -C "$work/x"
  fi
  [[ -f "$work/x/$name/$exe" ]] || die "$url holds no $name/$exe"
  rm -rf "$cache"
  mkdir -p "$cache"
  mv "$work/x/$name/$exe" "$cache/$exe"
  chmod +x "$cache/$exe"
  touch "$cache.complete"
  rm -rf "$work"
  echo "::endgroup::" >&2
  echo "installed instrlint $version ($target) in $(($(date +%s) - started)) s: $cache/$exe" >&2
  bin="$cache/$exe"
}

install_source() {
  local version="$1"
  command -v cargo >/dev/null ||
    die "building instrlint from source needs cargo (a Rust toolchain) on the runner: pin a release tag of the action, or set version to a release, to install the binary instead"
  if [[ -z "$version" ]]; then
    echo "::group::Build instrlint from $action_path" >&2
    cargo build --release --locked --manifest-path "$action_path/Cargo.toml" -p instrlint_cli >&2
    echo "::endgroup::" >&2
    bin="$action_path/target/release/instrlint"
  else
    echo "::group::Install instrlint $version with cargo" >&2
    cargo install --locked --root "$temp/instrlint-$version" \
      --git "${INSTRLINT_REPOSITORY:-https://github.com/instrlint/instrlint}" --rev "$version" \
      instrlint_cli >&2
    echo "::endgroup::" >&2
    bin="$temp/instrlint-$version/bin/instrlint"
  fi
}

# Sets `bin`.
install() {
  if [[ -n "${INSTRLINT_BIN:-}" ]]; then
    bin="$INSTRLINT_BIN"
    return
  fi
  local mode="${INSTRLINT_MODE:-}" version="${INSTRLINT_VERSION:-}"
  if [[ -z "$mode" ]]; then
    # Not planned by an earlier step (a run outside action.yml).
    decide
  fi
  case "$mode" in
    binary) install_binary "$version" ;;
    source) install_source "$version" ;;
    *) die "unknown install mode '$mode'" ;;
  esac
  if [[ -n "${GITHUB_PATH:-}" ]]; then
    dirname "$bin" >>"$GITHUB_PATH"
  fi
}

lint() {
  : "${GITHUB_OUTPUT:?GITHUB_OUTPUT must name the step output file}"
  : "${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY must name the job summary file}"
  local workspace="${GITHUB_WORKSPACE:-$PWD}"
  local paths="${INPUT_PATHS:-.}" extra_args="${INPUT_ARGS:-}" workdir="${INPUT_WORKING_DIRECTORY:-.}"
  local fail_on="${INPUT_FAIL_ON:-warning}" diff_base="${INPUT_DIFF_BASE:-}" sarif="${INPUT_SARIF_FILE:-}"

  case "$fail_on" in
    error | warning | note | never) ;;
    *) die "fail-on must be error, warning, note or never, not '$fail_on'" ;;
  esac

  local bin
  install
  bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

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

  if [[ -n "$diff_base" ]] && git rev-parse --git-dir >/dev/null 2>&1 &&
    ! git merge-base "$diff_base" HEAD >/dev/null 2>&1; then
    echo "exit-code=2" >>"$GITHUB_OUTPUT"
    die "the diff base $diff_base (or its merge base with HEAD) is not in this checkout: check out with \`fetch-depth: 0\` (actions/checkout fetches one commit by default)"
  fi

  local path_list arg_list
  read -r -d '' -a path_list <<<"$paths" || true
  read -r -d '' -a arg_list <<<"$extra_args" || true
  local common=("${path_list[@]}" "${arg_list[@]}")
  if [[ -n "$diff_base" ]]; then
    common+=(--diff-base "$diff_base")
  fi

  # One run: annotations on standard output, the summary and the full SARIF
  # as reports of the same run.
  local annotations summary
  annotations="$(mktemp)"
  summary="$(mktemp)"
  # shellcheck disable=SC2064 # expand now: the variables are local
  trap "rm -f '$annotations' '$summary'" EXIT

  local code=0
  "$bin" check "${common[@]}" --format github --fail-on "$fail_on" \
    --report "markdown=$summary" --full-report "sarif=$sarif" >"$annotations" || code=$?
  cat "$annotations"
  if [[ $code -ne 0 && $code -ne 1 ]]; then
    echo "::error title=instrlint::instrlint check failed with exit code $code"
    echo "exit-code=$code" >>"$GITHUB_OUTPUT"
    exit "$code"
  fi
  cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  local findings
  findings="$(grep -cE '^::(error|warning|notice) ' "$annotations" || true)"
  {
    echo "sarif-file=$sarif"
    echo "findings=$findings"
    echo "exit-code=$code"
  } >>"$GITHUB_OUTPUT"
}

case "${1:-lint}" in
  --fail)
    echo "::error title=instrlint::${FINDINGS:-some} finding(s) at or above --fail-on ${FAIL_ON:-warning} (exit code ${EXIT_CODE:-1})"
    exit "${EXIT_CODE:-1}"
    ;;
  plan) plan ;;
  install)
    install
    output "bin=$bin"
    ;;
  lint) lint ;;
  *) die "usage: action.sh [plan|install|lint|--fail]" ;;
esac
