//! `instrlint server` driven by a scripted LSP client over its standard
//! input and output: lifecycle and exit codes, diagnostics as documents are
//! opened and edited, one file's edit changing another's findings, a broken
//! configuration, pull diagnostics, the ignore code action, positions in
//! both encodings, and files tree-sitter cannot parse in time.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Generous: a debug build on a shared, loaded machine.
const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    inbox: Receiver<Value>,
    /// Messages received while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_instrlint"))
            .arg("server")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start instrlint server");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, inbox) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("a JSON message");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            inbox,
            backlog: Vec::new(),
            next_id: 0,
        }
    }

    /// Started and initialized with these client capabilities; returns the
    /// `initialize` result too.
    fn initialized(args: &[&str], capabilities: Value) -> (Client, Value) {
        let mut c = Client::start(args);
        let id = c.request("initialize", json!({ "capabilities": capabilities }));
        let result = c.response(id);
        c.notify("initialized", json!({}));
        (c, result)
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        let stdin = self.stdin.as_mut().expect("input open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// The first message (from the backlog, then as they come) that `want`
    /// accepts; the others are kept.
    fn wait_for(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&want) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.inbox.recv_timeout(left) {
                Ok(v) if want(&v) => return v,
                Ok(v) => self.backlog.push(v),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {what} within {WAIT:?}; received: {:#?}", self.backlog)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the server closed its output waiting for {what}; received: {:#?}",
                        self.backlog
                    )
                }
            }
        }
    }

    /// The result of request `id` (panics on an error response).
    fn response(&mut self, id: i64) -> Value {
        let v = self.wait_for(&format!("response {id}"), |v| {
            v["id"] == id && v.get("method").is_none()
        });
        assert!(v.get("error").is_none(), "request {id} failed: {v}");
        v["result"].clone()
    }

    /// The next `publishDiagnostics` for `uri`: (version, diagnostics).
    fn diagnostics(&mut self, uri: &str) -> (Value, Vec<Value>) {
        let v = self.wait_for(&format!("diagnostics for {uri}"), |v| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
        });
        let list = v["params"]["diagnostics"]
            .as_array()
            .expect("a list")
            .clone();
        (v["params"]["version"].clone(), list)
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "go", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    fn shutdown_and_exit(mut self) -> ExitStatus {
        let id = self.request("shutdown", Value::Null);
        assert_eq!(self.response(id), Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A temporary directory (canonical: URIs and the server's paths agree)
/// with these files.
fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    // A repository root: configuration lookup stops here.
    std::fs::create_dir(root.join(".git")).expect("mkdir .git");
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    (dir, root)
}

const COUNTER: &str = "package room

import \"github.com/prometheus/client_golang/prometheus\"

var joins = prometheus.NewCounter(prometheus.CounterOpts{
\tName: \"livestream_rooms_joined\",
\tHelp: \"Rooms joined.\",
})
";

fn codes(list: &[Value]) -> Vec<&str> {
    list.iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect()
}

fn utf8_client() -> Value {
    json!({ "general": { "positionEncodings": ["utf-16", "utf-8"] } })
}

#[test]
fn position_encoding_is_negotiated_and_exit_codes_follow_shutdown() {
    let (c, result) = Client::initialized(&[], utf8_client());
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(result["serverInfo"]["name"], "instrlint");
    assert!(result["capabilities"].get("diagnosticProvider").is_none());
    assert_eq!(c.shutdown_and_exit().code(), Some(0));

    // UTF-16 unless UTF-8 is offered; `exit` without `shutdown` is 1. A
    // capability the server does not know the shape of stops nothing.
    let odd = json!({ "textDocument": { "synchronization": "unheard of" }, "general": 7 });
    let (mut c, result) = Client::initialized(&[], odd);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(1));

    // Input that ends without `exit` is 1 too.
    let (mut c, _) = Client::initialized(&[], json!({}));
    c.stdin = None;
    assert_eq!(c.wait_exit().code(), Some(1));

    // After `shutdown`, requests are refused.
    let (mut c, _) = Client::initialized(&[], json!({}));
    let id = c.request("shutdown", Value::Null);
    c.response(id);
    let id = c.request("textDocument/diagnostic", json!({}));
    let refused = c.wait_for("refusal", |v| v["id"] == id);
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(0));
}

