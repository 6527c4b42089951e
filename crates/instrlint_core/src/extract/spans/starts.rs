//! One span start: name, context argument, bindings, references, scope
//! variables and the S506 parent-context check.

use super::super::pkg::{call_args, expressions, named_children, unparen};
use super::super::values::{Local, Site};
use super::{descendants, Tx};
use crate::extract::kinds::FIELDS;
use crate::facts::{
    Binding, CtxArg, EndState, FuncContext, ScopeVar, SpanName, SpanStart, TracingApi,
};
use crate::source::Span;
use crate::value::Value;
use tree_sitter::Node;

impl<'p, 't> Tx<'p, 't> {
    /// The start fact, and the `Background`/`TODO` call its context came from.
    pub fn span_start(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        api: TracingApi,
        func: FuncContext,
    ) -> (SpanStart, Option<Span>) {
        let p = self.pkg;
        let u = site.unit;
        let args = call_args(call);
        let (ctx_idx, name_idx) = match api {
            TracingApi::OpenTracingStartSpan => (None, 0),
            _ => (Some(0), 1),
        };
        // `tracer.StartSpan("").SetOperationName("x")`: the span is named `x`.
        let renamed = call
            .parent()
            .filter(|s| s.kind() == "selector_expression")
            .filter(|s| {
                s.child_by_field_id(FIELDS.field)
                    .is_some_and(|f| p.text(u, f) == "SetOperationName")
            })
            .and_then(|s| s.parent().filter(|c| c.kind() == "call_expression"))
            .and_then(|c| call_args(c).first().copied());
        let name = match renamed.or_else(|| args.get(name_idx).copied()).as_ref() {
            Some(a) => {
                let value = p.fold_str(site, *a, 0, &mut None).into_value();
                let dynamic_parts = if matches!(value, Value::Dynamic(_)) {
                    self.dynamic_parts(site, *a)
                } else {
                    Vec::new()
                };
                SpanName {
                    value,
                    span: p.span(u, *a),
                    dynamic_parts,
                }
            }
            None => SpanName {
                value: Value::Unknown,
                span: p.span(u, call),
                dynamic_parts: Vec::new(),
            },
        };
        let (ctx_arg, bg) = match ctx_idx.and_then(|i| args.get(i)) {
            Some(a) => self.ctx_arg(site, *a),
            None => (CtxArg::Other, None),
        };
        let (ctx_out, span_out) = self.bindings(u, call, api);
        let opts: Vec<Node<'t>> = args.iter().skip(name_idx + 1).copied().collect();
        let (mut attributes, has_reference) = self.start_options(site, &opts);
        if let Binding::Named { name, .. } = &span_out {
            attributes.extend(self.set_attributes(site, call, name));
        }
        let parent_ctx_reused_at = self.parent_reuse(site, call, &ctx_arg, &ctx_out);
        let (end, unrecorded_errors) = self.end_state(site, call, api, &ctx_out, &span_out);
        let start = SpanStart {
            api,
            call: p.span(u, call),
            name,
            ctx_arg,
            ctx_out,
            parent_ctx_reused_at,
            span_out,
            attributes,
            has_reference,
            end,
            unrecorded_errors,
            scope_vars: self.scope_vars(site, call),
            func,
        };
        (start, bg)
    }

    fn ctx_arg(&self, site: Site<'_, 't>, a: Node<'t>) -> (CtxArg, Option<Span>) {
        let p = self.pkg;
        let a = unparen(a);
        let span = p.span(site.unit, a);
        if p.background_kind(site, a).is_some() {
            return (CtxArg::Background { span }, Some(span));
        }
        if a.kind() != "identifier" {
            return (CtxArg::Other, None);
        }
        let name = p.text(site.unit, a);
        if let Some(Local::Bound(i, b)) = p.lookup_local(site, name, a.start_byte()) {
            let inner = Site {
                unit: site.unit,
                chain: &site.chain[..=i],
            };
            let single = b.decls == 1 && b.assigns == 0;
            if let Some(v) = b.value.filter(|_| single).map(unparen) {
                if p.background_kind(inner, v).is_some() {
                    return (CtxArg::Background { span }, Some(p.span(site.unit, v)));
                }
            }
        }
        (
            CtxArg::Named {
                name: name.to_string(),
                span,
            },
            None,
        )
    }

