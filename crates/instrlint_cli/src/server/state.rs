//! What the reader loop and the lint worker share: the open documents, each
//! package directory's generation, the last results, the pull requests
//! waiting for a run. Both hold the lock only to read or update it, never
//! while linting or writing to the client.

use super::convert::{self, Encoding};
use lsp_server::{Message, Notification, RequestId};
use lsp_types::{PublishDiagnosticsParams, Uri};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// An open Go document.
pub struct Doc {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
}

/// Per package directory: `generation` counts what changed there (an
/// edit, an open, a close, a save, a file or config change on disk);
/// `linted` is the generation the published results are for.
#[derive(Default)]
pub struct DirState {
    pub generation: u64,
    pub linted: Option<u64>,
}

/// The last results of an open document.
#[derive(Default)]
pub struct Results {
    pub diagnostics: Vec<lsp_types::Diagnostic>,
    /// The document version they were last published for (push mode).
    pub published_version: Option<i32>,
}

#[derive(Default)]
pub struct State {
    /// Open Go documents by absolute path.
    pub docs: BTreeMap<PathBuf, Doc>,
    pub dirs: HashMap<PathBuf, DirState>,
    pub results: HashMap<PathBuf, Results>,
    /// `textDocument/diagnostic` requests waiting for their package's run.
    pub pulls: Vec<(RequestId, PathBuf)>,
    /// The directory being linted, and the flag that cancels that run.
    pub running: Option<(PathBuf, Arc<AtomicBool>)>,
    /// Configuration files with an error published, and its message (shown
    /// once with `window/showMessage` until it changes).
    pub bad_configs: BTreeMap<PathBuf, String>,
    /// Whether the "parses refused" warning was shown.
    pub refusal_shown: bool,
}

impl State {
    /// Something changed in `dir`: a new generation; a run of `dir` under way
    /// is cancelled (its result would be stale).
    pub fn touch(&mut self, dir: &Path) {
        self.dirs.entry(dir.to_path_buf()).or_default().generation += 1;
        if let Some((running, cancel)) = &self.running {
            if running == dir {
                cancel.store(true, Ordering::Relaxed);
            }
        }
    }

    pub fn generation(&self, dir: &Path) -> u64 {
        self.dirs.get(dir).map_or(0, |d| d.generation)
    }

    /// Whether the results of `dir` are those of its current texts.
    pub fn is_current(&self, dir: &Path) -> bool {
        self.dirs
            .get(dir)
            .is_some_and(|d| d.linted == Some(d.generation))
    }

    /// Directories with an open document.
    pub fn open_dirs(&self) -> BTreeSet<PathBuf> {
        self.docs.keys().map(|p| dir_of(p)).collect()
    }

    /// The open documents of `dir`.
    pub fn docs_in<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = (&'a PathBuf, &'a Doc)> {
        self.docs
            .iter()
            .filter(move |(p, _)| p.parent() == Some(dir))
    }
}

/// The package directory of a file.
pub fn dir_of(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

pub fn publish(uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) -> Message {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    Notification::new("textDocument/publishDiagnostics".to_string(), params).into()
}

pub fn show_message(kind: lsp_types::MessageType, message: String) -> Message {
    let params = lsp_types::ShowMessageParams { typ: kind, message };
    Notification::new("window/showMessage".to_string(), params).into()
}

/// The URI to publish a configuration file's diagnostics to.
pub fn config_uri(path: &Path) -> Uri {
    convert::uri_of(path)
}

/// Settings fixed at `initialize`.
#[derive(Clone, Debug)]
pub struct Session {
    pub encoding: Encoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`) instead of
    /// being sent them.
    pub pull: bool,
    /// The client can be asked to pull again (`workspace/diagnostic/refresh`).
    pub refresh: bool,
    /// The client can be asked to watch files (`workspace/didChangeWatchedFiles`).
    pub watch: bool,
    pub report_unused_ignores: bool,
    pub parse_time_limit: std::time::Duration,
    pub jobs: Option<usize>,
}
