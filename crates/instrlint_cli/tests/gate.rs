//! The pull-request gate and the editor/pre-commit paths, end to end through
//! the binary: files named explicitly (package siblings read, not reported),
//! `--stdin-filename`, `--diff-base` on temporary git repositories, and
//! `--baseline` / `--write-baseline`.

mod common;

use common::{findings, messages, text};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn instrlint_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_instrlint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run instrlint");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn instrlint(dir: &Path, args: &[&str]) -> Output {
    instrlint_in(dir, args, None)
}

#[track_caller]
fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "--- stdout\n{}\n--- stderr\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

const NAMES_GO: &str = "package room\n\nconst joinsName = \"livestream_room_joins\"\n";

const METRICS_GO: &str = r#"package room

import "github.com/prometheus/client_golang/prometheus"

var served = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "livestream_room_served_total",
	Help: "Requests served.",
})
"#;

/// A counter named through `joinsName` (declared in names.go), to append.
const NEW_COUNTER: &str = r#"
var joins = prometheus.NewCounter(prometheus.CounterOpts{
	Name: joinsName,
	Help: "Viewers admitted.",
})
"#;

const LEGACY_GO: &str = r#"package room

import "github.com/prometheus/client_golang/prometheus"

var leaves = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "livestream_room_leaves",
	Help: "Viewers who left.",
})
"#;

fn write(dir: &Path, name: &str, contents: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// room/{names,metrics(with the new counter),legacy}.go
fn room_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "room/names.go", NAMES_GO);
    write(
        dir.path(),
        "room/metrics.go",
        &format!("{METRICS_GO}{NEW_COUNTER}"),
    );
    write(dir.path(), "room/legacy.go", LEGACY_GO);
    dir
}

#[test]
fn named_files_are_reported_alone_but_resolved_with_their_package() {
    let dir = room_tree();
    let o = instrlint(
        dir.path(),
        &["check", "--format", "json", "room/metrics.go"],
    );
    assert_code(&o, 1);
    // The constant lives in names.go, which was read but not named.
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "room/metrics.go".to_string(), 11)]
    );
    assert!(
        messages(&o).contains("livestream_room_joins"),
        "{}",
        messages(&o)
    );
    // legacy.go's finding only when it is named or its directory is.
    let o = instrlint(dir.path(), &["check", "--format", "json", "room"]);
    assert_eq!(findings(&o).len(), 2);
    let o = instrlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "room/legacy.go",
            "room/names.go",
        ],
    );
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "room/legacy.go".to_string(), 6)]
    );
    assert!(
        text(&o.stderr).starts_with("checked 2 files"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn stdin_filename_lints_the_unsaved_buffer_with_siblings_from_disk() {
    let dir = room_tree();
    // On disk metrics.go is clean; the buffer adds the counter.
    write(dir.path(), "room/metrics.go", METRICS_GO);
    let buffer = format!("{METRICS_GO}{NEW_COUNTER}");
    let args = [
        "check",
        "--format",
        "json",
        "--stdin-filename",
        "room/metrics.go",
    ];
    let o = instrlint_in(dir.path(), &args, Some(&buffer));
    assert_code(&o, 1);
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "room/metrics.go".to_string(), 11)]
    );
    assert!(messages(&o).contains("livestream_room_joins"));
    // The buffer wins over the disk: a clean buffer is clean.
    let o = instrlint_in(dir.path(), &args, Some(METRICS_GO));
    assert_code(&o, 0);
    // A new file not yet saved.
    let mut args = args;
    args[4] = "room/new.go";
    let o = instrlint_in(
        dir.path(),
        &args,
        Some(&format!("{METRICS_GO}{NEW_COUNTER}")),
    );
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "room/new.go".to_string(), 11)]
    );
    // Other paths are a usage error.
    let o = instrlint_in(
        dir.path(),
        &["check", "--stdin-filename", "room/new.go", "room"],
        Some(""),
    );
    assert_code(&o, 2);
    assert!(
        text(&o.stderr).contains("--stdin-filename"),
        "{}",
        text(&o.stderr)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
}

/// A repository whose `main` holds names.go, metrics.go (clean) and
/// legacy.go (one old finding), on branch `feature`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["config", "user.name", "Test"]);
    git(d, &["config", "user.email", "test@example.com"]);
    git(d, &["config", "commit.gpgsign", "false"]);
    // A user's diff settings must not change what --diff-base sees.
    git(d, &["config", "diff.noprefix", "true"]);
    write(d, "room/names.go", NAMES_GO);
    write(d, "room/metrics.go", METRICS_GO);
    write(d, "room/legacy.go", LEGACY_GO);
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "base"]);
    git(d, &["checkout", "-q", "-b", "feature"]);
    dir
}

