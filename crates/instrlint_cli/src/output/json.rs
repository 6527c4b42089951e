//! The `--format json` report. Schema version 1, stable: keys appear in this
//! order, new keys may be added, existing ones never change meaning.
//!
//! ```text
//! {
//!   "version": 1,
//!   "tool": { "name": "instrlint", "version": "0.1.0" },
//!   "findings": [
//!     {
//!       "code": "M105",                      // catalog code, or I001/I002 for tool codes
//!       "name": "counter-missing-total",
//!       "level": "warning",                  // "error" | "warning" | "note"
//!       "message": "counter `x` does not end in `_total`",
//!       "help": "rename it to `x_total`",    // string or null
//!       "path": "cmd/server/main.go",        // relative to the working directory, `/` separators
//!       "start": { "line": 12, "column": 9 },// 1-based; column in UTF-16 code units
//!       "end": { "line": 12, "column": 14 }, // exclusive end of the span
//!       "related": [
//!         { "path": "...", "start": {...}, "end": {...}, "message": "also defined here" }
//!       ],
//!       "url": "https://github.com/instrlint/instrlint/blob/main/rules/M105-counter-missing-total.md"
//!     }
//!   ],
//!   "problems": [ { "path": "missing", "message": "no such file or directory" } ],
//!   "summary": {
//!     "files_checked": 14,                   // Go files read and linted
//!     "files_parsed": 9,                     // of those, files parsed for rules
//!     "packages": 3,
//!     "errors": 2, "warnings": 5, "notes": 1,
//!     "skipped": { "generated": 1, "tests": 2 }  // by reason: excluded, generated, symlinks, tests, too large
//!   }
//! }
//! ```
//!
//! Findings are sorted by path, position and code. The document is
//! pretty-printed with two-space indentation and ends with a newline.

use super::{rule_url, Counts, Positions};
use crate::pipeline::LintOutcome;
use instrlint_core::source::LineCol;
use instrlint_core::Span;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<Finding<'a>>,
    problems: Vec<Problem<'a>>,
    summary: Summary<'a>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'a str,
    name: &'a str,
    level: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
    start: Position,
    end: Position,
    related: Vec<RelatedSite<'a>>,
    url: String,
}

#[derive(Serialize)]
struct RelatedSite<'a> {
    path: &'a str,
    start: Position,
    end: Position,
    message: &'a str,
}

#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

impl From<LineCol> for Position {
    fn from(lc: LineCol) -> Self {
        Position {
            line: lc.line,
            column: lc.column,
        }
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary<'a> {
    files_checked: usize,
    files_parsed: usize,
    packages: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    skipped: &'a BTreeMap<&'static str, usize>,
}

/// The JSON report, ending with a newline.
pub fn render(outcome: &LintOutcome) -> String {
    let positions = Positions::new(&outcome.files);
    let site = |span: Span| {
        let (start, end) = positions.range(span);
        (positions.file(span).path.as_str(), start.into(), end.into())
    };
    let findings = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let (path, start, end) = site(d.primary);
            Finding {
                code: d.code,
                name: d.name,
                level: d.level.as_str(),
                message: &d.message,
                help: d.help.as_deref(),
                path,
                start,
                end,
                related: d
                    .related
                    .iter()
                    .map(|r| {
                        let (path, start, end) = site(r.span);
                        RelatedSite {
                            path,
                            start,
                            end,
                            message: &r.message,
                        }
                    })
                    .collect(),
                url: rule_url(d.code, d.name),
            }
        })
        .collect();
    let counts = Counts::of(&outcome.diagnostics);
    let report = Report {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "instrlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        problems: outcome
            .problems
            .iter()
            .map(|p| Problem {
                path: &p.path,
                message: &p.message,
            })
            .collect(),
        summary: Summary {
            files_checked: outcome.stats.files_checked,
            files_parsed: outcome.stats.files_parsed,
            packages: outcome.stats.packages,
            errors: counts.errors,
            warnings: counts.warnings,
            notes: counts.notes,
            skipped: &outcome.stats.skipped,
        },
    };
    let mut out = serde_json::to_string_pretty(&report).expect("plain data serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::outcome;
    use serde_json::Value;

    #[test]
    fn schema_keys_in_order() {
        let out = render(&outcome());
        assert!(out.ends_with("}\n"));
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["tool"]["name"], "instrlint");
        let top: Vec<&str> = ["version", "tool", "findings", "problems", "summary"].into();
        let mut last = 0;
        for key in top {
            let at = out.find(&format!("\"{key}\":")).unwrap();
            assert!(at >= last, "{key} out of order");
            last = at;
        }
        let f = &v["findings"][0];
        let keys = [
            "code", "name", "level", "message", "help", "path", "start", "end", "related", "url",
        ];
        for k in keys {
            assert!(f.get(k).is_some(), "missing {k}");
        }
        assert_eq!(f["code"], "M105");
        assert_eq!(f["start"]["line"], 3);
        assert_eq!(f["start"]["column"], 22);
        assert_eq!(f["end"]["column"], 27);
        assert_eq!(f["related"][0]["path"], "cmd/other name.go");
        assert_eq!(f["related"][0]["message"], "also defined here");
        assert_eq!(v["findings"][1]["help"], Value::Null);
        assert_eq!(v["summary"]["files_checked"], 2);
        assert_eq!(v["summary"]["errors"], 1);
        assert_eq!(v["summary"]["warnings"], 1);
        assert_eq!(v["summary"]["notes"], 1);
        assert_eq!(v["summary"]["skipped"]["generated"], 1);
    }
}
