//! Input a repository can contain that is not nice Go: syntax errors, odd
//! bytes, huge and deeply nested files, odd trees (symlink loops, unreadable
//! entries, 100,000 files), broken configuration, unwritable `--output`.
//! instrlint must not panic, must say what it could not do, and must exit 2
//! only when it could not do what was asked.
//!
//! Everything runs in process through `run_cli`, on trees generated in
//! temporary directories.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use instrlint_tests::cli::cli;

/// `check --format json ARGS…`, with the exit code checked.
#[track_caller]
fn check_json(args: &[&str], code: i32) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let r = cli(&all);
    assert_eq!(
        r.code, code,
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        r.stdout, r.stderr
    );
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", r.stdout, r.stderr))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// (code, line, column) of every finding, in report order.
fn positions(report: &Value) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn codes_in(report: &Value, path_suffix: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with(path_suffix))
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

const IMPORT: &str = "import \"github.com/prometheus/client_golang/prometheus\"\n";

/// A counter whose name breaks M105 (and M102/M104): `fooBar`.
const BAD_COUNTER: &str =
    "var c = prometheus.NewCounter(prometheus.CounterOpts{Name: \"fooBar\", Help: \"x\"})\n";

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

fn running_as_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

// ---------------------------------------------------------------- syntax errors

#[test]
fn syntax_error_reports_i002_and_lints_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    // Line 5 holds the first syntax error; the counter after it is still read.
    let broken = format!("package p\n\n{IMPORT}\nfunc f( {{\n}}\n\n{BAD_COUNTER}");
    write(dir.path(), "a/broken.go", broken);
    write(
        dir.path(),
        "b/fine.go",
        format!("package q\n\n{IMPORT}\n{BAD_COUNTER}"),
    );
    let report = check_json(&[s(dir.path()), "--fail-on", "never"], 0);

    let broken = positions(&report)
        .into_iter()
        .filter(|(c, ..)| c == "I002")
        .collect::<Vec<_>>();
    assert_eq!(broken.len(), 1, "one I002 per file: {report:#}");
    assert_eq!(broken[0].1, 5, "I002 at the first error's line: {report:#}");
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "I002")
        .unwrap();
    assert_eq!(f["level"], "note");
    assert!(f["path"].as_str().unwrap().ends_with("a/broken.go"));
    assert!(f["message"].as_str().unwrap().starts_with("parse error"));
    // The rest of the broken file and the rest of the tree are linted.
    assert!(codes_in(&report, "a/broken.go").contains(&"M105".to_string()));
    assert!(codes_in(&report, "b/fine.go").contains(&"M105".to_string()));
}

#[test]
fn parse_errors_fail_only_with_fail_on_parse_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "broken.go",
        format!("package p\n{IMPORT}func f( {{\n"),
    );
    let path = s(dir.path());
    let report = check_json(&[path, "--fail-on", "note"], 0);
    assert_eq!(
        positions(&report),
        vec![("I002".to_string(), 3, 1)],
        "{report:#}"
    );
    check_json(&[path, "--fail-on-parse-errors"], 1);
    check_json(&[path, "--fail-on-parse-errors", "--fail-on", "never"], 1);

    // Without a parse error the flag changes nothing.
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "ok.go", "package p\n\nfunc f() {}\n");
    check_json(&[s(clean.path()), "--fail-on-parse-errors"], 0);
}

