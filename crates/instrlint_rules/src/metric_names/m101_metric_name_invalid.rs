use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::declared_here;
use crate::util::names::{describe_char, first_outside_classic, is_classic, sanitised};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M101",
    name: "metric-name-invalid",
    group: Group::MetricNames,
    level: Level::Error,
    summary: "metric name is empty, not valid UTF-8, or outside the classic charset",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        let Some(name) = def.fq_name.resolved() else {
            continue;
        };
        let text = &name.text;
        if text.is_empty() {
            out.report(
                &META,
                def.name_span,
                format!("{} name is empty", def.kind.as_str()),
            )
            .help("give it a constant, non-empty name: registration fails without one");
        } else if !name.valid_utf8 {
            let report = out
                .report(
                    &META,
                    def.name_span,
                    format!("metric name `{text}` is not valid UTF-8"),
                )
                .help("registration fails on invalid UTF-8; use ASCII letters, digits and `_`");
            declared_here(report, def, |_, s| !s.valid_utf8);
        } else if let Some((at, c)) = first_outside_classic(text) {
            let message = if at == 0 && c.is_ascii_digit() {
                format!("metric name `{text}` starts with a digit")
            } else {
                format!("metric name `{text}` contains {}", describe_char(c))
            };
            let why = "names outside `[a-zA-Z_:][a-zA-Z0-9_:]*` must be quoted in PromQL \
                       and break Prometheus < 3 and most tooling";
            let help = match sanitised(text) {
                Some(fixed) => format!("rename it to `{fixed}`: {why}"),
                None => format!("start it with a letter: {why}"),
            };
            let report = out
                .report(&META, def.name_span, message)
                .level(Level::Warning)
                .help(help);
            declared_here(report, def, |_, s| {
                !is_classic(&s.text) && !s.text.is_empty()
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn empty_and_invalid_utf8_are_errors() {
        let d = run(
            check,
            vec![counter(""), counter("rooms\u{FFFD}_total").invalid_utf8()],
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "counter name is empty");
        assert!(d.iter().all(|d| d.level == Level::Error));
    }

    #[test]
    fn outside_classic_charset_is_a_warning_with_a_rename() {
        let d = run(
            check,
            vec![counter("livestream_room-joins_total").declared_elsewhere()],
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].level, Level::Warning);
        assert_eq!(
            d[0].message,
            "metric name `livestream_room-joins_total` contains `-`"
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("rename it to `livestream_room_joins_total`"));
        assert_eq!(d[0].related[0].span, DECL);
        let d = run(check, vec![counter("5xx_responses_total")]);
        assert_eq!(
            d[0].message,
            "metric name `5xx_responses_total` starts with a digit"
        );
    }

    #[test]
    fn silent_on_classic_dynamic_and_unknown_names() {
        let d = run(
            check,
            vec![
                counter("livestream:rooms_joined_total"),
                counter("x").dynamic("tenant"),
                counter("x").unknown(),
            ],
        );
        assert!(d.is_empty());
    }
}
