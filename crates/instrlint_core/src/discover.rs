//! Finding the Go files to lint: gitignore-aware walking with the `ignore`
//! crate, default skips, size limit, generated-file detection.
//!
//! A directory is walked on `rayon::current_num_threads()` threads (`-j`);
//! what they find is recorded by key once the walk is over, so the outcome
//! does not depend on their number or order. [`discover_unmeasured`] leaves
//! the size limit of walked Go files to the reader ([`read_walked`]), which
//! takes the size of the open file instead of an `lstat` of each.
//!
//! Walking a directory honours `.gitignore` (also outside a git repository,
//! and in the directory's parents), `.ignore` and `.git/info/exclude`, but
//! not the user's global gitignore (runs must not depend on the machine).
//! Hidden entries and directories named `vendor` or `testdata` are skipped at
//! any depth, symlinks are never followed, and only `*.go` files are kept.
//! Silent skips (ignored, hidden, vendored) are not recorded; skips a user may
//! want to know about (tests, size, `exclude`, symlinks to Go or YAML files
//! and to directories) are. A symlink whose target cannot be reached
//! (dangling, a loop) is a [`Discovery::warnings`] entry: worth saying, but no
//! reason to fail the run, since it would not have been followed anyway.
//!
//! A path named explicitly is always linted when it is a `.go` file (even a
//! test file, a large one, an excluded one or one under `vendor/`), unless
//! [`DiscoverOptions::force_exclude`] is set: then a named file is skipped
//! where walking its directory would skip it ([`skip_if_walked`]). An
//! explicit directory is walked even if it is hidden or named `vendor` or
//! `testdata`; its own such subdirectories are still skipped. An explicit
//! file that is not `.go` is neither a candidate nor a problem.
//!
//! `.yml`/`.yaml` files are collected apart, in [`Discovery::rule_files`]:
//! they may be Prometheus rule files. Walking applies the same skips to them
//! (ignored, hidden, vendored, excluded, too large); one named explicitly is
//! always a candidate. Whether a file is a rule file is the caller's business
//! (`crate::rulefiles`).

use crate::config::io_message;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
pub struct DiscoverOptions {
    /// Lint `_test.go` files too.
    pub include_tests: bool,
    /// Files larger than this many bytes are skipped (counted), unless given explicitly.
    pub max_file_size: u64,
    /// Globs never linted, relative to `exclude_root`.
    pub exclude: Vec<String>,
    pub exclude_root: Option<PathBuf>,
    /// Files named explicitly are skipped where walking would skip them
    /// (`--force-exclude`; generated files are the reader's business).
    pub force_exclude: bool,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            include_tests: false,
            max_file_size: 1 << 20,
            exclude: Vec::new(),
            exclude_root: None,
            force_exclude: false,
        }
    }
}

/// A Go file to read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Display path: relative to the current directory when under it, `/` separators.
    pub display: String,
    pub abs: PathBuf,
    /// Named on the command line (always linted).
    pub explicit: bool,
}

/// Why a file was not linted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    TooLarge,
    /// Recorded by the caller after reading the file ([`is_generated`]):
    /// discovery itself never reads file contents.
    Generated,
    Test,
    Excluded,
    /// A symlink met while walking (to a Go or YAML file, or to a directory):
    /// never followed, so nothing outside the tree is linted twice or at all.
    Symlink,
}

/// A path that could not be walked or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoProblem {
    pub path: String,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub struct Discovery {
    /// Sorted by display path, without duplicates.
    pub files: Vec<Candidate>,
    /// `.yml`/`.yaml` files that may be Prometheus rule files, sorted by
    /// display path.
    pub rule_files: Vec<Candidate>,
    pub skipped: Vec<(String, SkipReason)>,
    pub problems: Vec<IoProblem>,
    /// Odd entries that did not stop the walk (broken symlinks), sorted by path.
    pub warnings: Vec<IoProblem>,
}

/// Walk `paths` (files and directories).
pub fn discover(paths: &[PathBuf], opts: &DiscoverOptions) -> Discovery {
    let cwd = std::env::current_dir().unwrap_or_default();
    discover_in(paths, opts, &cwd)
}

/// [`discover`], except that the Go files found by walking are not measured
/// against [`DiscoverOptions::max_file_size`] (an `lstat` each): the caller
/// reads each with [`read_walked`], which skips one that is too large from
/// the size of the open file, as walking would have.
pub fn discover_unmeasured(paths: &[PathBuf], opts: &DiscoverOptions) -> Discovery {
    let cwd = std::env::current_dir().unwrap_or_default();
    discover_measuring(paths, opts, &cwd, false)
}

/// [`discover`] with relative paths resolved against, and display paths made
/// relative to, `cwd` instead of the process's working directory.
pub fn discover_in(paths: &[PathBuf], opts: &DiscoverOptions, cwd: &Path) -> Discovery {
    discover_measuring(paths, opts, cwd, true)
}

