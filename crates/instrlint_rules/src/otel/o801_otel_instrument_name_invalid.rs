use super::names::invalid;
use super::{declared_here, named, subject};
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "O801",
    name: "otel-instrument-name-invalid",
    group: Group::Otel,
    level: Level::Error,
    summary: "instrument name does not match the OpenTelemetry name syntax",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for (inst, arg, name) in named(&ctx.package.otel_instruments) {
        let valid_utf8 = arg.value.resolved().is_some_and(|s| s.valid_utf8);
        let Some(why) = invalid(name, valid_utf8) else {
            continue;
        };
        let message = format!(
            "{} has a name that {why}: the SDK returns an error for it",
            subject(inst, Some(name))
        );
        let help = "start with a letter and use only letters, digits, `_`, `.`, `-` and `/`, \
                    at most 255 characters (`room.join.duration`)";
        declared_here(out.report(&META, arg.span, message).help(help), arg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_otel::*;

    #[test]
    fn fires_at_the_name_with_the_reason() {
        let d = run(
            check,
            package(
                vec![counter("room joins"), histogram("").declared_elsewhere()],
                vec![],
            ),
        );
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "counter `room joins` has a name that contains a space: the SDK returns an error for it"
        );
        assert_eq!(d[0].primary, span(0, 10, 20));
        assert!(d[1].message.contains("name that is empty"));
        assert_eq!(d[1].related[0].span, DECL);
    }

    #[test]
    fn silent_on_valid_dynamic_and_unknown_names() {
        let d = run(
            check,
            package(
                vec![
                    counter("http.server.request-count/v2"),
                    counter("x y").dynamic("name"),
                ],
                vec![],
            ),
        );
        assert!(d.is_empty());
    }
}
