//! SARIF 2.1.0 for code scanning: one run, rule descriptors from the registry
//! and the rule docs, results with UTF-16 regions relative to `%SRCROOT%`.

use super::{relative_path_bytes, rule_url, tool_code, Positions};
use crate::pipeline::LintOutcome;
use crate::selection::Enabled;
use instrlint_core::{Diagnostic, Level, SourceFile, Span};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const BASE_ID: &str = "%SRCROOT%";

/// The SARIF log, pretty-printed with a trailing newline.
pub fn render(outcome: &LintOutcome, base: &Path) -> String {
    let mut rules = Rules::new(&outcome.enabled);
    let positions = Positions::new(&outcome.files);
    let mut uris: HashMap<u32, Value> = HashMap::new();
    let mut location = |span: Span, positions: &Positions| -> Value {
        let artifact = uris
            .entry(span.file.0)
            .or_insert_with(|| artifact_location(positions.file(span), base))
            .clone();
        let (start, end) = positions.range(span);
        json!({
            "artifactLocation": artifact,
            "region": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            }
        })
    };
    let mut occurrences: HashMap<(u32, u64), usize> = HashMap::new();
    let results: Vec<Value> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let index = rules.index_of(d);
            let hash = line_hash(d.code, positions.start_line_text(d.primary));
            let n = occurrences.entry((d.primary.file.0, hash)).or_default();
            *n += 1;
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": index,
                "level": d.level.as_str(),
                "message": { "text": d.message },
                "locations": [{ "physicalLocation": location(d.primary, &positions) }],
                "partialFingerprints": {
                    "primaryLocationLineHash": format!("{hash:016x}:{n}"),
                },
            });
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        json!({
                            "id": i + 1,
                            "physicalLocation": location(r.span, &positions),
                            "message": { "text": r.message },
                        })
                    })
                    .collect();
                result["relatedLocations"] = Value::Array(related);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "instrlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/instrlint/instrlint",
                    "rules": rules.descriptors,
                }
            },
            "originalUriBaseIds": {
                BASE_ID: { "uri": dir_uri(base) },
            },
            "columnKind": "utf16CodeUnits",
            "invocations": [invocation(outcome)],
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("plain data serialises");
    out.push('\n');
    out
}

/// Whether the run read everything; unreadable paths as notifications.
fn invocation(outcome: &LintOutcome) -> Value {
    let notifications: Vec<Value> = outcome
        .problems
        .iter()
        .map(|p| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", p.path, p.message) },
            })
        })
        .collect();
    json!({
        "executionSuccessful": notifications.is_empty(),
        "toolExecutionNotifications": notifications,
    })
}

/// `driver.rules`: every enabled rule, then descriptors for other codes as
/// they occur (tool codes).
struct Rules {
    codes: Vec<&'static str>,
    descriptors: Vec<Value>,
}

impl Rules {
    fn new(enabled: &[Enabled]) -> Self {
        let mut rules = Rules {
            codes: Vec::new(),
            descriptors: Vec::new(),
        };
        for e in enabled {
            let meta = &e.rule.meta;
            let level = e.level_override.unwrap_or(meta.level);
            rules.push(
                meta.code,
                meta.name,
                meta.summary,
                e.rule.doc,
                (level, e.rule.default_on),
                meta.group.title(),
            );
        }
        rules
    }

    fn index_of(&mut self, d: &Diagnostic) -> usize {
        if let Some(i) = self.codes.iter().position(|c| *c == d.code) {
            return i;
        }
        match (tool_code(d.code), instrlint_rules::find_rule(d.code)) {
            (Some(t), _) => self.push(t.code, t.name, t.summary, "", (t.level, true), "tool"),
            (None, Some(r)) => self.push(
                r.meta.code,
                r.meta.name,
                r.meta.summary,
                r.doc,
                (r.meta.level, r.default_on),
                r.meta.group.title(),
            ),
            (None, None) => self.push(d.code, d.name, d.name, "", (d.level, true), "tool"),
        }
        self.codes.len() - 1
    }

    fn push(
        &mut self,
        code: &'static str,
        name: &str,
        summary: &str,
        doc: &str,
        (level, enabled): (Level, bool),
        tag: &str,
    ) {
        let doc = instrlint_rules::user_doc(doc);
        let why = why_paragraph(&doc).unwrap_or(summary);
        let help = if doc.trim().is_empty() { summary } else { &doc };
        self.codes.push(code);
        self.descriptors.push(json!({
            "id": code,
            "name": name,
            "shortDescription": { "text": summary },
            "fullDescription": { "text": why },
            "help": { "text": help, "markdown": help },
            "helpUri": rule_url(code, name),
            // `enabled: false`: off unless selected (C605).
            "defaultConfiguration": { "level": level.as_str(), "enabled": enabled },
            "properties": { "tags": [tag] },
        }));
    }
}

/// The body of the doc's "Why is this bad?" section.
fn why_paragraph(doc: &str) -> Option<&str> {
    let heading = doc.find("## Why is this bad?")?;
    let body_start = heading + doc[heading..].find('\n')? + 1;
    let body = &doc[body_start..];
    let end = body
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| body[i..].starts_with('#'))
        .unwrap_or(body.len());
    let text = body[..end].trim();
    (!text.is_empty()).then_some(text)
}

