//! Recognising tracing and context APIs: tracers, span starts, spans,
//! `context.Background()`/`TODO()` and small type lookups.

use super::super::pkg::{named_children, package_name, unparen, Api, DeclKind, Pkg};
use super::super::values::{Local, Site};
use super::Tx;
use crate::extract::kinds::FIELDS;
use crate::facts::{BackgroundKind, TracingApi};
use tree_sitter::Node;

/// Which tracing library a tracer (or span) belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lib {
    Otel,
    OpenTracing,
    /// OpenCensus has no tracer values: only its `*trace.Span` type.
    OpenCensus,
}

/// Follow-through limit for tracer and span variables.
const MAX_FOLLOW: u32 = 8;

impl<'t> Pkg<'t> {
    /// `pkg.Member(...)` → `Member` when `pkg` names `api` (or a dot import does).
    pub fn api_call(&self, site: Site<'_, 't>, n: Node<'t>, api: Api) -> Option<&'t str> {
        let n = unparen(n);
        if n.kind() != "call_expression" {
            return None;
        }
        self.prom_member(site, n.child_by_field_id(FIELDS.function)?, api)
    }

    pub fn background_kind(&self, site: Site<'_, 't>, n: Node<'t>) -> Option<BackgroundKind> {
        match self.api_call(site, n, Api::Context)? {
            "Background" => Some(BackgroundKind::Background),
            "TODO" => Some(BackgroundKind::Todo),
            _ => None,
        }
    }

    pub fn imports_api(&self, unit: usize, api: Api) -> bool {
        self.units[unit].imports.apis.values().any(|a| *a == api) || self.has_dot(unit, api)
    }

    /// `pkg.Name` or `*pkg.Name` → (API of `pkg`, `Name`).
    pub fn qualified_type(&self, unit: usize, ty: Node<'t>) -> Option<(Api, &'t str, bool)> {
        let (ty, ptr) = if ty.kind() == "pointer_type" {
            (*named_children(ty).first()?, true)
        } else {
            (ty, false)
        };
        if ty.kind() != "qualified_type" {
            return None;
        }
        let pkg = self.text(unit, ty.child_by_field_id(FIELDS.package)?);
        let name = self.text(unit, ty.child_by_field_id(FIELDS.name)?);
        Some((self.import_api(unit, pkg)?, name, ptr))
    }

    /// The declared type of a parameter `name` of a function in the chain
    /// (innermost first), with that function's index.
    pub fn param_type(&self, site: Site<'_, 't>, name: &str) -> Option<Node<'t>> {
        for f in site.chain.iter().rev() {
            for field in ["receiver", "parameters"] {
                let Some(list) = f.child_by_field_name(field) else {
                    continue;
                };
                for p in named_children(list) {
                    let mut cursor = p.walk();
                    let hit = p
                        .children_by_field_name("name", &mut cursor)
                        .any(|n| self.text(site.unit, n) == name);
                    if hit {
                        return p.child_by_field_id(FIELDS.type_);
                    }
                }
            }
        }
        None
    }

    /// The declared type of the variable an identifier refers to, when written
    /// (`var t trace.Tracer`, a parameter), with the unit it is written in.
    pub fn declared_type(&self, site: Site<'_, 't>, ident: Node<'t>) -> Option<(usize, Node<'t>)> {
        let name = self.text(site.unit, ident);
        match self.lookup_local(site, name, ident.start_byte()) {
            Some(Local::Param) => Some((site.unit, self.param_type(site, name)?)),
            Some(Local::Bound(_, b)) => Some((site.unit, b.decl.child_by_field_id(FIELDS.type_)?)),
            None => {
                let d = self.decl(name)?;
                if d.kind == DeclKind::Other {
                    return None;
                }
                Some((d.unit, d.spec.child_by_field_id(FIELDS.type_)?))
            }
        }
    }
}

pub(crate) fn type_lib(t: Option<(Api, &str, bool)>, name: &str) -> Option<Lib> {
    match t? {
        (Api::OtelTrace, n, false) if n == name => Some(Lib::Otel),
        (Api::OpenTracing, n, false) if n == name => Some(Lib::OpenTracing),
        (Api::OcTrace, "Span", true) if name == "Span" => Some(Lib::OpenCensus),
        _ => None,
    }
}

impl<'p, 't> Tx<'p, 't> {
    /// An expression that yields a tracer.
    pub fn tracer_expr(&self, site: Site<'_, 't>, n: Node<'t>, depth: u32) -> Option<Lib> {
        let p = self.pkg;
        if depth > MAX_FOLLOW {
            return None;
        }
        let n = unparen(n);
        match n.kind() {
            "call_expression" => {
                let f = n.child_by_field_id(FIELDS.function)?;
                if p.prom_member(site, f, Api::OpenTracing) == Some("GlobalTracer") {
                    return Some(Lib::OpenTracing);
                }
                // A function of this package declared to return a tracer
                // (`func newTracer() trace.Tracer`).
                if let Some(t) = p.type_of(site, n) {
                    if let Some(lib) = type_lib(p.qualified_type(t.unit, t.node), "Tracer") {
                        return Some(lib);
                    }
                }
                if f.kind() != "selector_expression" {
                    return None;
                }
                let field = p.text(site.unit, f.child_by_field_id(FIELDS.field)?);
                let otel_file =
                    p.imports_api(site.unit, Api::Otel) || p.imports_api(site.unit, Api::OtelTrace);
                (field == "Tracer" && otel_file).then_some(Lib::Otel)
            }
            "identifier" => self.tracer_ident(site, n, depth),
            "selector_expression" => {
                let field = p.text(site.unit, n.child_by_field_id(FIELDS.field)?);
                let operand = n.child_by_field_id(FIELDS.operand)?;
                if operand.kind() == "identifier"
                    && p.import_api(site.unit, p.text(site.unit, operand))
                        .is_some()
                {
                    return None;
                }
                self.tracer_fields.get(field).copied()
            }
            _ => None,
        }
    }

