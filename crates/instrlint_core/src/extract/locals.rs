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

impl<'t> FuncScope<'t> {
    /// `func_node` is a `function_declaration`, `method_declaration` or `func_literal`.
    pub fn build(func_node: Node<'t>, text: &'t str) -> Self {
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
        let mut assigned: HashMap<&'t str, u32> = HashMap::new();
        // Every node of the body in source order, with whether it sits in a
        // function literal (names declared there are not this function's).
        let k = &*KINDS;
        let mut cursor = body.walk();
        let mut depth = 0usize;
        // Depth of the outermost function literal the walk is inside.
        let mut literal_at: Option<usize> = None;
        loop {
            let n = cursor.node();
            let nested = literal_at.is_some_and(|d| d < depth);
            let kind = n.kind_id();
            if !n.is_named() {
                // Anonymous tokens declare and assign nothing.
            } else if kind == k.short_var_declaration {
                if !nested {
                    scope.declare(
                        n,
                        n.child_by_field_id(FIELDS.left),
                        n.child_by_field_id(FIELDS.right),
                        false,
                        t,
                    );
                }
            } else if kind == k.var_spec || kind == k.const_spec {
                if !nested {
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
                }
            } else if kind == k.range_clause {
                let is_decl = n
                    .child_by_field_id(FIELDS.right)
                    .and_then(|r| r.prev_sibling())
                    .and_then(|k| k.prev_sibling())
                    .is_some_and(|op| op.kind() == ":=");
                if let Some(left) = n.child_by_field_id(FIELDS.left) {
                    for e in expressions(left) {
                        if is_decl && !nested {
                            scope.declare_names(n, &[e], &[], false, t);
                        } else if !is_decl {
                            bump(&mut assigned, root_ident(e).map(t));
                        }
                    }
                }
            } else if kind == k.assignment_statement {
                if let Some(left) = n.child_by_field_id(FIELDS.left) {
                    for e in expressions(left) {
                        bump(&mut assigned, root_ident(e).map(t));
                    }
                }
            } else if kind == k.inc_statement || kind == k.dec_statement {
                if let Some(e) = named_children(n).first() {
                    bump(&mut assigned, root_ident(*e).map(t));
                }
            } else if kind == k.unary_expression {
                let is_addr = n
                    .child_by_field_id(FIELDS.operator)
                    .is_some_and(|o| t(o) == "&");
                if is_addr {
                    if let Some(e) = n.child_by_field_id(FIELDS.operand) {
                        bump(&mut assigned, root_ident(e).map(t));
                    }
                }
            } else if kind == k.func_literal && literal_at.is_none() {
                literal_at = Some(depth);
            }
            if cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if literal_at == Some(depth) {
                    literal_at = None;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if depth == 0 || !cursor.goto_parent() {
                    break;
                }
                depth -= 1;
            }
            if depth == 0 {
                break;
            }
        }
        for (name, count) in assigned {
            if let Some(b) = scope.locals.get_mut(name) {
                b.assigns += count;
            }
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

fn bump<'t>(counts: &mut HashMap<&'t str, u32>, name: Option<&'t str>) {
    if let Some(name) = name {
        *counts.entry(name).or_default() += 1;
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
