//! Span and context facts from Go source strings.

use super::extract_package;
use crate::facts::{
    AttributeVia, Binding, CarriedValue, CtxArg, DynamicKind, EndState, KeyKind, PackageFacts,
    SpanStart, TracingApi,
};
use crate::source::{FileId, SourceFile, Span};
use crate::value::Value;

const HEADER: &str = "import (\n\t\"context\"\n\t\"errors\"\n\t\"fmt\"\n\t\"log\"\n\t\"net/http\"\n\t\"os\"\n\t\"go.opentelemetry.io/otel\"\n\t\"go.opentelemetry.io/otel/attribute\"\n\t\"go.opentelemetry.io/otel/codes\"\n\t\"go.opentelemetry.io/otel/trace\"\n\topentracing \"github.com/opentracing/opentracing-go\"\n\t\"github.com/opentracing/opentracing-go/ext\"\n\totlog \"github.com/opentracing/opentracing-go/log\"\n\t\"google.golang.org/grpc\"\n\t\"github.com/gin-gonic/gin\"\n)\n";

fn source(path: &str, body: &str, is_test: bool) -> SourceFile {
    SourceFile {
        id: FileId(0),
        path: path.to_string(),
        abs_path: path.into(),
        text: format!("package room\n{HEADER}{body}"),
        lossy: false,
        is_test,
    }
}

fn run_file(f: SourceFile) -> (SourceFile, PackageFacts) {
    let facts = extract_package("room", "room", &[&f]);
    (f, facts)
}

fn run(body: &str) -> (SourceFile, PackageFacts) {
    run_file(source("room.go", body, false))
}

fn at(f: &SourceFile, s: Span) -> &str {
    &f.text[s.start as usize..s.end as usize]
}

fn one(body: &str) -> (SourceFile, SpanStart) {
    let (f, facts) = run(body);
    assert_eq!(facts.span_starts.len(), 1, "{:#?}", facts.span_starts);
    let s = facts.span_starts.into_iter().next().unwrap();
    (f, s)
}

fn name(s: &SpanStart) -> &str {
    match &s.name.value {
        Value::Resolved(c) => &c.text,
        other => panic!("unresolved {other:?}"),
    }
}

fn escape<'a>(f: &'a SourceFile, s: &SpanStart) -> &'a str {
    match s.end {
        EndState::Leaks { escape } => at(f, escape),
        ref other => panic!("not a leak: {other:?}"),
    }
}

// ---------------------------------------------------------------- starts

#[test]
fn otel_start_with_package_tracer() {
    let (f, s) = one(
        "var tracer = otel.Tracer(\"room\")\n\
         const joinName = \"signaling.join_room\"\n\
         func Join(ctx context.Context, roomID string) error {\n\
         \tctx, span := tracer.Start(ctx, joinName, trace.WithAttributes(attribute.String(\"room_id\", roomID)))\n\
         \tdefer span.End()\n\
         \treturn use(ctx)\n}\n",
    );
    assert_eq!(s.api, TracingApi::Otel);
    assert_eq!(name(&s), "signaling.join_room");
    assert!(matches!(&s.ctx_arg, CtxArg::Named { name, .. } if name == "ctx"));
    assert!(matches!(&s.ctx_out, Binding::Named { name, .. } if name == "ctx"));
    assert!(matches!(&s.span_out, Binding::Named { name, .. } if name == "span"));
    assert_eq!(s.end, EndState::Ended);
    assert_eq!(s.attributes.len(), 1);
    assert_eq!(s.attributes[0].via, AttributeVia::StartOption);
    assert_eq!(s.attributes[0].key.resolved().unwrap().text, "room_id");
    assert!(at(&f, s.call).starts_with("tracer.Start("));
    assert_eq!(s.func.name.as_deref(), Some("Join"));
    assert!(s.scope_vars.iter().any(|v| v.name == "roomID"));
    assert_eq!(s.parent_ctx_reused_at, None);
}

