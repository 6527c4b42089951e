use super::{location, quantile_misses_buckets, with_related};
use crate::rule::{Group, RuleMeta, Sink, TreeCtx};
use instrlint_core::facts::{MetricKind, QuerySelector};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "Q701",
    name: "quantile-missing-bucket",
    group: Group::Promql,
    level: Level::Error,
    summary: "`histogram_quantile` over a series that does not end in `_bucket`",
    since: "0.1.0",
};

pub fn check(ctx: &TreeCtx, out: &mut Sink) {
    for q in ctx.tree.queries() {
        for s in &q.selectors {
            if !quantile_misses_buckets(s, ctx.settings) {
                continue;
            }
            let (message, help) = message(s);
            with_related(out.report(&META, q.span, message).help(help), q, s);
        }
    }
}

fn message(s: &QuerySelector) -> (String, String) {
    let metric = &s.metric;
    match &s.defined {
        Some(d) if d.kind == MetricKind::Histogram => (
            format!(
                "`{}` is a histogram defined at {}; query `{}_bucket`",
                d.name,
                location(d),
                d.name
            ),
            format!(
                "write `histogram_quantile(φ, sum by (le) (rate({}_bucket[5m])))`",
                d.name
            ),
        ),
        Some(d) => (
            format!(
                "`histogram_quantile` over `{metric}` returns nothing: `{}` is a {} defined at {}, not a histogram",
                d.name,
                d.kind.as_str(),
                location(d)
            ),
            "`histogram_quantile` needs the `_bucket` series of a histogram".to_string(),
        ),
        None => (
            format!(
                "`histogram_quantile` over `{metric}` returns nothing: the series does not end in `_bucket`"
            ),
            format!(
                "query `{metric}_bucket`, or list `{metric}` in `[promql] native_histograms` if it is a native histogram"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_promql::*;

    #[test]
    fn fires_on_a_quantile_without_buckets() {
        let d = run(
            check,
            &[],
            vec![query(vec![quantile("room_join_seconds", Some("rate"))])],
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`histogram_quantile` over `room_join_seconds` returns nothing: the series does not end in `_bucket`"
        );
    }

    #[test]
    fn names_the_definition_in_the_tree() {
        let sel = quantile("room_join_seconds", Some("rate")).defined_as(
            MetricKind::Histogram,
            "internal/room/metrics.go",
            22,
        );
        let d = run(check, &[], vec![query(vec![sel])]);
        assert_eq!(
            d[0].message,
            "`room_join_seconds` is a histogram defined at internal/room/metrics.go:22; query `room_join_seconds_bucket`"
        );
        assert_eq!(
            d[0].related[0].message,
            "`room_join_seconds` is defined here"
        );
    }

    #[test]
    fn silent_on_buckets_native_histograms_and_recording_rules() {
        let native_by_def = quantile("room_join_seconds", None)
            .defined_as(MetricKind::Histogram, "m.go", 3)
            .native();
        let d = run(
            check,
            &["livestream_join_seconds"],
            vec![query(vec![
                quantile("room_join_seconds_bucket", Some("rate")),
                quantile("livestream_join_seconds", Some("rate")),
                quantile("job:room_join_seconds:rate5m", None),
                native_by_def,
                rated("room_join_seconds", "rate"),
            ])],
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