#[test]
fn a_counter_without_total_is_reported_and_fixing_it_clears_it() {
    let (_dir, root) = tree(&[("room/metrics.go", COUNTER)]);
    let file = uri(&root.join("room/metrics.go"));
    let (mut c, _) = Client::initialized(&[], utf8_client());
    c.open(&file, COUNTER);
    let (version, list) = c.diagnostics(&file);
    assert_eq!(version, 1);
    assert_eq!(codes(&list), ["M105"], "{list:#?}");
    let d = &list[0];
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/instrlint/instrlint/blob/main/rules/M105-counter-missing-total.md"
    );
    assert_eq!(d["source"], "instrlint");
    assert_eq!(d["severity"], 2, "a warning");
    // `"livestream_rooms_joined"`, quotes included, on line 6 (0-based 5).
    assert_eq!(
        d["range"],
        json!({ "start": { "line": 5, "character": 7 }, "end": { "line": 5, "character": 32 } })
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("counter `livestream_rooms_joined` does not end in `_total`"),
        "{d}"
    );

    // An incremental edit: `_total` before the closing quote.
    let at = json!({ "line": 5, "character": 31 });
    c.change(
        &file,
        2,
        json!([{ "range": { "start": at, "end": at }, "text": "_total" }]),
    );
    let (version, list) = c.diagnostics(&file);
    assert_eq!((version, list), (json!(2), Vec::new()));

    // A full-text change brings it back; closing the document clears it.
    c.change(&file, 3, json!([{ "text": COUNTER }]));
    let (version, list) = c.diagnostics(&file);
    assert_eq!((version, codes(&list)), (json!(3), vec!["M105"]));
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": file } }),
    );
    assert_eq!(c.diagnostics(&file).1, Vec::<Value>::new());
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_burst_of_keystrokes_is_linted_once_it_pauses() {
    let (_dir, root) = tree(&[("room/metrics.go", COUNTER)]);
    let file = uri(&root.join("room/metrics.go"));
    let (mut c, _) = Client::initialized(&[], utf8_client());
    c.open(&file, COUNTER);
    assert_eq!(codes(&c.diagnostics(&file).1), ["M105"]);
    // `_total` typed a character at a time, without waiting.
    for (i, ch) in "_total".chars().enumerate() {
        let at = json!({ "line": 5, "character": 31 + i });
        let edit = json!([{ "range": { "start": at, "end": at }, "text": ch.to_string() }]);
        c.change(&file, 2 + i as i64, edit);
    }
    // Runs wait for the typing to pause, and a run whose text changed while
    // it ran publishes nothing: versions only go up, and the last is clean.
    let mut versions = Vec::new();
    loop {
        let (version, list) = c.diagnostics(&file);
        versions.push(version.as_i64().expect("a version"));
        if version == 7 {
            assert_eq!(list, Vec::<Value>::new());
            break;
        }
    }
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(
        versions.len() < 6,
        "one publication per keystroke: {versions:?}"
    );
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn an_edit_in_one_file_updates_another_open_file_of_the_package() {
    let (_dir, root) = tree(&[("api/vector.go", VECTOR), ("api/record.go", RECORD)]);
    let (a, b) = (
        uri(&root.join("api/vector.go")),
        uri(&root.join("api/record.go")),
    );
    let (mut c, _) = Client::initialized(&[], json!({}));
    c.open(&a, VECTOR);
    assert_eq!(c.diagnostics(&a).1, Vec::<Value>::new());
    c.open(&b, RECORD);
    assert_eq!(c.diagnostics(&b).1, Vec::<Value>::new());

    // A second label in vector.go: the call in record.go now passes too few
    // values. Only the unsaved buffer says so (the disk still has one label).
    let end = json!({ "line": 7, "character": 20 });
    c.change(
        &a,
        2,
        json!([{ "range": { "start": end, "end": end }, "text": ", \"code\"" }]),
    );
    let (version, list) = c.diagnostics(&b);
    assert_eq!(version, 1, "record.go itself did not change");
    assert_eq!(codes(&list), ["L203"], "{list:#?}");
    assert_eq!(list[0]["range"]["start"]["line"], 3);
    let (version, list) = c.diagnostics(&a);
    assert_eq!((version, list), (json!(2), Vec::new()));

    // Closing vector.go: record.go is linted against the disk again.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": a } }),
    );
    assert_eq!(c.diagnostics(&b).1, Vec::<Value>::new());
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_broken_config_is_a_diagnostic_and_a_message_and_reloads_when_fixed() {
    let broken = "min_name_parts = 2\ncolour = \"red\"\n";
    let (_dir, root) = tree(&[("instrlint.toml", broken), ("room/metrics.go", COUNTER)]);
    let file = uri(&root.join("room/metrics.go"));
    let config = uri(&root.join("instrlint.toml"));
    let watching =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut c, _) = Client::initialized(&[], watching);
    let register = c.wait_for("registerCapability", |v| {
        v["method"] == "client/registerCapability"
    });
    let watchers = &register["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/instrlint.toml");
    c.send(json!({ "jsonrpc": "2.0", "id": register["id"], "result": null }));

    c.open(&file, COUNTER);
    let (_, list) = c.diagnostics(&config);
    assert_eq!(list.len(), 1, "{list:#?}");
    assert_eq!(list[0]["severity"], 1);
    assert_eq!(list[0]["source"], "instrlint");
    assert!(
        list[0]["message"].as_str().unwrap().contains("colour"),
        "{list:#?}"
    );
    // The key `colour`, line 2 (0-based 1), UTF-16 columns.
    assert_eq!(
        list[0]["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 6 } })
    );
    let shown = c.wait_for("showMessage", |v| v["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 1);
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("invalid configuration"),
        "{shown}"
    );
    assert_eq!(c.diagnostics(&file).1, Vec::<Value>::new());

    // Fixed on disk; the client says so: the config's error is cleared and
    // the file is linted with it (`min_name_parts = 4`: M104 too).
    std::fs::write(root.join("instrlint.toml"), "min_name_parts = 4\n").expect("write");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": config, "type": 2 }] }),
    );
    assert_eq!(c.diagnostics(&config).1, Vec::<Value>::new());
    let (_, list) = c.diagnostics(&file);
    assert_eq!(codes(&list), ["M104", "M105"], "{list:#?}");
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

const VECTOR: &str = "package api

import \"github.com/prometheus/client_golang/prometheus\"

var requests = prometheus.NewCounterVec(prometheus.CounterOpts{
\tName: \"api_http_requests_total\",
\tHelp: \"Requests served.\",
}, []string{\"method\"})
";

const RECORD: &str = "package api

func record() {
\trequests.WithLabelValues(\"GET\").Inc()
}
";

/// After `}, []string{"method"` on line 8 of `VECTOR`.
fn second_label() -> Value {
    let end = json!({ "line": 7, "character": 20 });
    json!([{ "range": { "start": end, "end": end }, "text": ", \"code\"" }])
}

#[test]
fn diagnostics_are_pulled_when_the_client_asks_for_them() {
    let (_dir, root) = tree(&[
        ("room/metrics.go", COUNTER),
        ("api/vector.go", VECTOR),
        ("api/record.go", RECORD),
    ]);
    let file = uri(&root.join("room/metrics.go"));
    // What VS Code's client says about pulling.
    let pulling = json!({
        "textDocument": { "diagnostic": { "dynamicRegistration": true, "relatedDocumentSupport": false } },
        "workspace": { "diagnostics": { "refreshSupport": true } },
    });
    let (mut c, result) = Client::initialized(&[], pulling);
    let provider = &result["capabilities"]["diagnosticProvider"];
    assert_eq!(provider["interFileDependencies"], true, "{result}");
    c.open(&file, COUNTER);
    let pull = |c: &mut Client, file: &str| -> Vec<Value> {
        let id = c.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": file } }),
        );
        let report = c.response(id);
        assert_eq!(report["kind"], "full");
        report["items"].as_array().expect("items").clone()
    };
    assert_eq!(codes(&pull(&mut c, &file)), ["M105"]);

    // An edit in vector.go changes record.go's findings: the client is asked
    // to pull again, and record.go's pull has them.
    let (a, b) = (
        uri(&root.join("api/vector.go")),
        uri(&root.join("api/record.go")),
    );
    c.open(&a, VECTOR);
    c.open(&b, RECORD);
    assert_eq!(pull(&mut c, &a), Vec::<Value>::new());
    assert_eq!(pull(&mut c, &b), Vec::<Value>::new());
    c.change(&a, 2, second_label());
    assert_eq!(pull(&mut c, &a), Vec::<Value>::new());
    let refresh = c.wait_for("refresh", |v| v["method"] == "workspace/diagnostic/refresh");
    c.send(json!({ "jsonrpc": "2.0", "id": refresh["id"], "result": null }));
    assert_eq!(codes(&pull(&mut c, &b)), ["L203"]);

    // Nothing was pushed.
    assert!(c
        .backlog
        .iter()
        .all(|v| v["method"] != "textDocument/publishDiagnostics"));
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_ignore_code_action_silences_the_finding() {
    let (_dir, root) = tree(&[("room/metrics.go", COUNTER)]);
    let file = uri(&root.join("room/metrics.go"));
    let (mut c, _) = Client::initialized(&[], json!({}));
    c.open(&file, COUNTER);
    let (_, list) = c.diagnostics(&file);
    let id = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": file },
            "range": list[0]["range"],
            "context": { "diagnostics": list },
        }),
    );
    let actions = c.response(id);
    let actions = actions.as_array().expect("a list");
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["title"], "Ignore M105 on this line");
    assert_eq!(actions[0]["kind"], "quickfix");
    let edits = actions[0]["edit"]["changes"][&file]
        .as_array()
        .expect("edits")
        .clone();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], " //instrlint:ignore M105 -- reason");
    // At the end of line 6: after `\tName: "livestream_rooms_joined",`.
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 5, "character": 33 })
    );
    c.change(
        &file,
        2,
        json!([{ "range": edits[0]["range"], "text": edits[0]["newText"] }]),
    );
    assert_eq!(c.diagnostics(&file).1, Vec::<Value>::new());
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn positions_count_utf8_bytes_or_utf16_units_as_negotiated() {
    // `é` is 2 UTF-8 bytes and 1 UTF-16 unit; `𝄞` 4 bytes and 2 units.
    let text = COUNTER.replace("\tName:", "\t/* é𝄞 */ Name:");
    let (_dir, root) = tree(&[("room/metrics.go", &text)]);
    let file = uri(&root.join("room/metrics.go"));
    for (caps, start) in [(utf8_client(), 20), (json!({}), 17)] {
        let (mut c, _) = Client::initialized(&[], caps);
        c.open(&file, &text);
        let (_, list) = c.diagnostics(&file);
        assert_eq!(
            list[0]["range"]["start"],
            json!({ "line": 5, "character": start })
        );
        // An edit in the same units: `_total` before the closing quote.
        let at = json!({ "line": 5, "character": start + 24 });
        c.change(
            &file,
            2,
            json!([{ "range": { "start": at, "end": at }, "text": "_total" }]),
        );
        assert_eq!(c.diagnostics(&file).1, Vec::<Value>::new());
        assert_eq!(c.shutdown_and_exit().code(), Some(0));
    }
}

