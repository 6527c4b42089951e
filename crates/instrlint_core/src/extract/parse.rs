//! One tree-sitter-go parser per thread.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tree_sitter::{Parser, Tree};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Process-wide parse counters (for `instrlint check --stats`): nanoseconds
/// spent inside tree-sitter, summed over threads, and trees produced.
static PARSE_NANOS: AtomicU64 = AtomicU64::new(0);
static PARSE_COUNT: AtomicU64 = AtomicU64::new(0);

/// Parse time and count so far: (thread-nanoseconds, trees). Callers diff two
/// snapshots.
pub fn parse_counters() -> (u64, u64) {
    (
        PARSE_NANOS.load(Ordering::Relaxed),
        PARSE_COUNT.load(Ordering::Relaxed),
    )
}

/// Parses Go source; `None` only if tree-sitter gives up (it never should
/// without a timeout or cancellation flag).
pub(crate) fn parse_go(text: &str) -> Option<Tree> {
    let started = Instant::now();
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&tree_sitter_go::LANGUAGE.into()).ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(text, None)
    });
    PARSE_NANOS.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
    PARSE_COUNT.fetch_add(1, Ordering::Relaxed);
    tree
}

/// Parse only (the `instrlint debug parse` floor): whether the file parsed
/// without a syntax error; `None` if tree-sitter gave up. The tree is dropped.
pub fn parse_only(text: &str) -> Option<bool> {
    parse_go(text).map(|t| !t.root_node().has_error())
}
