use super::{lib, span_var, subject, Lib};
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::{EndState, SpanStart, UnrecordedError};
use instrlint_core::span_settings::ErrorRecording;
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
    let both = ctx.settings.spans.error_recording == ErrorRecording::Both;
    for start in &ctx.package.span_starts {
        // A span assigned to `_` cannot record anything: S504 says so once.
        if start.unrecorded_errors.is_empty() || start.end == EndState::Discarded {
            continue;
        }
        let span = span_var(start);
        // OpenTracing and OpenCensus have one way to record an error: "both"
        // asks for it like "either" does.
        if both && lib(start) == Lib::Otel {
            report(
                out,
                start,
                |e| e.no_record_error,
                "without `RecordError`",
                format!("call `{span}.RecordError(err)` before returning"),
            );
            report(
                out,
                start,
                |e| e.no_status,
                "without an error status",
                format!("call `{span}.SetStatus(codes.Error, err.Error())` before returning"),
            );
            continue;
        }
        let help = match lib(start) {
            Lib::Otel => format!(
                "call `{span}.RecordError(err)` and `{span}.SetStatus(codes.Error, err.Error())` \
                 before returning"
            ),
            Lib::OpenTracing => format!(
                "call `ext.Error.Set({span}, true)` and `{span}.LogFields(log.Error(err))` before returning"
            ),
            Lib::OpenCensus => format!(
                "call `{span}.SetStatus(trace.Status{{Code: trace.StatusCodeUnknown, Message: err.Error()}})` \
                 before returning"
            ),
        };
        report(out, start, |e| e.neither, "without being recorded", help);
    }
}

/// One finding for the returns `missing` picks, if any.
fn report(
    out: &mut Sink,
    start: &SpanStart,
    missing: impl Fn(&UnrecordedError) -> bool,
    what: &str,
    help: String,
) {
    let returns: Vec<&UnrecordedError> = start
        .unrecorded_errors
        .iter()
        .filter(|e| missing(e))
        .collect();
    let message = match returns.len() {
        0 => return,
        1 => format!("an error is returned {what} on {}", subject(start)),
        n => format!("{n} errors are returned {what} on {}", subject(start)),
    };
    let mut report = out.report(&META, start.call, message).help(help);
    for e in returns {
        report = report.related(e.ret, "this return's error is not recorded on the span");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;

    #[test]
    fn both_reports_each_missing_call_once() {
        let mut settings = instrlint_core::config::Settings::default();
        settings.spans.error_recording = ErrorRecording::Both;
        let starts = || {
            starts(vec![start("signaling.join_room")
                .unrecorded(&[300])
                .status_only(&[400])])
        };
        let d = run_with(check, &settings, starts());
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "2 errors are returned without `RecordError` on the span \"signaling.join_room\""
        );
        assert_eq!(
            d[1].message,
            "an error is returned without an error status on the span \"signaling.join_room\""
        );
        assert_eq!(d[1].related[0].span, span(0, 300, 310));
        assert_eq!(
            d[1].help.as_deref(),
            Some("call `span.SetStatus(codes.Error, err.Error())` before returning")
        );
        // "either": the return that sets a status is fine.
        let d = run(check, starts());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].related.len(), 1);
    }

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
