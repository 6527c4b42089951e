//! PromQL in Go: the query argument of the Prometheus HTTP API client
//! (`v1.API` `Query`, `QueryRange`, `QueryExemplars`), and any other string
//! literal or constant concatenation that parses as PromQL and holds a
//! function call or a range selector.
//!
//! Queries built at run time are read as templates (`promql_template`): the
//! format of `fmt.Sprintf("rate(x[%s])", w)` and concatenations of literals
//! and variables (`"rate(" + name + "[5m])"`), with each unknown value
//! replaced by a placeholder that keeps the query parseable; only names
//! written out in full are judged.
//!
//! One query per site: a constant used as an API call's argument is reported
//! at the call (with the constant's declaration as `decl`), not again at its
//! declaration; the format of a `fmt.Sprintf` is reported at the call's
//! format argument, not again as a literal. The receiver of `Query` is not type-checked: the file must
//! import `github.com/prometheus/client_golang/api/prometheus/v1` and the call
//! must pass the query as its second argument.

use super::kinds::KINDS;
use super::pkg::{call_args, unparen, Api, Pkg};
use super::values::{SVal, Site};
use crate::extract::kinds::FIELDS;
use crate::facts::{Query, QuerySource};
use crate::promql_selectors::{analyze, may_be_query};
use crate::promql_template::{analyze_template, format_pieces, Piece};
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

/// One file's PromQL sites, collected by the shared walk ([`collect_site`]).
#[derive(Default)]
pub(crate) struct Sites<'t> {
    /// Calls of an API method (only in a file using the API), with the method.
    calls: Vec<(SiteNode<'t>, &'static str)>,
    /// `….Sprintf(…)` calls: their format may be a query template.
    formats: Vec<SiteNode<'t>>,
    /// The outermost string expressions, in source order once sorted.
    strings: Vec<SiteNode<'t>>,
    /// Depth of the import declaration the walk is inside, if any: kept as
    /// the walk goes (every node, in order) so that no site scans its
    /// ancestors for one, which is quadratic on deeply nested code.
    import_depth: Option<usize>,
    /// The chain of the last site that needed one: the sites of one function
    /// share it (a chain is fixed by its innermost function).
    last_chain: Rc<Vec<Node<'t>>>,
}

/// `v1.API` methods whose second argument is a PromQL query.
const API_METHODS: &[&str] = &["Query", "QueryRange", "QueryExemplars"];

/// Whether unit `u` imports the Prometheus HTTP API client.
pub(crate) fn uses_api(pkg: &Pkg<'_>, u: usize) -> bool {
    pkg.units[u]
        .imports
        .apis
        .values()
        .any(|a| *a == Api::PromApiV1)
        || pkg.has_dot(u, Api::PromApiV1)
}

/// One walked unit's queries, read while its tree is there; which of them
/// the package reports is decided by [`merge_queries`] once every unit's
/// are known (a constant named by an API call of another file covers its
/// declaration there).
#[derive(Default)]
pub(crate) struct UnitQueries {
    /// Per API call, in order: the spans it covers and its query.
    api: Vec<(Vec<Span>, Option<Query>)>,
    /// `fmt.Sprintf` formats that read as queries, in order: the format's
    /// span, what it covers once reported, the query.
    formats: Vec<(Span, Vec<Span>, Query)>,
    /// Outermost string expressions in source order: span, the query it
    /// reads as (if any), and the names its reading looked up without
    /// finding (they count as missing only when the string is reported on).
    strings: Vec<(Span, Option<Query>, Vec<String>)>,
}

/// Reads the queries of walked unit `u` from its sites.
pub(crate) fn unit_queries<'t>(pkg: &Pkg<'t>, u: usize, mut sites: Sites<'t>) -> UnitQueries {
    let mut out = UnitQueries::default();
    for (call, method) in &sites.calls {
        out.api.push(api_query(pkg, u, call, method));
    }
    for call in &sites.formats {
        out.formats.extend(format_query(pkg, u, call));
    }
    sites.strings.sort_by_key(|s| s.node.start_byte());
    for site in &sites.strings {
        let mark = pkg.missing_mark();
        let query = literal_query(pkg, u, site);
        let missing = pkg.missing_since(mark);
        out.strings.push((pkg.span(u, site.node), query, missing));
    }
    out
}

