//! What a metric expression names, as written (`Receiver`), and where a
//! constructed metric is stored (`Store`): the two sides `facts::link` matches.

use super::pkg::{expressions, named_children, unparen, Api, DeclKind, Pkg};
use super::values::{Local, Site};
use crate::extract::kinds::FIELDS;
use crate::facts::{Receiver, Store};
use tree_sitter::Node;

/// Local aliases (`v := s.joins`) are followed this many times.
const MAX_ALIAS: u32 = 4;

impl<'t> Pkg<'t> {
    /// The receiver of a vector or metric method call, as written.
    pub fn receiver_of(&self, site: Site<'_, 't>, e: Node<'t>) -> Receiver {
        self.receiver_at(site, e, 0)
    }

    fn receiver_at(&self, site: Site<'_, 't>, e: Node<'t>, depth: u32) -> Receiver {
        let e = unparen(e);
        match e.kind() {
            "identifier" => self.ident_receiver(site, e, depth),
            "selector_expression" => self.selector_receiver(site, e),
            "call_expression" if self.constructor(site, e).is_some() => Receiver::Definition {
                call: self.span(site.unit, e),
            },
            _ => Receiver::Unknown,
        }
    }

    fn ident_receiver(&self, site: Site<'_, 't>, id: Node<'t>, depth: u32) -> Receiver {
        let name = self.text(site.unit, id);
        match self.lookup_local(site, name, id.start_byte()) {
            Some(Local::Param) => Receiver::Unknown,
            Some(Local::Bound(i, b)) => {
                let certain = b.decls == 1 && b.assigns == 0;
                let def_call = match b.value.filter(|_| certain) {
                    Some(value) if depth < MAX_ALIAS => {
                        let inner = Site {
                            unit: site.unit,
                            chain: &site.chain[..=i],
                        };
                        match self.receiver_at(inner, value, depth + 1) {
                            Receiver::Definition { call } => Some(call),
                            Receiver::Local { def_call, .. } => def_call,
                            Receiver::Unknown => None,
                            // An alias of a package var or field: the name it aliases.
                            other => return other,
                        }
                    }
                    _ => None,
                };
                Receiver::Local {
                    name: name.to_string(),
                    def_call,
                }
            }
            None => {
                if self.import_api(site.unit, name).is_some() {
                    return Receiver::Unknown;
                }
                Receiver::PackageVar {
                    import_path: None,
                    name: name.to_string(),
                }
            }
        }
    }

    fn selector_receiver(&self, site: Site<'_, 't>, sel: Node<'t>) -> Receiver {
        let (Some(operand), Some(field)) = (
            sel.child_by_field_id(FIELDS.operand).map(unparen),
            sel.child_by_field_id(FIELDS.field),
        ) else {
            return Receiver::Unknown;
        };
        let field = self.text(site.unit, field).to_string();
        if operand.kind() == "identifier" {
            let name = self.text(site.unit, operand);
            if !self.is_shadowed(site, name, operand.start_byte()) {
                if let Some(api) = self.import_api(site.unit, name) {
                    if api.is(Api::Prometheus) || api == Api::Promauto {
                        return Receiver::Unknown;
                    }
                    return Receiver::PackageVar {
                        import_path: self.units[site.unit].imports.paths.get(name).cloned(),
                        name: field,
                    };
                }
                if self.is_literal_package_var(name) {
                    return Receiver::PackageVarField {
                        var: name.to_string(),
                        field,
                    };
                }
            }
        }
        Receiver::Field {
            type_name: self.named_type_of(site, operand),
            field,
        }
    }

    /// The name of the package type of an expression, when known.
    fn named_type_of(&self, site: Site<'_, 't>, e: Node<'t>) -> Option<String> {
        let t = self.type_of(site, e)?;
        self.local_type_name(t).map(str::to_string)
    }

    /// A package-level variable (not shadowed at this point: callers check)
    /// initialised with a struct literal (or its address).
    fn is_literal_package_var(&self, name: &str) -> bool {
        let Some(d) = self.decl(name) else {
            return false;
        };
        if d.ambiguous || d.kind != DeclKind::Var {
            return false;
        }
        d.value.is_some_and(|v| struct_literal(v).is_some())
    }

