//! Prometheus rule files (YAML) → [`RuleFileFacts`].
//!
//! A rule file is a YAML document whose top level is a mapping with
//! `groups:`, a sequence of groups with `rules:`, each rule a mapping with
//! `expr:`. A YAML file of another shape is not a rule file: [`extract`]
//! returns `None` and the run ignores it. A file that looks like a rule file
//! (a `groups:` line at the top level) but does not parse as YAML, and an
//! `expr:` that does not parse as PromQL, are recorded as
//! [`RuleFileError`]s; the pipeline reports them as parse errors (`I002`).

mod scalar;
mod yaml;

use crate::facts::{Query, QuerySource, RuleFileError, RuleFileFacts};
use crate::promql_selectors;
use crate::source::{LineIndex, SourceFile, Span};
use yaml::{Mark, Node};

/// How many leading bytes [`may_be_rule_file`] looks at.
pub const SNIFF_BYTES: usize = 1024;

/// True for a `.yml`/`.yaml` path.
pub fn is_yaml_path(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

/// Cheap test on the start of a file found by walking a directory: only
/// files whose first KB mentions `groups:` are read further.
pub fn may_be_rule_file(head: &[u8]) -> bool {
    let head = &head[..head.len().min(SNIFF_BYTES)];
    head.windows(b"groups:".len()).any(|w| w == b"groups:")
}

/// The facts of `file` when it is a Prometheus rule file.
pub fn extract(file: &SourceFile) -> Option<RuleFileFacts> {
    let text = file.text.as_str();
    let index = LineIndex::new(text);
    let at = |mark: Mark| {
        let off = scalar::mark_offset(text, &index, mark) as u32;
        Span::new(file.id, off, off)
    };
    let mut facts = RuleFileFacts {
        path: file.path.clone(),
        ..RuleFileFacts::default()
    };
    let doc = match yaml::load_first_document(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => return None,
        Err(e) if has_top_level_groups(text) => {
            facts.errors.push(RuleFileError {
                span: at(e.mark),
                message: format!("the rule file does not parse as YAML: {}", e.message),
            });
            return Some(facts);
        }
        Err(_) => return None,
    };
    let Some(Node::Seq(groups)) = doc.get("groups") else {
        return None;
    };
    for group in groups {
        let name = group.get("name").and_then(Node::as_str).unwrap_or("");
        let Some(Node::Seq(rules)) = group.get("rules") else {
            continue;
        };
        for rule in rules {
            let Some(Node::Scalar { value, style, mark }) = rule.get("expr") else {
                continue;
            };
            let start = scalar::mark_offset(text, &index, *mark);
            let offsets = scalar::value_offsets(text, start, *style, value);
            let span = content_span(file, value, &offsets);
            let source = QuerySource::RuleFile {
                group: name.to_string(),
                rule: rule
                    .get("record")
                    .or_else(|| rule.get("alert"))
                    .and_then(Node::as_str)
                    .map(str::to_string),
            };
            match promql_selectors::analyze(value) {
                Ok(analysis) => facts.queries.push(Query {
                    text: value.clone(),
                    span,
                    decl: None,
                    source,
                    selectors: analysis.selectors,
                }),
                Err(message) => facts.errors.push(RuleFileError {
                    span,
                    message: format!(
                        "`expr` does not parse as PromQL: {}",
                        message.lines().next().unwrap_or("").trim()
                    ),
                }),
            }
        }
    }
    Some(facts)
}

/// The span of the value without its surrounding blanks.
fn content_span(file: &SourceFile, value: &str, offsets: &[usize]) -> Span {
    let lead = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    let start = offsets[lead];
    let end = if trimmed.is_empty() {
        start
    } else {
        let last = lead + trimmed.len() - trimmed.chars().last().map_or(0, char::len_utf8);
        offsets[last] + (offsets[last + 1].max(offsets[last]) - offsets[last]).max(1)
    };
    Span::new(file.id, start as u32, end.max(start) as u32)
}

/// A `groups:` key at the start of a line (the top level of a block mapping).
fn has_top_level_groups(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("groups:"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            id: FileId(0),
            path: "alerts.rules.yml".into(),
            abs_path: "alerts.rules.yml".into(),
            text: text.into(),
            lossy: false,
            is_test: false,
        }
    }

    fn line_col(text: &str, span: Span) -> (u32, u32) {
        let lc = LineIndex::new(text).line_col(text, span.start);
        (lc.line, lc.column)
    }

    #[test]
    fn rules_with_plain_and_block_expressions() {
        let text = "\
groups:
  - name: room
    rules:
      - record: room:joins:rate5m
        expr: sum(rate(room_joins_total[5m]))
      - alert: SlowJoins
        expr: |
          histogram_quantile(0.99,
            sum by (le) (rate(room_join_seconds[5m]))) > 2
";
        let facts = extract(&file(text)).unwrap();
        assert!(facts.errors.is_empty(), "{:?}", facts.errors);
        assert_eq!(facts.queries.len(), 2);
        let (a, b) = (&facts.queries[0], &facts.queries[1]);
        assert_eq!(line_col(text, a.span), (5, 15));
        assert_eq!(
            a.source,
            QuerySource::RuleFile {
                group: "room".into(),
                rule: Some("room:joins:rate5m".into())
            }
        );
        assert_eq!(line_col(text, b.span), (8, 11));
        assert_eq!(&text[b.span.end as usize - 3..b.span.end as usize], "> 2");
        assert_eq!(b.selectors[0].metric, "room_join_seconds");
        assert!(b.selectors[0].used.in_quantile);
    }

    #[test]
    fn other_yaml_is_not_a_rule_file() {
        assert!(extract(&file("apiVersion: v1\nkind: ConfigMap\n")).is_none());
        assert!(extract(&file("groups: 3\n")).is_none());
        assert!(extract(&file("")).is_none());
        assert!(extract(&file("a: [b\n")).is_none());
    }

    #[test]
    fn broken_yaml_and_broken_promql_are_errors() {
        let facts = extract(&file("groups:\n  - name: [a\n")).unwrap();
        assert_eq!(facts.errors.len(), 1);
        assert!(facts.errors[0].message.contains("YAML"));

        let text = "groups:\n  - name: g\n    rules:\n      - expr: rate(x[5m]\n";
        let facts = extract(&file(text)).unwrap();
        assert!(facts.queries.is_empty());
        assert_eq!(line_col(text, facts.errors[0].span), (4, 15));
        assert!(
            facts.errors[0].message.contains("PromQL"),
            "{:?}",
            facts.errors
        );
    }

    #[test]
    fn sniffing() {
        assert!(may_be_rule_file(b"# rules\ngroups:\n"));
        assert!(!may_be_rule_file(b"kind: Deployment\n"));
        assert!(is_yaml_path(std::path::Path::new("a/b.rules.YAML")));
        assert!(!is_yaml_path(std::path::Path::new("a/b.go")));
    }
}
