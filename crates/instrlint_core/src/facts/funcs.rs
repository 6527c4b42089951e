//! Where a fact sits: the enclosing function and how it runs. Shared by R401,
//! the span rules and the context rules.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FuncKind {
    /// A package-level `var` initialiser.
    PackageLevel,
    Init,
    Main,
    /// `New…`, `new…`, `Register…`/`register…`, `setup…`, `init…` (any case after the prefix).
    Constructor,
    /// `func(http.ResponseWriter, *http.Request)`, gin `*gin.Context`, echo `echo.Context`.
    HttpHandler,
    /// `func(http.Handler) http.Handler`: its outer body runs once per wrap.
    HttpMiddleware,
    /// A gRPC unary or stream server/client interceptor.
    GrpcInterceptor,
    /// Any other named function or method.
    Other,
}

/// The innermost named function around a fact, plus how the fact's code runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FuncContext {
    /// Name of the innermost named function or method (`None` at package level).
    pub name: Option<String>,
    /// Receiver type name for methods (`Server` for `func (s *Server) …`).
    pub receiver: Option<String>,
    pub kind: FuncKind,
    /// Inside a function literal (closure) within `name`.
    pub in_closure: bool,
    /// The closure is the handler returned by middleware (its body runs per request).
    pub in_middleware_handler: bool,
    /// Inside a closure whose own signature is an HTTP handler or interceptor.
    pub in_handler_closure: bool,
    /// Inside a `for` body (of the innermost function or closure).
    pub in_loop: bool,
    /// Inside the body of `go func(){…}()`.
    pub in_go: bool,
}

impl FuncContext {
    pub fn package_level() -> Self {
        FuncContext {
            name: None,
            receiver: None,
            kind: FuncKind::PackageLevel,
            in_closure: false,
            in_middleware_handler: false,
            in_handler_closure: false,
            in_loop: false,
            in_go: false,
        }
    }
}