/// The bytes of a file to lint. With `max_size`, a file larger than that is
/// not read whole (`Ok(None)`): its size is what a first read of 32 KiB
/// finds, that of the open file when it is longer, or, when it cannot be
/// opened, that of an `lstat` of its path (a file too large is skipped as
/// such, readable or not, as [`discover`] skips it).
pub fn read_walked(path: &Path, max_size: Option<u64>) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return match max_size {
                Some(max) if std::fs::symlink_metadata(path).is_ok_and(|m| m.len() > max) => {
                    Ok(None)
                }
                _ => Err(e),
            };
        }
    };
    // Most files end within a first read into a buffer of this size, and
    // then need no `statx` for their size: the read that returns nothing
    // says where they end. The buffer is this thread's, zeroed once.
    let (head, whole) = FIRST.with_borrow_mut(|first| -> std::io::Result<_> {
        let first = first.get_or_insert_with(|| vec![0; FIRST_READ].into_boxed_slice());
        let mut n = read_some(&mut file, first)?;
        if n < first.len() {
            match read_some(&mut file, &mut first[n..])? {
                0 => return Ok((first[..n].to_vec(), true)),
                // The file grew between the two reads.
                more => n += more,
            }
        }
        Ok((first[..n].to_vec(), false))
    })?;
    if whole {
        if max_size.is_some_and(|max| head.len() as u64 > max) {
            return Ok(None);
        }
        return Ok(Some(head));
    }
    let len = file.metadata()?.len();
    if max_size.is_some_and(|max| len > max) {
        return Ok(None);
    }
    // As `std::fs::read` does: room for the size the file has (and a byte
    // more, so that a read of 0 bytes is the next one), then read to the
    // end, which may have moved since.
    let mut bytes: Vec<u8> = Vec::new();
    let room = usize::try_from(len)
        .ok()
        .and_then(|len| len.checked_add(1))
        .unwrap_or(8192)
        .max(head.len() + 1);
    bytes.try_reserve_exact(room)?;
    bytes.extend_from_slice(&head);
    bytes.resize(room, 0);
    let mut filled = head.len();
    loop {
        if filled == bytes.len() {
            let more = bytes.len().max(8192);
            bytes.try_reserve(more)?;
            bytes.resize(filled + more, 0);
        }
        match read_some(&mut file, &mut bytes[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    bytes.truncate(filled);
    Ok(Some(bytes))
}

/// Bytes read by [`read_walked`]'s first read.
const FIRST_READ: usize = 32 << 10;

thread_local! {
    /// The buffer of [`read_walked`]'s first read.
    static FIRST: std::cell::RefCell<Option<Box<[u8]>>> = const { std::cell::RefCell::new(None) };
}

/// One `read`, again when it is interrupted.
fn read_some(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            done => return done,
        }
    }
}