/// With `--fail-on-parse-errors` every file is parsed, also those the
/// prefilter would skip (no instrumentation in them): in a quiet directory,
/// beside an instrumented file, and named explicitly.
#[test]
fn fail_on_parse_errors_parses_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "package p\n\nfunc broken( {\n";
    write(dir.path(), "quiet/broken.go", broken);
    write(
        dir.path(),
        "loud/broken.go",
        broken.replace("package p", "package loud"),
    );
    write(
        dir.path(),
        "loud/ok.go",
        format!("package loud\n\n{IMPORT}\nvar _ = prometheus.NewRegistry()\n"),
    );
    let path = s(dir.path());
    let report = check_json(&[path, "--fail-on-parse-errors"], 1);
    let mut got: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            let tail = p[p.len() - "quiet/broken.go".len().min(p.len())..].to_string();
            (
                f["code"].as_str().unwrap().to_string(),
                tail,
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("I002".to_string(), "/loud/broken.go".to_string(), 3),
            ("I002".to_string(), "quiet/broken.go".to_string(), 3),
        ],
        "{report:#}"
    );
    assert_eq!(report["summary"]["files_parsed"], 3, "{report:#}");
    let file = dir.path().join("quiet/broken.go");
    check_json(&[s(&file), "--fail-on-parse-errors"], 1);
    // Without the flag, such files are not parsed (the prefilter's saving).
    let report = check_json(&[path], 0);
    assert_eq!(report["summary"]["files_parsed"], 1, "{report:#}");
}

// ---------------------------------------------------------------- odd bytes

#[test]
fn non_utf8_bytes_keep_positions() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = format!("package p\n\n{IMPORT}\n// caf\u{e9} in Latin-1: ").into_bytes();
    bytes.extend_from_slice(b"caf\xe9 \xff\xfe\n");
    bytes.extend_from_slice(BAD_COUNTER.as_bytes());
    write(dir.path(), "latin1.go", bytes);
    let report = check_json(&[s(dir.path()), "--fail-on", "never"], 0);
    let m105: Vec<_> = positions(&report)
        .into_iter()
        .filter(|(c, ..)| c == "M105")
        .collect();
    assert_eq!(m105, vec![("M105".to_string(), 6, 60)], "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 1);
}

#[test]
fn nul_byte_is_a_parse_error_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = format!("package p\n\n{IMPORT}\n// a NUL: ").into_bytes();
    bytes.extend_from_slice(b"\0 here\n");
    bytes.extend_from_slice(BAD_COUNTER.as_bytes());
    write(dir.path(), "nul.go", bytes);
    let report = check_json(&[s(dir.path()), "--fail-on", "never"], 0);
    let got = positions(&report);
    assert!(
        got.iter().any(|(c, l, _)| c == "I002" && *l == 5),
        "{report:#}"
    );
    assert!(got.contains(&("M105".to_string(), 6, 60)), "{report:#}");
}

#[test]
fn empty_and_bom_only_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.go", b"");
    write(dir.path(), "bom.go", b"\xef\xbb\xbf");
    let report = check_json(&[s(dir.path())], 0);
    assert_eq!(report["summary"]["files_checked"], 2, "{report:#}");
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);

    // A BOM before real code: positions are those of the text after it
    // (the BOM is not a column).
    let bom = tempfile::tempdir().unwrap();
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(format!("package p\n\n{IMPORT}\n{BAD_COUNTER}").as_bytes());
    write(bom.path(), "m.go", bytes);
    let report = check_json(&[s(bom.path()), "--fail-on", "never"], 0);
    assert!(
        positions(&report).contains(&("M105".to_string(), 5, 60)),
        "{report:#}"
    );
    assert!(!codes_in(&report, "m.go").contains(&"I002".to_string()));
}

#[test]
fn crlf_line_endings_keep_lines_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let text = "package p\r\n\r\nimport \"github.com/prometheus/client_golang/prometheus\"\r\n\r\n\
                var c = prometheus.NewCounter(prometheus.CounterOpts{\r\n\
                \tName: \"requestsServed\",\r\n\tHelp: \"x\",\r\n})\r\n";
    write(dir.path(), "crlf.go", text);
    let report = check_json(&[s(dir.path()), "--fail-on", "never"], 0);
    let m105 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "M105")
        .unwrap_or_else(|| panic!("M105 expected: {report:#}"));
    assert_eq!(m105["start"], serde_json::json!({"line": 6, "column": 8}));
    assert_eq!(m105["end"], serde_json::json!({"line": 6, "column": 24}));
    assert!(!codes_in(&report, "crlf.go").contains(&"I002".to_string()));
}

// ---------------------------------------------------------------- size and depth

