//! Q: PromQL in Go strings and Prometheus rule files. Findings sit at the
//! query (inside the YAML scalar for rule files), one per offending selector.

pub mod q701_quantile_missing_bucket;
pub mod q702_rate_on_non_counter;

use crate::rule::Report;
use instrlint_core::config::Settings;
use instrlint_core::facts::{QueriedDefinition, Query, QuerySelector};

/// Recording-rule outputs (`job:requests:rate5m`) follow their own naming.
pub(crate) fn is_recording_rule_output(metric: &str) -> bool {
    metric.contains(':')
}

/// A native histogram by configuration or by its definition in the tree.
pub(crate) fn is_native_histogram(s: &QuerySelector, settings: &Settings) -> bool {
    settings.promql.native_histograms.contains(&s.metric)
        || s.defined.as_ref().is_some_and(|d| d.native_histogram)
}

/// Q701's condition, which Q702 defers to on the same selector.
pub(crate) fn quantile_misses_buckets(s: &QuerySelector, settings: &Settings) -> bool {
    s.used.in_quantile
        && !s.metric.ends_with("_bucket")
        && !is_recording_rule_output(&s.metric)
        && !is_native_histogram(s, settings)
}

/// `internal/room/metrics.go:22`
pub(crate) fn location(d: &QueriedDefinition) -> String {
    format!("{}:{}", d.path, d.line)
}

/// The related locations of a finding on `s` in `q`: the metric's
/// definition and the constant the query was declared in.
pub(crate) fn with_related<'s>(report: Report<'s>, q: &Query, s: &QuerySelector) -> Report<'s> {
    let report = match &s.defined {
        Some(d) => report.related(d.span, format!("`{}` is defined here", d.name)),
        None => report,
    };
    match q.decl {
        Some(decl) => report.related(decl, "the query is declared here"),
        None => report,
    }
}
