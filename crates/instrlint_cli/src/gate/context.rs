//! Files read only for resolution: when files are named explicitly (as
//! pre-commit and editors do), the rest of each file's package is read from
//! its directory so that constants, vectors and other cross-file facts
//! resolve, but only the named files are reported.

use instrlint_core::discover::{Candidate, DiscoverOptions};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// `path` without `.` and `..` components (lexically).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn slashes(path: &Path) -> String {
    instrlint_core::discover::display_path(path)
}

/// A candidate for a file named explicitly that may not exist on disk
/// (`--stdin-filename`), named as discovery names files.
pub fn candidate(path: &Path) -> Candidate {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = normalize(&cwd.join(path));
    let display = match abs.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => slashes(rel),
        _ => slashes(&abs),
    };
    Candidate {
        display,
        abs,
        explicit: true,
    }
}

/// The `.go` files in the directories of the explicitly named `files` that
/// `files` does not hold already (tests only with `include_tests`; never
/// larger than `max_file_size`), sorted.
pub fn package_siblings(files: &[Candidate], opts: &DiscoverOptions) -> Vec<Candidate> {
    let known: BTreeSet<&Path> = files.iter().map(|c| c.abs.as_path()).collect();
    let mut dirs: BTreeSet<(PathBuf, String)> = BTreeSet::new();
    for c in files.iter().filter(|c| c.explicit) {
        if let Some(dir) = c.abs.parent() {
            let display_dir = match c.display.rfind('/') {
                Some(i) => c.display[..=i].to_string(),
                None => String::new(),
            };
            dirs.insert((dir.to_path_buf(), display_dir));
        }
    }
    let mut out: Vec<Candidate> = Vec::new();
    for (dir, display_dir) in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let name = instrlint_core::discover::display_path(Path::new(&file_name));
            let abs = dir.join(&file_name);
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if !is_file
                || !name.ends_with(".go")
                || name.starts_with('.')
                || (name.ends_with("_test.go") && !opts.include_tests)
                || known.contains(abs.as_path())
                || entry
                    .metadata()
                    .map_or(true, |m| m.len() > opts.max_file_size)
            {
                continue;
            }
            out.push(Candidate {
                display: format!("{display_dir}{name}"),
                abs,
                // Generated siblings are read too: they often hold constants.
                explicit: true,
            });
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.abs == b.abs);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_of_named_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["a.go", "b.go", "c_test.go", "notes.txt"] {
            std::fs::write(root.join(f), "package p\n").unwrap();
        }
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/d.go"), "package sub\n").unwrap();
        let named = Candidate {
            display: "pkg/a.go".into(),
            abs: root.join("a.go"),
            explicit: true,
        };
        let opts = DiscoverOptions::default();
        let s = package_siblings(std::slice::from_ref(&named), &opts);
        let names: Vec<&str> = s.iter().map(|c| c.display.as_str()).collect();
        assert_eq!(names, ["pkg/b.go"]);

        let with_tests = DiscoverOptions {
            include_tests: true,
            ..DiscoverOptions::default()
        };
        assert_eq!(
            package_siblings(std::slice::from_ref(&named), &with_tests).len(),
            2
        );

        let walked = Candidate {
            explicit: false,
            ..named
        };
        assert!(package_siblings(&[walked], &opts).is_empty());
    }
}
