//! Span and context facts from Go source strings.

use super::extract_package;
use crate::facts::{
    AttributeVia, Binding, CarriedValue, CtxArg, DynamicKind, EndState, KeyKind, PackageFacts,
    SpanStart, TracingApi,
};
use crate::source::{FileId, SourceFile, Span};
use crate::value::Value;

pub(super) const HEADER: &str = "import (\n\t\"context\"\n\t\"errors\"\n\t\"fmt\"\n\t\"log\"\n\t\"net/http\"\n\t\"os\"\n\t\"go.opentelemetry.io/otel\"\n\t\"go.opentelemetry.io/otel/attribute\"\n\t\"go.opentelemetry.io/otel/codes\"\n\t\"go.opentelemetry.io/otel/trace\"\n\t\"github.com/opentracing/opentracing-go\"\n\t\"github.com/opentracing/opentracing-go/ext\"\n\totlog \"github.com/opentracing/opentracing-go/log\"\n\t\"google.golang.org/grpc\"\n\t\"github.com/gin-gonic/gin\"\n)\n";

pub(super) fn source(path: &str, body: &str, is_test: bool) -> SourceFile {
    SourceFile {
        id: FileId(0),
        path: path.to_string(),
        abs_path: path.into(),
        text: format!("package room\n{HEADER}{body}"),
        lossy: false,
        is_test,
    }
}

pub(super) fn run_file(f: SourceFile) -> (SourceFile, PackageFacts) {
    let facts = extract_package("room", "room", &[&f]);
    (f, facts)
}

pub(super) fn run(body: &str) -> (SourceFile, PackageFacts) {
    run_file(source("room.go", body, false))
}

pub(super) fn at(f: &SourceFile, s: Span) -> &str {
    &f.text[s.start as usize..s.end as usize]
}

pub(super) fn one(body: &str) -> (SourceFile, SpanStart) {
    let (f, facts) = run(body);
    assert_eq!(facts.span_starts.len(), 1, "{:#?}", facts.span_starts);
    let s = facts.span_starts.into_iter().next().unwrap();
    (f, s)
}

pub(super) fn name(s: &SpanStart) -> &str {
    match &s.name.value {
        Value::Resolved(c) => &c.text,
        other => panic!("unresolved {other:?}"),
    }
}

pub(super) fn escape<'a>(f: &'a SourceFile, s: &SpanStart) -> &'a str {
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

mod context;
mod flow;

#[test]
fn tracers_from_factories_declared_in_the_package() {
    let (_, facts) = run(
        "func newTracer() trace.Tracer { return otel.Tracer(\"room\") }\n\
         func tracerOf(name string) (t trace.Tracer) { return otel.Tracer(name) }\n\
         func notATracer() int { return 1 }\n\
         type Svc struct{ tr trace.Tracer }\n\
         func NewSvc() *Svc { return &Svc{tr: newTracer()} }\n\
         func Join(ctx context.Context) {\n\ttr := newTracer()\n\tctx, span := tr.Start(ctx, \"room.join\")\n\tdefer span.End()\n\
         \t_, s2 := tracerOf(\"x\").Start(ctx, \"room.other\")\n\ts2.End()\n\
         \tn := notATracer()\n\tn.Start(ctx, \"not.a.span\")\n}\n",
    );
    let names: Vec<&str> = facts.span_starts.iter().map(name).collect();
    assert_eq!(names, ["room.join", "room.other"]);
    assert!(facts.span_starts.iter().all(|s| s.api == TracingApi::Otel));
}

#[test]
fn opencensus_spans() {
    let f = SourceFile {
        id: FileId(0),
        path: "room.go".into(),
        abs_path: "room.go".into(),
        text: "package room\nimport (\n\t\"context\"\n\t\"go.opencensus.io/trace\"\n)\n\
               func Join(ctx context.Context, roomID string) error {\n\
               \tctx, span := trace.StartSpan(ctx, \"room.join\")\n\tdefer span.End()\n\
               \tspan.AddAttributes(trace.StringAttribute(\"room_id\", roomID))\n\
               \tif err := load(ctx); err != nil {\n\t\tspan.SetStatus(trace.Status{Code: trace.StatusCodeUnknown, Message: err.Error()})\n\t\treturn err\n\t}\n\
               \tif err := save(ctx); err != nil {\n\t\tspan.SetStatus(trace.Status{Code: trace.StatusCodeOK})\n\t\treturn err\n\t}\n\treturn nil\n}\n\
               func Remote(ctx context.Context, sc trace.SpanContext) {\n\t_, span := trace.StartSpanWithRemoteParent(ctx, \"room.remote\", sc)\n\tspan.AddAttributes()\n}\n"
            .into(),
        lossy: false,
        is_test: false,
    };
    let (f, facts) = run_file(f);
    let s = &facts.span_starts;
    assert_eq!(s.len(), 2, "{s:#?}");
    assert!(s.iter().all(|s| s.api == TracingApi::OpenCensus));
    assert_eq!(name(&s[0]), "room.join");
    assert_eq!(s[0].end, EndState::Ended);
    assert_eq!(s[0].attributes.len(), 1);
    assert_eq!(
        s[0].attributes[0].key.resolved().map(|k| k.text.as_str()),
        Some("room_id")
    );
    let rets: Vec<&str> = s[0]
        .unrecorded_errors
        .iter()
        .map(|u| at(&f, u.ret))
        .collect();
    // An OK status records nothing; an error status is the whole recording.
    assert_eq!(rets.len(), 1);
    assert!(s[0].unrecorded_errors[0].ret.start as usize > f.text.find("save(ctx)").unwrap());
    assert!(matches!(s[1].end, EndState::Leaks { .. }));
}
