#!/usr/bin/env bash
# The instrlint benchmark, one command from a clean clone (see BENCHMARKS.md):
#
#   bash bench/run.sh
#
# Environment: CORPUS (default target/bench/corpus; built with bench/go-corpus.sh,
# apt-get only, when it has no STATS.tsv), RUNS (hyperfine runs, default 5),
# SKIP_ASTGREP=1 (no npm), SKIP_BUILD=1 (use the existing release binary).
# Needs root for apt-get (hyperfine, time, the corpus packages).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$ROOT/target/bench}
CORPUS=${CORPUS:-$WORK/corpus}
RUNS=${RUNS:-5}
mkdir -p "$WORK"
cd "$ROOT"

need() { command -v "$1" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
need hyperfine hyperfine
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
need git git
need python3 python3

if [ ! -f "$CORPUS/STATS.tsv" ]; then
  echo "== building the corpus in $CORPUS (apt-get)"
  bash "$ROOT/tests/ecosystem/go-corpus.sh" "$CORPUS"
fi
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release -q -p instrlint_cli
BIN=$ROOT/target/release/instrlint

BYTES=$(awk -F'\t' 'NR>1{b+=$5+$6} END{print b}' "$CORPUS/STATS.tsv")
SRC_BYTES=$(awk -F'\t' 'NR>1{b+=$5} END{print b}' "$CORPUS/STATS.tsv")
FILES=$(awk -F'\t' 'NR>1{f+=$3+$4} END{print f}' "$CORPUS/STATS.tsv")

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== corpus: $CORPUS: $FILES files, $BYTES bytes ($SRC_BYTES outside _test.go)"
echo "== instrlint $($BIN --version | cut -d' ' -f2) at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

# Findings digest: a change to the extractor must not change the findings.
$BIN check "$CORPUS" --format json --fail-on never --stats > "$WORK/findings.json" 2> "$WORK/stats.txt" || true
$BIN check "$CORPUS" --format json --fail-on never --include-tests --stats > "$WORK/findings-all.json" 2> "$WORK/stats-all.txt" || true
python3 "$ROOT/bench/findings.py" digest "$WORK/findings.json" > "$WORK/findings.digest"
python3 "$ROOT/bench/findings.py" digest "$WORK/findings-all.json" > "$WORK/findings-all.digest"
echo "== findings digest: $(cat "$WORK/findings.digest"); with --include-tests: $(cat "$WORK/findings-all.digest")"
sed 's/^/   /' "$WORK/stats.txt"
sed 's/^/   (--include-tests) /' "$WORK/stats-all.txt"

# ast-grep with equivalent pattern rules (npm into a temp prefix).
ASTGREP=""
if [ "${SKIP_ASTGREP:-0}" != 1 ]; then
  if [ ! -x "$WORK/astgrep/node_modules/.bin/ast-grep" ]; then
    npm install --silent --prefix "$WORK/astgrep" @ast-grep/cli >/dev/null 2>&1 || echo "   (npm install @ast-grep/cli failed: ast-grep skipped)"
  fi
  if [ -x "$WORK/astgrep/node_modules/.bin/ast-grep" ]; then
    ASTGREP="$WORK/astgrep/node_modules/.bin/ast-grep"
    mkdir -p "$WORK/sg/rules"
    cp "$ROOT"/bench/ast-grep/*.yml "$WORK/sg/rules/"
    printf 'ruleDirs:\n  - rules\n' > "$WORK/sg/sgconfig.yml"
  fi
fi

# 1) Every file (tests included, issue 16): parse everything, the prefilter
#    floor (parse only the files the prefilter admits, no rules) and the
#    whole catalog, at -j 2 and -j 1, in one hyperfine invocation.
ALL=(--format json --fail-on never --include-tests)
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$WORK/all.json" \
  -n "parse all files -j 2" "$BIN debug parse $CORPUS --include-tests -j 2" \
  -n "prefilter floor -j 2" "$BIN debug parse --prefilter $CORPUS --include-tests -j 2" \
  -n "check all files -j 2" "$BIN check $CORPUS ${ALL[*]} -j 2" \
  -n "parse all files -j 1" "$BIN debug parse $CORPUS --include-tests -j 1" \
  -n "prefilter floor -j 1" "$BIN debug parse --prefilter $CORPUS --include-tests -j 1" \
  -n "check all files -j 1" "$BIN check $CORPUS ${ALL[*]} -j 1" \
  >"$WORK/hyperfine-all.txt" 2>&1 || cat "$WORK/hyperfine-all.txt"

# 2) Default flags (tests skipped): the whole catalog at -j 1 and -j 2, and
#    the parse-everything floor of the same files (issue 7's ratios).
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$WORK/corpus.json" \
  -n "check -j 1" "$BIN check $CORPUS --format json --fail-on never -j 1" \
  -n "check -j 2" "$BIN check $CORPUS --format json --fail-on never -j 2" \
  -n "parse -j 2" "$BIN debug parse $CORPUS -j 2" \
  >"$WORK/hyperfine.txt" 2>&1 || cat "$WORK/hyperfine.txt"

if [ -n "$ASTGREP" ]; then
  # ast-grep parses every file: fewer runs (RUNS_ASTGREP, default 3), no warm-up.
  hyperfine -N -i --runs "${RUNS_ASTGREP:-3}" --export-json "$WORK/astgrep.json" \
    -n "ast-grep all files -j 2" "$ASTGREP scan -c $WORK/sg/sgconfig.yml --threads 2 $CORPUS" \
    -n "ast-grep -j 2" "$ASTGREP scan -c $WORK/sg/sgconfig.yml --threads 2 --globs !*_test.go $CORPUS" \
    >"$WORK/hyperfine-astgrep.txt" 2>&1 || cat "$WORK/hyperfine-astgrep.txt"
fi

# 3) Peak RSS (kB as /usr/bin/time reports them are KiB).
peak() { # NAME ARGS...: one line "NAME<TAB>KiB<TAB>wall s" into rss.tsv
  local name=$1; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$WORK/time-v.txt" || true
  printf '%s\t%s\t%s\n' "$name" \
    "$(awk -F: '/Maximum resident set size/{gsub(/ /,"",$2); print $2}' "$WORK/time-v.txt")" \
    "$(awk '/Elapsed \(wall clock\)/{print $NF}' "$WORK/time-v.txt")" >> "$WORK/rss.tsv"
}
: > "$WORK/rss.tsv"
peak "check -j 2" "$BIN" check "$CORPUS" --format json --fail-on never -j 2
peak "check all files -j 2" "$BIN" check "$CORPUS" "${ALL[@]}" -j 2
peak "check all files -j 1" "$BIN" check "$CORPUS" "${ALL[@]}" -j 1
# A 50 MB generated file named on the command line (bench/gen-big.py).
BIG=$WORK/big/big50.go
if [ ! -f "$BIG" ]; then
  mkdir -p "$WORK/big"
  python3 "$ROOT/bench/gen-big.py" "$BIG" 50
fi
peak "50 MB generated file" "$BIN" check "$BIG" --format json --fail-on never
RSS_KB=$(awk -F'\t' '$1=="check -j 2"{print $2}' "$WORK/rss.tsv")

# 4) Linearity: the corpus twice (hard links where possible), every file.
TWICE=$WORK/twice
if [ ! -d "$TWICE/b" ]; then
  rm -rf "$TWICE"; mkdir -p "$TWICE"
  for half in a b; do
    mkdir -p "$TWICE/$half"
    cp -al "$CORPUS/." "$TWICE/$half/" 2>/dev/null || cp -r "$CORPUS/." "$TWICE/$half/"
  done
fi
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$WORK/twice.json" \
  -n "check -j 2 once" "$BIN check $CORPUS ${ALL[*]} -j 2" \
  -n "check -j 2 twice" "$BIN check $TWICE ${ALL[*]} -j 2" >/dev/null 2>&1

# 5) --diff-base: 10 files changed in a 10,000-file tree.
TREE=$WORK/tree10k
if [ ! -d "$TREE/.git" ]; then
  rm -rf "$TREE"; mkdir -p "$TREE"
  python3 "$ROOT/bench/gen-tree.py" "$TREE" 10000
  git -C "$TREE" init -q && git -C "$TREE" add -A
  git -C "$TREE" -c user.name=bench -c user.email=bench@localhost commit -qm base
  for i in 00000 01000 02000 03000 04000 05000 06000 07000 08000 09000; do
    f=$(ls "$TREE"/pkg*/file$i.go)
    printf '\nvar latency%s = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "latencyMs%s"})\n' "$i" "$i" >> "$f"
  done
fi
TREE_BYTES=$(du -sb --exclude=.git "$TREE" | cut -f1)
(cd "$TREE" && hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$WORK/diff.json" \
  -n "check --diff-base HEAD (10k files, 10 changed)" "$BIN check . --diff-base HEAD --format json --fail-on never -j 2" >/dev/null 2>&1)

python3 "$ROOT/bench/summary.py" "$WORK" "$BYTES" "$SRC_BYTES" "$RSS_KB" "$TREE_BYTES"