#[test]
fn diff_base_reports_only_changed_lines_resolving_unchanged_files() {
    let dir = repo();
    let d = dir.path();
    write(d, "room/metrics.go", &format!("{METRICS_GO}{NEW_COUNTER}"));
    git(d, &["commit", "-q", "-am", "add joins"]);
    // main moved on too: the merge base, not main's tip, is compared.
    git(d, &["checkout", "-q", "main"]);
    write(d, "room/other.go", "package room\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "main moves"]);
    git(d, &["checkout", "-q", "feature"]);

    let o = instrlint(d, &["check", "--format", "json", "--diff-base", "main"]);
    assert_code(&o, 1);
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "room/metrics.go".to_string(), 11)]
    );
    assert!(messages(&o).contains("livestream_room_joins"));
    // Without --diff-base the old finding is there too.
    let o = instrlint(d, &["check", "--format", "json"]);
    assert_eq!(findings(&o).len(), 2);
    // From a subdirectory, paths are mapped to the display paths.
    let o = instrlint(
        &d.join("room"),
        &["check", "--format", "json", "--diff-base", "main", "."],
    );
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "metrics.go".to_string(), 11)]
    );

    // Nothing changed since HEAD: clean.
    let o = instrlint(d, &["check", "--diff-base", "HEAD"]);
    assert_code(&o, 0);
    // Uncommitted edits and untracked files count.
    write(
        d,
        "room/legacy.go",
        &LEGACY_GO.replace("Viewers who left.", "Viewers who left!"),
    );
    write(
        d,
        "room/fresh.go",
        LEGACY_GO.replace("leaves", "exits").as_str(),
    );
    let o = instrlint(d, &["check", "--format", "json", "--diff-base", "HEAD"]);
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "room/fresh.go".to_string(), 6)],
        "the legacy.go edit is on the Help line, not the flagged Name line"
    );
    write(
        d,
        "room/legacy.go",
        &LEGACY_GO.replace("_leaves\"", "_left\""),
    );
    let o = instrlint(d, &["check", "--format", "json", "--diff-base", "HEAD"]);
    assert_eq!(findings(&o).len(), 2, "{:?}", findings(&o));
}

#[cfg(unix)]
#[test]
fn diff_base_runs_no_program_the_repository_configures() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo();
    let d = dir.path();
    let marker = d.join("ran");
    let hook = d.join("hook.sh");
    std::fs::write(&hook, format!("#!/bin/sh\ntouch '{}'\n", marker.display())).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hook = hook.to_str().unwrap();
    git(d, &["config", "core.fsmonitor", hook]);
    git(d, &["config", "diff.external", hook]);
    git(d, &["config", "diff.sneaky.textconv", hook]);
    write(d, ".gitattributes", "*.go diff=sneaky\n");
    write(d, "room/metrics.go", &format!("{METRICS_GO}{NEW_COUNTER}"));

    let o = instrlint(d, &["check", "--format", "json", "--diff-base", "HEAD"]);
    assert_code(&o, 1);
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "room/metrics.go".to_string(), 11)]
    );
    assert!(
        !marker.exists(),
        "git ran a program the repository configured"
    );
    // The same configuration does run the hook for a plain `git diff`.
    let o = Command::new("git")
        .args(["diff", "HEAD"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        marker.exists(),
        "the hook is not runnable: the test proves nothing"
    );
}

