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

use super::pkg::{call_args, Api, Pkg};
use super::values::{SVal, Site};
use crate::facts::{Query, QuerySource};
use crate::promql_selectors::{analyze, may_be_query};
use crate::source::Span;
use crate::value::Value;
use tree_sitter::Node;

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
        for call in calls {
            api_query(pkg, u, call, &mut covered, &mut out);
        }
        strings.extend(unit_strings.into_iter().map(|n| (u, n)));
    }
    for (u, node) in strings {
        let span = pkg.span(u, node);
        if !covered.iter().any(|c| contains(*c, span)) {
            literal_query(pkg, u, node, &mut out);
        }
    }
    out.sort_by_key(|q| (q.span.file, q.span.start, q.span.end));
    out
}

/// The query argument of an API call.
fn api_query<'t>(
    pkg: &Pkg<'t>,
    u: usize,
    call: Node<'t>,
    covered: &mut Vec<Span>,
    out: &mut Vec<Query>,
) {
    let Some(method) = api_method(pkg, u, call) else {
        return;
    };
    let Some(arg) = call_args(call).get(1).copied() else {
        return;
    };
    let chain = enclosing_functions(arg);
    let site = Site {
        unit: u,
        chain: &chain,
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
fn literal_query<'t>(pkg: &Pkg<'t>, u: usize, node: Node<'t>, out: &mut Vec<Query>) {
    let chain = enclosing_functions(node);
    let site = Site {
        unit: u,
        chain: &chain,
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
/// expressions (a literal, or a `+` concatenation holding one).
fn collect_sites<'t>(
    root: Node<'t>,
    uses_api: bool,
    calls: &mut Vec<Node<'t>>,
    strings: &mut Vec<Node<'t>>,
) {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "import_declaration" => continue,
            "call_expression" if uses_api => calls.push(n),
            "interpreted_string_literal" | "raw_string_literal" => {
                if !in_concatenation(n) && !is_field_tag(n) {
                    strings.push(n);
                }
                continue;
            }
            "binary_expression" if is_plus(n) && !in_concatenation(n) && holds_string(n) => {
                strings.push(n);
            }
            _ => {}
        }
        let mut cursor = n.walk();
        let children: Vec<Node<'t>> = n.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    strings.sort_by_key(|n| n.start_byte());
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

/// The node is an operand of a `+` (through parentheses).
fn in_concatenation(n: Node<'_>) -> bool {
    let mut p = n.parent();
    while let Some(parent) = p {
        match parent.kind() {
            "parenthesized_expression" => p = parent.parent(),
            "binary_expression" => return is_plus(parent),
            _ => return false,
        }
    }
    false
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

fn is_field_tag(n: Node<'_>) -> bool {
    n.parent().is_some_and(|p| p.kind() == "field_declaration")
}

/// Functions around `n`, outermost first.
fn enclosing_functions(n: Node<'_>) -> Vec<Node<'_>> {
    let mut chain = Vec::new();
    let mut p = n.parent();
    while let Some(parent) = p {
        if matches!(
            parent.kind(),
            "function_declaration" | "method_declaration" | "func_literal"
        ) {
            chain.push(parent);
        }
        p = parent.parent();
    }
    chain.reverse();
    chain
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}
