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

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::time::{Duration, Instant};
use tree_sitter::{Parser, Tree};

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

/// Parses abandoned at the time limit since the process started.
pub fn parses_given_up() -> u64 {
    PARSE_GIVEN_UP.load(Ordering::Relaxed)
}

struct ParseThread {
    texts: Sender<String>,
    trees: Receiver<Option<Tree>>,
}

impl ParseThread {
    fn spawn() -> Option<ParseThread> {
        let (texts, inbox) = mpsc::channel::<String>();
        let (outbox, trees) = mpsc::sync_channel::<Option<Tree>>(1);
        std::thread::Builder::new()
            .name("instrlint-parse".to_string())
            .stack_size(PARSE_STACK_BYTES)
            .spawn(move || serve(inbox, outbox))
            .ok()?;
        Some(ParseThread { texts, trees })
    }
}

fn serve(inbox: Receiver<String>, outbox: SyncSender<Option<Tree>>) {
    let mut parser = new_parser();
    for text in inbox {
        let tree = parser.as_mut().and_then(|p| p.parse(&text, None));
        if outbox.send(tree).is_err() {
            return;
        }
    }
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_go::LANGUAGE.into()).ok()?;
    Some(parser)
}

thread_local! {
    static PARSE_THREAD: RefCell<Option<ParseThread>> = const { RefCell::new(None) };
}

/// Parses Go source; `None` when tree-sitter did not finish within
/// [`parse_time_limit`] (or, never seen, gave up on its own).
pub(crate) fn parse_go(text: &str) -> Option<Tree> {
    let started = Instant::now();
    let tree = PARSE_THREAD.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = ParseThread::spawn();
        }
        let Some(worker) = slot.as_ref() else {
            // No thread to be had: parse here, without a limit.
            return new_parser()?.parse(text, None);
        };
        if worker.texts.send(text.to_owned()).is_err() {
            *slot = None;
            return new_parser()?.parse(text, None);
        }
        match worker.trees.recv_timeout(parse_time_limit()) {
            Ok(tree) => tree,
            Err(RecvTimeoutError::Timeout) => {
                PARSE_GIVEN_UP.fetch_add(1, Ordering::Relaxed);
                *slot = None;
                None
            }
            Err(RecvTimeoutError::Disconnected) => {
                *slot = None;
                None
            }
        }
    });
    PARSE_NANOS.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
    if tree.is_some() {
        PARSE_COUNT.fetch_add(1, Ordering::Relaxed);
    }
    tree
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
