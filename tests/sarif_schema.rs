//! `instrlint check --format sarif` output validates against the SARIF 2.1.0
//! schema in `tests/data/`, offline, and its rule indices are consistent.

use instrlint_rules::RULES;
use instrlint_tests::tests_dir;
use jsonschema::{Draft, Retrieve, Uri, Validator};
use serde_json::Value;

/// Refuses every external reference: the schema must be self-contained, and
/// the test must never touch the network.
struct Offline;

impl Retrieve for Offline {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("offline: refusing to fetch {uri}").into())
    }
}

/// The draft the schema declares in `$schema` (the SARIF schema is draft-04,
/// and names its base URI with draft-04's `id`).
fn declared_draft(schema: &Value) -> Draft {
    match schema["$schema"].as_str().unwrap_or_default() {
        s if s.contains("draft-04") => Draft::Draft4,
        s if s.contains("draft-06") => Draft::Draft6,
        s if s.contains("draft-07") => Draft::Draft7,
        s if s.contains("2019-09") => Draft::Draft201909,
        s => panic!("unexpected $schema `{s}`"),
    }
}

fn validator() -> Validator {
    let text = std::fs::read_to_string(tests_dir().join("data/sarif-schema-2.1.0.json"))
        .expect("tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(declared_draft(&schema), Draft::Draft4);
    jsonschema::options()
        .with_draft(declared_draft(&schema))
        .with_retriever(Offline)
        .build(&schema)
        .expect("the SARIF schema compiles offline")
}

fn errors(v: &Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn sarif_of_example() -> Value {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = instrlint_cli::run_cli(
        [
            "instrlint",
            "check",
            "--format",
            "sarif",
            "--fail-on",
            "never",
            "../examples/livestream",
        ],
        &mut out,
        &mut err,
    );
    assert_eq!(code, 0, "stderr: {}", String::from_utf8_lossy(&err));
    serde_json::from_slice(&out).unwrap_or_else(|e| {
        panic!(
            "SARIF output is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out)
        )
    })
}

#[test]
fn the_validator_rejects_invalid_sarif() {
    let v = validator();
    let ok = serde_json::json!({"version": "2.1.0", "runs": []});
    assert!(errors(&v, &ok).is_empty(), "{:?}", errors(&v, &ok));
    for bad in [
        serde_json::json!({"version": "2.0.0", "runs": []}),
        serde_json::json!({"version": "2.1.0"}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {}}]}),
        serde_json::json!({"version": "2.1.0", "runs": [], "extra": 1}),
    ] {
        assert!(!errors(&v, &bad).is_empty(), "accepted {bad}");
    }
}

#[test]
fn sarif_output_validates_against_the_schema() {
    let v = validator();
    let doc = sarif_of_example();
    let errs = errors(&v, &doc);
    assert!(
        errs.is_empty(),
        "SARIF output violates the schema:\n{}",
        errs.join("\n")
    );
}

#[test]
fn sarif_version_rules_and_indices() {
    let doc = sarif_of_example();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "instrlint");
    let rules = driver["rules"].as_array().cloned().unwrap_or_default();
    if !RULES.is_empty() {
        assert!(!rules.is_empty(), "tool.driver.rules is empty");
        for r in &rules {
            let id = r["id"].as_str().expect("rule id");
            let rule = instrlint_rules::find_rule(id);
            // Tool codes (I001, I002) may be described too; catalog rules must match.
            if let Some(rule) = rule {
                assert_eq!(r["name"], rule.meta.name, "{id}");
            }
        }
    }
    let results = run["results"].as_array().cloned().unwrap_or_default();
    if !RULES.is_empty() {
        assert!(!results.is_empty(), "the example produced no results");
    }
    for res in &results {
        let id = res["ruleId"].as_str().expect("result.ruleId");
        let idx = res["ruleIndex"]
            .as_u64()
            .unwrap_or_else(|| panic!("{id}: result without ruleIndex"));
        let described = rules
            .get(idx as usize)
            .unwrap_or_else(|| panic!("{id}: ruleIndex {idx} is out of range"));
        assert_eq!(
            described["id"], id,
            "ruleIndex {idx} points at another rule"
        );
        let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: result without a location uri"));
        assert!(
            !uri.starts_with('/') && !uri.contains('\\'),
            "{id}: uri `{uri}` is not relative"
        );
        let line = res["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap_or(0);
        assert!(line >= 1, "{id}: startLine {line}");
    }
}
