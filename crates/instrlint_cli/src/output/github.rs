//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! annotation per finding.

use super::{relative_path, Positions};
use crate::pipeline::LintOutcome;
use instrlint_core::Level;
use std::fmt::Write;
use std::path::Path;

/// Escape a command's data (the message).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "notice",
    }
}

/// `base` is the repository root: GitHub resolves `file=` against the workspace.
pub fn render(outcome: &LintOutcome, base: &Path) -> String {
    let positions = Positions::new(&outcome.files);
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let (start, end) = positions.range(d.primary);
        let file = positions.file(d.primary);
        let path = relative_path(file, base).unwrap_or_else(|| file.path.clone());
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(" — ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            command(d.level),
            escape_property(&path),
            start.line,
            end.line,
            start.column,
            end.column,
            escape_property(&format!("{} {}", d.code, d.name)),
            escape_data(&message),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::outcome;

    #[test]
    fn annotations_are_escaped() {
        let out = render(&outcome(), Path::new("/repo"));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0],
            "::warning file=cmd/main.go,line=3,endLine=3,col=22,endColumn=27,\
             title=M105 counter-missing-total::counter `bad` does not end in `_total` — rename it to `bad_total`"
        );
        assert_eq!(
            lines[1],
            "::error file=cmd/other name.go,line=3,endLine=3,col=7,endColumn=11,\
             title=M101 metric-name-invalid::name `a,b: 100%25`%0Ais invalid"
        );
        assert!(lines[2].starts_with("::notice "));
    }

    #[test]
    fn property_escaping() {
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        assert_eq!(escape_data("a:b,c\r"), "a:b,c%0D");
    }
}