/// FNV-1a over the code and the flagged line's trimmed text: stable across
/// versions and platforms, unlike `DefaultHasher`.
fn line_hash(code: &str, line: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in code
        .bytes()
        .chain(std::iter::once(0))
        .chain(line.trim().bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn artifact_location(file: &SourceFile, base: &Path) -> Value {
    match relative_path_bytes(file, base) {
        Some(rel) => json!({ "uri": encode_path(&rel), "uriBaseId": BASE_ID }),
        None if file.abs_path.is_absolute() => json!({ "uri": file_uri(&file.abs_path) }),
        None => json!({ "uri": encode_path(&super::path_bytes(file)), "uriBaseId": BASE_ID }),
    }
}

/// A path (its bytes) as a relative URI reference: `/` separators,
/// everything but unreserved characters percent-encoded.
fn encode_path(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn file_uri(path: &Path) -> String {
    let bytes = instrlint_core::discover::os_bytes(path.as_os_str());
    let encoded = if std::path::MAIN_SEPARATOR == '/' {
        encode_path(&bytes)
    } else {
        encode_path(&path.to_string_lossy().replace('\\', "/").into_bytes())
    };
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    }
}

fn dir_uri(dir: &Path) -> String {
    let mut uri = file_uri(dir);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::outcome;
    use crate::selection::Enabled;
    use instrlint_rules::{Check, Group, Rule, RuleMeta};

    const DOC: &str = "# M105 counter-missing-total\n\n## What it does\nChecks.\n\n\
                       ## Why is this bad?\nRate queries expect it.\nReally.\n\n## Example\n```go bad\nx() // want M105\n```\n";
    const USER_DOC: &str = "# M105 counter-missing-total\n\n## What it does\nChecks.\n\n\
                       ## Why is this bad?\nRate queries expect it.\nReally.\n\n## Example\n```go\nx()\n```\n";

    static DUMMY: Rule = Rule {
        meta: RuleMeta {
            code: "M105",
            name: "counter-missing-total",
            group: Group::MetricNames,
            level: Level::Warning,
            summary: "counter name does not end in `_total`",
            since: "0.1.0",
        },
        check: Check::Package(|_, _| {}),
        doc: DOC,
        default_on: true,
    };

    fn log() -> Value {
        let mut o = outcome();
        o.enabled = vec![Enabled {
            rule: &DUMMY,
            level_override: None,
        }];
        serde_json::from_str(&render(&o, Path::new("/repo"))).unwrap()
    }

    #[test]
    fn log_and_driver() {
        let v = log();
        assert_eq!(v["$schema"], SCHEMA_URI);
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["columnKind"], "utf16CodeUnits");
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///repo/"
        );
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "instrlint");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert!(driver["informationUri"].is_string());
        let rule = &driver["rules"][0];
        assert_eq!(rule["id"], "M105");
        assert_eq!(rule["name"], "counter-missing-total");
        assert_eq!(
            rule["shortDescription"]["text"],
            "counter name does not end in `_total`"
        );
        assert_eq!(
            rule["fullDescription"]["text"],
            "Rate queries expect it.\nReally."
        );
        // The doc as users read it: no test markers.
        assert_eq!(rule["help"]["markdown"], USER_DOC);
        assert_eq!(rule["help"]["text"], USER_DOC);
        assert!(rule["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("rules/M105-counter-missing-total.md"));
        assert_eq!(rule["defaultConfiguration"]["level"], "warning");
        assert_eq!(rule["defaultConfiguration"]["enabled"], true);
        assert_eq!(rule["properties"]["tags"][0], "metric names");
    }

    #[test]
    fn rule_index_points_at_the_descriptor() {
        let v = log();
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        for r in results {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        // M105 is enabled; M101 and I002 get descriptors as they occur.
        assert_eq!(rules.len(), 3);
    }

    #[test]
    fn results_have_regions_fingerprints_and_related() {
        let v = log();
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["level"], "warning");
        assert_eq!(
            r["message"]["text"],
            "counter `bad` does not end in `_total`"
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "cmd/main.go");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(loc["region"]["startLine"], 3);
        assert_eq!(loc["region"]["startColumn"], 22);
        assert_eq!(loc["region"]["endLine"], 3);
        assert_eq!(loc["region"]["endColumn"], 27);
        let fp = r["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        let (hex, n) = fp.split_once(':').unwrap();
        assert_eq!(hex.len(), 16);
        assert_eq!(n, "1");
        let rel = &r["relatedLocations"][0];
        assert_eq!(rel["id"], 1);
        assert_eq!(rel["message"]["text"], "also defined here");
        assert_eq!(
            rel["physicalLocation"]["artifactLocation"]["uri"],
            "cmd/other%20name.go"
        );
        assert!(v["runs"][0]["results"][1].get("relatedLocations").is_none());
    }

    #[test]
    fn files_outside_the_base_get_absolute_uris() {
        let o = outcome();
        let v: Value = serde_json::from_str(&render(&o, Path::new("/other"))).unwrap();
        let artifact =
            &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "file:///repo/cmd/main.go");
        assert!(artifact.get("uriBaseId").is_none());
    }

    #[test]
    fn deterministic() {
        assert_eq!(log(), log());
        assert_eq!(line_hash("M105", "  x := 1 "), line_hash("M105", "x := 1"));
        assert_ne!(line_hash("M105", "x"), line_hash("M106", "x"));
    }

    #[test]
    fn why_section() {
        assert_eq!(why_paragraph("no sections"), None);
        assert_eq!(
            why_paragraph("## Why is this bad?\nbecause\n"),
            Some("because")
        );
    }
}
