//! discover (+ the package siblings of files named explicitly) → read →
//! group into packages → (parallel) extract facts and run package rules →
//! tree rules → levels → suppressions → report only what was asked for
//! (named files, `--diff-base` lines, not in `--baseline`) → sort.

use crate::gate::baseline::{self, Baseline};
use crate::gate::{context, DiffLines, Judge};
use crate::selection::{
    enabled_rules, invalid_selectors, normalize_cli_selectors, CliSelection, Enabled,
};
use instrlint_core::config::{self, Config, ConfigError};
use instrlint_core::discover::{self, Candidate, DiscoverOptions, IoProblem, SkipReason};
use instrlint_core::extract;
use instrlint_core::facts::{link, promql, PackageFacts, RuleFileFacts, TreeFacts};
use instrlint_core::rulefiles;
use instrlint_core::source::floor_char_boundary;
use instrlint_core::suppress;
use instrlint_core::{Diagnostic, FileId, Level, LineIndex, SourceFile, Span};
use instrlint_rules::{Check, PackageCtx, Sink, TreeCtx};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Tool code for a suppression that silences nothing.
pub const UNUSED_IGNORE: (&str, &str) = ("I001", "unused-ignore");
/// Tool code for a file that does not parse cleanly.
pub const PARSE_ERROR: (&str, &str) = ("I002", "parse-error");

#[derive(Clone, Debug)]
pub struct LintOptions {
    /// Files and directories; empty means `.`.
    pub paths: Vec<PathBuf>,
    /// `--config`; otherwise `instrlint.toml` is searched from the first path upwards.
    pub config_path: Option<PathBuf>,
    pub select: Vec<String>,
    /// `--extend-select`: added to the selection (rules off by default included).
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub include_tests: bool,
    /// Worker threads; `None` lets rayon decide.
    pub jobs: Option<usize>,
    pub max_file_size: u64,
    /// `--parse-timeout`: how long one file may take to parse (process-wide:
    /// [`lint`] sets it for every parse that follows).
    pub parse_time_limit: Duration,
    pub report_unused_ignores: bool,
    /// Texts held in memory (`--stdin-filename`, an editor's unsaved
    /// buffers), each linted as its path, which need not exist on disk. When
    /// there are any, they are the files linted and reported, `paths` is not
    /// read, and the rest of their packages is read from disk.
    pub buffers: Vec<Buffer>,
    /// `--fail-on-parse-errors`: parse every file named or walked, not only
    /// those the prefilter admits.
    pub parse_every_file: bool,
    /// `--diff-base`: report only findings starting on these lines.
    pub report_lines: Option<DiffLines>,
    /// `--baseline`: do not report the findings it accepts.
    pub baseline: Option<Baseline>,
    /// Set by another thread when the outcome is no longer wanted (an
    /// editor's buffer changed): the run stops at its next stage and
    /// [`lint`] returns [`LintError::Cancelled`].
    pub cancel: Option<Arc<AtomicBool>>,
    /// Also keep every finding before `report_lines` selects some
    /// ([`LintOutcome::ungated`], for `--full-report`).
    pub keep_ungated: bool,
    /// `--force-exclude`: files named explicitly are skipped where walking
    /// would skip them.
    pub force_exclude: bool,
}

/// A file's text held in memory, linted as `path`.
#[derive(Clone, Debug)]
pub struct Buffer {
    pub path: PathBuf,
    pub text: String,
    /// The text came from bytes that were not UTF-8 (replaced by U+FFFD,
    /// as in a file read from disk): see `SourceFile::lossy`.
    pub lossy: bool,
}

impl Buffer {
    /// A buffer of raw bytes, read as a file's are (invalid UTF-8 → U+FFFD).
    pub fn from_bytes(path: PathBuf, bytes: Vec<u8>) -> Buffer {
        match String::from_utf8(bytes) {
            Ok(text) => Buffer {
                path,
                text,
                lossy: false,
            },
            Err(e) => Buffer {
                path,
                text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                lossy: true,
            },
        }
    }
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            paths: Vec::new(),
            config_path: None,
            select: Vec::new(),
            extend_select: Vec::new(),
            ignore: Vec::new(),
            include_tests: false,
            jobs: None,
            max_file_size: 1 << 20,
            parse_time_limit: extract::DEFAULT_PARSE_TIME_LIMIT,
            report_unused_ignores: false,
            buffers: Vec::new(),
            parse_every_file: false,
            report_lines: None,
            baseline: None,
            cancel: None,
            keep_ungated: false,
            force_exclude: false,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Files linted (read): Go files and Prometheus rule files.
    pub files_checked: usize,
    /// Files walked: admitted by the prefilter and, for weak triggers, the gate.
    pub files_parsed: usize,
    pub packages: usize,
    pub skipped: BTreeMap<&'static str, usize>,
    pub elapsed: Duration,
    /// Where the time went (`check --stats`).
    pub timings: Timings,
}

/// Wall time per pipeline stage, plus thread time inside the parallel
/// extraction (for `check --stats`). Filled by the timing hooks below.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub walk: Duration,
    pub read: Duration,
    pub prefilter: Duration,
    /// Grouping, parsing and fact extraction (wall).
    pub extract: Duration,
    /// Thread time inside tree-sitter, summed over threads.
    pub parse_cpu: Duration,
    /// Thread time of the whole extraction, summed over threads.
    pub extract_cpu: Duration,
    /// Syntax trees built (prefiltered files and siblings parsed for resolution).
    pub trees: u64,
    /// Parses abandoned at `--parse-timeout` (those files are reported as I002).
    pub parses_given_up: u64,
    /// Files whose extraction ran past `--parse-timeout` (reported as I002).
    pub extractions_given_up: u64,
    pub link: Duration,
    pub rules: Duration,
    /// Levels, suppressions, report filters, sort, baseline.
    pub filter: Duration,
    /// Rendering and writing the report (set by `check`).
    pub output: Duration,
}

/// What a run produced.
pub struct LintOutcome {
    /// Indexed by `FileId`.
    pub files: Vec<SourceFile>,
    /// Sorted by (path, position, code); suppressed findings removed; levels applied.
    pub diagnostics: Vec<Diagnostic>,
    pub enabled: Vec<Enabled>,
    pub stats: Stats,
    /// Paths that could not be walked or read.
    pub problems: Vec<IoProblem>,
    /// Odd entries skipped without failing the run (broken symlinks).
    pub warnings: Vec<IoProblem>,
    pub config: Config,
    /// Baseline entries that matched no finding (empty without `--baseline`).
    pub baseline_unused: Vec<baseline::Entry>,
    /// With `keep_ungated` and `report_lines`: every finding of the reported
    /// files before `--diff-base` selected `diagnostics` (sorted, baseline
    /// applied).
    pub ungated: Option<Vec<Diagnostic>>,
}

impl LintOutcome {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
}

#[derive(Debug)]
pub enum LintError {
    Config(Box<ConfigError>),
    /// Selectors that are malformed or name no rule: one sentence each.
    UnknownSelector(Vec<String>),
    ThreadPool(String),
    /// [`LintOptions::cancel`] was set.
    Cancelled,
    /// `--diff-base`: git could not say which lines changed.
    DiffBase(String),
}

impl std::fmt::Display for LintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LintError::Config(e) => write!(f, "{e}"),
            LintError::UnknownSelector(s) => {
                write!(f, "{}", s.join("; "))
            }
            LintError::ThreadPool(e) => write!(f, "cannot start worker threads: {e}"),
            LintError::Cancelled => write!(f, "the run was cancelled"),
            LintError::DiffBase(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LintError {}

/// Lint what `opts` names.
pub fn lint(opts: &LintOptions) -> Result<LintOutcome, LintError> {
    lint_on(&thread_pool(opts.jobs)?, opts)
}

/// A pool of `jobs` worker threads (`None`: rayon decides).
pub fn thread_pool(jobs: Option<usize>) -> Result<rayon::ThreadPool, LintError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        builder = builder.num_threads(n.max(1));
    }
    builder
        .build()
        .map_err(|e| LintError::ThreadPool(e.to_string()))
}

