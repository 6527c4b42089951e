use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::named;
use crate::util::names::words;
use crate::util::units::{has_base_unit, non_base_unit};
use instrlint_core::facts::MetricKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M109",
    name: "histogram-missing-unit",
    group: Group::MetricNames,
    level: Level::Note,
    summary: "histogram or summary name has no unit",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let distributions = ctx
        .package
        .metrics
        .iter()
        .filter(|m| matches!(m.name_kind(), MetricKind::Histogram | MetricKind::Summary));
    for (def, name) in named(distributions) {
        let words = words(name);
        // A non-base unit is still a unit: M108 covers it.
        if has_base_unit(&words) || non_base_unit(&words).is_some() {
            continue;
        }
        let kind = def.name_kind().as_str();
        out.report(
            &META,
            def.name_span,
            format!("{kind} `{name}` has no unit in its name"),
        )
        .help(format!(
            "end the name in the base unit it observes, e.g. `{name}_seconds` or `{name}_bytes`"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_a_histogram_without_a_unit() {
        let d = run(check, vec![histogram("livestream_gift_value")]);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "histogram `livestream_gift_value` has no unit in its name"
        );
        assert_eq!(d[0].level, Level::Note);
    }

    #[test]
    fn silent_with_a_unit_a_non_base_unit_or_another_kind() {
        let d = run(
            check,
            vec![
                histogram("livestream_join_duration_seconds"),
                histogram("livestream_chunk_size_bytes"),
                histogram("livestream_join_latency_ms"),
                gauge("livestream_room_viewers"),
                histogram("x").dynamic("n"),
            ],
        );
        assert!(d.is_empty());
    }
}
