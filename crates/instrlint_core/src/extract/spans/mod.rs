//! Span and context facts: span starts with their flow summary, Background
//! calls, `context.WithValue` calls and detached goroutine spans.
//!
//! One iterative walk per file ([`Tx::walk`]) after a package-wide index of
//! struct fields that hold tracers ([`Tx::new`]).

mod apis;
mod attrs;
mod flow;
mod names;
mod starts;

use super::context::ScopeCx;
use super::kinds::KINDS;
use super::pkg::{expressions, named_children, Api, Pkg};
use super::values::Site;
use super::walker::visit;
use crate::facts::{
    BackgroundCall, CtxArg, DetachedSpan, PackageFacts, SpanStart, TracingApi, WithValueCall,
};
use crate::source::Span;
pub(crate) use apis::Lib;
use std::collections::HashMap;
use tree_sitter::Node;

/// The package with its tracer-holding fields.
pub(crate) struct Tx<'p, 't> {
    pub pkg: &'p Pkg<'t>,
    /// Struct fields typed `trace.Tracer`/`opentracing.Tracer`, or assigned /
    /// initialised from a tracer anywhere in the package.
    pub tracer_fields: HashMap<&'t str, Lib>,
}

#[derive(Default)]
struct FileSpans {
    span_starts: Vec<SpanStart>,
    /// For each start, the `Background`/`TODO` call its context came from.
    start_bg: Vec<Option<Span>>,
    background_calls: Vec<BackgroundCall>,
    with_values: Vec<WithValueCall>,
    detached_spans: Vec<DetachedSpan>,
}

/// Replaces the span and context facts of `facts` with those of the walked units.
pub(crate) fn extract_spans(pkg: &Pkg<'_>, facts: &mut PackageFacts) {
    facts.span_starts.clear();
    facts.background_calls.clear();
    facts.with_values.clear();
    facts.detached_spans.clear();
    let tx = Tx::new(pkg);
    for u in 0..pkg.units.len() {
        if !pkg.units[u].walk || !tx.wants(u) {
            continue;
        }
        let f = tx.walk(u);
        facts.span_starts.extend(f.span_starts);
        facts.background_calls.extend(f.background_calls);
        facts.with_values.extend(f.with_values);
        facts.detached_spans.extend(f.detached_spans);
    }
}

/// Whether [`Tx::index_fields`] or the meter index looks at a node of this kind.
pub(crate) fn indexes(n: Node<'_>) -> bool {
    let k = n.kind_id();
    k == KINDS.field_declaration || k == KINDS.keyed_element || k == KINDS.assignment_statement
}

/// Every node under `n` (itself included), iteratively, in source order.
pub(crate) fn descendants<'t>(n: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let mut stack = vec![n];
    std::iter::from_fn(move || {
        if super::budget::over() {
            return None;
        }
        let next = stack.pop()?;
        let mut cursor = next.walk();
        let children: Vec<Node<'t>> = next.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
        Some(next)
    })
}

