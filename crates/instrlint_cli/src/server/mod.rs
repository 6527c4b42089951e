//! `instrlint server`: the Language Server Protocol over standard input and
//! output, on rust-analyzer's `lsp-server` (a synchronous transport: a
//! reader and a writer thread and channels, which suits a pipeline that is
//! plain threads and rayon; no async runtime).
//!
//! Threads: lsp-server's reader and writer; this module's loop, which only
//! updates the shared state and answers at once (it never lints, so the
//! reader is never kept waiting); the lint worker (`worker.rs`); and a
//! forwarder that hands outgoing messages to the writer from an unbounded
//! queue, so that neither the loop nor the worker ever waits on a client
//! that is not reading.
//!
//! A document is linted as `instrlint check` lints the files named on its
//! command line: the open documents of its directory (their unsaved texts)
//! with the rest of the package read from disk, `instrlint.toml` found from
//! the directory upwards, the same rules, levels and suppressions.

mod actions;
mod convert;
mod state;
mod worker;

use crate::args::ServerArgs;
use convert::Encoding;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::{
    notification, request::Request as _, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentDiagnosticParams, PositionEncodingKind, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind,
};
use serde_json::Value;
use state::{dir_of, publish, Doc, Session, State};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use worker::{lock, Work, DEBOUNCE};

/// What the forwarder hands to the writer; `Close` ends it.
pub enum Outgoing {
    Message(Message),
    Close,
}

pub type Outbox = mpsc::Sender<Outgoing>;

/// Serve one client on standard input and output; the process exit code
/// (0 after `shutdown` then `exit`, 1 for an `exit` without `shutdown`, a
/// closed input or a protocol error).
pub fn run(args: &ServerArgs) -> i32 {
    let (connection, io_threads) = Connection::stdio();
    let (code, clean) = match serve(&connection, args) {
        Ok(code) => (code, true),
        Err(e) => {
            eprintln!("instrlint server: {e}");
            (1, false)
        }
    };
    drop(connection);
    // After `exit` or the end of the input the reader has stopped, and the
    // writer stops once everything queued is written.
    if clean {
        let _ = io_threads.join();
    }
    code
}

