//! `--diff-base REV`: the lines added or changed since the merge base of REV
//! and HEAD, from `git`. The working tree is compared with the merge base, so
//! uncommitted edits count as changes, and untracked (not ignored) files count
//! as new files.
//!
//! File names come from git's `-z` output (raw bytes, never quoted); hunks are
//! read by the counts of their `@@` headers, so no added line is mistaken for
//! a header whatever its text.

use super::{LineSet, ReportLines};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Run `git` in `dir`; stdout on success, a one-line reason on failure.
/// The repository's configuration must not make git run a program of its
/// choosing: no file-system monitor hook (external diff drivers and textconv
/// filters are turned off where `diff` runs).
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(["-c", "core.fsmonitor=false"])
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        Err(first.trim().to_string())
    }
}

fn git_text(dir: &Path, args: &[&str]) -> Result<String, String> {
    git(dir, args).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The lines changed since the merge base of `rev` and HEAD, for the git
/// repository holding `cwd`.
pub fn changed_lines(rev: &str, cwd: &Path) -> Result<ReportLines, String> {
    if rev.starts_with('-') {
        return Err(format!("--diff-base: `{rev}` is not a revision"));
    }
    let top = git_text(cwd, &["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("--diff-base needs a git repository: {e}"))?;
    let top = super::canonical(Path::new(top.trim_end_matches('\n')));
    // Whether `rev` names a commit is asked only when there is no merge
    // base (a revision git does not know has none).
    let base = git_text(&top, &["merge-base", rev, "HEAD"]).map_err(|e| {
        let known = git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        );
        match known {
            Ok(_) => no_merge_base(rev, &top, &e),
            Err(_) => format!("--diff-base: unknown revision `{rev}`"),
        }
    })?;
    let base = base.trim();
    // The diff and the two listings each read the whole working tree: run
    // side by side.
    let diff_args = [
        "-c",
        "core.quotePath=false",
        "diff",
        "--raw",
        "-z",
        "--patch",
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
    ];
    let untracked_args = ["ls-files", "--others", "--exclude-standard", "-z"];
    // Ignored paths (directories end in `/`): git knows nothing of them.
    let ignored_args = [
        "ls-files",
        "--others",
        "--ignored",
        "--exclude-standard",
        "--directory",
        "-z",
    ];
    let (diff, untracked, ignored) = std::thread::scope(|s| {
        let untracked = s.spawn(|| git(&top, &untracked_args));
        let ignored = s.spawn(|| git(&top, &ignored_args));
        let diff = git(&top, &diff_args);
        let joined = |h: std::thread::ScopedJoinHandle<'_, Result<Vec<u8>, String>>| {
            h.join()
                .unwrap_or_else(|_| Err("git could not be run".to_string()))
        };
        (diff, joined(untracked), joined(ignored))
    });
    let diff = diff.map_err(|e| format!("--diff-base: git diff failed: {e}"))?;
    let mut lines = parse_diff(&diff, &top)?;
    let untracked = untracked.map_err(|e| format!("--diff-base: git ls-files failed: {e}"))?;
    for path in untracked.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        lines.files.insert(top.join(from_bytes(path)), LineSet::All);
    }
    let ignored = ignored.map_err(|e| format!("--diff-base: git ls-files failed: {e}"))?;
    lines.ignored = ignored
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| top.join(from_bytes(p.strip_suffix(b"/").unwrap_or(p))))
        .collect();
    lines.top = Some(top);
    Ok(lines)
}

/// Why there is no merge base: a shallow clone lacks the history; otherwise
/// the two histories share no commit.
fn no_merge_base(rev: &str, top: &Path, err: &str) -> String {
    let shallow =
        git_text(top, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|s| s.trim() == "true");
    let why = if shallow {
        "this is a shallow clone, and the history that joins them has not been fetched: \
         run `git fetch --unshallow` (in GitHub Actions, check out with `fetch-depth: 0`)"
            .to_string()
    } else if err.is_empty() {
        "they share no commit".to_string()
    } else {
        err.to_string()
    };
    format!("--diff-base: no merge base of `{rev}` and HEAD: {why}")
}

