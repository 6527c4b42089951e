use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::{declared_here, named};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M103",
    name: "metric-name-colon",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "metric name contains `:`, which is reserved for recording rules",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for (def, name) in named(&ctx.package.metrics) {
        if !name.contains(':') {
            continue;
        }
        let renamed: Vec<&str> = name.split([':', '_']).filter(|p| !p.is_empty()).collect();
        let report = out
            .report(
                &META,
                def.name_span,
                format!("metric name `{name}` contains `:`"),
            )
            .help(format!(
                "rename it to `{}`: colons are reserved for recording rules",
                renamed.join("_")
            ));
        declared_here(report, def, |_, s| s.text.contains(':'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_a_colon() {
        let d = run(check, vec![gauge("livestream:room_viewers")]);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "metric name `livestream:room_viewers` contains `:`"
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("rename it to `livestream_room_viewers`"));
    }

    #[test]
    fn silent_without_a_colon_or_a_resolved_name() {
        let d = run(
            check,
            vec![
                gauge("livestream_room_viewers"),
                gauge("a:b").unknown(),
                gauge("a:b").dynamic("job"),
            ],
        );
        assert!(d.is_empty());
    }
}