fn serve(connection: &Connection, args: &ServerArgs) -> Result<i32, String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("initialize: {e}"))?;
    let session = session(&params, args);
    let result = serde_json::json!({
        "capabilities": capabilities(&session),
        "serverInfo": { "name": "instrlint", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .sender
        .send(Response::new_ok(id, result).into())
        .map_err(|e| e.to_string())?;
    if !wait_initialized(connection)? {
        return Ok(1);
    }

    let (outbox, queued) = mpsc::channel::<Outgoing>();
    let writer = connection.sender.clone();
    let forwarder = std::thread::Builder::new()
        .name("instrlint-lsp-out".to_string())
        .spawn(move || {
            for m in queued {
                match m {
                    Outgoing::Message(m) => {
                        if writer.send(m).is_err() {
                            return;
                        }
                    }
                    Outgoing::Close => return,
                }
            }
        })
        .map_err(|e| e.to_string())?;
    let state = Arc::new(Mutex::new(State::default()));
    let (work, inbox) = mpsc::channel::<Work>();
    {
        let state = Arc::clone(&state);
        let session = session.clone();
        let outbox = outbox.clone();
        std::thread::Builder::new()
            .name("instrlint-lint".to_string())
            .spawn(move || worker::run(inbox, state, session, outbox))
            .map_err(|e| e.to_string())?;
    }
    if session.watch {
        let _ = outbox.send(Outgoing::Message(register_watchers()));
    }

    let mut server = Server {
        state,
        session,
        outbox,
        work,
        shutdown: false,
    };
    let code = loop {
        let Ok(message) = connection.receiver.recv() else {
            // The input ended without `exit`.
            break if server.shutdown { 0 } else { 1 };
        };
        match message {
            Message::Request(r) => server.request(r),
            Message::Response(_) => {}
            Message::Notification(n) if n.method == notification::Exit::METHOD => {
                break if server.shutdown { 0 } else { 1 };
            }
            Message::Notification(n) => server.notification(n),
        }
    };
    let _ = server.work.send(Work::Stop);
    let _ = server.outbox.send(Outgoing::Close);
    let _ = forwarder.join();
    Ok(code)
}

/// Waits for `initialized`; false when the client sent `exit` instead.
fn wait_initialized(connection: &Connection) -> Result<bool, String> {
    loop {
        match connection.receiver.recv() {
            Ok(Message::Notification(n)) if n.method == notification::Initialized::METHOD => {
                return Ok(true)
            }
            Ok(Message::Notification(n)) if n.method == notification::Exit::METHOD => {
                return Ok(false)
            }
            Ok(Message::Request(r)) => {
                let response = Response::new_err(
                    r.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "waiting for the `initialized` notification".to_string(),
                );
                connection
                    .sender
                    .send(response.into())
                    .map_err(|e| e.to_string())?;
            }
            Ok(_) => {}
            Err(_) => return Err("the input ended before `initialized`".to_string()),
        }
    }
}

/// The client's capabilities are read where the protocol puts them, from
/// the JSON itself: a field lsp-types cannot parse must not stop the server
/// (and lsp-types reads `workspace.diagnostic` where the protocol says
/// `workspace.diagnostics`).
fn capability(params: &Value, pointer: &str) -> Option<Value> {
    params.pointer(&format!("/capabilities{pointer}")).cloned()
}

fn session(params: &Value, args: &ServerArgs) -> Session {
    let yes = |pointer: &str| capability(params, pointer) == Some(Value::Bool(true));
    Session {
        // UTF-8 positions when the client offers them (no conversion on
        // either side), else UTF-16, which every client supports.
        encoding: match capability(params, "/general/positionEncodings") {
            Some(Value::Array(kinds)) if kinds.contains(&Value::from("utf-8")) => Encoding::Utf8,
            _ => Encoding::Utf16,
        },
        pull: capability(params, "/textDocument/diagnostic").is_some_and(|v| v.is_object()),
        refresh: yes("/workspace/diagnostics/refreshSupport")
            || yes("/workspace/diagnostic/refreshSupport"),
        watch: yes("/workspace/didChangeWatchedFiles/dynamicRegistration"),
        report_unused_ignores: args.report_unused_ignores,
        parse_time_limit: Duration::from_secs(args.parse_timeout),
        jobs: args.jobs.map(|n| n as usize),
    }
}

fn capabilities(session: &Session) -> ServerCapabilities {
    let sync = lsp_types::TextDocumentSyncOptions {
        open_close: Some(true),
        change: Some(TextDocumentSyncKind::INCREMENTAL),
        save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
        ..Default::default()
    };
    ServerCapabilities {
        position_encoding: Some(match session.encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(
            lsp_types::CodeActionOptions {
                code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        diagnostic_provider: session.pull.then(|| {
            lsp_types::DiagnosticServerCapabilities::Options(lsp_types::DiagnosticOptions {
                identifier: Some("instrlint".to_string()),
                // An edit in one file changes the findings of others.
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                ..Default::default()
            })
        }),
        ..Default::default()
    }
}

/// Ask to be told when `instrlint.toml` or a Go file changes on disk.
fn register_watchers() -> Message {
    let options = serde_json::json!({
        "watchers": [
            { "globPattern": "**/instrlint.toml" },
            { "globPattern": "**/*.go" },
        ]
    });
    let params = serde_json::json!({
        "registrations": [{
            "id": "instrlint-watched-files",
            "method": notification::DidChangeWatchedFiles::METHOD,
            "registerOptions": options,
        }]
    });
    Request::new(
        RequestId::from("instrlint-register-watchers".to_string()),
        lsp_types::request::RegisterCapability::METHOD.to_string(),
        params,
    )
    .into()
}

struct Server {
    state: Arc<Mutex<State>>,
    session: Session,
    outbox: Outbox,
    work: mpsc::Sender<Work>,
    shutdown: bool,
}

impl Server {
    fn send(&self, m: impl Into<Message>) {
        let _ = self.outbox.send(Outgoing::Message(m.into()));
    }

    fn lint(&self, dir: PathBuf, delay: Duration) {
        let _ = self.work.send(Work::Lint { dir, delay });
    }

    fn request(&mut self, r: Request) {
        if self.shutdown {
            let e = "the server is shutting down".to_string();
            self.send(Response::new_err(r.id, ErrorCode::InvalidRequest as i32, e));
            return;
        }
        match r.method.as_str() {
            lsp_types::request::Shutdown::METHOD => {
                self.shutdown = true;
                self.send(Response::new_ok(r.id, ()));
            }
            lsp_types::request::DocumentDiagnosticRequest::METHOD => self.pull(r),
            lsp_types::request::CodeActionRequest::METHOD => {
                let response = match serde_json::from_value(r.params) {
                    Ok(params) => {
                        let st = lock(&self.state);
                        Response::new_ok(
                            r.id,
                            actions::code_actions(&st, &params, self.session.encoding),
                        )
                    }
                    Err(e) => invalid_params(r.id, e),
                };
                self.send(response);
            }
            _ => {
                let e = format!("instrlint does not handle {}", r.method);
                self.send(Response::new_err(r.id, ErrorCode::MethodNotFound as i32, e));
            }
        }
    }

    /// `textDocument/diagnostic`: answered now when the package's results
    /// are those of its current texts, else when its run ends.
    fn pull(&mut self, r: Request) {
        let params: DocumentDiagnosticParams = match serde_json::from_value(r.params) {
            Ok(p) => p,
            Err(e) => return self.send(invalid_params(r.id, e)),
        };
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return self.send(Response::new_ok(r.id, worker::full_report(Vec::new())));
        };
        let mut st = lock(&self.state);
        let dir = dir_of(&path);
        if st.docs.contains_key(&path) && !st.is_current(&dir) {
            st.pulls.push((r.id, path));
            return;
        }
        let items = st
            .results
            .get(&path)
            .map(|r| r.diagnostics.clone())
            .unwrap_or_default();
        drop(st);
        self.send(Response::new_ok(r.id, worker::full_report(items)));
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    self.open(p);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    self.change(p);
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    self.saved(&p.text_document.uri);
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    self.close(p);
                }
            }
            notification::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) {
                    self.watched(p);
                }
            }
            notification::Cancel::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::CancelParams>(n.params) {
                    self.cancel(p.id);
                }
            }
            _ => {}
        }
    }

    fn open(&mut self, p: DidOpenTextDocumentParams) {
        let doc = p.text_document;
        let Some(path) = convert::path_of(&doc.uri) else {
            return;
        };
        if !is_go(&path, &doc.language_id) {
            return;
        }
        let dir = dir_of(&path);
        let mut st = lock(&self.state);
        st.docs.insert(
            path,
            Doc {
                uri: doc.uri,
                version: doc.version,
                text: doc.text,
            },
        );
        st.touch(&dir);
        drop(st);
        self.lint(dir, Duration::ZERO);
    }

    fn change(&mut self, p: DidChangeTextDocumentParams) {
        let Some(path) = convert::path_of(&p.text_document.uri) else {
            return;
        };
        let dir = dir_of(&path);
        let mut st = lock(&self.state);
        let Some(doc) = st.docs.get_mut(&path) else {
            return;
        };
        for change in p.content_changes {
            apply_change(&mut doc.text, change, self.session.encoding);
        }
        doc.version = p.text_document.version;
        st.touch(&dir);
        drop(st);
        self.lint(dir, DEBOUNCE);
    }

    fn saved(&mut self, uri: &lsp_types::Uri) {
        let Some(path) = convert::path_of(uri) else {
            return;
        };
        let dir = dir_of(&path);
        let mut st = lock(&self.state);
        if !st.docs.contains_key(&path) {
            return;
        }
        st.touch(&dir);
        drop(st);
        self.lint(dir, Duration::ZERO);
    }

    fn close(&mut self, p: DidCloseTextDocumentParams) {
        let Some(path) = convert::path_of(&p.text_document.uri) else {
            return;
        };
        let dir = dir_of(&path);
        let mut st = lock(&self.state);
        if st.docs.remove(&path).is_none() {
            return;
        }
        st.results.remove(&path);
        st.touch(&dir);
        let others = st.docs_in(&dir).next().is_some();
        drop(st);
        if !self.session.pull {
            self.send(publish(p.text_document.uri, Vec::new(), None));
        }
        // The others now see the file's text on disk, not the closed buffer's.
        if others {
            self.lint(dir, Duration::ZERO);
        }
    }

    /// A configuration or Go file changed on disk: lint again the open
    /// packages it may concern (every open package for `instrlint.toml`).
    fn watched(&mut self, p: DidChangeWatchedFilesParams) {
        let mut st = lock(&self.state);
        let mut dirs = std::collections::BTreeSet::new();
        for change in p.changes {
            let Some(path) = convert::path_of(&change.uri) else {
                continue;
            };
            let is_config = path.file_name().is_some_and(|n| n == "instrlint.toml");
            if is_config {
                if change.typ == lsp_types::FileChangeType::DELETED
                    && st.bad_configs.remove(&path).is_some()
                {
                    self.send(publish(change.uri.clone(), Vec::new(), None));
                }
                dirs.extend(st.open_dirs());
            } else {
                let dir = dir_of(&path);
                if st.docs_in(&dir).next().is_some() {
                    dirs.insert(dir);
                }
            }
        }
        for dir in &dirs {
            st.touch(dir);
        }
        drop(st);
        for dir in dirs {
            self.lint(dir, Duration::ZERO);
        }
    }

    fn cancel(&mut self, id: lsp_types::NumberOrString) {
        let id = match id {
            lsp_types::NumberOrString::Number(n) => RequestId::from(n),
            lsp_types::NumberOrString::String(s) => RequestId::from(s),
        };
        let mut st = lock(&self.state);
        let Some(i) = st.pulls.iter().position(|(pending, _)| *pending == id) else {
            return;
        };
        st.pulls.remove(i);
        drop(st);
        let e = "cancelled".to_string();
        self.send(Response::new_err(id, ErrorCode::RequestCanceled as i32, e));
    }
}

