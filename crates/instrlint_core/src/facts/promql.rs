//! PromQL queries: Go string literals and constants that hold a query, the
//! query arguments of the Prometheus HTTP API client, and the `expr:` values
//! of Prometheus rule files. Each query carries the selectors Q rules judge.

use super::metrics::MetricKind;
use crate::source::{FileId, LineIndex, SourceFile, Span};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Where a query was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuerySource {
    /// A Go string literal or constant concatenation that parses as PromQL
    /// and holds a function call or a range selector.
    GoLiteral,
    /// The query argument of `v1.API` `Query`, `QueryRange` or `QueryExemplars`.
    ApiCall { method: String },
    /// The `expr:` of a rule in a Prometheus rule file.
    RuleFile {
        group: String,
        /// The `record:` or `alert:` name, when present.
        rule: Option<String>,
    },
}

/// How a selector is used by the functions around it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SelectorUse {
    /// `rate`, `irate` or `increase` when the selector is that function's
    /// range-vector argument.
    pub rate_fn: Option<String>,
    /// The selector reaches the series argument of `histogram_quantile`
    /// through aggregations, parentheses and `rate`/`irate`/`increase` only.
    pub in_quantile: bool,
}

/// A metric definition of the linted tree that a selector queries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueriedDefinition {
    /// The defined fully-qualified name (`room_join_seconds`).
    pub name: String,
    pub kind: MetricKind,
    /// Whether the definition sets a `NativeHistogram…` option.
    pub native_histogram: bool,
    /// Display path of the defining file.
    pub path: String,
    /// 1-based line of the definition's name.
    pub line: u32,
    /// The definition's name span.
    pub span: Span,
}

/// One vector selector of a query with a literal metric name (`x`,
/// `x{job="a"}`, `{__name__="x"}`). Selectors matching names by regex are
/// not recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuerySelector {
    pub metric: String,
    #[serde(flatten)]
    pub used: SelectorUse,
    /// The definition in the linted tree whose name is `metric`, or `metric`
    /// without a `_bucket`, `_count`, `_sum` or `_total` suffix. Filled after
    /// every package is extracted ([`super::TreeFacts`] linking).
    pub defined: Option<QueriedDefinition>,
}

/// One query site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Query {
    /// The query as PromQL sees it (Go escapes decoded, YAML folded).
    pub text: String,
    /// Where findings are reported: the string literal or concatenation, the
    /// API call's argument, or the `expr:` scalar's content in a rule file.
    pub span: Span,
    /// The constant declaration the text came from, when it is declared
    /// away from `span`.
    pub decl: Option<Span>,
    pub source: QuerySource,
    /// Named selectors in the order PromQL's syntax tree lists them.
    pub selectors: Vec<QuerySelector>,
}

/// A Prometheus rule file that could not be read as one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleFileError {
    /// The position the error refers to (the YAML error, or the start of the
    /// `expr:` that does not parse as PromQL).
    pub span: Span,
    pub message: String,
}

/// The facts of one Prometheus rule file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuleFileFacts {
    /// Display path of the file.
    pub path: String,
    pub queries: Vec<Query>,
    pub errors: Vec<RuleFileError>,
}

/// Suffixes a queried series name may add to a defined metric's name.
const SERIES_SUFFIXES: &[&str] = &["_bucket", "_count", "_sum", "_total"];

/// Fill [`QuerySelector::defined`] for every query of the tree: the metric
/// definition named like the selector (exactly, or without one series
/// suffix), with its path and 1-based line. Runs once after extraction.
pub fn link_definitions(tree: &mut super::TreeFacts, files: &[SourceFile]) {
    let queried = queried_names(tree);
    let by_name = definitions_by_name(tree, &queried, files);
    if by_name.is_empty() {
        return;
    }
    let find = |metric: &str| -> Option<QueriedDefinition> {
        by_name.get(metric).cloned().or_else(|| {
            SERIES_SUFFIXES
                .iter()
                .filter_map(|s| metric.strip_suffix(s))
                .find_map(|base| by_name.get(base).cloned())
        })
    };
    let queries = tree
        .packages
        .iter_mut()
        .flat_map(|p| p.queries.iter_mut())
        .chain(
            tree.rule_files
                .iter_mut()
                .flat_map(|f| f.queries.iter_mut()),
        );
    for q in queries {
        for s in &mut q.selectors {
            s.defined = find(&s.metric);
        }
    }
}

/// The files [`link_definitions`] reads (for the line of each definition a
/// query names): the caller must have their texts.
pub fn queried_definition_files(tree: &super::TreeFacts) -> Vec<FileId> {
    let queried = queried_names(tree);
    let mut files: Vec<FileId> = first_definitions(tree, &queried)
        .map(|(_, def)| def.name_span.file)
        .collect();
    files.sort_unstable();
    files.dedup();
    files
}