#[test]
fn diff_base_errors_exit_2() {
    let dir = repo();
    let o = instrlint(dir.path(), &["check", "--diff-base", "no-such-branch"]);
    assert_code(&o, 2);
    assert!(
        text(&o.stderr).contains("unknown revision `no-such-branch`"),
        "{}",
        text(&o.stderr)
    );
    let o = instrlint(dir.path(), &["check", "--diff-base=--output=x"]);
    assert_code(&o, 2);
    assert!(
        text(&o.stderr).contains("`--output=x` is not a revision"),
        "{}",
        text(&o.stderr)
    );
    let plain = room_tree();
    let o = instrlint(plain.path(), &["check", "--diff-base", "main"]);
    assert_code(&o, 2);
    assert!(
        text(&o.stderr).contains("--diff-base needs a git repository"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn baseline_accepts_old_findings_and_survives_edits() {
    let dir = room_tree();
    let d = dir.path();
    let o = instrlint(d, &["check", "--write-baseline", "baseline.json"]);
    assert_code(&o, 0);
    assert!(
        text(&o.stderr).contains("wrote 2 baseline entries"),
        "{}",
        text(&o.stderr)
    );
    let written = std::fs::read_to_string(d.join("baseline.json")).unwrap();
    let v: Value = serde_json::from_str(&written).unwrap();
    let entries = v["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["path"], "room/legacy.go");
    assert_eq!(entries[0]["line"], "Name: \"livestream_room_leaves\",");
    assert_eq!(entries[1]["path"], "room/metrics.go");
    assert!(written.ends_with("}\n") && written.contains("\n  \"findings\": ["));

    let o = instrlint(d, &["check", "--baseline", "baseline.json"]);
    assert_code(&o, 0);
    // Lines moved and re-indented: still accepted.
    write(
        d,
        "room/legacy.go",
        &LEGACY_GO
            .replace("import", "// moved down\n\nimport")
            .replace("\tName: ", "\t\tName:   "),
    );
    let o = instrlint(d, &["check", "--baseline", "baseline.json"]);
    assert_code(&o, 0);
    // A second identical flagged line in the same file is new (occurrence 2).
    let moved = std::fs::read_to_string(d.join("room/legacy.go")).unwrap();
    let second = "\nvar leaves2 = prometheus.NewCounter(prometheus.CounterOpts{\n\tName: \"livestream_room_leaves\",\n\tHelp: \"Again.\",\n})\n";
    write(d, "room/legacy.go", &format!("{moved}{second}"));
    let o = instrlint(
        d,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "M105",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_code(&o, 1);
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "room/legacy.go".to_string(), 13)]
    );

    // A fixed finding leaves a stale entry, reported only when asked for,
    // on stderr, without changing the exit code.
    write(
        d,
        "room/legacy.go",
        &LEGACY_GO.replace("_leaves\"", "_leaves_total\""),
    );
    let o = instrlint(d, &["check", "--baseline", "baseline.json"]);
    assert_code(&o, 0);
    assert!(!text(&o.stderr).contains("baseline entry"));
    let o = instrlint(
        d,
        &[
            "check",
            "--baseline",
            "baseline.json",
            "--report-unused-ignores",
        ],
    );
    assert_code(&o, 0);
    assert!(
        text(&o.stderr).contains(
            "warning: baseline entry matches no finding: M105 room/legacy.go: `Name: \"livestream_room_leaves\",`"
        ),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn bad_baseline_is_a_usage_error() {
    let dir = room_tree();
    write(dir.path(), "b.json", "{\"version\": 7, \"findings\": []}");
    let o = instrlint(dir.path(), &["check", "--baseline", "b.json"]);
    assert_code(&o, 2);
    assert!(
        text(&o.stderr).contains("invalid baseline"),
        "{}",
        text(&o.stderr)
    );
    let o = instrlint(dir.path(), &["check", "--baseline", "missing.json"]);
    assert_code(&o, 2);
}

#[test]
fn markdown_summary_links_rules_and_files() {
    let dir = room_tree();
    let o = Command::new(env!("CARGO_BIN_EXE_instrlint"))
        .args(["check", "--format", "markdown", "room"])
        .current_dir(dir.path())
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_SHA", "abc123")
        .output()
        .unwrap();
    assert_code(&o, 1);
    let md = text(&o.stdout);
    assert!(
        md.contains("**2 findings** (0 errors, 2 warnings, 0 notes)"),
        "{md}"
    );
    assert!(
        md.contains("| [M105 counter-missing-total](https://github.com/instrlint/instrlint/blob/main/rules/M105-counter-missing-total.md) | [room/legacy.go](https://github.com/o/r/blob/abc123/room/legacy.go#L6) | 1 | 6 |"),
        "{md}"
    );
}

/// The GitHub Action's script, run as the action runs it, with the
/// `GITHUB_*` files in a temporary directory and the binary under test.
struct ActionRun {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: String,
    summary: String,
    /// Results in the SARIF report, when one was written.
    sarif_results: Option<usize>,
}

fn action(workspace: &Path, event: &str, base_sha: &str, inputs: &[(&str, &str)]) -> ActionRun {
    let gh = tempfile::tempdir().unwrap();
    let output = gh.path().join("output");
    let summary = gh.path().join("summary");
    std::fs::write(&output, "").unwrap();
    std::fs::write(&summary, "").unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/action.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(&script)
        .current_dir(gh.path())
        .env("INSTRLINT_BIN", env!("CARGO_BIN_EXE_instrlint"))
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_EVENT_NAME", event)
        .env("RUNNER_TEMP", gh.path())
        .env("PR_BASE_SHA", base_sha)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_SHA", "abc123");
    for (k, v) in inputs {
        cmd.env(format!("INPUT_{k}"), v);
    }
    let o = cmd.output().expect("run bash");
    let run = ActionRun {
        code: o.status.code().unwrap_or(-1),
        stdout: text(&o.stdout),
        stderr: text(&o.stderr),
        outputs: std::fs::read_to_string(&output).unwrap(),
        summary: std::fs::read_to_string(&summary).unwrap(),
        sarif_results: None,
    };
    // The SARIF default lives in RUNNER_TEMP: check it before it goes.
    if let Some(path) = output_value(&run.outputs, "sarif-file") {
        let sarif: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("SARIF written")).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap().len();
        let findings: usize = output_value(&run.outputs, "findings")
            .unwrap()
            .parse()
            .unwrap();
        // The SARIF report holds every finding; `findings` only those the
        // diff base lets through.
        assert!(
            results >= findings,
            "SARIF results {results} < findings {findings}"
        );
        return ActionRun {
            sarif_results: Some(results),
            ..run
        };
    }
    run
}

fn output_value<'a>(outputs: &'a str, key: &str) -> Option<&'a str> {
    outputs
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
}

fn head(dir: &Path, rev: &str) -> String {
    let o = Command::new("git")
        .args(["rev-parse", rev])
        .current_dir(dir)
        .output()
        .unwrap();
    text(&o.stdout).trim().to_string()
}

#[test]
fn action_on_a_pull_request_reports_only_the_change() {
    let dir = repo();
    let d = dir.path();
    write(d, "room/metrics.go", &format!("{METRICS_GO}{NEW_COUNTER}"));
    git(d, &["commit", "-q", "-am", "add joins"]);
    let base = head(d, "main");

    let r = action(d, "pull_request", &base, &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let annotations: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 1, "{}", r.stdout);
    assert!(
        annotations[0].starts_with("::warning file=room/metrics.go,line=11,"),
        "{}",
        annotations[0]
    );
    assert_eq!(output_value(&r.outputs, "findings"), Some("1"));
    assert_eq!(output_value(&r.outputs, "exit-code"), Some("1"));
    // Code scanning gets the whole state: legacy.go's old finding too.
    assert_eq!(r.sarif_results, Some(2));
    assert!(output_value(&r.outputs, "sarif-file")
        .unwrap()
        .ends_with("/instrlint.sarif"));
    assert!(r.summary.starts_with("## instrlint"), "{}", r.summary);
    assert!(
        r.summary.contains(
            "[room/metrics.go](https://github.com/o/r/blob/abc123/room/metrics.go#L11) | 1 | 11 |"
        ),
        "{}",
        r.summary
    );
    assert!(!r.summary.contains("legacy.go"));

    // A push lints everything; fail-on never passes.
    let r = action(d, "push", &base, &[("FAIL_ON", "never")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(output_value(&r.outputs, "findings"), Some("2"));
    assert_eq!(output_value(&r.outputs, "exit-code"), Some("0"));
    // diff-base none on a pull request; paths, working directory, sarif-file.
    let r = action(
        d,
        "pull_request",
        &base,
        &[
            ("DIFF_BASE", "none"),
            ("WORKING_DIRECTORY", "room"),
            ("PATHS", "legacy.go names.go"),
            ("ARGS", "--select M105"),
            ("SARIF_FILE", "out/lint.sarif"),
        ],
    );
    assert_eq!(
        output_value(&r.outputs, "findings"),
        Some("1"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("::warning file=room/legacy.go,line=6,"),
        "{}",
        r.stdout
    );
    assert_eq!(
        output_value(&r.outputs, "sarif-file"),
        Some(d.join("out/lint.sarif").to_str().unwrap())
    );
}

#[test]
fn action_clean_and_error_paths() {
    let dir = repo();
    let d = dir.path();
    let base = head(d, "main");
    let r = action(d, "pull_request", &base, &[]);
    assert_eq!(
        output_value(&r.outputs, "findings"),
        Some("0"),
        "{}",
        r.stderr
    );
    assert_eq!(output_value(&r.outputs, "exit-code"), Some("0"));
    assert!(r.summary.contains("No findings"), "{}", r.summary);

    let r = action(d, "push", &base, &[("FAIL_ON", "sometimes")]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("fail-on must be"), "{}", r.stdout);
    // A base the checkout does not hold fails the step and says how to fetch it.
    let r = action(d, "push", &base, &[("DIFF_BASE", "no-such-rev")]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("fetch-depth: 0"), "{}", r.stdout);
    assert_eq!(output_value(&r.outputs, "sarif-file"), None);
    assert_eq!(output_value(&r.outputs, "exit-code"), Some("2"));

    // actions/checkout's default: one commit, the pull request's base absent.
    write(d, "room/metrics.go", &format!("{METRICS_GO}{NEW_COUNTER}"));
    git(d, &["commit", "-q", "-am", "add joins"]);
    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", d.display());
    let o = Command::new("git")
        .args([
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, ".",
        ])
        .current_dir(shallow.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r = action(shallow.path(), "pull_request", &base, &[]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!("the diff base {base}")) && r.stdout.contains("fetch-depth: 0"),
        "{}",
        r.stdout
    );
    // A bad install mode is a usage error.
    let o = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/action.sh"))
        .arg("plan")
        .env("INPUT_INSTALL_MODE", "docker")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).contains("install-mode must be binary or source"));
}

#[test]
fn action_fail_step_exits_with_the_lint_code() {
    let o = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/action.sh"))
        .arg("--fail")
        .env("EXIT_CODE", "1")
        .env("FINDINGS", "3")
        .env("FAIL_ON", "warning")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout)
        .starts_with("::error title=instrlint::3 finding(s) at or above --fail-on warning"));
}

