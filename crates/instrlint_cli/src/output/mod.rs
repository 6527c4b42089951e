//! Rendering a `LintOutcome` in each output format, and what they share:
//! positions, rule URLs and the tool codes' metadata.

pub mod concise;
pub mod config_error;
pub mod excerpt;
pub mod github;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod summary;
pub mod text;

use crate::pipeline::{PARSE_ERROR, UNUSED_IGNORE};
use instrlint_core::source::LineCol;
use instrlint_core::{Diagnostic, Level, LineIndex, SourceFile, Span};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

const DOCS_BASE: &str = "https://github.com/instrlint/instrlint/blob/main";

/// Where a code's documentation lives.
pub fn rule_url(code: &str, name: &str) -> String {
    if tool_code(code).is_some() {
        format!("{DOCS_BASE}/README.md#tool-codes")
    } else {
        format!("{DOCS_BASE}/rules/{code}-{name}.md")
    }
}

/// The directory results are relative to: the git repository root above the
/// current directory, else the current directory.
pub fn repository_base() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(cwd)
}

/// A path for messages: `/` separators, bytes that are not UTF-8 as `\xNN`.
pub fn display_path(path: &Path) -> String {
    instrlint_core::discover::display_path(path)
}

/// `file`'s path relative to `base`, with `/` separators, when it lies under it.
pub fn relative_path(file: &SourceFile, base: &Path) -> Option<String> {
    let rel = match file.abs_path.strip_prefix(base) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => {
            let abs = std::fs::canonicalize(&file.abs_path).ok()?;
            abs.strip_prefix(base).ok()?.to_path_buf()
        }
    };
    Some(display_path(&rel))
}

/// [`relative_path`] as the name's own bytes (`/` separators).
pub fn relative_path_bytes(file: &SourceFile, base: &Path) -> Option<Vec<u8>> {
    let rel = relative_path(file, base)?;
    Some(match file.abs_path.to_str() {
        Some(_) => rel.into_bytes(),
        None => instrlint_core::discover::unescape_display(&rel),
    })
}

/// The display path of `file` as the bytes of its name: the same text as
/// `file.path` unless the name is not UTF-8 (then `file.path` is escaped).
pub fn path_bytes(file: &SourceFile) -> std::borrow::Cow<'_, [u8]> {
    match file.abs_path.to_str() {
        Some(_) => std::borrow::Cow::Borrowed(file.path.as_bytes()),
        None => std::borrow::Cow::Owned(instrlint_core::discover::unescape_display(&file.path)),
    }
}

/// The text report with file names that are not UTF-8 written as their own
/// bytes (a terminal shows them as `ls` does) where it names them: snippet
/// headers (`[path:line:col]`) and `related:` lines.
pub fn with_raw_names(report: String, files: &[SourceFile]) -> Vec<u8> {
    let odd: Vec<&SourceFile> = files
        .iter()
        .filter(|f| f.abs_path.to_str().is_none())
        .collect();
    let mut out = report.into_bytes();
    for f in odd {
        let raw = path_bytes(f);
        for (before, after) in [("[", ":"), ("related: ", ":")] {
            let from = format!("{before}{}{after}", f.path).into_bytes();
            let mut to = before.as_bytes().to_vec();
            to.extend_from_slice(&raw);
            to.extend_from_slice(after.as_bytes());
            out = replace_bytes(&out, &from, &to);
        }
    }
    out
}

fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// A code the tool itself reports (not a catalog rule).
pub struct ToolCode {
    pub code: &'static str,
    pub name: &'static str,
    pub level: Level,
    pub summary: &'static str,
}

pub const TOOL_CODES: [ToolCode; 2] = [
    ToolCode {
        code: UNUSED_IGNORE.0,
        name: UNUSED_IGNORE.1,
        level: Level::Warning,
        summary: "suppression comment that silences nothing",
    },
    ToolCode {
        code: PARSE_ERROR.0,
        name: PARSE_ERROR.1,
        level: Level::Note,
        summary: "file that does not parse as Go, or rule file that does not parse",
    },
];

pub fn tool_code(code: &str) -> Option<&'static ToolCode> {
    TOOL_CODES
        .iter()
        .find(|t| t.code.eq_ignore_ascii_case(code))
}

/// Line/column lookups over the run's files; each file is indexed on first use.
pub struct Positions<'a> {
    files: &'a [SourceFile],
    indexes: Vec<OnceCell<LineIndex>>,
}

