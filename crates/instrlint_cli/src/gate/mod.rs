//! Which findings a run reports, once the whole tree has been read and linked:
//! the files named on the command line (not the package siblings read only
//! for resolution), the lines a change touched (`--diff-base`), and what a
//! baseline does not already accept (`--baseline`).
//!
//! These stages run after suppressions; resolution always sees whole packages.

pub mod baseline;
pub mod context;
pub mod diff;
mod pending;
pub mod scope;

pub use pending::DiffLines;

use instrlint_core::{Diagnostic, LineIndex, SourceFile};
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
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

/// What `--diff-base` knows: the lines that may be reported, keyed by
/// canonical absolute path (files not listed are unchanged), and the paths it
/// cannot judge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportLines {
    pub files: BTreeMap<PathBuf, LineSet>,
    /// The repository's root (canonical): git cannot say what changed in a
    /// file outside it. `None`: every path is judged.
    pub top: Option<PathBuf>,
    /// Paths git ignores (files and directories): not part of any change.
    pub ignored: Vec<PathBuf>,
    /// Changed files whose lines could not be read from git's output (all
    /// their lines count).
    pub unreadable: Vec<PathBuf>,
}

/// Whether a file's lines can be told apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// These lines changed (none: the file did not change).
    Lines(Option<&'a LineSet>),
    /// Git cannot tell: every line counts, and the user is told why, once per `root`.
    Unjudged { root: PathBuf, why: String },
}

impl ReportLines {
    pub fn get(&self, abs: &Path) -> Option<&LineSet> {
        self.files.get(&canonical(abs))
    }

    /// What is known of the file at `abs`. `nested` caches, per directory,
    /// whether it holds a repository of its own.
    pub fn verdict(&self, abs: &Path, nested: &mut BTreeMap<PathBuf, bool>) -> Verdict<'_> {
        self.verdict_of(canonical(abs), nested)
    }

    /// [`ReportLines::verdict`] of a path already canonical.
    pub fn verdict_of(&self, abs: PathBuf, nested: &mut BTreeMap<PathBuf, bool>) -> Verdict<'_> {
        if let Some(top) = &self.top {
            let Ok(rel) = abs.strip_prefix(top) else {
                return Verdict::Unjudged {
                    root: abs.parent().unwrap_or(&abs).to_path_buf(),
                    why: format!("outside the git repository at {}", top.display()),
                };
            };
            // A directory below the root holding `.git` is another repository
            // (a submodule or a nested clone): its files are not in this diff.
            let mut dir = top.clone();
            let parts: Vec<_> = rel.components().collect();
            for part in parts.iter().take(parts.len().saturating_sub(1)) {
                dir.push(part);
                let is_repo = *nested
                    .entry(dir.clone())
                    .or_insert_with(|| dir.join(".git").exists());
                if is_repo {
                    return Verdict::Unjudged {
                        root: dir,
                        why: "inside another git repository".to_string(),
                    };
                }
            }
            if let Some(p) = self.ignored.iter().find(|p| abs.starts_with(p)) {
                return Verdict::Unjudged {
                    root: p.clone(),
                    why: "ignored by git".to_string(),
                };
            }
            if self.unreadable.contains(&abs) {
                return Verdict::Unjudged {
                    root: abs.clone(),
                    why: "its changes could not be read from git diff".to_string(),
                };
            }
        }
        Verdict::Lines(self.files.get(&abs))
    }
}

/// `path` resolved through symbolic links when it exists, else as given.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Verdicts of the files of a run, each directory resolved and judged once:
/// resolving and judging every component of every file of a large tree
/// costs more than linting the files a change touched. Gives the verdicts
/// [`ReportLines::verdict`] gives.
pub struct Judge<'a> {
    lines: &'a ReportLines,
    nested: BTreeMap<PathBuf, bool>,
    /// Each directory judged: its canonical path, and what it decides for
    /// every file in it: unjudged (outside the repository, inside another),
    /// the ignored entries above it, by position in `lines.ignored`, and
    /// the files of `lines` directly in it, by name (a file's verdict is then
    /// a lookup of its name, not a comparison of whole paths).
    dirs: Vec<Dir<'a>>,
    /// Directory as given → its place in `dirs`.
    index: HashMap<PathBuf, usize>,
    /// The directory of the last verdict, and its place in `dirs`.
    last: Option<(std::ffi::OsString, usize)>,
    /// The entries of `lines`, by the directory they are in.
    entries: HashMap<&'a Path, Entries<'a>>,
}

struct Dir<'a> {
    canonical: PathBuf,
    unjudged: Option<Verdict<'a>>,
    /// The first ignored entry the directory lies in.
    ignored: Option<usize>,
    entries: Entries<'a>,
}

/// The files of [`ReportLines`] directly in one directory, by name.
#[derive(Clone, Default)]
struct Entries<'a> {
    changed: HashMap<&'a OsStr, &'a LineSet>,
    /// With their first position in `lines.ignored`.
    ignored: HashMap<&'a OsStr, usize>,
    /// Whose changes could not be read.
    unreadable: Vec<&'a OsStr>,
}

