use super::{
    is_native_histogram, is_recording_rule_output, location, quantile_misses_buckets, with_related,
};
use crate::rule::{Group, RuleMeta, Sink, TreeCtx};
use instrlint_core::facts::{MetricKind, QuerySelector};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "Q702",
    name: "rate-on-non-counter",
    group: Group::Promql,
    level: Level::Warning,
    summary: "`rate`, `irate` or `increase` over a series that is not a counter",
    since: "0.1.0",
};

/// Series names `rate` makes sense over.
const COUNTER_SUFFIXES: &[&str] = &["_total", "_count", "_sum", "_bucket"];

pub fn check(ctx: &TreeCtx, out: &mut Sink) {
    for q in ctx.tree.queries() {
        for s in &q.selectors {
            let Some(f) = s.used.rate_fn.as_deref() else {
                continue;
            };
            if COUNTER_SUFFIXES.iter().any(|x| s.metric.ends_with(x))
                || is_recording_rule_output(&s.metric)
                || is_native_histogram(s, ctx.settings)
                || quantile_misses_buckets(s, ctx.settings)
            {
                continue;
            }
            let (message, help) = message(f, s);
            with_related(out.report(&META, q.span, message).help(help), q, s);
        }
    }
}

fn message(f: &str, s: &QuerySelector) -> (String, String) {
    let metric = &s.metric;
    match &s.defined {
        Some(d) if d.kind == MetricKind::Counter => (
            format!(
                "`{f}` over `{metric}`: the counter defined at {} does not end in `_total`",
                location(d)
            ),
            format!("rename the counter to `{}_total` and query that", d.name),
        ),
        Some(d) if matches!(d.kind, MetricKind::Histogram | MetricKind::Summary) => (
            format!(
                "`{metric}` is a {} defined at {}; `{f}` needs one of its series, such as `{}_count`",
                d.kind.as_str(),
                location(d),
                d.name
            ),
            format!("query `{}_count` or `{}_sum`", d.name, d.name),
        ),
        Some(d) => (
            format!(
                "`{metric}` is a {} defined at {}; `{f}` over it is meaningless",
                d.kind.as_str(),
                location(d)
            ),
            "`rate`, `irate` and `increase` are for counters: use `deriv` or `delta` for a gauge"
                .to_string(),
        ),
        None => (
            format!(
                "`{f}` over `{metric}`, which does not end in `_total`, `_count`, `_sum` or `_bucket`"
            ),
            "query a counter, or use `deriv` or `delta` for a gauge".to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_promql::*;

    #[test]
    fn fires_on_a_rate_over_a_gauge_name() {
        let d = run(check, &[], vec![query(vec![rated("room_members", "rate")])]);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`rate` over `room_members`, which does not end in `_total`, `_count`, `_sum` or `_bucket`"
        );
    }

    #[test]
    fn names_the_definition_in_the_tree() {
        let sel = rated("room_members", "irate").defined_as(MetricKind::Gauge, "room/m.go", 9);
        let d = run(check, &[], vec![query(vec![sel])]);
        assert_eq!(
            d[0].message,
            "`room_members` is a gauge defined at room/m.go:9; `irate` over it is meaningless"
        );
        assert_eq!(d[0].related.len(), 1);
    }

    #[test]
    fn silent_on_counters_recording_rules_and_where_q701_fires() {
        let d = run(
            check,
            &["native_seconds"],
            vec![query(vec![
                rated("jobs_done_total", "rate"),
                rated("req_seconds_count", "increase"),
                rated("req_seconds_bucket", "rate"),
                rated("job:requests:rate5m", "rate"),
                rated("native_seconds", "rate"),
                quantile("room_join_seconds", Some("rate")),
                plain("room_members"),
            ])],
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
