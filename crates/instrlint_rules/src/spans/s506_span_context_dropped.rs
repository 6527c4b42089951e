use super::{lib, subject, Lib};
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::{Binding, CtxArg};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "S506",
    name: "span-context-dropped",
    group: Group::Spans,
    level: Level::Warning,
    summary: "context returned by a span start is dropped while later calls use the parent",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for start in &ctx.package.span_starts {
        let Some(reused) = start.parent_ctx_reused_at else {
            continue;
        };
        let parent = match &start.ctx_arg {
            CtxArg::Named { name, .. } => format!("`{name}`"),
            _ => "the parent context".to_string(),
        };
        let dropped = match &start.ctx_out {
            Binding::Blank { .. } => "is discarded",
            _ => "is never used",
        };
        out.report(
            &META,
            start.call,
            format!("the context returned with {} {dropped}", subject(start)),
        )
        .help(match (&start.ctx_arg, lib(start)) {
            (CtxArg::Named { name, .. }, Lib::Otel) => format!(
                "bind the returned context (`{name}, span := tracer.Start({name}, …)`) and pass it on"
            ),
            (CtxArg::Named { name, .. }, Lib::OpenCensus) => format!(
                "bind the returned context (`{name}, span := trace.StartSpan({name}, …)`) and pass it on"
            ),
            (CtxArg::Named { name, .. }, Lib::OpenTracing) => format!(
                "bind the returned context (`span, {name} := opentracing.StartSpanFromContext({name}, …)`) \
                 and pass it on"
            ),
            _ => "bind the returned context and pass it to the calls that follow".to_string(),
        })
        .related(
            reused,
            format!("this call still passes {parent}: its span will not be a child"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;

    #[test]
    fn fires_at_the_start_with_the_call_that_reuses_the_parent() {
        let d = run(
            check,
            starts(vec![start("signaling.join_room")
                .ctx_out(Binding::Blank {
                    span: span(0, 100, 101),
                })
                .ctx_reused_at(300)]),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "the context returned with the span \"signaling.join_room\" is discarded"
        );
        assert_eq!(d[0].primary, span(0, 100, 160));
        assert_eq!(d[0].related[0].span, span(0, 300, 330));
        assert_eq!(
            d[0].related[0].message,
            "this call still passes `ctx`: its span will not be a child"
        );
    }

    #[test]
    fn fires_on_a_bound_but_unused_context() {
        let d = run(
            check,
            starts(vec![start("gifts.send").opentracing().ctx_reused_at(300)]),
        );
        assert!(d[0].message.ends_with("is never used"));
        let help = d[0].help.as_deref().unwrap();
        assert!(help.contains("`span, ctx := opentracing.StartSpanFromContext(ctx, …)`"));
    }

    #[test]
    fn silent_when_the_parent_is_not_reused() {
        let d = run(
            check,
            starts(vec![start("gifts.send").ctx_out(Binding::Blank {
                span: span(0, 100, 101),
            })]),
        );
        assert!(d.is_empty());
    }
}
