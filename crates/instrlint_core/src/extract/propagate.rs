//! A definition held in a local and then stored elsewhere in the same
//! function (`joins := prometheus.NewCounterVec(…)` … `&metrics{joins: joins}`
//! or `m.joins = joins`): the local's later stores belong to the definition.

use super::pkg::Pkg;
use super::values::{Local, Site};
use crate::extract::kinds::FIELDS;
use crate::facts::Store;
use tree_sitter::Node;

impl<'t> Pkg<'t> {
    /// Stores of the local `name` that holds the constructor call `call`,
    /// when the local certainly holds it (declared once, never reassigned).
    /// Closures inside the function are not searched.
    pub fn stores_through_local(
        &self,
        site: Site<'_, 't>,
        name: &str,
        call: Node<'t>,
    ) -> Vec<Store> {
        let Some(Local::Bound(i, b)) = self.lookup_local(site, name, call.end_byte() + 1) else {
            return Vec::new();
        };
        if b.decls != 1 || b.assigns != 0 || i + 1 != site.chain.len() {
            return Vec::new();
        }
        let Some(body) = site.chain[i].child_by_field_id(FIELDS.body) else {
            return Vec::new();
        };
        let after = b.decl.end_byte();
        let mut out: Vec<Store> = Vec::new();
        let mut cursor = body.walk();
        let mut path: Vec<Node<'t>> = vec![body];
        loop {
            let node = cursor.node();
            let descend = node.kind() != "func_literal" && node.end_byte() > after;
            if node.kind() == "identifier"
                && node.start_byte() >= after
                && self.text(site.unit, node) == name
            {
                let up = &path[..path.len() - 1];
                for s in self.value_stores(site, node, up) {
                    if !matches!(s, Store::Local { .. }) && !out.contains(&s) {
                        out.push(s);
                    }
                }
            }
            if descend && cursor.goto_first_child() {
                path.push(cursor.node());
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    if let Some(last) = path.last_mut() {
                        *last = cursor.node();
                    }
                    break;
                }
                if path.len() <= 1 || !cursor.goto_parent() {
                    return out;
                }
                path.pop();
            }
        }
    }
}
