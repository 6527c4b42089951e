use super::names::{invalid, last_token, suffix, Suffix};
use super::{declared_here, named, subject};
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::OtelInstrument;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "O802",
    name: "otel-instrument-name-suffix",
    group: Group::Otel,
    level: Level::Warning,
    summary: "instrument name ends in `total` or a unit",
    since: "0.1.0",
};

/// Names that O801 flags are left to it (one finding per root cause).
pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for (inst, arg, name) in named(&ctx.package.otel_instruments) {
        if invalid(name, true).is_some() {
            continue;
        }
        let Some(found) = suffix(name) else {
            continue;
        };
        let (token, rest) = last_token(name);
        let rename = match rest {
            Some(r) => format!("rename it to `{r}`"),
            None => "name what it measures".to_string(),
        };
        let (message, help) = match found {
            Suffix::Total => (
                format!("{} ends in `{token}`", subject(inst, Some(name))),
                format!("{rename}: the Prometheus exporter appends `_total` to counters itself"),
            ),
            Suffix::Unit { ucum, .. } => (
                format!("{} ends in the unit `{token}`", subject(inst, Some(name))),
                unit_help(inst, ucum, &rename),
            ),
        };
        declared_here(out.report(&META, arg.span, message).help(help), arg);
    }
}

fn unit_help(inst: &OtelInstrument, ucum: &str, rename: &str) -> String {
    match inst.unit.as_ref().and_then(|u| u.value.resolved()) {
        Some(u) if !u.text.is_empty() => format!(
            "the unit is already in `metric.WithUnit(\"{}\")`: {rename}",
            u.text
        ),
        _ => format!(
            "put the unit in `metric.WithUnit(\"{ucum}\")` (UCUM: `s`, `ms`, `By`) and {rename}; \
             the Prometheus exporter appends it to the name"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_otel::*;

    #[test]
    fn fires_on_total_and_unit_tokens() {
        let d = run(
            check,
            package(
                vec![
                    counter("room.joins_total").declared_elsewhere(),
                    histogram("room.join.duration_ms"),
                    histogram("upload.bytes").unit("By"),
                ],
                vec![],
            ),
        );
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].message, "counter `room.joins_total` ends in `total`");
        assert_eq!(
            d[0].help.as_deref(),
            Some("rename it to `room.joins`: the Prometheus exporter appends `_total` to counters itself")
        );
        assert_eq!(d[0].related[0].span, DECL);
        assert_eq!(
            d[1].message,
            "histogram `room.join.duration_ms` ends in the unit `ms`"
        );
        assert!(d[1]
            .help
            .as_deref()
            .unwrap()
            .starts_with("put the unit in `metric.WithUnit(\"ms\")`"));
        assert_eq!(
            d[2].help.as_deref(),
            Some("the unit is already in `metric.WithUnit(\"By\")`: rename it to `upload`")
        );
        assert_eq!(d[2].primary, span(0, 10, 20));
    }

    #[test]
    fn silent_on_other_tokens_invalid_and_dynamic_names() {
        let d = run(
            check,
            package(
                vec![
                    counter("room.totals"),
                    histogram("room.join.duration").unit("s"),
                    counter("room joins_total"),
                    counter("x_total").dynamic("name"),
                ],
                vec![],
            ),
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