#[test]
fn ten_megabyte_file_named_explicitly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("package p\n\n{IMPORT}\n");
    let mut i = 0;
    while text.len() < 10 << 20 {
        text.push_str(&format!("var v{i} = \"some string constant {i}\"\n"));
        i += 1;
    }
    text.push_str(BAD_COUNTER);
    let lines = text.lines().count() as u64;
    let p = write(dir.path(), "big.go", &text);
    // Named explicitly: the default 1 MiB limit does not skip it.
    let report = check_json(&[s(&p), "--fail-on", "never"], 0);
    assert!(
        positions(&report).contains(&("M105".to_string(), lines, 60)),
        "{}",
        report["summary"]
    );
    // Reached through its directory, the size limit skips it.
    let report = check_json(&[s(dir.path())], 0);
    assert_eq!(report["summary"]["files_checked"], 0, "{report:#}");
}

/// A counter named by `expr`, in a file that passes the prefilter.
fn named_by(expr: &str) -> String {
    format!(
        "package p\n\n{IMPORT}\nvar c = prometheus.NewCounter(prometheus.CounterOpts{{Name: {expr}, Help: \"x\"}})\n\n{BAD_COUNTER}"
    )
}

#[test]
fn expressions_nested_100000_deep() {
    const N: usize = 100_000;
    let cases = [
        (
            "parens.go",
            format!("{}\"x\"{}", "(".repeat(N), ")".repeat(N)),
        ),
        ("concat.go", format!("\"a\"{}", " + \"b\"".repeat(N))),
        ("unary.go", format!("{}1", "-".repeat(N))),
        (
            "calls.go",
            format!("{}\"x\"{}", "f(".repeat(N), ")".repeat(N)),
        ),
    ];
    for (name, expr) in cases {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), name, named_by(&expr));
        let report = check_json(&[s(&p), "--fail-on", "never"], 0);
        // The ordinary counter after the deep one is still checked.
        assert!(
            codes_in(&report, name).contains(&"M105".to_string()),
            "{name}: {}",
            report["summary"]
        );
    }
    // Blocks nested 100,000 deep inside a function.
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "package p\n\n{IMPORT}\nfunc f() {{\n{}{}}}\n\n{BAD_COUNTER}",
        "if true {\n".repeat(N),
        "}\n".repeat(N)
    );
    let p = write(dir.path(), "blocks.go", text);
    let report = check_json(&[s(&p), "--fail-on", "never"], 0);
    assert!(codes_in(&report, "blocks.go").contains(&"M105".to_string()));
}

/// Function literals nested 20,000 deep with the PromQL API, OpenTelemetry and
/// `context` imported, a string literal and a concatenation at every level:
/// every pass keeps a function chain, and the PromQL sites once copied it for
/// every call and every string (quadratic memory and time).
#[test]
fn function_literals_nested_20000_deep() {
    const N: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "package p\n\nimport (\n\t\"context\"\n\n\t\"github.com/prometheus/client_golang/prometheus\"\n\
         \tv1 \"github.com/prometheus/client_golang/api/prometheus/v1\"\n\t\"go.opentelemetry.io/otel\"\n)\n\n\
         var tracer = otel.Tracer(\"p\")\n\n\
         func f(ctx context.Context, api v1.API) {{\n{}\t_, _, _ = api.Query(ctx, \"up\", t)\n{}}}\n\n{BAD_COUNTER}",
        "\tg(func() {\n\t_ = \"up\" + \"\"\n\t_ = \"x\"\n".repeat(N),
        "\t})\n".repeat(N)
    );
    let p = write(dir.path(), "funcs.go", text);
    let report = check_json(&[s(&p), "--fail-on", "never"], 0);
    assert!(
        codes_in(&report, "funcs.go").contains(&"M105".to_string()),
        "{}",
        report["summary"]
    );
}

#[test]
fn function_of_50000_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::new();
    for i in 0..25_000 {
        body.push_str(&format!("\tx{i} := {i}\n\t_ = x{i}\n"));
    }
    let text = format!(
        "package p\n\n{IMPORT}\nfunc f() {{\n{body}\t{}}}\n",
        BAD_COUNTER
            .trim_start_matches("var ")
            .replacen('=', ":=", 1)
    );
    let line = text.lines().count() as u64 - 1;
    write(dir.path(), "long.go", text);
    let report = check_json(&[s(dir.path()), "--fail-on", "never"], 0);
    assert!(
        positions(&report).contains(&("M105".to_string(), line, 58)),
        "{report:#}"
    );
}

