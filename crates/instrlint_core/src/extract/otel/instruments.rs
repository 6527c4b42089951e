//! One instrument constructor call: kind, name and the `metric.With…` options.

use super::super::pkg::{call_args, expressions, unparen, Api};
use super::super::values::Site;
use super::Mx;
use crate::extract::kinds::FIELDS;
use crate::facts::{InstrumentKind, OtelInstrument, OtelString};
use tree_sitter::Node;

/// `Int64Counter` → (int64, observable, kind).
pub(crate) fn parse_method(method: &str) -> Option<(bool, bool, InstrumentKind)> {
    let (int64, rest) = if let Some(r) = method.strip_prefix("Int64") {
        (true, r)
    } else {
        (false, method.strip_prefix("Float64")?)
    };
    let (observable, rest) = match rest.strip_prefix("Observable") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let kind = match rest {
        "Counter" => InstrumentKind::Counter,
        "UpDownCounter" => InstrumentKind::UpDownCounter,
        // The API has no observable histogram.
        "Histogram" if !observable => InstrumentKind::Histogram,
        "Gauge" => InstrumentKind::Gauge,
        _ => return None,
    };
    Some((int64, observable, kind))
}

impl<'p, 't> Mx<'p, 't> {
    /// The instrument a call creates, when it is a constructor on a meter.
    pub fn instrument(&self, site: Site<'_, 't>, call: Node<'t>) -> Option<OtelInstrument> {
        let p = self.pkg;
        let f = call.child_by_field_id(FIELDS.function)?;
        if f.kind() != "selector_expression" {
            return None;
        }
        let method = p.text(site.unit, f.child_by_field_id(FIELDS.field)?);
        let (int64, observable, kind) = parse_method(method)?;
        if !self.meter_expr(site, f.child_by_field_id(FIELDS.operand)?, 0) {
            return None;
        }
        let args = call_args(call);
        let mut inst = OtelInstrument {
            call: p.span(site.unit, call),
            method: method.to_string(),
            kind,
            int64,
            observable,
            name: args.first().map(|a| self.string_arg(site, *a)),
            unit: None,
            description: None,
            buckets: None,
            opaque_options: false,
            stored_as: stored_as(self, site.unit, call),
        };
        for opt in args.iter().skip(1).map(|o| unparen(*o)) {
            let first = call_args(opt).first().copied();
            match p.api_call(site, opt, Api::OtelMetric) {
                Some("WithUnit") => inst.unit = first.map(|a| self.string_arg(site, a)),
                Some("WithDescription") => {
                    inst.description = first.map(|a| self.string_arg(site, a))
                }
                Some("WithExplicitBucketBoundaries") => inst.buckets = Some(p.span(site.unit, opt)),
                Some(_) => {}
                None => inst.opaque_options = true,
            }
        }
        Some(inst)
    }

    fn string_arg(&self, site: Site<'_, 't>, a: Node<'t>) -> OtelString {
        let mut decl = None;
        let value = self.pkg.fold_str(site, a, 0, &mut decl).into_value();
        OtelString {
            value,
            span: self.pkg.span(site.unit, a),
            decl,
        }
    }
}

/// The name the constructor's first result is assigned to: `reqs, err :=
/// meter.Int64Counter(…)`, `var reqs, _ = …`, `s.latency, err = …` → `latency`.
fn stored_as(mx: &Mx<'_, '_>, unit: usize, call: Node<'_>) -> Option<String> {
    let mut parent = call.parent()?;
    if parent.kind() == "expression_list" {
        if expressions(parent).len() != 1 {
            return None;
        }
        parent = parent.parent()?;
    }
    let first = match parent.kind() {
        "short_var_declaration" | "assignment_statement" => {
            *expressions(parent.child_by_field_id(FIELDS.left)?).first()?
        }
        "var_spec" => parent.child_by_field_id(FIELDS.name)?,
        _ => return None,
    };
    let name = match first.kind() {
        "identifier" => first,
        "selector_expression" => first.child_by_field_id(FIELDS.field)?,
        _ => return None,
    };
    let text = mx.pkg.units[unit].src.text.get(name.byte_range())?;
    (text != "_").then(|| text.to_string())
}
