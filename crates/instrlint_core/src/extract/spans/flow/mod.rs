//! S504/S505: a path summary of the function that owns a span.
//!
//! A small abstract interpretation over Go's structured statements. A path's
//! state is six flags; a program point holds the set of reachable states as
//! a 64-bit mask. Returns are checked where they happen; `break`/`continue`
//! carry their states to the loop (or labelled statement) they leave.
//! Recursion follows statement nesting and is capped ([`MAX_DEPTH`]); loops
//! iterate to a fixpoint under a global work budget. Past either limit, or on
//! `goto`, the result is [`EndState::Unknown`].

mod effects;

use super::super::pkg::{expressions, named_children, unparen, Api};
use super::super::values::Site;
use super::{descendants, Tx};
use crate::extract::kinds::FIELDS;
use crate::facts::{Binding, EndState, TracingApi, UnrecordedError};
use crate::source::Span;
use tree_sitter::Node;

const STARTED: u8 = 1;
const ENDED: u8 = 2;
/// The error was recorded (`RecordError`, or an OpenTracing error log).
const RECORDED: u8 = 4;
/// The error variable was tested `!= nil` on this path.
const ERR_NON_NIL: u8 = 8;
/// The span's status was set to an error (`SetStatus(codes.Error, …)`, an
/// OpenCensus error status, an OpenTracing `error` tag).
const STATUS: u8 = 16;
/// The span was ended by a call (not a deferred one) on this path: an error
/// returned after that is not the span's.
const FINISHED: u8 = 32;
/// How many distinct states the flags make.
const STATE_COUNT: u8 = 64;

/// Statement nesting the interpreter follows before giving up.
const MAX_DEPTH: u32 = 256;
/// Statements interpreted per span before giving up.
const BUDGET: u32 = 100_000;

type States = u64;

fn map(st: States, f: impl Fn(u8) -> u8) -> States {
    let mut out = 0;
    for c in 0..STATE_COUNT {
        if st & (1 << c) != 0 {
            out |= 1 << f(c);
        }
    }
    out
}

fn any(st: States, f: impl Fn(u8) -> bool) -> bool {
    (0..STATE_COUNT).any(|c| st & (1 << c) != 0 && f(c))
}

#[derive(Default)]
struct Out<'t> {
    normal: States,
    breaks: Vec<(Option<&'t str>, States)>,
    continues: Vec<(Option<&'t str>, States)>,
    fall: States,
}

impl<'t> Out<'t> {
    fn normal(st: States) -> Self {
        Out {
            normal: st,
            ..Out::default()
        }
    }
}

struct Flow<'a, 'p, 't> {
    tx: &'a Tx<'p, 't>,
    site: Site<'a, 't>,
    api: TracingApi,
    span: &'a str,
    /// The context returned with the span, and the result positions of the
    /// function typed `context.Context` or `*http.Request`: returning that
    /// context there hands the span to the caller, who ends it.
    ctx: Option<&'a str>,
    ctx_results: Vec<usize>,
    /// How many results the function declares.
    result_count: usize,
    start: Node<'t>,
    /// The statement list the start statement is in: a `:=` there that names
    /// the span again overwrites it (in an inner block it would shadow it).
    start_list: Option<Node<'t>>,
    returns_error: bool,
    tested: Vec<&'t str>,
    leak: Option<Span>,
    /// The first statement that overwrites the span variable with another
    /// start while the span is open.
    overwritten: Option<Span>,
    unrecorded: Vec<UnrecordedError>,
    unknown: bool,
    budget: u32,
    depth: u32,
}

impl<'p, 't> Tx<'p, 't> {
    pub fn end_state(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        api: TracingApi,
        ctx_out: &Binding,
        span_out: &Binding,
    ) -> (EndState, Vec<UnrecordedError>) {
        let ctx = match ctx_out {
            Binding::Named { name, .. } => Some(name.as_str()),
            _ => None,
        };
        let name = match span_out {
            // Discarded, unless the function hands its context out on every
            // path (`ctx, _ = trace.StartSpan(ctx, name); return ctx`).
            Binding::Blank { .. } if ctx.is_some() => {
                return match self.end_state_of(site, call, api, ctx, NO_VARIABLE) {
                    (EndState::Ended, _) => (EndState::Ended, Vec::new()),
                    _ => (EndState::Discarded, Vec::new()),
                };
            }
            Binding::Blank { .. } => return (EndState::Discarded, Vec::new()),
            Binding::None => return (self.unbound_end(call), Vec::new()),
            Binding::Named { name, .. } => name.as_str(),
        };
        self.end_state_of(site, call, api, ctx, name)
    }