/// [`lint`] on a pool the caller keeps (`opts.jobs` is not read): the
/// language server lints again and again, and new threads for every run
/// would cost time and memory.
pub fn lint_on(pool: &rayon::ThreadPool, opts: &LintOptions) -> Result<LintOutcome, LintError> {
    let started = Instant::now();
    let paths = given_paths(opts);

    let config = load_config(opts, &paths)?;
    let select = normalize_cli_selectors(&opts.select);
    let extend_select = normalize_cli_selectors(&opts.extend_select);
    let ignore = normalize_cli_selectors(&opts.ignore);
    let invalid = invalid_selectors(
        select
            .iter()
            .chain(&extend_select)
            .chain(&ignore)
            .chain(&config.rules.select)
            .chain(&config.rules.extend_select)
            .chain(&config.rules.ignore),
    );
    if !invalid.is_empty() {
        return Err(LintError::UnknownSelector(invalid));
    }
    let enabled = enabled_rules(
        &config.rules,
        &CliSelection {
            select: &select,
            extend_select: &extend_select,
            ignore: &ignore,
        },
    );

    extract::set_parse_time_limit(opts.parse_time_limit);
    let discover_opts = discover_options(opts, &config);
    let outcome = pool.install(|| run(&paths, &discover_opts, &config, &enabled, opts))?;
    if cancelled(opts.cancel.as_ref()) {
        return Err(LintError::Cancelled);
    }
    let Run {
        files,
        diagnostics,
        mut stats,
        problems,
        warnings,
        baseline_unused,
        ungated,
    } = outcome;
    stats.elapsed = started.elapsed();
    Ok(LintOutcome {
        files,
        diagnostics,
        enabled,
        stats,
        problems,
        warnings,
        config,
        baseline_unused,
        ungated,
    })
}

fn cancelled(cancel: Option<&Arc<AtomicBool>>) -> bool {
    cancel.is_some_and(|c| c.load(Ordering::Relaxed))
}

/// The paths to lint: the buffers' paths, else those given, else `.`.
fn given_paths(opts: &LintOptions) -> Vec<PathBuf> {
    if !opts.buffers.is_empty() {
        return opts.buffers.iter().map(|b| b.path.clone()).collect();
    }
    if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    }
}

/// Discovery settings from the command line and the config.
fn discover_options(opts: &LintOptions, config: &Config) -> DiscoverOptions {
    DiscoverOptions {
        include_tests: opts.include_tests,
        max_file_size: opts.max_file_size,
        exclude: config.exclude.clone(),
        exclude_root: config.root().map(|p| p.to_path_buf()),
        force_exclude: opts.force_exclude,
    }
}

/// The facts of what `opts` names, found and grouped as `lint` does (for
/// `instrlint debug facts`).
pub fn collect_facts(opts: &LintOptions) -> Result<Collected, LintError> {
    let paths = given_paths(opts);
    let config = load_config(opts, &paths)?;
    Ok(collect_with(
        &paths,
        &discover_options(opts, &config),
        &opts.buffers,
        None,
        &config.settings.spans.start_functions,
    ))
}

fn load_config(opts: &LintOptions, paths: &[PathBuf]) -> Result<Config, LintError> {
    let found = match &opts.config_path {
        Some(p) => Some(p.clone()),
        None => config::find(&paths[0]),
    };
    match found {
        Some(p) => config::load_with(&p, &|code| {
            instrlint_rules::RULES.iter().any(|r| r.meta.code == code)
        })
        .map_err(|e| LintError::Config(Box::new(e))),
        None => Ok(Config::default()),
    }
}

/// Files read and facts extracted and linked, before any rule runs.
pub struct Collected {
    /// Indexed by `FileId`.
    pub files: Vec<SourceFile>,
    pub tree: TreeFacts,
    pub stats: Stats,
    pub problems: Vec<IoProblem>,
    /// Odd entries skipped without failing the run (broken symlinks).
    pub warnings: Vec<IoProblem>,
    /// Indexed by `FileId`: false for a package sibling read only for resolution.
    pub reported: Vec<bool>,
    /// Indexed by `FileId`: found by walking a directory (a regular file,
    /// not a symbolic link); false for the others and rule files.
    pub walked: Vec<bool>,
    /// Indexed by `FileId` (Go files): the fingerprint of a text dropped
    /// after its extraction, to be read again if a finding points into it.
    dropped: Vec<Option<Fingerprint>>,
}

/// Discover, read, group into packages, extract and link facts.
pub fn collect(paths: &[PathBuf], discover_opts: &DiscoverOptions) -> Collected {
    collect_with(paths, discover_opts, &[], None, &[])
}

/// [`collect`]; with `buffers`, those files alone (their texts taken from
/// memory) and the rest of their packages from disk. With `cancel` set, the
/// packages not yet extracted are skipped (the caller drops the result).
/// `start_functions` are the configured `spans.start_functions`.
pub fn collect_with(
    paths: &[PathBuf],
    discover_opts: &DiscoverOptions,
    buffers: &[Buffer],
    cancel: Option<&Arc<AtomicBool>>,
    start_functions: &[String],
) -> Collected {
    let collected = collect_parsing(
        paths,
        discover_opts,
        buffers,
        cancel,
        start_functions,
        true,
        false,
        None,
        false,
    );
    // Only `--diff-base`'s lines can fail, and there are none here.
    collected.unwrap_or_else(|e| unreachable!("no --diff-base: {e}"))
}

/// `--diff-base` (without `--full-report`): only the findings that touch
/// these lines are wanted, so only the packages that can hold or feed one
/// are extracted ([`crate::gate::scope`]).
struct DiffScope<'a, 'l> {
    lines: &'l DiffLines,
    /// When L208 runs, the label lists it reads: every deleting call of
    /// the tree counts for a vector labelled by a short-lived entity.
    deletions: Option<&'l instrlint_core::config::LabelSettings>,
    /// Where the verdicts of the files judged to plan the extraction are
    /// kept, for the gate to judge the findings with (each directory is
    /// resolved once in a run).
    judge: &'a mut Option<Judge<'l>>,
}