#[test]
fn opentracing_starts() {
    let (_, facts) = run(
        "func A(ctx context.Context, parent opentracing.SpanContext) {\n\
         \tspan := opentracing.StartSpan(\"room.a\", opentracing.ChildOf(parent), opentracing.Tag{Key: \"room_id\", Value: 1})\n\
         \tdefer span.Finish()\n\
         \tspan2, ctx2 := opentracing.StartSpanFromContext(ctx, \"room.b\")\n\
         \tspan2.SetTag(\"action_type\", \"join\")\n\
         \tspan2.Finish()\n\
         \t_ = ctx2\n\
         \tsp := opentracing.GlobalTracer().StartSpan(\"room.c\")\n\
         \tsp.Finish()\n}\n",
    );
    let s = &facts.span_starts;
    assert_eq!(s.len(), 3, "{s:#?}");
    assert_eq!(s[0].api, TracingApi::OpenTracingStartSpan);
    assert!(s[0].has_reference);
    assert_eq!(s[0].attributes[0].key.resolved().unwrap().text, "room_id");
    assert!(matches!(&s[0].span_out, Binding::Named { name, .. } if name == "span"));
    assert_eq!(s[0].ctx_out, Binding::None);
    assert_eq!(s[0].end, EndState::Ended);
    assert_eq!(s[1].api, TracingApi::OpenTracingFromContext);
    assert_eq!(s[1].attributes[0].via, AttributeVia::SetTag);
    assert_eq!(
        s[1].attributes[0].key.resolved().unwrap().text,
        "action_type"
    );
    assert_eq!(s[1].end, EndState::Ended);
    assert_eq!(s[2].api, TracingApi::OpenTracingStartSpan);
    assert!(!s[2].has_reference);
    assert_eq!(s[2].end, EndState::Ended);
}

#[test]
fn server_start_is_not_a_span() {
    let (_, facts) = run(
        "type Server struct{}\nfunc (s *Server) Start(ctx context.Context, addr string) error { return nil }\n\
         func Run(ctx context.Context, server *Server) { server.Start(ctx, \":8080\") }\n\
         func Other(ctx context.Context, t interface{ Start(context.Context, string) }) { t.Start(ctx, \"x\") }\n",
    );
    assert!(facts.span_starts.is_empty(), "{:#?}", facts.span_starts);
}

#[test]
fn tracer_from_field_param_and_provider() {
    let (_, facts) = run(
        "type Svc struct { tracer trace.Tracer }\n\
         type Hub struct { tr trace.Tracer }\n\
         func NewHub(tp trace.TracerProvider) *Hub { return &Hub{tr: tp.Tracer(\"hub\")} }\n\
         type Lazy struct { t interface{} }\n\
         func (l *Lazy) init() { l.t2 = otel.Tracer(\"x\") }\n\
         func (s *Svc) A(ctx context.Context) { _, span := s.tracer.Start(ctx, \"svc.a\"); span.End() }\n\
         func (h *Hub) B(ctx context.Context) { _, span := h.tr.Start(ctx, \"hub.b\"); span.End() }\n\
         func (l *Lazy) C(ctx context.Context) { _, span := l.t2.Start(ctx, \"lazy.c\"); span.End() }\n\
         func D(ctx context.Context, t trace.Tracer) { _, span := t.Start(ctx, \"d\"); span.End() }\n\
         func E(ctx context.Context) { _, span := trace.SpanFromContext(ctx).TracerProvider().Tracer(\"e\").Start(ctx, \"e\"); span.End() }\n\
         func F(ctx context.Context) { tr := otel.Tracer(\"f\"); _, span := tr.Start(ctx, \"f\"); span.End() }\n",
    );
    let names: Vec<&str> = facts.span_starts.iter().map(name).collect();
    assert_eq!(names, ["svc.a", "hub.b", "lazy.c", "d", "e", "f"]);
}