    /// The returned context and span bindings.
    fn bindings(&self, u: usize, call: Node<'t>, api: TracingApi) -> (Binding, Binding) {
        let p = self.pkg;
        let mut up = call;
        while let Some(parent) = up.parent() {
            if parent.kind() != "parenthesized_expression" {
                break;
            }
            up = parent;
        }
        let lefts: Vec<Node<'t>> = match up.parent() {
            Some(list) if list.kind() == "expression_list" => match list.parent() {
                Some(stmt)
                    if matches!(
                        stmt.kind(),
                        "short_var_declaration" | "assignment_statement"
                    ) && stmt.child_by_field_id(FIELDS.right).map(|r| r.id())
                        == Some(list.id())
                        && named_children(list).len() == 1 =>
                {
                    stmt.child_by_field_id(FIELDS.left)
                        .map(expressions)
                        .unwrap_or_default()
                }
                Some(spec) if spec.kind() == "var_spec" && named_children(list).len() == 1 => {
                    let mut cursor = spec.walk();
                    spec.children_by_field_name("name", &mut cursor).collect()
                }
                _ => Vec::new(),
            },
            Some(spec) if spec.kind() == "var_spec" => {
                let mut cursor = spec.walk();
                spec.children_by_field_name("name", &mut cursor).collect()
            }
            _ => Vec::new(),
        };
        let bind = |n: Option<&Node<'t>>| match n {
            Some(n) if p.text(u, *n) == "_" => Binding::Blank {
                span: p.span(u, *n),
            },
            Some(n) => Binding::Named {
                name: p.text(u, *n).to_string(),
                span: p.span(u, *n),
            },
            None => Binding::None,
        };
        match api {
            TracingApi::OpenTracingStartSpan => (Binding::None, bind(lefts.first())),
            // `span, ctx := opentracing.StartSpanFromContext(…)`
            TracingApi::OpenTracingFromContext if lefts.len() == 2 => {
                (bind(lefts.get(1)), bind(lefts.first()))
            }
            _ if lefts.len() == 2 => (bind(lefts.first()), bind(lefts.get(1))),
            _ => (Binding::None, Binding::None),
        }
    }

    /// S506: the returned context is `_` or never used, and a later call
    /// passes the parent context variable: that call.
    fn parent_reuse(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        ctx_arg: &CtxArg,
        ctx_out: &Binding,
    ) -> Option<Span> {
        let p = self.pkg;
        let CtxArg::Named { name: parent, .. } = ctx_arg else {
            return None;
        };
        let body = site.chain.last()?.child_by_field_id(FIELDS.body)?;
        let after = |n: &Node<'t>| n.start_byte() >= call.end_byte();
        match ctx_out {
            Binding::Blank { .. } => {}
            Binding::Named { name, .. } if name != parent => {
                let used = descendants(body)
                    .filter(after)
                    .any(|n| n.kind() == "identifier" && p.text(site.unit, n) == name);
                if used {
                    return None;
                }
            }
            _ => return None,
        }
        descendants(body)
            .filter(after)
            .filter(|n| n.kind() == "call_expression")
            .find(|c| {
                call_args(*c).iter().any(|a| {
                    let a = unparen(*a);
                    a.kind() == "identifier" && p.text(site.unit, a) == parent
                })
            })
            .map(|c| p.span(site.unit, c))
    }

    /// Parameters and locals declared before the start in the function
    /// chain, and `x.Field` selectors on them anywhere in the innermost function.
    fn scope_vars(&self, site: Site<'_, 't>, call: Node<'t>) -> Vec<ScopeVar> {
        let p = self.pkg;
        let u = site.unit;
        let mut out: Vec<ScopeVar> = Vec::new();
        let push = |name: &str, span: Span, out: &mut Vec<ScopeVar>| {
            if name != "_" && !out.iter().any(|v| v.name == name) {
                out.push(ScopeVar {
                    name: name.to_string(),
                    span,
                });
            }
        };
        for f in site.chain {
            for field in ["receiver", "parameters"] {
                for decl in f
                    .child_by_field_name(field)
                    .map(named_children)
                    .unwrap_or_default()
                {
                    let mut cursor = decl.walk();
                    for n in decl.children_by_field_name("name", &mut cursor) {
                        push(p.text(u, n), p.span(u, n), &mut out);
                    }
                }
            }
            let scope = p.scope(u, *f);
            let mut locals: Vec<(&str, Node<'t>)> = scope
                .locals
                .iter()
                .filter(|(_, b)| b.decl.end_byte() <= call.start_byte())
                .map(|(n, b)| (*n, b.decl))
                .collect();
            // Names declared by one statement in name order: the scope's
            // map has no order of its own.
            locals.sort_by_key(|(n, d)| (d.start_byte(), *n));
            for (name, decl) in locals {
                push(name, p.span(u, decl), &mut out);
            }
        }
        let vars: Vec<String> = out.iter().map(|v| v.name.clone()).collect();
        let Some(body) = site
            .chain
            .last()
            .and_then(|f| f.child_by_field_id(FIELDS.body))
        else {
            return out;
        };
        for n in descendants(body) {
            if n.kind() != "selector_expression" {
                continue;
            }
            let is_callee = n.parent().is_some_and(|c| {
                c.kind() == "call_expression"
                    && c.child_by_field_id(FIELDS.function).map(|f| f.id()) == Some(n.id())
            });
            let operand = n.child_by_field_id(FIELDS.operand);
            let on_var = operand.is_some_and(|o| {
                o.kind() == "identifier" && vars.iter().any(|v| v == p.text(u, o))
            });
            if on_var && !is_callee {
                push(p.text(u, n), p.span(u, n), &mut out);
            }
        }
        out
    }

    /// The end state for a start with no named span (returned, passed on or dropped).
    pub fn unbound_end(&self, call: Node<'t>) -> EndState {
        let mut up = call;
        while let Some(parent) = up.parent() {
            if !matches!(
                parent.kind(),
                "parenthesized_expression" | "expression_list"
            ) {
                break;
            }
            up = parent;
        }
        match up.parent().map(|n| n.kind()) {
            Some("return_statement" | "argument_list" | "keyed_element" | "literal_element") => {
                EndState::Ended
            }
            Some("expression_statement") => EndState::Discarded,
            _ => EndState::Unknown,
        }
    }
}
