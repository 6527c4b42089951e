//! Go parsing with a wall-clock limit: one tree-sitter-go parser per thread
//! that parses, each living on a parse thread of its own.
//!
//! tree-sitter's error recovery can run for hours on some broken input
//! (`fuzz/regressions/source/tree-sitter-error-recovery.go.txt`: 262 lines,
//! time spent recursing in `stack_node_add_link` inside one parser step, where
//! the progress callback never runs, so nothing in tree-sitter can stop it).
//! So a thread that wants a tree hands a copy of the text to its parse thread
//! and waits at most [`parse_time_limit`]. On time-out that parse thread is
//! abandoned (it ends when its parse does, or with the process) and the next
//! parse gets a new one; the caller reports the file as not parsed.
//!
//! A long-lived process (`instrlint server`) must not pile up abandoned
//! threads, each spinning a core. So:
//! - a text given up once is remembered (by hash, with the limit it had): the
//!   same text is given up again at once, without a new thread (an editor
//!   relints a package whenever one of its files changes);
//! - at most [`max_abandoned_parses`] abandoned parses may be running at once.
//!   While that many are, a new parse is refused ([`Unparsed::Busy`]) instead
//!   of started; a slot frees when an abandoned parse ends on its own.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tree_sitter::{Parser, Range, Tree};

/// Default of [`parse_time_limit`]: far above what any real file takes (the
/// 10 MB robustness input parses in a few seconds in a debug build).
pub const DEFAULT_PARSE_TIME_LIMIT: Duration = Duration::from_secs(30);

/// Stack of a parse thread: tree-sitter's C code recurses on deep error
/// recovery; untouched pages cost no memory.
const PARSE_STACK_BYTES: usize = 64 << 20;

static PARSE_LIMIT_MILLIS: AtomicU64 = AtomicU64::new(DEFAULT_PARSE_TIME_LIMIT.as_millis() as u64);

/// Process-wide parse counters (for `instrlint check --stats`): nanoseconds
/// spent waiting for tree-sitter, summed over threads, trees produced, and
/// parses given up at the time limit.
static PARSE_NANOS: AtomicU64 = AtomicU64::new(0);
static PARSE_COUNT: AtomicU64 = AtomicU64::new(0);
static PARSE_GIVEN_UP: AtomicU64 = AtomicU64::new(0);
static PARSE_REFUSED: AtomicU64 = AtomicU64::new(0);

/// Default of [`max_abandoned_parses`]: each one keeps a core busy, and a
/// machine with a few cores stays usable with this many.
pub const DEFAULT_MAX_ABANDONED_PARSES: usize = 4;

static MAX_ABANDONED: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_ABANDONED_PARSES);
/// Abandoned parse threads still running.
static ABANDONED_RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Hashes of texts given up, with the limit (ms) they were given up at; the
/// most recent [`GIVEN_UP_REMEMBERED`].
static GIVEN_UP_TEXTS: Mutex<VecDeque<(u64, u64)>> = Mutex::new(VecDeque::new());
const GIVEN_UP_REMEMBERED: usize = 256;

/// Why a file has no tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unparsed {
    /// tree-sitter did not finish within [`parse_time_limit`] (now, or
    /// earlier for the same text).
    TimedOut,
    /// Not attempted: [`max_abandoned_parses`] abandoned parses are still running.
    Busy,
}

/// How long one file may take to parse before instrlint gives up on it.
pub fn parse_time_limit() -> Duration {
    Duration::from_millis(PARSE_LIMIT_MILLIS.load(Ordering::Relaxed))
}

/// Sets [`parse_time_limit`] for the process (at least one millisecond).
pub fn set_parse_time_limit(limit: Duration) {
    let millis = limit.as_millis().clamp(1, u64::MAX as u128) as u64;
    PARSE_LIMIT_MILLIS.store(millis, Ordering::Relaxed);
}

/// Parse time and count so far: (thread-nanoseconds, trees). Callers diff two
/// snapshots.
pub fn parse_counters() -> (u64, u64) {
    (
        PARSE_NANOS.load(Ordering::Relaxed),
        PARSE_COUNT.load(Ordering::Relaxed),
    )
}

/// Parses given up at the time limit since the process started (a text
/// given up before is refused at once and not counted again).
pub fn parses_given_up() -> u64 {
    PARSE_GIVEN_UP.load(Ordering::Relaxed)
}

