//! Fuzz targets for instrlint, as plain functions so that the fuzzer
//! (`src/bin/fuzz.rs`) and the regression tests (`tests/regressions.rs`) run
//! the same code. Each target must never panic, whatever the bytes.
//!
//! - `source`: bytes → a Go file → facts → every rule → every output format;
//! - `config`: bytes → `instrlint.toml` → config (and its miette rendering);
//! - `promql`: bytes → a PromQL string in a `v1.API` `Query` call → the
//!   whole pipeline (the Q rules when they are in the catalog).

pub mod coverage;

use instrlint_cli::args::Format;
use instrlint_cli::commands::check::render;
use instrlint_cli::output::text::TextOptions;
use instrlint_cli::pipeline::{lint, Buffer, LintOptions};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const TARGETS: &[&str] = &["source", "config", "promql"];

/// Run `target` on `data`; panics (a finding) propagate.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "source" => source(data),
        "config" => config(data),
        "promql" => promql(data),
        _ => panic!("unknown target {target:?}; targets: {TARGETS:?}"),
    }
}

/// An empty directory that holds the (virtual) linted file, so that the
/// package siblings read from disk are none.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("instrlint-fuzz-")
            .tempdir()
            .expect("temporary directory");
        dir.keep()
    })
}

/// Below the fuzzer's 20-s hang detector: an input tree-sitter cannot parse
/// in time is reported (I002) like any other, and the fuzzer keeps it apart
/// (`slow-parse-*`) as a tree-sitter problem, not an instrlint one.
pub const PARSE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Lint `bytes` as `fuzz.go` in the scratch directory (read as a file is:
/// invalid UTF-8 becomes U+FFFD) and render every format.
fn lint_go(bytes: Vec<u8>) {
    let path = scratch().join("fuzz.go");
    let opts = LintOptions {
        paths: vec![path.clone()],
        buffers: vec![Buffer::from_bytes(path, bytes)],
        jobs: Some(1),
        report_unused_ignores: true,
        parse_time_limit: PARSE_TIME_LIMIT,
        ..LintOptions::default()
    };
    let Ok(outcome) = lint(&opts) else {
        return;
    };
    for format in [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
        Format::Concise,
    ] {
        for color in [false, true] {
            let out = render(
                &outcome,
                format,
                TextOptions {
                    color,
                    terminal: color,
                    hyperlinks: color,
                },
            );
            assert!(
                !out.is_empty()
                    || matches!(format, Format::Github | Format::Text | Format::Concise)
            );
        }
    }
}

/// Source bytes, read as instrlint reads a file (lossy UTF-8).
pub fn source(data: &[u8]) {
    lint_go(data.to_vec());
}

/// `instrlint.toml` text; an error must render.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = scratch().join("instrlint.toml");
    if let Err(e) = instrlint_core::config::parse(&text, &path) {
        let _ = instrlint_cli::output::config_error::render(&e);
    }
}

/// A PromQL expression, as a Go string literal in a `Query` call.
pub fn promql(data: &[u8]) {
    let query = String::from_utf8_lossy(data);
    lint_go(promql_file(&query).into_bytes());
}

/// A Go file calling `v1.API.Query` (and `QueryRange`) with `query`.
pub fn promql_file(query: &str) -> String {
    let literal = if query.contains('`') || query.contains('\r') {
        let mut s = String::from("\"");
        for c in query.chars() {
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                c if (c as u32) < 0x20 || c == '\u{7f}' => {
                    s.push_str(&format!("\\x{:02x}", c as u32))
                }
                c => s.push(c),
            }
        }
        s.push('"');
        s
    } else {
        format!("`{query}`")
    };
    format!(
        "package fuzz

import (
\t\"context\"
\t\"time\"

\tv1 \"github.com/prometheus/client_golang/api/prometheus/v1\"
\t\"github.com/prometheus/client_golang/prometheus\"
)

var served = prometheus.NewCounter(prometheus.CounterOpts{{Name: \"fuzz_requests_total\", Help: \"x\"}})

func query(ctx context.Context, api v1.API) {{
\t_, _, _ = api.Query(ctx, {literal}, time.Now())
\t_, _, _ = api.QueryRange(ctx, {literal}, v1.Range{{}})
}}
"
    )
}
