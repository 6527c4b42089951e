#!/usr/bin/env bash
# Origin: copied verbatim (below this header) from the shared benchmark kit,
# ../shared/bench/go-corpus.sh, so that the repository does not depend on it.
# Build a real-world Go corpus from Debian bookworm golang-*-dev packages.
#
#   bash go-corpus.sh DEST
#
# Each package's own .go files (regular files from `dpkg -L`, symlinks skipped,
# dependencies NOT copied) land in DEST/<package>/<import path>/...
# Both normal and _test.go files are kept; counts are reported separately.
# Writes DEST/STATS.tsv (per package) and prints totals + grep -l mention counts.
set -euo pipefail
DEST=${1:?usage: go-corpus.sh DEST}

PKGS=(
  # asked for by name
  golang-github-prometheus-client-golang-dev
  golang-opentelemetry-otel-dev
  golang-etcd-server-dev
  golang-github-docker-docker-dev
  golang-google-grpc-dev
  golang-github-go-kit-kit-dev
  golang-github-grpc-ecosystem-go-grpc-prometheus-dev
  golang-github-grpc-ecosystem-go-grpc-middleware-dev
  golang-github-gin-gonic-gin-dev
  # Prometheus users / libraries (apt-cache rdepends golang-github-prometheus-client-golang-dev)
  golang-github-prometheus-alertmanager-dev
  golang-github-prometheus-common-dev
  golang-github-prometheus-procfs-dev
  golang-github-prometheus-exporter-toolkit-dev
  golang-github-prometheus-prom2json-dev
  golang-github-containerd-containerd-dev
  golang-github-containerd-stargz-snapshotter-dev
  golang-github-docker-distribution-dev
  golang-github-docker-go-metrics-dev
  golang-github-influxdb-influxdb-dev
  golang-github-victoriametrics-victoriametrics-dev
  golang-github-victoriametrics-metrics-dev
  golang-github-crowdsecurity-crowdsec-dev
  golang-github-slackhq-nebula-dev
  golang-github-bgp-stayrtr-dev
  golang-github-cloudflare-gortr-dev
  golang-github-cloudflare-redoctober-dev
  golang-snowflake-dev
  golang-github-syncthing-syncthing-dev
  golang-github-rclone-rclone-dev
  golang-github-armon-go-metrics-dev
  golang-github-mwitkow-go-conntrack-dev
  golang-github-intel-goresctrl-dev
  golang-github-anacrolix-missinggo-dev
  golang-github-mcuadros-go-gin-prometheus-dev
  golang-github-fzambia-eagle-dev
  golang-github-nbrownus-go-metrics-prometheus-dev
  golang-github-sercand-kuberesolver-dev
  # tracing users / libraries (rdepends of otel / opentracing / opencensus)
  golang-go.opencensus-dev
  golang-gocloud-dev
  golang-github-opentracing-opentracing-go-dev
  golang-github-opentracing-contrib-go-grpc-dev
  golang-github-opentracing-contrib-go-stdlib-dev
  golang-github-opentracing-basictracer-go-dev
  golang-github-grpc-ecosystem-grpc-opentracing-dev
  golang-github-graph-gophers-graphql-go-dev
  golang-github-expediadotcom-haystack-client-go-dev
  golang-github-openzipkin-zipkin-go-dev
  golang-github-go-openapi-runtime-dev
  # large real (non-generated) servers for size
  golang-github-nats-io-nats-server-dev
  golang-github-osrg-gobgp-dev
  golang-github-containers-buildah-dev
)

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The image's docker-clean DPkg::Post-Invoke hook deletes downloaded .debs after
# every dpkg call; when apt splits a big install into several dpkg calls the later
# ones fail with "cannot access archive". Re-running finishes the job.
for try in 1 2 3; do
  if apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/tmp/corpus-apt.log 2>&1; then break; fi
  echo "apt-get install attempt $try failed, retrying" >&2
  apt-get -f install -y -qq >/dev/null 2>&1 || true
done

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
    [ -f "$f" ] && [ ! -L "$f" ] || continue
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

echo "== files mentioning (grep -l), all / _test.go only"
count() { # $1 = grep args
  local all tst
  all=$(find "$DEST" -name '*.go' -type f -print0 | { xargs -0 grep -l $1 || true; } | wc -l)
  tst=$(find "$DEST" -name '*_test.go' -type f -print0 | { xargs -0 grep -l $1 || true; } | wc -l)
  printf '%-40s %6d %6d\n' "$1" "$all" "$tst"
}
count "-F prometheus"
count "-F promauto"
count "-F go.opentelemetry.io/otel"
count "-w otel"
count "-F opentracing"
count "-F context.Background()"
count "-F context.TODO()"
count "-F WithLabelValues"
count "-F .Start("