/// [`collect_with`]; with `every_file` (`--fail-on-parse-errors`) every
/// reported Go file is parsed and walked, not only those the prefilter
/// admits, so that each syntax error is found.
///
/// With `slim` (files read from disk, no `--diff-base`), the texts of the
/// files of packages that are walked are not held from the read to the
/// end: each is dropped once its package clause and prefilter trigger are
/// known (a file with a suppression comment keeps it, and so does one with
/// a weak or request trigger whose import paths the gate cannot read
/// without its text), read again when its package's extraction needs it
/// (a walked file at once, a sibling when a name is missing; the same
/// length and hash, or the second text is used for everything and a
/// warning says so), and dropped again after it. Rules read facts; the
/// texts of the files findings point into, and of the definitions queries
/// name, are read a third time after the rules ([`read_for_report`]); a
/// file with a suppression comment keeps its text throughout.
#[allow(clippy::too_many_arguments)]
fn collect_parsing(
    paths: &[PathBuf],
    discover_opts: &DiscoverOptions,
    buffers: &[Buffer],
    cancel: Option<&Arc<AtomicBool>>,
    start_functions: &[String],
    every_context: bool,
    every_file: bool,
    scope: Option<DiffScope<'_, '_>>,
    slim: bool,
) -> Result<Collected, String> {
    let slim = slim && buffers.is_empty() && scope.is_none();
    let mut timings = Timings::default();
    let clock = Instant::now();
    let parse_before = extract::parse_counters();
    let given_up_before = extract::parses_given_up();
    let (found, in_memory) = if buffers.is_empty() {
        // Walked files are measured against the size limit when read.
        (
            discover::discover_unmeasured(paths, discover_opts),
            Vec::new(),
        )
    } else {
        // A buffer's path need not exist on disk: it is added by hand.
        // With --force-exclude, a buffer is skipped where a walk would skip
        // it (a generated buffer is skipped below, once read).
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut found = discover::Discovery::default();
        let mut in_memory: Vec<(PathBuf, &str, bool)> = Vec::new();
        for b in buffers {
            let c = context::candidate(&b.path);
            let skip = discover_opts
                .force_exclude
                .then(|| discover::skip_if_walked(&c.abs, discover_opts, &cwd))
                .flatten();
            match skip {
                Some(reason) => found.skipped.push((c.display, reason)),
                None => {
                    in_memory.push((c.abs.clone(), b.text.as_str(), b.lossy));
                    found.files.push(c);
                }
            }
        }
        (found, in_memory)
    };
    let siblings = context::package_siblings(&found.files, discover_opts);
    timings.walk = clock.elapsed();
    let clock = Instant::now();
    let mut reported = Vec::new();
    let mut stats = Stats::default();
    let mut problems = found.problems;
    for (_, reason) in &found.skipped {
        *stats.skipped.entry(skip_name(*reason)).or_default() += 1;
    }

    let candidates: Vec<(&Candidate, bool)> = found
        .files
        .iter()
        .map(|c| (c, true))
        .chain(siblings.iter().map(|c| (c, false)))
        .collect();
    let read = read_by_directory(
        &candidates,
        &in_memory,
        start_functions,
        every_file,
        slim.then_some(discover_opts.force_exclude),
        discover_opts.max_file_size,
    );
    let mut files = Vec::new();
    let mut dropped: Vec<Option<Fingerprint>> = Vec::new();
    let mut clauses = Vec::new();
    let mut triggers = Vec::new();
    let mut grpc_servers = Vec::new();
    let mut imports = Vec::new();
    let mut walked = Vec::new();
    for (r, (c, report)) in read.into_iter().zip(&candidates) {
        match r {
            // --force-exclude: a named generated file is skipped like a walked one.
            Ok(Ok(r))
                if *report
                    && discover_opts.force_exclude
                    && r.generated
                        .unwrap_or_else(|| discover::is_generated(&r.file.text)) =>
            {
                *stats
                    .skipped
                    .entry(skip_name(SkipReason::Generated))
                    .or_default() += 1
            }
            Ok(Ok(ReadOne {
                file: mut f,
                clause,
                trigger,
                grpc_server,
                imports: paths,
                dropped: fingerprint,
                ..
            })) => {
                f.id = FileId(files.len() as u32);
                files.push(f);
                dropped.push(fingerprint);
                clauses.push(clause);
                triggers.push(trigger);
                grpc_servers.push(grpc_server);
                imports.push(paths);
                reported.push(*report);
                walked.push(!c.explicit);
            }
            Ok(Err(reason)) => *stats.skipped.entry(skip_name(reason)).or_default() += 1,
            Err(p) => problems.push(p),
        }
    }
    timings.read = clock.elapsed();
    let clock = Instant::now();
    // Package siblings read only for resolution are not counted as checked.
    stats.files_checked = reported.iter().filter(|r| **r).count();
    let packages: Vec<((String, String), Vec<FileId>)> =
        group_packages(&files, clauses).into_iter().collect();
    stats.packages = packages.len();
    let mut modules = extract::ModuleIndex::default();
    let import_paths: Vec<Option<String>> = packages
        .iter()
        .map(|(_, ids)| {
            ids.first()
                .and_then(|id| files[id.0 as usize].abs_path.parent())
                .and_then(|dir| modules.import_path(dir))
        })
        .collect();
    let scans: Vec<extract::PackageScan> = packages
        .iter()
        .zip(&import_paths)
        .map(|((_, ids), path)| extract::PackageScan {
            import_path: path.as_deref(),
            files: ids
                .iter()
                .map(|id| extract::GateFile {
                    trigger: triggers[id.0 as usize],
                    imports: imports[id.0 as usize].as_deref(),
                    text: files[id.0 as usize].text.as_str(),
                })
                .collect(),
            declares_grpc_server: ids.iter().any(|id| grpc_servers[id.0 as usize]),
        })
        .collect();
    let mut walk = extract::walk_flags(&scans, every_context);
    drop(scans);
    drop(imports);
    if every_file {
        for ((_, ids), walk) in packages.iter().zip(&mut walk) {
            for (id, w) in ids.iter().zip(walk.iter_mut()) {
                *w |= reported[id.0 as usize]
                    && !rulefiles::is_yaml_path(&files[id.0 as usize].abs_path);
            }
        }
    }
    // A package none of whose files is walked has no facts: its texts are
    // needed only where a suppression comment may be reported (I001).
    for ((_, ids), walk) in packages.iter().zip(&walk) {
        if walk.iter().any(|w| *w) {
            // With `slim`, the texts the gate kept are read again with the
            // rest of the package.
            for id in ids.iter().filter(|_| slim) {
                let f = &mut files[id.0 as usize];
                if dropped[id.0 as usize].is_none()
                    && !f.text.is_empty()
                    && !suppress::mentions_suppression(&f.text)
                {
                    dropped[id.0 as usize] = Some(Fingerprint::of(&f.text));
                    f.text = String::new();
                }
            }
            continue;
        }
        for id in ids {
            // Not read again: its package is extracted without its texts.
            dropped[id.0 as usize] = None;
            let f = &mut files[id.0 as usize];
            if !suppress::mentions_suppression(&f.text) {
                f.text = String::new();
            }
        }
    }
    timings.prefilter = clock.elapsed();
    // Rule files are read before the Go packages are extracted: with
    // --diff-base, the queries of those that changed name metrics whose
    // definitions must be known. Their ids follow the Go files'.
    let go_files = files.len();
    let rule_files = collect_rule_files(&found.rule_files, &mut files, &mut problems);
    let clock = Instant::now();
    let extract_nanos = std::sync::atomic::AtomicU64::new(0);

    let extract_opts = extract::ExtractOptions {
        package_names: package_names(&packages, &import_paths),
        start_functions: start_functions.to_vec(),
    };
    // With `slim`: a package's facts, the texts read again that are still
    // needed, the ids of files whose texts are not, and any warning.
    let extract_slim = |p: usize, walk: Vec<bool>| -> (PackageFacts, Slimmed) {
        let ((dir, name), ids) = &packages[p];
        let mut slimmed = Slimmed::default();
        if cancelled(cancel) {
            return (PackageFacts::default(), slimmed);
        }
        let started = Instant::now();
        // The walked files are read again now; the others only if the
        // extraction looks for a declaration in them (`load`).
        let warnings = RefCell::new(Vec::new());
        let read = |id: &FileId| {
            let fp = dropped[id.0 as usize]?;
            let (f, warning) = read_again(&files[id.0 as usize], fp, READ_FOR_FACTS);
            let mut warnings = warnings.borrow_mut();
            // A sibling may be read in more than one round.
            if !warnings
                .iter()
                .any(|w: &(FileId, IoProblem)| w.1.path == f.path)
            {
                warnings.extend(warning.map(|w| (*id, w)));
            }
            Some(f)
        };
        let mut again: Vec<Option<SourceFile>> = ids
            .iter()
            .zip(&walk)
            .map(|(id, walked)| if *walked { read(id) } else { None })
            .collect();
        let members: Vec<&SourceFile> = ids
            .iter()
            .zip(&again)
            .map(|(id, a)| a.as_ref().unwrap_or(&files[id.0 as usize]))
            .collect();
        let load = |i: usize| read(&ids[i]);
        let (facts, loaded) =
            extract::extract_package_loading(dir, name, &members, walk, &extract_opts, &load);
        drop(members);
        for (i, f) in loaded {
            again[i] = Some(f);
        }
        // A text read again that is not the one first read: findings are
        // shown against it.
        let warnings = warnings.into_inner();
        if slim {
            for (id, a) in ids.iter().zip(again) {
                let Some(a) = a else { continue };
                if warnings.iter().any(|(w, _)| w == id) {
                    slimmed.changed.push((*id, Fingerprint::of(&a.text)));
                }
                if suppress::mentions_suppression(&a.text) {
                    slimmed.texts.push((*id, a));
                }
            }
        }
        slimmed.warnings = warnings.into_iter().map(|(_, w)| w).collect();
        extract_nanos.fetch_add(
            started.elapsed().as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        (facts, slimmed)
    };
    let extract_one = |p: usize, walk: Vec<bool>| -> PackageFacts { extract_slim(p, walk).0 };
    // git has been reading the changed lines while the tree was walked and
    // read: they are needed now.
    let scope = match scope {
        Some(s) => {
            let lines = s.lines.get().map_err(str::to_string)?;
            Some((s.judge.insert(Judge::new(lines)), s.deletions))
        }
        None => None,
    };
    let wanted = scope.map(|scope| {
        let rule_facts = (&files[go_files..], rule_files.as_slice());
        plan_extraction(
            scope,
            &packages,
            &import_paths,
            (&files[..go_files], &walked),
            rule_facts,
            &walk,
            &extract_one,
        )
    });
    let mut unwanted: Vec<bool> = Vec::new();
    let mut slimmed_all: Vec<Slimmed> = Vec::new();
    let extracted: Vec<PackageFacts> = match wanted {
        None if slim => {
            stats.files_parsed = walk.iter().flatten().filter(|w| **w).count();
            let both: Vec<(PackageFacts, Slimmed)> = walk
                .into_par_iter()
                .enumerate()
                .map(|(p, walk)| extract_slim(p, walk))
                .collect();
            let mut extracted = Vec::with_capacity(both.len());
            for (facts, slimmed) in both {
                extracted.push(facts);
                slimmed_all.push(slimmed);
            }
            extracted
        }
        None => {
            stats.files_parsed = walk.iter().flatten().filter(|w| **w).count();
            walk.into_par_iter()
                .enumerate()
                .map(|(p, walk)| extract_one(p, walk))
                .collect()
        }
        Some((mut done, wanted)) => {
            stats.files_parsed = walk
                .iter()
                .zip(&wanted)
                .filter(|(_, w)| **w)
                .flat_map(|(walk, _)| walk)
                .filter(|w| **w)
                .count();
            let rest: Vec<(usize, PackageFacts)> = walk
                .into_par_iter()
                .enumerate()
                .filter(|(p, _)| done[*p].is_none())
                .map(|(p, walk)| {
                    // Not wanted: a package without facts, as one none of
                    // whose files is walked.
                    let walk = if wanted[p] {
                        walk
                    } else {
                        vec![false; walk.len()]
                    };
                    (p, extract_one(p, walk))
                })
                .collect();
            for (p, facts) in rest {
                done[p] = Some(facts);
            }
            unwanted = wanted.iter().map(|w| !w).collect();
            done.into_iter()
                .map(|f| f.expect("every package is extracted once"))
                .collect()
        }
    };
    timings.extract = clock.elapsed();
    let mut warnings = found.warnings;
    for slimmed in slimmed_all {
        for (id, again) in slimmed.texts {
            let f = &mut files[id.0 as usize];
            f.text = again.text;
            f.lossy = again.lossy;
        }
        for (id, fingerprint) in slimmed.changed {
            dropped[id.0 as usize] = Some(fingerprint);
        }
        warnings.extend(slimmed.warnings);
    }
    // A package --diff-base did not extract holds no finding and no related
    // location: its texts are not needed any more.
    for ((_, ids), _) in packages.iter().zip(&unwanted).filter(|(_, u)| **u) {
        for id in ids {
            files[id.0 as usize].text = String::new();
        }
    }
    timings.extract_cpu = Duration::from_nanos(extract_nanos.into_inner());
    let parse_after = extract::parse_counters();
    timings.parse_cpu = Duration::from_nanos(parse_after.0.saturating_sub(parse_before.0));
    timings.trees = parse_after.1.saturating_sub(parse_before.1);
    timings.parses_given_up = extract::parses_given_up().saturating_sub(given_up_before);
    timings.extractions_given_up = extracted.iter().map(|f| f.unfinished.len() as u64).sum();
    let clock = Instant::now();
    let mut tree = TreeFacts {
        packages: extracted,
        ..TreeFacts::default()
    };
    for (facts, path) in tree.packages.iter_mut().zip(import_paths) {
        facts.import_path = path;
    }
    link::link(&mut tree);
    tree.rule_files = rule_files;
    stats.files_checked += tree.rule_files.len();
    // The lines of the definitions queries name: their texts are needed.
    let wanted = promql::queried_definition_files(&tree);
    warnings.extend(read_for_report(&mut files, &wanted, &dropped).0);
    promql::link_definitions(&mut tree, &files);
    timings.link = clock.elapsed();
    stats.timings = timings;
    Ok(Collected {
        files,
        tree,
        stats,
        problems,
        warnings,
        reported,
        walked,
        dropped,
    })
}

/// Reads again the texts of `wanted` files that were dropped after their
/// extraction (with `slim`, a text is kept only for a suppression comment:
/// findings and the lines of definitions read it later). Returns the
/// warnings for texts that changed since their facts were taken, and those
/// files: the positions found in them may not fit the text read now.
fn read_for_report(
    files: &mut [SourceFile],
    wanted: &[FileId],
    dropped: &[Option<Fingerprint>],
) -> (Vec<IoProblem>, Vec<FileId>) {
    let again: Vec<(FileId, SourceFile, Option<IoProblem>)> = wanted
        .par_iter()
        .filter_map(|id| {
            let f = files.get(id.0 as usize)?;
            let fp = (*dropped.get(id.0 as usize)?)?;
            if !f.text.is_empty() {
                return None;
            }
            let (again, warning) = read_again(f, fp, READ_FOR_REPORT);
            Some((*id, again, warning))
        })
        .collect();
    let mut warnings = Vec::new();
    let mut changed = Vec::new();
    for (id, again, warning) in again {
        if let Some(w) = warning {
            warnings.push(w);
            changed.push(id);
        }
        files[id.0 as usize] = again;
    }
    (warnings, changed)
}

/// The files a finding points into.
fn finding_files(diagnostics: &[Diagnostic]) -> Vec<FileId> {
    let mut ids: Vec<FileId> = diagnostics
        .iter()
        .flat_map(|d| std::iter::once(d.primary.file).chain(d.related.iter().map(|r| r.span.file)))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Keeps the spans of findings in files that changed since their facts
/// were taken within the text read last (on a character boundary).
fn fit_spans(diagnostics: &mut [Diagnostic], files: &[SourceFile], changed: &[FileId]) {
    let fit = |span: &mut Span| {
        if !changed.contains(&span.file) {
            return;
        }
        let text = &files[span.file.0 as usize].text;
        let floor = |at: u32| floor_char_boundary(text, at as usize) as u32;
        span.start = floor(span.start);
        span.end = floor(span.end).max(span.start);
    };
    for d in diagnostics {
        fit(&mut d.primary);
        for r in &mut d.related {
            fit(&mut r.span);
        }
    }
}

/// Import path → package clause of the linted packages whose import path is
/// known (a `go.mod` above them): what an import of them without an alias is
/// called. `_test` packages answer for no path; a directory with two other
/// package clauses answers with neither.
fn package_names(
    packages: &[((String, String), Vec<FileId>)],
    import_paths: &[Option<String>],
) -> HashMap<String, String> {
    let mut names: HashMap<String, Option<String>> = HashMap::new();
    for (((_, name), _), path) in packages.iter().zip(import_paths) {
        let Some(path) = path else { continue };
        if name.ends_with("_test") {
            continue;
        }
        names
            .entry(path.clone())
            .and_modify(|n| {
                if n.as_deref() != Some(name.as_str()) {
                    *n = None;
                }
            })
            .or_insert_with(|| Some(name.clone()));
    }
    names
        .into_iter()
        .filter_map(|(path, name)| Some((path, name?)))
        .collect()
}

/// With `--diff-base`: extract the packages a finding on a changed line can
/// come from ([`crate::gate::scope`]), in two waves (the second needs the
/// names the changed packages define and query). Returns the facts of the
/// packages extracted so far, and which packages are wanted at all (those
/// not yet extracted among them come next).
fn plan_extraction(
    (judge, deletions): (
        &mut Judge<'_>,
        Option<&instrlint_core::config::LabelSettings>,
    ),
    packages: &[((String, String), Vec<FileId>)],
    import_paths: &[Option<String>],
    (files, walked): (&[SourceFile], &[bool]),
    (rule_files, rule_facts): (&[SourceFile], &[RuleFileFacts]),
    walk: &[Vec<bool>],
    extract_one: &(dyn Fn(usize, Vec<bool>) -> PackageFacts + Sync),
) -> (Vec<Option<PackageFacts>>, Vec<bool>) {
    use crate::gate::scope::{self, Names, Scan};
    let mut touched = |f: &SourceFile, regular: bool| match judge.verdict(&f.abs_path, regular) {
        crate::gate::Verdict::Lines(lines) => lines.is_some(),
        crate::gate::Verdict::Unjudged { .. } => true,
    };
    let changed: Vec<bool> = packages
        .iter()
        .map(|(_, ids)| {
            ids.iter()
                .any(|id| touched(&files[id.0 as usize], walked[id.0 as usize]))
        })
        .collect();
    let changed_rules: Vec<&RuleFileFacts> = rule_facts
        .iter()
        .zip(rule_files)
        .filter(|(_, f)| touched(f, false))
        .map(|(facts, _)| facts)
        .collect();
    let active: Vec<bool> = walk.iter().map(|w| w.iter().any(|x| *x)).collect();
    let scans: Vec<Option<Scan>> = packages
        .par_iter()
        .zip(&active)
        .map(|((_, ids), active)| {
            active.then(|| Scan::of(ids.iter().map(|id| files[id.0 as usize].text.as_str())))
        })
        .collect();
    let view = scope::Packages {
        import_paths,
        active: &active,
        changed: &changed,
        scans: &scans,
    };
    let first = scope::first_wave(&view);
    let done: Vec<Option<PackageFacts>> = walk
        .par_iter()
        .enumerate()
        .map(|(p, w)| first[p].then(|| extract_one(p, w.clone())))
        .collect();
    let mut names = Names::default();
    let imported = scope::imported(&view, &first);
    for (p, facts) in done.iter().enumerate() {
        let Some(facts) = facts else { continue };
        // L208 judges a vector of a changed package, or of one a changed
        // package imports (its series may be created there), against every
        // deleting call of the tree.
        if let Some(lists) = deletions.filter(|_| changed[p] || imported[p]) {
            let holds = facts.metrics.iter().any(|m| {
                m.vector
                    && instrlint_rules::util::labels::declared(m).is_some_and(|names| {
                        names
                            .iter()
                            .any(|(n, _)| instrlint_rules::util::labels::is_short_lived(lists, n))
                    })
            });
            names.vectors |= holds;
            if holds && !changed[p] {
                names.vector_holders.push(p);
            }
        }
        if !changed[p] {
            continue;
        }
        for def in &facts.metrics {
            if let Some(name) = def.fq_name.resolved() {
                names
                    .defined
                    .extend(scope::with_series_suffixes(&name.text));
                if !name.text.is_empty() {
                    names.queried.push(name.text.as_bytes().to_vec());
                }
            }
        }
        for q in &facts.queries {
            for s in &q.selectors {
                names.defined.extend(scope::selector_names(&s.metric));
            }
        }
    }
    for f in changed_rules {
        for q in &f.queries {
            for s in &q.selectors {
                names.defined.extend(scope::selector_names(&s.metric));
            }
        }
    }
    names.defined.sort();
    names.defined.dedup();
    let wanted = scope::second_wave(&view, &first, &names);
    (done, wanted)
}

struct Run {
    files: Vec<SourceFile>,
    diagnostics: Vec<Diagnostic>,
    stats: Stats,
    problems: Vec<IoProblem>,
    warnings: Vec<IoProblem>,
    baseline_unused: Vec<baseline::Entry>,
    ungated: Option<Vec<Diagnostic>>,
}

fn run(
    paths: &[PathBuf],
    discover_opts: &DiscoverOptions,
    config: &Config,
    enabled: &[Enabled],
    opts: &LintOptions,
) -> Result<Run, LintError> {
    let mut judge = None;
    let collected = collect_parsing(
        paths,
        discover_opts,
        &opts.buffers,
        opts.cancel.as_ref(),
        &config.settings.spans.start_functions,
        // C605 reads `context.Background()` wherever a context is in scope,
        // not only in request handlers.
        enabled.iter().any(|e| e.rule.meta.code == "C605"),
        opts.parse_every_file,
        opts.report_lines
            .as_ref()
            .filter(|_| !opts.keep_ungated)
            .map(|lines| DiffScope {
                lines,
                deletions: enabled
                    .iter()
                    .any(|e| e.rule.meta.code == "L208")
                    .then_some(&config.settings.labels),
                judge: &mut judge,
            }),
        // --diff-base reads the lines of every reported file's findings
        // through its own gate: texts are kept as they were read.
        opts.report_lines.is_none(),
    );
    let Collected {
        mut files,
        tree,
        mut stats,
        problems,
        mut warnings,
        reported,
        walked,
        dropped,
    } = collected.map_err(LintError::DiffBase)?;
    if cancelled(opts.cancel.as_ref()) {
        return Ok(Run {
            files,
            diagnostics: Vec::new(),
            stats,
            problems,
            warnings,
            baseline_unused: Vec::new(),
            ungated: None,
        });
    }
    // With --full-report, nothing has waited for git yet.
    let report_lines = match &opts.report_lines {
        Some(lines) => Some(
            lines
                .get()
                .map_err(|e| LintError::DiffBase(e.to_string()))?,
        ),
        None => None,
    };
    let clock = Instant::now();
    let per_package: Vec<Vec<Diagnostic>> = tree
        .packages
        .par_iter()
        .map(|facts| {
            let mut sink = Sink::new();
            let ctx = PackageCtx {
                package: facts,
                tree: &tree,
                settings: &config.settings,
            };
            for e in enabled {
                if let Check::Package(check) = e.rule.check {
                    check(&ctx, &mut sink);
                }
            }
            let mut diags = sink.into_diagnostics();
            diags.extend(facts.syntax_errors.iter().map(|s| parse_error(*s)));
            diags.extend(facts.unparsed.iter().map(|s| parse_given_up(*s)));
            diags.extend(facts.unfinished.iter().map(|s| extraction_given_up(*s)));
            diags.extend(facts.parse_refused.iter().map(|s| parse_refused(*s)));
            diags
        })
        .collect();

    let mut diagnostics: Vec<Diagnostic> = per_package.into_iter().flatten().collect();
    diagnostics.extend(rule_file_errors(&tree.rule_files));
    let mut sink = Sink::new();
    let tctx = TreeCtx {
        tree: &tree,
        settings: &config.settings,
    };
    for e in enabled {
        if let Check::Tree(check) = e.rule.check {
            check(&tctx, &mut sink);
        }
    }
    diagnostics.extend(sink.into_diagnostics());
    stats.timings.rules = clock.elapsed();
    let clock = Instant::now();
    let (changed, changed_files) =
        read_for_report(&mut files, &finding_files(&diagnostics), &dropped);
    fit_spans(&mut diagnostics, &files, &changed_files);
    warnings.extend(changed);
    apply_levels(&mut diagnostics, enabled);

    let diagnostics = apply_suppressions(&files, &tree, diagnostics, opts.report_unused_ignores);
    let ungated = match report_lines {
        Some(_) if opts.keep_ungated => {
            let mut all =
                crate::gate::retain_reported(diagnostics.clone(), &files, &reported, None, &walked)
                    .0;
            sort_diagnostics(&mut all, &files);
            Some(match &opts.baseline {
                Some(b) => b.apply(all, &files, &crate::output::repository_base()).0,
                None => all,
            })
        }
        _ => None,
    };
    // The files judged while the extraction was planned keep their verdicts.
    let judge = report_lines.map(|lines| judge.get_or_insert_with(|| Judge::new(lines)));
    let (mut diagnostics, unjudged) =
        crate::gate::retain_reported(diagnostics, &files, &reported, judge, &walked);
    warnings.extend(unjudged.into_iter().map(|u| IoProblem {
        path: u.path,
        message: format!(
            "{}; --diff-base cannot tell what changed there, so all its findings are reported",
            u.why
        ),
    }));
    sort_diagnostics(&mut diagnostics, &files);
    let (diagnostics, baseline_unused) = match &opts.baseline {
        Some(b) => b.apply(diagnostics, &files, &crate::output::repository_base()),
        None => (diagnostics, Vec::new()),
    };
    stats.timings.filter = clock.elapsed();
    Ok(Run {
        files,
        diagnostics,
        stats,
        problems,
        warnings,
        baseline_unused,
        ungated,
    })
}

/// The rule-file stage: read the YAML candidates that may be Prometheus rule
/// files, keep those that are (appended to `files` after the Go files, which
/// the Go stages never see) and extract their queries. Other YAML is dropped
/// silently.
fn collect_rule_files(
    candidates: &[Candidate],
    files: &mut Vec<SourceFile>,
    problems: &mut Vec<IoProblem>,
) -> Vec<RuleFileFacts> {
    let read: Vec<Result<Option<SourceFile>, IoProblem>> =
        candidates.par_iter().map(read_rule_candidate).collect();
    let mut facts = Vec::new();
    for r in read {
        match r {
            Ok(Some(mut f)) => {
                f.id = FileId(files.len() as u32);
                if let Some(found) = rulefiles::extract(&f) {
                    files.push(f);
                    facts.push(found);
                }
            }
            Ok(None) => {}
            Err(p) => problems.push(p),
        }
    }
    facts
}

/// Read a YAML candidate; `Ok(None)` when a file found by walking does not
/// mention `groups:` in its first KB (only that much is read then).
fn read_rule_candidate(c: &Candidate) -> Result<Option<SourceFile>, IoProblem> {
    use std::io::Read;
    let problem = |e: std::io::Error| IoProblem {
        path: c.display.clone(),
        message: io_message(&e),
    };
    if !c.explicit {
        let mut head = Vec::with_capacity(rulefiles::SNIFF_BYTES);
        std::fs::File::open(&c.abs)
            .and_then(|f| f.take(rulefiles::SNIFF_BYTES as u64).read_to_end(&mut head))
            .map_err(problem)?;
        if !rulefiles::may_be_rule_file(&head) {
            return Ok(None);
        }
    }
    let bytes = std::fs::read(&c.abs).map_err(problem)?;
    let (text, lossy) = match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    };
    Ok(Some(SourceFile {
        id: FileId(0),
        is_test: false,
        path: c.display.clone(),
        abs_path: c.abs.clone(),
        text,
        lossy,
    }))
}

/// Rule files that do not parse (YAML or PromQL) are parse errors (I002):
/// reported, never counted as findings, and the run goes on.
fn rule_file_errors(rule_files: &[RuleFileFacts]) -> impl Iterator<Item = Diagnostic> + '_ {
    rule_files
        .iter()
        .flat_map(|f| &f.errors)
        .map(|e| Diagnostic {
            code: PARSE_ERROR.0,
            name: PARSE_ERROR.1,
            level: Level::Note,
            message: format!("parse error: {}", e.message),
            primary: e.span,
            related: Vec::new(),
            help: Some("fix the rule file; instrlint checked the rules it could read".to_string()),
        })
}

