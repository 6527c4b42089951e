use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::{declared_here, named};
use crate::util::names::{replace_word, words};
use crate::util::units::non_base_unit;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M108",
    name: "non-base-unit",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "metric name uses a non-base unit",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for (def, name) in named(&ctx.package.metrics) {
        let Some(unit) = non_base_unit(&words(name)) else {
            continue;
        };
        let (token, base) = (unit.token, unit.base);
        let message = format!("metric name `{name}` uses the non-base unit `{token}`");
        let help = format!(
            "record {base} and rename it to `{}` ({})",
            replace_word(name, token, base),
            unit.scale
        );
        let report = out.report(&META, def.name_span, message).help(help);
        declared_here(report, def, |_, s| {
            words(&s.text).iter().any(|w| w == token)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_with_the_base_unit_and_scale() {
        let d = run(
            check,
            vec![
                histogram("livestream_join_latency_ms"),
                counter("livestream_upload_kb_total"),
                gauge("livestream_cpu_percent"),
            ],
        );
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "metric name `livestream_join_latency_ms` uses the non-base unit `ms`"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("record seconds and rename it to `livestream_join_latency_seconds` (1 ms = 0.001 s)")
        );
        assert!(d[1]
            .help
            .as_deref()
            .unwrap()
            .contains("`livestream_upload_bytes_total`"));
        assert!(d[2]
            .help
            .as_deref()
            .unwrap()
            .contains("`livestream_cpu_ratio`"));
    }

    #[test]
    fn relates_the_constant_holding_the_unit() {
        let d = run(
            check,
            vec![histogram("join_latency_milliseconds")
                .parts("livestream", "room")
                .declared_elsewhere()],
        );
        assert_eq!(
            d[0].related[0].message,
            "`join_latency_milliseconds` is declared here"
        );
    }

    #[test]
    fn short_forms_count_only_where_the_unit_goes() {
        let d = run(
            check,
            vec![
                gauge("livestream_us_east_viewers"),
                gauge("kube_ns_pods"),
                counter("livestream_gb_signups_total"),
                counter("livestream_upload_mb_total"),
                histogram("livestream_ms_minutes_queued"),
            ],
        );
        let tokens: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            tokens,
            [
                "metric name `livestream_upload_mb_total` uses the non-base unit `mb`",
                "metric name `livestream_ms_minutes_queued` uses the non-base unit `minutes`",
            ]
        );
    }

    #[test]
    fn silent_on_base_units_and_words_containing_a_unit() {
        let d = run(
            check,
            vec![
                histogram("livestream_join_latency_seconds"),
                counter("livestream_room_msgs_total"),
                gauge("livestream_mbps_target"),
                histogram("x_ms").unknown(),
            ],
        );
        assert!(d.is_empty());
    }
}
