//! `//instrlint:ignore CODE[,CODE] -- reason`, `//nolint:instrlint` and `//nolint`.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile, Span};

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The comment itself.
    pub span: Span,
    /// 1-based line of the comment.
    pub line: u32,
    /// The comment stands alone on its line (it then also covers the next line).
    pub standalone: bool,
    /// Codes or group letters it names; empty means every code (`//nolint`).
    pub codes: Vec<String>,
    pub reason: Option<String>,
}

/// Suppression comments of one file.
pub fn scan(file: &SourceFile) -> Vec<Suppression> {
    let _ = file;
    Vec::new()
}

/// The result of applying suppressions.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Diagnostic>,
    /// Suppressions that silenced nothing.
    pub unused: Vec<Suppression>,
}

/// Drop the diagnostics that a suppression covers. A suppression covers a
/// finding whose primary span starts on the comment's line, on the line below
/// a standalone comment, or inside one of `scopes` (multi-line statements)
/// that starts on one of those lines. `line_of(file, offset)` gives 1-based lines.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    suppressions: &[Suppression],
    scopes: &[Span],
    line_of: &dyn Fn(FileId, u32) -> u32,
) -> Applied {
    let _ = (suppressions, scopes, line_of);
    Applied {
        kept: diagnostics,
        unused: Vec::new(),
    }
}
