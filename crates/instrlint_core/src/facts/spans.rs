//! Span starts (OpenTelemetry, OpenTracing and OpenCensus) with what the
//! function does with them. Feeds S501–S506 and C602.

use super::funcs::FuncContext;
use crate::source::Span;
use crate::value::{StrConst, Value};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TracingApi {
    /// `tracer.Start(ctx, name, opts...)` on an OTel `trace.Tracer`.
    Otel,
    /// `opentracing.StartSpan(name, opts...)`, `tracer.StartSpan(…)`.
    OpenTracingStartSpan,
    /// `opentracing.StartSpanFromContext(ctx, name, opts...)`.
    OpenTracingFromContext,
    /// OpenCensus `trace.StartSpan(ctx, name, opts...)` and
    /// `trace.StartSpanWithRemoteParent(ctx, name, parent, opts...)`.
    OpenCensus,
    /// A function of `spans.start_functions` (`util.StartTrace(ctx, name)`),
    /// returning a context and a span like `tracer.Start`.
    Custom,
}

/// A name part built at run time (S502).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DynamicPart {
    pub span: Span,
    /// Source text (`roomID`, `r.URL.Path`, `fmt.Sprintf("join:%s", id)`).
    pub text: String,
    pub kind: DynamicKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DynamicKind {
    /// An identifier or field whose words include id, uuid, guid, key, token,
    /// hash, session, user, email, ip, addr (RULES.md, S502).
    IdLike,
    /// A raw URL path or URI (`r.URL.Path`, `r.RequestURI`, `r.URL.String()`).
    UrlPath,
    /// `fmt.Sprintf`/`Sprint`/`Sprintln` with an id-like or URL argument.
    FormattedIdLike,
    /// Anything else built at run time (`"room." + kind`): not enough evidence.
    Other,
}

/// The span name argument.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpanName {
    /// Resolved when constant; `Dynamic`/`Unknown` as for metric names.
    pub value: Value<StrConst>,
    pub span: Span,
    /// For dynamic names: every run-time part with its classification.
    pub dynamic_parts: Vec<DynamicPart>,
}

/// How a result of the start call is bound.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Binding {
    /// Assigned to a named variable (`ctx, span := …`, or `=` to an existing one).
    Named { name: String, span: Span },
    /// Assigned to `_`.
    Blank { span: Span },
    /// Not bound (the result is used as an expression, or the API has no such result).
    None,
}

/// An attribute key set on the span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeKey {
    /// The key, resolved through constants and `attribute.Key("…")`.
    pub key: Value<StrConst>,
    pub span: Span,
    /// `start_option` (`trace.WithAttributes`, `opentracing.Tag{…}`), `set_attributes`
    /// (`span.SetAttributes`), `set_tag` (`span.SetTag`).
    pub via: AttributeVia,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeVia {
    StartOption,
    SetAttributes,
    SetTag,
}

/// A variable visible at the start whose name may call for an attribute (S503).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScopeVar {
    /// As written: `roomID`, `msg.RoomID` (a field selector on a variable used in the function).
    pub name: String,
    /// The declaration (parameter or local) or the selector.
    pub span: Span,
}

/// The context argument of a start call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CtxArg {
    /// `context.Background()` / `context.TODO()` written as the argument, or a
    /// variable assigned only from one in the function.
    Background { span: Span },
    /// A named context (parameter or local), with its name.
    Named { name: String, span: Span },
    /// Anything else, or no context argument (OpenTracing `StartSpan`).
    Other,
}

/// Whether the span is ended on every path from the start to a function exit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EndState {
    /// Ended, deferred, returned, stored or passed on, on every path.
    Ended,
    /// Assigned to `_` (never endable).
    Discarded,
    /// Some path reaches a `return` (or the end of the function) without ending
    /// it: `escape` is that return (or the function's closing brace).
    Leaks { escape: Span },
    /// Its variable is assigned another span (`ctx, span = tracer.Start(…)`)
    /// while it is open on some path: `at` is that statement.
    Overwritten { at: Span },
    /// The control flow was beyond the summary (goto into blocks, …): no finding.
    Unknown,
}

/// A `return` with a non-nil error on which the span's error is not recorded
/// on some path (S505).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnrecordedError {
    pub ret: Span,
    /// Some path records neither the error nor an error status.
    pub neither: bool,
    /// Some path does not call `RecordError` (or an OpenTracing error log).
    pub no_record_error: bool,
    /// Some path does not set an error status (`SetStatus(codes.Error, …)`,
    /// an OpenCensus error status, an OpenTracing `error` tag).
    pub no_status: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpanStart {
    pub api: TracingApi,
    /// The whole start call.
    pub call: Span,
    pub name: SpanName,
    pub ctx_arg: CtxArg,
    /// The returned context (OTel, `StartSpanFromContext`); `None` for `StartSpan`.
    pub ctx_out: Binding,
    /// For S506: the returned context is discarded or never used, while a later
    /// call in the function passes the parent context: that call's span.
    pub parent_ctx_reused_at: Option<Span>,
    pub span_out: Binding,
    pub attributes: Vec<AttributeKey>,
    /// `ChildOf` / `FollowsFrom` start options (OpenTracing).
    pub has_reference: bool,
    pub end: EndState,
    pub unrecorded_errors: Vec<UnrecordedError>,
    /// Parameters and locals declared before the start (in this function, or
    /// in an enclosing one for a closure), and `x.Field` selectors used
    /// anywhere in the function where `x` is such a variable.
    pub scope_vars: Vec<ScopeVar>,
    pub func: FuncContext,
}
