#!/usr/bin/env bash
# A real editor drives `instrlint server`: Neovim (Debian's, installed with
# apt-get if missing), set up with editors/neovim/instrlint.lua as the README
# says, runs scripts/neovim-lsp-check.lua headless on a Go file with a
# counter missing `_total`. Asserted: the M105 diagnostic with its code,
# link, source and range; an empty list once the buffer is fixed; the
# server's exit code 0 after Neovim's shutdown and exit.
# Usage: INSTRLINT_BIN=target/release/instrlint scripts/test-neovim.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${INSTRLINT_BIN:?set INSTRLINT_BIN to the instrlint binary}"
if ! command -v nvim >/dev/null; then
  sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=900 install -y -qq neovim
fi
nvim --version | head -1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/room" "$work/.git"
cat >"$work/room/metrics.go" <<'GO'
package room

import "github.com/prometheus/client_golang/prometheus"

var joins = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "livestream_rooms_joined",
	Help: "Rooms joined.",
})
GO

# `instrlint` on $PATH, as the set-up expects; this one records its exit code.
mkdir -p "$work/bin"
cat >"$work/bin/instrlint" <<SH
#!/bin/sh
"$INSTRLINT_BIN" "\$@"
echo \$? >"$work/exit-code"
SH
chmod +x "$work/bin/instrlint"

PATH="$work/bin:$PATH" SETUP="$PWD/editors/neovim/instrlint.lua" GO_FILE="$work/room/metrics.go" \
  OUT="$work/report.json" timeout 120 nvim --headless --clean -n \
  -c "luafile scripts/neovim-lsp-check.lua" </dev/null >/dev/null 2>&1 || true
[[ -s "$work/report.json" ]] || { echo "error: Neovim wrote no report" >&2; exit 1; }
for _ in $(seq 50); do
  [[ -s "$work/exit-code" ]] && break
  sleep 0.1
done

python3 - "$work/report.json" "$work/exit-code" <<'PY'
import json, sys

report = json.load(open(sys.argv[1]))
exit_code = open(sys.argv[2]).read().strip()
print("neovim report:", json.dumps(report, indent=1))
steps = {s["name"]: s for s in report["steps"]}
assert report["attached"], "the set-up started no client"
opened = steps["opened"]
assert opened["ok"], "no diagnostics after opening the file"
[d] = opened["diagnostics"]
assert d["code"] == "M105", d
assert d["source"] == "instrlint", d
assert d["href"] == "https://github.com/instrlint/instrlint/blob/main/rules/M105-counter-missing-total.md", d
assert (d["lnum"], d["col"], d["end_lnum"], d["end_col"]) == (5, 7, 5, 32), d
assert d["severity"] == 2, d  # vim.diagnostic.severity.WARN
assert d["message"].startswith("counter `livestream_rooms_joined` does not end in `_total`"), d
fixed = steps["fixed"]
assert fixed["ok"] and fixed["diagnostics"] == [], fixed
assert report["stopped"], "the client did not stop"
assert exit_code == "0", "server exit code %r" % exit_code
print("ok: Neovim %d.%d.%d showed M105, cleared it after the edit, and the server exited 0"
      % (report["nvim"]["major"], report["nvim"]["minor"], report["nvim"]["patch"]))
PY