/// Each skip reason: its key in `Stats::skipped` (and JSON `summary.skipped`,
/// plural), and its singular for the summary line.
const SKIP_NAMES: [(SkipReason, &str, &str); 5] = [
    (SkipReason::TooLarge, "too large", "too large"),
    (SkipReason::Generated, "generated", "generated"),
    (SkipReason::Test, "tests", "test"),
    (SkipReason::Excluded, "excluded", "excluded"),
    (SkipReason::Symlink, "symlinks", "symlink"),
];

fn skip_name(reason: SkipReason) -> &'static str {
    SKIP_NAMES
        .iter()
        .find(|(r, _, _)| *r == reason)
        .map_or("other", |(_, key, _)| key)
}

/// The singular of a `Stats::skipped` key (`tests` → `test`).
pub fn skip_singular(key: &str) -> &str {
    SKIP_NAMES
        .iter()
        .find(|(_, k, _)| *k == key)
        .map_or(key, |(_, _, one)| one)
}

/// Read one candidate; `Ok(Err(_))` for a file not named explicitly that
/// is generated or larger than `max_size`.
fn read_candidate(
    c: &Candidate,
    max_size: u64,
) -> Result<Result<SourceFile, SkipReason>, IoProblem> {
    let limit = (!c.explicit).then_some(max_size);
    let bytes = match discover::read_walked(&c.abs, limit) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(Err(SkipReason::TooLarge)),
        Err(e) => {
            return Err(IoProblem {
                path: c.display.clone(),
                message: io_message(&e),
            })
        }
    };
    let (text, lossy) = match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    };
    if !c.explicit && discover::is_generated(&text) {
        return Ok(Err(SkipReason::Generated));
    }
    let mut f = source_file(c, text);
    f.lossy = lossy;
    Ok(Ok(f))
}

