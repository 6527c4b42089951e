#!/usr/bin/env bash
# The version of this checkout, said the same everywhere a release needs it:
# Cargo.toml's [workspace.package] version (every crate and the wheel take
# theirs from it), and pyproject.toml's version and `instrlint==` pin (the
# pre-commit hook's package). With a TAG (`v0.1.0`), also that the tag names
# it. Prints the version. Run by .ci/run and by the release workflow.
#
#   scripts/check-version.sh [TAG]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cargo_version="$(sed -n '/^\[workspace.package\]/,/^\[/ s/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml")"
stub_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/pyproject.toml")"
stub_pin="$(sed -n 's/^dependencies = \["instrlint==\(.*\)"\]$/\1/p' "$repo/pyproject.toml")"

status=0
if [[ -z "$cargo_version" ]]; then
  echo "error: no [workspace.package] version in Cargo.toml" >&2
  exit 1
fi
if [[ "$stub_version" != "$cargo_version" || "$stub_pin" != "$cargo_version" ]]; then
  echo "error: pyproject.toml says version '$stub_version' and instrlint=='$stub_pin'; Cargo.toml says $cargo_version" >&2
  status=1
fi
if [[ -n "${1:-}" && "$1" != "v$cargo_version" ]]; then
  echo "error: the tag $1 does not name the version of Cargo.toml (v$cargo_version)" >&2
  status=1
fi
if ((status == 0)); then
  echo "$cargo_version"
fi
exit "$status"