#[test]
fn one_run_writes_gated_and_full_reports() {
    let dir = repo();
    let d = dir.path();
    write(d, "room/metrics.go", &format!("{METRICS_GO}{NEW_COUNTER}"));
    git(d, &["commit", "-q", "-am", "add joins"]);
    let out = tempfile::tempdir().unwrap();
    let o_path = |name: &str| out.path().join(name).to_str().unwrap().to_string();
    let o = instrlint(
        d,
        &[
            "check",
            "--format",
            "github",
            "--diff-base",
            "main",
            "--report",
            &format!("json={}", o_path("gated.json")),
            "--report",
            &format!("markdown={}", o_path("summary.md")),
            "--full-report",
            &format!("sarif={}", o_path("full.sarif")),
            "--full-report",
            &format!("json={}", o_path("full.json")),
        ],
    );
    // The exit code and standard output follow --diff-base: one new finding.
    assert_code(&o, 1);
    let annotations: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    assert_eq!(annotations.len(), 1, "{annotations:?}");
    assert!(annotations[0].starts_with("::warning file=room/metrics.go,line=11,"));
    let json = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(out.path().join(name)).unwrap()).unwrap()
    };
    let lines = |v: &Value| -> Vec<(String, u64)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["start"]["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(lines(&json("gated.json")), [("room/metrics.go".into(), 11)]);
    // The full reports hold the old finding of legacy.go too.
    assert_eq!(
        lines(&json("full.json")),
        [("room/legacy.go".into(), 6), ("room/metrics.go".into(), 11)]
    );
    let sarif = json("full.sarif");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
    let md = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    assert!(
        md.contains("room/metrics.go") && !md.contains("legacy.go"),
        "{md}"
    );

    // Without --diff-base a full report is the same as a report.
    let o = instrlint(
        d,
        &[
            "check",
            "--format",
            "json",
            "--full-report",
            &format!("json={}", o_path("all.json")),
        ],
    );
    assert_code(&o, 1);
    assert_eq!(lines(&json("all.json")), lines(&json("full.json")));

    // Bad values are usage errors.
    for bad in ["sarif", "yaml=x", "sarif="] {
        let o = instrlint(d, &["check", "--report", bad]);
        assert_code(&o, 2);
    }
    let o = instrlint(
        d,
        &["check", "--report", "json=/nonexistent-dir/x/report.json"],
    );
    assert_code(&o, 2);
    assert!(
        text(&o.stderr).contains("cannot write"),
        "{}",
        text(&o.stderr)
    );
}