/// The package's queries, in source order, from its walked units' (in
/// unit order): every API call's; a format unless an earlier API call or
/// format covers it; a string unless any covers it. Returns them with the
/// names the reported strings looked up without finding.
pub(crate) fn merge_queries(units: Vec<UnitQueries>) -> (Vec<Query>, Vec<String>) {
    let mut out = Vec::new();
    // Spans already covered by an API call: its arguments and the
    // declarations of the constants they name, in any file of the package.
    let mut covered: Vec<Span> = Vec::new();
    let mut strings = Vec::new();
    for unit in units {
        for (spans, query) in unit.api {
            covered.extend(spans);
            out.extend(query);
        }
        for (span, spans, query) in unit.formats {
            if covered.iter().any(|c| contains(*c, span)) {
                continue;
            }
            covered.extend(spans);
            out.push(query);
        }
        strings.extend(unit.strings);
    }
    let mut missing = Vec::new();
    for (span, query, names) in strings {
        if !covered.iter().any(|c| contains(*c, span)) {
            out.extend(query);
            missing.extend(names);
        }
    }
    out.sort_by_key(|q| (q.span.file, q.span.start, q.span.end));
    (out, missing)
}

/// The query argument of an API call: the spans it covers, and its query.
fn api_query<'t>(
    pkg: &Pkg<'t>,
    u: usize,
    call: &SiteNode<'t>,
    method: &str,
) -> (Vec<Span>, Option<Query>) {
    let Some(arg) = call_args(call.node).get(1).copied() else {
        return (Vec::new(), None);
    };
    let site = Site {
        unit: u,
        chain: &call.chain,
    };
    let mut decl = None;
    let span = pkg.span(u, arg);
    let parsed = match pkg.fold_str(site, arg, 0, &mut decl).into_value() {
        Value::Resolved(text) => analyze(&text.text).map(|a| (text.text, a)),
        _ => match template(pkg, site, arg, &mut decl) {
            Some(pieces) => analyze_template(&pieces),
            None => return (Vec::new(), None),
        },
    };
    let covered = std::iter::once(span).chain(decl).collect();
    let query = parsed.ok().map(|(text, analysis)| Query {
        text,
        span,
        decl: decl.filter(|d| !contains(*d, span)),
        source: QuerySource::ApiCall {
            method: method.to_string(),
        },
        selectors: analysis.selectors,
    });
    (covered, query)
}

/// The format of a `fmt.Sprintf` call that reads as a query template: its
/// span, what it covers once reported, and the query.
fn format_query<'t>(
    pkg: &Pkg<'t>,
    u: usize,
    call: &SiteNode<'t>,
) -> Option<(Span, Vec<Span>, Query)> {
    let site = Site {
        unit: u,
        chain: &call.chain,
    };
    let format = call_args(call.node).first().copied()?;
    let mut decl = None;
    let pieces = sprintf_pieces(pkg, site, call.node, &mut decl)?;
    let span = pkg.span(u, format);
    if !written_query(&pieces) {
        return None;
    }
    let (text, analysis) = analyze_template(&pieces).ok()?;
    if !analysis.looks_like_query() {
        return None;
    }
    let covered = std::iter::once(span).chain(decl).collect();
    let query = Query {
        text,
        span,
        decl: decl.filter(|d| !contains(*d, span)),
        source: QuerySource::GoLiteral,
        selectors: analysis.selectors,
    };
    Some((span, covered, query))
}

/// A `(` or `[` written in the template: it may hold a call or a range.
fn written_query(pieces: &[Piece]) -> bool {
    pieces
        .iter()
        .any(|p| matches!(p, Piece::Text(t) if may_be_query(t)))
}

/// `fmt.Sprintf(format, …)` with a constant format: its pieces.
fn sprintf_pieces<'t>(
    pkg: &Pkg<'t>,
    site: Site<'_, 't>,
    call: Node<'t>,
    decl: &mut Option<Span>,
) -> Option<Vec<Piece>> {
    let f = call.child_by_field_id(FIELDS.function)?;
    if pkg.prom_member(site, f, Api::Fmt) != Some("Sprintf") {
        return None;
    }
    let format = *call_args(call).first()?;
    if !known_name(pkg, site, format) {
        return None;
    }
    let SVal::Str(bytes, _) = pkg.fold_str(site, format, 0, decl) else {
        return None;
    };
    format_pieces(&String::from_utf8(bytes).ok()?)
}

