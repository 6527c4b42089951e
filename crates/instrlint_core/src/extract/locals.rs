//! Names bound inside one function or function literal: parameters and local
//! declarations, with how often each name is (re)assigned anywhere in the body.

use super::kinds::KINDS;
use super::pkg::{expressions, named_children};
use crate::extract::kinds::FIELDS;
use std::collections::HashMap;
use tree_sitter::Node;

#[derive(Clone, Copy)]
pub(crate) struct Binding<'t> {
    /// How many declarations of the name the function has (any block).
    pub decls: u32,
    /// Assignments, `++`/`--` and `&name` anywhere in the body, closures included.
    pub assigns: u32,
    /// The initial value when the declaration pairs one name with one value.
    pub value: Option<Node<'t>>,
    /// The one call whose results several names share (`a, err := f(x)`).
    pub multi: Option<Node<'t>>,
    /// The declaring statement or spec.
    pub decl: Node<'t>,
    pub is_const: bool,
}

#[derive(Default)]
pub(crate) struct FuncScope<'t> {
    pub params: Vec<&'t str>,
    pub locals: HashMap<&'t str, Binding<'t>>,
}

/// Where each name is written in one file: assignments, `++`/`--`, `&name`
/// and non-declaring `range` clauses, by the start byte of the statement.
/// Built once per file, so that counting the writes inside one function is
/// a lookup, whatever the nesting (a count per function, each walking its
/// whole body, closures included, was quadratic in nested literals).
#[derive(Default)]
pub(crate) struct Writes<'t> {
    at: HashMap<&'t str, Vec<usize>>,
}

impl<'t> Writes<'t> {
    pub fn build(root: Node<'t>, text: &'t str) -> Self {
        let t = |n: Node<'_>| text.get(n.byte_range()).unwrap_or("");
        let mut writes = Writes::default();
        let mut add = |n: Node<'t>, name: Option<Node<'t>>| {
            if let Some(name) = name {
                writes.at.entry(t(name)).or_default().push(n.start_byte());
            }
        };
        let k = &*KINDS;
        let mut cursor = root.walk();
        loop {
            if super::budget::over() {
                break;
            }
            let n = cursor.node();
            let kind = n.kind_id();
            if kind == k.range_clause {
                let is_decl = range_declares(n);
                if let (false, Some(left)) = (is_decl, n.child_by_field_id(FIELDS.left)) {
                    for e in expressions(left) {
                        add(n, root_ident(e));
                    }
                }
            } else if kind == k.assignment_statement {
                if let Some(left) = n.child_by_field_id(FIELDS.left) {
                    for e in expressions(left) {
                        add(n, root_ident(e));
                    }
                }
            } else if kind == k.inc_statement || kind == k.dec_statement {
                if let Some(e) = named_children(n).first() {
                    add(n, root_ident(*e));
                }
            } else if kind == k.unary_expression {
                let is_addr = n
                    .child_by_field_id(FIELDS.operator)
                    .is_some_and(|o| t(o) == "&");
                if is_addr {
                    if let Some(e) = n.child_by_field_id(FIELDS.operand) {
                        add(n, root_ident(e));
                    }
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break;
                }
            }
            if cursor.node() == root {
                break;
            }
        }
        for v in writes.at.values_mut() {
            v.sort_unstable();
        }
        writes
    }

    /// Writes of `name` starting inside `node`.
    fn count(&self, name: &str, node: Node<'_>) -> u32 {
        let Some(at) = self.at.get(name) else {
            return 0;
        };
        let from = at.partition_point(|p| *p < node.start_byte());
        let to = at.partition_point(|p| *p < node.end_byte());
        (to - from) as u32
    }
}

