//! A Markdown summary for `$GITHUB_STEP_SUMMARY`: counts, then one row per
//! rule and file (capped), the rule linked to its documentation and the file
//! to its first finding when the blob URL is known.

use super::{relative_path, rule_url, Counts, Positions};
use crate::pipeline::LintOutcome;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// Rows shown before the table is cut.
pub const MAX_ROWS: usize = 50;
/// Line numbers listed per row.
const MAX_LINES: usize = 10;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `blob` is `https://github.com/OWNER/REPO/blob/SHA` (links files) or `None`.
pub fn render(outcome: &LintOutcome, base: &Path, blob: Option<&str>) -> String {
    let positions = Positions::new(&outcome.files);
    // (code, path) → (name, lines)
    let mut rows: BTreeMap<(&str, String), (&str, Vec<u32>)> = BTreeMap::new();
    for d in &outcome.diagnostics {
        let file = positions.file(d.primary);
        let path = relative_path(file, base).unwrap_or_else(|| file.path.clone());
        let line = positions.range(d.primary).0.line;
        rows.entry((d.code, path))
            .or_insert((d.name, Vec::new()))
            .1
            .push(line);
    }
    let counts = Counts::of(&outcome.diagnostics);
    let total = outcome.diagnostics.len();
    let mut out = String::from("## instrlint\n\n");
    if total == 0 {
        let _ = writeln!(
            out,
            "No findings in {}.",
            plural(outcome.stats.files_checked, "file", "files")
        );
        return out;
    }
    let _ = writeln!(
        out,
        "**{}** ({}, {}, {}) in {}.\n",
        plural(total, "finding", "findings"),
        plural(counts.errors, "error", "errors"),
        plural(counts.warnings, "warning", "warnings"),
        plural(counts.notes, "note", "notes"),
        plural(outcome.stats.files_checked, "file", "files"),
    );
    out.push_str("| Rule | File | Findings | Lines |\n|---|---|---:|---|\n");
    for ((code, path), (name, lines)) in rows.iter().take(MAX_ROWS) {
        let rule = format!("[{code} {name}]({})", rule_url(code, name));
        let file = match blob {
            Some(b) => format!("[{}]({b}/{path}#L{})", cell(path), lines[0]),
            None => format!("`{}`", cell(path)),
        };
        let mut shown: Vec<String> = lines.iter().take(MAX_LINES).map(u32::to_string).collect();
        if lines.len() > MAX_LINES {
            shown.push("…".to_string());
        }
        let _ = writeln!(
            out,
            "| {rule} | {file} | {} | {} |",
            lines.len(),
            shown.join(", ")
        );
    }
    if rows.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n_{} more rows not shown; the annotations and the SARIF report list every finding._",
            rows.len() - MAX_ROWS
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::outcome;

    #[test]
    fn table_by_rule_and_file() {
        let o = outcome();
        let md = render(
            &o,
            Path::new("/repo"),
            Some("https://github.com/o/r/blob/abc"),
        );
        assert!(
            md.contains("**3 findings** (1 error, 1 warning, 1 note)"),
            "{md}"
        );
        assert!(md.contains(
            "| [M105 counter-missing-total](https://github.com/instrlint/instrlint/blob/main/rules/M105-counter-missing-total.md) \
             | [cmd/main.go](https://github.com/o/r/blob/abc/cmd/main.go#L3) | 1 | 3 |"
        ), "{md}");
        assert_eq!(md.lines().filter(|l| l.starts_with("| [")).count(), 3);
        let plain = render(&o, Path::new("/repo"), None);
        assert!(plain.contains("| `cmd/other name.go` |"), "{plain}");
    }

    #[test]
    fn capped_and_empty() {
        let mut o = outcome();
        let d = o.diagnostics[0].clone();
        o.files = (0..60)
            .map(|i| crate::output::testutil::file(i, &format!("f{i:02}.go"), &o.files[0].text))
            .collect();
        o.diagnostics = (0..60)
            .map(|i| {
                let mut d = d.clone();
                d.primary.file = instrlint_core::FileId(i);
                d.related.clear();
                d
            })
            .collect();
        let md = render(&o, Path::new("/repo"), None);
        assert_eq!(
            md.lines().filter(|l| l.starts_with("| [")).count(),
            MAX_ROWS
        );
        assert!(md.contains("_10 more rows not shown"), "{md}");
        o.diagnostics.clear();
        assert!(render(&o, Path::new("/repo"), None).contains("No findings in 2 files."));
    }
}