/// Parses refused since the process started because
/// [`max_abandoned_parses`] abandoned parses were running.
pub fn parses_refused() -> u64 {
    PARSE_REFUSED.load(Ordering::Relaxed)
}

/// How many abandoned parses may run at once before new parses are refused.
pub fn max_abandoned_parses() -> usize {
    MAX_ABANDONED.load(Ordering::Relaxed)
}

/// Sets [`max_abandoned_parses`] for the process.
pub fn set_max_abandoned_parses(n: usize) {
    MAX_ABANDONED.store(n, Ordering::Relaxed);
}

/// Abandoned parses still running now.
pub fn abandoned_parses_running() -> usize {
    ABANDONED_RUNNING.load(Ordering::SeqCst)
}

/// One parse: a text, and the byte ranges of it to read (all of it when
/// empty), each with its row and column.
struct Job {
    text: Arc<str>,
    ranges: Vec<Range>,
}

struct ParseThread {
    texts: Sender<Job>,
    trees: Receiver<Option<Tree>>,
    /// Set (before the caller lets go of the channels) when the caller stops
    /// waiting; the thread then gives its slot back when it ends.
    abandoned: Arc<AtomicBool>,
}

impl ParseThread {
    fn spawn() -> Option<ParseThread> {
        let (texts, inbox) = mpsc::channel::<Job>();
        let (outbox, trees) = mpsc::sync_channel::<Option<Tree>>(1);
        let abandoned = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&abandoned);
        std::thread::Builder::new()
            .name("instrlint-parse".to_string())
            .stack_size(PARSE_STACK_BYTES)
            .spawn(move || {
                let _slot = Slot(flag);
                serve(inbox, outbox)
            })
            .ok()?;
        Some(ParseThread {
            texts,
            trees,
            abandoned,
        })
    }

    /// Stop waiting for this thread: it counts as abandoned until it ends.
    fn abandon(self) {
        ABANDONED_RUNNING.fetch_add(1, Ordering::SeqCst);
        self.abandoned.store(true, Ordering::SeqCst);
    }
}

/// Gives an abandoned parse thread's slot back when the thread ends (however
/// it ends).
struct Slot(Arc<AtomicBool>);