    /// Where the value of the constructor call `call` is stored. `up` are
    /// its ancestors, root first (`Node::parent` is linear in the depth).
    pub fn stores(&self, site: Site<'_, 't>, call: Node<'t>, up: &[Node<'t>]) -> Vec<Store> {
        let mut out = self.value_stores(site, call, up);
        if let [Store::Local { name }] = out.as_slice() {
            let name = name.clone();
            out.extend(self.stores_through_local(site, &name, call));
        }
        out
    }

    /// Where the value of expression `n` is stored; `up` are its ancestors.
    pub fn value_stores(&self, site: Site<'_, 't>, n: Node<'t>, up: &[Node<'t>]) -> Vec<Store> {
        let call = n;
        let mut k = up.len();
        let mut n = call;
        while k > 0 && up[k - 1].kind() == "parenthesized_expression" {
            n = up[k - 1];
            k -= 1;
        }
        if k == 0 {
            return Vec::new();
        }
        let parent = up[k - 1];
        let above = &up[..k - 1];
        match parent.kind() {
            "expression_list" => self.list_stores(site, parent, n, above.last().copied()),
            "literal_element" => self.literal_stores(site, parent, above),
            _ => Vec::new(),
        }
    }

    /// `var a = …`, `a := …`, `a = …`, `x.f = …` (several names allowed).
    fn list_stores(
        &self,
        site: Site<'_, 't>,
        list: Node<'t>,
        n: Node<'t>,
        stmt: Option<Node<'t>>,
    ) -> Vec<Store> {
        let values = expressions(list);
        let Some(idx) = values.iter().position(|v| v.id() == n.id()) else {
            return Vec::new();
        };
        let Some(stmt) = stmt else {
            return Vec::new();
        };
        let is_right = stmt
            .child_by_field_id(FIELDS.right)
            .or_else(|| stmt.child_by_field_id(FIELDS.value))
            .is_some_and(|r| r.id() == list.id());
        if !is_right {
            return Vec::new();
        }
        let targets: Vec<Node<'t>> = match stmt.kind() {
            "var_spec" => {
                let mut cursor = stmt.walk();
                stmt.children_by_field_name("name", &mut cursor)
                    .filter(|x| x.kind() == "identifier")
                    .collect()
            }
            "short_var_declaration" | "assignment_statement" => stmt
                .child_by_field_id(FIELDS.left)
                .map(expressions)
                .unwrap_or_default(),
            _ => return Vec::new(),
        };
        if targets.len() != values.len() {
            return Vec::new();
        }
        let target = targets[idx];
        let name = self.text(site.unit, target);
        match stmt.kind() {
            "var_spec" if site.chain.is_empty() => vec![Store::PackageVar {
                name: name.to_string(),
            }],
            "var_spec" | "short_var_declaration" => vec![Store::Local {
                name: name.to_string(),
            }],
            _ => {
                let is_plain = stmt
                    .child_by_field_id(FIELDS.operator)
                    .is_none_or(|o| self.text(site.unit, o) == "=");
                if is_plain {
                    self.target_stores(site, target)
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// Stores for the left side of `target = …`.
    fn target_stores(&self, site: Site<'_, 't>, target: Node<'t>) -> Vec<Store> {
        let target = unparen(target);
        match target.kind() {
            "identifier" => {
                let name = self.text(site.unit, target).to_string();
                match self.lookup_local(site, &name, target.start_byte()) {
                    Some(_) => vec![Store::Local { name }],
                    None if name == "_" => Vec::new(),
                    None => vec![Store::PackageVar { name }],
                }
            }
            "selector_expression" => {
                let (Some(operand), Some(field)) = (
                    target.child_by_field_id(FIELDS.operand).map(unparen),
                    target.child_by_field_id(FIELDS.field),
                ) else {
                    return Vec::new();
                };
                let field = self.text(site.unit, field).to_string();
                let mut out = Vec::new();
                if operand.kind() == "identifier" {
                    let name = self.text(site.unit, operand);
                    let is_pkg_var = !self.is_shadowed(site, name, operand.start_byte())
                        && self
                            .decl(name)
                            .is_some_and(|d| d.kind == DeclKind::Var && !d.ambiguous);
                    if is_pkg_var {
                        out.push(Store::PackageVarField {
                            var: name.to_string(),
                            field: field.clone(),
                        });
                    }
                }
                out.push(Store::Field {
                    type_name: self.named_type_of(site, operand),
                    field,
                });
                out
            }
            _ => Vec::new(),
        }
    }

    /// `T{field: New…}` / `&T{…}` / `struct{…}{…}`: the field, and the
    /// package variable when the literal initialises one.
    /// `up` are the ancestors of `value_elem`, root first.
    fn literal_stores(
        &self,
        site: Site<'_, 't>,
        value_elem: Node<'t>,
        up: &[Node<'t>],
    ) -> Vec<Store> {
        let n = up.len();
        if n < 3 {
            return Vec::new();
        }
        let (keyed, lit) = (up[n - 1], up[n - 3]);
        if keyed.kind() != "keyed_element" || lit.kind() != "composite_literal" {
            return Vec::new();
        }
        let is_value = keyed
            .child_by_field_id(FIELDS.value)
            .is_some_and(|v| v.id() == value_elem.id());
        let Some(key) = keyed.child_by_field_id(FIELDS.key).filter(|_| is_value) else {
            return Vec::new();
        };
        let key = named_children(key).first().copied().unwrap_or(key);
        if !matches!(key.kind(), "identifier" | "field_identifier") {
            return Vec::new();
        }
        let field = self.text(site.unit, key).to_string();
        let Some(ty) = lit.child_by_field_id(FIELDS.type_) else {
            return Vec::new();
        };
        let type_name = match ty.kind() {
            "struct_type" => None,
            "type_identifier" | "generic_type" | "pointer_type" => self
                .local_type_name(super::types::TypeAt {
                    unit: site.unit,
                    node: ty,
                })
                .map(str::to_string),
            _ => return Vec::new(),
        };
        let mut out = Vec::new();
        if let Some(var) = self.package_var_of_literal(site, lit, &up[..n - 3]) {
            out.push(Store::PackageVarField {
                var,
                field: field.clone(),
            });
        }
        if type_name.is_some() || out.is_empty() {
            out.push(Store::Field { type_name, field });
        }
        out
    }

    /// The package variable a struct literal initialises (`var m = T{…}`,
    /// `var m = &T{…}`); `up` are the literal's ancestors, root first.
    fn package_var_of_literal(
        &self,
        site: Site<'_, 't>,
        lit: Node<'t>,
        up: &[Node<'t>],
    ) -> Option<String> {
        if !site.chain.is_empty() {
            return None;
        }
        let mut k = up.len();
        let mut n = lit;
        while k > 0 && {
            let p = up[k - 1];
            p.kind() == "parenthesized_expression"
                || (p.kind() == "unary_expression"
                    && p.child_by_field_id(FIELDS.operator)
                        .is_some_and(|o| self.text(site.unit, o) == "&"))
        } {
            n = up[k - 1];
            k -= 1;
        }
        if k < 2 {
            return None;
        }
        let (spec, list) = (up[k - 2], up[k - 1]);
        if list.kind() != "expression_list" || spec.kind() != "var_spec" {
            return None;
        }
        let values = expressions(list);
        let idx = values.iter().position(|v| v.id() == n.id())?;
        let mut cursor = spec.walk();
        let names: Vec<Node<'t>> = spec
            .children_by_field_name("name", &mut cursor)
            .filter(|x| x.kind() == "identifier")
            .collect();
        (names.len() == values.len()).then(|| self.text(site.unit, names[idx]).to_string())
    }
}

/// The struct literal a value is (through `&` and parentheses), if any.
fn struct_literal(mut v: Node<'_>) -> Option<Node<'_>> {
    for _ in 0..8 {
        v = unparen(v);
        match v.kind() {
            "composite_literal" => {
                let ty = v.child_by_field_id(FIELDS.type_)?;
                return matches!(
                    ty.kind(),
                    "type_identifier" | "struct_type" | "generic_type"
                )
                .then_some(v);
            }
            "unary_expression" => v = v.child_by_field_id(FIELDS.operand)?,
            _ => return None,
        }
    }
    None
}