fn source_file(c: &Candidate, text: String) -> SourceFile {
    SourceFile {
        id: FileId(0),
        is_test: c.display.ends_with("_test.go"),
        path: c.display.clone(),
        abs_path: c.abs.clone(),
        text,
        lossy: false,
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Files of one directory with the same package clause, keyed by (dir, package).
fn group_packages(
    files: &[SourceFile],
    clauses: Vec<String>,
) -> BTreeMap<(String, String), Vec<FileId>> {
    let mut packages: BTreeMap<(String, String), Vec<FileId>> = BTreeMap::new();
    for (f, clause) in files.iter().zip(clauses) {
        packages
            .entry((dir_of(&f.path), clause))
            .or_default()
            .push(f.id);
    }
    packages
}

fn dir_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..i].to_string(),
        None => ".".to_string(),
    }
}

/// Length and hash of a text dropped after the read, to be read again.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    len: usize,
    hash: u64,
}

impl Fingerprint {
    fn of(text: &str) -> Fingerprint {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        text.hash(&mut h);
        Fingerprint {
            len: text.len(),
            hash: h.finish(),
        }
    }
}

/// What a package's extraction leaves for the file table (with `slim`).
#[derive(Default)]
struct Slimmed {
    /// Texts read again that a suppression comment needs.
    texts: Vec<(FileId, SourceFile)>,
    /// Files read again whose texts differ from the first read: the
    /// fingerprint of the text the facts come from.
    changed: Vec<(FileId, Fingerprint)>,
    warnings: Vec<IoProblem>,
}

