//! The command line, in process through `run_cli`: exit codes, every output
//! format, `--output`, `rules`, `explain`, and snapshots of the rendering.
//!
//! Cargo runs these with the current directory set to `tests/`, so relative
//! paths (`../examples/livestream`, `fixtures/cli/snapshot`) are stable and
//! so are the paths in the output.

use instrlint_rules::RULES;
use serde_json::Value;
use std::path::Path;

const EXAMPLE: &str = "../examples/livestream";
const SNAPSHOT_CASE: &str = "fixtures/cli/snapshot";

use instrlint_tests::cli::{cli, Run};

#[track_caller]
fn assert_exit(r: &Run, code: i32) {
    assert_eq!(
        r.code, code,
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        r.stdout, r.stderr
    );
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", r.stdout, r.stderr))
}

const CLEAN_GO: &str = r#"package clean

import "github.com/prometheus/client_golang/prometheus"

var served = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "shop_http_requests_total",
	Help: "Requests served.",
})
"#;

fn clean_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("metrics.go"), CLEAN_GO).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

// ---- exit codes -------------------------------------------------------

#[test]
fn findings_exit_1_at_the_default_fail_on() {
    let r = cli(&["check", EXAMPLE]);
    assert_exit(&r, if RULES.is_empty() { 0 } else { 1 });
}

#[test]
fn fail_on_never_exits_0() {
    assert_exit(&cli(&["check", "--fail-on", "never", EXAMPLE]), 0);
}

#[test]
fn fail_on_error_counts_only_errors() {
    // The example has error-level findings (M112, M113).
    let r = cli(&["check", "--fail-on", "error", EXAMPLE]);
    assert_exit(&r, if RULES.is_empty() { 0 } else { 1 });
    // A warning-only tree passes `--fail-on error` but not `--fail-on warning`.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.go"),
        CLEAN_GO.replace("shop_http_requests_total", "shop_http_requests"),
    )
    .unwrap();
    assert_exit(&cli(&["check", "--fail-on", "error", s(dir.path())]), 0);
    let warned = cli(&["check", "--fail-on", "warning", s(dir.path())]);
    assert_exit(&warned, if RULES.is_empty() { 0 } else { 1 });
}

#[test]
fn a_clean_tree_exits_0() {
    let dir = clean_dir();
    let r = cli(&["check", "--format", "json", s(dir.path())]);
    assert_exit(&r, 0);
    assert_eq!(json(&r)["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_missing_path_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let r = cli(&["check", s(&missing)]);
    assert_exit(&r, 2);
    assert!(!r.stderr.trim().is_empty(), "no error message on stderr");
}

#[test]
fn a_bad_config_file_exits_2() {
    let dir = clean_dir();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "min_name_parts = \"three\"\n").unwrap();
    let r = cli(&["check", "--config", s(&cfg), s(dir.path())]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("min_name_parts"), "stderr: {}", r.stderr);
}

#[test]
fn a_bad_discovered_config_exits_2() {
    let dir = clean_dir();
    std::fs::write(dir.path().join("instrlint.toml"), "no_such_key = 1\n").unwrap();
    let r = cli(&["check", s(dir.path())]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("no_such_key"), "stderr: {}", r.stderr);
}

#[test]
fn a_missing_config_file_exits_2() {
    let dir = clean_dir();
    let cfg = dir.path().join("absent.toml");
    assert_exit(&cli(&["check", "--config", s(&cfg), s(dir.path())]), 2);
}

#[test]
fn an_unknown_rule_code_exits_2() {
    let dir = clean_dir();
    let r = cli(&["check", "--select", "X999", s(dir.path())]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("X999"), "stderr: {}", r.stderr);
}

#[test]
fn a_usage_error_exits_2() {
    assert_exit(&cli(&["check", "--format", "yaml", EXAMPLE]), 2);
    assert_exit(&cli(&["no-such-command"]), 2);
}

const BROKEN_GO: &str =
    "package clean\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
    var _ = prometheus.NewRegistry\n\nfunc broken() {\n\tif x := ; x > 0 {\n\t}\n}\n";

fn codes_of(r: &Run) -> Vec<String> {
    json(r)["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str().map(String::from))
        .collect()
}

#[test]
fn parse_errors_never_count_toward_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("metrics.go"), CLEAN_GO).unwrap();
    std::fs::write(dir.path().join("broken.go"), BROKEN_GO).unwrap();
    let r = cli(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "note",
        s(dir.path()),
    ]);
    assert_exit(&r, 0);
    assert_eq!(
        codes_of(&r),
        ["I002"].map(String::from).to_vec(),
        "{}",
        r.stdout
    );
}

#[test]
fn unused_ignores_are_warnings_that_count_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let stale = CLEAN_GO.replace(
        "\tName: \"shop_http_requests_total\",",
        "\t//instrlint:ignore M105 -- renamed since\n\tName: \"shop_http_requests_total\",",
    );
    assert_ne!(stale, CLEAN_GO);
    std::fs::write(dir.path().join("metrics.go"), stale).unwrap();
    let without = cli(&["check", "--format", "json", s(dir.path())]);
    assert_exit(&without, 0);
    let with = cli(&[
        "check",
        "--format",
        "json",
        "--report-unused-ignores",
        s(dir.path()),
    ]);
    assert_exit(&with, 1);
    assert_eq!(
        codes_of(&with),
        ["I001"].map(String::from).to_vec(),
        "{}",
        with.stdout
    );
}

