//! The lint worker: one thread that lints package directories when they
//! are due (at once after an open or a save, after a pause in typing after
//! an edit), one at a time, through the same pipeline as `instrlint check`,
//! and publishes what changed. A run whose texts changed while it ran is
//! cancelled and its outcome dropped: the change queued a newer run.

use super::convert;
use super::state::{config_uri, publish, show_message, Session, State};
use super::{Outbox, Outgoing};
use crate::pipeline::{lint_on, thread_pool, Buffer, LintError, LintOptions, LintOutcome};
use instrlint_core::config::{self, ConfigError};
use instrlint_core::extract;
use lsp_server::{Message, Request, RequestId, Response};
use lsp_types::MessageType;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long typing must pause before an edited package is linted.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

pub enum Work {
    /// Lint `dir` after `delay` (a later request for the same directory
    /// replaces the time: each keystroke restarts the pause).
    Lint {
        dir: PathBuf,
        delay: Duration,
    },
    Stop,
}

pub fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn run(inbox: Receiver<Work>, state: Arc<Mutex<State>>, session: Session, outbox: Outbox) {
    // One pool for every run (with its threads' parse threads).
    let pool = match thread_pool(session.jobs) {
        Ok(pool) => pool,
        Err(e) => {
            let message = show_message(MessageType::ERROR, format!("instrlint: {e}"));
            let _ = outbox.send(Outgoing::Message(message));
            return;
        }
    };
    let mut due: BTreeMap<PathBuf, Instant> = BTreeMap::new();
    let mut refreshes = 0u64;
    loop {
        let next = due.values().min().copied();
        let received = match next {
            None => inbox.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(at) => inbox.recv_timeout(at.saturating_duration_since(Instant::now())),
        };
        // Take everything queued before running anything: an open followed
        // at once by an edit is one run, after the pause.
        let mut received = received.map(Some);
        loop {
            match received {
                Ok(Some(Work::Lint { dir, delay })) => {
                    due.insert(dir, Instant::now() + delay);
                }
                Ok(Some(Work::Stop)) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(None) | Err(RecvTimeoutError::Timeout) => break,
            }
            received = match inbox.try_recv() {
                Ok(work) => Ok(Some(work)),
                Err(TryRecvError::Empty) => Ok(None),
                Err(TryRecvError::Disconnected) => Err(RecvTimeoutError::Disconnected),
            };
        }
        let now = Instant::now();
        let ready: Vec<PathBuf> = due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(dir, _)| dir.clone())
            .collect();
        for dir in ready {
            due.remove(&dir);
            let messages = lint_dir(&pool, &dir, &state, &session, &mut refreshes);
            for m in messages {
                if outbox.send(Outgoing::Message(m)).is_err() {
                    return;
                }
            }
        }
    }
}

/// Lint the open documents of `dir` with the rest of their package from
/// disk; the messages to send.
fn lint_dir(
    pool: &rayon::ThreadPool,
    dir: &Path,
    state: &Mutex<State>,
    session: &Session,
    refreshes: &mut u64,
) -> Vec<Message> {
    let cancel = Arc::new(AtomicBool::new(false));
    let (buffers, generation) = {
        let mut st = lock(state);
        let buffers: Vec<Buffer> = st
            .docs_in(dir)
            .map(|(path, doc)| Buffer {
                path: path.clone(),
                text: doc.text.clone(),
                lossy: false,
            })
            .collect();
        if buffers.is_empty() {
            return Vec::new();
        }
        st.running = Some((dir.to_path_buf(), Arc::clone(&cancel)));
        (buffers, st.generation(dir))
    };
    let first = buffers[0].path.clone();
    let refused_before = extract::parses_refused();
    let opts = LintOptions {
        buffers,
        report_unused_ignores: session.report_unused_ignores,
        parse_time_limit: session.parse_time_limit,
        cancel: Some(cancel),
        ..LintOptions::default()
    };
    let result = lint_on(pool, &opts);

    let mut out = Vec::new();
    let mut st = lock(state);
    st.running = None;
    if st.generation(dir) != generation {
        return out; // stale: the change that made it so queued a new run
    }
    match result {
        Ok(outcome) => apply_outcome(&mut st, dir, &outcome, session, refreshes, &mut out),
        Err(LintError::Cancelled) => return out,
        Err(LintError::Config(e)) => apply_config_error(&mut st, dir, &e, session, &mut out),
        Err(LintError::UnknownSelector(selectors)) => {
            let path = config::find(&first).unwrap_or_else(|| dir.join(config::CONFIG_FILE_NAME));
            let e = ConfigError {
                source_text: std::fs::read_to_string(&path).unwrap_or_default(),
                path,
                span: None,
                message: selectors.join("; "),
                help: Some(
                    "select rules by code (`M105`) or group letter (`M`); \
                     `instrlint rules` lists the codes"
                        .to_string(),
                ),
            };
            apply_config_error(&mut st, dir, &e, session, &mut out);
        }
        // The server never sets `report_lines`.
        Err(e @ (LintError::ThreadPool(_) | LintError::DiffBase(_))) => {
            out.push(show_message(MessageType::ERROR, format!("instrlint: {e}")));
        }
    }
    if let Some(d) = st.dirs.get_mut(dir) {
        d.linted = Some(generation);
    }
    if extract::parses_refused() > refused_before && !st.refusal_shown {
        st.refusal_shown = true;
        out.push(show_message(
            MessageType::WARNING,
            format!(
                "instrlint: tree-sitter is still busy with {} files it could not parse in time; \
                 further files are not linted (I002) until one finishes. Restart the server to \
                 end them.",
                extract::max_abandoned_parses()
            ),
        ));
    }
    answer_pulls(&mut st, dir, &mut out);
    out
}

