//! `--diff-base` extracts only the packages a finding on a changed line can
//! come from (`gate::scope`). Every case here checks the findings it expects
//! and that they are exactly those of a run that extracts the whole tree
//! (`--full-report` needs every finding, so it turns the scope off; the
//! gated report it writes beside is the old behaviour).

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn instrlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_instrlint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run instrlint")
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

fn write(dir: &Path, name: &str, contents: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// A repository with `files` committed on `main` (and a `go.mod` for
/// `example.com/shop`, so packages import each other by path).
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["config", "user.name", "Test"]);
    git(d, &["config", "user.email", "test@example.com"]);
    git(d, &["config", "commit.gpgsign", "false"]);
    write(d, "go.mod", "module example.com/shop\n\ngo 1.22\n");
    for (name, contents) in files {
        write(d, name, contents);
    }
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "base"]);
    dir
}

/// (code, path, line, related paths and lines) of every finding.
type Found = Vec<(String, String, u64, Vec<(String, u64)>)>;

fn found(json: &[u8]) -> Found {
    let v: Value = serde_json::from_slice(json).unwrap();
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
                    .map(|r| {
                        (
                            r["path"].as_str().unwrap().to_string(),
                            r["start"]["line"].as_u64().unwrap(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The `--diff-base HEAD` findings, after checking that they are those of
/// a run that extracts everything, to the byte.
#[track_caller]
fn diff_findings(d: &Path) -> Found {
    let scoped = instrlint(
        d,
        &[
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--diff-base",
            "HEAD",
        ],
    );
    assert_eq!(scoped.status.code(), Some(0), "{}", text(&scoped.stderr));
    let out = tempfile::tempdir().unwrap();
    let gated = out.path().join("gated.json");
    let full = out.path().join("full.json");
    let whole = instrlint(
        d,
        &[
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--diff-base",
            "HEAD",
            "--output",
            gated.to_str().unwrap(),
            "--full-report",
            &format!("json={}", full.display()),
        ],
    );
    assert_eq!(whole.status.code(), Some(0), "{}", text(&whole.stderr));
    let whole_json: Value = serde_json::from_slice(&std::fs::read(&gated).unwrap()).unwrap();
    let scoped_json: Value = serde_json::from_slice(&scoped.stdout).unwrap();
    assert_eq!(
        scoped_json["findings"], whole_json["findings"],
        "the scoped run lost or changed findings"
    );
    assert_eq!(scoped_json["problems"], whole_json["problems"]);
    found(&scoped.stdout)
}

fn counter(package: &str, var: &str, name: &str) -> String {
    format!(
        "package {package}\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
         var {var} = prometheus.NewCounter(prometheus.CounterOpts{{\n\tName: \"{name}\",\n\tHelp: \"Orders.\",\n}})\n"
    )
}

const PLAIN: &str = "package util\n\nfunc Double(x int) int { return 2 * x }\n";

#[test]
fn a_duplicate_of_a_metric_in_an_unchanged_package_is_reported_with_its_twin() {
    let dir = repo(&[
        (
            "orders/metrics.go",
            &counter("orders", "placed", "shop_orders_placed_total"),
        ),
        (
            "billing/metrics.go",
            &counter("billing", "paid", "shop_invoices_paid_total"),
        ),
        ("util/util.go", PLAIN),
    ]);
    let d = dir.path();
    // The new site sorts after the original: the finding is on it.
    write(
        d,
        "zcart/metrics.go",
        &counter("zcart", "placedToo", "shop_orders_placed_total"),
    );
    assert_eq!(
        diff_findings(d),
        [(
            "M113".to_string(),
            "zcart/metrics.go".to_string(),
            6,
            vec![("orders/metrics.go".to_string(), 6)]
        )]
    );
    // It sorts first: the finding is on the unchanged original, in a
    // package nothing changed imports, with the new site as related.
    std::fs::remove_dir_all(d.join("zcart")).unwrap();
    write(
        d,
        "cart/metrics.go",
        &counter("cart", "placedToo", "shop_orders_placed_total"),
    );
    assert_eq!(
        diff_findings(d),
        [(
            "M113".to_string(),
            "orders/metrics.go".to_string(),
            6,
            vec![("cart/metrics.go".to_string(), 6)]
        )]
    );
}

#[test]
fn a_twin_spelled_by_constants_and_escapes_elsewhere_is_found() {
    // The unchanged twin folds its name from a constant of another file,
    // a concatenation, an escape and BuildFQName's separators.
    let twin = r#"package orders

import "github.com/prometheus/client_golang/prometheus"

var placed = prometheus.NewCounter(prometheus.CounterOpts{
	Namespace: ns,
	Subsystem: "ord" + "ers",
	Name:      "\x70laced_total",
	Help:      "Orders.",
})
"#;
    let dir = repo(&[
        ("orders/metrics.go", twin),
        ("orders/names.go", "package orders\n\nconst ns = `shop`\n"),
    ]);
    let d = dir.path();
    write(
        d,
        "cart/metrics.go",
        &counter("cart", "placedToo", "shop_orders_placed_total"),
    );
    let got = diff_findings(d);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "M113");
    assert_eq!(got[0].1, "orders/metrics.go");
    assert_eq!(got[0].3, [("cart/metrics.go".to_string(), 6)]);
}

#[test]
fn a_twin_in_a_package_the_scan_cannot_vouch_for_is_found() {
    // A string with an escape Go does not know stops the lexical scan
    // before the definition: it cannot say what the literals of `orders`
    // are, so `orders` is extracted, and tree-sitter still reads the
    // definition after the odd string.
    let twin = r#"package orders

import "github.com/prometheus/client_golang/prometheus"

var odd = "\q"

var placed = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "shop_orders_placed_total",
	Help: "Orders.",
})
"#;
    let dir = repo(&[("orders/metrics.go", twin)]);
    let d = dir.path();
    write(
        d,
        "cart/metrics.go",
        &counter("cart", "placedToo", "shop_orders_placed_total"),
    );
    let got = diff_findings(d);
    let m113: Vec<_> = got.iter().filter(|f| f.0 == "M113").collect();
    assert_eq!(m113.len(), 1, "{got:?}");
    assert_eq!(m113[0].1, "orders/metrics.go");
    assert_eq!(m113[0].2, 8);
    assert_eq!(m113[0].3, [("cart/metrics.go".to_string(), 6)]);
}

const VEC: &str = r#"package metrics

import "github.com/prometheus/client_golang/prometheus"

var Requests = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "shop_requests_total",
	Help: "Requests.",
}, []string{"method"})
"#;

const API: &str = r#"package api

import "example.com/shop/metrics"

func serve(method string) {
	metrics.Requests.WithLabelValues(method).Inc()
}
"#;

const SAME_PACKAGE_USE: &str = r#"package metrics

func record(method string) {
	Requests.WithLabelValues(method).Inc()
}
"#;

#[test]
fn a_label_change_reports_the_calls_it_breaks_in_other_files_and_packages() {
    let dir = repo(&[
        ("metrics/vec.go", VEC),
        ("metrics/record.go", SAME_PACKAGE_USE),
        ("api/serve.go", API),
        ("util/util.go", PLAIN),
    ]);
    let d = dir.path();
    write(
        d,
        "metrics/vec.go",
        &VEC.replace("{\"method\"}", "{\"method\", \"code\"}"),
    );
    let got = diff_findings(d);
    assert_eq!(
        got,
        [
            (
                "L203".to_string(),
                "api/serve.go".to_string(),
                6,
                vec![("metrics/vec.go".to_string(), 8)]
            ),
            (
                "L203".to_string(),
                "metrics/record.go".to_string(),
                4,
                vec![("metrics/vec.go".to_string(), 8)]
            ),
        ]
    );
}

#[test]
fn a_changed_call_is_judged_against_a_vector_of_an_unchanged_package() {
    let dir = repo(&[("metrics/vec.go", VEC), ("api/serve.go", API)]);
    let d = dir.path();
    write(
        d,
        "api/serve.go",
        &API.replace(
            "WithLabelValues(method)",
            "WithLabelValues(method, \"200\")",
        ),
    );
    let got = diff_findings(d);
    assert_eq!(
        got,
        [(
            "L203".to_string(),
            "api/serve.go".to_string(),
            6,
            vec![("metrics/vec.go".to_string(), 8)]
        )]
    );
}

#[test]
fn queries_elsewhere_see_a_changed_definition_and_changed_queries_see_all() {
    let query =
        "package dash\n\nconst slow = `histogram_quantile(0.9, rate(shop_requests_total[5m]))`\n";
    let dir = repo(&[
        ("metrics/vec.go", VEC),
        ("dash/queries.go", query),
        ("util/util.go", PLAIN),
    ]);
    let d = dir.path();
    // The definition's name line changes: the unchanged query is reported
    // with it as related location.
    write(
        d,
        "metrics/vec.go",
        &VEC.replace(
            "\"shop_requests_total\",",
            "\"shop_requests_total\", // all of them",
        ),
    );
    let got = diff_findings(d);
    assert_eq!(
        got,
        [(
            "Q701".to_string(),
            "dash/queries.go".to_string(),
            3,
            vec![("metrics/vec.go".to_string(), 6)]
        )]
    );
    git(d, &["checkout", "-q", "--", "."]);
    // A new query in a changed file names the unchanged definition.
    write(
        d,
        "dash/more.go",
        "package dash\n\nconst fast = `histogram_quantile(0.5, shop_requests_total)`\n",
    );
    let got = diff_findings(d);
    assert_eq!(
        got,
        [(
            "Q701".to_string(),
            "dash/more.go".to_string(),
            3,
            vec![("metrics/vec.go".to_string(), 6)]
        )]
    );
}

const ROOMS: &str = r#"package rooms

import "github.com/prometheus/client_golang/prometheus"

var Viewers = prometheus.NewGaugeVec(prometheus.GaugeOpts{
	Name: "shop_room_viewers",
	Help: "Viewers per room.",
}, []string{"room_id"})

func Join(room string) { Viewers.WithLabelValues(room).Inc() }
"#;

#[test]
fn a_deletion_in_an_unrelated_unchanged_package_still_counts_for_l208() {
    // `cleanup` does not import `rooms`: its deletion binds to nothing, and
    // L208 counts it for any vector stored under that name.
    let cleanup = r#"package cleanup

import "github.com/prometheus/client_golang/prometheus"

type Rooms struct{ Viewers *prometheus.GaugeVec }

func (r *Rooms) Close(room string) { r.Viewers.DeleteLabelValues(room) }
"#;
    let dir = repo(&[
        ("rooms/rooms.go", ROOMS),
        ("cleanup/cleanup.go", cleanup),
        ("util/util.go", PLAIN),
    ]);
    let d = dir.path();
    // The change touches the label list, where L208 would sit.
    let changed = ROOMS.replace("[]string{\"room_id\"}", "[]string{\"room_id\"} ");
    write(d, "rooms/rooms.go", &changed);
    let got = diff_findings(d);
    assert!(got.iter().all(|f| f.0 != "L208"), "{got:?}");
    // Without the deletion, it is reported.
    git(d, &["rm", "-q", "cleanup/cleanup.go"]);
    let got = diff_findings(d);
    assert_eq!(got.iter().filter(|f| f.0 == "L208").count(), 1, "{got:?}");
}

#[test]
fn nothing_relevant_changed_reports_nothing() {
    let dir = repo(&[
        (
            "orders/metrics.go",
            &counter("orders", "placed", "shop_orders_placed"),
        ),
        ("metrics/vec.go", VEC),
        ("api/serve.go", API),
        ("util/util.go", PLAIN),
    ]);
    let d = dir.path();
    // Old findings (M105 on orders) stay unreported; a change to code
    // without instrumentation, and a new comment, add none.
    write(d, "util/util.go", &PLAIN.replace("2 * x", "x + x"));
    write(
        d,
        "orders/metrics.go",
        &format!(
            "// Orders.\n{}",
            counter("orders", "placed", "shop_orders_placed")
        ),
    );
    assert_eq!(diff_findings(d), Found::new());
    // The whole-tree run has the old finding.
    let o = instrlint(d, &["check", "--format", "json", "--fail-on", "never"]);
    assert_eq!(found(&o.stdout).len(), 1);
}
