#!/usr/bin/env bash
# Build instrlint for one target and pack the release archive with its
# SHA-256 checksum: what .github/workflows/release.yml attaches to a release
# for each target, and what .ci/run builds for x86_64-unknown-linux-musl.
#
#   scripts/package.sh TARGET [OUT_DIR]
#
# Writes, in OUT_DIR (default: target/dist):
#   instrlint-TARGET.tar.gz          (instrlint-TARGET.zip for Windows targets)
#                                    holding instrlint-TARGET/instrlint[.exe]
#                                    and README.md
#   instrlint-TARGET.tar.gz.sha256   "<sha256>  instrlint-TARGET.tar.gz"
# and prints the archive's path on standard output (progress goes to stderr).
#
# Archives are reproducible: entries sorted, owned by 0:0, dated by the last
# commit (SOURCE_DATE_EPOCH overrides), gzip without a timestamp; the same
# binary always gives the same archive and checksum.
#
# Linux targets are *-unknown-linux-musl: static binaries that run on any
# distribution (glibc or musl). tree-sitter's C code is compiled with
# `musl-gcc` (Debian/Ubuntu package musl-tools) on x86_64 and aarch64 hosts
# building for their own architecture. Needs cargo, rustup's target for
# TARGET (`rustup target add TARGET`) and Python 3.
set -euo pipefail

target="${1:?usage: scripts/package.sh TARGET [OUT_DIR]}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${2:-$repo/target/dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

case "$target" in
  *-windows-*) exe="instrlint.exe" ext="zip" ;;
  *) exe="instrlint" ext="tar.gz" ;;
esac
if [[ "$target" == *-linux-musl ]] && ! command -v musl-gcc >/dev/null; then
  echo "error: building for $target needs musl-gcc (apt-get install musl-tools)" >&2
  exit 2
fi

echo "== cargo build --release --locked --target $target -p instrlint_cli" >&2
(cd "$repo" && cargo build --release --locked --target "$target" -p instrlint_cli >&2)
bin="${CARGO_TARGET_DIR:-$repo/target}/$target/release/$exe"
[[ -x "$bin" ]] || {
  echo "error: $bin was not built" >&2
  exit 2
}

name="instrlint-$target"
archive="$out/$name.$ext"
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)}"
python="$(command -v python3 || command -v python)"
"$python" - "$archive" "$name" "$epoch" "$bin:$exe" "$repo/README.md:README.md" <<'PY'
import gzip, hashlib, io, os, sys, tarfile, zipfile

archive, top, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
members = sorted((dest, src) for src, dest in (a.rsplit(":", 1) for a in sys.argv[4:]))
tmp = archive + ".tmp"
if archive.endswith(".zip"):
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for dest, src in members:
            info = zipfile.ZipInfo(f"{top}/{dest}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if os.access(src, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(src, "rb") as f:
                z.writestr(info, f.read())
else:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for dest, src in members:
            info = t.gettarinfo(src, f"{top}/{dest}")
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = epoch
            info.mode = 0o755 if os.access(src, os.X_OK) else 0o644
            with open(src, "rb") as f:
                t.addfile(info, f)
    with open(tmp, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
        g.write(raw.getvalue())
os.replace(tmp, archive)
digest = hashlib.sha256(open(archive, "rb").read()).hexdigest()
with open(archive + ".sha256", "w") as f:
    f.write(f"{digest}  {os.path.basename(archive)}\n")
PY
echo "packed $archive ($(wc -c <"$archive") bytes), sha256 $(cut -d' ' -f1 "$archive.sha256")" >&2
echo "$archive"