/// A finding past column 65,535 (a minified or generated line): miette pads
/// with `format!("{:width$}")`, which panics there. Every format renders it;
/// the text format shows the line cut around the span, with the real column.
#[test]
fn finding_on_a_65600_column_line_renders_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let pad = "x".repeat(65_600);
    let text = format!(
        "package p\n\n{IMPORT}\nvar s = \"{pad}\"; {}\n",
        BAD_COUNTER.trim_end()
    );
    let column = text.lines().nth(4).unwrap().find("\"fooBar\"").unwrap() + 1;
    let p = write(dir.path(), "long.go", &text);
    for format in ["text", "json", "sarif", "github", "markdown"] {
        for color in ["never", "always"] {
            let r = cli(&[
                "check",
                "--format",
                format,
                "--color",
                color,
                "--select",
                "M105",
                s(&p),
            ]);
            assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        }
    }
    let r = cli(&["check", "--select", "M105", s(&p)]);
    assert!(
        r.stdout.contains(&format!("long.go:5:{column}]")),
        "the header keeps the real column {column}:\n{}",
        r.stdout
    );
    assert!(r.stdout.contains(" │ …NewCounter("), "{}", r.stdout);
    assert!(r.stdout.contains("Name: \"fooBar\""), "{}", r.stdout);
    assert!(r.stdout.len() < 4_000, "{} bytes", r.stdout.len());
    // A configuration error on such a line renders too.
    write(
        dir.path(),
        "instrlint.toml",
        format!("[rules]\nselect = [\"M105\"] # {pad}\nignore = [\"X\"]\n# {pad}\n"),
    );
    let r = cli(&["check", s(&p)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("instrlint.toml:3:"), "{}", r.stderr);
    write(
        dir.path(),
        "instrlint.toml",
        format!("[rules]\nselect = [\"M105\"] # {pad}\nignore = [\"M105\", {pad}]\n"),
    );
    let r = cli(&["check", s(&p)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("instrlint.toml:3:"), "{}", r.stderr);
    assert!(r.stderr.len() < 4_000, "{} bytes", r.stderr.len());
}

// ---------------------------------------------------------------- odd trees

#[cfg(unix)]
#[test]
fn symlink_loop_dangling_link_and_links_out_of_the_tree() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret/metrics.go",
        format!("package s\n\n{IMPORT}\n{BAD_COUNTER}"),
    );
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ok/m.go",
        format!("package ok\n\n{IMPORT}\n{BAD_COUNTER}"),
    );
    symlink("..", dir.path().join("ok/loop")).unwrap();
    symlink(dir.path(), dir.path().join("ok/root")).unwrap();
    symlink(
        "/nonexistent/instrlint/x.go",
        dir.path().join("ok/dangling.go"),
    )
    .unwrap();
    symlink(outside.path().join("secret"), dir.path().join("escape")).unwrap();
    symlink(
        outside.path().join("secret/metrics.go"),
        dir.path().join("escape.go"),
    )
    .unwrap();

    symlink(dir.path().join("ok/b"), dir.path().join("ok/a")).unwrap();
    symlink(dir.path().join("ok/a"), dir.path().join("ok/b")).unwrap();

    let r = cli(&[
        "check",
        "--format",
        "json",
        s(dir.path()),
        "--fail-on",
        "never",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| p.ends_with("ok/m.go")), "{paths:?}");
    assert_eq!(report["summary"]["files_checked"], 1, "{report:#}");
    // escape, escape.go, ok/loop, ok/root: counted, not followed.
    assert_eq!(report["summary"]["skipped"]["symlinks"], 4, "{report:#}");
    for (link, why) in [
        ("ok/dangling.go", "its target does not exist"),
        ("ok/a", "too many levels of symbolic links"),
        ("ok/b", "too many levels of symbolic links"),
    ] {
        let line = format!(
            "warning: {}: broken symlink ({why}), not followed",
            s(&dir.path().join(link))
        );
        assert!(r.stderr.contains(&line), "no `{line}` in\n{}", r.stderr);
    }
}