fn discover_measuring(
    paths: &[PathBuf],
    opts: &DiscoverOptions,
    cwd: &Path,
    measure: bool,
) -> Discovery {
    let cwd = normalize(cwd);
    let mut w = Walker {
        cwd: cwd.clone(),
        files: HashMap::new(),
        rule_files: HashMap::new(),
        skipped: BTreeMap::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let exclude = Arc::new(Exclude::new(opts, &cwd, &mut w.problems));
    let pruned = Arc::new(Mutex::new(Vec::new()));

    for given in paths {
        let meta = match std::fs::metadata(w.cwd.join(given)) {
            Ok(m) => m,
            Err(e) => {
                w.problem(given, io_message(&e));
                continue;
            }
        };
        if meta.is_dir() {
            w.walk_dir(given, opts, &exclude, &pruned, measure);
            continue;
        }
        if !meta.is_file() {
            // Opening a FIFO blocks until a writer comes; a device may never end.
            w.problem(
                given,
                format!(
                    "not a regular file ({}): instrlint reads only files and directories",
                    file_kind(&meta)
                ),
            );
            continue;
        }
        if opts.force_exclude && (is_go_file(given) || crate::rulefiles::is_yaml_path(given)) {
            let (abs, display) = w.names(given);
            let reason = skip_if_walked_in(&abs, opts, &exclude, &w.cwd)
                .or_else(|| (meta.len() > opts.max_file_size).then_some(SkipReason::TooLarge));
            if let Some(reason) = reason {
                w.skipped.insert(display, reason);
                continue;
            }
        }
        if is_go_file(given) {
            w.add_file(given, true);
        } else if crate::rulefiles::is_yaml_path(given) {
            w.add_rule_file(given, true);
        }
    }

    for dir in pruned
        .lock()
        .map(|mut v| std::mem::take(&mut *v))
        .unwrap_or_default()
    {
        let (_, display) = w.names(&dir);
        w.skipped.insert(display, SkipReason::Excluded);
    }

    let mut files: Vec<Candidate> = w.files.into_values().collect();
    files.sort();
    for f in &files {
        w.skipped.remove(&f.display);
    }
    let mut rule_files: Vec<Candidate> = w.rule_files.into_values().collect();
    rule_files.sort_by(|a, b| a.abs.cmp(&b.abs));
    for f in &rule_files {
        w.skipped.remove(&f.display);
    }
    let mut problems = w.problems;
    problems.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    problems.dedup();
    let mut warnings = w.warnings;
    warnings.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    warnings.dedup();
    Discovery {
        files,
        rule_files,
        skipped: w.skipped.into_iter().collect(),
        problems,
        warnings,
    }
}

struct Walker {
    cwd: PathBuf,
    /// Keyed by normalized absolute path, so a file named twice is kept
    /// once (its bytes: a normalized path has one spelling, and hashing
    /// bytes costs less than comparing paths component by component).
    files: HashMap<OsString, Candidate>,
    /// YAML files, keyed like `files`.
    rule_files: HashMap<OsString, Candidate>,
    /// Keyed by display path.
    skipped: BTreeMap<String, SkipReason>,
    problems: Vec<IoProblem>,
    warnings: Vec<IoProblem>,
}

impl Walker {
    /// Normalized absolute path and display path of `path` (as given or as
    /// produced by walking a given path).
    fn names(&self, path: &Path) -> (PathBuf, String) {
        names_in(&self.cwd, path)
    }

    fn add_file(&mut self, path: &Path, explicit: bool) {
        let candidate = self.candidate(path, explicit);
        insert(&mut self.files, candidate);
    }

    fn add_rule_file(&mut self, path: &Path, explicit: bool) {
        let candidate = self.candidate(path, explicit);
        insert(&mut self.rule_files, candidate);
    }

    fn candidate(&self, path: &Path, explicit: bool) -> Candidate {
        let (abs, display) = self.names(path);
        Candidate {
            display,
            abs,
            explicit,
        }
    }

    fn problem(&mut self, path: &Path, message: String) {
        let (_, display) = self.names(path);
        self.problems.push(IoProblem {
            path: display,
            message,
        });
    }

    /// Walk the directory `root` (as given) on `rayon::current_num_threads()`
    /// threads (`-j`), then record what was found. Each entry of one walk
    /// is found once and every record is keyed (files by path, skips by
    /// display path, problems and warnings sorted at the end), so the
    /// outcome does not depend on the order the threads met the entries in.
    fn walk_dir(
        &mut self,
        root: &Path,
        opts: &DiscoverOptions,
        exclude: &Arc<Exclude>,
        pruned: &Arc<Mutex<Vec<PathBuf>>>,
        measure: bool,
    ) {
        let filter_exclude = Arc::clone(exclude);
        let filter_pruned = Arc::clone(pruned);
        let root_fs = self.cwd.join(root);
        let walk = ignore::WalkBuilder::new(&root_fs)
            .standard_filters(true)
            .hidden(true)
            .parents(true)
            .ignore(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .follow_links(false)
            .threads(rayon::current_num_threads().max(1))
            .filter_entry(move |e| {
                // Only directories are pruned here (depth 0 is never filtered).
                if !e.file_type().is_some_and(|t| t.is_dir()) {
                    return true;
                }
                if matches!(e.file_name().to_str(), Some("vendor" | "testdata" | ".git")) {
                    return false;
                }
                let abs = normalize(e.path());
                if filter_exclude.is_excluded(&abs) {
                    if let Ok(mut v) = filter_pruned.lock() {
                        v.push(abs);
                    }
                    return false;
                }
                true
            })
            .build_parallel();
        let ctx = WalkCtx {
            cwd: &self.cwd,
            root,
            root_fs: &root_fs,
            opts,
            exclude,
            measure,
        };
        let sink = Mutex::new(Vec::new());
        walk.visit(&mut Collect {
            ctx: &ctx,
            sink: &sink,
        });
        let found = sink.into_inner().unwrap_or_else(|e| e.into_inner());
        for f in found.into_iter().flatten() {
            match f {
                Found::File { abs, display, yaml } => {
                    let candidate = Candidate {
                        display,
                        abs,
                        explicit: false,
                    };
                    insert(
                        if yaml {
                            &mut self.rule_files
                        } else {
                            &mut self.files
                        },
                        candidate,
                    );
                }
                Found::Skipped(display, reason) => {
                    self.skipped.insert(display, reason);
                }
                Found::Problem(p) => self.problems.push(p),
                Found::Warning(w) => self.warnings.push(w),
            }
        }
    }
}

/// Normalized absolute path and display path of `path` (as given or as
/// produced by walking a given path), relative to `cwd`.
fn names_in(cwd: &Path, path: &Path) -> (PathBuf, String) {
    let abs = normalize(&cwd.join(path));
    let display = match abs.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => slashes(rel),
        Ok(_) => ".".to_string(),
        Err(_) if path.is_absolute() => slashes(&abs),
        Err(_) => slashes(&normalize(path)),
    };
    (abs, display)
}

/// What walking one entry found, recorded once the walk is over.
enum Found {
    /// A Go file (or, with `yaml`, a YAML file) to read.
    File {
        abs: PathBuf,
        display: String,
        yaml: bool,
    },
    Skipped(String, SkipReason),
    Problem(IoProblem),
    Warning(IoProblem),
}

/// What the walker's threads share while walking one given directory.
struct WalkCtx<'a> {
    cwd: &'a Path,
    /// The directory as given.
    root: &'a Path,
    /// `root` joined to `cwd`: the walk's paths start with it.
    root_fs: &'a Path,
    opts: &'a DiscoverOptions,
    exclude: &'a Exclude,
    /// Whether Go files are measured against the size limit here (else
    /// when read: [`discover_unmeasured`]).
    measure: bool,
}

