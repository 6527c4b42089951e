//! Background calls, request scope, WithValue and detached spans (C601–C604).

use super::*;

fn scopes(facts: &PackageFacts) -> Vec<Option<(&str, Option<&str>)>> {
    facts
        .background_calls
        .iter()
        .map(|b| {
            b.request_scope
                .as_ref()
                .map(|r| (r.use_instead.as_str(), b.func.name.as_deref()))
        })
        .collect()
}

#[test]
fn background_request_scope() {
    let (_, facts) = run(
        "func Handle(w http.ResponseWriter, req *http.Request) { use(context.Background()) }\n\
         func Mw(next http.Handler) http.Handler {\n\
         \treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n\
         \t\tnext.ServeHTTP(w, r.WithContext(context.TODO()))\n\t})\n}\n\
         func Unary(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (interface{}, error) {\n\
         \treturn h(context.Background(), req)\n}\n\
         func Gin(c *gin.Context) { use(context.Background()) }\n\
         func Plain() { use(context.Background()) }\n\
         func (s *S) Method(c context.Context) { f := func() { use(context.Background()) }; f() }\n\
         func init() { use(context.Background()) }\n",
    );
    assert_eq!(
        scopes(&facts),
        [
            Some(("req.Context()", Some("Handle"))),
            Some(("r.Context()", Some("Mw"))),
            Some(("ctx", Some("Unary"))),
            Some(("c.Request.Context()", Some("Gin"))),
            None,
            Some(("c", Some("Method"))),
            None,
        ]
    );
    assert_eq!(
        facts.background_calls[1].kind,
        crate::facts::BackgroundKind::Todo
    );
    assert!(facts.background_calls[1].func.in_middleware_handler);
    assert!(facts.background_calls[5].func.in_closure);
}

#[test]
fn background_in_main_is_not_request_scoped_and_tests_are_read_like_other_files() {
    let f = SourceFile {
        text: format!(
            "package main\n{HEADER}func main() {{ http.HandleFunc(\"/\", func(w http.ResponseWriter, r *http.Request) {{ use(context.Background()) }}); run(context.Background()) }}\n"
        ),
        ..source("main.go", "", false)
    };
    let facts = extract_package("cmd", "main", &[&f]);
    let got: Vec<bool> = facts
        .background_calls
        .iter()
        .map(|b| b.request_scope.is_some())
        .collect();
    // The handler closure inside main has a request; main itself does not.
    assert_eq!(got, [true, false]);
    // Test files (with --include-tests) are read like any other: a test
    // helper with a context is no request handler, an httptest handler is one.
    let (_, facts) = run_file(source(
        "room_test.go",
        "func helper(ctx context.Context) { use(context.Background()) }\n\
         func TestX(t *testing.T) { httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { use(context.Background()) })) }\n",
        true,
    ));
    let handlers: Vec<Option<bool>> = facts
        .background_calls
        .iter()
        .map(|b| b.request_scope.as_ref().map(|s| s.handler))
        .collect();
    assert_eq!(handlers, [Some(false), Some(true)]);
}