#[test]
fn name_kinds() {
    let (f, facts) = run(
        "var tracer = otel.Tracer(\"room\")\n\
         func H(w http.ResponseWriter, r *http.Request, roomID string, kind string) {\n\
         \tctx := r.Context()\n\
         \t_, s1 := tracer.Start(ctx, \"join:\" + roomID)\n\
         \t_, s2 := tracer.Start(ctx, r.URL.Path)\n\
         \t_, s3 := tracer.Start(ctx, fmt.Sprintf(\"join:%s\", roomID))\n\
         \t_, s4 := tracer.Start(ctx, \"room.\" + kind)\n\
         \tname := \"u.\" + kind\n\
         \t_, s5 := tracer.Start(ctx, name)\n\
         \t_, s6 := tracer.Start(ctx, remoteName)\n\
         \tdefer s1.End(); defer s2.End(); defer s3.End(); defer s4.End(); defer s5.End(); defer s6.End()\n}\n",
    );
    let s = &facts.span_starts;
    assert_eq!(s.len(), 6);
    let kinds = |i: usize| {
        s[i].name
            .dynamic_parts
            .iter()
            .map(|p| p.kind)
            .collect::<Vec<_>>()
    };
    assert!(matches!(s[0].name.value, Value::Dynamic(_)));
    assert_eq!(kinds(0), [DynamicKind::IdLike]);
    assert_eq!(at(&f, s[0].name.dynamic_parts[0].span), "roomID");
    assert_eq!(kinds(1), [DynamicKind::UrlPath]);
    assert_eq!(kinds(2), [DynamicKind::FormattedIdLike]);
    assert_eq!(kinds(3), [DynamicKind::Other]);
    assert_eq!(kinds(4), [DynamicKind::Other]);
    assert_eq!(s[5].name.value, Value::Unknown);
    assert!(s[5].name.dynamic_parts.is_empty());
}

#[test]
fn bindings_and_parent_context_reuse() {
    let (f, facts) = run("var tracer = otel.Tracer(\"room\")\n\
         func A(ctx context.Context) {\n\
         \t_, span := tracer.Start(ctx, \"a\")\n\
         \tdefer span.End()\n\
         \tdb.Query(ctx, \"select\")\n}\n\
         func B(ctx context.Context) {\n\
         \tsctx, span := tracer.Start(ctx, \"b\")\n\
         \tdefer span.End()\n\
         \tdb.Query(sctx, \"select\")\n}\n\
         func C(ctx context.Context) {\n\
         \tunused, span := tracer.Start(ctx, \"c\")\n\
         \tdefer span.End()\n\
         \tcall(ctx)\n}\n\
         func D(ctx context.Context) {\n\
         \tctx, _ = tracer.Start(ctx, \"d\")\n\
         \tcall(ctx)\n}\n");
    let s = &facts.span_starts;
    assert!(matches!(s[0].ctx_out, Binding::Blank { .. }));
    assert_eq!(
        at(&f, s[0].parent_ctx_reused_at.unwrap()),
        "db.Query(ctx, \"select\")"
    );
    assert_eq!(s[1].parent_ctx_reused_at, None);
    assert_eq!(at(&f, s[2].parent_ctx_reused_at.unwrap()), "call(ctx)");
    assert_eq!(s[3].parent_ctx_reused_at, None);
    assert!(matches!(s[3].span_out, Binding::Blank { .. }));
    assert_eq!(s[3].end, EndState::Discarded);
}

