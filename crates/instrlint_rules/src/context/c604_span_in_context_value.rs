use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::CarriedValue;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "C604",
    name: "span-in-context-value",
    group: Group::Context,
    level: Level::Warning,
    summary: "`context.WithValue` carries a span or a tracer",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for call in &ctx.package.with_values {
        let (message, help) = match call.value {
            CarriedValue::Span => (
                "`context.WithValue` carries a span: tracing libraries will not find it",
                "use `trace.ContextWithSpan(ctx, span)` (OpenTelemetry) or \
                 `opentracing.ContextWithSpan(ctx, span)` (OpenTracing)",
            ),
            CarriedValue::Tracer => (
                "`context.WithValue` carries a tracer: the context is for spans, not tracers",
                "keep the tracer in a struct field or package variable, and carry spans with \
                 `trace.ContextWithSpan` / `opentracing.ContextWithSpan`",
            ),
            CarriedValue::Other => continue,
        };
        out.report(&META, call.value_span, message).help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;
    use instrlint_core::facts::{KeyKind, PackageFacts};

    #[test]
    fn fires_at_spans_and_tracers_carried_as_values() {
        let package = PackageFacts {
            with_values: vec![
                with_value(100, KeyKind::Named, CarriedValue::Span),
                with_value(200, KeyKind::BuiltinLiteral, CarriedValue::Tracer),
            ],
            ..package()
        };
        let d = run(check, package);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].primary, span(0, 135, 145));
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .contains("trace.ContextWithSpan(ctx, span)"));
        assert!(d[1].message.contains("carries a tracer"));
    }

    #[test]
    fn silent_on_other_values() {
        let package = PackageFacts {
            with_values: vec![with_value(100, KeyKind::Named, CarriedValue::Other)],
            ..package()
        };
        assert!(run(check, package).is_empty());
    }
}