    fn tracer_ident(&self, site: Site<'_, 't>, n: Node<'t>, depth: u32) -> Option<Lib> {
        let p = self.pkg;
        if let Some((unit, ty)) = p.declared_type(site, n) {
            if let Some(lib) = type_lib(p.qualified_type(unit, ty), "Tracer") {
                return Some(lib);
            }
        }
        let t = p.follow(site, n)?;
        self.tracer_expr(t.site, t.value, depth + 1)
    }

    /// A start call: which API, and the indices of its ctx and name arguments.
    pub fn start_api(&self, site: Site<'_, 't>, call: Node<'t>) -> Option<TracingApi> {
        let p = self.pkg;
        let f = call.child_by_field_id(FIELDS.function)?;
        match p.prom_member(site, f, Api::OpenTracing) {
            Some("StartSpan") => return Some(TracingApi::OpenTracingStartSpan),
            Some("StartSpanFromContext") => return Some(TracingApi::OpenTracingFromContext),
            Some(_) => return None,
            None => {}
        }
        match p.prom_member(site, f, Api::OcTrace) {
            Some("StartSpan" | "StartSpanWithRemoteParent") => return Some(TracingApi::OpenCensus),
            Some(_) => return None,
            None => {}
        }
        if self.configured_start(site, f) {
            return Some(TracingApi::Custom);
        }
        if f.kind() != "selector_expression" {
            return None;
        }
        let method = p.text(site.unit, f.child_by_field_id(FIELDS.field)?);
        if method != "Start" && method != "StartSpan" {
            return None;
        }
        let lib = self.tracer_expr(site, f.child_by_field_id(FIELDS.operand)?, 0)?;
        match (method, lib) {
            ("Start", Lib::Otel) => Some(TracingApi::Otel),
            ("StartSpan", Lib::OpenTracing) => Some(TracingApi::OpenTracingStartSpan),
            _ => None,
        }
    }

    /// A function of `spans.start_functions`: `pkg.Func` through an import
    /// whose package (or local name) is `pkg`, or `Func` declared in this
    /// package when the entry is `Func` or names this package.
    fn configured_start(&self, site: Site<'_, 't>, f: Node<'t>) -> bool {
        let p = self.pkg;
        let wanted = &p.opts.start_functions;
        if wanted.is_empty() {
            return false;
        }
        let entry = |pkg: Option<&str>, func: &str| {
            wanted.iter().any(|w| match w.split_once('.') {
                Some((wp, wf)) => wf == func && pkg.is_some_and(|pk| pk == wp),
                None => pkg.is_none() && w == func,
            })
        };
        match f.kind() {
            "selector_expression" => {
                let (Some(o), Some(field)) = (
                    f.child_by_field_id(FIELDS.operand),
                    f.child_by_field_id(FIELDS.field),
                ) else {
                    return false;
                };
                if o.kind() != "identifier" {
                    return false;
                }
                let local = p.text(site.unit, o);
                let func = p.text(site.unit, field);
                let Some(path) = p.units[site.unit].imports.paths.get(local) else {
                    return false;
                };
                if p.is_shadowed(site, local, o.start_byte()) {
                    return false;
                }
                let name = package_name(path, &p.opts.package_names);
                entry(Some(name), func) || entry(Some(local), func)
            }
            "identifier" => {
                let func = p.text(site.unit, f);
                let declared = p
                    .decl(func)
                    .is_some_and(|d| d.spec.kind() == "function_declaration");
                declared
                    && !p.is_shadowed(site, func, f.start_byte())
                    && (entry(None, func) || entry(Some(p.name), func))
            }
            _ => false,
        }
    }

    /// An expression that yields a span: a variable bound by a start, a
    /// variable typed `trace.Span`/`opentracing.Span`, `SpanFromContext(ctx)`.
    pub fn span_expr(&self, site: Site<'_, 't>, n: Node<'t>, depth: u32) -> bool {
        let p = self.pkg;
        if depth > MAX_FOLLOW {
            return false;
        }
        let n = unparen(n);
        match n.kind() {
            "call_expression" => {
                matches!(p.api_call(site, n, Api::OtelTrace), Some("SpanFromContext"))
                    || matches!(
                        p.api_call(site, n, Api::OpenTracing),
                        Some("SpanFromContext")
                    )
                    || matches!(p.api_call(site, n, Api::OcTrace), Some("FromContext"))
            }
            "identifier" => {
                if let Some((unit, ty)) = p.declared_type(site, n) {
                    if type_lib(p.qualified_type(unit, ty), "Span").is_some() {
                        return true;
                    }
                }
                let name = p.text(site.unit, n);
                match p.lookup_local(site, name, n.start_byte()) {
                    Some(Local::Bound(i, b)) => {
                        let inner = Site {
                            unit: site.unit,
                            chain: &site.chain[..=i],
                        };
                        let src = b.multi.or(b.value).map(unparen);
                        src.is_some_and(|v| {
                            (v.kind() == "call_expression" && self.start_api(inner, v).is_some())
                                || (b.value.is_some() && self.span_expr(inner, v, depth + 1))
                        })
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }
}
