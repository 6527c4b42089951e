//! Which findings a run reports, once the whole tree has been read and linked:
//! the files named on the command line (not the package siblings read only
//! for resolution), the lines a change touched (`--diff-base`), and what a
//! baseline does not already accept (`--baseline`).
//!
//! These stages run after suppressions; resolution always sees whole packages.

pub mod baseline;
pub mod context;
pub mod diff;

use instrlint_core::{Diagnostic, LineIndex, SourceFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Lines of one file that may be reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineSet {
    /// The whole file (a new file).
    All,
    /// Inclusive 1-based line ranges.
    Ranges(Vec<(u32, u32)>),
}

impl LineSet {
    pub fn contains(&self, line: u32) -> bool {
        match self {
            LineSet::All => true,
            LineSet::Ranges(r) => r.iter().any(|&(a, b)| a <= line && line <= b),
        }
    }
}

/// The lines that may be reported, keyed by canonical absolute path; files
/// not listed report nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportLines {
    pub files: BTreeMap<PathBuf, LineSet>,
}

impl ReportLines {
    pub fn get(&self, abs: &Path) -> Option<&LineSet> {
        self.files.get(&canonical(abs))
    }
}

/// `path` resolved through symbolic links when it exists, else as given.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Keep the findings whose primary location is in a reported file
/// (`reported[file id]`) and, with `lines`, on a reported line.
pub fn retain_reported(
    diagnostics: Vec<Diagnostic>,
    files: &[SourceFile],
    reported: &[bool],
    lines: Option<&ReportLines>,
) -> Vec<Diagnostic> {
    let mut per_file: BTreeMap<u32, (Option<&LineSet>, LineIndex)> = BTreeMap::new();
    diagnostics
        .into_iter()
        .filter(|d| {
            let id = d.primary.file.0;
            if !reported.get(id as usize).copied().unwrap_or(true) {
                return false;
            }
            let Some(lines) = lines else { return true };
            let file = &files[id as usize];
            let (set, index) = per_file
                .entry(id)
                .or_insert_with(|| (lines.get(&file.abs_path), LineIndex::new(&file.text)));
            let line = index.line_of(d.primary.start.min(file.text.len() as u32)) as u32 + 1;
            set.is_some_and(|s| s.contains(line))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_sets() {
        let r = LineSet::Ranges(vec![(3, 3), (10, 12)]);
        assert!(r.contains(3) && r.contains(11) && r.contains(12));
        assert!(!r.contains(4) && !r.contains(13) && !r.contains(2));
        assert!(LineSet::All.contains(1));
    }
}