/// The fuzzer's reduced tree-sitter input, far beyond any limit here.
fn unparsable(name: &str) -> String {
    format!(
        "package room\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
         var {name} = f(\n\t\"a\"\n\t\"a.With({}r\"\n",
        "r.With(".repeat(64)
    )
}

fn threads(c: &Client) -> usize {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", c.child.id())).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn files_tree_sitter_cannot_parse_in_time_are_reported_once_and_bounded() {
    let mut files: Vec<(String, String)> = (0..5)
        .map(|i| (format!("room/slow{i}.go"), unparsable(&format!("x{i}"))))
        .collect();
    files.push(("room/metrics.go".to_string(), COUNTER.to_string()));
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (_dir, root) = tree(&borrowed);
    let (mut c, _) = Client::initialized(&["--parse-timeout", "1", "-j", "1"], json!({}));
    // Opened one by one: each run parses the new file (1 s, then abandoned)
    // and finds the earlier ones given up already, without parsing them again.
    for (i, (path, text)) in files.iter().enumerate().take(5) {
        let file = uri(&root.join(path));
        c.open(&file, text);
        let (_, list) = c.diagnostics(&file);
        assert_eq!(codes(&list), ["I002"], "{list:#?}");
        let message = list[0]["message"].as_str().unwrap();
        if i < 4 {
            assert!(
                message.contains("did not finish parsing this file within 1 s"),
                "{message}"
            );
        } else {
            // Four abandoned parses run: the fifth file is not parsed at all.
            assert!(
                message.contains("not parsed: tree-sitter is still busy with 4"),
                "{message}"
            );
        }
    }
    let warned = c.wait_for("showMessage", |v| v["method"] == "window/showMessage");
    assert_eq!(warned["params"]["type"], 2, "{warned}");
    std::thread::sleep(Duration::from_millis(300));
    let busy = threads(&c);
    // main, lsp-server's reader, writer and dropper, the forwarder, the
    // worker and its one pool thread (`-j 1`): seven, and one per abandoned
    // parse (the pool thread's own parse thread was one of them).
    if cfg!(target_os = "linux") {
        assert_eq!(busy, 7 + 4);
    }

    // Opening and editing another file of the package relints all six at
    // once: the four given-up texts are not parsed again (no new abandoned
    // thread), and while four abandoned parses run every other file is
    // refused, the good one too.
    let file = uri(&root.join("room/metrics.go"));
    let started = Instant::now();
    c.open(&file, COUNTER);
    let (_, list) = c.diagnostics(&file);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(codes(&list), ["I002"], "{list:#?}");
    for version in 2..5 {
        c.change(&file, version, json!([{ "text": format!("{COUNTER}\n") }]));
        let (v, _) = c.diagnostics(&file);
        assert_eq!(v, version);
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        threads(&c) <= busy,
        "threads grew from {busy} to {}",
        threads(&c)
    );
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}
