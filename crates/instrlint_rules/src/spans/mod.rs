//! S: spans (OpenTelemetry and OpenTracing). Every finding sits at the start
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

pub fn is_otel(start: &SpanStart) -> bool {
    start.api == TracingApi::Otel
}

/// How to set attribute `key` to `value` on this span.
pub fn set_attribute_help(start: &SpanStart, key: &str, value: &str) -> String {
    let span = span_var(start);
    if is_otel(start) {
        format!(
            "pass `trace.WithAttributes(attribute.String(\"{key}\", {value}))` to `Start`, \
             or call `{span}.SetAttributes` with it"
        )
    } else {
        format!("call `{span}.SetTag(\"{key}\", {value})`")
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