/// What [`read_again`] says of a text that changed, by what it is read for.
const READ_FOR_FACTS: &str = "changed while being linted; its findings are those of the text read \
                              last";
const READ_FOR_REPORT: &str = "changed while being linted; its findings come from the text read \
                               before and are shown, as far as they fit, in the text read last";

/// Reads again a file whose text was dropped after the first read. If it
/// changed in between (or cannot be read), the second text (or none) is
/// what the extraction and the report see, so that every position stays
/// that of the text shown, and a warning says so.
fn read_again(
    f: &SourceFile,
    fp: Fingerprint,
    changed_message: &str,
) -> (SourceFile, Option<IoProblem>) {
    let mut again = SourceFile {
        id: f.id,
        is_test: f.is_test,
        path: f.path.clone(),
        abs_path: f.abs_path.clone(),
        text: String::new(),
        lossy: f.lossy,
    };
    match std::fs::read(&f.abs_path) {
        Ok(bytes) => {
            let (text, lossy) = match String::from_utf8(bytes) {
                Ok(s) => (s, false),
                Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
            };
            let changed = Fingerprint::of(&text) != fp;
            again.text = text;
            again.lossy = lossy;
            let warning = changed.then(|| IoProblem {
                path: f.path.clone(),
                message: changed_message.to_string(),
            });
            (again, warning)
        }
        Err(e) => {
            let warning = IoProblem {
                path: f.path.clone(),
                message: format!(
                    "{} when read a second time; linted as empty",
                    io_message(&e)
                ),
            };
            (again, Some(warning))
        }
    }
}

/// A file read, with its package clause and prefilter trigger.
struct ReadOne {
    file: SourceFile,
    clause: String,
    trigger: extract::Trigger,
    /// It may declare a gRPC server ([`extract::declares_grpc_server`]).
    grpc_server: bool,
    /// With a weak or request trigger, its import paths for the gate, when
    /// they can be read without parsing ([`extract::import_paths`]).
    imports: Option<Vec<String>>,
    /// Set when the text was dropped (`slim`): to be read again.
    dropped: Option<Fingerprint>,
    /// With `slim` and `--force-exclude`: whether the file is generated,
    /// decided before its text was dropped.
    generated: Option<bool>,
}

/// A file read, or why it is skipped (generated, too large).
type ReadFile = Result<Result<ReadOne, SkipReason>, IoProblem>;

