//! Context calls: `context.Background()`/`TODO()` where a request context
//! exists, and `context.WithValue` keys and values. Feeds C601, C603, C604.

use super::funcs::FuncContext;
use crate::source::Span;
use serde::Serialize;

/// Why the enclosing function is in request scope, and which context it has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestScope {
    /// The expression to use instead: `ctx`, `r.Context()`, `c.Request.Context()`,
    /// `c.Request().Context()`, `c.UserContext()`.
    pub use_instead: String,
    /// `context.Context` parameter, `*http.Request`, `*gin.Context`, `echo.Context`,
    /// `*fiber.Ctx`, HTTP middleware, gRPC interceptor; for a closure, the enclosing
    /// function's reason.
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackgroundKind {
    Background,
    Todo,
}

/// A `context.Background()` or `context.TODO()` call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BackgroundCall {
    pub kind: BackgroundKind,
    pub call: Span,
    /// `Some` when the call sits where a request context exists. `main`, `init`,
    /// tests and functions without such a context are `None`, whatever they call.
    pub request_scope: Option<RequestScope>,
    /// The call is the context argument of a span start (C602 covers it inside
    /// `go` statements).
    pub starts_span: bool,
    pub func: FuncContext,
}

/// The key of a `context.WithValue` call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyKind {
    /// A string or numeric literal, or an untyped constant.
    BuiltinLiteral,
    /// A variable or constant of a built-in type (`string`, `int`, …) declared
    /// in the file or package: `type_name` is that type.
    BuiltinTyped {
        type_name: String,
    },
    /// A value of a named (non-built-in) type, or a conversion to one.
    Named,
    Unknown,
}

/// What `context.WithValue` carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CarriedValue {
    /// A span (a variable bound by a span start, or typed `trace.Span` / `opentracing.Span`).
    Span,
    /// A tracer.
    Tracer,
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WithValueCall {
    pub call: Span,
    pub key: KeyKind,
    pub key_span: Span,
    pub value: CarriedValue,
    pub value_span: Span,
    pub func: FuncContext,
}

/// A span started inside a `go` statement of a request-scoped function, from
/// `Background`/`TODO`, or an OpenTracing `StartSpan` without a reference (C602).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DetachedSpan {
    /// The start call.
    pub call: Span,
    /// The request context the goroutine could have used.
    pub request_scope: RequestScope,
}
