//! Static types of simple expressions, as far as syntax shows them: declared
//! parameter and variable types, composite literals, struct fields of this
//! package's types and results of this package's functions.

use super::pkg::{named_children, unparen, Api, DeclKind, Pkg};
use super::values::{Local, Site};
use crate::extract::kinds::FIELDS;
use tree_sitter::Node;

/// Following expressions to their types gives up beyond this.
const MAX_TYPE_DEPTH: u32 = 16;

/// A type node and the file it is written in.
#[derive(Clone, Copy)]
pub(crate) struct TypeAt<'t> {
    pub unit: usize,
    pub node: Node<'t>,
}

impl<'t> Pkg<'t> {
    /// The declared type of an expression, when syntax shows it.
    pub fn type_of(&self, site: Site<'_, 't>, e: Node<'t>) -> Option<TypeAt<'t>> {
        self.type_of_at(site, e, 0)
    }

    fn type_of_at(&self, site: Site<'_, 't>, e: Node<'t>, depth: u32) -> Option<TypeAt<'t>> {
        if depth > MAX_TYPE_DEPTH {
            return None;
        }
        let e = unparen(e);
        let here = |node| {
            Some(TypeAt {
                unit: site.unit,
                node,
            })
        };
        match e.kind() {
            "identifier" => self.ident_type(site, e, depth),
            "composite_literal" => here(e.child_by_field_id(FIELDS.type_)?),
            "unary_expression" => {
                let op = self.text(site.unit, e.child_by_field_id(FIELDS.operator)?);
                if op != "&" && op != "*" {
                    return None;
                }
                self.type_of_at(site, e.child_by_field_id(FIELDS.operand)?, depth + 1)
            }
            "selector_expression" => {
                let owner =
                    self.type_of_at(site, e.child_by_field_id(FIELDS.operand)?, depth + 1)?;
                let field = self.text(site.unit, e.child_by_field_id(FIELDS.field)?);
                self.field_type(owner, field)
            }
            "call_expression" => {
                let f = e.child_by_field_id(FIELDS.function)?;
                if f.kind() != "identifier" {
                    return None;
                }
                let name = self.text(site.unit, f);
                if self.is_shadowed(site, name, f.start_byte()) {
                    return None;
                }
                let d = self.decl(name).filter(|d| !d.ambiguous)?;
                if d.spec.kind() != "function_declaration" {
                    return None;
                }
                let result = d.spec.child_by_field_id(FIELDS.result)?;
                let ty = if result.kind() == "parameter_list" {
                    let params = named_children(result);
                    if params.len() != 1 {
                        return None;
                    }
                    params[0].child_by_field_id(FIELDS.type_)?
                } else {
                    result
                };
                Some(TypeAt {
                    unit: d.unit,
                    node: ty,
                })
            }
            _ => None,
        }
    }

    fn ident_type(&self, site: Site<'_, 't>, id: Node<'t>, depth: u32) -> Option<TypeAt<'t>> {
        let name = self.text(site.unit, id);
        match self.lookup_local(site, name, id.start_byte()) {
            Some(Local::Param) => {
                // The innermost function binding the name as a parameter.
                for f in site.chain.iter().rev() {
                    let scope = self.scope(site.unit, *f);
                    if scope.binds(name, id.start_byte()) {
                        return param_type(self, site.unit, *f, name).map(|node| TypeAt {
                            unit: site.unit,
                            node,
                        });
                    }
                }
                None
            }
            Some(Local::Bound(i, b)) => {
                if b.decls != 1 {
                    return None;
                }
                if let Some(ty) = b.decl.child_by_field_id(FIELDS.type_) {
                    if b.decl.kind() == "var_spec" {
                        return Some(TypeAt {
                            unit: site.unit,
                            node: ty,
                        });
                    }
                }
                let inner = Site {
                    unit: site.unit,
                    chain: &site.chain[..=i],
                };
                self.type_of_at(inner, b.value?, depth + 1)
            }
            None => {
                let d = self.decl(name).filter(|d| !d.ambiguous)?;
                if d.kind != DeclKind::Var {
                    return None;
                }
                if let Some(ty) = d.spec.child_by_field_id(FIELDS.type_) {
                    return Some(TypeAt {
                        unit: d.unit,
                        node: ty,
                    });
                }
                self.type_of_at(Site::package(d.unit), d.value?, depth + 1)
            }
        }
    }

    /// The type of field `field` of a struct type of this package.
    fn field_type(&self, owner: TypeAt<'t>, field: &str) -> Option<TypeAt<'t>> {
        let name = self.local_type_name(owner)?;
        let d = self.decl(name).filter(|d| !d.ambiguous)?;
        if d.spec.kind() != "type_spec" {
            return None;
        }
        let st = d.spec.child_by_field_id(FIELDS.type_)?;
        if st.kind() != "struct_type" {
            return None;
        }
        let list = named_children(st)
            .into_iter()
            .find(|c| c.kind() == "field_declaration_list")?;
        for fd in named_children(list) {
            let mut cursor = fd.walk();
            let hit = fd
                .children_by_field_name("name", &mut cursor)
                .any(|n| self.text(d.unit, n) == field);
            if hit {
                return Some(TypeAt {
                    unit: d.unit,
                    node: fd.child_by_field_id(FIELDS.type_)?,
                });
            }
        }
        None
    }

    /// `T`, `*T`, `T[X]` for a type declared in this package: `T`.
    pub fn local_type_name(&self, t: TypeAt<'t>) -> Option<&'t str> {
        let mut ty = t.node;
        for _ in 0..MAX_TYPE_DEPTH {
            match ty.kind() {
                "pointer_type" | "parenthesized_type" => ty = *named_children(ty).first()?,
                "generic_type" => ty = ty.child_by_field_id(FIELDS.type_)?,
                "type_identifier" => return Some(self.text(t.unit, ty)),
                _ => return None,
            }
        }
        None
    }

    /// The type is `api.name` (pointer or not, as `ptr` says; `None`: either).
    pub fn type_is(&self, t: TypeAt<'t>, api: Api, name: &str, ptr: Option<bool>) -> bool {
        let (a, n, p) = self.type_ref(t.unit, t.node);
        a.is_some_and(|a| a.is(api)) && n == name && ptr.is_none_or(|want| want == p)
    }

    /// The expression's type is `*http.Request`, or it is `c.Request` of a gin
    /// context or `c.Request()` of an echo context.
    pub fn is_http_request(&self, site: Site<'_, 't>, e: Node<'t>) -> bool {
        let e = unparen(e);
        if let Some(t) = self.type_of(site, e) {
            return self.type_is(t, Api::NetHttp, "Request", None);
        }
        let (owner, is_call) = match e.kind() {
            "selector_expression" => (Some(e), false),
            "call_expression" => (
                e.child_by_field_id(FIELDS.function)
                    .filter(|f| f.kind() == "selector_expression"),
                true,
            ),
            _ => (None, false),
        };
        let Some(sel) = owner else {
            return false;
        };
        let field = sel
            .child_by_field_id(FIELDS.field)
            .map(|f| self.text(site.unit, f));
        let Some(operand) = sel.child_by_field_id(FIELDS.operand) else {
            return false;
        };
        field == Some("Request")
            && if is_call {
                call_args_empty(e) && self.web_context(site, operand) == Some(Api::Echo)
            } else {
                self.web_context(site, operand) == Some(Api::Gin)
            }
    }

    /// `Gin` for a `*gin.Context`, `Echo` for an `echo.Context`.
    pub fn web_context(&self, site: Site<'_, 't>, e: Node<'t>) -> Option<Api> {
        let t = self.type_of(site, e)?;
        if self.type_is(t, Api::Gin, "Context", Some(true)) {
            Some(Api::Gin)
        } else if self.type_is(t, Api::Echo, "Context", Some(false)) {
            Some(Api::Echo)
        } else {
            None
        }
    }

    /// A value of type `error`: a variable named `err`, or declared `error`.
    pub fn is_error_value(&self, site: Site<'_, 't>, e: Node<'t>) -> bool {
        let e = unparen(e);
        if e.kind() == "identifier" && self.text(site.unit, e) == "err" {
            return true;
        }
        self.type_of(site, e).is_some_and(|t| {
            t.node.kind() == "type_identifier" && self.text(t.unit, t.node) == "error"
        })
    }
}

fn call_args_empty(call: Node<'_>) -> bool {
    call.child_by_field_id(FIELDS.arguments)
        .is_some_and(|a| named_children(a).is_empty())
}

/// The declared type of parameter `name` of a function node.
fn param_type<'t>(pkg: &Pkg<'t>, unit: usize, f: Node<'t>, name: &str) -> Option<Node<'t>> {
    for field in ["receiver", "parameters", "result"] {
        let Some(list) = f.child_by_field_name(field) else {
            continue;
        };
        if list.kind() != "parameter_list" {
            continue;
        }
        for p in named_children(list) {
            let mut cursor = p.walk();
            let hit = p
                .children_by_field_name("name", &mut cursor)
                .any(|n| pkg.text(unit, n) == name);
            if hit {
                return p.child_by_field_id(FIELDS.type_);
            }
        }
    }
    None
}