/// Reads the candidates (in their order), a directory at a time. A
/// directory where no file has a trigger or a suppression comment yields no
/// fact and no finding: its texts are dropped as soon as it is read, so
/// they never all sit in memory together. With `slim` (`Some(force_exclude)`),
/// the other texts are dropped too, but for those of files with a
/// suppression comment, or with a weak or request trigger whose import paths
/// cannot be read without the text (the gate across packages reads them),
/// and are read again when their package is extracted.
fn read_by_directory(
    candidates: &[(&Candidate, bool)],
    in_memory: &[(PathBuf, &str, bool)],
    start_functions: &[String],
    keep_texts: bool,
    slim: Option<bool>,
    max_size: u64,
) -> Vec<ReadFile> {
    let mut by_dir: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (c, _)) in candidates.iter().enumerate() {
        by_dir.entry(dir_of(&c.display)).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = by_dir.into_values().collect();
    let read: Vec<Vec<(usize, ReadFile)>> = groups
        .par_iter()
        .map(|group| {
            let mut out: Vec<(usize, ReadFile, bool)> = group
                .iter()
                .map(|&i| {
                    let c = candidates[i].0;
                    let file = match in_memory.iter().find(|(abs, _, _)| *abs == c.abs) {
                        Some((_, text, lossy)) => {
                            let mut f = source_file(c, text.to_string());
                            f.lossy = *lossy;
                            Ok(Ok(f))
                        }
                        None => read_candidate(c, max_size),
                    };
                    let mut comment = false;
                    let file = file.map(|f| {
                        f.map(|f| {
                            let clause = extract::package_clause(&f.text).unwrap_or_default();
                            let trigger = extract::classify_with(&f.text, start_functions);
                            comment = suppress::mentions_suppression(&f.text);
                            let gated = matches!(
                                trigger,
                                extract::Trigger::Weak | extract::Trigger::Request
                            );
                            ReadOne {
                                grpc_server: extract::declares_grpc_server(&f.text),
                                imports: gated.then(|| extract::import_paths(&f.text)).flatten(),
                                file: f,
                                clause,
                                trigger,
                                dropped: None,
                                generated: None,
                            }
                        })
                    });
                    (i, file, comment)
                })
                .collect();
            let quiet = out.iter().all(|(_, r, comment)| match r {
                Ok(Ok(r)) => r.trigger == extract::Trigger::None && !comment,
                _ => true,
            });
            for (_, r, comment) in &mut out {
                let Ok(Ok(r)) = r else { continue };
                if quiet && !keep_texts {
                    r.file.text = String::new();
                } else if let Some(force_exclude) = slim {
                    // The gate reads the text of a weak or request trigger
                    // whose import paths could not be read.
                    let gated = matches!(
                        r.trigger,
                        extract::Trigger::Weak | extract::Trigger::Request
                    );
                    if (!gated || r.imports.is_some()) && !*comment {
                        if force_exclude {
                            r.generated = Some(discover::is_generated(&r.file.text));
                        }
                        r.dropped = Some(Fingerprint::of(&r.file.text));
                        r.file.text = String::new();
                    }
                }
            }
            out.into_iter().map(|(i, r, _)| (i, r)).collect()
        })
        .collect();
    let mut slots: Vec<Option<ReadFile>> = (0..candidates.len()).map(|_| None).collect();
    for (i, r) in read.into_iter().flatten() {
        slots[i] = Some(r);
    }
    slots
        .into_iter()
        .map(|r| r.expect("every candidate is read once"))
        .collect()
}

/// An `I002` note at `span`.
fn parse_note(span: Span, message: String, help: &str) -> Diagnostic {
    Diagnostic {
        code: PARSE_ERROR.0,
        name: PARSE_ERROR.1,
        level: Level::Note,
        message: format!("parse error: {message}"),
        primary: span,
        related: Vec::new(),
        help: Some(help.to_string()),
    }
}

fn parse_error(span: Span) -> Diagnostic {
    parse_note(
        span,
        "the file does not parse as Go; findings after this point may be missing".to_string(),
        "fix the syntax error; instrlint linted the parts it could read",
    )
}

fn parse_given_up(span: Span) -> Diagnostic {
    parse_note(
        span,
        format!(
            "tree-sitter did not finish parsing this file within {}; it was not linted",
            seconds(extract::parse_time_limit())
        ),
        "the file most likely has a syntax error that sends tree-sitter's error recovery \
         into a very long search: fix it, or raise the limit with --parse-timeout",
    )
}

fn parse_refused(span: Span) -> Diagnostic {
    parse_note(
        span,
        format!(
            "not parsed: tree-sitter is still busy with {} earlier files it did not \
             finish within {}, the most instrlint lets run; it was not linted",
            extract::max_abandoned_parses(),
            seconds(extract::parse_time_limit())
        ),
        "fix the files reported as not parsed within the time limit, then restart \
         instrlint (an abandoned parse ends only with its process)",
    )
}

fn extraction_given_up(span: Span) -> Diagnostic {
    parse_note(
        span,
        format!(
            "instrlint did not finish reading this file's instrumentation within {}; it was not linted",
            seconds(extract::parse_time_limit())
        ),
        "some shape of code in this file makes instrlint's analysis slow (please report it): \
         raise the limit with --parse-timeout",
    )
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.3} s", d.as_secs_f64())
    }
}

fn apply_levels(diagnostics: &mut [Diagnostic], enabled: &[Enabled]) {
    for d in diagnostics.iter_mut() {
        if let Some(level) = enabled
            .iter()
            .find(|e| e.rule.meta.code == d.code)
            .and_then(|e| e.level_override)
        {
            d.level = level;
        }
    }
}

fn apply_suppressions(
    files: &[SourceFile],
    tree: &TreeFacts,
    diagnostics: Vec<Diagnostic>,
    report_unused: bool,
) -> Vec<Diagnostic> {
    let with_findings_or_comments: Vec<(FileId, LineIndex, Vec<suppress::Suppression>)> = files
        .par_iter()
        // Suppression comments are Go comments: rule files have none.
        .filter(|f| !rulefiles::is_yaml_path(&f.abs_path))
        .filter(|f| suppress::mentions_suppression(&f.text))
        .map(|f| (f.id, LineIndex::new(&f.text), suppress::scan(f)))
        .filter(|(_, _, s)| !s.is_empty())
        .collect();
    if with_findings_or_comments.is_empty() {
        return diagnostics;
    }
    let suppressions: Vec<suppress::Suppression> = with_findings_or_comments
        .iter()
        .flat_map(|(_, _, s)| s.iter().cloned())
        .collect();
    let scopes: Vec<Span> = tree
        .packages
        .iter()
        .flat_map(|p| p.suppression_scopes.iter().copied())
        .collect();
    let line_of = |file: FileId, offset: u32| -> u32 {
        match with_findings_or_comments
            .iter()
            .find(|(id, _, _)| *id == file)
        {
            Some((_, idx, _)) => idx.line_of(offset) as u32 + 1,
            None => 0,
        }
    };
    let applied = suppress::apply(diagnostics, &suppressions, &scopes, &line_of);
    let mut kept = applied.kept;
    if report_unused {
        kept.extend(applied.unused.into_iter().map(|s| Diagnostic {
            code: UNUSED_IGNORE.0,
            name: UNUSED_IGNORE.1,
            level: Level::Warning,
            message: format!("suppression on line {} silences nothing", s.line),
            primary: s.span,
            related: Vec::new(),
            help: Some("remove the comment, or fix the codes it names".to_string()),
        }));
    }
    kept
}

