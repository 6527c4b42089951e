//! Attribute keys set on a span: start options (`trace.WithAttributes`,
//! `opentracing.Tag{…}`, `opentracing.Tags{…}`), `span.SetAttributes`,
//! OpenCensus `span.AddAttributes` and `span.SetTag`; and
//! `ChildOf`/`FollowsFrom` references.

use super::super::pkg::{call_args, named_children, unparen, Api};
use super::super::values::Site;
use super::{descendants, Tx};
use crate::extract::kinds::FIELDS;
use crate::facts::{AttributeKey, AttributeVia};
use crate::value::{StrConst, Value};
use tree_sitter::Node;

impl<'p, 't> Tx<'p, 't> {
    /// Attribute keys and whether a reference option is present.
    pub fn start_options(
        &self,
        site: Site<'_, 't>,
        opts: &[Node<'t>],
    ) -> (Vec<AttributeKey>, bool) {
        let p = self.pkg;
        let mut keys = Vec::new();
        let mut reference = false;
        for opt in opts.iter().map(|o| unparen(*o)) {
            match p.api_call(site, opt, Api::OtelTrace) {
                Some("WithAttributes") => {
                    for a in call_args(opt) {
                        keys.push(self.attribute(site, a, AttributeVia::StartOption));
                    }
                    continue;
                }
                Some(_) => continue,
                None => {}
            }
            if matches!(
                p.api_call(site, opt, Api::OpenTracing),
                Some("ChildOf" | "FollowsFrom")
            ) || p.api_call(site, opt, Api::OpenTracingExt) == Some("RPCServerOption")
            {
                reference = true;
                continue;
            }
            if opt.kind() == "composite_literal" {
                keys.extend(self.tag_literal(site, opt));
            }
        }
        (keys, reference)
    }

    /// `opentracing.Tag{Key: k, …}` and `opentracing.Tags{k: v, …}`.
    fn tag_literal(&self, site: Site<'_, 't>, lit: Node<'t>) -> Vec<AttributeKey> {
        let p = self.pkg;
        let ty = lit
            .child_by_field_id(FIELDS.type_)
            .and_then(|t| p.qualified_type(site.unit, t));
        let Some((Api::OpenTracing, name, false)) = ty else {
            return Vec::new();
        };
        let Some(body) = lit.child_by_field_id(FIELDS.body) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for el in named_children(body) {
            if el.kind() != "keyed_element" {
                continue;
            }
            let (Some(k), Some(v)) = (
                el.child_by_field_id(FIELDS.key),
                el.child_by_field_id(FIELDS.value),
            ) else {
                continue;
            };
            let k = named_children(k).first().copied().unwrap_or(k);
            let v = named_children(v).first().copied().unwrap_or(v);
            let key = match name {
                "Tag" if p.text(site.unit, k) == "Key" => v,
                "Tags" => k,
                _ => continue,
            };
            out.push(AttributeKey {
                key: p.fold_str(site, key, 0, &mut None).into_value(),
                span: p.span(site.unit, el),
                via: AttributeVia::StartOption,
            });
        }
        out
    }

    /// The key of an attribute expression.
    fn attribute(&self, site: Site<'_, 't>, a: Node<'t>, via: AttributeVia) -> AttributeKey {
        AttributeKey {
            key: self.attribute_key(site, unparen(a), 0),
            span: self.pkg.span(site.unit, a),
            via,
        }
    }

    pub(crate) fn attribute_key(
        &self,
        site: Site<'_, 't>,
        a: Node<'t>,
        depth: u32,
    ) -> Value<StrConst> {
        let p = self.pkg;
        if depth > 8 {
            return Value::Unknown;
        }
        let fold = |n: Node<'t>, site: Site<'_, 't>| p.fold_str(site, n, 0, &mut None).into_value();
        match a.kind() {
            "call_expression" => {
                let args = call_args(a);
                match p.api_call(site, a, Api::OtelAttribute) {
                    Some("Key") => return args.first().map_or(Value::Unknown, |k| fold(*k, site)),
                    Some(_) => return args.first().map_or(Value::Unknown, |k| fold(*k, site)),
                    None => {}
                }
                // OpenCensus `trace.StringAttribute("k", v)` and friends.
                if p.api_call(site, a, Api::OcTrace)
                    .is_some_and(|m| m.ends_with("Attribute"))
                {
                    return args.first().map_or(Value::Unknown, |k| fold(*k, site));
                }
                // attribute.Key("k").String(v), keyConst.String(v)
                let Some(f) = a.child_by_field_id(FIELDS.function) else {
                    return Value::Unknown;
                };
                if f.kind() != "selector_expression" {
                    return Value::Unknown;
                }
                match f.child_by_field_id(FIELDS.operand).map(unparen) {
                    Some(o) => self.key_value(site, o, depth + 1),
                    None => Value::Unknown,
                }
            }
            "composite_literal" => {
                let Some(body) = a.child_by_field_id(FIELDS.body) else {
                    return Value::Unknown;
                };
                for el in named_children(body) {
                    let (Some(k), Some(v)) = (
                        el.child_by_field_id(FIELDS.key),
                        el.child_by_field_id(FIELDS.value),
                    ) else {
                        continue;
                    };
                    if p.text(site.unit, k) == "Key" {
                        let v = named_children(v).first().copied().unwrap_or(v);
                        return self.key_value(site, unparen(v), depth + 1);
                    }
                }
                Value::Unknown
            }
            _ => Value::Unknown,
        }
    }

    /// A `attribute.Key` value: `attribute.Key("k")`, a string, or a
    /// constant/variable holding one.
    fn key_value(&self, site: Site<'_, 't>, k: Node<'t>, depth: u32) -> Value<StrConst> {
        let p = self.pkg;
        if depth > 8 {
            return Value::Unknown;
        }
        if p.api_call(site, k, Api::OtelAttribute) == Some("Key") {
            return call_args(k).first().map_or(Value::Unknown, |a| {
                p.fold_str(site, *a, 0, &mut None).into_value()
            });
        }
        match k.kind() {
            "identifier" => match p.follow(site, k) {
                Some(t) => self.key_value(t.site, unparen(t.value), depth + 1),
                None => Value::Unknown,
            },
            "interpreted_string_literal" | "raw_string_literal" => {
                p.fold_str(site, k, 0, &mut None).into_value()
            }
            _ => Value::Unknown,
        }
    }

    /// `span.SetAttributes(…)` and `span.SetTag(k, v)` after the start in
    /// the same function.
    pub fn set_attributes(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        span: &str,
    ) -> Vec<AttributeKey> {
        let p = self.pkg;
        let Some(body) = site
            .chain
            .last()
            .and_then(|f| f.child_by_field_id(FIELDS.body))
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for n in descendants(body) {
            if n.kind() != "call_expression" || n.start_byte() < call.end_byte() {
                continue;
            }
            let Some(f) = n.child_by_field_id(FIELDS.function) else {
                continue;
            };
            if f.kind() != "selector_expression" {
                continue;
            }
            let on_span = f
                .child_by_field_id(FIELDS.operand)
                .is_some_and(|o| o.kind() == "identifier" && p.text(site.unit, o) == span);
            if !on_span {
                continue;
            }
            let method = f
                .child_by_field_id(FIELDS.field)
                .map(|m| p.text(site.unit, m));
            let args = call_args(n);
            match method {
                Some("SetAttributes" | "AddAttributes") => {
                    for a in args {
                        if a.kind() != "variadic_argument" {
                            out.push(self.attribute(site, a, AttributeVia::SetAttributes));
                        }
                    }
                }
                Some("SetTag") => {
                    if let Some(k) = args.first() {
                        out.push(AttributeKey {
                            key: p.fold_str(site, *k, 0, &mut None).into_value(),
                            span: p.span(site.unit, n),
                            via: AttributeVia::SetTag,
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }
}
