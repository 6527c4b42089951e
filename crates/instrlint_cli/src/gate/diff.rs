//! `--diff-base REV`: the lines added or changed since the merge base of REV
//! and HEAD, from `git`. The working tree is compared with the merge base, so
//! uncommitted edits count as changes, and untracked (not ignored) files count
//! as new files.

use super::{LineSet, ReportLines};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Run `git` in `dir`; stdout on success, a one-line reason on failure.
/// The repository's configuration must not make git run a program of its
/// choosing: no file-system monitor hook (external diff drivers and textconv
/// filters are turned off where `diff` runs).
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(["-c", "core.fsmonitor=false"])
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        Err(first.trim().to_string())
    }
}

/// The lines changed since the merge base of `rev` and HEAD, for the git
/// repository holding `cwd`.
pub fn changed_lines(rev: &str, cwd: &Path) -> Result<ReportLines, String> {
    if rev.starts_with('-') {
        return Err(format!("--diff-base: `{rev}` is not a revision"));
    }
    let top = git(cwd, &["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("--diff-base needs a git repository: {e}"))?;
    let top = super::canonical(Path::new(top.trim()));
    git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("--diff-base: unknown revision `{rev}`"))?;
    let base = git(&top, &["merge-base", rev, "HEAD"])
        .map_err(|e| format!("--diff-base: no merge base of `{rev}` and HEAD: {e}"))?;
    let base = base.trim();
    let diff = git(
        &top,
        &[
            "-c",
            "core.quotePath=false",
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--find-renames",
            // Whatever diff.noprefix or diff.mnemonicPrefix say.
            "--src-prefix=a/",
            "--dst-prefix=b/",
            base,
            "--",
        ],
    )
    .map_err(|e| format!("--diff-base: git diff failed: {e}"))?;
    let mut lines = parse_diff(&diff, &top);
    let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])
        .map_err(|e| format!("--diff-base: git ls-files failed: {e}"))?;
    for path in untracked.split('\0').filter(|p| !p.is_empty()) {
        lines.files.insert(top.join(path), LineSet::All);
    }
    Ok(lines)
}

/// Added and changed lines of a `git diff --unified=0`, keyed by `top/path`.
/// A file whose old side is `/dev/null` is new: every line counts.
pub fn parse_diff(diff: &str, top: &Path) -> ReportLines {
    let mut out = ReportLines::default();
    let mut current: Option<PathBuf> = None;
    let mut new_file = false;
    for line in diff.lines() {
        if line.starts_with("diff --git ") {
            current = None;
            new_file = false;
        } else if line == "--- /dev/null" {
            new_file = true;
        } else if let Some(path) = line.strip_prefix("+++ ") {
            current = path
                .strip_prefix("b/")
                .map(|p| top.join(p.trim_end_matches('\t')));
            if let Some(p) = &current {
                let set = if new_file {
                    LineSet::All
                } else {
                    LineSet::Ranges(Vec::new())
                };
                out.files.insert(p.clone(), set);
            }
        } else if let Some(rest) = line.strip_prefix("@@ ") {
            let Some(path) = &current else { continue };
            let Some((start, count)) = new_range(rest) else {
                continue;
            };
            if count == 0 {
                continue; // a pure deletion adds no line
            }
            if let Some(LineSet::Ranges(r)) = out.files.get_mut(path) {
                r.push((start, start + count - 1));
            }
        }
    }
    out
}

/// `+start[,count]` of a hunk header's rest (`-a,b +c,d @@ …`).
fn new_range(rest: &str) -> Option<(u32, u32)> {
    let plus = rest.split_whitespace().find(|w| w.starts_with('+'))?;
    let plus = &plus[1..];
    let (start, count) = match plus.split_once(',') {
        Some((s, c)) => (s.parse().ok()?, c.parse().ok()?),
        None => (plus.parse().ok()?, 1),
    };
    Some((start, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF: &str = "\
diff --git a/a.go b/a.go
index 1111111..2222222 100644
--- a/a.go
+++ b/a.go
@@ -3 +3 @@ package a
-x
+y
@@ -10,0 +11,2 @@ func f() {
+a
+b
@@ -20,2 +21,0 @@
-gone
-gone
diff --git a/new.go b/new.go
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/new.go
@@ -0,0 +1,4 @@
+package a
diff --git a/old.go b/old.go
deleted file mode 100644
--- a/old.go
+++ /dev/null
@@ -1,2 +0,0 @@
-package a
";

    #[test]
    fn hunks_become_ranges() {
        let top = Path::new("/repo");
        let r = parse_diff(DIFF, top);
        assert_eq!(
            r.files.get(Path::new("/repo/a.go")),
            Some(&LineSet::Ranges(vec![(3, 3), (11, 12)]))
        );
        assert_eq!(r.files.get(Path::new("/repo/new.go")), Some(&LineSet::All));
        assert!(!r.files.contains_key(Path::new("/repo/old.go")));
        assert_eq!(r.files.len(), 2);
    }

    #[test]
    fn hunk_header_without_count() {
        assert_eq!(new_range("-3 +7 @@"), Some((7, 1)));
        assert_eq!(new_range("-3,2 +7,0 @@ x"), Some((7, 0)));
        assert_eq!(new_range("garbage"), None);
    }
}
