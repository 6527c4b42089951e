#!/usr/bin/env bash
# fuzz/run.sh TARGET SECONDS [SEED]: a time-boxed coverage-guided campaign on
# one target (source, config, promql) with the stable toolchain.
#
# Builds instrlint-fuzz with LLVM's SanitizerCoverage inline 8-bit counters
# (stable -C flags; no nightly, no libFuzzer), optimised but with debug
# assertions and overflow checks, into target/fuzz. Crashes land in
# fuzz/crashes/TARGET/; once fixed, copy each into fuzz/regressions/TARGET/,
# where `cargo test -p instrlint-fuzz` replays it.
set -euo pipefail

if (($# < 2)); then
  echo "usage: fuzz/run.sh TARGET SECONDS [SEED]   (targets: source config promql)" >&2
  exit 2
fi
target="$1"
seconds="$2"
seed="${3:-}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export RUSTFLAGS="${RUSTFLAGS:-} -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=3 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
export CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
# An explicit --target keeps RUSTFLAGS off build scripts and proc macros
# (they would need the coverage hook too).
host="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release -p instrlint-fuzz --bin instrlint-fuzz --target-dir target/fuzz --target "$host"

# The deepest inputs recurse in tree-sitter's C code and in serde: give the
# fuzzing thread the stack a normal main thread has.
ulimit -s 8192 2>/dev/null || true
status=0
target/fuzz/"$host"/release/instrlint-fuzz "$target" "$seconds" ${seed:+"$seed"} || status=$?
current="fuzz/crashes/$target/current"
if [[ -f "$current" ]]; then
  kept="fuzz/crashes/$target/abort-$(sha256sum "$current" | cut -c1-16)"
  mv "$current" "$kept"
  echo "the campaign died (abort, stack overflow or hang) on $kept" >&2
  status=1
fi
exit "$status"