const VENDORED_GO: &str = r#"package acme

import "github.com/prometheus/client_golang/prometheus"

var hits = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "acme_cache_hits",
	Help: "Cache hits.",
})
"#;

#[test]
fn force_exclude_skips_named_files_walking_would_skip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "instrlint.toml", "exclude = [\"internal/gen/**\"]\n");
    write(d, "room/legacy.go", LEGACY_GO);
    write(d, "vendor/acme/a.go", VENDORED_GO);
    write(d, "room/testdata/t.go", VENDORED_GO);
    write(d, ".hidden/h.go", VENDORED_GO);
    write(d, "internal/gen/g.go", VENDORED_GO);
    write(
        d,
        "room/legacy_test.go",
        &LEGACY_GO.replace("leaves", "tested"),
    );
    write(
        d,
        "room/zz_generated.go",
        &format!(
            "// Code generated by hand. DO NOT EDIT.\n\n{}",
            LEGACY_GO.replace("leaves", "generated")
        ),
    );
    let named = [
        "room/legacy.go",
        "vendor/acme/a.go",
        "room/testdata/t.go",
        ".hidden/h.go",
        "internal/gen/g.go",
        "room/legacy_test.go",
        "room/zz_generated.go",
    ];
    let paths = |o: &Output| -> Vec<String> {
        let mut p: Vec<String> = findings(o).into_iter().map(|f| f.1).collect();
        p.dedup();
        p
    };
    // Named files are linted whatever their path, as before.
    let mut args = vec!["check", "--format", "json"];
    args.extend(named);
    let o = instrlint(d, &args);
    assert_code(&o, 1);
    assert_eq!(paths(&o).len(), named.len(), "{:?}", paths(&o));

    // --force-exclude: only what walking the tree would lint.
    args.push("--force-exclude");
    let o = instrlint(d, &args);
    assert_code(&o, 1);
    assert_eq!(paths(&o), ["room/legacy.go"]);
    assert!(
        text(&o.stderr).contains("checked 1 file"),
        "{}",
        text(&o.stderr)
    );
    // Tests come back with --include-tests.
    args.push("--include-tests");
    let o = instrlint(d, &args);
    assert_eq!(paths(&o), ["room/legacy.go", "room/legacy_test.go"]);

    // A commit that only adds vendored code is not blocked.
    let o = instrlint(d, &["check", "--force-exclude", "vendor/acme/a.go"]);
    assert_code(&o, 0);
    // The same for an editor's buffer.
    let o = instrlint_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--force-exclude",
            "--stdin-filename",
            "vendor/acme/a.go",
        ],
        Some(VENDORED_GO),
    );
    assert_code(&o, 0);
    assert!(findings(&o).is_empty());
    let o = instrlint_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "vendor/acme/a.go",
        ],
        Some(VENDORED_GO),
    );
    assert_code(&o, 1);
    // Walking is unchanged.
    let o = instrlint(d, &["check", "--format", "json", "--force-exclude", "."]);
    assert_eq!(paths(&o), ["room/legacy.go"]);
}