#[cfg(unix)]
fn from_bytes(b: &[u8]) -> &Path {
    use std::os::unix::ffi::OsStrExt;
    Path::new(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
fn from_bytes(b: &[u8]) -> std::path::PathBuf {
    std::path::PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

/// One entry of `git diff --raw -z`.
#[derive(Debug, PartialEq, Eq)]
struct Entry<'a> {
    /// `A`, `M`, `D`, `R`, `C`, `T`, `U`, …
    status: u8,
    old: &'a [u8],
    new: &'a [u8],
}

/// The file pairs of the raw part of `git diff --raw -z --patch` and the
/// patch that follows them.
fn split_raw(out: &[u8]) -> Result<(Vec<Entry<'_>>, &[u8]), String> {
    let bad = || "--diff-base: cannot read git's raw diff output".to_string();
    let mut entries = Vec::new();
    let mut rest = out;
    while rest.first() == Some(&b':') {
        let mut fields = rest.splitn(2, |b| *b == 0);
        let meta = fields.next().ok_or_else(bad)?;
        rest = fields.next().ok_or_else(bad)?;
        // `:old_mode new_mode old_sha new_sha STATUS[score]`
        let status = *meta
            .rsplit(|b| *b == b' ')
            .next()
            .and_then(|s| s.first())
            .ok_or_else(bad)?;
        let mut take = || -> Result<&[u8], String> {
            let end = rest.iter().position(|b| *b == 0).ok_or_else(bad)?;
            let name = &rest[..end];
            rest = &rest[end + 1..];
            Ok(name)
        };
        let old = take()?;
        let new = if matches!(status, b'R' | b'C') {
            take()?
        } else {
            old
        };
        entries.push(Entry { status, old, new });
    }
    // The raw part ends with an empty record before the patch.
    let patch = rest.strip_prefix(b"\0").unwrap_or(rest);
    Ok((entries, patch))
}

/// One file's part of a patch: its `diff --git` line and the new side's
/// changed lines.
#[derive(Debug, Default, PartialEq, Eq)]
struct Block<'a> {
    header: &'a [u8],
    new_file: bool,
    ranges: Vec<(u32, u32)>,
}

/// The blocks of a patch, hunks read by their counts.
fn blocks(patch: &[u8]) -> Vec<Block<'_>> {
    let mut out: Vec<Block> = Vec::new();
    let mut lines = patch.split(|b| *b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if line.starts_with(b"diff --git ") {
            out.push(Block {
                header: line,
                ..Block::default()
            });
            continue;
        }
        let Some(block) = out.last_mut() else {
            continue;
        };
        if line.starts_with(b"new file mode ") {
            block.new_file = true;
        } else if let Some((old, new)) = hunk_counts(line) {
            let (mut old_left, mut new_left) = (old.1, new.1);
            if new.1 > 0 {
                block.ranges.push((new.0, new.0 + new.1 - 1));
            }
            // The hunk's body: exactly that many old and new lines.
            while old_left > 0 || new_left > 0 {
                let Some(body) = lines.next() else { break };
                match body.first() {
                    Some(b'-') => old_left = old_left.saturating_sub(1),
                    Some(b'+') => new_left = new_left.saturating_sub(1),
                    Some(b'\\') => {} // "\ No newline at end of file"
                    _ => {
                        old_left = old_left.saturating_sub(1);
                        new_left = new_left.saturating_sub(1);
                    }
                }
            }
            while lines.peek().is_some_and(|l| l.starts_with(b"\\")) {
                lines.next();
            }
        }
    }
    out
}