fn invalid_params(id: RequestId, e: serde_json::Error) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string())
}

fn is_go(path: &Path, language_id: &str) -> bool {
    language_id == "go" || path.extension().is_some_and(|e| e == "go")
}

/// Apply one `didChange` content change: a whole new text, or a range
/// replaced (in the negotiated position encoding).
fn apply_change(
    text: &mut String,
    change: lsp_types::TextDocumentContentChangeEvent,
    enc: Encoding,
) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let lines = instrlint_core::LineIndex::new(text);
            let start = convert::offset(text, &lines, range.start, enc);
            let end = convert::offset(text, &lines, range.end, enc).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

    fn edit(text: &str, range: Option<Range>, new: &str, enc: Encoding) -> String {
        let mut text = text.to_string();
        let change = TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: new.to_string(),
        };
        apply_change(&mut text, change, enc);
        text
    }

    #[test]
    fn incremental_and_full_changes() {
        let text = "a€b\nsecond\n";
        let r = |l0, c0, l1, c1| Some(Range::new(Position::new(l0, c0), Position::new(l1, c1)));
        // € is 1 UTF-16 unit and 3 UTF-8 bytes.
        assert_eq!(
            edit(text, r(0, 2, 0, 3), "X", Encoding::Utf16),
            "a€X\nsecond\n"
        );
        assert_eq!(
            edit(text, r(0, 4, 0, 5), "X", Encoding::Utf8),
            "a€X\nsecond\n"
        );
        // Across lines, and an insertion at the end.
        assert_eq!(edit(text, r(0, 3, 1, 3), "", Encoding::Utf16), "a€bond\n");
        assert_eq!(
            edit(text, r(2, 0, 2, 0), "x", Encoding::Utf16),
            "a€b\nsecond\nx"
        );
        assert_eq!(edit(text, None, "new", Encoding::Utf8), "new");
    }
}