/// `action.sh plan` run as action.yml runs it, the action checked out at
/// `.../_actions/instrlint/instrlint/REF`: (mode, version).
fn plan(action_ref: &str, inputs: &[(&str, &str)]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let action_path = dir
        .path()
        .join("_actions/instrlint/instrlint")
        .join(action_ref);
    std::fs::create_dir_all(&action_path).unwrap();
    let output = dir.path().join("output");
    std::fs::write(&output, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/action.sh"))
        .arg("plan")
        .env_remove("INSTRLINT_BIN")
        .env("GITHUB_ACTION_PATH", &action_path)
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64");
    for (k, v) in inputs {
        cmd.env(format!("INPUT_{k}"), v);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stdout));
    let outputs = std::fs::read_to_string(&output).unwrap();
    (
        output_value(&outputs, "mode").unwrap().to_string(),
        output_value(&outputs, "version").unwrap().to_string(),
    )
}

#[test]
fn action_plan_installs_the_release_it_runs_at() {
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(plan("v0.1.0", &[]), s("binary", "v0.1.0"));
    assert_eq!(
        plan("v0.1.0", &[("VERSION", "0.2.0")]),
        s("binary", "v0.2.0")
    );
    // @main or a commit: built from the action's checkout, unless a release is named.
    assert_eq!(plan("main", &[]), s("source", ""));
    assert_eq!(
        plan("main", &[("VERSION", "v0.1.0")]),
        s("binary", "v0.1.0")
    );
    let sha = "0123456789abcdef0123456789abcdef01234567";
    assert_eq!(plan(sha, &[("VERSION", "v0.1.0")]), s("binary", "v0.1.0"));
    // A version that is not a release is built from source at that revision.
    assert_eq!(plan("main", &[("VERSION", sha)]), s("source", sha));
    // install-mode: source builds the action's own checkout.
    assert_eq!(
        plan("v0.1.0", &[("INSTALL_MODE", "source")]),
        s("source", "")
    );
}

