//! Label lists, const-label maps and bucket layouts.

use super::pkg::{call_args, named_children, unparen, Api, Pkg};
use super::values::Site;
use crate::extract::kinds::FIELDS;
use crate::facts::{Buckets, LabelList, LabelName};
use crate::source::Span;
use tree_sitter::Node;

/// The expression inside a `literal_element` (or the node itself).
pub(crate) fn elem_expr(n: Node<'_>) -> Node<'_> {
    if n.kind() == "literal_element" {
        named_children(n).first().copied().unwrap_or(n)
    } else {
        n
    }
}

impl<'t> Pkg<'t> {
    pub fn label_list(&self, site: Site<'_, 't>, arg: Node<'t>) -> LabelList {
        let span = self.span(site.unit, arg);
        let (names, decl) = self.string_slice(site, arg);
        LabelList { names, span, decl }
    }

    fn string_slice(
        &self,
        site: Site<'_, 't>,
        n: Node<'t>,
    ) -> (Option<Vec<LabelName>>, Option<Span>) {
        let n = unparen(n);
        match n.kind() {
            "composite_literal" => (self.slice_elems(site, n), None),
            "nil" => (Some(Vec::new()), None),
            "identifier" => match self.follow(site, n) {
                Some(t) => {
                    let v = unparen(t.value);
                    let names = (v.kind() == "composite_literal")
                        .then(|| self.slice_elems(t.site, v))
                        .flatten();
                    (names, Some(t.decl))
                }
                None => (None, None),
            },
            _ => (None, None),
        }
    }

    fn slice_elems(&self, site: Site<'_, 't>, lit: Node<'t>) -> Option<Vec<LabelName>> {
        let ty = lit.child_by_field_id(FIELDS.type_)?;
        if !matches!(
            ty.kind(),
            "slice_type" | "array_type" | "implicit_length_array_type"
        ) {
            return None;
        }
        let body = lit.child_by_field_id(FIELDS.body)?;
        let mut out = Vec::new();
        for el in named_children(body) {
            if el.kind() != "literal_element" {
                return None;
            }
            let e = elem_expr(el);
            let mut decl = None;
            out.push(LabelName {
                value: self.fold_str(site, e, 0, &mut decl).into_value(),
                span: self.span(site.unit, e),
            });
        }
        Some(out)
    }

    /// Keys of a `prometheus.Labels{…}` / `map[string]string{…}` literal, or
    /// of a variable holding one.
    pub fn const_labels(&self, site: Site<'_, 't>, n: Node<'t>) -> Option<Vec<LabelName>> {
        let n = unparen(n);
        match n.kind() {
            "composite_literal" => self.map_keys(site, n),
            "nil" => Some(Vec::new()),
            "identifier" => {
                let t = self.follow(site, n)?;
                let v = unparen(t.value);
                (v.kind() == "composite_literal")
                    .then(|| self.map_keys(t.site, v))
                    .flatten()
            }
            _ => None,
        }
    }

    fn map_keys(&self, site: Site<'_, 't>, lit: Node<'t>) -> Option<Vec<LabelName>> {
        let ty = lit.child_by_field_id(FIELDS.type_)?;
        let is_map = ty.kind() == "map_type" || self.qualified_prom(site, ty) == Some("Labels");
        if !is_map {
            return None;
        }
        let body = lit.child_by_field_id(FIELDS.body)?;
        let mut out = Vec::new();
        for el in named_children(body) {
            if el.kind() != "keyed_element" {
                return None;
            }
            let key = elem_expr(el.child_by_field_id(FIELDS.key)?);
            let mut decl = None;
            out.push(LabelName {
                value: self.fold_str(site, key, 0, &mut decl).into_value(),
                span: self.span(site.unit, key),
            });
        }
        Some(out)
    }

    /// `prometheus.T` as a type (any alias), or `T` under a dot import.
    pub fn qualified_prom(&self, site: Site<'_, 't>, ty: Node<'t>) -> Option<&'t str> {
        match ty.kind() {
            "qualified_type" => {
                let pkg = self.text(site.unit, ty.child_by_field_id(FIELDS.package)?);
                (self
                    .import_api(site.unit, pkg)
                    .is_some_and(|a| a.is(Api::Prometheus)))
                .then(|| {
                    ty.child_by_field_id(FIELDS.name)
                        .map(|n| self.text(site.unit, n))
                })
                .flatten()
            }
            "type_identifier" if self.has_dot(site.unit, Api::Prometheus) => {
                Some(self.text(site.unit, ty))
            }
            _ => None,
        }
    }

    pub fn buckets(&self, site: Site<'_, 't>, n: Node<'t>) -> Buckets {
        let span = self.span(site.unit, n);
        let inner = unparen(n);
        match inner.kind() {
            "selector_expression" | "identifier"
                if self.prom_member(site, inner, Api::Prometheus) == Some("DefBuckets") =>
            {
                Buckets::Default { span }
            }
            "composite_literal" => {
                let body = inner.child_by_field_id(FIELDS.body);
                let is_slice = inner.child_by_field_id(FIELDS.type_).is_some_and(|t| {
                    matches!(
                        t.kind(),
                        "slice_type" | "array_type" | "implicit_length_array_type"
                    )
                });
                let Some(body) = body.filter(|_| is_slice) else {
                    return Buckets::Other { span };
                };
                let values = named_children(body)
                    .into_iter()
                    .map(|el| {
                        let e = elem_expr(el);
                        let v = (el.kind() == "literal_element")
                            .then(|| self.fold_num(site, e, 0))
                            .flatten();
                        (v.map(|x| x.v), self.span(site.unit, e))
                    })
                    .collect();
                Buckets::Literal { values, span }
            }
            "call_expression" => {
                let member = inner
                    .child_by_field_id(FIELDS.function)
                    .and_then(|f| self.prom_member(site, f, Api::Prometheus));
                let args = call_args(inner);
                let arg = |i: usize| {
                    args.get(i)
                        .and_then(|a| self.fold_num(site, *a, 0))
                        .map(|x| x.v)
                };
                match member {
                    Some("LinearBuckets") => Buckets::Linear {
                        start: arg(0),
                        width: arg(1),
                        count: arg(2),
                        span,
                    },
                    Some("ExponentialBuckets") => Buckets::Exponential {
                        start: arg(0),
                        factor: arg(1),
                        count: arg(2),
                        span,
                    },
                    Some("ExponentialBucketsRange") => Buckets::ExponentialRange {
                        min: arg(0),
                        max: arg(1),
                        count: arg(2),
                        span,
                    },
                    _ => Buckets::Other { span },
                }
            }
            _ => Buckets::Other { span },
        }
    }
}