impl<'a> Entries<'a> {
    fn by_directory(lines: &'a ReportLines) -> HashMap<&'a Path, Entries<'a>> {
        let mut by: HashMap<&'a Path, Entries<'a>> = HashMap::new();
        let split = |p: &'a Path| Some((p.parent()?, p.file_name()?));
        for (p, set) in &lines.files {
            if let Some((dir, name)) = split(p) {
                by.entry(dir).or_default().changed.insert(name, set);
            }
        }
        for (i, p) in lines.ignored.iter().enumerate() {
            if let Some((dir, name)) = split(p) {
                by.entry(dir).or_default().ignored.entry(name).or_insert(i);
            }
        }
        for p in &lines.unreadable {
            if let Some((dir, name)) = split(p) {
                by.entry(dir).or_default().unreadable.push(name);
            }
        }
        by
    }
}

impl<'a> Dir<'a> {
    fn unjudged(canonical: PathBuf, verdict: Verdict<'a>) -> Self {
        Dir {
            canonical,
            unjudged: Some(verdict),
            ignored: None,
            entries: Entries::default(),
        }
    }
}

impl<'a> Judge<'a> {
    pub fn new(lines: &'a ReportLines) -> Self {
        Judge {
            lines,
            nested: BTreeMap::new(),
            dirs: Vec::new(),
            index: HashMap::new(),
            last: None,
            entries: Entries::by_directory(lines),
        }
    }

    /// The verdict of the file at `abs`; `regular`: it is known to be a
    /// regular file, not a symbolic link (it was found by walking).
    pub fn verdict(&mut self, abs: &Path, regular: bool) -> Verdict<'a> {
        let lines = self.lines;
        let (Some(dir), Some(name)) = (abs.parent(), abs.file_name()) else {
            return lines.verdict_of(canonical(abs), &mut self.nested);
        };
        if !regular {
            // A symbolic link, or a path that does not exist, as a whole.
            match std::fs::symlink_metadata(abs) {
                Ok(m) if !m.file_type().is_symlink() => {}
                _ => return lines.verdict_of(canonical(abs), &mut self.nested),
            }
        }
        // Files come a directory at a time: comparing with the last
        // directory's bytes saves hashing its path, component by component.
        let at = match &self.last {
            Some((last, at)) if last.as_os_str() == dir.as_os_str() => *at,
            _ => {
                let at = match self.index.get(dir) {
                    Some(at) => *at,
                    None => {
                        let judged = self.judge_dir(canonical(dir));
                        self.dirs.push(judged);
                        self.index.insert(dir.to_path_buf(), self.dirs.len() - 1);
                        self.dirs.len() - 1
                    }
                };
                self.last = Some((dir.as_os_str().to_os_string(), at));
                at
            }
        };
        let d = &self.dirs[at];
        if let Some(v) = &d.unjudged {
            return v.clone();
        }
        if lines.top.is_some() {
            let own = d.entries.ignored.get(name).copied();
            let first = match (d.ignored, own) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if let Some(i) = first {
                return Verdict::Unjudged {
                    root: lines.ignored[i].clone(),
                    why: "ignored by git".to_string(),
                };
            }
            if d.entries.unreadable.contains(&name) {
                return Verdict::Unjudged {
                    root: d.canonical.join(name),
                    why: "its changes could not be read from git diff".to_string(),
                };
            }
        }
        Verdict::Lines(d.entries.changed.get(name).copied())
    }

    fn judge_dir(&mut self, dir: PathBuf) -> Dir<'a> {
        let lines = self.lines;
        let Some(top) = &lines.top else {
            return self.judged(dir, None);
        };
        let Ok(rel) = dir.strip_prefix(top) else {
            let unjudged = Verdict::Unjudged {
                root: dir.clone(),
                why: format!("outside the git repository at {}", top.display()),
            };
            return Dir::unjudged(dir, unjudged);
        };
        let mut inner = top.clone();
        for part in rel.components() {
            inner.push(part);
            let is_repo = *self
                .nested
                .entry(inner.clone())
                .or_insert_with(|| inner.join(".git").exists());
            if is_repo {
                let unjudged = Verdict::Unjudged {
                    root: inner,
                    why: "inside another git repository".to_string(),
                };
                return Dir::unjudged(dir, unjudged);
            }
        }
        let ignored = lines.ignored.iter().position(|p| dir.starts_with(p));
        self.judged(dir, ignored)
    }

    fn judged(&self, canonical: PathBuf, ignored: Option<usize>) -> Dir<'a> {
        let entries = self
            .entries
            .get(canonical.as_path())
            .cloned()
            .unwrap_or_default();
        Dir {
            canonical,
            unjudged: None,
            ignored,
            entries,
        }
    }
}

/// A path `--diff-base` cannot judge, to say on standard error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unjudged {
    /// The directory or file, shown relative to the working directory when under it.
    pub path: String,
    pub why: String,
}