/// Not a name that only an unparsed sibling file could declare: `Sprintf`
/// formats and concatenated values are looked up only in the files already
/// parsed, so that every `fmt.Sprintf(errFmt, …)` of a package does not make
/// its siblings parsed (a query is written out where the files that mention
/// a query are).
fn known_name<'t>(pkg: &Pkg<'t>, site: Site<'_, 't>, n: Node<'t>) -> bool {
    let n = unparen(n);
    if n.kind() != "identifier" {
        return true;
    }
    let name = pkg.text(site.unit, n);
    pkg.lookup_local(site, name, n.start_byte()).is_some() || pkg.declares(name)
}

/// A query built at run time, as a template: a `fmt.Sprintf` call with a
/// constant format, or a `+` concatenation of literals, constants,
/// variables and such calls. `None` when nothing in it is written out.
fn template<'t>(
    pkg: &Pkg<'t>,
    site: Site<'_, 't>,
    n: Node<'t>,
    decl: &mut Option<Span>,
) -> Option<Vec<Piece>> {
    let n = unparen(n);
    if n.kind() == "call_expression" {
        return sprintf_pieces(pkg, site, n, decl);
    }
    if n.kind() != "binary_expression" {
        return None;
    }
    let mut pieces = Vec::new();
    // Operands in source order, iteratively (concatenations nest on the left).
    let mut stack = vec![n];
    let mut steps = 0;
    while let Some(x) = stack.pop() {
        steps += 1;
        if steps > 4096 {
            return None;
        }
        let x = unparen(x);
        let is_plus = x.kind() == "binary_expression"
            && x.child_by_field_id(FIELDS.operator)
                .is_some_and(|o| o.kind() == "+");
        if is_plus {
            stack.push(x.child_by_field_id(FIELDS.right)?);
            stack.push(x.child_by_field_id(FIELDS.left)?);
            continue;
        }
        let mut scratch = None;
        if !known_name(pkg, site, x) {
            pieces.push(Piece::Hole { verb: 'v' });
            continue;
        }
        match pkg.fold_str(site, x, 0, &mut scratch) {
            SVal::Str(bytes, _) => pieces.push(Piece::Text(String::from_utf8(bytes).ok()?)),
            _ => match (x.kind() == "call_expression")
                .then(|| sprintf_pieces(pkg, site, x, &mut scratch))
                .flatten()
            {
                Some(inner) => pieces.extend(inner),
                None => pieces.push(Piece::Hole { verb: 'v' }),
            },
        }
    }
    pieces
        .iter()
        .any(|p| matches!(p, Piece::Text(_)))
        .then_some(pieces)
}

/// A string literal or concatenation that reads as a query.
fn literal_query<'t>(pkg: &Pkg<'t>, u: usize, found: &SiteNode<'t>) -> Option<Query> {
    let node = found.node;
    let site = Site {
        unit: u,
        chain: &found.chain,
    };
    let mut decl = None;
    let (text, analysis) = match pkg.fold_str(site, node, 0, &mut decl) {
        SVal::Str(bytes, _) => {
            let text = String::from_utf8(bytes).ok()?;
            if !may_be_query(&text) {
                return None;
            }
            let analysis = analyze(&text).ok()?;
            (text, analysis)
        }
        // A concatenation with values known only at run time.
        _ => {
            let pieces = template(pkg, site, node, &mut decl)?;
            if !written_query(&pieces) {
                return None;
            }
            analyze_template(&pieces).ok()?
        }
    };
    analysis.looks_like_query().then(|| Query {
        text,
        span: pkg.span(u, node),
        decl: None,
        source: QuerySource::GoLiteral,
        selectors: analysis.selectors,
    })
}

