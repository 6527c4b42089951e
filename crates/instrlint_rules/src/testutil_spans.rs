//! Hand-built span and context facts for the S and C rule tests.

use crate::rule::{PackageCtx, Sink};
use instrlint_core::config::Settings;
use instrlint_core::facts::{
    AttributeKey, AttributeVia, BackgroundCall, BackgroundKind, Binding, CarriedValue, ContextUse,
    CtxArg, DetachedSpan, DynamicKind, DynamicPart, EndState, FuncContext, FuncKind, KeyKind,
    PackageFacts, RequestScope, ScopeVar, SpanName, SpanStart, TracingApi, UnrecordedError,
    WithValueCall,
};
use instrlint_core::span_settings::SpanRequirement;
use instrlint_core::{Diagnostic, Dynamic, FileId, Span, StrConst, Value};

pub fn span(file: u32, start: u32, end: u32) -> Span {
    Span::new(FileId(file), start, end)
}

/// The display path of file 0 in [`package`]; file 1 is `gifts/send.go`.
pub const PATH: &str = "signaling/room.go";

/// A named function of `kind`.
pub fn func(kind: FuncKind, name: &str) -> FuncContext {
    FuncContext {
        name: Some(name.to_string()),
        kind,
        ..FuncContext::package_level()
    }
}

/// The request scope of a `func(w http.ResponseWriter, r *http.Request)`.
pub fn scope(use_instead: &str) -> RequestScope {
    RequestScope {
        use_instead: use_instead.to_string(),
        reason: "*http.Request parameter".to_string(),
        handler: true,
    }
}

/// The context of a function that merely takes a `context.Context` (C605).
pub fn ctx_param(use_instead: &str) -> RequestScope {
    RequestScope {
        use_instead: use_instead.to_string(),
        reason: "context.Context parameter".to_string(),
        handler: false,
    }
}

/// A span start under construction: `ctx, span := tracer.Start(ctx, name)`
/// at offset 100 of file 0, ended on every path, in HTTP handler `joinRoom`.
pub struct Start(SpanStart);

pub fn start(name: &str) -> Start {
    Start(SpanStart {
        api: TracingApi::Otel,
        call: span(0, 0, 0),
        name: SpanName {
            value: Value::Resolved(StrConst::new(name)),
            span: span(0, 0, 0),
            dynamic_parts: Vec::new(),
        },
        ctx_arg: CtxArg::Named {
            name: "ctx".to_string(),
            span: span(0, 0, 0),
        },
        ctx_out: Binding::Named {
            name: "ctx".to_string(),
            span: span(0, 0, 0),
        },
        parent_ctx_reused_at: None,
        span_out: Binding::Named {
            name: "span".to_string(),
            span: span(0, 0, 0),
        },
        attributes: Vec::new(),
        has_reference: false,
        end: EndState::Ended,
        unrecorded_errors: Vec::new(),
        scope_vars: Vec::new(),
        func: func(FuncKind::HttpHandler, "joinRoom"),
    })
    .at(0, 100)
}

impl Start {
    /// Moves the start to `offset` in `file`: the call is 60 bytes, the name
    /// sits at +20..+40.
    pub fn at(mut self, file: u32, offset: u32) -> Self {
        let s = &mut self.0;
        s.call = span(file, offset, offset + 60);
        s.name.span = span(file, offset + 20, offset + 40);
        self
    }
    pub fn opentracing(mut self) -> Self {
        self.0.api = TracingApi::OpenTracingFromContext;
        self
    }
    /// A name built at run time from `parts`.
    pub fn dynamic(mut self, parts: &[(&str, DynamicKind)]) -> Self {
        let s = &mut self.0;
        let at = s.name.span;
        s.name.value = Value::Dynamic(Dynamic {
            span: at,
            text: parts[0].0.to_string(),
        });
        s.name.dynamic_parts = parts
            .iter()
            .map(|(text, kind)| DynamicPart {
                span: at,
                text: text.to_string(),
                kind: *kind,
            })
            .collect();
        self
    }
    pub fn unknown_name(mut self) -> Self {
        self.0.name.value = Value::Unknown;
        self
    }
    pub fn attr(mut self, key: &str) -> Self {
        self.0.attributes.push(AttributeKey {
            key: Value::Resolved(StrConst::new(key)),
            span: span(0, 0, 0),
            via: AttributeVia::StartOption,
        });
        self
    }
    /// An attribute whose key the resolver could not settle.
    pub fn attr_unknown(mut self) -> Self {
        self.0.attributes.push(AttributeKey {
            key: Value::Unknown,
            span: span(0, 0, 0),
            via: AttributeVia::SetAttributes,
        });
        self
    }
    /// A variable in scope at the start.
    pub fn var(mut self, name: &str) -> Self {
        self.0.scope_vars.push(ScopeVar {
            name: name.to_string(),
            span: span(0, 10, 20),
        });
        self
    }
    pub fn end(mut self, end: EndState) -> Self {
        self.0.end = end;
        self
    }
    /// Returns of a non-nil error at each offset, none of them recorded.
    pub fn unrecorded(mut self, at: &[u32]) -> Self {
        self.0.unrecorded_errors = at
            .iter()
            .map(|&o| UnrecordedError {
                ret: span(0, o, o + 10),
                neither: true,
                no_record_error: true,
                no_status: true,
            })
            .collect();
        self
    }
    /// Returns where only `RecordError` is missing.
    pub fn status_only(mut self, at: &[u32]) -> Self {
        self.0
            .unrecorded_errors
            .extend(at.iter().map(|&o| UnrecordedError {
                ret: span(0, o, o + 10),
                neither: false,
                no_record_error: true,
                no_status: false,
            }));
        self
    }
    pub fn span_out(mut self, binding: Binding) -> Self {
        self.0.span_out = binding;
        self
    }
    pub fn ctx_out(mut self, binding: Binding) -> Self {
        self.0.ctx_out = binding;
        self
    }
    pub fn ctx_reused_at(mut self, offset: u32) -> Self {
        self.0.parent_ctx_reused_at = Some(span(0, offset, offset + 30));
        self
    }
    pub fn build(self) -> SpanStart {
        self.0
    }
}

