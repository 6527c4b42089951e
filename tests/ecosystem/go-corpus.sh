#!/usr/bin/env bash
# Build the real-world Go corpus of the ecosystem check from Debian bookworm
# golang-*-dev packages.
#
#   tests/ecosystem/go-corpus.sh DEST
#
# Copied from the team's shared bench script (shared/bench/go-corpus.sh, the
# script that built the corpus the catalog revision of issue 12 was judged
# on) so that the repository needs nothing outside itself. Changes from that
# copy: the package list lives in packages.txt next to this script; apt-get
# runs through sudo when not root and waits for the dpkg lock; the closing
# grep -l mention counts are left out.
#
# Each package's own .go files (regular files from `dpkg -L`, symlinks skipped,
# dependencies NOT copied) land in DEST/<package>/<import path>/...
# Both normal and _test.go files are kept; counts are reported separately.
# Writes DEST/STATS.tsv (per package) and prints totals.
set -euo pipefail
DEST=${1:?usage: go-corpus.sh DEST}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mapfile -t PKGS < <(grep -v '^[[:space:]]*\(#\|$\)' "$here/packages.txt")

sudo=""
if [[ "$(id -u)" != 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# The image's docker-clean DPkg::Post-Invoke hook deletes downloaded .debs after
# every dpkg call; when apt splits a big install into several dpkg calls the later
# ones fail with "cannot access archive". Re-running finishes the job.
log="$(mktemp)"
installed=0
for try in 1 2 3; do
  if $sudo apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${PKGS[@]}" >"$log" 2>&1; then
    installed=1
    break
  fi
  echo "apt-get install attempt $try failed, retrying" >&2
  $sudo apt-get -o DPkg::Lock::Timeout=900 -f install -y -qq >/dev/null 2>&1 || true
done
if ((!installed)); then
  tail -n 20 "$log" >&2
  echo "go-corpus.sh: apt-get install failed three times" >&2
  exit 1
fi

# Refuse to clobber anything that is not an earlier corpus.
if [ -e "$DEST" ] && [ -n "$(ls -A "$DEST" 2>/dev/null)" ] && [ ! -f "$DEST/STATS.tsv" ]; then
  echo "go-corpus.sh: $DEST exists and is not an earlier corpus; choose an empty or new directory" >&2
  exit 2
fi
rm -rf "$DEST"; mkdir -p "$DEST"
printf 'package\tversion\tfiles\ttest_files\tbytes\ttest_bytes\tlines\n' >"$DEST/STATS.tsv"
for p in "${PKGS[@]}"; do
  ver=$(dpkg-query -W -f='${Version}' "$p")
  dpkg -L "$p" | grep '\.go$' | while read -r f; do
    if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
    rel=${f#/usr/share/gocode/src/}; rel=${rel#/}
    mkdir -p "$DEST/$p/$(dirname "$rel")"
    cp "$f" "$DEST/$p/$rel"
  done
  d="$DEST/$p"
  nf=$(find "$d" -name '*.go' ! -name '*_test.go' -type f | wc -l)
  nt=$(find "$d" -name '*_test.go' -type f | wc -l)
  bf=$(find "$d" -name '*.go' ! -name '*_test.go' -type f -printf '%s\n' | awk '{s+=$1} END{print s+0}')
  bt=$(find "$d" -name '*_test.go' -type f -printf '%s\n' | awk '{s+=$1} END{print s+0}')
  ln=$(find "$d" -name '*.go' -type f -print0 | xargs -0 -r cat | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$ver" "$nf" "$nt" "$bf" "$bt" "$ln" >>"$DEST/STATS.tsv"
done

echo "== totals (non-test / _test.go)"
awk -F'\t' 'NR>1{f+=$3; t+=$4; b+=$5; tb+=$6; l+=$7}
  END{printf "files=%d test_files=%d all_files=%d\nbytes=%d test_bytes=%d all_bytes=%d (%.1f MB)\nlines=%d\n", f, t, f+t, b, tb, b+tb, (b+tb)/1e6, l}' "$DEST/STATS.tsv"