/// Keep the findings whose primary location is in a reported file
/// (`reported[file id]`) and, with a `judge` of the changed lines, that
/// touch a changed line: the primary location or any related one is on a
/// line added or changed, or in a file git cannot judge (`walked[file id]`:
/// found by walking, so a regular file, not a link). Also returns the paths
/// that could not be judged (each reported file's outermost such path,
/// once).
pub fn retain_reported(
    diagnostics: Vec<Diagnostic>,
    files: &[SourceFile],
    reported: &[bool],
    judge: Option<&mut Judge<'_>>,
    walked: &[bool],
) -> (Vec<Diagnostic>, Vec<Unjudged>) {
    let Some(judge) = judge else {
        let kept = diagnostics
            .into_iter()
            .filter(|d| is_reported(reported, d.primary.file))
            .collect();
        return (kept, Vec::new());
    };
    let regular = |i: usize| walked.get(i).copied().unwrap_or(false);
    let mut verdicts: Vec<Option<Verdict>> = vec![None; files.len()];
    let mut indexes: Vec<Option<LineIndex>> = vec![None; files.len()];
    let mut unjudged: BTreeMap<PathBuf, String> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if !reported.get(i).copied().unwrap_or(true) {
            continue;
        }
        let v = judge.verdict(&f.abs_path, regular(i));
        if let Verdict::Unjudged { root, why } = &v {
            unjudged.entry(root.clone()).or_insert_with(|| why.clone());
        }
        verdicts[i] = Some(v);
    }
    let mut touches = |span: instrlint_core::Span| -> bool {
        let i = span.file.0 as usize;
        let Some(file) = files.get(i) else {
            return true;
        };
        let verdict = verdicts[i].get_or_insert_with(|| judge.verdict(&file.abs_path, regular(i)));
        match verdict {
            Verdict::Unjudged { .. } => true,
            Verdict::Lines(None) => false,
            Verdict::Lines(Some(set)) => {
                let index = indexes[i].get_or_insert_with(|| LineIndex::new(&file.text));
                let line = index.line_of(span.start.min(file.text.len() as u32)) as u32 + 1;
                set.contains(line)
            }
        }
    };
    let kept = diagnostics
        .into_iter()
        .filter(|d| is_reported(reported, d.primary.file))
        .filter(|d| touches(d.primary) || d.related.iter().any(|r| touches(r.span)))
        .collect();
    // One line per outermost path: a directory covers what lies below it.
    let mut roots: Vec<(PathBuf, String)> = Vec::new();
    for (root, why) in unjudged {
        if !roots.iter().any(|(r, _)| root.starts_with(r)) {
            roots.push((root, why));
        }
    }
    let cwd = std::env::current_dir().map(|d| canonical(&d)).ok();
    let shown = roots
        .into_iter()
        .map(|(root, why)| Unjudged {
            path: match cwd.as_deref().and_then(|c| root.strip_prefix(c).ok()) {
                Some(rel) if !rel.as_os_str().is_empty() => crate::output::display_path(rel),
                _ => crate::output::display_path(&root),
            },
            why,
        })
        .collect();
    (kept, shown)
}

fn is_reported(reported: &[bool], file: instrlint_core::FileId) -> bool {
    reported.get(file.0 as usize).copied().unwrap_or(true)
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

    #[cfg(unix)]
    #[test]
    fn the_judge_gives_the_verdicts_of_report_lines() {
        let root = tempfile::tempdir().expect("temp dir");
        let top = canonical(root.path()).join("repo");
        let outside = canonical(root.path()).join("outside");
        for dir in ["a/b", "sub/.git", "sub/x", "gen", "c"] {
            std::fs::create_dir_all(top.join(dir)).expect("mkdir");
        }
        std::fs::create_dir_all(&outside).expect("mkdir");
        let files = [
            top.join("a/b/changed.go"),
            top.join("a/b/same.go"),
            top.join("a/ignored.go"),
            top.join("sub/x/n.go"),
            top.join("gen/g.go"),
            top.join("c/unreadable.go"),
            outside.join("o.go"),
        ];
        for f in &files {
            std::fs::write(f, "package p\n").expect("write");
        }
        // A link to a changed file is judged as its target.
        std::os::unix::fs::symlink(top.join("a/b/changed.go"), top.join("c/link.go"))
            .expect("symlink");
        let lines = ReportLines {
            files: [(top.join("a/b/changed.go"), LineSet::All)].into(),
            top: Some(top.clone()),
            ignored: vec![top.join("gen"), top.join("a/ignored.go")],
            unreadable: vec![top.join("c/unreadable.go")],
        };
        let mut judge = Judge::new(&lines);
        let mut nested = BTreeMap::new();
        let mut unjudged = 0;
        for (f, regular) in files.iter().map(|f| (f.clone(), true)).chain([
            (top.join("c/link.go"), false),
            (top.join("c/none.go"), false),
        ]) {
            let want = lines.verdict(&f, &mut nested);
            unjudged += usize::from(matches!(want, Verdict::Unjudged { .. }));
            assert_eq!(judge.verdict(&f, regular), want, "{}", f.display());
        }
        assert_eq!(unjudged, 5, "ignored twice, nested, unreadable, outside");
        assert!(matches!(
            judge.verdict(&top.join("c/link.go"), false),
            Verdict::Lines(Some(_))
        ));
    }
}