impl<'a> Positions<'a> {
    pub fn new(files: &'a [SourceFile]) -> Self {
        Positions {
            files,
            indexes: files.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    pub fn file(&self, span: Span) -> &'a SourceFile {
        &self.files[span.file.0 as usize]
    }

    fn index(&self, span: Span) -> &LineIndex {
        self.indexes[span.file.0 as usize].get_or_init(|| LineIndex::new(&self.file(span).text))
    }

    /// Start and exclusive end of `span`, 1-based, columns in UTF-16 code units.
    pub fn range(&self, span: Span) -> (LineCol, LineCol) {
        let text = &self.file(span).text;
        let index = self.index(span);
        (
            index.line_col(text, span.start),
            index.line_col(text, span.end),
        )
    }

    /// The text of the line holding the start of `span`.
    pub fn start_line_text(&self, span: Span) -> &'a str {
        let text = &self.file(span).text;
        let index = self.index(span);
        let line0 = index.line_of(span.start.min(text.len() as u32));
        index.line_text(text, line0)
    }
}

/// Findings per level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut c = Counts::default();
        for d in diagnostics {
            match d.level {
                Level::Error => c.errors += 1,
                Level::Warning => c.warnings += 1,
                Level::Note => c.notes += 1,
            }
        }
        c
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! A hand-built outcome shared by the format tests.
    use crate::pipeline::{LintOutcome, Stats};
    use instrlint_core::config::Config;
    use instrlint_core::{Diagnostic, FileId, Level, Related, SourceFile, Span};

    pub const MAIN_GO: &str = "package main\n\nvar x = \"é𝄞\" + name(\"bad\")\n";
    pub const OTHER_GO: &str = "package main\n\nconst name = \"dup\"\n";

    pub fn file(id: u32, path: &str, text: &str) -> SourceFile {
        SourceFile {
            id: FileId(id),
            path: path.to_string(),
            abs_path: std::path::PathBuf::from("/repo").join(path),
            text: text.to_string(),
            lossy: false,
            is_test: false,
        }
    }

    pub fn span_of(file: u32, text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle") as u32;
        Span::new(FileId(file), start, start + needle.len() as u32)
    }

    /// Two files; a warning after non-ASCII text with a related site in the
    /// other file, an error with special characters, and a parse-error note.
    pub fn outcome() -> LintOutcome {
        let files = vec![
            file(0, "cmd/main.go", MAIN_GO),
            file(1, "cmd/other name.go", OTHER_GO),
        ];
        let diagnostics = vec![
            Diagnostic {
                code: "M105",
                name: "counter-missing-total",
                level: Level::Warning,
                message: "counter `bad` does not end in `_total`".to_string(),
                primary: span_of(0, MAIN_GO, "\"bad\""),
                related: vec![
                    Related {
                        span: span_of(1, OTHER_GO, "\"dup\""),
                        message: "also defined here".to_string(),
                    },
                    Related {
                        span: span_of(0, MAIN_GO, "name"),
                        message: "resolved through this call".to_string(),
                    },
                ],
                help: Some("rename it to `bad_total`".to_string()),
            },
            Diagnostic {
                code: "M101",
                name: "metric-name-invalid",
                level: Level::Error,
                message: "name `a,b: 100%`\nis invalid".to_string(),
                primary: span_of(1, OTHER_GO, "name"),
                related: Vec::new(),
                help: None,
            },
            Diagnostic {
                code: "I002",
                name: "parse-error",
                level: Level::Note,
                message: "parse error".to_string(),
                primary: Span::new(FileId(1), 0, 7),
                related: Vec::new(),
                help: None,
            },
        ];
        let mut stats = Stats {
            files_checked: 2,
            files_parsed: 1,
            packages: 1,
            ..Stats::default()
        };
        stats.skipped.insert("generated", 1);
        LintOutcome {
            files,
            diagnostics,
            enabled: Vec::new(),
            stats,
            problems: Vec::new(),
            warnings: Vec::new(),
            config: Config::default(),
            baseline_unused: Vec::new(),
            ungated: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;

    #[test]
    fn positions_are_utf16_and_end_is_exclusive() {
        let o = outcome();
        let p = Positions::new(&o.files);
        let (start, end) = p.range(o.diagnostics[0].primary);
        // `var x = "é𝄞" + name(` : é is one UTF-16 unit, 𝄞 two.
        assert_eq!((start.line, start.column), (3, 22));
        assert_eq!((end.line, end.column), (3, 27));
        assert_eq!(start.char_column, 21);
    }

    #[test]
    fn paths_relative_to_the_base() {
        let f = file(0, "a b/x.go", "package x\n");
        assert_eq!(
            relative_path(&f, Path::new("/repo")).as_deref(),
            Some("a b/x.go")
        );
        assert_eq!(relative_path(&f, Path::new("/elsewhere/repo")), None);
    }

    #[test]
    fn urls() {
        assert_eq!(
            rule_url("M105", "counter-missing-total"),
            "https://github.com/instrlint/instrlint/blob/main/rules/M105-counter-missing-total.md"
        );
        assert!(rule_url("I002", "parse-error").ends_with("README.md#tool-codes"));
    }
}