#[test]
fn attributes_through_set_attributes_key_and_constants() {
    let (_, s) = one(
        "var tracer = otel.Tracer(\"room\")\n\
         const roomKey = attribute.Key(\"room_id\")\n\
         const actionAttr = \"action_type\"\n\
         func A(ctx context.Context, action string) {\n\
         \tctx, span := tracer.Start(ctx, \"a\", trace.WithAttributes(attribute.Key(\"k1\").String(\"v\")))\n\
         \tdefer span.End()\n\
         \tspan.SetAttributes(roomKey.String(\"r\"), attribute.String(actionAttr, action), attribute.Int64(\"n\", 1))\n\
         \tspan.SetAttributes(dynAttrs...)\n}\n",
    );
    let keys: Vec<(&str, AttributeVia)> = s
        .attributes
        .iter()
        .map(|a| (a.key.resolved().map_or("?", |k| k.text.as_str()), a.via))
        .collect();
    assert_eq!(
        keys,
        [
            ("k1", AttributeVia::StartOption),
            ("room_id", AttributeVia::SetAttributes),
            ("action_type", AttributeVia::SetAttributes),
            ("n", AttributeVia::SetAttributes),
        ]
    );
}

#[test]
fn scope_vars_include_enclosing_and_field_selectors() {
    let (_, s) = one("var tracer = otel.Tracer(\"room\")\n\
         func A(ctx context.Context, msg *Msg) {\n\
         \troomID := msg.RoomID\n\
         \tgo func() {\n\
         \t\t_, span := tracer.Start(ctx, \"a\")\n\
         \t\tdefer span.End()\n\
         \t\tuse(msg.ActionType)\n\
         \t}()\n\
         \tlater := 1\n\
         \t_ = later\n}\n");
    let names: Vec<&str> = s.scope_vars.iter().map(|v| v.name.as_str()).collect();
    assert!(names.contains(&"roomID"), "{names:?}");
    assert!(names.contains(&"msg.ActionType"), "{names:?}");
    assert!(names.contains(&"ctx"), "{names:?}");
    assert!(!names.contains(&"later"), "{names:?}");
    assert!(
        !names.contains(&"span"),
        "the start's own bindings: {names:?}"
    );
    assert!(s.func.in_go);
}

// ---------------------------------------------------------------- end states

/// The end state of the single start in `func F(ctx context.Context, …) error { … }`.
fn end_of(body: &str) -> (SourceFile, SpanStart) {
    one(&format!(
        "var tracer = otel.Tracer(\"room\")\nvar ErrRoomFull = errors.New(\"full\")\n{body}"
    ))
}

