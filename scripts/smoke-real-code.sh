#!/usr/bin/env bash
# scripts/smoke-real-code.sh: the real-code smoke test of .ci/run (issue 8).
#
# Installs a few large Debian golang-*-dev packages (and their Go
# dependencies) with apt-get and lints everything under /usr/share/gocode/src
# (or $INSTRLINT_SMOKE_SRC) with the debug build: no panic, exit 0 or 1 within
# a time limit, byte-identical JSON across two runs and across -j 1 / -j 2, and
# no parse error (I002) on a file Go's own parser (gofmt) accepts unless it is
# a documented tree-sitter-go gap in .ci/known-parse-gaps.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"
sudo=""
if [[ "$(id -u)" != 0 ]]; then
  sudo="sudo"
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

echo "== smoke test: lint real Go code (Debian golang-*-dev packages)"
# instrlint on a few large real code bases: no panic, exit 0 or 1, no parse
# error (I002) on a file Go's own parser (gofmt) accepts, bounded time, and
# byte-identical output across two runs and across -j 1 / -j 2.
smoke_pkgs=()
if [[ -z "${INSTRLINT_SMOKE_SRC:-}" ]]; then
  smoke_pkgs+=(
    golang-github-prometheus-client-golang-dev
    golang-opentelemetry-otel-dev
    golang-etcd-server-dev
    golang-google-grpc-dev
  )
fi
command -v gofmt >/dev/null || smoke_pkgs+=(golang-go)
if ((${#smoke_pkgs[@]})); then
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${smoke_pkgs[@]}" >/dev/null
fi
gocode=/usr/share/gocode/src
if [[ -n "${INSTRLINT_SMOKE_SRC:-}" ]]; then
  gocode="$INSTRLINT_SMOKE_SRC"
  roots=("$gocode")
else
  # The source roots of the four packages and of their Go dependencies, one per
  # Debian package: the same set on any machine, whatever else is installed.
  mapfile -t roots < <(
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances "${smoke_pkgs[@]:0:4}" |
      grep -E '^golang-[^ ]*-dev$' | sort -u |
      while read -r pkg; do
        dpkg -L "$pkg" 2>/dev/null | grep "^$gocode/.*\.go\$" | sed "s|^|$pkg |" || true
      done |
      python3 -c '
import collections, os, sys
dirs = collections.defaultdict(list)
for line in sys.stdin:
    pkg, path = line.rstrip("\n").split(" ", 1)
    dirs[pkg].append(os.path.dirname(path))
print("\n".join(sorted({os.path.commonpath(d) for d in dirs.values()})))
'
  )
fi
echo "linting ${#roots[@]} source roots under $gocode"
cargo build -q -p instrlint_cli
instrlint="$repo/target/debug/instrlint"
smoke="$scratch/smoke"
mkdir -p "$smoke"
smoke_run() { # NAME JOBS: lint $gocode into $smoke/NAME.{json,err}; echo the exit code
  local rc=0
  timeout 1200 "$instrlint" check "${roots[@]}" --format json -j "$2" \
    --output "$smoke/$1.json" 2>"$smoke/$1.err" || rc=$?
  echo "$rc"
}
for run in "a 2" "b 2" "c 1"; do
  read -r name jobs <<<"$run"
  start=$SECONDS
  rc="$(smoke_run "$name" "$jobs")"
  echo "run $name (-j $jobs): exit $rc in $((SECONDS - start)) s; $(tail -n 1 "$smoke/$name.err")"
  if [[ "$rc" != 0 && "$rc" != 1 ]]; then
    echo "error: instrlint exited with $rc on $gocode (124: over the time limit)" >&2
    cat "$smoke/$name.err" >&2
    exit 1
  fi
  if grep -q "panicked" "$smoke/$name.err"; then
    echo "error: instrlint panicked on $gocode" >&2
    cat "$smoke/$name.err" >&2
    exit 1
  fi
done
cmp "$smoke/a.json" "$smoke/b.json" || { echo "error: two runs differ" >&2; exit 1; }
cmp "$smoke/a.json" "$smoke/c.json" || { echo "error: -j 1 and -j 2 differ" >&2; exit 1; }
# Every I002 on a file gofmt parses is an instrlint (or tree-sitter-go) bug,
# unless it is one of the documented grammar gaps in .ci/known-parse-gaps.
python3 - "$smoke/a.json" >"$smoke/i002" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for f in report["findings"]:
    if f["code"] == "I002":
        print(f["path"])
print(f"{report['summary']['files_checked']} files checked", file=sys.stderr)
PY
bad=0
while IFS= read -r path; do
  if gofmt -e "$path" >/dev/null 2>&1 && ! grep -qxF "${path#"$gocode"/}" .ci/known-parse-gaps; then
    echo "error: I002 on $path, which gofmt parses" >&2
    bad=1
  fi
done <"$smoke/i002"
echo "I002 on $(wc -l <"$smoke/i002") files (all rejected by gofmt or known gaps)"
((bad == 0)) || exit 1
