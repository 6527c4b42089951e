//! `--baseline FILE` / `--write-baseline FILE`: accept today's findings and
//! report only new ones.
//!
//! An entry matches a finding on its code, its path (relative to the
//! repository root) and the normalised text of the line where it starts
//! (trimmed, whitespace runs collapsed), not on line numbers, so entries
//! survive edits elsewhere in the file. Identical lines with the same code
//! are told apart by `occurrence` (1-based, in file order). Parse errors
//! (`I002`) are never written nor filtered.

use crate::output::{relative_path, Positions};
use crate::pipeline::PARSE_ERROR;
use instrlint_core::{Diagnostic, SourceFile};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub code: String,
    /// The normalised text of the flagged line.
    pub line: String,
    /// Which of several findings with the same path, code and line (1-based).
    pub occurrence: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Sorted by path, code, line and occurrence.
    pub findings: Vec<Entry>,
}

/// Trimmed, with every whitespace run collapsed to one space.
pub fn normalise(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The entry each diagnostic would have (`None` for `I002`), in order.
fn entries(diagnostics: &[Diagnostic], files: &[SourceFile], base: &Path) -> Vec<Option<Entry>> {
    let positions = Positions::new(files);
    let mut seen: BTreeMap<(String, String, String), u32> = BTreeMap::new();
    diagnostics
        .iter()
        .map(|d| {
            if d.code == PARSE_ERROR.0 {
                return None;
            }
            let file = positions.file(d.primary);
            let path = relative_path(file, base).unwrap_or_else(|| file.path.clone());
            let line = normalise(positions.start_line_text(d.primary));
            let n = seen
                .entry((path.clone(), d.code.to_string(), line.clone()))
                .or_default();
            *n += 1;
            Some(Entry {
                path,
                code: d.code.to_string(),
                line,
                occurrence: *n,
            })
        })
        .collect()
}

impl Baseline {
    /// A baseline accepting `diagnostics` (sorted as the pipeline sorts them).
    pub fn of(diagnostics: &[Diagnostic], files: &[SourceFile], base: &Path) -> Baseline {
        let mut findings: Vec<Entry> = entries(diagnostics, files, base)
            .into_iter()
            .flatten()
            .collect();
        findings.sort();
        findings.dedup();
        Baseline {
            version: VERSION,
            findings,
        }
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.version != VERSION {
            return Err(format!(
                "unsupported baseline version {} (expected {VERSION})",
                b.version
            ));
        }
        Ok(b)
    }

    /// Pretty, sorted JSON with a final newline: meant to be committed.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("baseline serialises");
        s.push('\n');
        s
    }

    /// The diagnostics no entry accepts, and the entries that matched nothing.
    pub fn apply(
        &self,
        diagnostics: Vec<Diagnostic>,
        files: &[SourceFile],
        base: &Path,
    ) -> (Vec<Diagnostic>, Vec<Entry>) {
        let keys = entries(&diagnostics, files, base);
        let mut unused: BTreeSet<&Entry> = self.findings.iter().collect();
        let kept = diagnostics
            .into_iter()
            .zip(keys)
            .filter(|(_, key)| match key {
                Some(k) => !unused.remove(k),
                None => true,
            })
            .map(|(d, _)| d)
            .collect();
        (kept, unused.into_iter().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::outcome;

    #[test]
    fn round_trip_and_matching() {
        let o = outcome();
        let base = Path::new("/repo");
        let b = Baseline::of(&o.diagnostics, &o.files, base);
        assert!(b.findings.iter().all(|e| e.code != "I002"));
        assert!(!b.findings.is_empty());
        let mut sorted = b.findings.clone();
        sorted.sort();
        assert_eq!(sorted, b.findings);
        let parsed = Baseline::parse(&b.to_json()).unwrap();
        assert_eq!(parsed, b);

        let (kept, unused) = b.apply(o.diagnostics.clone(), &o.files, base);
        assert!(unused.is_empty());
        assert!(kept.iter().all(|d| d.code == "I002"), "{kept:?}");

        let mut stale = b.clone();
        stale.findings.push(Entry {
            path: "gone.go".into(),
            code: "M105".into(),
            line: "x".into(),
            occurrence: 1,
        });
        let (_, unused) = stale.apply(o.diagnostics.clone(), &o.files, base);
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].path, "gone.go");
    }

    #[test]
    fn normalises_whitespace() {
        assert_eq!(normalise("\t Name:   \"x\",  "), "Name: \"x\",");
    }

    #[test]
    fn rejects_other_versions_and_fields() {
        assert!(Baseline::parse(r#"{"version":2,"findings":[]}"#).is_err());
        assert!(Baseline::parse(r#"{"version":1,"findings":[],"x":1}"#).is_err());
        assert!(Baseline::parse(r#"{"version":1,"findings":[]}"#).is_ok());
    }
}
