use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::MetricKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "T305",
    name: "summary-not-aggregatable",
    group: Group::Types,
    level: Level::Note,
    summary: "a summary with `Objectives` computes quantiles that cannot be aggregated",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        let (MetricKind::Summary, Some(objectives)) = (def.kind, def.objectives) else {
            continue;
        };
        out.report(&META, objectives, "summary quantiles cannot be aggregated across instances")
            .help("use a histogram and `histogram_quantile` over the summed buckets, or drop `Objectives` to keep only `_sum` and `_count`");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_at_the_objectives() {
        let d = run(
            check,
            vec![summary("livestream_join_latency_seconds").objectives()],
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].primary, span(0, 180, 195));
    }

    #[test]
    fn silent_without_objectives() {
        let defs = vec![
            summary("livestream_join_latency_seconds"),
            histogram("livestream_join_latency_seconds")
                .objectives()
                .at(0, 300),
        ];
        assert!(run(check, defs).is_empty());
    }
}
