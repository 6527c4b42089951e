//! End-to-end runs of the `instrlint` binary on temporary trees. The rule
//! registry may be empty here, so these check the command line's contract,
//! not specific findings.

mod common;

use common::{findings, messages};
use std::path::Path;
use std::process::{Command, Output};

fn instrlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_instrlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run instrlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn go_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    dir
}

#[test]
fn empty_directory_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let o = instrlint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("checked 0 files"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
}

#[test]
fn check_defaults_to_the_current_directory() {
    let dir = go_tree();
    let o = instrlint(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn nonexistent_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = instrlint(dir.path(), &["check", "does-not-exist"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error: does-not-exist"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_selector_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = instrlint(dir.path(), &["check", "--select", "X999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("X999"), "{}", stderr(&o));
    let o = instrlint(dir.path(), &["check", "--ignore", "M,Z1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn known_selectors_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let o = instrlint(
        dir.path(),
        &["check", "--select", "M,L", "--select", "T", "--ignore", "S"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn bad_flags_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["check", "--no-such-flag"][..],
        &["check", "--format", "xml"],
        &["check", "--fail-on", "sometimes"],
        &["check", "-j", "0"],
        &["frobnicate"],
        &[],
    ] {
        let o = instrlint(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn help_and_version_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let o = instrlint(dir.path(), &["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(env!("CARGO_PKG_VERSION")));
    let o = instrlint(dir.path(), &["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--fail-on"));
    assert!(!stdout(&instrlint(dir.path(), &["--help"])).contains("debug"));
}

#[test]
fn output_into_a_missing_directory_fails_cleanly() {
    let dir = go_tree();
    let o = instrlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--output",
            "missing/report.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    assert!(!dir.path().join("missing").exists());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "only main.go remains");
}

#[test]
fn output_replaces_an_existing_file() {
    let dir = go_tree();
    let report = dir.path().join("report.json");
    std::fs::write(&report, "x".repeat(100_000)).unwrap();
    let o = instrlint(
        dir.path(),
        &["check", "--format", "json", "--output", "report.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
}

#[test]
fn json_format() {
    let dir = go_tree();
    let o = instrlint(dir.path(), &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.ends_with("}\n"));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tool"]["name"], "instrlint");
    assert!(v["findings"].is_array());
    for key in [
        "files_checked",
        "files_parsed",
        "errors",
        "warnings",
        "notes",
    ] {
        assert!(v["summary"][key].is_u64(), "summary.{key}");
    }
}

#[test]
fn sarif_format() {
    let dir = go_tree();
    let o = instrlint(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "instrlint");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    assert!(run["results"].is_array());
}

#[test]
fn github_and_text_formats_run() {
    let dir = go_tree();
    for format in ["github", "text"] {
        let o = instrlint(dir.path(), &["check", "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(!stdout(&o).contains('\u{1b}'));
    }
}

#[test]
fn rules_lists_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let o = instrlint(dir.path(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let first = stdout(&o).lines().next().unwrap().to_string();
    assert!(first.starts_with("CODE"), "{first}");
    assert!(first.contains("NAME") && first.contains("LEVEL") && first.contains("SUMMARY"));
    let o = instrlint(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v.is_array());
}

#[test]
fn explain_unknown_code_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = instrlint(dir.path(), &["explain", "X999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("instrlint rules"), "{}", stderr(&o));
    let o = instrlint(dir.path(), &["explain", "I002"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("# I002 parse-error"));
}

#[test]
fn debug_facts_prints_json() {
    let dir = go_tree();
    let o = instrlint(dir.path(), &["debug", "facts", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["files"].is_object());
    assert!(v["packages"].is_array());
}

#[test]
fn debug_parse_counts_every_file_or_only_the_prefiltered_ones() {
    let dir = go_tree();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "metrics.go",
        "package main\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\nvar _ = prometheus.NewCounter\n",
    );
    write(
        "gen.go",
        "// Code generated by protoc. DO NOT EDIT.\n\npackage main\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n",
    );
    let all = instrlint(dir.path(), &["debug", "parse", "."]);
    assert_eq!(all.status.code(), Some(0), "{}", stderr(&all));
    assert!(
        stdout(&all).starts_with("parsed 3 files,"),
        "{}",
        stdout(&all)
    );
    // The prefilter floor: main.go mentions no API, gen.go is generated.
    let floor = instrlint(dir.path(), &["debug", "parse", "--prefilter", "."]);
    assert_eq!(floor.status.code(), Some(0), "{}", stderr(&floor));
    let out = stdout(&floor);
    assert!(out.starts_with("parsed 1 files,"), "{out}");
    assert!(
        out.contains("2 skipped by the prefilter or as generated"),
        "{out}"
    );
}

#[test]
fn debug_facts_include_rule_files_and_queries() {
    let dir = go_tree();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nconst q = \"rate(room_members[5m])\"\n\nfunc main() {}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("alerts.rules.yml"),
        "groups:\n  - name: rooms\n    rules:\n      - alert: A\n        expr: |\n          histogram_quantile(0.9, rate(x[5m]))\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("values.yaml"), "replicas: 2\n").unwrap();
    let o = instrlint(dir.path(), &["debug", "facts", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["packages"][0]["queries"][0]["text"],
        "rate(room_members[5m])"
    );
    let rules = &v["rule_files"];
    assert_eq!(rules.as_array().map(Vec::len), Some(1), "{rules}");
    assert_eq!(rules[0]["path"], "alerts.rules.yml");
    assert_eq!(rules[0]["queries"][0]["selectors"][0]["metric"], "x");
    assert_eq!(rules[0]["queries"][0]["selectors"][0]["in_quantile"], true);
}

#[test]
fn in_process_run_is_plain() {
    let dir = go_tree();
    let path = dir.path().to_str().unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = instrlint_cli::run_cli(["instrlint", "check", path], &mut out, &mut err);
    assert_eq!(code, 0);
    assert!(!out.contains(&0x1b));
    let code = instrlint_cli::run_cli(["instrlint", "check", "--bogus"], &mut out, &mut err);
    assert_eq!(code, 2);
}

/// A file tree-sitter cannot finish parsing (its error recovery runs for
/// hours; found by the fuzzer) is given up at `--parse-timeout`, reported as
/// I002 at its first line, and the rest of the tree is still linted.
#[test]
fn a_file_tree_sitter_cannot_finish_is_given_up_and_reported() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions/source/tree-sitter-error-recovery.go.txt");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&input, dir.path().join("broken.go")).unwrap();
    std::fs::create_dir(dir.path().join("ok")).unwrap();
    std::fs::write(
        dir.path().join("ok/ok.go"),
        "package ok\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
         var c = prometheus.NewCounter(prometheus.CounterOpts{Name: \"rooms_joined\", Help: \"h\"})\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_instrlint"))
        .args([
            "check",
            "--format",
            "json",
            "--parse-timeout",
            "1",
            "--stats",
            ".",
        ])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Without the limit this run never ends: fail instead of hanging the suite.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("instrlint still running after 300 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 given up at --parse-timeout"),
        "{}",
        stderr(&o)
    );
    let found = findings(&o);
    let given_up: Vec<_> = found.iter().filter(|f| f.0 == "I002").collect();
    assert_eq!(
        given_up,
        [&("I002".to_string(), "broken.go".to_string(), 1)],
        "{found:?}"
    );
    assert!(
        messages(&o).lines().any(|m| m
            == "parse error: tree-sitter did not finish parsing this file within 1 s; \
                it was not linted"),
        "{}",
        messages(&o)
    );
    assert!(
        found.contains(&("M105".to_string(), "ok/ok.go".to_string(), 5)),
        "{found:?}"
    );
}

/// C605 is off by default: `rules` says so, a default run does not report
/// it, `--select`/`--extend-select`/`extend_select` do, and its SARIF
/// descriptor says `enabled: false`.
#[test]
fn a_rule_off_by_default_runs_only_when_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pull.go"),
        "package images\n\nimport \"context\"\n\nfunc Pull(ctx context.Context) error {\n\treturn fetch(context.Background())\n}\n\nfunc fetch(ctx context.Context) error { return nil }\n",
    )
    .unwrap();
    let rules = instrlint(dir.path(), &["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_slice(&rules.stdout).unwrap();
    let c605 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "C605")
        .expect("C605 is listed");
    assert_eq!(c605["default"], false);
    assert_eq!(c605["level"], "note");
    let text = stdout(&instrlint(dir.path(), &["rules"]));
    assert!(
        text.lines()
            .any(|l| l.starts_with("C605") && l.contains("note (off by default)")),
        "{text}"
    );

    let codes = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["check", ".", "--format", "json", "--fail-on", "never"];
        a.extend_from_slice(args);
        findings(&instrlint(dir.path(), &a))
            .into_iter()
            .map(|f| f.0)
            .collect()
    };
    assert!(codes(&[]).is_empty());
    assert_eq!(codes(&["--select", "C"]), Vec::<String>::new());
    assert_eq!(codes(&["--select", "C605"]), ["C605"]);
    assert_eq!(codes(&["--extend-select", "c605"]), ["C605"]);
    std::fs::write(
        dir.path().join("instrlint.toml"),
        "[rules]\nextend_select = [\"C605\"]\n",
    )
    .unwrap();
    assert_eq!(codes(&[]), ["C605"]);

    let sarif = instrlint(
        dir.path(),
        &["check", ".", "--format", "sarif", "--fail-on", "never"],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let descriptors = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let c605 = descriptors.iter().find(|r| r["id"] == "C605").unwrap();
    assert_eq!(c605["defaultConfiguration"]["enabled"], false);
    assert_eq!(c605["defaultConfiguration"]["level"], "note");
    let m105 = descriptors.iter().find(|r| r["id"] == "M105").unwrap();
    assert_eq!(m105["defaultConfiguration"]["enabled"], true);
}

/// `instrlint ARGS…` in `dir`, killed (and the test failed) after `secs` seconds.
fn instrlint_within(dir: &Path, args: &[&str], secs: u64) -> (Output, std::time::Duration) {
    let started = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_instrlint"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = started + std::time::Duration::from_secs(secs);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("instrlint {args:?} still running after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (child.wait_with_output().unwrap(), started.elapsed())
}

/// `n` function literals nested around `inner`, each declaring and
/// updating a local (every literal is a scope of its own).
fn nested_literals(header: &str, n: usize, inner: &str) -> String {
    format!(
        "{header}\nfunc f() {{\n{}{inner}{}}}\n",
        "\tg(func() {\n\tv := 1\n\tv++\n".repeat(n),
        "\t})\n".repeat(n)
    )
}

const PROM_HEADER: &str = "package p\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
var c = prometheus.NewCounterVec(prometheus.CounterOpts{Name: \"shop_requests_total\", Help: \"h\"}, []string{\"x\"})\n";

/// Extraction was quadratic in the function literals around a metric call
/// (each enclosing literal's scope was built by walking its whole body:
/// 1,000 levels 1.4 s, 8,000 about 80 s in a release build). Linear now:
/// 8,000 levels take about a second in a debug build (`.ci/run` checks the
/// release build against 5 s).
#[test]
fn function_literals_nested_8000_deep_around_metric_calls() {
    const N: usize = 8_000;
    let dir = tempfile::tempdir().unwrap();
    for (pkg, inner) in [
        (
            "new",
            "\t_ = prometheus.NewCounter(prometheus.CounterOpts{Name: \"shop_orders\", Help: \"h\"})\n",
        ),
        ("use", "\tc.WithLabelValues(\"a\", \"b\").Inc()\n"),
    ] {
        std::fs::create_dir(dir.path().join(pkg)).unwrap();
        std::fs::write(
            dir.path().join(pkg).join("f.go"),
            nested_literals(PROM_HEADER, N, inner),
        )
        .unwrap();
    }
    let args = ["check", "--format", "json", "--select", "M105,L203", "."];
    let (o, took) = instrlint_within(dir.path(), &args, 60);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let line = (6 + 3 * N + 2) as u64;
    assert_eq!(
        findings(&o),
        [
            ("M105".to_string(), "new/f.go".to_string(), line),
            ("L203".to_string(), "use/f.go".to_string(), line),
        ],
        "{}",
        stderr(&o)
    );
    eprintln!("{N} nested function literals: {took:?}");
}

/// Some shapes still make an analysis slow (a span started in each of
/// hundreds of nested literals: the span facts look at every enclosing
/// function). `--parse-timeout` bounds a file's extraction as it bounds its
/// parse: past it the file is an I002 at line 1, its facts are dropped and
/// the rest of the tree is linted.
#[test]
fn a_file_whose_extraction_runs_over_is_given_up_and_reported() {
    const N: usize = 400;
    let dir = tempfile::tempdir().unwrap();
    let level = "\tg(func() {\n\tctx, span := tracer.Start(ctx, \"op\")\n\tdefer span.End()\n\
                 \tc.WithLabelValues(\"a\").Inc()\n";
    let slow = format!(
        "package slow\n\nimport (\n\t\"context\"\n\n\t\"github.com/prometheus/client_golang/prometheus\"\n\
         \t\"go.opentelemetry.io/otel\"\n)\n\nvar tracer = otel.Tracer(\"p\")\n\n\
         var c = prometheus.NewCounterVec(prometheus.CounterOpts{{Name: \"slow_total\", Help: \"h\"}}, []string{{\"x\"}})\n\n\
         func f(ctx context.Context) {{\n{}\t_ = prometheus.NewCounter(prometheus.CounterOpts{{Name: \"slow_orders\", Help: \"h\"}})\n{}}}\n",
        level.repeat(N),
        "\t})\n".repeat(N)
    );
    std::fs::create_dir(dir.path().join("slow")).unwrap();
    std::fs::write(dir.path().join("slow/f.go"), slow).unwrap();
    std::fs::create_dir(dir.path().join("ok")).unwrap();
    std::fs::write(
        dir.path().join("ok/ok.go"),
        "package ok\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
         var c = prometheus.NewCounter(prometheus.CounterOpts{Name: \"rooms_joined\", Help: \"h\"})\n",
    )
    .unwrap();
    let args = [
        "check",
        "--format",
        "json",
        "--parse-timeout",
        "1",
        "--stats",
        ".",
    ];
    let (o, _) = instrlint_within(dir.path(), &args, 120);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let found = findings(&o);
    assert_eq!(
        found
            .iter()
            .filter(|f| f.1 == "slow/f.go")
            .collect::<Vec<_>>(),
        [&("I002".to_string(), "slow/f.go".to_string(), 1)],
        "nothing else of the file: {found:?}"
    );
    assert!(
        messages(&o).lines().any(|m| m
            == "parse error: instrlint did not finish reading this file's instrumentation \
                within 1 s; it was not linted"),
        "{}",
        messages(&o)
    );
    assert!(
        found.contains(&("M105".to_string(), "ok/ok.go".to_string(), 5)),
        "{found:?}"
    );
    assert!(
        stderr(&o).contains("1 extractions given up at --parse-timeout"),
        "{}",
        stderr(&o)
    );
}

// ------------------------------------------------------------------ --output

/// A tree with one M105 finding, and the JSON report of it.
fn finding_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.go"),
        "package m\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
         var c = prometheus.NewCounter(prometheus.CounterOpts{Name: \"rooms_joined\", Help: \"h\"})\n",
    )
    .unwrap();
    dir
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn output_writes_through_a_symlink_and_keeps_modes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = finding_tree();
    let d = dir.path();
    std::fs::create_dir(d.join("reports")).unwrap();
    std::fs::write(d.join("reports/out.json"), "old").unwrap();
    std::fs::set_permissions(
        d.join("reports/out.json"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::os::unix::fs::symlink("reports/out.json", d.join("link.json")).unwrap();
    let o = instrlint(
        d,
        &["check", "--format", "json", "--output", "link.json", "m.go"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let link = std::fs::symlink_metadata(d.join("link.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is kept");
    let written = std::fs::read_to_string(d.join("reports/out.json")).unwrap();
    assert!(written.contains("\"M105\""), "{written}");
    assert_eq!(mode(&d.join("reports/out.json")), 0o644);
    // A dangling link: its target is created.
    std::os::unix::fs::symlink("reports/new.json", d.join("dangling.json")).unwrap();
    let o = instrlint(
        d,
        &[
            "check",
            "--format",
            "json",
            "--output",
            "dangling.json",
            "m.go",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(std::fs::read_to_string(d.join("reports/new.json"))
        .unwrap()
        .contains("\"M105\""));
    // An existing 0600 file stays 0600; a new file gets 0666 less the umask.
    std::fs::set_permissions(
        d.join("reports/out.json"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let o = instrlint(d, &["check", "--output", "reports/out.json", "m.go"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(mode(&d.join("reports/out.json")), 0o600);
    let o = Command::new("sh")
        .args([
            "-c",
            "umask 027; exec \"$0\" check --output fresh.txt --write-baseline base.json m.go",
        ])
        .arg(env!("CARGO_BIN_EXE_instrlint"))
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(mode(&d.join("fresh.txt")), 0o640);
    assert_eq!(mode(&d.join("base.json")), 0o640);
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(unix)]
#[test]
fn output_to_a_fifo_writes_into_it() {
    let dir = finding_tree();
    let d = dir.path();
    let fifo = d.join("out.fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = Command::new("sh")
        .args(["-c", "cat out.fifo > got.json"])
        .current_dir(d)
        .spawn()
        .unwrap();
    let mut reader = reader;
    let o = instrlint(
        d,
        &["check", "--format", "json", "--output", "out.fifo", "m.go"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Had the FIFO been replaced, its reader would wait for ever.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while reader.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            reader.kill().ok();
            panic!("the FIFO's reader got nothing");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let got = std::fs::read_to_string(d.join("got.json")).unwrap();
    assert!(got.contains("\"M105\""), "{got}");
}

/// A run interrupted while its temporary file exists removes it and dies of
/// the signal; the previous report is untouched.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    for (signal, number) in [("TERM", 15), ("INT", 2)] {
        let dir = finding_tree();
        let d = dir.path();
        std::fs::write(d.join("out.json"), "previous").unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_instrlint"))
            .args(["check", "--format", "json", "--output", "out.json", "m.go"])
            .current_dir(d)
            .env("INSTRLINT_TEST_STALL_OUTPUT", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let temps = || -> Vec<String> {
            std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".instrlint-") && n.ends_with(".tmp"))
                .collect()
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while temps().is_empty() {
            assert!(
                std::time::Instant::now() < deadline,
                "no temporary file appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let killed = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(number), "{status:?}");
        assert!(temps().is_empty(), "{signal}: {:?} left behind", temps());
        assert_eq!(
            std::fs::read_to_string(d.join("out.json")).unwrap(),
            "previous"
        );
    }
}

/// `instrlint ARGS…` in `dir` with its standard output closed by the reader
/// before anything is written (as `instrlint … | head -1` ends up).
fn instrlint_into_closed_pipe(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_instrlint"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

/// A closed standard output is quiet, like other command-line tools, and
/// changes nothing else: the exit code is that of the findings whatever the
/// size of the report (it was 2 with an error once the pipe was full).
#[test]
fn a_closed_pipe_on_stdout_is_quiet_and_keeps_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut big =
        String::from("package m\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n");
    for i in 0..600 {
        big.push_str(&format!(
            "var c{i} = prometheus.NewCounter(prometheus.CounterOpts{{Name: \"rooms_joined_{i}\", Help: \"h\"}})\n"
        ));
    }
    std::fs::create_dir(dir.path().join("big")).unwrap();
    std::fs::write(dir.path().join("big/m.go"), big).unwrap();
    for args in [
        &["check", "big"][..],
        &["check", "--format", "json", "big"],
        &["check", "--select", "M105", "--format", "github", "big"],
    ] {
        let o = instrlint_into_closed_pipe(dir.path(), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("error:"), "{args:?}: {}", stderr(&o));
    }
    for args in [&["rules"][..], &["explain", "M105"]] {
        let o = instrlint_into_closed_pipe(dir.path(), args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
    }
}

/// A file name that is not UTF-8 keeps its bytes where the format allows:
/// raw in the text format, `\xNN` in JSON strings, percent-encoded in SARIF
/// URIs; never U+FFFD, which names a file that does not exist.
#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_keep_their_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = finding_tree();
    let d = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.go");
    std::fs::rename(d.join("m.go"), d.join(name)).unwrap();
    let o = instrlint(d, &["check", "--select", "M105", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        o.stdout.windows(10).any(|w| w == b"caf\xe9.go:5:"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = instrlint(d, &["check", "--select", "M105", "--format", "json", "."]);
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "caf\\xe9.go".to_string(), 5)]
    );
    let o = instrlint(d, &["check", "--select", "M105", "--format", "sarif", "."]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"];
    assert_eq!(uri, "caf%E9.go");
    for format in ["json", "sarif", "github", "markdown"] {
        let o = instrlint(d, &["check", "--select", "M105", "--format", format, "."]);
        assert!(
            !String::from_utf8(o.stdout.clone())
                .unwrap()
                .contains('\u{fffd}'),
            "{format}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}