// ---- formats ----------------------------------------------------------

const FINDING_KEYS: &[&str] = &[
    "code", "name", "level", "message", "help", "path", "start", "end", "related", "url",
];

#[test]
fn json_output_has_the_documented_shape() {
    let r = cli(&["check", "--format", "json", "--fail-on", "never", EXAMPLE]);
    assert_exit(&r, 0);
    let doc = json(&r);
    for key in ["version", "tool", "findings", "summary"] {
        assert!(doc.get(key).is_some(), "no `{key}` in the JSON output");
    }
    let findings = doc["findings"].as_array().expect("findings is an array");
    if !RULES.is_empty() {
        assert!(!findings.is_empty(), "the example produced no findings");
    }
    for f in findings {
        for key in FINDING_KEYS {
            assert!(f.get(key).is_some(), "finding without `{key}`: {f}");
        }
        assert!(f["start"]["line"].as_u64().unwrap_or(0) >= 1, "{f}");
        assert!(f["start"]["column"].as_u64().unwrap_or(0) >= 1, "{f}");
        assert!(
            ["error", "warning", "note"].contains(&f["level"].as_str().unwrap_or("")),
            "{f}"
        );
        let path = f["path"].as_str().expect("path is a string");
        assert!(
            path.starts_with("../examples/livestream/") && path.ends_with(".go"),
            "path `{path}` is not the display path"
        );
    }
}

#[test]
fn text_output_names_every_finding() {
    let j = json(&cli(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        EXAMPLE,
    ]));
    let r = cli(&[
        "check",
        "--format",
        "text",
        "--color",
        "never",
        "--fail-on",
        "never",
        EXAMPLE,
    ]);
    assert_exit(&r, 0);
    assert!(
        !r.stdout.contains('\u{1b}'),
        "colour escapes with --color never"
    );
    for f in j["findings"].as_array().into_iter().flatten() {
        let code = f["code"].as_str().unwrap();
        assert!(r.stdout.contains(code), "text output lacks {code}");
    }
}

#[test]
fn sarif_output_is_json() {
    let r = cli(&["check", "--format", "sarif", "--fail-on", "never", EXAMPLE]);
    assert_exit(&r, 0);
    assert_eq!(json(&r)["version"], "2.1.0");
}

#[test]
fn github_output_is_one_annotation_per_finding() {
    let j = json(&cli(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        EXAMPLE,
    ]));
    let n = j["findings"].as_array().map(Vec::len).unwrap_or(0);
    let r = cli(&["check", "--format", "github", "--fail-on", "never", EXAMPLE]);
    assert_exit(&r, 0);
    let annotations: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| {
            l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")
        })
        .collect();
    assert_eq!(annotations.len(), n, "annotations:\n{}", r.stdout);
    for a in annotations {
        assert!(a.contains("file=") && a.contains("line="), "{a}");
        // `::level params::message`: the message is not empty.
        let message = a[2..].split_once("::").map(|(_, m)| m).unwrap_or("");
        assert!(!message.trim().is_empty(), "{a}");
    }
}

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let r = cli(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--output",
        s(&file),
        EXAMPLE,
    ]);
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "", "stdout must stay empty with --output");
    let written = std::fs::read_to_string(&file).expect("--output file written");
    let direct = cli(&["check", "--format", "json", "--fail-on", "never", EXAMPLE]);
    let (a, b): (Value, Value) = (
        serde_json::from_str(&written).expect("the file is JSON"),
        json(&direct),
    );
    assert_eq!(a["findings"], b["findings"]);
}

#[test]
fn select_and_ignore_filter_codes() {
    let only = json(&cli(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--select",
        "M105",
        EXAMPLE,
    ]));
    for f in only["findings"].as_array().into_iter().flatten() {
        assert_eq!(f["code"], "M105", "{f}");
    }
    let without = json(&cli(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--ignore",
        "M",
        EXAMPLE,
    ]));
    for f in without["findings"].as_array().into_iter().flatten() {
        assert!(!f["code"].as_str().unwrap_or("").starts_with('M'), "{f}");
    }
}

#[test]
fn jobs_do_not_change_the_result() {
    let one = cli(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "-j",
        "1",
        EXAMPLE,
    ]);
    let two = cli(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "-j",
        "2",
        EXAMPLE,
    ]);
    assert_exit(&one, 0);
    assert_eq!(json(&one)["findings"], json(&two)["findings"]);
}

// ---- rules and explain -------------------------------------------------

#[test]
fn rules_lists_every_registered_rule() {
    let r = cli(&["rules"]);
    assert_exit(&r, 0);
    for rule in RULES {
        assert!(r.stdout.contains(rule.meta.code), "no {}", rule.meta.code);
        assert!(r.stdout.contains(rule.meta.name), "no {}", rule.meta.name);
    }
}