/// `context.Background()` at `offset` of file 0, in `func`, in request scope
/// when `scope` is given, passed as the context of a call.
pub fn background(offset: u32, func: FuncContext, scope: Option<RequestScope>) -> BackgroundCall {
    BackgroundCall {
        kind: BackgroundKind::Background,
        call: span(0, offset, offset + 20),
        request_scope: scope,
        starts_span: false,
        func,
        used_as: ContextUse::Passed,
        deferred: false,
        after_cancel: false,
        in_go_statement: false,
    }
}

/// `context.Background()` at `offset` in HTTP handler `joinRoom`.
pub fn in_handler(offset: u32) -> BackgroundCall {
    let handler = func(FuncKind::HttpHandler, "joinRoom");
    background(offset, handler, Some(scope("r.Context()")))
}

/// A package holding only `calls`.
pub fn backgrounds(calls: Vec<BackgroundCall>) -> PackageFacts {
    PackageFacts {
        background_calls: calls,
        ..package()
    }
}

/// `context.WithValue(ctx, key, value)` at `offset` of file 0.
pub fn with_value(offset: u32, key: KeyKind, value: CarriedValue) -> WithValueCall {
    WithValueCall {
        call: span(0, offset, offset + 50),
        key,
        key_span: span(0, offset + 20, offset + 30),
        value,
        value_span: span(0, offset + 35, offset + 45),
        func: func(FuncKind::HttpHandler, "joinRoom"),
    }
}

/// A span started at `offset` in a goroutine of a handler using `use_instead`.
pub fn detached(offset: u32, use_instead: &str) -> DetachedSpan {
    DetachedSpan {
        call: span(0, offset, offset + 60),
        request_scope: scope(use_instead),
    }
}

/// An empty package `signaling` with files 0 ([`PATH`]) and 1.
pub fn package() -> PackageFacts {
    PackageFacts {
        dir: "signaling".to_string(),
        name: "signaling".to_string(),
        files: vec![FileId(0), FileId(1)],
        paths: vec![PATH.to_string(), "gifts/send.go".to_string()],
        ..PackageFacts::default()
    }
}

/// A package holding only `starts`.
pub fn starts(starts: Vec<Start>) -> PackageFacts {
    PackageFacts {
        span_starts: starts.into_iter().map(Start::build).collect(),
        ..package()
    }
}

/// A `[[spans.require]]` block.
pub fn requirement(names: &[&str], paths: &[&str], attributes: &[&str]) -> SpanRequirement {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    SpanRequirement {
        names: owned(names),
        paths: owned(paths),
        attributes: owned(attributes),
    }
}

/// Default settings with these requirements.
pub fn require(require: Vec<SpanRequirement>) -> Settings {
    let mut settings = Settings::default();
    settings.spans.require = require;
    settings
}

pub fn run(check: fn(&PackageCtx, &mut Sink), package: PackageFacts) -> Vec<Diagnostic> {
    run_with(check, &Settings::default(), package)
}

pub fn run_with(
    check: fn(&PackageCtx, &mut Sink),
    settings: &Settings,
    package: PackageFacts,
) -> Vec<Diagnostic> {
    crate::testutil::run_package(check, settings, package)
}

/// `package` plus span and context facts on which every S and C rule fires
/// with the default settings (for the registry's "every rule fires" test).
pub fn with_span_and_context_facts(package: PackageFacts) -> PackageFacts {
    let leaking = EndState::Leaks {
        escape: span(5, 700, 706),
    };
    PackageFacts {
        span_starts: vec![
            start("handle").at(5, 0).build(),
            start("x")
                .at(5, 100)
                .dynamic(&[("roomID", DynamicKind::IdLike)])
                .build(),
            start("signaling.join_room")
                .at(5, 200)
                .var("roomID")
                .end(leaking)
                .unrecorded(&[650])
                .ctx_out(Binding::Blank {
                    span: span(5, 200, 201),
                })
                .ctx_reused_at(400)
                .build(),
        ],
        background_calls: vec![
            in_handler(900),
            background(950, func(FuncKind::Other, "Pull"), Some(ctx_param("ctx"))),
        ],
        with_values: vec![
            with_value(1000, KeyKind::BuiltinLiteral, CarriedValue::Other),
            with_value(1100, KeyKind::Named, CarriedValue::Span),
        ],
        detached_spans: vec![detached(1200, "r.Context()")],
        ..package
    }
}