impl WalkCtx<'_> {
    /// The path as the user would write it: `root` followed by the part
    /// below the walked directory.
    fn shown(&self, p: &Path) -> PathBuf {
        self.root.join(p.strip_prefix(self.root_fs).unwrap_or(p))
    }

    fn problem(&self, path: &Path, message: String, out: &mut Vec<Found>) {
        let (_, display) = names_in(self.cwd, path);
        out.push(Found::Problem(IoProblem {
            path: display,
            message,
        }));
    }

    /// One entry of the walk (on one of the walker's threads).
    fn entry(&self, entry: Result<ignore::DirEntry, ignore::Error>, out: &mut Vec<Found>) {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let mut found = Vec::new();
                flatten_error(&err, None, &mut found);
                for (path, message) in found {
                    let path = path.map(|p| self.shown(&p));
                    self.problem(path.as_deref().unwrap_or(self.root), message, out);
                }
                return;
            }
        };
        // Symlinks (to files or directories) are not followed: their
        // file type is "symlink", neither file nor dir.
        let Some(ft) = entry.file_type() else {
            return;
        };
        if ft.is_symlink() && entry.depth() > 0 {
            self.symlink(entry.path(), &self.shown(entry.path()), out);
            return;
        }
        let yaml = crate::rulefiles::is_yaml_path(entry.path());
        if !ft.is_file() || !(yaml || is_go_file(entry.path())) {
            return;
        }
        let path = &self.shown(entry.path());
        let (abs, display) = names_in(self.cwd, path);
        if !yaml && !self.opts.include_tests && is_test_file(path) {
            out.push(Found::Skipped(display, SkipReason::Test));
            return;
        }
        if self.exclude.is_excluded(&abs) {
            out.push(Found::Skipped(display, SkipReason::Excluded));
            return;
        }
        if !yaml && !self.measure {
            out.push(Found::File { abs, display, yaml });
            return;
        }
        match entry.metadata() {
            Ok(m) if m.len() > self.opts.max_file_size => {
                out.push(Found::Skipped(display, SkipReason::TooLarge));
                return;
            }
            Ok(_) => {}
            Err(err) => {
                let mut found = Vec::new();
                flatten_error(&err, None, &mut found);
                for (p, message) in found {
                    self.problem(p.as_deref().unwrap_or(path), message, out);
                }
                return;
            }
        }
        out.push(Found::File { abs, display, yaml });
    }

    /// A symlink met while walking (`fs_path` on disk, `path` as shown): not
    /// followed; recorded when it could have led to Go code, a warning when
    /// its target cannot be reached.
    fn symlink(&self, fs_path: &Path, path: &Path, out: &mut Vec<Found>) {
        let (_, display) = names_in(self.cwd, path);
        match std::fs::metadata(fs_path) {
            Ok(target) => {
                if target.is_dir() || is_go_file(fs_path) || crate::rulefiles::is_yaml_path(fs_path)
                {
                    out.push(Found::Skipped(display, SkipReason::Symlink));
                }
            }
            Err(e) => {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "its target does not exist".to_string(),
                    _ => io_message(&e),
                };
                out.push(Found::Warning(IoProblem {
                    path: display,
                    message: format!("broken symlink ({why}), not followed"),
                }));
            }
        }
    }
}

/// Builds one [`Visitor`] per walker thread.
struct Collect<'a> {
    ctx: &'a WalkCtx<'a>,
    sink: &'a Mutex<Vec<Vec<Found>>>,
}

impl<'s> ignore::ParallelVisitorBuilder<'s> for Collect<'s> {
    fn build(&mut self) -> Box<dyn ignore::ParallelVisitor + 's> {
        Box::new(Visitor {
            ctx: self.ctx,
            sink: self.sink,
            found: Vec::new(),
        })
    }
}

/// One walker thread's findings, handed over when the thread is done.
struct Visitor<'a> {
    ctx: &'a WalkCtx<'a>,
    sink: &'a Mutex<Vec<Vec<Found>>>,
    found: Vec<Found>,
}

impl ignore::ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> ignore::WalkState {
        self.ctx.entry(entry, &mut self.found);
        ignore::WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let found = std::mem::take(&mut self.found);
        match self.sink.lock() {
            Ok(mut sink) => sink.push(found),
            Err(poisoned) => poisoned.into_inner().push(found),
        }
    }
}

/// Why walking a directory would not lint the file at `path` (relative to
/// `cwd`, or absolute), judged by its path alone (`--force-exclude`): an
/// `exclude` glob matches it or a directory above it; a directory above it
/// (below the configuration's root, else below `cwd`) is hidden or named
/// `vendor` or `testdata`; it is a test file and tests are not included.
/// Size and the generated-file header are not looked at here.
pub fn skip_if_walked(path: &Path, opts: &DiscoverOptions, cwd: &Path) -> Option<SkipReason> {
    let cwd = normalize(cwd);
    let mut problems = Vec::new();
    let exclude = Exclude::new(opts, &cwd, &mut problems);
    skip_if_walked_in(&normalize(&cwd.join(path)), opts, &exclude, &cwd)
}

fn skip_if_walked_in(
    abs: &Path,
    opts: &DiscoverOptions,
    exclude: &Exclude,
    cwd: &Path,
) -> Option<SkipReason> {
    if abs.ancestors().any(|a| exclude.is_excluded(a)) {
        return Some(SkipReason::Excluded);
    }
    let below = abs
        .strip_prefix(&exclude.root)
        .or_else(|_| abs.strip_prefix(cwd))
        .unwrap_or(abs);
    let skipped_dir = below
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .any(|c| match c {
            Component::Normal(name) => {
                let name = name.to_string_lossy();
                name == "vendor" || name == "testdata" || name.starts_with('.')
            }
            _ => false,
        });
    if skipped_dir {
        return Some(SkipReason::Excluded);
    }
    if is_go_file(abs) && !opts.include_tests && is_test_file(abs) {
        return Some(SkipReason::Test);
    }
    None
}

/// Add `c` to `map` once; named explicitly if any of its namings was.
fn insert(map: &mut HashMap<OsString, Candidate>, c: Candidate) {
    let explicit = c.explicit;
    map.entry(c.abs.as_os_str().to_os_string())
        .or_insert(c)
        .explicit |= explicit;
}

/// The `exclude` globs, matched against paths relative to `exclude_root`.
struct Exclude {
    root: PathBuf,
    set: GlobSet,
}

