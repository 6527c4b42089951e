//! Where a run-time metric name piece comes from (M112): spliced between
//! literal name text, a loop variable, or request data. A piece that is
//! wholly a parameter, a field or a configuration value has no origin here:
//! it is configuration (a wrapper library, a namespace chosen once).

use super::pkg::{call_args, unparen, Api, Pkg};
use super::values::{Local, SVal, Site, MAX_DEPTH};
use crate::extract::kinds::FIELDS;
use crate::facts::{NameOrigin, OriginKind};
use tree_sitter::Node;

/// Following locals and sub-expressions stops here (Unknown: no origin).
const MAX_ORIGIN_DEPTH: u32 = 16;

impl<'t> Pkg<'t> {
    /// The origin of the name piece `n`, if it is one M112 reports.
    pub fn name_origin(&self, site: Site<'_, 't>, n: Node<'t>) -> Option<NameOrigin> {
        self.spliced(site, n, 0)
            .or_else(|| self.source_origin(site, n, 0))
    }

    /// `"app_shard_" + shard + "_total"`, `fmt.Sprintf("app_%s_seconds", r)`,
    /// or a local bound once to one of them: a run-time value with literal
    /// name text (letters or digits, not only `_`) on both sides.
    fn spliced(&self, site: Site<'_, 't>, n: Node<'t>, depth: u32) -> Option<NameOrigin> {
        let n = unparen(n);
        if depth > MAX_ORIGIN_DEPTH {
            return None;
        }
        match n.kind() {
            "binary_expression" => {
                let mut operands = Vec::new();
                self.plus_operands(site, n, &mut operands, 0)?;
                let classes: Vec<Piece> = operands.iter().map(|o| self.piece(site, *o)).collect();
                let text_at =
                    |range: &[Piece]| range.iter().any(|p| matches!(p, Piece::Text(true)));
                classes.iter().enumerate().find_map(|(i, c)| {
                    (matches!(c, Piece::Dynamic)
                        && text_at(&classes[..i])
                        && text_at(&classes[i + 1..]))
                    .then(|| self.origin(site, operands[i], OriginKind::Spliced))
                })
            }
            "call_expression" => self.spliced_sprintf(site, n),
            "identifier" => {
                let name = self.text(site.unit, n);
                let Some(Local::Bound(i, b)) = self.lookup_local(site, name, n.start_byte()) else {
                    return None;
                };
                if b.decls != 1 || b.assigns != 0 {
                    return None;
                }
                let inner = Site {
                    unit: site.unit,
                    chain: &site.chain[..=i],
                };
                self.spliced(inner, b.value?, depth + 1)
            }
            _ => None,
        }
    }

    /// The operands of a `+` chain, left to right.
    fn plus_operands(
        &self,
        site: Site<'_, 't>,
        n: Node<'t>,
        out: &mut Vec<Node<'t>>,
        depth: u32,
    ) -> Option<()> {
        let n = unparen(n);
        if depth > MAX_DEPTH {
            return None;
        }
        let is_plus = n.kind() == "binary_expression"
            && n.child_by_field_id(FIELDS.operator)
                .is_some_and(|o| self.text(site.unit, o) == "+");
        if !is_plus {
            out.push(n);
            return Some(());
        }
        self.plus_operands(site, n.child_by_field_id(FIELDS.left)?, out, depth + 1)?;
        self.plus_operands(site, n.child_by_field_id(FIELDS.right)?, out, depth + 1)
    }

    fn piece(&self, site: Site<'_, 't>, n: Node<'t>) -> Piece {
        let mut decl = None;
        match self.fold_str(site, n, 0, &mut decl) {
            SVal::Str(bytes, _) => Piece::Text(bytes.iter().any(u8::is_ascii_alphanumeric)),
            SVal::Dyn(_) => Piece::Dynamic,
            SVal::Unknown => Piece::Unknown,
        }
    }

    /// `fmt.Sprintf(format, args…)` with a constant format in which a verb
    /// whose argument is built at run time has name text on both sides.
    fn spliced_sprintf(&self, site: Site<'_, 't>, call: Node<'t>) -> Option<NameOrigin> {
        let f = call.child_by_field_id(FIELDS.function)?;
        if self.prom_member(site, f, Api::Fmt) != Some("Sprintf") {
            return None;
        }
        let args = call_args(call);
        let format = *args.first()?;
        let mut decl = None;
        let SVal::Str(bytes, _) = self.fold_str(site, format, 0, &mut decl) else {
            return None;
        };
        let verbs = verbs(&bytes);
        verbs.iter().enumerate().find_map(|(k, (start, end))| {
            let arg = *args.get(k + 1)?;
            let before = bytes[..*start].iter().any(u8::is_ascii_alphanumeric);
            let after = bytes[*end..].iter().any(u8::is_ascii_alphanumeric);
            (before && after && matches!(self.piece(site, arg), Piece::Dynamic))
                .then(|| self.origin(site, arg, OriginKind::Spliced))
        })
    }