#[test]
fn missing_path_exits_2_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir");
    let r = cli(&["check", s(&missing)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no such file or directory"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("no/such/dir"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn unreadable_file_and_directory() {
    use std::os::unix::fs::PermissionsExt;
    if running_as_root() {
        eprintln!("skipped: running as root, chmod does not make files unreadable");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ok/m.go",
        format!("package ok\n\n{IMPORT}\n{BAD_COUNTER}"),
    );
    let file = write(dir.path(), "f/secret.go", "package f\n");
    let sub = dir.path().join("d");
    write(dir.path(), "d/x.go", "package d\n");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = cli(&["check", "--format", "json", s(dir.path())]);
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("permission denied"), "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    // The readable part is still linted and reported.
    assert!(codes_in(&report, "ok/m.go").contains(&"M105".to_string()));
}

#[test]
fn directory_of_100000_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..100_000 {
        std::fs::File::create(dir.path().join(format!("f{i:06}.go"))).unwrap();
    }
    let report = check_json(&[s(dir.path())], 0);
    assert_eq!(report["summary"]["files_checked"], 100_000);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
}

/// `cli(args)` on another thread; fails the test if it has not returned
/// after `secs` seconds (a blocked read would otherwise hang the suite).
fn cli_within(args: &[&str], secs: u64) -> instrlint_tests::cli::Run {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let _ = tx.send(cli(&args));
    });
    rx.recv_timeout(std::time::Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("instrlint still running after {secs} s"))
}

/// A FIFO (no writer: opening it blocks) or a device named on the command
/// line is refused with exit 2, whatever its name; the rest is linted. In a
/// walked directory such entries are skipped, as before.
#[cfg(unix)]
#[test]
fn fifo_or_device_named_on_the_command_line_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.go");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let zero = dir.path().join("zero.go");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let ok = write(
        dir.path(),
        "sub/ok.go",
        format!("package p\n\n{IMPORT}\n{BAD_COUNTER}"),
    );
    for (bad, kind) in [(&fifo, "a FIFO"), (&zero, "a device")] {
        let r = cli_within(&["check", "--format", "json", s(bad), s(&ok)], 60);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "error: {}: not a regular file ({kind}): instrlint reads only files and directories",
                s(bad)
            )),
            "{}",
            r.stderr
        );
        let report: Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(codes_in(&report, "ok.go").contains(&"M105".to_string()));
    }
    // Walking the directory skips both silently (symlinks are not followed).
    let report = check_json(&[s(dir.path())], 1);
    assert_eq!(report["summary"]["files_checked"], 1, "{report:#}");
}

#[test]
fn jobs_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.go", "package p\n");
    let r = cli(&["check", "-j", "16000", s(dir.path())]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("16000 is not in 1..=256"), "{}", r.stderr);
    let r = cli(&["check", "-j", "256", s(dir.path())]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

// ---------------------------------------------------------------- configuration

/// Lint a clean tree with `instrlint.toml` = `toml`; expect exit 2 and a
/// miette report pointing at `line` of the file.
#[track_caller]
fn bad_config(toml: &str, line: usize, message: &str) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.go", "package p\n");
    write(dir.path(), "instrlint.toml", toml);
    let r = cli(&["check", s(dir.path())]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "no report on a bad config: {}",
        r.stdout
    );
    assert!(
        r.stderr.contains(&format!("instrlint.toml:{line}:")),
        "line {line} expected:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(message),
        "{message:?} expected:\n{}",
        r.stderr
    );
}

#[test]
fn config_errors_point_at_the_line_and_exit_2() {
    bad_config(
        "min_name_parts = 3\n[rules\nselect = []\n",
        2,
        "invalid configuration",
    );
    bad_config("min_name_parts = 3\ncolour = \"red\"\n", 2, "colour");
    bad_config(
        "\n\nmin_name_parts = \"three\"\n",
        3,
        "invalid configuration",
    );
    bad_config("\nexclude = [\"gen/[a-\"]\n", 2, "invalid glob");
    bad_config(
        "min_name_parts = 3\n[spans]\nname_pattern = '(unclosed'\n",
        3,
        "not a valid regular expression",
    );
}

