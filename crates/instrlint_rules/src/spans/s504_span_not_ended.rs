use super::{end_method, span_var, subject};
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::{Binding, EndState};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "S504",
    name: "span-not-ended",
    group: Group::Spans,
    level: Level::Error,
    summary: "span is not ended on some path of its function",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for start in &ctx.package.span_starts {
        let end = end_method(start);
        match &start.end {
            EndState::Leaks { escape } => {
                // The escape is a `return`, or the function's closing brace.
                let label = if escape.len() <= 1 {
                    "the function ends here with the span open"
                } else {
                    "this return leaves the span open"
                };
                out.report(
                    &META,
                    start.call,
                    format!("{} is not ended on every path", subject(start)),
                )
                .help(format!(
                    "add `defer {}.{end}()` right after the start",
                    span_var(start)
                ))
                .related(*escape, label);
            }
            EndState::Overwritten { at } => {
                let var = span_var(start);
                out.report(
                    &META,
                    start.call,
                    format!(
                        "{} is lost before it is ended: `{var}` is assigned another span",
                        subject(start)
                    ),
                )
                .help(format!(
                    "end it first, or give the second span a variable of its own: \
                     `defer {var}.{end}()` right after each start"
                ))
                .related(*at, format!("`{var}` is overwritten here"));
            }
            EndState::Discarded => {
                let message = match start.span_out {
                    Binding::None => "the span is never assigned: it can never be ended",
                    _ => "the span is assigned to `_`: it can never be ended",
                };
                out.report(&META, start.call, message)
                    .help(format!("bind it to a variable and `defer span.{end}()`"));
            }
            EndState::Ended | EndState::Unknown => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;

    #[test]
    fn fires_at_the_start_with_the_escaping_return() {
        let d = run(
            check,
            starts(vec![start("signaling.join_room").end(EndState::Leaks {
                escape: span(0, 300, 310),
            })]),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "the span \"signaling.join_room\" is not ended on every path"
        );
        assert_eq!(d[0].primary, span(0, 100, 160));
        assert_eq!(d[0].related[0].span, span(0, 300, 310));
        assert_eq!(d[0].related[0].message, "this return leaves the span open");
        assert_eq!(
            d[0].help.as_deref(),
            Some("add `defer span.End()` right after the start")
        );
    }

    #[test]
    fn fires_on_discarded_spans_and_falling_off_the_end() {
        let d = run(
            check,
            starts(vec![
                start("gifts.send").opentracing().end(EndState::Leaks {
                    escape: span(0, 400, 401),
                }),
                start("gifts.send").end(EndState::Discarded),
            ]),
        );
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].help.as_deref(),
            Some("add `defer span.Finish()` right after the start")
        );
        assert!(d[0].related[0].message.contains("function ends here"));
        assert_eq!(
            d[1].message,
            "the span is assigned to `_`: it can never be ended"
        );
    }

    #[test]
    fn fires_on_overwritten_and_unassigned_spans() {
        let d = run(
            check,
            starts(vec![
                start("room.first").end(EndState::Overwritten {
                    at: span(0, 200, 240),
                }),
                start("room.bare")
                    .end(EndState::Discarded)
                    .span_out(Binding::None),
            ]),
        );
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "the span \"room.first\" is lost before it is ended: `span` is assigned another span"
        );
        assert_eq!(d[0].related[0].span, span(0, 200, 240));
        assert_eq!(d[0].related[0].message, "`span` is overwritten here");
        assert_eq!(
            d[1].message,
            "the span is never assigned: it can never be ended"
        );
    }

    #[test]
    fn silent_when_ended_or_unknown() {
        let d = run(
            check,
            starts(vec![
                start("gifts.send"),
                start("gifts.send").end(EndState::Unknown),
            ]),
        );
        assert!(d.is_empty());
    }
}
