use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::MetricKind;
use instrlint_core::{Level, Value};

pub const META: RuleMeta = RuleMeta {
    code: "M111",
    name: "missing-help",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "metric has no help text",
    since: "0.1.0",
};

/// Judged on the help alone: a dynamic or unknown name does not make a
/// missing help any less missing.
pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        // M101 at error level (an empty or non-UTF-8 name) is the one finding
        // on such a definition: it cannot be registered at all.
        if def
            .fq_name
            .resolved()
            .is_some_and(|n| !crate::util::defs::registrable(n))
        {
            continue;
        }
        let what = match &def.help {
            None => "no help text",
            Some(Value::Resolved(help)) if help.text.trim().is_empty() => "an empty help text",
            Some(_) => continue,
        };
        let subject = match def.fq_name.resolved().filter(|n| !n.text.is_empty()) {
            Some(name) => format!("{} `{}`", def.kind.as_str(), name.text),
            None => def.kind.as_str().to_string(),
        };
        let help = if def.kind == MetricKind::Desc {
            "pass one sentence saying what it measures as the help argument"
        } else {
            "set `Help` to one sentence saying what it measures"
        };
        out.report(&META, def.help_span, format!("{subject} has {what}"))
            .help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_absent_and_empty_help_at_the_help_span() {
        let defs = vec![
            counter("livestream_rooms_joined_total").help(None),
            gauge("livestream_room_viewers").help(Some(" ")),
            counter("x").dynamic("name").help(None),
        ];
        let d = run(check, defs);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "counter `livestream_rooms_joined_total` has no help text"
        );
        assert_eq!(d[0].primary, span(0, 150, 170));
        assert_eq!(
            d[1].message,
            "gauge `livestream_room_viewers` has an empty help text"
        );
        assert_eq!(d[2].message, "counter has no help text");
    }

    #[test]
    fn silent_with_help_or_unknown_help() {
        let defs = vec![
            counter("livestream_rooms_joined_total"),
            counter("livestream_rooms_left_total").help_unknown(),
            // M101 at error level is the one finding on these.
            counter("").help(None),
            counter("livestream_rooms").invalid_utf8().help(None),
        ];
        assert!(run(check, defs).is_empty());
    }
}
