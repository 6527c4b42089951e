//! S: spans (OpenTelemetry, OpenTracing, OpenCensus and configured starters). Every finding sits at the start
//! call (S501/S502 at the name inside it), once per span.

pub mod s501_span_name_generic;
pub mod s502_span_name_dynamic;
pub mod s503_span_missing_attribute;
pub mod s504_span_not_ended;
pub mod s505_span_error_not_recorded;
pub mod s506_span_context_dropped;

use instrlint_core::facts::{Binding, SpanStart, TracingApi};

/// `the span "signaling.join_room"`, `the unnamed span` for an empty name,
/// or `the span` when the name is not resolved.
pub fn subject(start: &SpanStart) -> String {
    match start.name.value.resolved() {
        Some(name) if name.text.is_empty() => "the unnamed span".to_string(),
        Some(name) => format!("the span \"{}\"", name.text),
        None => "the span".to_string(),
    }
}

/// The variable the span is bound to, `span` when it has none.
pub fn span_var(start: &SpanStart) -> &str {
    match &start.span_out {
        Binding::Named { name, .. } => name,
        _ => "span",
    }
}

/// The tracing library a span belongs to, for advice in its own API.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lib {
    /// OpenTelemetry, and functions configured in `spans.start_functions`.
    Otel,
    OpenTracing,
    OpenCensus,
}

pub fn lib(start: &SpanStart) -> Lib {
    match start.api {
        TracingApi::Otel | TracingApi::Custom => Lib::Otel,
        TracingApi::OpenTracingStartSpan | TracingApi::OpenTracingFromContext => Lib::OpenTracing,
        TracingApi::OpenCensus => Lib::OpenCensus,
    }
}

/// The method that ends the span: `Finish` for OpenTracing, else `End`.
pub fn end_method(start: &SpanStart) -> &'static str {
    match lib(start) {
        Lib::OpenTracing => "Finish",
        Lib::Otel | Lib::OpenCensus => "End",
    }
}

/// How to set attribute `key` to `value` on this span.
pub fn set_attribute_help(start: &SpanStart, key: &str, value: &str) -> String {
    let span = span_var(start);
    match lib(start) {
        Lib::Otel => format!(
            "pass `trace.WithAttributes(attribute.String(\"{key}\", {value}))` to `Start`, \
             or call `{span}.SetAttributes` with it"
        ),
        Lib::OpenTracing => format!("call `{span}.SetTag(\"{key}\", {value})`"),
        Lib::OpenCensus => {
            format!("call `{span}.AddAttributes(trace.StringAttribute(\"{key}\", {value}))`")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::subject;
    use crate::testutil_spans::start;

    #[test]
    fn subjects_name_the_span() {
        assert_eq!(
            subject(&start("signaling.join_room").build()),
            "the span \"signaling.join_room\""
        );
        assert_eq!(subject(&start("").build()), "the unnamed span");
    }
}