// ------------------------------------------------- the gate never loses a finding

/// An empty repository on `main` with `files` committed, on branch `feature`.
fn repo_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["config", "user.name", "Test"]);
    git(d, &["config", "user.email", "test@example.com"]);
    git(d, &["config", "commit.gpgsign", "false"]);
    for (name, contents) in files {
        write(d, name, contents);
    }
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "base"]);
    git(d, &["checkout", "-q", "-b", "feature"]);
    dir
}

fn counter_go(package: &str, var: &str, name: &str) -> String {
    format!(
        "package {package}\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
         var {var} = prometheus.NewCounter(prometheus.CounterOpts{{\n\tName: \"{name}\",\n\tHelp: \"Orders.\",\n}})\n"
    )
}

/// (code, path, line) and the related sites' paths of every finding.
fn findings_with_related(o: &Output) -> Vec<(String, String, u64, Vec<String>)> {
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["related"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["path"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn diff_base_reports_a_duplicate_added_before_the_original() {
    // The original is in m/a.go; the duplicate, added by the change, in
    // m/0.go, which sorts first: M113 sits on the unchanged a.go, with the
    // new definition as its related location.
    let dir = repo_with(&[(
        "m/a.go",
        &counter_go("shop", "placed", "shop_orders_placed_total"),
    )]);
    let d = dir.path();
    write(
        d,
        "m/0.go",
        &counter_go("shop", "placedAgain", "shop_orders_placed_total"),
    );
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "duplicate"]);
    let o = instrlint(d, &["check", "--format", "json", "--diff-base", "main"]);
    assert_code(&o, 1);
    assert_eq!(
        findings_with_related(&o),
        [(
            "M113".to_string(),
            "m/a.go".to_string(),
            6,
            vec!["m/0.go".to_string()]
        )]
    );
    // Nothing changed since HEAD: the same finding is old.
    let o = instrlint(d, &["check", "--format", "json", "--diff-base", "HEAD"]);
    assert_code(&o, 0);
}

const VEC_GO: &str = r#"package shop

import "github.com/prometheus/client_golang/prometheus"

var requests = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "shop_requests_total",
	Help: "Requests.",
}, []string{"method"})
"#;

const USE_GO: &str = r#"package shop

func serve(method string) {
	requests.WithLabelValues(method).Inc()
}
"#;

#[test]
fn diff_base_reports_calls_a_changed_vector_breaks() {
    let dir = repo_with(&[("shop/vec.go", VEC_GO), ("shop/use.go", USE_GO)]);
    let d = dir.path();
    let o = instrlint(d, &["check", "--format", "json"]);
    assert_code(&o, 0);
    // A label added where the vector is declared breaks the call in use.go,
    // a line the change did not touch.
    write(
        d,
        "shop/vec.go",
        &VEC_GO.replace("{\"method\"}", "{\"method\", \"code\"}"),
    );
    let o = instrlint(d, &["check", "--format", "json", "--diff-base", "main"]);
    assert_code(&o, 1);
    assert_eq!(
        findings_with_related(&o),
        [(
            "L203".to_string(),
            "shop/use.go".to_string(),
            4,
            vec!["shop/vec.go".to_string()]
        )]
    );
}

#[cfg(unix)]
#[test]
fn diff_base_reads_names_git_quotes() {
    // Git quotes these names in its human-readable headers.
    let names = [
        "m/quo\"te.go",
        "m/back\\slash.go",
        "m/tab\tname.go",
        "m/new\nline.go",
    ];
    let clean = counter_go("m", "c", "shop_orders_total");
    let files: Vec<(&str, &str)> = names.iter().map(|n| (*n, clean.as_str())).collect();
    let dir = repo_with(&files);
    let d = dir.path();
    for n in names {
        write(d, n, &clean.replace("shop_orders_total", "shop_orders"));
    }
    let o = instrlint(
        d,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "M105",
            "--diff-base",
            "main",
        ],
    );
    assert_code(&o, 1);
    let mut got: Vec<String> = findings(&o).into_iter().map(|f| f.1).collect();
    got.sort();
    let mut want: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "{}", text(&o.stderr));
}

/// A raw string whose second line reads `++ b/x.go`: in a diff, where an
/// added line starts with `+`, it reads `+++ b/x.go`, like a file header.
const RAW_STRING_GO: &str =
    "package m\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
