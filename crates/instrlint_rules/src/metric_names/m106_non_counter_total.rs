use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::{collected_here, declared_here, is_last_part, named};
use instrlint_core::facts::MetricKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M106",
    name: "non-counter-total",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "gauge, histogram or summary name ends in `_total`",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let non_counters = ctx.package.metrics.iter().filter(|m| {
        matches!(
            m.name_kind(),
            MetricKind::Gauge | MetricKind::Histogram | MetricKind::Summary
        )
    });
    for (def, name) in named(non_counters) {
        let Some(base) = name.strip_suffix("_total").filter(|b| !b.is_empty()) else {
            continue;
        };
        let kind = def.name_kind().as_str();
        let report = out
            .report(
                &META,
                def.name_span,
                format!("{kind} `{name}` ends in `_total`"),
            )
            .help(format!("rename it to `{base}`: `_total` marks a counter"));
        let report = declared_here(report, def, |role, _| is_last_part(role));
        collected_here(report, def);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_gauges_and_histograms_ending_in_total() {
        let d = run(
            check,
            vec![
                gauge("livestream_viewers_total"),
                histogram("livestream_gift_total"),
            ],
        );
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "gauge `livestream_viewers_total` ends in `_total`"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("rename it to `livestream_viewers`: `_total` marks a counter")
        );
    }

    #[test]
    fn silent_on_counters_descs_and_other_names() {
        let d = run(
            check,
            vec![
                counter("livestream_rooms_total"),
                desc("livestream_rooms_total"),
                gauge("livestream_totals_viewers"),
                gauge("x_total").unknown(),
            ],
        );
        assert!(d.is_empty());
    }
}