impl Drop for Slot {
    fn drop(&mut self) {
        if self.0.load(Ordering::SeqCst) {
            ABANDONED_RUNNING.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn serve(inbox: Receiver<Job>, outbox: SyncSender<Option<Tree>>) {
    let mut parser = new_parser();
    for job in inbox {
        let tree = parser.as_mut().and_then(|p| run_job(p, &job));
        if outbox.send(tree).is_err() {
            return;
        }
    }
}

/// Parses `job` with `parser`, leaving it set to read whole texts.
fn run_job(parser: &mut Parser, job: &Job) -> Option<Tree> {
    if job.ranges.is_empty() {
        return parser.parse(job.text.as_bytes(), None);
    }
    parser.set_included_ranges(&job.ranges).ok()?;
    let tree = parser.parse(job.text.as_bytes(), None);
    let _ = parser.set_included_ranges(&[]);
    tree
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_go::LANGUAGE.into()).ok()?;
    Some(parser)
}

thread_local! {
    static PARSE_THREAD: RefCell<Option<ParseThread>> = const { RefCell::new(None) };
}

/// Parses Go source; `None` when it was not parsed ([`parse_go_or_why`]).
pub(crate) fn parse_go(text: &str) -> Option<Tree> {
    parse_go_or_why(text).ok()
}

/// Parses Go source, or says why there is no tree: tree-sitter did not
/// finish within [`parse_time_limit`] (now or before, for the same text), or
/// the parse was refused because too many abandoned parses are running.
pub(crate) fn parse_go_or_why(text: &str) -> Result<Tree, Unparsed> {
    parse_job(Job {
        text: Arc::from(text),
        ranges: Vec::new(),
    })
}

/// Parses only `ranges` of `text` (ordered, not overlapping; positions in the
/// tree are those of the whole text), or says why there is no tree, as
/// [`parse_go_or_why`] does.
pub(crate) fn parse_ranges_or_why(text: &Arc<str>, ranges: Vec<Range>) -> Result<Tree, Unparsed> {
    parse_job(Job {
        text: Arc::clone(text),
        ranges,
    })
}

fn parse_job(job: Job) -> Result<Tree, Unparsed> {
    let started = Instant::now();
    let limit = parse_time_limit();
    let key = job_hash(&job);
    // A text given up before is not counted again: the bounded extraction
    // hands a package back to the ordinary one, which asks for it once more.
    let known = given_up_before(key, limit);
    let tree = if known {
        Err(Unparsed::TimedOut)
    } else if abandoned_parses_running() >= max_abandoned_parses() {
        Err(Unparsed::Busy)
    } else {
        PARSE_THREAD.with(|cell| parse_on_thread(&mut cell.borrow_mut(), job, limit))
    };
    match &tree {
        Ok(_) => {
            PARSE_COUNT.fetch_add(1, Ordering::Relaxed);
        }
        Err(Unparsed::TimedOut) if known => {}
        Err(Unparsed::TimedOut) => {
            PARSE_GIVEN_UP.fetch_add(1, Ordering::Relaxed);
            remember_given_up(key, limit);
        }
        Err(Unparsed::Busy) => {
            PARSE_REFUSED.fetch_add(1, Ordering::Relaxed);
        }
    }
    PARSE_NANOS.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
    tree
}

/// One parse on this thread's parse thread (started if needed), waiting at
/// most `limit`.
fn parse_on_thread(
    slot: &mut Option<ParseThread>,
    job: Job,
    limit: Duration,
) -> Result<Tree, Unparsed> {
    if slot.is_none() {
        *slot = ParseThread::spawn();
    }
    let here = |job: &Job| {
        new_parser()
            .and_then(|mut p| run_job(&mut p, job))
            .ok_or(Unparsed::TimedOut)
    };
    let Some(worker) = slot.as_ref() else {
        // No thread to be had: parse here, without a limit.
        return here(&job);
    };
    if let Err(mpsc::SendError(job)) = worker.texts.send(job) {
        *slot = None;
        return here(&job);
    }
    match worker.trees.recv_timeout(limit) {
        Ok(Some(tree)) => Ok(tree),
        // tree-sitter gave up on its own (never seen).
        Ok(None) => Err(Unparsed::TimedOut),
        Err(RecvTimeoutError::Timeout) => {
            if let Some(worker) = slot.take() {
                worker.abandon();
            }
            Err(Unparsed::TimedOut)
        }
        Err(RecvTimeoutError::Disconnected) => {
            *slot = None;
            Err(Unparsed::TimedOut)
        }
    }
}

/// The key under which a parse given up is remembered: the text read (the
/// ranges' bytes and where they start, not the whole text).
fn job_hash(job: &Job) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    if job.ranges.is_empty() {
        job.text.hash(&mut h);
    } else {
        for r in &job.ranges {
            r.start_byte.hash(&mut h);
            job.text
                .as_bytes()
                .get(r.start_byte..r.end_byte)
                .hash(&mut h);
        }
    }
    h.finish()
}

/// Whether this text was given up at a limit at least as long as `limit`.
fn given_up_before(key: u64, limit: Duration) -> bool {
    let millis = limit.as_millis() as u64;
    let texts = GIVEN_UP_TEXTS.lock().unwrap_or_else(|e| e.into_inner());
    texts.iter().any(|&(k, at)| k == key && at >= millis)
}

fn remember_given_up(key: u64, limit: Duration) {
    let millis = limit.as_millis() as u64;
    let mut texts = GIVEN_UP_TEXTS.lock().unwrap_or_else(|e| e.into_inner());
    texts.retain(|&(k, _)| k != key);
    if texts.len() == GIVEN_UP_REMEMBERED {
        texts.pop_front();
    }
    texts.push_back((key, millis));
}

/// Parse only (the `instrlint debug parse` floor): whether the file parsed
/// without a syntax error; `None` if tree-sitter gave up. The tree is dropped.
pub fn parse_only(text: &str) -> Option<bool> {
    parse_go(text).map(|t| !t.root_node().has_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_on_a_parse_thread_and_reuses_it() {
        let a = parse_go("package p\nfunc f() {}\n").expect("parses");
        assert_eq!(a.root_node().kind(), "source_file");
        assert!(!a.root_node().has_error());
        let b = parse_go("package p\nfunc (\n").expect("parses with errors");
        assert!(b.root_node().has_error());
    }
}