var doc = `\nold\n`\n\nfunc a() {}\n\nfunc b() {}\n\nfunc c() {}\n\nvar x = 1\n";

#[test]
fn diff_base_reads_hunks_by_their_counts() {
    let dir = repo_with(&[("m/doc.go", RAW_STRING_GO)]);
    let d = dir.path();
    let changed = RAW_STRING_GO.replace("old\n", "++ b/x.go\n").replace(
        "var x = 1\n",
        "var x = prometheus.NewCounter(prometheus.CounterOpts{Name: \"shop_orders\", Help: \"h\"})\n",
    );
    write(d, "m/doc.go", &changed);
    let o = instrlint(
        d,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "M105",
            "--diff-base",
            "main",
        ],
    );
    assert_code(&o, 1);
    assert_eq!(
        findings(&o),
        [("M105".to_string(), "m/doc.go".to_string(), 15)],
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn diff_base_reports_all_it_cannot_judge_and_says_so() {
    let dir = repo_with(&[("m/a.go", &counter_go("m", "c", "shop_orders_total"))]);
    let d = dir.path();
    // A tree outside the repository, and a repository nested inside it.
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "lib/old.go",
        &counter_go("lib", "c", "lib_orders"),
    );
    let nested = d.join("third_party/dep");
    write(&nested, "dep.go", &counter_go("dep", "c", "dep_orders"));
    git(&nested, &["init", "-q", "-b", "main"]);
    // A file git ignores, named explicitly.
    write(d, "gen/gen.go", &counter_go("gen", "c", "gen_orders"));
    write(d, ".git/info/exclude", "gen/\n");

    let lib = outside.path().join("lib");
    let o = instrlint(
        d,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "M105",
            "--diff-base",
            "main",
            ".",
            "gen/gen.go",
            lib.to_str().unwrap(),
        ],
    );
    assert_code(&o, 1);
    let mut got: Vec<String> = findings(&o)
        .into_iter()
        .map(|(code, path, _)| format!("{code} {}", path.rsplit('/').next().unwrap()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        ["M105 dep.go", "M105 gen.go", "M105 old.go"],
        "{}",
        text(&o.stderr)
    );
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!(
            "warning: {}: outside the git repository",
            lib.canonicalize().unwrap().display()
        )),
        "{err}"
    );
    assert!(
        err.contains("warning: third_party/dep: inside another git repository"),
        "{err}"
    );
    assert!(err.contains("warning: gen: ignored by git"), "{err}");
    assert!(err.contains("all its findings are reported"), "{err}");
}

#[test]
fn diff_base_in_a_shallow_clone_says_how_to_fetch_the_history() {
    let dir = repo();
    let d = dir.path();
    write(d, "room/metrics.go", &format!("{METRICS_GO}{NEW_COUNTER}"));
    git(d, &["commit", "-q", "-am", "add joins"]);
    git(d, &["checkout", "-q", "main"]);
    write(d, "room/other.go", "package room\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "main moves"]);
    // What actions/checkout does by default: one commit of each branch.
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", d.display());
    git(
        clones.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            "c",
        ],
    );
    let c = clones.path().join("c");
    git(&c, &["checkout", "-q", "feature"]);
    let o = instrlint(&c, &["check", "--diff-base", "origin/main"]);
    assert_code(&o, 2);
    let err = text(&o.stderr);
    assert!(
        err.contains("no merge base of `origin/main` and HEAD: this is a shallow clone"),
        "{err}"
    );
    assert!(err.contains("git fetch --unshallow"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

/// `--stdin-filename` reads bytes as a file is read: text that is not UTF-8
/// is linted (U+FFFD for the odd bytes), with the same findings as on disk.
#[test]
fn stdin_filename_accepts_bytes_that_are_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"package room\n\n// Caf\xe9 \xff\xfe\n".to_vec();
    bytes.extend_from_slice(&LEGACY_GO.as_bytes()["package room\n".len()..]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_instrlint"))
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "room/legacy.go",
        ])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let from_stdin = child.wait_with_output().unwrap();
    assert_code(&from_stdin, 1);
    std::fs::create_dir(dir.path().join("room")).unwrap();
    std::fs::write(dir.path().join("room/legacy.go"), &bytes).unwrap();
    let from_disk = instrlint(dir.path(), &["check", "--format", "json", "room/legacy.go"]);
    assert_code(&from_disk, 1);
    assert_eq!(findings(&from_stdin), findings(&from_disk));
    assert!(findings(&from_stdin).iter().any(|f| f.0 == "M105"));
}