impl Exclude {
    fn new(opts: &DiscoverOptions, cwd: &Path, problems: &mut Vec<IoProblem>) -> Exclude {
        let root = normalize(&cwd.join(opts.exclude_root.as_deref().unwrap_or(cwd)));
        let mut b = GlobSetBuilder::new();
        for g in &opts.exclude {
            match GlobBuilder::new(g).literal_separator(true).build() {
                Ok(glob) => {
                    b.add(glob);
                }
                Err(e) => problems.push(IoProblem {
                    path: g.clone(),
                    message: format!("invalid exclude glob: {}", e.kind()),
                }),
            }
        }
        let set = b.build().unwrap_or_else(|_| GlobSet::empty());
        Exclude { root, set }
    }

    /// `abs` is normalized and absolute. Paths outside the root never match.
    fn is_excluded(&self, abs: &Path) -> bool {
        !self.set.is_empty()
            && abs
                .strip_prefix(&self.root)
                .is_ok_and(|rel| !rel.as_os_str().is_empty() && self.set.is_match(rel))
    }
}

/// Every (path, message) an `ignore` error holds.
fn flatten_error(
    err: &ignore::Error,
    path: Option<&Path>,
    out: &mut Vec<(Option<PathBuf>, String)>,
) {
    use ignore::Error as E;
    match err {
        E::Partial(errs) => errs.iter().for_each(|e| flatten_error(e, path, out)),
        E::WithLineNumber { err, .. } | E::WithDepth { err, .. } => flatten_error(err, path, out),
        E::WithPath { path, err } => flatten_error(err, Some(path), out),
        E::Io(io) => out.push((path.map(Path::to_path_buf), io_message(io))),
        E::Loop { child, .. } => out.push((Some(child.clone()), "symlink loop".to_string())),
        other => out.push((path.map(Path::to_path_buf), other.to_string())),
    }
}

fn is_go_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "go")
}

fn is_test_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with("_test.go"))
}

