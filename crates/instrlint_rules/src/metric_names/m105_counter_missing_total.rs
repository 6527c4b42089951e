use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::{collected_here, declared_here, is_last_part, named};
use crate::util::names::{counter_name, reserved_suffix};
use instrlint_core::facts::MetricKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M105",
    name: "counter-missing-total",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "counter name does not end in `_total`",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let counters = ctx
        .package
        .metrics
        .iter()
        .filter(|m| m.name_kind() == MetricKind::Counter);
    for (def, name) in named(counters) {
        // `x_count`: M107 reports it and names `x_total`; one rename fixes both.
        if name.ends_with("_total") || reserved_suffix(name).is_some() {
            continue;
        }
        let report = out
            .report(
                &META,
                def.name_span,
                format!("counter `{name}` does not end in `_total`"),
            )
            .help(format!("rename it to `{}`", counter_name(name)));
        let report = declared_here(report, def, |role, _| is_last_part(role));
        collected_here(report, def);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_a_counter_without_total() {
        let d = run(
            check,
            vec![counter("rooms_joined")
                .parts("livestream", "")
                .declared_elsewhere()],
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "counter `livestream_rooms_joined` does not end in `_total`"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("rename it to `livestream_rooms_joined_total`")
        );
        assert_eq!(d[0].related.len(), 1);
        assert_eq!(d[0].related[0].message, "`rooms_joined` is declared here");
    }

    #[test]
    fn leaves_a_reserved_suffix_to_m107() {
        let d = run(check, vec![counter("livestream_gifts_sent_count")]);
        assert!(d.is_empty(), "{d:#?}");
    }

    #[test]
    fn silent_on_totals_other_kinds_and_unresolved_names() {
        let d = run(
            check,
            vec![
                counter("livestream_rooms_joined_total"),
                gauge("livestream_room_viewers"),
                desc("livestream_room_viewers"),
                counter("x").dynamic("kind"),
                counter("x").unknown(),
                counter(""),
            ],
        );
        assert!(d.is_empty());
    }
}
