//! The time limit of fact extraction, per file: the same limit as parsing
//! ([`super::parse_time_limit`]), so that no single file can hold a run for
//! minutes whatever shape of code makes some pass slow on it.
//!
//! Extraction is cooperative: every pass walks a file through
//! [`super::walker::visit`], which [`enter`]s the file; the loops that can
//! run long call [`over`], which says when the current file has used up its
//! time (summed over every pass and every round of one package's
//! extraction). From then on the file's walks stop early and later walks of
//! it are skipped; the caller ([`super::extract_package_walking`]) drops the
//! file's facts by extracting again without it, and reports it as not linted.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// A file, by the address of its text (stable while its package is extracted).
pub(crate) type FileKey = usize;

pub(crate) fn key(text: &str) -> FileKey {
    text.as_ptr() as usize
}

struct Frame {
    file: FileKey,
    started: Instant,
    deadline: Instant,
    expired: bool,
}

thread_local! {
    static FRAMES: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
    static SPENT: RefCell<HashMap<FileKey, Duration>> = RefCell::new(HashMap::new());
    static GIVEN_UP: RefCell<HashSet<FileKey>> = RefCell::new(HashSet::new());
    static NEWLY_GIVEN_UP: RefCell<Vec<FileKey>> = const { RefCell::new(Vec::new()) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
    /// A limit for this thread only (tests).
    static LIMIT: Cell<Option<Duration>> = const { Cell::new(None) };
}

fn limit() -> Duration {
    LIMIT
        .with(Cell::get)
        .unwrap_or_else(super::parse_time_limit)
}

/// Sets this thread's extraction limit (`None`: the parse time limit).
#[cfg(test)]
pub(crate) fn set_thread_limit(limit: Option<Duration>) {
    LIMIT.with(|l| l.set(limit));
}

/// Starts the extraction of a package: no time spent, nothing given up.
pub(crate) fn begin_package() {
    SPENT.with(|s| s.borrow_mut().clear());
    GIVEN_UP.with(|g| g.borrow_mut().clear());
    NEWLY_GIVEN_UP.with(|g| g.borrow_mut().clear());
}

/// The files given up since the last call.
pub(crate) fn take_given_up() -> Vec<FileKey> {
    NEWLY_GIVEN_UP.with(|g| std::mem::take(&mut *g.borrow_mut()))
}

/// While alive, time is counted against one file.
pub(crate) struct Entered(());

impl Drop for Entered {
    fn drop(&mut self) {
        if let Some(frame) = FRAMES.with(|f| f.borrow_mut().pop()) {
            let spent = frame.started.elapsed();
            SPENT.with(|s| *s.borrow_mut().entry(frame.file).or_default() += spent);
        }
    }
}

/// Counts time against `file` until the result is dropped; `None` when the
/// file was given up already (skip it).
pub(crate) fn enter(file: FileKey) -> Option<Entered> {
    if GIVEN_UP.with(|g| g.borrow().contains(&file)) {
        return None;
    }
    let spent = SPENT.with(|s| s.borrow().get(&file).copied().unwrap_or_default());
    let started = Instant::now();
    let left = limit().saturating_sub(spent);
    FRAMES.with(|f| {
        f.borrow_mut().push(Frame {
            file,
            started,
            deadline: started.checked_add(left).unwrap_or(started),
            expired: false,
        })
    });
    Some(Entered(()))
}

/// Whether the file being walked has used up its time (then it is given up).
/// Cheap: the clock is read every 64 calls.
#[inline]
pub(crate) fn over() -> bool {
    FRAMES.with(|f| {
        let mut frames = f.borrow_mut();
        let Some(top) = frames.last_mut() else {
            return false;
        };
        if top.expired {
            return true;
        }
        let ticks = TICKS.with(|t| {
            let n = t.get().wrapping_add(1);
            t.set(n);
            n
        });
        if ticks & 63 != 0 || Instant::now() < top.deadline {
            return false;
        }
        top.expired = true;
        let file = top.file;
        if GIVEN_UP.with(|g| g.borrow_mut().insert(file)) {
            NEWLY_GIVEN_UP.with(|g| g.borrow_mut().push(file));
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_past_its_time_is_given_up_once_and_skipped() {
        begin_package();
        set_thread_limit(Some(Duration::ZERO));
        let (a, b) = ("a", "b");
        {
            let _in = enter(key(a)).expect("not given up yet");
            assert!((0..64).any(|_| over()), "the clock is read every 64 calls");
            assert!(over(), "stays over");
        }
        assert!(enter(key(a)).is_none());
        assert_eq!(take_given_up(), [key(a)]);
        assert!(take_given_up().is_empty());
        set_thread_limit(Some(Duration::from_secs(3600)));
        {
            let _in = enter(key(b)).expect("another file");
            assert!(!(0..200).any(|_| over()));
        }
        assert!(!over(), "outside any file");
        set_thread_limit(None);
        begin_package();
        assert!(enter(key(a)).is_some(), "a new package starts afresh");
    }
}