impl<'p, 't> Tx<'p, 't> {
    pub fn new(pkg: &'p Pkg<'t>) -> Self {
        let mut tx = Tx {
            pkg,
            tracer_fields: HashMap::new(),
        };
        // Every tracer the index can find comes through a tracing import
        // (a type, `otel.Tracer`, `GlobalTracer`) of some file of the package.
        let traced = (0..pkg.units.len()).any(|u| {
            [Api::Otel, Api::OtelTrace, Api::OpenTracing, Api::OcTrace]
                .iter()
                .any(|a| pkg.imports_api(u, *a))
        });
        if !traced {
            return tx;
        }
        let mut found: Vec<(&'t str, Lib)> = Vec::new();
        for u in 0..pkg.units.len() {
            if !tx.wants(u) {
                continue;
            }
            let text = pkg.units[u].src.text.as_str();
            visit(pkg.units[u].root, text, |path, _, chain| {
                let n = path[path.len() - 1];
                if !indexes(n) {
                    return;
                }
                let site = Site { unit: u, chain };
                tx.index_fields(site, n, &mut found);
            });
        }
        tx.tracer_fields.extend(found);
        tx
    }

    /// Whether a file can hold tracing or context facts at all: it imports a
    /// tracing or context package, or the package has tracer fields.
    fn wants(&self, u: usize) -> bool {
        !self.tracer_fields.is_empty()
            || !self.pkg.opts.start_functions.is_empty()
            || [
                Api::Otel,
                Api::OtelTrace,
                Api::OpenTracing,
                Api::OcTrace,
                Api::Context,
            ]
            .iter()
            .any(|a| self.pkg.imports_api(u, *a))
    }

    fn index_fields(&self, site: Site<'_, 't>, n: Node<'t>, out: &mut Vec<(&'t str, Lib)>) {
        let p = self.pkg;
        match n.kind() {
            "field_declaration" => {
                let Some(ty) = n.child_by_field_name("type") else {
                    return;
                };
                if let Some(lib) = apis::type_lib(p.qualified_type(site.unit, ty), "Tracer") {
                    let mut cursor = n.walk();
                    for name in n.children_by_field_name("name", &mut cursor) {
                        out.push((p.text(site.unit, name), lib));
                    }
                }
            }
            "keyed_element" => {
                let (Some(k), Some(v)) =
                    (n.child_by_field_name("key"), n.child_by_field_name("value"))
                else {
                    return;
                };
                let key = named_children(k).first().copied().unwrap_or(k);
                let value = named_children(v).first().copied().unwrap_or(v);
                if key.kind() == "identifier" || key.kind() == "field_identifier" {
                    if let Some(lib) = self.tracer_expr(site, value, 0) {
                        out.push((p.text(site.unit, key), lib));
                    }
                }
            }
            "assignment_statement" => {
                let lefts = n
                    .child_by_field_name("left")
                    .map(expressions)
                    .unwrap_or_default();
                let rights = n
                    .child_by_field_name("right")
                    .map(expressions)
                    .unwrap_or_default();
                if lefts.len() != rights.len() {
                    return;
                }
                for (l, r) in lefts.iter().zip(&rights) {
                    if l.kind() != "selector_expression" {
                        continue;
                    }
                    let Some(field) = l.child_by_field_name("field") else {
                        continue;
                    };
                    if let Some(lib) = self.tracer_expr(site, *r, 0) {
                        out.push((p.text(site.unit, field), lib));
                    }
                }
            }
            _ => {}
        }
    }

    fn walk(&self, u: usize) -> FileSpans {
        let p = self.pkg;
        let mut out = FileSpans::default();
        let text = p.units[u].src.text.as_str();
        visit(p.units[u].root, text, |path, marks, chain| {
            let n = path[path.len() - 1];
            if n.kind_id() != KINDS.call_expression {
                return;
            }
            let site = Site { unit: u, chain };
            let cx = ScopeCx { site, path, marks };
            if let Some(bg) = self.background_call(&cx, n) {
                out.background_calls.push(bg);
            } else if let Some(wv) = self.with_value(&cx, n) {
                out.with_values.push(wv);
            } else if let Some(api) = self.start_api(site, n) {
                let func = p.func_context(u, marks.iter().map(|m| &m.1));
                let (start, bg) = self.span_start(site, n, api, func);
                let detached = start.func.in_go
                    && (matches!(start.ctx_arg, CtxArg::Background { .. })
                        || (start.api == TracingApi::OpenTracingStartSpan && !start.has_reference));
                if detached {
                    if let Some(rs) = self.request_scope(&cx) {
                        out.detached_spans.push(DetachedSpan {
                            call: start.call,
                            request_scope: rs,
                        });
                    }
                }
                out.span_starts.push(start);
                out.start_bg.push(bg);
            }
        });
        for bg in &mut out.background_calls {
            bg.starts_span = out.start_bg.contains(&Some(bg.call));
        }
        out
    }
}
