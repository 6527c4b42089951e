use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::{BackgroundCall, BackgroundKind, ContextUse, FuncContext, FuncKind};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "C601",
    name: "context-background-in-request",
    group: Group::Context,
    level: Level::Warning,
    summary: "`context.Background()` or `context.TODO()` inside a request handler",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for call in &ctx.package.background_calls {
        // Only request handlers and closures inside them; a goroutine may not
        // use the request's cancellation (C602 covers the spans started
        // there); a comparison makes no context for anyone.
        let Some(scope) = call.request_scope.as_ref().filter(|s| s.handler) else {
            continue;
        };
        if call.func.in_go || call.in_go_statement || call.used_as == ContextUse::Compared {
            continue;
        }
        let what = what(call);
        let use_instead = &scope.use_instead;
        out.report(
            &META,
            call.call,
            format!(
                "`{what}` in {} drops the request context: use `{use_instead}`",
                place(&call.func)
            ),
        )
        .help(format!(
            "pass `{use_instead}` on: the trace and the request's cancellation stop at \
             `{what}`; for work that must outlive the request, \
             `context.WithoutCancel({use_instead})` keeps the trace"
        ));
    }
}

/// `context.Background()` or `context.TODO()`.
pub fn what(call: &BackgroundCall) -> &'static str {
    match call.kind {
        BackgroundKind::Background => "context.Background()",
        BackgroundKind::Todo => "context.TODO()",
    }
}

/// `HTTP handler `joinRoom``, `a closure in gRPC method `Server.Join``, …
pub fn place(func: &FuncContext) -> String {
    let name = match (&func.receiver, &func.name) {
        (Some(recv), Some(name)) => format!("`{recv}.{name}`"),
        (None, Some(name)) => format!("`{name}`"),
        (_, None) => return "a request handler".to_string(),
    };
    let kind = match func.kind {
        FuncKind::HttpHandler => "HTTP handler ",
        FuncKind::HttpMiddleware if func.in_middleware_handler => {
            return format!("the handler returned by middleware {name}")
        }
        FuncKind::HttpMiddleware => "HTTP middleware ",
        FuncKind::GrpcInterceptor => "gRPC interceptor ",
        FuncKind::GrpcMethod => "gRPC method ",
        _ => "",
    };
    let closure = match (func.in_closure, func.in_handler_closure) {
        (true, true) => "a handler closure in ",
        (true, false) => "a closure in ",
        _ => "",
    };
    format!("{closure}{kind}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;

    #[test]
    fn fires_in_handlers_and_names_the_context_to_use() {
        let mut todo = background(300, func(FuncKind::GrpcMethod, "Join"), Some(scope("ctx")));
        todo.kind = BackgroundKind::Todo;
        todo.func.receiver = Some("Server".to_string());
        todo.func.in_closure = true;
        let d = run(check, backgrounds(vec![in_handler(100), todo]));
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "`context.Background()` in HTTP handler `joinRoom` drops the request context: use `r.Context()`"
        );
        assert_eq!(d[0].primary, span(0, 100, 120));
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .ends_with("`context.WithoutCancel(r.Context())` keeps the trace"));
        assert_eq!(
            d[1].message,
            "`context.TODO()` in a closure in gRPC method `Server.Join` drops the request context: use `ctx`"
        );
    }

    #[test]
    fn silent_outside_handlers_in_goroutines_and_comparisons() {
        let mut in_go = in_handler(300);
        in_go.func.in_go = true;
        let mut go_arg = in_handler(400);
        go_arg.in_go_statement = true;
        let mut compared = in_handler(500);
        compared.used_as = ContextUse::Compared;
        let in_main = background(100, func(FuncKind::Main, "main"), None);
        let with_ctx = background(200, func(FuncKind::Other, "Dial"), Some(ctx_param("ctx")));
        let calls = vec![in_main, with_ctx, in_go, go_arg, compared];
        assert!(run(check, backgrounds(calls)).is_empty());
    }
}
