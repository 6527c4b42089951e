//! The one-line run summary printed on stderr after `check`.

use super::Counts;
use crate::pipeline::{skip_singular, Stats};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `checked 14 files in 3 Go packages (9 files parsed, the prefilter ruled
/// out the rest) in 0.02s: …`. A Go package is the files of one directory
/// that share a package clause.
pub fn line(stats: &Stats, counts: Counts) -> String {
    // Siblings of a file given on the command line are parsed for
    // resolution without being checked: then more files are parsed.
    let parsed = if stats.files_parsed >= stats.files_checked {
        format!(
            "{} parsed, package siblings included",
            plural(stats.files_parsed, "file", "files")
        )
    } else {
        format!(
            "{} parsed, the prefilter ruled out the rest",
            plural(stats.files_parsed, "file", "files")
        )
    };
    let mut s = format!(
        "checked {} in {} ({parsed}) in {:.2}s: {}, {}, {}",
        plural(stats.files_checked, "file", "files"),
        plural(stats.packages, "Go package", "Go packages"),
        stats.elapsed.as_secs_f64(),
        plural(counts.errors, "error", "errors"),
        plural(counts.warnings, "warning", "warnings"),
        plural(counts.notes, "note", "notes"),
    );
    let skipped: Vec<String> = stats
        .skipped
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(reason, n)| plural(*n, skip_singular(reason), reason))
        .collect();
    if !skipped.is_empty() {
        s.push_str("; skipped ");
        s.push_str(&skipped.join(", "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn one_line_with_skips() {
        let mut stats = Stats {
            files_checked: 14,
            files_parsed: 9,
            packages: 3,
            elapsed: Duration::from_millis(20),
            ..Stats::default()
        };
        let counts = Counts {
            errors: 2,
            warnings: 5,
            notes: 1,
        };
        assert_eq!(
            line(&stats, counts),
            "checked 14 files in 3 Go packages (9 files parsed, the prefilter ruled out the rest) in 0.02s: 2 errors, 5 warnings, 1 note"
        );
        let siblings = Stats {
            files_checked: 1,
            files_parsed: 2,
            packages: 1,
            ..Stats::default()
        };
        assert!(line(&siblings, counts).starts_with(
            "checked 1 file in 1 Go package (2 files parsed, package siblings included) in"
        ));
        stats.skipped.insert("generated", 1);
        stats.skipped.insert("tests", 2);
        assert!(line(&stats, counts).ends_with("; skipped 1 generated, 2 tests"));
        stats.skipped.insert("symlinks", 1);
        stats.skipped.insert("tests", 1);
        assert!(line(&stats, counts).ends_with("; skipped 1 generated, 1 symlink, 1 test"));
    }
}
