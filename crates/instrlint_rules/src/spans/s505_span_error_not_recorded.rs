use super::{is_otel, span_var, subject};
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::EndState;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "S505",
    name: "span-error-not-recorded",
    group: Group::Spans,
    level: Level::Note,
    summary: "function returns an error without recording it on its span",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for start in &ctx.package.span_starts {
        // A span assigned to `_` cannot record anything: S504 says so once.
        if start.unrecorded_errors.is_empty() || start.end == EndState::Discarded {
            continue;
        }
        let message = match start.unrecorded_errors.len() {
            1 => format!(
                "an error is returned without being recorded on {}",
                subject(start)
            ),
            n => format!(
                "{n} errors are returned without being recorded on {}",
                subject(start)
            ),
        };
        let span = span_var(start);
        let help = if is_otel(start) {
            format!(
                "call `{span}.RecordError(err)` and `{span}.SetStatus(codes.Error, err.Error())` \
                 before returning"
            )
        } else {
            format!("call `ext.Error.Set({span}, true)` and `{span}.LogFields(log.Error(err))` before returning")
        };
        let mut report = out.report(&META, start.call, message).help(help);
        for e in &start.unrecorded_errors {
            report = report.related(e.ret, "this return's error is not recorded on the span");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;

    #[test]
    fn fires_once_per_span_with_every_return() {
        let d = run(
            check,
            starts(vec![start("signaling.join_room").unrecorded(&[300, 400])]),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].level, Level::Note);
        assert_eq!(
            d[0].message,
            "2 errors are returned without being recorded on the span \"signaling.join_room\""
        );
        assert_eq!(d[0].primary, span(0, 100, 160));
        let returns: Vec<_> = d[0].related.iter().map(|r| r.span).collect();
        assert_eq!(returns, vec![span(0, 300, 310), span(0, 400, 410)]);
    }

    #[test]
    fn fires_for_opentracing_and_leaking_spans() {
        let d = run(
            check,
            starts(vec![start("gifts.send")
                .opentracing()
                .unrecorded(&[300])
                .end(EndState::Leaks {
                    escape: span(0, 300, 310),
                })]),
        );
        assert_eq!(d.len(), 1);
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .contains("ext.Error.Set(span, true)"));
    }

    #[test]
    fn silent_when_recorded_or_discarded() {
        let d = run(
            check,
            starts(vec![
                start("gifts.send"),
                start("gifts.send")
                    .unrecorded(&[300])
                    .end(EndState::Discarded),
            ]),
        );
        assert!(d.is_empty());
    }
}