/// Record and publish the findings of a run of `dir`: every open document
/// of the package whose findings or version changed (push), or remember
/// them for the client's next pull and ask it to pull again when documents
/// it is not waiting for changed (pull).
fn apply_outcome(
    st: &mut State,
    dir: &Path,
    outcome: &LintOutcome,
    session: &Session,
    refreshes: &mut u64,
    out: &mut Vec<Message>,
) {
    let mut per_file: HashMap<&Path, Vec<lsp_types::Diagnostic>> = HashMap::new();
    for d in &outcome.diagnostics {
        let file = &outcome.files[d.primary.file.0 as usize];
        per_file
            .entry(file.abs_path.as_path())
            .or_default()
            .push(convert::diagnostic(d, &outcome.files, session.encoding));
    }
    let docs: Vec<(PathBuf, lsp_types::Uri, i32)> = st
        .docs_in(dir)
        .map(|(p, d)| (p.clone(), d.uri.clone(), d.version))
        .collect();
    let mut refresh = false;
    for (path, uri, version) in docs {
        let new = per_file.remove(path.as_path()).unwrap_or_default();
        let waiting = st.pulls.iter().any(|(_, p)| *p == path);
        let results = st.results.entry(path).or_default();
        let changed = results.diagnostics != new;
        if session.pull {
            refresh |= changed && !waiting;
            results.diagnostics = new;
        } else if changed || results.published_version != Some(version) {
            results.diagnostics = new.clone();
            results.published_version = Some(version);
            out.push(publish(uri, new, Some(version)));
        }
    }
    if let Some(path) = &outcome.config.path {
        if st.bad_configs.remove(path).is_some() {
            out.push(publish(config_uri(path), Vec::new(), None));
        }
    }
    if refresh && session.refresh {
        *refreshes += 1;
        let id = RequestId::from(format!("instrlint-refresh-{refreshes}"));
        out.push(Request::new(id, "workspace/diagnostic/refresh".to_string(), ()).into());
    }
}

/// A configuration that cannot be used: a diagnostic on the file, a message
/// (once per distinct error), and no findings for the package's documents
/// (they would be those of a configuration the user did not write).
fn apply_config_error(
    st: &mut State,
    dir: &Path,
    e: &ConfigError,
    session: &Session,
    out: &mut Vec<Message>,
) {
    let diagnostic = convert::config_diagnostic(e, session.encoding);
    let shown = st.bad_configs.get(&e.path);
    if shown != Some(&e.message) {
        out.push(publish(config_uri(&e.path), vec![diagnostic], None));
        out.push(show_message(
            MessageType::ERROR,
            format!(
                "instrlint: {}: invalid configuration: {}; the packages it configures are not \
                 linted until it is fixed",
                e.path.display(),
                e.message
            ),
        ));
        st.bad_configs.insert(e.path.clone(), e.message.clone());
    }
    let docs: Vec<(PathBuf, lsp_types::Uri, i32)> = st
        .docs_in(dir)
        .map(|(p, d)| (p.clone(), d.uri.clone(), d.version))
        .collect();
    for (path, uri, version) in docs {
        let results = st.results.entry(path).or_default();
        let stale = !results.diagnostics.is_empty() || results.published_version.is_none();
        results.diagnostics.clear();
        if !session.pull && stale {
            results.published_version = Some(version);
            out.push(publish(uri, Vec::new(), Some(version)));
        }
    }
}

/// Answer the pull requests waiting for `dir`'s run.
fn answer_pulls(st: &mut State, dir: &Path, out: &mut Vec<Message>) {
    let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut st.pulls)
        .into_iter()
        .partition(|(_, path)| path.parent() == Some(dir));
    st.pulls = waiting;
    for (id, path) in ready {
        let items = st
            .results
            .get(&path)
            .map(|r| r.diagnostics.clone())
            .unwrap_or_default();
        out.push(Response::new_ok(id, full_report(items)).into());
    }
}

/// A `textDocument/diagnostic` result: the full list.
pub fn full_report(items: Vec<lsp_types::Diagnostic>) -> serde_json::Value {
    serde_json::json!({ "kind": "full", "items": items })
}
