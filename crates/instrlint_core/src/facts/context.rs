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
    /// `*fiber.Ctx`, gRPC stream; for a closure, the enclosing function's reason.
    pub reason: String,
    /// The context is a request's: the site is in a request handler or a
    /// closure inside one (RULES.md, "Request handlers"; C601). Otherwise the
    /// function merely takes a context (C605; C602 covers both).
    pub handler: bool,
}

/// What the code does with the context a `Background()`/`TODO()` call makes,
/// seen through `context.With…` wrappers (C601, C605).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextUse {
    /// The context of a call: an argument, or bound to a local variable.
    Passed,
    /// Kept for later: assigned to a field, an element or a package variable,
    /// put in a composite literal, or returned. It serves an object that
    /// outlives the call.
    Stored,
    /// An operand of `==` / `!=`: no context is made for anyone.
    Compared,
    Other,
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
    /// `Some` when the call sits where a context exists (a request handler, or
    /// a function taking a `context.Context`). `main`, `init`, tests and
    /// functions without one are `None`, whatever they call.
    pub request_scope: Option<RequestScope>,
    /// The call is the context argument of a span start (C602 covers it inside
    /// `go` statements).
    pub starts_span: bool,
    pub func: FuncContext,
    pub used_as: ContextUse,
    /// Inside a `defer` statement: a deferred call's argument or a deferred
    /// closure (cleanup that must run whatever happened to the request).
    pub deferred: bool,
    /// In a branch taken after cancellation: a `case <-ctx.Done():` of a
    /// `select`, or the body of an `if` that tests `ctx.Err()`.
    pub after_cancel: bool,
    /// Inside a `go` statement: an argument of the started call, or the body
    /// of `go func(){…}()` (C602's domain).
    pub in_go_statement: bool,
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