/// Unknown codes name the file and line wherever they appear; the
/// configuration and the command line agree on case.
#[test]
fn unknown_codes_name_their_line_and_case_is_agreed() {
    bad_config(
        "[rules]\nselect = [\"M\"]\n\n[rules.level]\nZ999 = \"warning\"\n",
        5,
        "`Z999` is not a rule code",
    );
    bad_config(
        "[rules]\nselect = [\"M105\",\n  \"M999\"]\n",
        3,
        "`M999` is not a rule code",
    );
    bad_config(
        "[rules]\nignore = [\"q799\"]\n",
        2,
        "`Q799` is not a rule code",
    );
    // Lower case means the same in both places.
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "m.go",
        format!("package p\n\n{IMPORT}\n{BAD_COUNTER}"),
    );
    let cli_lower = check_json(&["--select", "m105", s(&p)], 1);
    write(
        dir.path(),
        "instrlint.toml",
        "[rules]\nselect = [\"m105\"]\n[rules.level]\nm105 = \"error\"\n",
    );
    let config_lower = check_json(&[s(&p)], 1);
    let codes = |r: &Value| positions(r).into_iter().map(|p| p.0).collect::<Vec<_>>();
    assert_eq!(codes(&cli_lower), ["M105"]);
    assert_eq!(codes(&config_lower), ["M105"]);
    assert_eq!(config_lower["findings"][0]["level"], "error");
    let r = cli(&["check", "--select", "m999", s(&p)]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`M999` is not a rule code"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------- where it writes

#[test]
fn output_into_a_missing_directory_or_under_a_file_exits_2_leaving_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/m.go",
        format!("package p\n\n{IMPORT}\n{BAD_COUNTER}"),
    );
    let src = dir.path().join("src");
    let out = tempfile::tempdir().unwrap();
    let missing = out.path().join("missing/report.json");
    let r = cli(&["check", s(&src), "--output", s(&missing)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot write"), "{}", r.stderr);
    let file = write(out.path(), "a-file", "keep me\n");
    let under_file = file.join("report.json");
    let r = cli(&["check", s(&src), "--output", s(&under_file)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me\n");
    let left: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("a-file")]);
}

#[cfg(unix)]
#[test]
fn output_into_a_read_only_directory_exits_2_leaving_nothing() {
    use std::os::unix::fs::PermissionsExt;
    if running_as_root() {
        eprintln!("skipped: running as root, a read-only mode does not stop writes");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/m.go", "package p\n");
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let r = cli(&[
        "check",
        s(&dir.path().join("src")),
        "--output",
        s(&ro.join("report.txt")),
    ]);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0);
}

/// Every path under `root` with its length and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            if meta.is_dir() {
                stack.push(e.path());
            }
            out.insert(e.path(), (meta.len(), meta.modified().ok()));
        }
    }
    out
}

#[test]
fn writes_nothing_but_output() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a/m.go",
        format!("package p\n\n{IMPORT}\n{BAD_COUNTER}"),
    );
    write(
        dir.path(),
        "b/broken.go",
        format!("package b\n{IMPORT}func ( {{\n"),
    );
    write(dir.path(), "instrlint.toml", "min_name_parts = 2\n");
    write(dir.path(), ".gitignore", "ignored/\n");
    let before = snapshot(dir.path());
    let out = tempfile::tempdir().unwrap();
    for format in ["text", "json", "sarif", "github", "markdown"] {
        let target = out.path().join(format!("report.{format}"));
        let r = cli(&[
            "check",
            s(dir.path()),
            "--format",
            format,
            "--output",
            s(&target),
            "--report-unused-ignores",
        ]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(std::fs::metadata(&target).unwrap().len() > 0);
    }
    assert_eq!(snapshot(dir.path()), before, "the linted tree changed");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 5);
}