    fn end_state_of(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        api: TracingApi,
        ctx: Option<&str>,
        name: &str,
    ) -> (EndState, Vec<UnrecordedError>) {
        let p = self.pkg;
        if name.contains('.') || name.contains('[') {
            // Stored in a field or map at the start.
            return (EndState::Ended, Vec::new());
        }
        if name != NO_VARIABLE && p.lookup_local(site, name, call.start_byte()).is_none() {
            // Stored in a package variable (`_, Span = tracer.Start(…)`):
            // whoever reads it later ends it.
            return (EndState::Ended, Vec::new());
        }
        let Some(func) = site.chain.last().copied() else {
            return (EndState::Unknown, Vec::new());
        };
        let Some(body) = func.child_by_field_id(FIELDS.body) else {
            return (EndState::Unknown, Vec::new());
        };
        let results = func.child_by_field_id(FIELDS.result);
        if let Some(r) = results.filter(|r| r.kind() == "parameter_list") {
            let named_result = named_children(r).into_iter().any(|d| {
                let mut cursor = d.walk();
                let hit = d
                    .children_by_field_name("name", &mut cursor)
                    .any(|n| p.text(site.unit, n) == name);
                hit
            });
            if named_result {
                return (EndState::Ended, Vec::new());
            }
        }
        let returns_error = results.is_some_and(|r| {
            let last = if r.kind() == "parameter_list" {
                named_children(r)
                    .last()
                    .and_then(|d| d.child_by_field_id(FIELDS.type_))
            } else {
                Some(r)
            };
            last.is_some_and(|t| p.text(site.unit, t) == "error")
        });
        let mut tested = Vec::new();
        for n in descendants(body) {
            if let Some((x, _)) = nil_test(p, site.unit, n) {
                tested.push(x);
            }
        }
        let (ctx_results, result_count) = match results {
            Some(r) if r.kind() == "parameter_list" => self.context_results(site.unit, r),
            Some(r) if self.carries_context(site.unit, r) => (vec![0], 1),
            Some(_) => (Vec::new(), 1),
            None => (Vec::new(), 0),
        };
        let mut flow = Flow {
            tx: self,
            site,
            api,
            span: name,
            ctx,
            ctx_results,
            result_count,
            start: call,
            start_list: statement_list_of(call),
            returns_error,
            tested,
            leak: None,
            overwritten: None,
            unrecorded: Vec::new(),
            unknown: false,
            budget: BUDGET,
            depth: 0,
        };
        let out = flow.exec(body, 1, None);
        if flow.leak.is_none() && any(out.normal, |c| c & STARTED != 0 && c & ENDED == 0) {
            let end = body.end_byte() as u32;
            flow.leak = Some(Span::new(
                p.units[site.unit].src.id,
                end.saturating_sub(1),
                end,
            ));
        }
        let state = if flow.unknown {
            EndState::Unknown
        } else if let Some(escape) = flow.leak {
            EndState::Leaks { escape }
        } else if let Some(at) = flow.overwritten {
            EndState::Overwritten { at }
        } else {
            EndState::Ended
        };
        let unrecorded = if flow.unknown {
            Vec::new()
        } else {
            flow.unrecorded
        };
        (state, unrecorded)
    }
}

