//! `--diff-base`'s changed lines while git still reads them: git lists and
//! diffs the whole working tree, and so does the walk, so the two run side by
//! side and the lines are waited for only when a decision needs them.

use super::ReportLines;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

type Read = Result<ReportLines, String>;

/// The changed lines, known or being read on another thread.
#[derive(Clone, Debug)]
pub struct DiffLines(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    read: OnceLock<Read>,
    reading: Mutex<Option<JoinHandle<Read>>>,
}

impl DiffLines {
    /// Lines already known.
    pub fn ready(lines: ReportLines) -> Self {
        let read = OnceLock::new();
        let _ = read.set(Ok(lines));
        DiffLines(Arc::new(Inner {
            read,
            reading: Mutex::new(None),
        }))
    }

    /// Lines `read` on a thread of their own.
    pub fn spawn(read: impl FnOnce() -> Read + Send + 'static) -> Self {
        let once = OnceLock::new();
        let thread = std::thread::Builder::new()
            .name("instrlint-git".to_string())
            .spawn(read);
        let reading = match thread {
            Ok(handle) => Some(handle),
            Err(e) => {
                let _ = once.set(Err(format!("cannot start a thread to run git: {e}")));
                None
            }
        };
        DiffLines(Arc::new(Inner {
            read: once,
            reading: Mutex::new(reading),
        }))
    }

    /// The lines, waiting for git if it is still reading them; the reason
    /// when it could not.
    pub fn get(&self) -> Result<&ReportLines, &str> {
        let read = self.0.read.get_or_init(|| {
            let handle = self
                .0
                .reading
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            match handle {
                Some(h) => h
                    .join()
                    .unwrap_or_else(|_| Err("git could not be run".to_string())),
                None => Err("git could not be run".to_string()),
            }
        });
        read.as_ref().map_err(|e| e.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_on_another_thread_are_waited_for_once() {
        let lines = DiffLines::spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            Ok(ReportLines::default())
        });
        let copy = lines.clone();
        assert_eq!(copy.get(), Ok(&ReportLines::default()));
        assert_eq!(lines.get(), Ok(&ReportLines::default()));
        let failed = DiffLines::spawn(|| Err("--diff-base: unknown revision `nope`".to_string()));
        assert_eq!(failed.get(), Err("--diff-base: unknown revision `nope`"));
        assert!(DiffLines::ready(ReportLines::default()).get().is_ok());
    }
}
