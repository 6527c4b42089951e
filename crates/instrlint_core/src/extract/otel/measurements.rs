//! Measurement options: `metric.WithAttributes(kv...)` and
//! `metric.WithAttributeSet(attribute.NewSet(kv...))`, with their keys and
//! the `Add`/`Record`/`Observe…` call they are passed to.

use super::super::pkg::{call_args, named_children, unparen, Api};
use super::super::values::Site;
use super::Mx;
use crate::extract::kinds::FIELDS;
use crate::facts::{MeasurementAttribute, MeasurementCall, MeasurementOption, OtelMeasurement};
use tree_sitter::Node;

/// Follow-through limit for attribute variables.
const MAX_FOLLOW: u32 = 4;

impl<'p, 't> Mx<'p, 't> {
    pub fn measurement(&self, site: Site<'_, 't>, call: Node<'t>) -> Option<OtelMeasurement> {
        let p = self.pkg;
        let via = match p.api_call(site, call, Api::OtelMetric)? {
            "WithAttributes" => MeasurementOption::WithAttributes,
            "WithAttributeSet" => MeasurementOption::WithAttributeSet,
            _ => return None,
        };
        let mut attributes = Vec::new();
        for a in call_args(call) {
            match via {
                MeasurementOption::WithAttributes => self.keys(site, a, 0, &mut attributes),
                MeasurementOption::WithAttributeSet => self.set_keys(site, a, 0, &mut attributes),
            }
        }
        Some(OtelMeasurement {
            option: p.span(site.unit, call),
            via,
            measurement: self.measurement_call(site, call),
            attributes,
        })
    }

    /// Keys of one `WithAttributes` argument: an attribute expression, a
    /// variable holding one, or `slice...` of a slice literal.
    fn keys(
        &self,
        site: Site<'_, 't>,
        a: Node<'t>,
        depth: u32,
        out: &mut Vec<MeasurementAttribute>,
    ) {
        let p = self.pkg;
        if depth > MAX_FOLLOW {
            return;
        }
        let a = unparen(a);
        match a.kind() {
            "variadic_argument" => {
                if let Some(inner) = named_children(a).first() {
                    self.keys(site, *inner, depth + 1, out);
                }
            }
            "identifier" => {
                if let Some(t) = p.follow(site, a) {
                    self.keys(t.site, t.value, depth + 1, out);
                }
            }
            "composite_literal" if is_slice_literal(a) => {
                let Some(body) = a.child_by_field_id(FIELDS.body) else {
                    return;
                };
                for el in named_children(body) {
                    let el = named_children(el).first().copied().unwrap_or(el);
                    self.keys(site, el, depth + 1, out);
                }
            }
            _ => out.push(MeasurementAttribute {
                key: self.tx.attribute_key(site, a, 0),
                span: p.span(site.unit, a),
            }),
        }
    }

    /// Keys of a `WithAttributeSet` argument: `attribute.NewSet(kv...)`,
    /// directly or through a variable.
    fn set_keys(
        &self,
        site: Site<'_, 't>,
        a: Node<'t>,
        depth: u32,
        out: &mut Vec<MeasurementAttribute>,
    ) {
        let p = self.pkg;
        if depth > MAX_FOLLOW {
            return;
        }
        let a = unparen(a);
        if p.api_call(site, a, Api::OtelAttribute) == Some("NewSet") {
            for kv in call_args(a) {
                self.keys(site, kv, depth + 1, out);
            }
        } else if a.kind() == "identifier" {
            if let Some(t) = p.follow(site, a) {
                self.set_keys(t.site, t.value, depth + 1, out);
            }
        }
    }

    /// The call the option is a direct argument of, when it is a method call.
    fn measurement_call(&self, site: Site<'_, 't>, option: Node<'t>) -> Option<MeasurementCall> {
        let p = self.pkg;
        let list = option.parent().filter(|l| l.kind() == "argument_list")?;
        let call = list.parent().filter(|c| c.kind() == "call_expression")?;
        let f = call.child_by_field_id(FIELDS.function)?;
        if f.kind() != "selector_expression" {
            return None;
        }
        let method = p.text(site.unit, f.child_by_field_id(FIELDS.field)?);
        let receiver = f.child_by_field_id(FIELDS.operand).map(unparen);
        let receiver = match receiver.map(|r| (r.kind(), r)) {
            Some(("identifier", r)) => Some(p.text(site.unit, r).to_string()),
            Some(("selector_expression", r)) => r
                .child_by_field_id(FIELDS.field)
                .map(|x| p.text(site.unit, x).to_string()),
            _ => None,
        };
        Some(MeasurementCall {
            call: p.span(site.unit, call),
            method: method.to_string(),
            receiver,
            instrument: None,
        })
    }
}

fn is_slice_literal(lit: Node<'_>) -> bool {
    lit.child_by_field_id(FIELDS.type_)
        .is_some_and(|t| t.kind() == "slice_type")
}
