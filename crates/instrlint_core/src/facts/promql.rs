//! PromQL queries: Go string literals and constants that hold a query, the
//! query arguments of the Prometheus HTTP API client, and the `expr:` values
//! of Prometheus rule files. Each query carries the selectors Q rules judge.

use super::metrics::MetricKind;
use crate::source::Span;
use serde::Serialize;

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
