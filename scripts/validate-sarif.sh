#!/usr/bin/env bash
# Validate instrlint's SARIF for examples/livestream with Microsoft's SARIF
# Multitool (`validate --rule-kind "Sarif;Gh"`: the SARIF rules and GitHub
# code scanning's ingestion rules). The multitool exits 0 even when it finds
# errors, so its own SARIF output is read: any error-level result fails.
#
# Usage: scripts/validate-sarif.sh [MULTITOOL_PREFIX]
# MULTITOOL_PREFIX is an npm prefix directory to install
# @microsoft/sarif-multitool into (default: a temporary directory).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="${1:-$work/npm}"

if [[ ! -x "$prefix/node_modules/.bin/sarif-multitool" ]]; then
  npm install --prefix "$prefix" --no-audit --no-fund --silent @microsoft/sarif-multitool
fi
# The npm wrapper runs the tool through a shell, which would split "Sarif;Gh":
# call the native binary it points at.
multitool="$(cd "$prefix" && node -p "require('@microsoft/sarif-multitool')")"

cd "$repo_root"
# .ci/run builds the release binary once and passes it as INSTRLINT_BIN.
if [[ -n "${INSTRLINT_BIN:-}" ]]; then
  instrlint=("$INSTRLINT_BIN")
else
  instrlint=(cargo run --quiet -p instrlint_cli --)
fi
"${instrlint[@]}" check examples/livestream \
  --format sarif --output "$work/livestream.sarif" --fail-on never
"$multitool" validate --rule-kind "Sarif;Gh" --log ForceOverwrite \
  --output "$work/validation.sarif" "$work/livestream.sarif"

node - "$work/validation.sarif" <<'JS'
const fs = require("fs");
const log = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let errors = 0;
for (const run of log.runs) {
  for (const n of (run.invocations || []).flatMap((i) => i.toolExecutionNotifications || [])) {
    if (n.level === "error") {
      errors++;
      console.log(`error: multitool: ${n.message.text}`);
    }
  }
  for (const r of run.results || []) {
    const level = r.level || "warning";
    const text = r.message.text || r.message.id;
    console.log(`${level} ${r.ruleId}: ${text}`);
    if (level === "error") errors++;
  }
}
if (errors > 0) {
  console.error(`SARIF Multitool: ${errors} error(s)`);
  process.exit(1);
}
console.log("SARIF Multitool: no errors");
JS