#[test]
fn background_that_starts_a_span_and_detached_goroutines() {
    let (f, facts) = run(
        "var tracer = otel.Tracer(\"room\")\n\
         func Handle(w http.ResponseWriter, r *http.Request) {\n\
         \tgo func() {\n\
         \t\tbg := context.Background()\n\
         \t\t_, span := tracer.Start(bg, \"room.async\")\n\
         \t\tdefer span.End()\n\
         \t}()\n\
         \tgo func() {\n\
         \t\tspan := opentracing.StartSpan(\"room.async2\")\n\
         \t\tdefer span.Finish()\n\
         \t}()\n\
         \tgo func() {\n\
         \t\t_, span := tracer.Start(context.WithoutCancel(r.Context()), \"room.ok\")\n\
         \t\tdefer span.End()\n\
         \t}()\n\
         \tuse(context.TODO())\n}\n\
         func Worker() {\n\tgo func() {\n\t\t_, span := tracer.Start(context.Background(), \"w\")\n\t\tspan.End()\n\t}()\n}\n",
    );
    let bg: Vec<(bool, bool)> = facts
        .background_calls
        .iter()
        .map(|b| (b.starts_span, b.func.in_go))
        .collect();
    assert_eq!(bg, [(true, true), (false, false), (true, true)]);
    assert!(matches!(
        facts.span_starts[0].ctx_arg,
        CtxArg::Background { .. }
    ));
    let detached: Vec<&str> = facts
        .detached_spans
        .iter()
        .map(|d| at(&f, d.call))
        .collect();
    assert_eq!(detached.len(), 2, "{detached:?}");
    assert!(detached[0].contains("room.async\""));
    assert!(detached[1].contains("room.async2"));
    assert_eq!(
        facts.detached_spans[0].request_scope.use_instead,
        "r.Context()"
    );
}

#[test]
fn with_value_key_kinds_and_carried_values() {
    let (_, facts) = run("type ctxKey struct{}\ntype keyType string\n\
         const untyped = \"k\"\nconst typed string = \"k\"\nvar strVar = \"k\"\nvar intVar int\n\
         const named keyType = \"k\"\nvar tracer = otel.Tracer(\"room\")\n\
         const (\n\tk0 = iota\n\tk1\n)\nconst (\n\tt0 keyType = iota\n\tt1\n)\n\
         func A(ctx context.Context, span trace.Span, v any) {\n\
         \t_, s2 := tracer.Start(ctx, \"a\")\n\
         \tdefer s2.End()\n\
         \tctx = context.WithValue(ctx, \"user\", v)\n\
         \tctx = context.WithValue(ctx, 42, v)\n\
         \tctx = context.WithValue(ctx, untyped, v)\n\
         \tctx = context.WithValue(ctx, typed, v)\n\
         \tctx = context.WithValue(ctx, strVar, v)\n\
         \tctx = context.WithValue(ctx, intVar, v)\n\
         \tctx = context.WithValue(ctx, ctxKey{}, span)\n\
         \tctx = context.WithValue(ctx, keyType(\"x\"), s2)\n\
         \tctx = context.WithValue(ctx, named, trace.SpanFromContext(ctx))\n\
         \tctx = context.WithValue(ctx, other.Key, tracer)\n\
         \tlocal := \"k\"\n\
         \tctx = context.WithValue(ctx, local, otel.Tracer(\"x\"))\n\
         \tctx = context.WithValue(ctx, k1, v)\n\
         \tctx = context.WithValue(ctx, t1, v)\n}\n");
    let kinds: Vec<KeyKind> = facts.with_values.iter().map(|w| w.key.clone()).collect();
    let typed = |t: &str| KeyKind::BuiltinTyped {
        type_name: t.to_string(),
    };
    assert_eq!(
        kinds,
        [
            KeyKind::BuiltinLiteral,
            KeyKind::BuiltinLiteral,
            KeyKind::BuiltinLiteral,
            typed("string"),
            typed("string"),
            typed("int"),
            KeyKind::Named,
            KeyKind::Named,
            KeyKind::Named,
            KeyKind::Unknown,
            typed("string"),
            KeyKind::BuiltinLiteral,
            KeyKind::Named,
        ]
    );
    let values: Vec<CarriedValue> = facts.with_values.iter().map(|w| w.value).collect();
    use CarriedValue::*;
    assert_eq!(
        values,
        [
            Other, Other, Other, Other, Other, Other, Span, Span, Span, Tracer, Tracer, Other,
            Other
        ]
    );
}

/// (use, deferred, after cancel, in go statement, handler) of each call.
fn uses(facts: &PackageFacts) -> Vec<(crate::facts::ContextUse, bool, bool, bool, Option<bool>)> {
    facts
        .background_calls
        .iter()
        .map(|b| {
            (
                b.used_as,
                b.deferred,
                b.after_cancel,
                b.in_go_statement,
                b.request_scope.as_ref().map(|s| s.handler),
            )
        })
        .collect()
}

