//! Recognising meters: `otel.Meter(…)`, `provider.Meter(…)`, and variables,
//! parameters and fields that hold one or are typed `metric.Meter`.

use super::super::pkg::{expressions, named_children, unparen, Api};
use super::super::values::Site;
use super::Mx;
use crate::extract::kinds::FIELDS;
use tree_sitter::Node;

/// Follow-through limit for meter variables.
const MAX_FOLLOW: u32 = 8;

impl<'p, 't> Mx<'p, 't> {
    /// An expression that yields a meter.
    pub fn meter_expr(&self, site: Site<'_, 't>, n: Node<'t>, depth: u32) -> bool {
        let p = self.pkg;
        if depth > MAX_FOLLOW {
            return false;
        }
        let n = unparen(n);
        match n.kind() {
            "call_expression" => {
                let Some(f) = n.child_by_field_id(FIELDS.function) else {
                    return false;
                };
                if p.prom_member(site, f, Api::Otel) == Some("Meter") || self.returns_meter(site, f)
                {
                    return true;
                }
                if f.kind() != "selector_expression" {
                    return false;
                }
                let is_meter = f
                    .child_by_field_id(FIELDS.field)
                    .is_some_and(|m| p.text(site.unit, m) == "Meter");
                let operand_is_import = f
                    .child_by_field_id(FIELDS.operand)
                    .filter(|o| o.kind() == "identifier")
                    .is_some_and(|o| p.import_api(site.unit, p.text(site.unit, o)).is_some());
                // `provider.Meter(…)`, `otel.GetMeterProvider().Meter(…)`.
                let otel_file = p.imports_api(site.unit, Api::OtelMetric)
                    || p.imports_api(site.unit, Api::Otel);
                is_meter && !operand_is_import && otel_file
            }
            "identifier" => {
                if let Some((unit, ty)) = p.declared_type(site, n) {
                    if is_meter_type(self, unit, ty) {
                        return true;
                    }
                }
                match p.follow(site, n) {
                    Some(t) => self.meter_expr(t.site, t.value, depth + 1),
                    None => false,
                }
            }
            "selector_expression" => {
                let Some(field) = n.child_by_field_id(FIELDS.field) else {
                    return false;
                };
                let operand_is_import = n
                    .child_by_field_id(FIELDS.operand)
                    .filter(|o| o.kind() == "identifier")
                    .is_some_and(|o| p.import_api(site.unit, p.text(site.unit, o)).is_some());
                !operand_is_import && self.meter_fields.contains(p.text(site.unit, field))
            }
            _ => false,
        }
    }

    /// `meter()`: a package function declared to return `metric.Meter`.
    fn returns_meter(&self, site: Site<'_, 't>, f: Node<'t>) -> bool {
        let p = self.pkg;
        if f.kind() != "identifier" {
            return false;
        }
        let name = p.text(site.unit, f);
        if p.is_shadowed(site, name, f.start_byte()) {
            return false;
        }
        let Some(d) = p.decl(name).filter(|d| !d.ambiguous) else {
            return false;
        };
        d.spec.kind() == "function_declaration"
            && d.spec
                .child_by_field_id(FIELDS.result)
                .is_some_and(|r| is_meter_type(self, d.unit, r))
    }

    /// Collects struct fields that hold meters: declared `metric.Meter`,
    /// initialised in a literal (`Meter: otel.Meter("x")`) or assigned
    /// (`s.meter = provider.Meter("x")`).
    pub fn index_fields(&self, site: Site<'_, 't>, n: Node<'t>, out: &mut Vec<&'t str>) {
        let p = self.pkg;
        match n.kind() {
            "field_declaration" => {
                let Some(ty) = n.child_by_field_id(FIELDS.type_) else {
                    return;
                };
                if is_meter_type(self, site.unit, ty) {
                    let mut cursor = n.walk();
                    for name in n.children_by_field_name("name", &mut cursor) {
                        out.push(p.text(site.unit, name));
                    }
                }
            }
            "keyed_element" => {
                let (Some(k), Some(v)) = (
                    n.child_by_field_id(FIELDS.key),
                    n.child_by_field_id(FIELDS.value),
                ) else {
                    return;
                };
                let key = named_children(k).first().copied().unwrap_or(k);
                let value = named_children(v).first().copied().unwrap_or(v);
                let is_name = matches!(key.kind(), "identifier" | "field_identifier");
                if is_name && self.meter_expr(site, value, 0) {
                    out.push(p.text(site.unit, key));
                }
            }
            "assignment_statement" => {
                let lefts = n
                    .child_by_field_id(FIELDS.left)
                    .map(expressions)
                    .unwrap_or_default();
                let rights = n
                    .child_by_field_id(FIELDS.right)
                    .map(expressions)
                    .unwrap_or_default();
                if lefts.len() != rights.len() {
                    return;
                }
                for (l, r) in lefts.iter().zip(&rights) {
                    if l.kind() != "selector_expression" {
                        continue;
                    }
                    if let Some(field) = l.child_by_field_id(FIELDS.field) {
                        if self.meter_expr(site, *r, 0) {
                            out.push(p.text(site.unit, field));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// `metric.Meter` (the interface; a pointer to it is not a meter).
fn is_meter_type<'t>(mx: &Mx<'_, 't>, unit: usize, ty: Node<'t>) -> bool {
    matches!(
        mx.pkg.qualified_type(unit, ty),
        Some((Api::OtelMetric, "Meter", false))
    )
}