#[test]
fn deferred_end_and_deferred_closure() {
    let (_, s) = end_of(
        "func F(ctx context.Context) error {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer span.End()\n\tif x { return nil }\n\treturn use(ctx)\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
    let (_, s) = end_of(
        "func F(ctx context.Context) (err error) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer func() {\n\t\tif err != nil { span.RecordError(err) }\n\t\tspan.End()\n\t}()\n\tif err = use(ctx); err != nil { return err }\n\treturn ErrRoomFull\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
    assert!(s.unrecorded_errors.is_empty(), "{:?}", s.unrecorded_errors);
}

#[test]
fn explicit_end_on_all_branches() {
    let (_, s) = end_of(
        "func F(ctx context.Context, ok bool) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tif ok {\n\t\tspan.End()\n\t\treturn nil\n\t} else {\n\t\tspan.End()\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
}

#[test]
fn early_return_leaks_at_that_return() {
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tif err := use(ctx); err != nil {\n\t\treturn fmt.Errorf(\"early: %w\", err)\n\t}\n\tspan.End()\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return fmt.Errorf(\"early: %w\", err)");
    assert_eq!(s.unrecorded_errors.len(), 1);
    assert_eq!(
        at(&f, s.unrecorded_errors[0].ret),
        "return fmt.Errorf(\"early: %w\", err)"
    );
}

#[test]
fn falling_off_the_end_leaks_at_the_closing_brace() {
    let (f, s) = end_of(
        "func F(ctx context.Context) {\n\t_, span := tracer.Start(ctx, \"f\")\n\tspan.SetAttributes()\n}\n",
    );
    assert_eq!(escape(&f, &s), "}");
    let EndState::Leaks { escape } = s.end else {
        unreachable!()
    };
    assert_eq!(escape.end as usize, f.text.len() - 1);
}

#[test]
fn returned_passed_stored_and_goroutine_spans_are_ended() {
    for body in [
        "func F(ctx context.Context) (context.Context, trace.Span) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\treturn ctx, span\n}\n",
        "func F(ctx context.Context) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer finish(span, nil)\n}\n",
        "func F(ctx context.Context) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\thelper(ctx, span)\n}\n",
        "func F(ctx context.Context, s *S) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\ts.span = span\n}\n",
        "func F(ctx context.Context, ch chan trace.Span) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tch <- span\n}\n",
        "func F(ctx context.Context) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tgo func() {\n\t\tdefer span.End()\n\t\twork(ctx)\n\t}()\n}\n",
        "func F(ctx context.Context) (ctx2 context.Context, span trace.Span) {\n\tctx2, span = tracer.Start(ctx, \"f\")\n\treturn\n}\n",
        "func F(ctx context.Context) *W {\n\tctx, span := tracer.Start(ctx, \"f\")\n\treturn &W{span: span}\n}\n",
    ] {
        let (_, s) = end_of(body);
        assert_eq!(s.end, EndState::Ended, "{body}");
    }
    let (_, s) = end_of("func F(ctx context.Context) (context.Context, trace.Span) {\n\treturn tracer.Start(ctx, \"f\")\n}\n");
    assert_eq!(s.end, EndState::Ended);
    let (_, s) = end_of("func F(ctx context.Context) {\n\ttracer.Start(ctx, \"f\")\n}\n");
    assert_eq!(s.end, EndState::Discarded);
    let (_, s) = end_of("func F(ctx context.Context) {\n\tctx, _ = tracer.Start(ctx, \"f\")\n}\n");
    assert_eq!(s.end, EndState::Discarded);
}

#[test]
fn terminators_end_paths() {
    for term in [
        "os.Exit(1)",
        "log.Fatalf(\"x\")",
        "log.Panicln(\"x\")",
        "panic(\"x\")",
    ] {
        let (_, s) = end_of(&format!(
            "func F(ctx context.Context) error {{\n\t_, span := tracer.Start(ctx, \"f\")\n\tif bad {{\n\t\t{term}\n\t}} else {{\n\t\tspan.End()\n\t}}\n\treturn nil\n}}\n"
        ));
        assert_eq!(s.end, EndState::Ended, "{term}");
    }
    // Without a terminator the same path leaks.
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tif bad {\n\t\tlog.Printf(\"x\")\n\t} else {\n\t\tspan.End()\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return nil");
}

#[test]
fn loops_with_break_continue_and_labels() {
    let (_, s) = end_of(
        "func F(ctx context.Context, xs []int) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tfor _, x := range xs {\n\t\tif x == 0 { continue }\n\t\tif x == 1 { break }\n\t}\n\tspan.End()\n\treturn nil\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
    // Started inside an infinite loop, ended before `continue`, but a break leaves without ending.
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\nouter:\n\tfor {\n\t\t_, span := tracer.Start(ctx, \"f\")\n\t\tfor {\n\t\t\tif a { span.End(); continue outer }\n\t\t\tif b { break outer }\n\t\t\tspan.End()\n\t\t\treturn nil\n\t\t}\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return nil");
    let EndState::Leaks { escape } = s.end else {
        unreachable!()
    };
    // The escaping return is the last one (after the loop), reached through `break outer`.
    assert_eq!(escape.start as usize, f.text.rfind("return nil").unwrap());
    // An infinite loop without break never reaches the end of the function.
    let (_, s) = end_of(
        "func F(ctx context.Context) {\n\t_, span := tracer.Start(ctx, \"f\")\n\tfor {\n\t\tspan.AddEvent(\"tick\")\n\t}\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
}

#[test]
fn switch_with_fallthrough_and_select() {
    let (_, s) = end_of(
        "func F(ctx context.Context, k int) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tswitch k {\n\tcase 1:\n\t\tk++\n\t\tfallthrough\n\tcase 2:\n\t\tspan.End()\n\t\treturn nil\n\tdefault:\n\t\tspan.End()\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
    let (f, s) = end_of(
        "func F(ctx context.Context, k int) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tswitch k {\n\tcase 1:\n\t\treturn errors.New(\"one\")\n\tcase 2:\n\t\tspan.End()\n\t}\n\tspan.End()\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return errors.New(\"one\")");
    let (f, s) = end_of(
        "func F(ctx context.Context, ch chan int) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tselect {\n\tcase <-ch:\n\t\tspan.End()\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return ctx.Err()");
    // `return ctx.Err()` is an unknown error: not an unrecorded one.
    assert!(s.unrecorded_errors.is_empty());
}

#[test]
fn type_switch_and_goto() {
    let (f, s) = end_of(
        "func F(ctx context.Context, v any) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tswitch v.(type) {\n\tcase int:\n\t\treturn ErrRoomFull\n\t}\n\tspan.End()\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return ErrRoomFull");
    assert_eq!(s.unrecorded_errors.len(), 1);
    let (_, s) = end_of(
        "func F(ctx context.Context) error {\n\t_, span := tracer.Start(ctx, \"f\")\nagain:\n\tif retry() { goto again }\n\treturn nil\n}\n",
    );
    assert_eq!(s.end, EndState::Unknown);
    assert!(s.unrecorded_errors.is_empty());
}

// ---------------------------------------------------------------- errors

#[test]
fn unrecorded_errors_per_path() {
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer span.End()\n\
         \tif err := a(ctx); err != nil {\n\t\tspan.RecordError(err)\n\t\tspan.SetStatus(codes.Error, \"a\")\n\t\treturn err\n\t}\n\
         \tif err := b(ctx); err != nil {\n\t\treturn err\n\t}\n\
         \tif full {\n\t\treturn ErrRoomFull\n\t}\n\
         \tif other {\n\t\treturn c(ctx)\n\t}\n\
         \terr := d(ctx)\n\treturn err\n}\n",
    );
    let rets: Vec<&str> = s.unrecorded_errors.iter().map(|u| at(&f, u.ret)).collect();
    assert_eq!(rets, ["return err", "return ErrRoomFull"]);
    // The first flagged `return err` is the one after b(ctx), not after a(ctx).
    assert!(s.unrecorded_errors[0].ret.start as usize > f.text.find("b(ctx)").unwrap());
}

#[test]
fn opentracing_error_recording_forms() {
    for rec in [
        "ext.Error.Set(span, true)",
        "span.SetTag(\"error\", true)",
        "span.LogFields(otlog.Error(err))",
        "finish(span, err)",
    ] {
        let (_, s) = end_of(&format!(
            "func F(ctx context.Context) error {{\n\tspan, ctx := opentracing.StartSpanFromContext(ctx, \"f\")\n\tdefer span.Finish()\n\tif err := a(ctx); err != nil {{\n\t\t{rec}\n\t\treturn err\n\t}}\n\treturn nil\n}}\n"
        ));
        assert!(
            s.unrecorded_errors.is_empty(),
            "{rec}: {:?}",
            s.unrecorded_errors
        );
        assert_eq!(s.end, EndState::Ended, "{rec}");
    }
    // ext.Error.Set records but does not end.
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\tspan := opentracing.StartSpan(\"f\")\n\text.Error.Set(span, true)\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return nil");
}

// ---------------------------------------------------------------- context

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
fn background_in_main_and_test_files_is_not_request_scoped() {
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
    let (_, facts) = run_file(source(
        "room_test.go",
        "func TestX(ctx context.Context) { use(context.Background()) }\n",
        true,
    ));
    assert_eq!(facts.background_calls.len(), 1);
    assert_eq!(facts.background_calls[0].request_scope, None);
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
         \tctx = context.WithValue(ctx, local, otel.Tracer(\"x\"))\n}\n");
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
        ]
    );
    let values: Vec<CarriedValue> = facts.with_values.iter().map(|w| w.value).collect();
    use CarriedValue::*;
    assert_eq!(
        values,
        [Other, Other, Other, Other, Other, Other, Span, Span, Span, Tracer, Tracer]
    );
}

#[test]
fn deep_nesting_in_a_span_function_does_not_overflow() {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let depth = 100_000;
            let body = format!(
                "var tracer = otel.Tracer(\"room\")\nfunc F(ctx context.Context) error {{\n\t_, span := tracer.Start(ctx, \"f\")\n{}return nil{}\n}}\n",
                "{".repeat(depth),
                "}".repeat(depth)
            );
            let (_, facts) = run(&body);
            assert_eq!(facts.span_starts.len(), 1);
            assert_eq!(facts.span_starts[0].end, EndState::Unknown);
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn nested_loops_and_moderate_nesting_stay_definite() {
    let loops = 8;
    let body = format!(
        "func F(ctx context.Context, xs []int) error {{\n{}\t_, span := tracer.Start(ctx, \"f\")\n\tif len(xs) == 0 {{ return nil }}\n\tspan.End()\n{}\treturn nil\n}}\n",
        "for _, x := range xs {\n".repeat(loops),
        "}\n".repeat(loops)
    );
    let (f, s) = end_of(&body);
    assert_eq!(escape(&f, &s), "return nil");
    let ifs = 150;
    let body = format!(
        "func F(ctx context.Context) error {{\n\t_, span := tracer.Start(ctx, \"f\")\n{}span.End(){}\n\treturn nil\n}}\n",
        "if ok {\n".repeat(ifs),
        "\n}".repeat(ifs)
    );
    let (f, s) = end_of(&body);
    assert_eq!(escape(&f, &s), "return nil");
}

#[test]
fn tracer_field_declared_in_another_file() {
    let mk = |i: u32, path: &str, text: &str| SourceFile {
        id: FileId(i),
        path: path.into(),
        abs_path: path.into(),
        text: text.into(),
        lossy: false,
        is_test: false,
    };
    let a = mk(
        0,
        "a.go",
        "package room\nimport \"net/http\"\nfunc (s *Svc) Join(w http.ResponseWriter, r *http.Request) {\n\t_, span := s.tracer.Start(r.Context(), \"room.join\")\n\tdefer span.End()\n\ts.server.Start(r.Context(), \":80\")\n}\n",
    );
    let b = mk(
        1,
        "b.go",
        "package room\nimport \"go.opentelemetry.io/otel/trace\"\ntype Svc struct {\n\ttracer trace.Tracer\n\tserver *Server\n}\n",
    );
    let facts = extract_package("room", "room", &[&a, &b]);
    assert_eq!(facts.span_starts.len(), 1, "{:#?}", facts.span_starts);
    assert_eq!(name(&facts.span_starts[0]), "room.join");
    assert_eq!(facts.span_starts[0].end, EndState::Ended);
}

#[test]
fn fallthrough_carries_the_started_span_into_the_next_case() {
    let (f, s) = end_of(
        "func F(ctx context.Context, k int) error {\n\tvar span trace.Span\n\tswitch k {\n\tcase 1:\n\t\t_, span = tracer.Start(ctx, \"f\")\n\t\tfallthrough\n\tcase 2:\n\t\treturn nil\n\t}\n\treturn nil\n}\n",
    );
    let EndState::Leaks { escape } = s.end else {
        panic!("{:?}", s.end)
    };
    assert_eq!(escape.start as usize, f.text.find("return nil").unwrap());
}
