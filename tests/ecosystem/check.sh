#!/usr/bin/env bash
# tests/ecosystem/check.sh: the ecosystem check of .ci/run (issue 12).
#
# Lints the 51-package Debian Go corpus (packages.txt) with the release binary
# and its default flags, and compares every finding with verdicts.tsv (see
# ecosystem.py and README.md): a finding nobody judged fails the check, a
# finding judged false that still fires is listed as a known false positive.
#
#   INSTRLINT_BIN=target/release/instrlint tests/ecosystem/check.sh
#
# INSTRLINT_BIN   the binary (default: target/release/instrlint)
# INSTRLINT_ECOSYSTEM_CORPUS
#                 an already built corpus (a directory made by go-corpus.sh,
#                 e.g. /work/corpus/go); without it the corpus is built into
#                 target/ecosystem-corpus, installing the packages with apt-get.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="${INSTRLINT_BIN:-$repo/target/release/instrlint}"
[[ -x "$bin" ]] || { echo "error: $bin is not an executable (set INSTRLINT_BIN)" >&2; exit 2; }

corpus="${INSTRLINT_ECOSYSTEM_CORPUS:-}"
if [[ -z "$corpus" ]]; then
  corpus="$repo/target/ecosystem-corpus"
  start=$SECONDS
  "$here/go-corpus.sh" "$corpus"
  echo "corpus built in $((SECONDS - start)) s (apt-get install and copy)"
fi
[[ -f "$corpus/STATS.tsv" ]] || { echo "error: $corpus is not a corpus built by go-corpus.sh" >&2; exit 2; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
start=$SECONDS
rc=0
"$bin" check "$corpus" --format json --fail-on never --output "$out/findings.json" 2>"$out/stderr" || rc=$?
if [[ "$rc" != 0 ]]; then
  cat "$out/stderr" >&2
  echo "error: instrlint exited with $rc on the corpus" >&2
  exit 1
fi
echo "instrlint: $(tail -n 1 "$out/stderr") ($((SECONDS - start)) s wall)"
python3 "$here/ecosystem.py" check "$out/findings.json" --accuracy "$repo/ACCURACY.md"
