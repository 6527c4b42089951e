use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::TracingApi;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "C602",
    name: "goroutine-detached-trace",
    group: Group::Context,
    level: Level::Warning,
    summary: "span started in a goroutine leaves the request's trace",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for detached in &ctx.package.detached_spans {
        let parent = &detached.request_scope.use_instead;
        let api = ctx
            .package
            .span_starts
            .iter()
            .find(|s| s.call == detached.call)
            .map_or(TracingApi::Otel, |s| s.api);
        let help = match api {
            TracingApi::Otel | TracingApi::Custom => format!(
                "start it from `trace.ContextWithSpan(context.WithoutCancel({parent}), span)` \
                 (Go 1.21): it stays in the trace and outlives the request"
            ),
            TracingApi::OpenCensus => format!(
                "start it from `trace.NewContext(context.WithoutCancel({parent}), span)` \
                 (Go 1.21): it stays in the trace and outlives the request"
            ),
            _ => format!(
                "start it with `opentracing.FollowsFrom(opentracing.SpanFromContext({parent}).Context())`, \
                 or from `opentracing.ContextWithSpan(context.WithoutCancel({parent}), span)` (Go 1.21)"
            ),
        };
        out.report(
            &META,
            detached.call,
            "span started in a goroutine has no parent: it leaves the request's trace",
        )
        .help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;
    use instrlint_core::facts::PackageFacts;

    #[test]
    fn fires_at_the_start_and_suggests_a_detached_child_context() {
        let package = PackageFacts {
            detached_spans: vec![detached(100, "r.Context()"), detached(300, "ctx")],
            span_starts: vec![start("gifts.send").opentracing().at(0, 300).build()],
            ..package()
        };
        let d = run(check, package);
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "span started in a goroutine has no parent: it leaves the request's trace"
        );
        assert_eq!(d[0].primary, span(0, 100, 160));
        assert!(d[0].help.as_deref().unwrap().starts_with(
            "start it from `trace.ContextWithSpan(context.WithoutCancel(r.Context()), span)`"
        ));
        assert!(d[1]
            .help
            .as_deref()
            .unwrap()
            .contains("opentracing.FollowsFrom"));
    }

    #[test]
    fn silent_without_detached_spans() {
        assert!(run(check, starts(vec![start("gifts.send")])).is_empty());
    }
}
