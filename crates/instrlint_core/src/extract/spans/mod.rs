//! Span and context facts: span starts with their flow summary, Background
//! calls, `context.WithValue` calls and detached goroutine spans.
//!
//! Read during the one walk of each file (`walk.rs`): the package-wide index
//! of struct fields that hold tracers ([`Tx::index_fields`]) and the
//! `Background`/`TODO` calls; the calls named like span starts and
//! `WithValue` are put off until the index is complete ([`Tx::unit_spans`]).

mod apis;
mod attrs;
mod flow;
mod names;
mod starts;

use super::kinds::KINDS;
use super::pkg::{expressions, named_children, Api, Pkg};
use super::values::Site;
use super::walker::MarkLog;
use crate::extract::kinds::FIELDS;
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
pub(crate) struct FileSpans {
    span_starts: Vec<SpanStart>,
    /// For each start, the `Background`/`TODO` call its context came from.
    start_bg: Vec<Option<Span>>,
    background_calls: Vec<BackgroundCall>,
    with_values: Vec<WithValueCall>,
    detached_spans: Vec<DetachedSpan>,
}

/// Appends one walked unit's span and context facts to `facts`.
pub(crate) fn add_spans(facts: &mut PackageFacts, f: FileSpans) {
    facts.span_starts.extend(f.span_starts);
    facts.background_calls.extend(f.background_calls);
    facts.with_values.extend(f.with_values);
    facts.detached_spans.extend(f.detached_spans);
}

/// Method and function names a call must have to be a span start or a
/// `context.WithValue` ([`Tx::start_api`], [`Tx::with_value`]): the walk
/// puts off only such calls until the package's tracer fields are known.
const SPAN_CALLS: &[&str] = &[
    "Start",
    "StartSpan",
    "StartSpanFromContext",
    "StartSpanWithRemoteParent",
    "WithValue",
];

/// Whether `call` is named like a span start or a `WithValue` call (the
/// configured `spans.start_functions` included).
pub(crate) fn span_candidate(pkg: &Pkg<'_>, unit: usize, call: Node<'_>) -> bool {
    let Some(f) = call.child_by_field_id(FIELDS.function) else {
        return false;
    };
    let name = match f.kind() {
        "selector_expression" => match f.child_by_field_id(FIELDS.field) {
            Some(field) => pkg.text(unit, field),
            None => return false,
        },
        "identifier" => pkg.text(unit, f),
        _ => return false,
    };
    SPAN_CALLS.contains(&name)
        || pkg
            .opts
            .start_functions
            .iter()
            .any(|w| w.split_once('.').map_or(w.as_str(), |(_, func)| func) == name)
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
    /// The package without tracer fields: what the field index sees while
    /// it is built, and all there is when the package imports no tracing
    /// library.
    pub fn empty(pkg: &'p Pkg<'t>) -> Self {
        Tx {
            pkg,
            tracer_fields: HashMap::new(),
        }
    }

    /// Whether any file of the package imports a tracing library: every
    /// tracer the field index can find comes through such an import (a
    /// type, `otel.Tracer`, `GlobalTracer`), so only then is it built.
    pub fn traced(pkg: &Pkg<'_>) -> bool {
        (0..pkg.units.len()).any(|u| {
            [Api::Otel, Api::OtelTrace, Api::OpenTracing, Api::OcTrace]
                .iter()
                .any(|a| pkg.imports_api(u, *a))
        })
    }

    /// Whether a file can hold tracing or context facts at all: it imports a
    /// tracing or context package, or the package has tracer fields.
    pub fn wants(&self, u: usize) -> bool {
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

    pub fn index_fields(&self, site: Site<'_, 't>, n: Node<'t>, out: &mut Vec<(&'t str, Lib)>) {
        let p = self.pkg;
        match n.kind() {
            "field_declaration" => {
                let Some(ty) = n.child_by_field_id(FIELDS.type_) else {
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
                let (Some(k), Some(v)) = (
                    n.child_by_field_id(FIELDS.key),
                    n.child_by_field_id(FIELDS.value),
                ) else {
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
                    .child_by_field_id(FIELDS.left)
                    .map(expressions)
                    .unwrap_or_default();
                let rights = n
                    .child_by_field_id(FIELDS.right)
                    .map(expressions)
                    .unwrap_or_default();
                if lefts.len() != rights.len() {
                    return;
                }
                for (l, r) in lefts.iter().zip(&rights) {
                    if l.kind() != "selector_expression" {
                        continue;
                    }
                    let Some(field) = l.child_by_field_id(FIELDS.field) else {
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

    /// The span and context facts of walked unit `u`, once the tracer
    /// fields are known: its `Background`/`TODO` calls (read during the
    /// walk) and the calls the walk put off ([`span_candidate`]), each with
    /// the marks around it in `log`, in walk order.
    pub fn unit_spans(
        &self,
        u: usize,
        background_calls: Vec<BackgroundCall>,
        calls: &[(Node<'t>, u32)],
        log: &MarkLog<'t>,
    ) -> FileSpans {
        let p = self.pkg;
        let mut out = FileSpans {
            background_calls,
            ..FileSpans::default()
        };
        for &(n, top) in calls {
            let marks = log.marks(top);
            let chain: Vec<Node<'t>> = marks.iter().filter_map(|m| m.function()).collect();
            let site = Site {
                unit: u,
                chain: &chain,
            };
            if let Some(wv) = self.with_value(site, &marks, n) {
                out.with_values.push(wv);
            } else if let Some(api) = self.start_api(site, n) {
                let func = p.func_context(u, marks.iter());
                let (start, bg) = self.span_start(site, n, api, func);
                let detached = start.func.in_go
                    && (matches!(start.ctx_arg, CtxArg::Background { .. })
                        || (start.api == TracingApi::OpenTracingStartSpan && !start.has_reference));
                if detached {
                    if let Some(rs) = self.request_scope(site) {
                        out.detached_spans.push(DetachedSpan {
                            call: start.call,
                            request_scope: rs,
                        });
                    }
                }
                out.span_starts.push(start);
                out.start_bg.push(bg);
            }
        }
        for bg in &mut out.background_calls {
            bg.starts_span = out.start_bg.contains(&Some(bg.call));
        }
        out
    }
}
