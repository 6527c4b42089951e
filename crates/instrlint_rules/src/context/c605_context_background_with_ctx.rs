use super::c601_context_background_in_request::{place, what};
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::ContextUse;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "C605",
    name: "context-background-with-ctx",
    group: Group::Context,
    level: Level::Note,
    summary:
        "`context.Background()` or `context.TODO()` in a function that takes a `context.Context`",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for call in &ctx.package.background_calls {
        // Request handlers are C601's; here only functions that take a context.
        let Some(scope) = call.request_scope.as_ref().filter(|s| !s.handler) else {
            continue;
        };
        // Cleanup (defer), work after cancellation, contexts kept by an
        // object that outlives the call, comparisons and goroutines are
        // deliberate uses of a fresh context.
        let deliberate = call.func.in_go
            || call.in_go_statement
            || call.deferred
            || call.after_cancel
            || call.used_as != ContextUse::Passed;
        if deliberate {
            continue;
        }
        let what = what(call);
        let use_instead = &scope.use_instead;
        out.report(
            &META,
            call.call,
            format!(
                "`{what}` in {} ignores its `{use_instead}`: the caller's deadline and trace stop here",
                place(&call.func)
            ),
        )
        .help(format!(
            "derive the context from `{use_instead}`; to outlive the call but keep the trace, \
             `context.WithoutCancel({use_instead})`"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;
    use instrlint_core::facts::FuncKind;

    #[test]
    fn fires_where_a_context_parameter_is_ignored() {
        let call = background(100, func(FuncKind::Other, "Pull"), Some(ctx_param("ctx")));
        let d = run(check, backgrounds(vec![call]));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`context.Background()` in `Pull` ignores its `ctx`: the caller's deadline and trace stop here"
        );
        assert_eq!(d[0].primary, span(0, 100, 120));
    }

    #[test]
    fn silent_in_handlers_cleanup_after_cancel_and_stored_contexts() {
        let base = || background(100, func(FuncKind::Other, "Dial"), Some(ctx_param("ctx")));
        let mut deferred = base();
        deferred.deferred = true;
        let mut after_cancel = base();
        after_cancel.after_cancel = true;
        let mut stored = base();
        stored.used_as = ContextUse::Stored;
        let mut compared = base();
        compared.used_as = ContextUse::Compared;
        let mut go_arg = base();
        go_arg.in_go_statement = true;
        let calls = vec![
            in_handler(10),
            background(50, func(FuncKind::Main, "main"), None),
            deferred,
            after_cancel,
            stored,
            compared,
            go_arg,
        ];
        assert!(run(check, backgrounds(calls)).is_empty());
    }
}