#[test]
fn what_happens_to_a_background_context() {
    use crate::facts::ContextUse::{Compared, Other, Passed, Stored};
    let (_, facts) = run("type C struct{ ctx context.Context; cancel func() }\n\
         var keep context.Context\n\
         func Dial(ctx context.Context) (*C, context.Context) {\n\
         \tc := &C{}\n\
         \tc.ctx, c.cancel = context.WithCancel(context.Background())\n\
         \tkeep = context.TODO()\n\
         \tuse(context.WithValue(context.Background(), k, v))\n\
         \tlocal := context.Background()\n\
         \tif ctx == context.Background() {\n\t}\n\
         \t_ = C{ctx: context.Background()}\n\
         \tgo use(context.Background())\n\
         \tdefer use(context.TODO())\n\
         \tselect {\n\tcase <-ctx.Done():\n\t\tuse(context.Background())\n\tdefault:\n\t}\n\
         \tif err := ctx.Err(); err != nil {\n\t\tuse(context.Background())\n\t}\n\
         \tcontext.Background()\n\
         \treturn c, context.WithoutCancel(context.Background())\n}\n");
    let ctx_param = Some(false);
    assert_eq!(
        uses(&facts),
        [
            (Stored, false, false, false, ctx_param),
            (Stored, false, false, false, ctx_param),
            (Passed, false, false, false, ctx_param),
            (Passed, false, false, false, ctx_param),
            (Compared, false, false, false, ctx_param),
            (Stored, false, false, false, ctx_param),
            (Passed, false, false, true, ctx_param),
            (Passed, true, false, false, ctx_param),
            (Passed, false, true, false, ctx_param),
            (Passed, false, true, false, ctx_param),
            (Other, false, false, false, ctx_param),
            (Stored, false, false, false, ctx_param),
        ]
    );
}

#[test]
fn request_handlers_and_functions_that_merely_take_a_context() {
    let (_, facts) = run(
        "type server struct {\n\tpb.UnimplementedRoomServer\n}\n\
         func (s *server) Join(ctx context.Context, req *pb.JoinRequest) (*pb.JoinReply, error) { use(context.Background()); return nil, nil }\n\
         func (s *server) ListViewers(r *pb.ListReq, stream pb.Room_ListViewersServer) error { use(context.Background()); return nil }\n\
         func (s *server) load(ctx context.Context, req *pb.JoinRequest) { use(context.Background()) }\n\
         func Route(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) { use(context.Background()) }\n\
         func Pull(ctx context.Context) { use(context.Background()) }\n\
         func Mw(next http.Handler) http.Handler {\n\
         \tuse(context.Background())\n\
         \treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f := func(ctx context.Context) { use(context.Background()) }; f(r.Context()) })\n}\n",
    );
    let got: Vec<(Option<(String, bool)>, crate::facts::FuncKind)> = facts
        .background_calls
        .iter()
        .map(|b| {
            (
                b.request_scope
                    .as_ref()
                    .map(|s| (s.use_instead.clone(), s.handler)),
                b.func.kind,
            )
        })
        .collect();
    use crate::facts::FuncKind::{GrpcMethod, HttpHandler, HttpMiddleware, Other};
    let s = |u: &str, h| Some((u.to_string(), h));
    assert_eq!(
        got,
        [
            (s("ctx", true), GrpcMethod),
            (s("stream.Context()", true), GrpcMethod),
            // Unexported: no method of the service.
            (s("ctx", false), Other),
            (s("ctx", true), HttpHandler),
            (s("ctx", false), Other),
            // The middleware's outer body runs once per wrap.
            (None, HttpMiddleware),
            // A closure inside the returned handler: its own ctx, in a handler.
            (s("ctx", true), HttpMiddleware),
        ]
    );
}