/// `@@ -a[,b] +c[,d] @@…`: ((a, b), (c, d)), counts defaulting to 1.
fn hunk_counts(line: &[u8]) -> Option<((u32, u32), (u32, u32))> {
    let rest = line.strip_prefix(b"@@ -")?;
    let rest = std::str::from_utf8(&rest[..rest.windows(3).position(|w| w == b" @@")?]).ok()?;
    let (old, new) = rest.split_once(" +")?;
    let range = |s: &str| -> Option<(u32, u32)> {
        match s.split_once(',') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    Some((range(old)?, range(new)?))
}

/// A name as git writes it in a `diff --git` header with `core.quotePath`
/// off: in double quotes with C escapes when it holds `"`, `\` or a control
/// character, else as it is.
fn quoted(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let needs = |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f;
    let mut out = Vec::with_capacity(prefix.len() + name.len() + 2);
    if !name.iter().any(|b| needs(*b)) {
        out.extend_from_slice(prefix);
        out.extend_from_slice(name);
        return out;
    }
    out.push(b'"');
    out.extend_from_slice(prefix);
    for &b in name {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0b => out.extend_from_slice(b"\\v"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b if needs(b) => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
            b => out.push(b),
        }
    }
    out.push(b'"');
    out
}

/// Added and changed lines of `git diff --raw -z --patch --unified=0`,
/// keyed by `top/path`. Names are those of the raw part; each file's hunks
/// are found in the patch by its `diff --git` line. A new file counts
/// entirely, a deleted one not at all; a changed file whose patch cannot be
/// found counts entirely and is listed in `unreadable`.
pub fn parse_diff(out: &[u8], top: &Path) -> Result<ReportLines, String> {
    let (entries, patch) = split_raw(out)?;
    let mut by_header: BTreeMap<Vec<u8>, Vec<Block>> = BTreeMap::new();
    for b in blocks(patch) {
        by_header.entry(b.header.to_vec()).or_default().push(b);
    }
    let mut lines = ReportLines::default();
    for e in entries {
        let path = top.join(from_bytes(e.new));
        let set = match e.status {
            b'D' => continue,
            b'M' | b'R' | b'C' => {
                let mut header = b"diff --git ".to_vec();
                header.extend(quoted(b"a/", e.old));
                header.push(b' ');
                header.extend(quoted(b"b/", e.new));
                match by_header.get(&header) {
                    Some(found) if found.iter().any(|b| b.new_file) => LineSet::All,
                    Some(found) => LineSet::Ranges(
                        found
                            .iter()
                            .flat_map(|b| b.ranges.iter().copied())
                            .collect(),
                    ),
                    None => {
                        lines.unreadable.push(path.clone());
                        LineSet::All
                    }
                }
            }
            // Added, type changed (a link became a file), unmerged, unknown.
            _ => LineSet::All,
        };
        lines.files.insert(path, set);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `git diff --raw -z --patch --unified=0` output: `␀` stands for NUL.
    fn z(s: &str) -> Vec<u8> {
        s.replace('␀', "\0").into_bytes()
    }

    const DIFF: &str = "\
:100644 100644 1111111 2222222 M␀a.go␀\
:000000 100644 0000000 3333333 A␀new.go␀\
:100644 000000 4444444 0000000 D␀old.go␀\
:100644 100644 5555555 6666666 R087␀from.go␀to.go␀\
:100644 100644 7777777 8888888 M␀quo\"te.go␀␀\
diff --git a/a.go b/a.go
index 1111111..2222222 100644
--- a/a.go
+++ b/a.go
@@ -3 +3 @@ package a
-x
+y
@@ -10,0 +11,2 @@ func f() {
+a
++++ b/elsewhere.go
@@ -20,2 +21,0 @@
-gone
-gone
@@ -30 +29 @@
-diff --git a/x b/x
+@@ -1 +1 @@
diff --git a/new.go b/new.go
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/new.go
@@ -0,0 +1,4 @@
+package a
+
+
+
diff --git a/old.go b/old.go
deleted file mode 100644
--- a/old.go
+++ /dev/null
@@ -1,2 +0,0 @@
-package a
-
diff --git a/from.go b/to.go
similarity index 87%
rename from from.go
rename to to.go
index 5555555..6666666 100644
--- a/from.go
+++ b/to.go
@@ -5 +5 @@
-a
+b
\\ No newline at end of file
diff --git \"a/quo\\\"te.go\" \"b/quo\\\"te.go\"
index 7777777..8888888 100644
--- \"a/quo\\\"te.go\"
+++ \"b/quo\\\"te.go\"
@@ -1,0 +2 @@
+z
";

    #[test]
    fn hunks_become_ranges() {
        let top = Path::new("/repo");
        let r = parse_diff(&z(DIFF), top).unwrap();
        let get = |p: &str| r.files.get(&top.join(p));
        assert_eq!(
            get("a.go"),
            Some(&LineSet::Ranges(vec![(3, 3), (11, 12), (29, 29)]))
        );
        assert_eq!(get("new.go"), Some(&LineSet::All));
        assert_eq!(get("to.go"), Some(&LineSet::Ranges(vec![(5, 5)])));
        assert_eq!(get("quo\"te.go"), Some(&LineSet::Ranges(vec![(2, 2)])));
        assert_eq!(get("old.go"), None);
        assert_eq!(get("elsewhere.go"), None);
        assert_eq!(r.files.len(), 4);
        assert!(r.unreadable.is_empty());
    }

    #[test]
    fn a_changed_file_without_its_patch_counts_entirely() {
        let top = Path::new("/repo");
        let r = parse_diff(&z(":100644 100644 1 2 M␀a.go␀␀"), top).unwrap();
        assert_eq!(r.files.get(&top.join("a.go")), Some(&LineSet::All));
        assert_eq!(r.unreadable, [top.join("a.go")]);
        assert!(parse_diff(b"", top).unwrap().files.is_empty());
        assert!(parse_diff(&z(":100644 100644 1 2 M"), top).is_err());
    }

    #[test]
    fn hunk_headers() {
        assert_eq!(hunk_counts(b"@@ -3 +7 @@"), Some(((3, 1), (7, 1))));
        assert_eq!(hunk_counts(b"@@ -3,2 +7,0 @@ x @@"), Some(((3, 2), (7, 0))));
        assert_eq!(hunk_counts(b"@@ garbage"), None);
    }

    #[test]
    fn names_quoted_as_git_quotes_them() {
        assert_eq!(quoted(b"b/", b"plain name.go"), b"b/plain name.go");
        assert_eq!(
            quoted(b"b/", "tab\there\n\"\\\u{1}é.go".as_bytes()),
            "\"b/tab\\there\\n\\\"\\\\\\001é.go\"".as_bytes()
        );
    }
}