    /// A loop variable of a `for` around the piece, or request data (a
    /// parameter of type `*http.Request`, `*gin.Context`, `echo.Context`,
    /// `*fiber.Ctx`), anywhere in the piece or in the one value of a local
    /// it names.
    fn source_origin(&self, site: Site<'_, 't>, n: Node<'t>, depth: u32) -> Option<NameOrigin> {
        let n = unparen(n);
        if depth > MAX_ORIGIN_DEPTH {
            return None;
        }
        match n.kind() {
            "identifier" => {
                let name = self.text(site.unit, n);
                match self.lookup_local(site, name, n.start_byte())? {
                    Local::Param => {
                        let ty = self.param_type(site, name)?;
                        self.is_request_type(site.unit, ty)
                            .then(|| self.origin(site, n, OriginKind::RequestData))
                    }
                    Local::Bound(i, b) => {
                        if loop_variable(b.decl, n) {
                            return Some(self.origin(site, n, OriginKind::LoopVariable));
                        }
                        if b.decls != 1 || b.assigns != 0 {
                            return None;
                        }
                        let inner = Site {
                            unit: site.unit,
                            chain: &site.chain[..=i],
                        };
                        let value = b.value.or(b.multi)?;
                        // Reported at the name in the Opts, with the origin's text.
                        self.source_origin(inner, value, depth + 1)
                            .map(|o| NameOrigin {
                                span: self.span(site.unit, n),
                                ..o
                            })
                    }
                }
            }
            "selector_expression" | "index_expression" => {
                let operand = n.child_by_field_id(FIELDS.operand)?;
                let index = n.child_by_field_id(FIELDS.index);
                self.source_origin(site, operand, depth + 1)
                    .map(|o| self.widen(site, n, o))
                    .or_else(|| {
                        index.and_then(|i| {
                            self.source_origin(site, i, depth + 1)
                                .map(|o| self.widen(site, n, o))
                        })
                    })
            }
            "call_expression" => {
                let f = n.child_by_field_id(FIELDS.function)?;
                let callee = match f.kind() {
                    "selector_expression" => f.child_by_field_id(FIELDS.operand),
                    _ => None,
                };
                // `c.Param("x")` is request data as a whole; in
                // `strings.ToLower(r.URL.Path)` the argument is.
                callee
                    .and_then(|c| self.source_origin(site, c, depth + 1))
                    .map(|o| self.widen(site, n, o))
                    .or_else(|| {
                        call_args(n)
                            .into_iter()
                            .find_map(|a| self.source_origin(site, a, depth + 1))
                    })
            }
            "binary_expression" => ["left", "right"].iter().find_map(|field| {
                self.source_origin(site, n.child_by_field_name(field)?, depth + 1)
            }),
            _ => None,
        }
    }

    /// A request's data: `r.URL.Path` of an `*http.Request`, a gin / echo /
    /// fiber context's parameters.
    fn is_request_type(&self, unit: usize, ty: Node<'t>) -> bool {
        matches!(
            self.qualified_type(unit, ty),
            Some(
                (Api::NetHttp, "Request", true)
                    | (Api::Gin, "Context", true)
                    | (Api::Echo, "Context", false)
                    | (Api::Fiber, "Ctx", true)
            )
        )
    }

    fn origin(&self, site: Site<'_, 't>, n: Node<'t>, kind: OriginKind) -> NameOrigin {
        NameOrigin {
            kind,
            span: self.span(site.unit, n),
            text: self.text(site.unit, n).to_string(),
        }
    }

    /// Request data is named by the whole access (`r.URL.Path`, `c.Param("x")`);
    /// a loop variable by the variable itself.
    fn widen(&self, site: Site<'_, 't>, n: Node<'t>, o: NameOrigin) -> NameOrigin {
        match o.kind {
            OriginKind::RequestData => self.origin(site, n, OriginKind::RequestData),
            _ => o,
        }
    }
}

/// How a `+` operand or `Sprintf` argument folds.
enum Piece {
    /// A constant; true when it holds letters or digits (not only `_`).
    Text(bool),
    Dynamic,
    Unknown,
}

/// `decl` declares a loop variable (`for _, x := range …`, `for i := 0; …`)
/// of a loop whose statement holds `use`.
fn loop_variable(decl: Node<'_>, use_: Node<'_>) -> bool {
    let clause = match decl.kind() {
        "range_clause" => Some(decl),
        "short_var_declaration" => decl.parent().filter(|p| p.kind() == "for_clause"),
        _ => None,
    };
    clause
        .and_then(|c| c.parent())
        .filter(|f| f.kind() == "for_statement")
        .is_some_and(|f| f.start_byte() <= use_.start_byte() && use_.end_byte() <= f.end_byte())
}

/// Byte ranges of the formatting verbs of a `Printf` format (`%s`, `%-5d`,
/// `%[2]v`), `%%` excluded.
fn verbs(format: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < format.len() {
        if format[i] != b'%' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        if format.get(i) == Some(&b'%') {
            i += 1;
            continue;
        }
        while i < format.len() && !format[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i < format.len() {
            out.push((start, i + 1));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::verbs;

    #[test]
    fn verbs_of_a_format() {
        assert_eq!(verbs(b"app_%s_seconds"), [(4, 6)]);
        assert_eq!(verbs(b"%s_%-5d%%x%[2]v"), [(0, 2), (3, 7), (10, 15)]);
        assert!(verbs(b"100%%").is_empty());
    }
}