impl<'t> FuncScope<'t> {
    /// `func_node` is a `function_declaration`, `method_declaration` or
    /// `func_literal`; `writes` are those of its file. Walks the function's
    /// own statements, not those of the function literals inside it.
    pub fn build(func_node: Node<'t>, text: &'t str, writes: &Writes<'t>) -> Self {
        let t = |n: Node<'_>| text.get(n.byte_range()).unwrap_or("");
        let mut scope = FuncScope::default();
        for field in ["receiver", "parameters", "result"] {
            let Some(list) = func_node.child_by_field_name(field) else {
                continue;
            };
            if list.kind() != "parameter_list" {
                continue;
            }
            for p in named_children(list) {
                let mut cursor = p.walk();
                let names = p.children_by_field_name("name", &mut cursor);
                for name in names.filter(|x| x.kind() == "identifier") {
                    scope.params.push(t(name));
                }
            }
        }
        let Some(body) = func_node.child_by_field_id(FIELDS.body) else {
            return scope;
        };
        // The body's own statements in source order: a function literal's
        // declarations belong to its own scope, so the walk steps over it.
        let k = &*KINDS;
        let mut cursor = body.walk();
        loop {
            if super::budget::over() {
                break;
            }
            let n = cursor.node();
            let kind = n.kind_id();
            let mut enter = n.is_named();
            if kind == k.short_var_declaration {
                scope.declare(
                    n,
                    n.child_by_field_id(FIELDS.left),
                    n.child_by_field_id(FIELDS.right),
                    false,
                    t,
                );
            } else if kind == k.var_spec || kind == k.const_spec {
                let mut c = n.walk();
                let names: Vec<Node<'t>> = n
                    .children_by_field_name("name", &mut c)
                    .filter(|x| x.kind_id() == k.identifier)
                    .collect();
                let values = n
                    .child_by_field_id(FIELDS.value)
                    .map(expressions)
                    .unwrap_or_default();
                scope.declare_names(n, &names, &values, kind == k.const_spec, t);
            } else if kind == k.range_clause {
                if let (true, Some(left)) = (range_declares(n), n.child_by_field_id(FIELDS.left)) {
                    for e in expressions(left) {
                        scope.declare_names(n, &[e], &[], false, t);
                    }
                }
            } else if kind == k.func_literal {
                enter = false;
            }
            if enter && cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break;
                }
            }
            if cursor.node() == body {
                break;
            }
        }
        for (name, b) in scope.locals.iter_mut() {
            b.assigns += writes.count(name, body);
        }
        scope
    }

    fn declare(
        &mut self,
        decl: Node<'t>,
        left: Option<Node<'t>>,
        right: Option<Node<'t>>,
        is_const: bool,
        t: impl Fn(Node<'_>) -> &'t str,
    ) {
        let names = left.map(expressions).unwrap_or_default();
        let values = right.map(expressions).unwrap_or_default();
        self.declare_names(decl, &names, &values, is_const, t);
    }

    fn declare_names(
        &mut self,
        decl: Node<'t>,
        names: &[Node<'t>],
        values: &[Node<'t>],
        is_const: bool,
        t: impl Fn(Node<'_>) -> &'t str,
    ) {
        for (i, name) in names.iter().enumerate() {
            if name.kind() != "identifier" {
                continue;
            }
            let text = t(*name);
            if text == "_" {
                continue;
            }
            let value = (values.len() == names.len()).then(|| values[i]);
            let multi = (values.len() == 1 && names.len() > 1).then(|| values[0]);
            // The walk goes in source order; the binding kept is the last
            // declaration (as the scope has always been read: a name
            // declared more than once is never followed to its value, but
            // `binds` asks whether the last declaration precedes a use).
            let binding = Binding {
                decls: 1,
                assigns: 0,
                value,
                multi,
                decl,
                is_const,
            };
            self.locals
                .entry(text)
                .and_modify(|b| {
                    *b = Binding {
                        decls: b.decls + 1,
                        ..binding
                    }
                })
                .or_insert(binding);
        }
    }

    /// The name is bound here (parameter, or a local declared before `pos`).
    pub fn binds(&self, name: &str, pos: usize) -> bool {
        self.params.contains(&name)
            || self
                .locals
                .get(name)
                .is_some_and(|b| b.decl.start_byte() < pos)
    }
}

/// The variable an assignment target writes to: `x`, `x.f`, `x[i]`, `(x)`.
pub(crate) fn root_ident(mut n: Node<'_>) -> Option<Node<'_>> {
    loop {
        match n.kind() {
            "identifier" => return Some(n),
            "selector_expression" | "index_expression" => {
                n = n.child_by_field_id(FIELDS.operand)?
            }
            "parenthesized_expression" => n = *named_children(n).first()?,
            "unary_expression" => n = n.child_by_field_id(FIELDS.operand)?,
            _ => return None,
        }
    }
}

/// Whether a `range_clause` declares its variables (`for k, v := range x`)
/// rather than assigning existing ones (`for k, v = range x`).
fn range_declares(n: Node) -> bool {
    n.child_by_field_id(FIELDS.right)
        .and_then(|r| r.prev_sibling())
        .and_then(|k| k.prev_sibling())
        .is_some_and(|op| op.kind() == ":=")
}
