use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::{BackgroundKind, FuncContext, FuncKind};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "C601",
    name: "context-background-in-request",
    group: Group::Context,
    level: Level::Warning,
    summary: "`context.Background()` or `context.TODO()` where a request context exists",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for call in &ctx.package.background_calls {
        // Inside a goroutine a detached context may be intended: C602 covers
        // the spans started there.
        let Some(scope) = call.request_scope.as_ref().filter(|_| !call.func.in_go) else {
            continue;
        };
        let what = match call.kind {
            BackgroundKind::Background => "context.Background()",
            BackgroundKind::Todo => "context.TODO()",
        };
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
            "pass `{use_instead}` on: the trace and the request's cancellation stop at `{what}`"
        ));
    }
}

/// `HTTP handler `joinRoom``, `a closure in gRPC interceptor `audit``, …
fn place(func: &FuncContext) -> String {
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
    fn fires_and_names_the_context_to_use() {
        let mut todo = background(300, func(FuncKind::Other, "JoinRoom"), Some(scope("ctx")));
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
        assert_eq!(
            d[1].message,
            "`context.TODO()` in a closure in `Server.JoinRoom` drops the request context: use `ctx`"
        );
    }

    #[test]
    fn silent_outside_request_scope_and_in_goroutines() {
        let mut in_go = in_handler(300);
        in_go.func.in_go = true;
        let in_main = background(100, func(FuncKind::Main, "main"), None);
        assert!(run(check, backgrounds(vec![in_main, in_go])).is_empty());
    }
}