/// Records the last node of `path` (root first) when it is a call that may be
/// an API call (a method of [`API_METHODS`] in a file using the API), or an
/// outermost string expression (a literal, or a `+` concatenation holding
/// one). Import paths and struct tags are not strings of the program. Called
/// for every node of the file (`text`), in walk order; `chain` is the
/// functions around the node, outermost first.
#[inline]
pub(crate) fn collect_site<'t>(
    path: &[Node<'t>],
    chain: &[Node<'t>],
    uses_api: bool,
    text: &str,
    sites: &mut Sites<'t>,
) {
    let k = &*KINDS;
    let depth = path.len() - 1;
    let n = path[depth];
    let kind = n.kind_id();
    // A node no deeper than the import declaration is past it.
    if sites.import_depth.is_some_and(|d| d >= depth) {
        sites.import_depth = None;
    }
    if kind == k.import_declaration && sites.import_depth.is_none() {
        sites.import_depth = Some(depth);
    }
    // Only calls named like an API method keep a site (and its function
    // chain): every call of a deeply nested file would hold its own chain.
    let method = (kind == k.call_expression && uses_api)
        .then(|| api_method(text, n))
        .flatten();
    let call = method.is_some();
    let format = kind == k.call_expression && !call && is_sprintf(text, n);
    let literal = kind == k.interpreted_string_literal || kind == k.raw_string_literal;
    let concat = kind == k.binary_expression && is_plus(n);
    if !(call || format || literal || concat) {
        return;
    }
    // Inside an import declaration (the node itself is none: it is neither
    // a call, a literal nor a concatenation).
    if sites.import_depth.is_some() {
        return;
    }
    let up = &path[..depth];
    let keep = if call || format {
        true
    } else if literal {
        !in_concat(up) && up.last().is_none_or(|p| p.kind_id() != k.field_declaration)
    } else {
        !in_concat(up) && holds_string(n)
    };
    if !keep {
        return;
    }
    // Literals alone (or `+`-joined) fold without resolving a name, so they
    // need no chain (a chain per string is quadratic in nested function
    // literals).
    let chain = if literal || only_literals(n) {
        Rc::default()
    } else {
        if sites.last_chain.len() != chain.len() || sites.last_chain.last() != chain.last() {
            sites.last_chain = Rc::new(chain.to_vec());
        }
        Rc::clone(&sites.last_chain)
    };
    let site = SiteNode { node: n, chain };
    match method {
        Some(method) => sites.calls.push((site, method)),
        None if format => sites.formats.push(site),
        None => sites.strings.push(site),
    }
}

/// `x.Sprintf(…)` (the caller checks that `x` is `fmt`); `text` is the
/// call's file.
fn is_sprintf(text: &str, call: Node<'_>) -> bool {
    call.child_by_field_id(FIELDS.function)
        .filter(|f| f.kind() == "selector_expression")
        .and_then(|f| f.child_by_field_id(FIELDS.field))
        .and_then(|f| text.get(f.byte_range()))
        == Some("Sprintf")
}

/// Whether `n` is string literals joined by `+`, in parentheses or not:
/// nothing in it names a constant or variable.
fn only_literals(n: Node<'_>) -> bool {
    let k = &*KINDS;
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        let kind = x.kind_id();
        if kind == k.interpreted_string_literal || kind == k.raw_string_literal {
            continue;
        }
        if kind != k.binary_expression && kind != k.parenthesized_expression {
            return false;
        }
        let mut cursor = x.walk();
        stack.extend(x.named_children(&mut cursor));
    }
    true
}

/// Whether a node under `up` (its ancestors, root first) is an operand of a
/// `+`, possibly in parentheses.
fn in_concat(up: &[Node<'_>]) -> bool {
    let k = &*KINDS;
    for a in up.iter().rev() {
        let kind = a.kind_id();
        if kind == k.binary_expression && is_plus(*a) {
            return true;
        }
        if kind != k.parenthesized_expression {
            return false;
        }
    }
    false
}

/// `recv.Query(…)` and friends (the caller checks that the file imports the
/// v1 API package); `text` is the call's file.
fn api_method(text: &str, call: Node<'_>) -> Option<&'static str> {
    let f = call.child_by_field_id(FIELDS.function)?;
    if f.kind() != "selector_expression" {
        return None;
    }
    let name = text
        .get(f.child_by_field_id(FIELDS.field)?.byte_range())
        .unwrap_or("");
    API_METHODS.iter().find(|m| **m == name).copied()
}

fn is_plus(n: Node<'_>) -> bool {
    n.child_by_field_id(FIELDS.operator)
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
