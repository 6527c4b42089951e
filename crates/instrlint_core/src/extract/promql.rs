//! PromQL in Go: the query argument of the Prometheus HTTP API client
//! (`v1.API` `Query`, `QueryRange`, `QueryExemplars`), and any other string
//! literal or constant concatenation that parses as PromQL and holds a
//! function call or a range selector.
//!
//! One query per site: a constant used as an API call's argument is reported
//! at the call (with the constant's declaration as `decl`), not again at its
//! declaration. The receiver of `Query` is not type-checked: the file must
//! import `github.com/prometheus/client_golang/api/prometheus/v1` and the call
//! must pass the query as its second argument.

use super::kinds::KINDS;
use super::pkg::{call_args, Api, Pkg};
use super::values::{SVal, Site};
use crate::facts::{Query, QuerySource};
use crate::promql_selectors::{analyze, may_be_query};
use crate::source::Span;
use crate::value::Value;
use std::rc::Rc;
use tree_sitter::Node;

/// A node found by the walk, with the functions around it (outermost
/// first). The walk carries this context down: `Node::parent` costs the
/// node's depth in tree-sitter, so climbing from every site would be
/// quadratic on deeply nested code.
struct SiteNode<'t> {
    node: Node<'t>,
    chain: Rc<Vec<Node<'t>>>,
}

/// `v1.API` methods whose second argument is a PromQL query.
const API_METHODS: &[&str] = &["Query", "QueryRange", "QueryExemplars"];

/// The queries of every walked file of the package, in source order.
pub(crate) fn extract_queries(pkg: &Pkg<'_>) -> Vec<Query> {
    let mut out = Vec::new();
    // Spans already covered by an API call: its arguments and the
    // declarations of the constants they name, in any file of the package.
    let mut covered: Vec<Span> = Vec::new();
    let mut strings = Vec::new();
    for u in 0..pkg.units.len() {
        if !pkg.units[u].walk {
            continue;
        }
        let uses_api = pkg.units[u].imports.values().any(|a| *a == Api::PromApiV1)
            || pkg.has_dot(u, Api::PromApiV1);
        let mut calls = Vec::new();
        let mut unit_strings = Vec::new();
        collect_sites(pkg.units[u].root, uses_api, &mut calls, &mut unit_strings);
        for call in &calls {
            api_query(pkg, u, call, &mut covered, &mut out);
        }
        strings.extend(unit_strings.into_iter().map(|n| (u, n)));
    }
    for (u, site) in &strings {
        let span = pkg.span(*u, site.node);
        if !covered.iter().any(|c| contains(*c, span)) {
            literal_query(pkg, *u, site, &mut out);
        }
    }
    out.sort_by_key(|q| (q.span.file, q.span.start, q.span.end));
    out
}

/// The query argument of an API call.
fn api_query<'t>(
    pkg: &Pkg<'t>,
    u: usize,
    call: &SiteNode<'t>,
    covered: &mut Vec<Span>,
    out: &mut Vec<Query>,
) {
    let Some(method) = api_method(pkg, u, call.node) else {
        return;
    };
    let Some(arg) = call_args(call.node).get(1).copied() else {
        return;
    };
    let site = Site {
        unit: u,
        chain: &call.chain,
    };
    let mut decl = None;
    let Value::Resolved(text) = pkg.fold_str(site, arg, 0, &mut decl).into_value() else {
        return;
    };
    let span = pkg.span(u, arg);
    covered.push(span);
    covered.extend(decl);
    if let Ok(analysis) = analyze(&text.text) {
        out.push(Query {
            text: text.text,
            span,
            decl: decl.filter(|d| !contains(*d, span)),
            source: QuerySource::ApiCall {
                method: method.to_string(),
            },
            selectors: analysis.selectors,
        });
    }
}

/// A string literal or concatenation that reads as a query.
fn literal_query<'t>(pkg: &Pkg<'t>, u: usize, found: &SiteNode<'t>, out: &mut Vec<Query>) {
    let node = found.node;
    let site = Site {
        unit: u,
        chain: &found.chain,
    };
    let mut decl = None;
    let SVal::Str(bytes, _) = pkg.fold_str(site, node, 0, &mut decl) else {
        return;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return;
    };
    if !may_be_query(&text) {
        return;
    }
    let Ok(analysis) = analyze(&text) else {
        return;
    };
    if analysis.looks_like_query() {
        out.push(Query {
            text,
            span: pkg.span(u, node),
            decl: None,
            source: QuerySource::GoLiteral,
            selectors: analysis.selectors,
        });
    }
}

/// Call expressions that may be API calls, and the outermost string
/// expressions (a literal, or a `+` concatenation holding one). Import paths
/// and struct tags are not strings of the program.
fn collect_sites<'t>(
    root: Node<'t>,
    uses_api: bool,
    calls: &mut Vec<SiteNode<'t>>,
    strings: &mut Vec<SiteNode<'t>>,
) {
    let k = &*KINDS;
    // (node, functions around it, operand of a `+`, child of a field declaration)
    let mut stack = vec![(root, Rc::new(Vec::new()), false, false)];
    let mut cursor = root.walk();
    let mut children: Vec<Node<'t>> = Vec::new();
    while let Some((n, chain, in_concat, in_field)) = stack.pop() {
        let site = || SiteNode {
            node: n,
            chain: Rc::clone(&chain),
        };
        let kind = n.kind_id();
        let plus = kind == k.binary_expression && is_plus(n);
        if kind == k.import_declaration {
            continue;
        } else if kind == k.call_expression && uses_api {
            calls.push(site());
        } else if kind == k.interpreted_string_literal || kind == k.raw_string_literal {
            if !in_concat && !in_field {
                strings.push(site());
            }
            continue;
        } else if plus && !in_concat && holds_string(n) {
            strings.push(site());
        }
        let inner = if kind == k.function_declaration
            || kind == k.method_declaration
            || kind == k.func_literal
        {
            let mut c = (*chain).clone();
            c.push(n);
            Rc::new(c)
        } else {
            chain
        };
        let child_concat = plus || (in_concat && kind == k.parenthesized_expression);
        let child_field = kind == k.field_declaration;
        children.extend(n.named_children(&mut cursor));
        stack.extend(
            children
                .drain(..)
                .rev()
                .map(|c| (c, Rc::clone(&inner), child_concat, child_field)),
        );
    }
    strings.sort_by_key(|s| s.node.start_byte());
}

/// `recv.Query(…)` and friends, in a file importing the v1 API package.
fn api_method<'t>(pkg: &Pkg<'t>, u: usize, call: Node<'t>) -> Option<&'t str> {
    let f = call.child_by_field_name("function")?;
    if f.kind() != "selector_expression" {
        return None;
    }
    let name = pkg.text(u, f.child_by_field_name("field")?);
    API_METHODS.contains(&name).then_some(name)
}

fn is_plus(n: Node<'_>) -> bool {
    n.child_by_field_name("operator")
        .is_some_and(|o| o.kind() == "+")
}

fn holds_string(n: Node<'_>) -> bool {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "interpreted_string_literal" | "raw_string_literal" => return true,
            "binary_expression" | "parenthesized_expression" => {
                let mut cursor = n.walk();
                stack.extend(n.named_children(&mut cursor));
            }
            _ => {}
        }
    }
    false
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}
