use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::{declared_here, named};
use crate::util::names::{is_classic, snake_problem, to_snake};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M102",
    name: "metric-name-case",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "metric name is not snake_case",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for (def, name) in named(&ctx.package.metrics) {
        // Other characters are M101's; this rule judges case and underscores only.
        if !is_classic(name) {
            continue;
        }
        let Some(problem) = snake_problem(name) else {
            continue;
        };
        let message = format!("metric name `{name}` is not snake_case: {problem}");
        let report = out
            .report(&META, def.name_span, message)
            .help(format!("rename it to `{}`", to_snake(name)));
        declared_here(report, def, |_, s| snake_problem(&s.text).is_some());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_camel_case_and_stray_underscores() {
        let d = run(
            check,
            vec![
                counter("livestream_roomJoins_total"),
                counter("_livestream_rooms_total"),
                counter("livestream__rooms_total"),
            ],
        );
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "metric name `livestream_roomJoins_total` is not snake_case: it has upper-case letters"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("rename it to `livestream_room_joins_total`")
        );
        assert_eq!(
            d[2].help.as_deref(),
            Some("rename it to `livestream_rooms_total`")
        );
    }

    #[test]
    fn points_at_the_constant_that_breaks_case() {
        let d = run(
            check,
            vec![counter("Viewers")
                .parts("livestream", "room")
                .declared_elsewhere()],
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].related[0].message, "`Viewers` is declared here");
    }

    #[test]
    fn silent_on_snake_case_and_on_m101_names() {
        let d = run(
            check,
            vec![
                counter("livestream_rooms_joined_total"),
                counter("livestream_Room-joins_total"),
                counter(""),
                counter("Rooms").unknown(),
            ],
        );
        assert!(d.is_empty());
    }
}