fn sort_diagnostics(diagnostics: &mut [Diagnostic], files: &[SourceFile]) {
    diagnostics.sort_by(|a, b| {
        let pa = &files[a.primary.file.0 as usize].path;
        let pb = &files[b.primary.file.0 as usize].path;
        pa.cmp(pb)
            .then(a.primary.start.cmp(&b.primary.start))
            .then(a.code.cmp(b.code))
            .then(a.primary.end.cmp(&b.primary.end))
            .then(a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_win_over_the_disk_are_reported_and_can_be_cancelled() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = std::fs::canonicalize(root.path()).expect("canonical");
        std::fs::create_dir(dir.join(".git")).expect("mkdir");
        let vector = "package api\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
            var requests = prometheus.NewCounterVec(prometheus.CounterOpts{\n\
            \tName: \"api_http_requests_total\", Help: \"Requests.\",\n}, []string{\"method\"})\n";
        let call = |values: &str| {
            format!("package api\n\nfunc record() {{ requests.WithLabelValues({values}).Inc() }}\n")
        };
        std::fs::write(dir.join("vector.go"), vector).expect("write");
        std::fs::write(dir.join("record.go"), call("\"GET\"")).expect("write");
        let counter = "package api\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
            var c = prometheus.NewCounter(prometheus.CounterOpts{Name: \"api_rooms_joined\", Help: \"x\"})\n";
        let mut opts = LintOptions {
            buffers: vec![
                // On disk the call is right; the buffer passes two values.
                Buffer {
                    path: dir.join("record.go"),
                    text: call("\"GET\", \"200\""),
                    lossy: false,
                },
                // Not on disk at all.
                Buffer {
                    path: dir.join("new.go"),
                    text: counter.to_string(),
                    lossy: false,
                },
            ],
            ..LintOptions::default()
        };
        let outcome = lint(&opts).expect("lints");
        let got: Vec<(&str, &str)> = outcome
            .diagnostics
            .iter()
            .map(|d| {
                let file = &outcome.files[d.primary.file.0 as usize];
                (d.code, file.abs_path.file_name().unwrap().to_str().unwrap())
            })
            .collect();
        assert_eq!(got, [("M105", "new.go"), ("L203", "record.go")]);

        opts.cancel = Some(Arc::new(AtomicBool::new(true)));
        assert!(matches!(lint(&opts), Err(LintError::Cancelled)));
    }

    #[test]
    fn a_text_read_again_is_checked_against_the_first() {
        let root = tempfile::tempdir().expect("temp dir");
        let abs = root.path().join("a.go");
        let first = "package a\n\nconst x = 1\n";
        std::fs::write(&abs, first).expect("write");
        let f = SourceFile {
            id: FileId(3),
            is_test: false,
            path: "a.go".to_string(),
            abs_path: abs.clone(),
            text: String::new(),
            lossy: false,
        };
        let fp = Fingerprint::of(first);
        let (same, warning) = read_again(&f, fp, READ_FOR_FACTS);
        assert_eq!((same.text.as_str(), same.id), (first, FileId(3)));
        assert!(warning.is_none());
        // Same length, other bytes: the second text is used, with a warning.
        std::fs::write(&abs, "package a\n\nconst y = 2\n").expect("write");
        let (changed, warning) = read_again(&f, fp, READ_FOR_FACTS);
        assert!(changed.text.contains("const y = 2"));
        let warning = warning.expect("a changed file is reported");
        assert_eq!(warning.path, "a.go");
        assert!(warning.message.contains("changed while being linted"));
        std::fs::remove_file(&abs).expect("remove");
        let (gone, warning) = read_again(&f, fp, READ_FOR_FACTS);
        assert!(gone.text.is_empty());
        assert!(warning.expect("reported").message.contains("second time"));
    }

    #[test]
    fn texts_kept_after_a_run_are_those_of_findings_and_suppressions() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = std::fs::canonicalize(root.path()).expect("canonical");
        std::fs::create_dir(dir.join(".git")).expect("mkdir");
        let sources = [
            (
                "metrics.go",
                "package api\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
                 var joins = prometheus.NewCounter(prometheus.CounterOpts{Name: prefix + \"joins\", Help: \"h\"})\n",
            ),
            ("names.go", "package api\n\nconst prefix = \"api_\"\n"),
            ("record.go", "package api\n\nfunc record() { joins.Add(1) }\n"),
            ("quiet.go", "package api\n\nfunc quiet() {} //nolint:all\n"),
        ];
        for (name, text) in sources {
            std::fs::write(dir.join(name), text).expect("write");
        }
        let outcome = lint(&LintOptions {
            paths: vec![dir.clone()],
            ..LintOptions::default()
        })
        .expect("lints");
        let found: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(found, ["M105"]);
        let kept: Vec<(&str, bool)> = outcome
            .files
            .iter()
            .map(|f| {
                let name = f
                    .abs_path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("");
                (name, !f.text.is_empty())
            })
            .collect();
        // The finding's file, the sibling its name comes from (a related
        // location), the one with a suppression comment; not the walked
        // file without a finding.
        let related: Vec<u32> = outcome.diagnostics[0]
            .related
            .iter()
            .map(|r| r.span.file.0)
            .collect();
        assert_eq!(related, [1]);
        assert_eq!(
            kept,
            [
                ("metrics.go", true),
                ("names.go", true),
                ("quiet.go", true),
                ("record.go", false)
            ]
        );
    }

    #[test]
    fn findings_in_a_text_changed_since_extraction_fit_the_text_read_last() {
        let root = tempfile::tempdir().expect("temp dir");
        let abs = root.path().join("a.go");
        let first = "package a\n\n// ünïcode\nconst name = \"rooms_joined\"\n";
        std::fs::write(&abs, first).expect("write");
        let file = |id: u32, text: &str| SourceFile {
            id: FileId(id),
            is_test: false,
            path: "a.go".to_string(),
            abs_path: abs.clone(),
            text: text.to_string(),
            lossy: false,
        };
        let mut files = vec![file(0, "kept"), file(1, "")];
        let dropped = vec![None, Some(Fingerprint::of(first))];
        let at_end = Span::new(FileId(1), first.len() as u32 - 14, first.len() as u32 - 1);
        let diagnostic = Diagnostic {
            code: "M105",
            name: "counter-missing-total",
            level: Level::Warning,
            message: "m".to_string(),
            primary: at_end,
            related: Vec::new(),
            help: None,
        };
        // Unchanged: the text comes back, no warning.
        let wanted = finding_files(std::slice::from_ref(&diagnostic));
        assert_eq!(wanted, [FileId(1)]);
        let (warnings, changed) = read_for_report(&mut files, &wanted, &dropped);
        assert!(warnings.is_empty() && changed.is_empty());
        assert_eq!(
            (files[0].text.as_str(), files[1].text.as_str()),
            ("kept", first)
        );
        // Shorter since: a warning, and the span is kept inside the text.
        files[1].text.clear();
        std::fs::write(&abs, "package a\n// ü").expect("write");
        let (warnings, changed) = read_for_report(&mut files, &wanted, &dropped);
        assert_eq!(changed, [FileId(1)]);
        assert!(warnings[0].message.contains("shown, as far as they fit"));
        let mut diagnostics = vec![diagnostic];
        fit_spans(&mut diagnostics, &files, &changed);
        let text = &files[1].text;
        let span = diagnostics[0].primary;
        assert!(span.start <= span.end && span.end as usize <= text.len());
        assert!(text.is_char_boundary(span.start as usize));
    }

    #[test]
    fn quiet_directories_keep_no_text() {
        let root = tempfile::tempdir().expect("temp dir");
        let files = [
            ("quiet/a.go", "package quiet\n\nfunc f() {}\n"),
            ("loud/a.go", "package loud\n\nfunc f(m *M) { m.Add(1) }\n"),
            ("loud/b.go", "package loud\n\nconst x = 1\n"),
            ("quiet/b.go", "package quiet\n\nconst x = 1\n"),
            ("kept/a.go", "package kept\n\nfunc f() {} //nolint\n"),
        ];
        let candidates: Vec<Candidate> = files
            .iter()
            .map(|(path, text)| {
                let abs = root.path().join(path);
                std::fs::create_dir_all(abs.parent().expect("has a parent")).expect("mkdir");
                std::fs::write(&abs, text).expect("write");
                Candidate {
                    display: path.to_string(),
                    abs,
                    explicit: false,
                }
            })
            .collect();
        let pairs: Vec<(&Candidate, bool)> = candidates.iter().map(|c| (c, true)).collect();
        let read = read_by_directory(&pairs, &[], &[], false, None, 1 << 20);
        let got: Vec<(String, usize, String)> = read
            .into_iter()
            .map(|r| {
                let r = r.expect("readable").expect("not generated");
                assert!(r.dropped.is_none());
                (r.file.path, r.file.text.len(), r.clause)
            })
            .collect();
        let want: Vec<(String, usize, String)> = files
            .iter()
            .map(|(path, text)| {
                let quiet = path.starts_with("quiet/");
                let clause = path.split('/').next().expect("a directory");
                let len = if quiet { 0 } else { text.len() };
                (path.to_string(), len, clause.to_string())
            })
            .collect();
        assert_eq!(got, want);
    }
}
