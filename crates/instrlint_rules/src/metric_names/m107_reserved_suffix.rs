use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::{declared_here, is_last_part, named};
use crate::util::names::{counter_name, reserved_suffix};
use instrlint_core::facts::MetricKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M107",
    name: "reserved-suffix",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "metric name ends in `_bucket`, `_count`, `_sum` or `_created`",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for (def, name) in named(&ctx.package.metrics) {
        let Some(suffix) = reserved_suffix(name) else {
            continue;
        };
        let renamed = match def.name_kind() {
            MetricKind::Counter => counter_name(name),
            _ => name[..name.len() - suffix.len()].to_string(),
        };
        let message = format!("metric name `{name}` ends in the reserved suffix `{suffix}`");
        let help =
            format!("rename it to `{renamed}`: the exposition format appends `{suffix}` itself");
        let report = out.report(&META, def.name_span, message).help(help);
        declared_here(report, def, |role, _| is_last_part(role));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_each_reserved_suffix() {
        let names = [
            "livestream_gift_bucket",
            "livestream_gift_count",
            "livestream_gift_sum",
            "livestream_room_created",
        ];
        let d = run(check, names.iter().map(|n| gauge(n)).collect());
        assert_eq!(d.len(), 4);
        assert_eq!(
            d[1].message,
            "metric name `livestream_gift_count` ends in the reserved suffix `_count`"
        );
        assert!(d[1]
            .help
            .as_deref()
            .unwrap()
            .starts_with("rename it to `livestream_gift`"));
    }

    #[test]
    fn a_counter_is_renamed_to_total() {
        let d = run(check, vec![counter("livestream_gifts_count")]);
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("rename it to `livestream_gifts_total`"));
    }

    #[test]
    fn silent_on_near_misses() {
        let d = run(
            check,
            vec![
                gauge("livestream_room_count_max"),
                counter("livestream_rooms_created_total"),
                gauge("livestream_accounts"),
                gauge("x_sum").dynamic("n"),
            ],
        );
        assert!(d.is_empty());
    }
}