/// The statements of a block (its `statement_list` flattened).
fn statements(n: Node<'_>) -> Vec<Node<'_>> {
    named_children(n)
        .into_iter()
        .flat_map(|c| {
            if c.kind() == "statement_list" {
                named_children(c)
            } else {
                vec![c]
            }
        })
        .collect()
}

/// A span variable no identifier can name: the flow of a span that has none.
const NO_VARIABLE: &str = "\u{0}";

impl<'p, 't> Tx<'p, 't> {
    /// `context.Context` or `*http.Request`.
    fn carries_context(&self, unit: usize, ty: Node<'t>) -> bool {
        matches!(
            self.pkg.qualified_type(unit, ty),
            Some((Api::Context, "Context", false) | (Api::NetHttp, "Request", true))
        )
    }

    /// Positions of the results typed `context.Context` or `*http.Request`,
    /// and how many results there are.
    fn context_results(&self, unit: usize, list: Node<'t>) -> (Vec<usize>, usize) {
        let mut out = Vec::new();
        let mut i = 0;
        for d in named_children(list) {
            let mut cursor = d.walk();
            let names = d.children_by_field_name("name", &mut cursor).count().max(1);
            let carries = d
                .child_by_field_id(FIELDS.type_)
                .is_some_and(|t| self.carries_context(unit, t));
            if carries {
                out.extend(i..i + names);
            }
            i += names;
        }
        (out, i)
    }
}

/// The list of statements the statement holding `call` is in.
fn statement_list_of(call: Node<'_>) -> Option<Node<'_>> {
    let mut n = call;
    for _ in 0..MAX_DEPTH {
        let parent = n.parent()?;
        if matches!(parent.kind(), "block" | "statement_list") {
            return Some(parent);
        }
        if matches!(
            parent.kind(),
            "func_literal" | "function_declaration" | "method_declaration"
        ) {
            return None;
        }
        n = parent;
    }
    None
}

/// `x != nil` / `x == nil` → (`x`, is `!=`).
fn nil_test<'t>(p: &super::super::pkg::Pkg<'t>, u: usize, n: Node<'t>) -> Option<(&'t str, bool)> {
    if n.kind() != "binary_expression" {
        return None;
    }
    let op = p.text(u, n.child_by_field_id(FIELDS.operator)?);
    if op != "!=" && op != "==" {
        return None;
    }
    let l = unparen(n.child_by_field_id(FIELDS.left)?);
    let r = unparen(n.child_by_field_id(FIELDS.right)?);
    let (x, nil) = if r.kind() == "nil" || p.text(u, r) == "nil" {
        (l, r)
    } else {
        (r, l)
    };
    if x.kind() != "identifier" || p.text(u, nil) != "nil" {
        return None;
    }
    Some((p.text(u, x), op == "!="))
}

impl<'a, 'p, 't> Flow<'a, 'p, 't> {
    fn text(&self, n: Node<'_>) -> &'t str {
        self.tx.pkg.text(self.site.unit, n)
    }

    fn exec(&mut self, n: Node<'t>, st: States, label: Option<&'t str>) -> Out<'t> {
        if st == 0 || self.unknown {
            return Out::default();
        }
        if self.budget == 0 || self.depth >= MAX_DEPTH || crate::extract::budget::over() {
            self.unknown = true;
            return Out::default();
        }
        self.budget -= 1;
        self.depth += 1;
        let out = self.exec_inner(n, st, label);
        self.depth -= 1;
        out
    }

    fn exec_inner(&mut self, n: Node<'t>, st: States, label: Option<&'t str>) -> Out<'t> {
        match n.kind() {
            "block" | "statement_list" => self.exec_list(&statements(n), st),
            "labeled_statement" => {
                let l = n.child_by_field_id(FIELDS.label).map(|l| self.text(l));
                let Some(inner) = named_children(n)
                    .into_iter()
                    .find(|c| c.kind() != "label_name")
                else {
                    return Out::normal(st);
                };
                let mut out = self.exec(inner, st, l);
                let (mine, rest): (Vec<_>, Vec<_>) = out
                    .breaks
                    .into_iter()
                    .partition(|(b, _)| b.is_some() && *b == l);
                out.breaks = rest;
                out.normal |= mine.iter().fold(0, |a, (_, s)| a | s);
                out
            }
            "if_statement" => {
                let mut st = st;
                if let Some(init) = n.child_by_field_id(FIELDS.initializer) {
                    st = self.simple(init, st);
                }
                let (yes, no) = match n.child_by_field_id(FIELDS.condition) {
                    Some(c) => {
                        let st = self.effects(c, st);
                        self.split(c, st)
                    }
                    None => (st, st),
                };
                let mut out = match n.child_by_field_id(FIELDS.consequence) {
                    Some(c) => self.exec_body(c, yes),
                    None => Out::normal(yes),
                };
                let other = match n.child_by_field_id(FIELDS.alternative) {
                    Some(a) => self.exec(a, no, None),
                    None => Out::normal(no),
                };
                out.merge(other);
                out
            }
            "for_statement" => self.exec_for(n, st, label),
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                self.exec_switch(n, st, label)
            }
            "return_statement" => {
                self.ret(n, st);
                Out::default()
            }
            "break_statement" | "continue_statement" => {
                let l = named_children(n).first().map(|l| self.text(*l));
                let mut out = Out::default();
                if n.kind() == "break_statement" {
                    out.breaks.push((l, st));
                } else {
                    out.continues.push((l, st));
                }
                out
            }
            "goto_statement" => {
                self.unknown = true;
                Out::default()
            }
            "fallthrough_statement" => Out {
                fall: st,
                ..Out::default()
            },
            "go_statement" | "defer_statement" => Out::normal(self.effects(n, st)),
            "expression_statement" => {
                let st = self.simple(n, st);
                if self.terminates(n) {
                    Out::default()
                } else {
                    Out::normal(st)
                }
            }
            "empty_statement" | "comment" => Out::normal(st),
            _ => Out::normal(self.simple(n, st)),
        }
    }

    /// A block's statements, without a nesting level of its own.
    fn exec_body(&mut self, n: Node<'t>, st: States) -> Out<'t> {
        if n.kind() == "block" {
            self.exec_list(&statements(n), st)
        } else {
            self.exec(n, st, None)
        }
    }

    fn exec_list(&mut self, stmts: &[Node<'t>], st: States) -> Out<'t> {
        let mut out = Out::default();
        let mut cur = st;
        for s in stmts {
            if s.kind() == "comment" {
                continue;
            }
            let o = self.exec(*s, cur, None);
            out.breaks.extend(o.breaks);
            out.continues.extend(o.continues);
            out.fall |= o.fall;
            cur = o.normal;
        }
        out.normal = cur;
        out
    }

    fn exec_for(&mut self, n: Node<'t>, st: States, label: Option<&'t str>) -> Out<'t> {
        let mut st = st;
        let mut update = None;
        let mut bounded = false;
        for c in named_children(n) {
            match c.kind() {
                "for_clause" => {
                    if let Some(init) = c.child_by_field_id(FIELDS.initializer) {
                        st = self.simple(init, st);
                    }
                    bounded = c.child_by_field_id(FIELDS.condition).is_some();
                    update = c.child_by_field_id(FIELDS.update);
                }
                "range_clause" => {
                    st = self.simple(c, st);
                    bounded = true;
                }
                "block" => {}
                _ => bounded = true,
            }
        }
        let Some(body) = n.child_by_field_id(FIELDS.body) else {
            return Out::normal(st);
        };
        let mine = |l: &Option<&'t str>| l.is_none() || *l == label;
        let mut head = st;
        let mut exits = 0;
        let mut out = Out::default();
        loop {
            let o = self.exec_body(body, head);
            let mut back = o.normal;
            for (l, s) in o.continues {
                if mine(&l) {
                    back |= s;
                } else {
                    out.continues.push((l, s));
                }
            }
            for (l, s) in o.breaks {
                if mine(&l) {
                    exits |= s;
                } else {
                    out.breaks.push((l, s));
                }
            }
            if let Some(u) = update {
                back = self.simple(u, back);
            }
            let next = head | back;
            if next == head || self.unknown {
                break;
            }
            head = next;
        }
        out.normal = exits | if bounded { head } else { 0 };
        out
    }

    fn exec_switch(&mut self, n: Node<'t>, st: States, label: Option<&'t str>) -> Out<'t> {
        let mut st = st;
        if let Some(init) = n.child_by_field_id(FIELDS.initializer) {
            st = self.simple(init, st);
        }
        if let Some(v) = n.child_by_field_id(FIELDS.value) {
            st = self.effects(v, st);
        }
        let is_select = n.kind() == "select_statement";
        let mut out = Out::default();
        let mut has_default = false;
        let mut carry = 0;
        for case in named_children(n) {
            if !case.kind().ends_with("_case") {
                continue;
            }
            has_default |= case.kind() == "default_case";
            let mut in_st = st | carry;
            if let Some(comm) = case.child_by_field_id(FIELDS.communication) {
                in_st = self.simple(comm, in_st);
            }
            let stmts: Vec<Node<'t>> = named_children(case)
                .into_iter()
                .filter(|c| c.kind() == "statement_list")
                .flat_map(named_children)
                .collect();
            let o = self.exec_list(&stmts, in_st);
            carry = o.fall;
            out.normal |= o.normal;
            out.continues.extend(o.continues);
            for (l, s) in o.breaks {
                if l.is_none() || l == label {
                    out.normal |= s;
                } else {
                    out.breaks.push((l, s));
                }
            }
        }
        if !has_default && !is_select {
            out.normal |= st;
        }
        out
    }

    /// Splits states on an `err != nil` / `err == nil` condition.
    fn split(&self, cond: Node<'t>, st: States) -> (States, States) {
        let set = |s| map(s, |c| c | ERR_NON_NIL);
        let clear = |s| map(s, |c| c & !ERR_NON_NIL);
        match nil_test(self.tx.pkg, self.site.unit, unparen(cond)) {
            Some((_, true)) => (set(st), clear(st)),
            Some((_, false)) => (clear(st), set(st)),
            None => (st, st),
        }
    }

    /// A simple statement: its effects, then the start if it holds it.
    fn simple(&mut self, n: Node<'t>, st: States) -> States {
        let mut st = self.effects(n, st);
        if matches!(
            n.kind(),
            "assignment_statement" | "short_var_declaration" | "range_clause"
        ) {
            let assigns_tested = n
                .child_by_field_id(FIELDS.left)
                .map(expressions)
                .unwrap_or_default()
                .iter()
                .any(|l| self.tested.contains(&self.text(*l)));
            if assigns_tested {
                st = map(st, |c| c & !ERR_NON_NIL);
            }
        }
        if n.start_byte() <= self.start.start_byte() && self.start.end_byte() <= n.end_byte() {
            st = map(st, |c| STARTED | (c & ERR_NON_NIL));
        } else if self.overwrites(n) {
            if self.overwritten.is_none() && any(st, |c| c & STARTED != 0 && c & ENDED == 0) {
                self.overwritten = Some(self.tx.pkg.span(self.site.unit, n));
            }
            // The variable holds another span from here on: this one is lost.
            st = map(st, |c| c | ENDED | RECORDED | STATUS);
        }
        st
    }

    /// `ctx, span = tracer.Start(…)` (or `:=` in the start's own statement
    /// list) naming this span's variable: a new span replaces it.
    fn overwrites(&self, n: Node<'t>) -> bool {
        let redeclares = match n.kind() {
            "assignment_statement" => true,
            "short_var_declaration" => {
                n.parent().map(|p| p.id()) == self.start_list.map(|l| l.id())
            }
            _ => false,
        };
        if !redeclares {
            return false;
        }
        let names_span = n
            .child_by_field_id(FIELDS.left)
            .map(expressions)
            .unwrap_or_default()
            .iter()
            .any(|l| l.kind() == "identifier" && self.text(*l) == self.span);
        names_span
            && n.child_by_field_id(FIELDS.right)
                .map(expressions)
                .unwrap_or_default()
                .iter()
                .map(|r| unparen(*r))
                .any(|r| r.kind() == "call_expression" && self.tx.start_api(self.site, r).is_some())
    }
}

impl<'t> Out<'t> {
    fn merge(&mut self, other: Out<'t>) {
        self.normal |= other.normal;
        self.breaks.extend(other.breaks);
        self.continues.extend(other.continues);
        self.fall |= other.fall;
    }
}