/// Every metric name a selector may mean: as written, and without one
/// series suffix.
fn queried_names(tree: &super::TreeFacts) -> HashSet<&str> {
    let selectors = tree
        .packages
        .iter()
        .flat_map(|p| &p.queries)
        .chain(tree.rule_files.iter().flat_map(|f| &f.queries))
        .flat_map(|q| &q.selectors);
    let mut names = HashSet::new();
    for s in selectors {
        names.insert(s.metric.as_str());
        names.extend(
            SERIES_SUFFIXES
                .iter()
                .filter_map(|x| s.metric.strip_suffix(x)),
        );
    }
    names
}

/// The first definition of each resolved metric name in `queried`, in the
/// tree's order, with its package.
fn first_definitions<'a>(
    tree: &'a super::TreeFacts,
    queried: &'a HashSet<&str>,
) -> impl Iterator<Item = (&'a super::PackageFacts, &'a super::MetricDef)> {
    let mut seen: HashSet<&str> = HashSet::new();
    tree.packages
        .iter()
        .flat_map(|p| p.metrics.iter().map(move |m| (p, m)))
        .filter(move |(_, def)| {
            def.fq_name
                .resolved()
                .is_some_and(|n| queried.contains(n.text.as_str()) && seen.insert(n.text.as_str()))
        })
}

/// The first definition of each resolved metric name a query may mean.
fn definitions_by_name(
    tree: &super::TreeFacts,
    queried: &HashSet<&str>,
    files: &[SourceFile],
) -> HashMap<String, QueriedDefinition> {
    let mut by_name = HashMap::new();
    let mut lines: HashMap<FileId, LineIndex> = HashMap::new();
    for (pkg, def) in first_definitions(tree, queried) {
        let Some(name) = def.fq_name.resolved() else {
            continue;
        };
        let file = def.name_span.file;
        let (Some(path), Some(src)) = (pkg.path_of(file), files.get(file.0 as usize)) else {
            continue;
        };
        let index = lines
            .entry(file)
            .or_insert_with(|| LineIndex::new(&src.text));
        by_name.insert(
            name.text.clone(),
            QueriedDefinition {
                name: name.text.clone(),
                kind: def.name_kind(),
                native_histogram: def.native_histogram,
                path: path.to_string(),
                line: index.line_of(def.name_span.start) as u32 + 1,
                span: def.name_span,
            },
        );
    }
    by_name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::TreeFacts;

    fn selector(metric: &str) -> QuerySelector {
        QuerySelector {
            metric: metric.into(),
            used: SelectorUse::default(),
            defined: None,
        }
    }

    #[test]
    fn selectors_link_to_definitions_by_series_name() {
        let text = "package room\n\
            import (\n\
            \t\"github.com/prometheus/client_golang/prometheus\"\n\
            \t\"github.com/prometheus/client_golang/prometheus/promauto\"\n\
            )\n\
            var joins = promauto.NewHistogram(prometheus.HistogramOpts{\n\
            \tName: \"room_join_seconds\",\n\
            })\n";
        let src = SourceFile {
            id: FileId(0),
            path: "internal/room/metrics.go".into(),
            abs_path: "internal/room/metrics.go".into(),
            text: text.into(),
            lossy: false,
            is_test: false,
        };
        let facts = crate::extract::extract_package("internal/room", "room", &[&src]);
        let query = Query {
            text: String::new(),
            span: Span::new(FileId(1), 0, 0),
            decl: None,
            source: QuerySource::GoLiteral,
            selectors: vec![
                selector("room_join_seconds_bucket"),
                selector("room_join_seconds"),
                selector("room_leaves_total"),
            ],
        };
        let mut tree = TreeFacts {
            packages: vec![facts],
            rule_files: vec![RuleFileFacts {
                path: "alerts.rules.yml".into(),
                queries: vec![query],
                errors: Vec::new(),
            }],
        };
        link_definitions(&mut tree, std::slice::from_ref(&src));
        let sel = &tree.rule_files[0].queries[0].selectors;
        let d = sel[0].defined.as_ref().expect("linked through `_bucket`");
        assert_eq!(d.name, "room_join_seconds");
        assert_eq!(d.kind, MetricKind::Histogram);
        assert_eq!((d.path.as_str(), d.line), ("internal/room/metrics.go", 7));
        assert_eq!(sel[1].defined.as_ref(), Some(d));
        assert!(sel[2].defined.is_none());
    }
}
