use super::names::{suffix, Suffix};
use super::subject;
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::InstrumentKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "O803",
    name: "otel-histogram-missing-unit",
    group: Group::Otel,
    level: Level::Note,
    summary: "histogram instrument has no `metric.WithUnit`",
    since: "0.1.0",
};

/// Judged on the options: an option that is not a `metric.…(…)` call may set
/// the unit, so it silences the rule. A name ending in a unit is O802's.
pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for inst in &ctx.package.otel_instruments {
        if inst.kind != InstrumentKind::Histogram || inst.opaque_options {
            continue;
        }
        let what = match &inst.unit {
            None => "no unit",
            Some(u) if u.value.resolved().is_some_and(|s| s.text.is_empty()) => "an empty unit",
            Some(_) => continue,
        };
        let name = inst
            .name
            .as_ref()
            .and_then(|n| n.value.resolved())
            .map(|s| s.text.as_str());
        if name
            .and_then(suffix)
            .is_some_and(|s| matches!(s, Suffix::Unit { .. }))
        {
            continue;
        }
        let at = match (&inst.unit, &inst.name) {
            (Some(u), _) => u.span,
            (None, Some(n)) => n.span,
            (None, None) => inst.call,
        };
        let help = "pass `metric.WithUnit(\"s\")` (UCUM: `s`, `ms`, `By`, `1`): backends and the \
                    Prometheus exporter read the unit from it";
        out.report(&META, at, format!("{} has {what}", subject(inst, name)))
            .help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_otel::*;

    #[test]
    fn fires_on_histograms_without_a_unit() {
        let d = run(
            check,
            package(
                vec![
                    histogram("room.join.duration"),
                    histogram("x").dynamic("name"),
                    histogram("room.payload.size").unit(""),
                ],
                vec![],
            ),
        );
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].message, "histogram `room.join.duration` has no unit");
        assert_eq!(d[0].primary, span(0, 10, 20));
        assert_eq!(d[1].message, "histogram has no unit");
        assert_eq!(
            d[2].message,
            "histogram `room.payload.size` has an empty unit"
        );
        assert_eq!(d[2].primary, span(0, 25, 30));
    }

    #[test]
    fn silent_with_a_unit_opaque_options_other_kinds_or_a_unit_suffix() {
        let d = run(
            check,
            package(
                vec![
                    histogram("room.join.duration").unit("s"),
                    histogram("room.join.duration").opaque(),
                    counter("room.joins"),
                    histogram("room.join.duration_ms"),
                ],
                vec![],
            ),
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