/// Lexical normalization: drop `.`, resolve `..` against a preceding normal
/// component (kept when there is none, as in `../x`). Symlinks are not resolved.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// `/`-separated string form of a path.
/// `path` for display, with `/` separators. A path that is not UTF-8 is
/// written with each byte that is not part of a UTF-8 character as `\xNN`
/// and each backslash as `\\` (never U+FFFD, which would name another
/// file); [`unescape_display`] gives its bytes back.
pub fn display_path(path: &Path) -> String {
    let mut out = String::new();
    let escape = path.to_str().is_none();
    for (i, c) in path.components().enumerate() {
        if i > 0 && !out.ends_with('/') {
            out.push('/');
        }
        let part = c.as_os_str();
        match part.to_str() {
            Some(text) if !escape => out.push_str(text),
            _ => {
                for chunk in os_bytes(part).utf8_chunks() {
                    out.push_str(&chunk.valid().replace('\\', "\\\\"));
                    for b in chunk.invalid() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
            }
        }
    }
    out
}

/// The bytes of a path [`display_path`] escaped (a display of a UTF-8 path
/// is returned as it is: only call this for paths that were not UTF-8).
pub fn unescape_display(display: &str) -> Vec<u8> {
    let b = display.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
            match display
                .get(i + 2..i + 4)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(v) => {
                    out.push(v);
                    i += 4;
                }
                None => {
                    out.push(b[i]);
                    i += 1;
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The bytes of an OS string (on Unix, the file name's own bytes).
#[cfg(unix)]
pub fn os_bytes(s: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(s.as_bytes())
}

/// The bytes of an OS string (UTF-8, lossy, where names are not bytes).
#[cfg(not(unix))]
pub fn os_bytes(s: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    match s.to_string_lossy() {
        std::borrow::Cow::Borrowed(t) => std::borrow::Cow::Borrowed(t.as_bytes()),
        std::borrow::Cow::Owned(t) => std::borrow::Cow::Owned(t.into_bytes()),
    }
}

/// What a path that is neither a file nor a directory is.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "not a file"
}

fn slashes(path: &Path) -> String {
    display_path(path)
}

/// True when the file's header (before the package clause) has a line matching
/// `^// Code generated .* DO NOT EDIT\.$`.
///
/// Go's rule allows the line anywhere before the first non-comment, non-blank
/// text; scanning stops at the `package` clause, which is cheaper and
/// equivalent for real files.
pub fn is_generated(text: &str) -> bool {
    const PREFIX: &str = "// Code generated ";
    const SUFFIX: &str = " DO NOT EDIT.";
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut in_block = false;
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Lines inside a `/* */` comment are not `//` comments.
        if in_block {
            in_block = !line.contains("*/");
            continue;
        }
        if let Some(rest) = line.trim_start().strip_prefix("/*") {
            in_block = !rest.contains("*/");
            continue;
        }
        if line
            .strip_prefix(PREFIX)
            .is_some_and(|rest| rest.ends_with(SUFFIX))
        {
            return true;
        }
        if is_package_clause(line) {
            return false;
        }
    }
    false
}

fn is_package_clause(line: &str) -> bool {
    line.strip_prefix("package")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '/']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// Create `files` (relative paths) under `root`, each a tiny Go file.
    fn tree(root: &Path, files: &[&str]) {
        for f in files {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "package p\n").unwrap();
        }
    }

    fn run(root: &Path, paths: &[&str], opts: &DiscoverOptions) -> Discovery {
        let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        discover_in(&paths, opts, root)
    }

    fn displays(d: &Discovery) -> Vec<&str> {
        d.files.iter().map(|c| c.display.as_str()).collect()
    }

    #[test]
    fn default_skips_and_sorting() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(
            root,
            &[
                "main.go",
                "b/z.go",
                "a/y.go",
                "a/notes.txt",
                "vendor/dep/dep.go",
                "a/vendor/dep.go",
                "internal/testdata/fixture.go",
                ".hidden/h.go",
                "a/.h.go",
                "ignored/i.go",
                "a/gen.go",
                "a/keep.go",
                "by_ignore_file/x.go",
            ],
        );
        fs::write(root.join(".gitignore"), "ignored/\na/gen.go\n").unwrap();
        fs::write(root.join(".ignore"), "by_ignore_file/\n").unwrap();
        let d = run(root, &["."], &DiscoverOptions::default());
        assert_eq!(displays(&d), ["a/keep.go", "a/y.go", "b/z.go", "main.go"]);
        assert!(d.files.iter().all(|c| !c.explicit));
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.files[0].abs, root.join("a/keep.go"));
    }

    #[test]
    fn gitignore_honoured_inside_git_repo_and_in_parents() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join(".git")).unwrap();
        tree(root, &["pkg/a.go", "pkg/b.go"]);
        fs::write(root.join(".gitignore"), "b.go\n").unwrap();
        // Walking a subdirectory still applies the parent's .gitignore.
        let d = run(root, &["pkg"], &DiscoverOptions::default());
        assert_eq!(displays(&d), ["pkg/a.go"]);
    }

    #[test]
    fn explicit_files_are_always_linted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(
            root,
            &[
                "vendor/dep/dep.go",
                "x_test.go",
                "big.go",
                "gen/g.go",
                "ignored.go",
            ],
        );
        fs::write(root.join("big.go"), "package p\n".repeat(100)).unwrap();
        fs::write(root.join(".gitignore"), "ignored.go\n").unwrap();
        fs::write(root.join("notes.txt"), "").unwrap();
        let opts = DiscoverOptions {
            max_file_size: 10,
            exclude: vec!["gen/**".into()],
            exclude_root: Some(root.to_path_buf()),
            ..DiscoverOptions::default()
        };
        let d = run(
            root,
            &[
                "vendor/dep/dep.go",
                "x_test.go",
                "big.go",
                "gen/g.go",
                "ignored.go",
                "notes.txt",
            ],
            &opts,
        );
        assert_eq!(
            displays(&d),
            [
                "big.go",
                "gen/g.go",
                "ignored.go",
                "vendor/dep/dep.go",
                "x_test.go"
            ]
        );
        assert!(d.files.iter().all(|c| c.explicit));
        assert!(d.skipped.is_empty());
        assert!(d.problems.is_empty());
    }

    #[test]
    fn explicit_directory_named_like_a_skip_is_walked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(
            root,
            &[
                "testdata/a.go",
                "testdata/vendor/v.go",
                "testdata/.hid/h.go",
            ],
        );
        let d = run(root, &["testdata"], &DiscoverOptions::default());
        assert_eq!(displays(&d), ["testdata/a.go"]);
    }

    #[test]
    fn test_files_skipped_unless_included() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(root, &["a.go", "a_test.go"]);
        let d = run(root, &["."], &DiscoverOptions::default());
        assert_eq!(displays(&d), ["a.go"]);
        assert_eq!(d.skipped, [("a_test.go".to_string(), SkipReason::Test)]);
        let opts = DiscoverOptions {
            include_tests: true,
            ..DiscoverOptions::default()
        };
        let d = run(root, &["."], &opts);
        assert_eq!(displays(&d), ["a.go", "a_test.go"]);
        assert!(d.skipped.is_empty());
    }

    #[test]
    fn size_limit_skips_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(root, &["small.go"]);
        fs::write(root.join("large.go"), "x".repeat(101)).unwrap();
        fs::write(root.join("edge.go"), "x".repeat(100)).unwrap();
        let opts = DiscoverOptions {
            max_file_size: 100,
            ..DiscoverOptions::default()
        };
        let d = run(root, &["."], &opts);
        assert_eq!(displays(&d), ["edge.go", "small.go"]);
        assert_eq!(d.skipped, [("large.go".to_string(), SkipReason::TooLarge)]);
    }

    #[test]
    fn size_limit_measured_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(root, &["small.go"]);
        fs::write(root.join("large.go"), "x".repeat(101)).unwrap();
        fs::write(root.join("edge.go"), "x".repeat(100)).unwrap();
        fs::write(root.join("large.yml"), "x".repeat(101)).unwrap();
        let opts = DiscoverOptions {
            max_file_size: 100,
            ..DiscoverOptions::default()
        };
        let d = discover_measuring(&[PathBuf::from(".")], &opts, root, false);
        // Go files are left to the reader; YAML files are still measured.
        assert_eq!(displays(&d), ["edge.go", "large.go", "small.go"]);
        assert_eq!(d.skipped, [("large.yml".to_string(), SkipReason::TooLarge)]);
        let limit = Some(opts.max_file_size);
        assert_eq!(read_walked(&root.join("large.go"), limit).unwrap(), None);
        assert_eq!(
            read_walked(&root.join("edge.go"), limit).unwrap(),
            Some(b"x".repeat(100))
        );
        // No limit: a file named explicitly is read whatever its size.
        assert_eq!(
            read_walked(&root.join("large.go"), None).unwrap(),
            Some(b"x".repeat(101))
        );
        assert_eq!(
            read_walked(&root.join("small.go"), limit).unwrap(),
            Some(b"package p\n".to_vec())
        );
        // Longer than the first read: its size comes from the open file.
        let long = "y".repeat(FIRST_READ + 1000);
        fs::write(root.join("long.go"), &long).unwrap();
        let limit = Some(FIRST_READ as u64 + 999);
        assert_eq!(read_walked(&root.join("long.go"), limit).unwrap(), None);
        let limit = Some(FIRST_READ as u64 + 1000);
        assert_eq!(
            read_walked(&root.join("long.go"), limit).unwrap(),
            Some(long.into_bytes())
        );
        assert_eq!(
            read_walked(&root.join("none.go"), limit)
                .unwrap_err()
                .kind(),
            std::io::ErrorKind::NotFound
        );
    }

    /// The walk runs on `-j` threads: what it finds is the same whatever
    /// their number.
    #[cfg(unix)]
    #[test]
    fn walking_on_any_number_of_threads_finds_the_same() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut files = Vec::new();
        for d in 0..12 {
            for f in 0..15 {
                files.push(format!("d{d}/sub{}/f{f}.go", f % 3));
                files.push(format!("d{d}/f{f}_test.go"));
            }
            files.push(format!("d{d}/vendor/v.go"));
            files.push(format!("d{d}/gen/g.go"));
            files.push(format!("d{d}/rules.yml"));
        }
        let refs: Vec<&str> = files.iter().map(String::as_str).collect();
        tree(root, &refs);
        fs::write(root.join("d3/big.go"), "x".repeat(300)).unwrap();
        fs::write(root.join(".gitignore"), "d5/\nf1.go\n").unwrap();
        symlink(root.join("d1"), root.join("d2/link")).unwrap();
        symlink(root.join("d2/nowhere.go"), root.join("d2/dangling.go")).unwrap();
        let opts = DiscoverOptions {
            max_file_size: 200,
            exclude: vec!["**/gen".into()],
            exclude_root: Some(root.to_path_buf()),
            ..DiscoverOptions::default()
        };
        let run_on = |threads: usize, measure: bool| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let paths = [PathBuf::from("."), PathBuf::from("d4")];
            let d = pool.install(|| discover_measuring(&paths, &opts, root, measure));
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                d.files, d.rule_files, d.skipped, d.problems, d.warnings
            )
        };
        for measure in [true, false] {
            let one = run_on(1, measure);
            assert_eq!(one.contains("(\"d3/big.go\", TooLarge)"), measure, "{one}");
            assert!(one.contains("d3/big.go"));
            assert!(one.contains("Symlink") && one.contains("broken symlink"));
            assert!(one.contains("d0/gen") && one.contains("Test"));
            assert!(!one.contains("d5/") && !one.contains("vendor"));
            for threads in [2, 8] {
                assert_eq!(run_on(threads, measure), one, "{threads} threads");
            }
        }
    }

    #[test]
    fn exclude_globs_relative_to_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(
            root,
            &[
                "internal/gen/deep/g.go",
                "internal/keep.go",
                "api/x.pb.go",
                "api/x.go",
                "sub/internal/gen/s.go",
            ],
        );
        let opts = DiscoverOptions {
            exclude: vec!["internal/gen/**".into(), "**/*.pb.go".into(), "sub".into()],
            exclude_root: Some(root.to_path_buf()),
            ..DiscoverOptions::default()
        };
        let d = run(root, &["."], &opts);
        assert_eq!(displays(&d), ["api/x.go", "internal/keep.go"]);
        let skipped: Vec<_> = d.skipped.iter().map(|(p, r)| (p.as_str(), *r)).collect();
        assert_eq!(
            skipped,
            [
                ("api/x.pb.go", SkipReason::Excluded),
                // A matching directory is pruned and recorded once.
                ("internal/gen/deep", SkipReason::Excluded),
                ("sub", SkipReason::Excluded),
            ]
        );
    }

    #[test]
    fn duplicates_are_merged() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(root, &["pkg/a.go", "pkg/b.go"]);
        let d = run(
            root,
            &["pkg/a.go", "./pkg/a.go", "pkg", "pkg/../pkg/b.go"],
            &DiscoverOptions::default(),
        );
        assert_eq!(displays(&d), ["pkg/a.go", "pkg/b.go"]);
        assert!(d.files.iter().all(|c| c.explicit));
    }

    #[test]
    fn display_outside_cwd() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(root, &["work/w.go", "other/o.go"]);
        let d = run(
            &root.join("work"),
            &["../other", "."],
            &DiscoverOptions::default(),
        );
        assert_eq!(displays(&d), ["../other/o.go", "w.go"]);
        let abs = root.join("other/o.go");
        let d = run(
            &root.join("work"),
            &[abs.to_str().unwrap()],
            &DiscoverOptions::default(),
        );
        assert_eq!(d.files[0].display, slashes(&abs));
    }

    #[test]
    fn missing_explicit_path_is_a_problem_and_walk_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(root, &["a.go"]);
        let d = run(root, &["nope.go", "a.go"], &DiscoverOptions::default());
        assert_eq!(displays(&d), ["a.go"]);
        assert_eq!(
            d.problems,
            [IoProblem {
                path: "nope.go".into(),
                message: "no such file or directory".into()
            }]
        );
    }

    #[test]
    fn invalid_exclude_glob_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        tree(dir.path(), &["a.go"]);
        let opts = DiscoverOptions {
            exclude: vec!["[a-".into()],
            ..DiscoverOptions::default()
        };
        let d = run(dir.path(), &["."], &opts);
        assert_eq!(displays(&d), ["a.go"]);
        assert_eq!(d.problems.len(), 1);
        assert!(d.problems[0].message.starts_with("invalid exclude glob"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_followed_and_loops_terminate() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(root, &["real/r.go", "elsewhere/e.go"]);
        symlink(root.join("real"), root.join("real/loop")).unwrap();
        symlink(root.join("elsewhere/e.go"), root.join("real/link.go")).unwrap();
        symlink(root.join("elsewhere"), root.join("real/linkdir")).unwrap();
        symlink(root.join("real/nowhere.go"), root.join("real/dangling.go")).unwrap();
        symlink(root.join("real/cycle-b"), root.join("real/cycle-a")).unwrap();
        symlink(root.join("real/cycle-a"), root.join("real/cycle-b")).unwrap();
        symlink(root.join("elsewhere/e.go"), root.join("real/notes.txt")).unwrap();
        let d = run(root, &["real"], &DiscoverOptions::default());
        assert_eq!(displays(&d), ["real/r.go"]);
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(
            d.skipped,
            [
                ("real/link.go".to_string(), SkipReason::Symlink),
                ("real/linkdir".to_string(), SkipReason::Symlink),
                ("real/loop".to_string(), SkipReason::Symlink),
            ]
        );
        let warnings: Vec<(&str, &str)> = d
            .warnings
            .iter()
            .map(|w| (w.path.as_str(), w.message.as_str()))
            .collect();
        assert_eq!(
            warnings,
            [
                (
                    "real/cycle-a",
                    "broken symlink (too many levels of symbolic links), not followed"
                ),
                (
                    "real/cycle-b",
                    "broken symlink (too many levels of symbolic links), not followed"
                ),
                (
                    "real/dangling.go",
                    "broken symlink (its target does not exist), not followed"
                ),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_directory_is_a_problem() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(root, &["a.go", "locked/l.go"]);
        let locked = root.join("locked");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let readable_anyway = fs::read_dir(&locked).is_ok(); // running as root
        let d = run(root, &["."], &DiscoverOptions::default());
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        if readable_anyway {
            eprintln!("skipped: directory permissions are not enforced (root?)");
            return;
        }
        assert_eq!(displays(&d), ["a.go"]);
        assert!(
            d.problems
                .iter()
                .any(|p| p.path == "locked" && p.message == "permission denied"),
            "{:?}",
            d.problems
        );
    }

    #[test]
    fn discover_uses_process_cwd() {
        let dir = tempfile::tempdir().unwrap();
        tree(dir.path(), &["a.go"]);
        let d = discover(&[dir.path().join("a.go")], &DiscoverOptions::default());
        assert_eq!(d.files.len(), 1);
        assert!(d.files[0].explicit);
        assert!(d.files[0].display.ends_with("/a.go"));
    }

    #[test]
    fn generated_header() {
        assert!(is_generated(
            "// Code generated by protoc-gen-go. DO NOT EDIT.\n// source: x.proto\n\npackage pb\n"
        ));
        assert!(is_generated(
            "//go:build linux\r\n\r\n// Code generated by x DO NOT EDIT.\r\npackage p\r\n"
        ));
        assert!(is_generated(
            "\u{feff}// Code generated  DO NOT EDIT.\npackage p\n"
        ));
        // After the package clause it does not count.
        assert!(!is_generated(
            "package p\n\n// Code generated by x. DO NOT EDIT.\n"
        ));
        // Near misses.
        assert!(!is_generated(
            "// Code generated by x. DO NOT EDIT\npackage p\n"
        ));
        assert!(!is_generated("// Code generated DO NOT EDIT.\npackage p\n"));
        assert!(!is_generated(
            " // Code generated by x. DO NOT EDIT.\npackage p\n"
        ));
        assert!(!is_generated(
            "// Code generated by x. DO NOT EDIT. really\npackage p\n"
        ));
        assert!(!is_generated(
            "/*\n// Code generated later\n*/\npackage p\n"
        ));
        assert!(!is_generated(""));
    }

    #[test]
    fn yaml_files_are_rule_file_candidates() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        tree(
            root,
            &[
                "main.go",
                "deploy/alerts.rules.yml",
                "deploy/values.yaml",
                "vendor/x/rules.yml",
                ".hidden/rules.yml",
                "notes.txt",
            ],
        );
        fs::write(root.join("extra.yml"), "groups: []\n").unwrap();
        let d = run(root, &[".", "extra.yml"], &DiscoverOptions::default());
        assert_eq!(displays(&d), ["main.go"]);
        let yaml: Vec<(&str, bool)> = d
            .rule_files
            .iter()
            .map(|c| (c.display.as_str(), c.explicit))
            .collect();
        assert_eq!(
            yaml,
            [
                ("deploy/alerts.rules.yml", false),
                ("deploy/values.yaml", false),
                ("extra.yml", true)
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn display_of_names_that_are_not_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let plain = Path::new("a\\x41/é.go");
        assert_eq!(display_path(plain), "a\\x41/é.go");
        let odd = Path::new(std::ffi::OsStr::from_bytes(b"/t/a\\b/caf\xe9.go"));
        let shown = display_path(odd);
        assert_eq!(shown, "/t/a\\\\b/caf\\xe9.go");
        assert!(!shown.contains('\u{fffd}'));
        assert_eq!(unescape_display(&shown), b"/t/a\\b/caf\xe9.go");
    }
}
