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
    /// A function with `http.ResponseWriter` and `*http.Request` parameters, a
    /// `ServeHTTP` method, gin `*gin.Context`, echo `echo.Context`, fiber `*fiber.Ctx`.
    HttpHandler,
    /// `func(http.Handler) http.Handler`: its outer body runs once per wrap.
    HttpMiddleware,
    /// A gRPC unary or stream server/client interceptor.
    GrpcInterceptor,
    /// A gRPC server method: an exported `(ctx, req)` method of a type that
    /// embeds a generated `Unimplemented…Server`, or a function whose stream
    /// parameter is `grpc.ServerStream` or a generated `…_…Server` interface.
    GrpcMethod,
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
    /// Inside a closure whose own signature is a request handler (HTTP,
    /// gin/echo/fiber, gRPC interceptor or stream handler).
    pub in_handler_closure: bool,
    /// Inside a `for` body (of the innermost function or closure).
    pub in_loop: bool,
    /// Inside the body of `go func(){…}()`.
    pub in_go: bool,
}

impl FuncContext {
    /// Inside a request handler or a closure inside one (RULES.md, "Request
    /// handlers"): the handler returned by middleware counts, the
    /// middleware's outer body does not.
    pub fn in_request_handler(&self) -> bool {
        matches!(
            self.kind,
            FuncKind::HttpHandler | FuncKind::GrpcInterceptor | FuncKind::GrpcMethod
        ) || self.in_middleware_handler
            || self.in_handler_closure
    }

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