#[test]
fn explain_prints_the_doc() {
    for rule in RULES {
        let r = cli(&["explain", rule.meta.code]);
        assert_exit(&r, 0);
        let title = rule.doc.lines().next().unwrap_or_default();
        assert!(
            r.stdout.contains(title),
            "explain {}:\n{}",
            rule.meta.code,
            r.stdout
        );
    }
    assert_exit(&cli(&["explain", "X999"]), 2);
}

// ---- snapshots -----------------------------------------------------------

/// Replace durations (`12ms`, `0.03s`, `850µs`) by `[time]`.
fn redact_durations(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || "_%.".contains(chars[i - 1])));
        if starts_number {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            let rest: String = chars[j..].iter().take(2).collect();
            let unit = ["ms", "µs", "us", "ns"]
                .into_iter()
                .find(|u| rest.starts_with(u))
                .map(|u| u.chars().count())
                .or_else(|| rest.starts_with('s').then_some(1));
            if let Some(len) = unit {
                let end = j + len;
                if end >= chars.len() || !(chars[end].is_alphanumeric() || chars[end] == '_') {
                    out.push_str("[time]");
                    i = end;
                    continue;
                }
            }
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Replace timing values in JSON (`elapsed`, `duration*`, `*_ms`) by `[time]`
/// and absolute `file://` URIs by `[file-uri]`.
fn redact_json(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                let k = k.to_ascii_lowercase();
                if k.contains("elapsed") || k.contains("duration") || k.ends_with("_ms") {
                    *val = Value::String("[time]".into());
                } else {
                    redact_json(val);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact_json),
        // Absolute locations (SARIF `originalUriBaseIds`) depend on the checkout.
        Value::String(s) if s.starts_with("file://") => *s = "[file-uri]".into(),
        _ => {}
    }
}

#[test]
fn redaction_keeps_names_and_hides_times() {
    assert_eq!(
        redact_durations("checked 2 files in 13ms, 0.5s; x_10ms stays, 3 rooms, %25s_total, 25s_x"),
        "checked 2 files in [time], [time]; x_10ms stays, 3 rooms, %25s_total, 25s_x"
    );
    let mut v = serde_json::json!({
        "summary": {"elapsed_ms": 12, "files": 2},
        "base": {"uri": "file:///home/x/"},
        "uri": "a/b.go"
    });
    redact_json(&mut v);
    let want = serde_json::json!({
        "summary": {"elapsed_ms": "[time]", "files": 2},
        "base": {"uri": "[file-uri]"},
        "uri": "a/b.go"
    });
    assert_eq!(v, want);
}

#[test]
fn snapshot_text_output() {
    let r = cli(&[
        "check",
        "--format",
        "text",
        "--color",
        "never",
        "--fail-on",
        "never",
        SNAPSHOT_CASE,
    ]);
    assert_exit(&r, 0);
    insta::assert_snapshot!("text_output", redact_durations(&r.stdout));
}

#[test]
fn snapshot_json_output() {
    let r = cli(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        SNAPSHOT_CASE,
    ]);
    assert_exit(&r, 0);
    let mut doc = json(&r);
    redact_json(&mut doc);
    insta::assert_snapshot!(
        "json_output",
        serde_json::to_string_pretty(&doc).expect("JSON")
    );
}

#[test]
fn snapshot_github_output() {
    let r = cli(&[
        "check",
        "--format",
        "github",
        "--fail-on",
        "never",
        SNAPSHOT_CASE,
    ]);
    assert_exit(&r, 0);
    insta::assert_snapshot!("github_output", redact_durations(&r.stdout));
}

#[test]
fn snapshot_concise_output() {
    let r = cli(&[
        "check",
        "--format",
        "concise",
        "--fail-on",
        "never",
        SNAPSHOT_CASE,
    ]);
    assert_exit(&r, 0);
    // `path:line:col: CODE message`, what errorformat `%f:%l:%c: %m` reads.
    for line in r.stdout.lines() {
        let mut parts = line.splitn(4, ':');
        let (path, l, c, rest) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        assert!(path.ends_with(".go") || path.ends_with(".yml"), "{line}");
        assert!(
            l.parse::<u32>().is_ok() && c.parse::<u32>().is_ok(),
            "{line}"
        );
        let code = rest.strip_prefix(' ').unwrap().split(' ').next().unwrap();
        assert!(code.len() == 4, "{line}");
    }
    insta::assert_snapshot!("concise_output", redact_durations(&r.stdout));
}

#[test]
fn snapshot_sarif_output() {
    // Two rules keep the embedded docs (SARIF help) short.
    let r = cli(&[
        "check",
        "--format",
        "sarif",
        "--fail-on",
        "never",
        "--select",
        "M105,M112",
        SNAPSHOT_CASE,
    ]);
    assert_exit(&r, 0);
    let mut doc = json(&r);
    redact_json(&mut doc);
    insta::assert_snapshot!(
        "sarif_output",
        serde_json::to_string_pretty(&doc).expect("JSON")
    );
}
