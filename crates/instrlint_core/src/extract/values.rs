//! Constant folding and value classification (Resolved / Dynamic / Unknown)
//! for string and numeric expressions, with package- and function-level lookups.

use super::literals::{decode_string, parse_float, parse_int};
use super::locals::{Binding, FuncScope, Writes};
use super::pkg::{call_args, named_children, Api, DeclKind, Pkg};
use crate::extract::kinds::FIELDS;
use crate::source::Span;
use crate::value::{Dynamic, StrConst, Value};
use std::rc::Rc;
use tree_sitter::Node;

/// Folding deeper than this gives up (Unknown) instead of risking the stack.
pub(crate) const MAX_DEPTH: u32 = 256;

/// Steps (calls of `fold_str`/`fold_num`) one top-level fold may take. The
/// depth limit alone does not bound the work: `const a = b + b; const b =
/// a + a` (an initialisation cycle gofmt accepts) or a local whose value
/// mentions itself branches at every level, 2^MAX_DEPTH calls. Real
/// expressions take a few hundred steps at most.
const MAX_STEPS: u32 = 20_000;

thread_local! {
    static STEPS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Count one folding step; false once the fold that began at depth 0 has
/// used its budget. Every top-level fold starts at depth 0 and folding never
/// re-enters at depth 0, so depth 0 resets the count.
fn step(depth: u32) -> bool {
    STEPS.with(|s| {
        let n = if depth == 0 {
            1
        } else {
            s.get().saturating_add(1)
        };
        s.set(n);
        n <= MAX_STEPS
    })
}

/// Where an expression sits: its file and the functions around it (outer → inner).
#[derive(Clone, Copy)]
pub(crate) struct Site<'a, 't> {
    pub unit: usize,
    pub chain: &'a [Node<'t>],
}

impl<'a, 't> Site<'a, 't> {
    pub fn package(unit: usize) -> Self {
        Site { unit, chain: &[] }
    }
}

/// A string value while folding: bytes are kept so that concatenating
/// halves of a multi-byte sequence still decodes correctly.
#[derive(Clone)]
pub(crate) enum SVal {
    /// Bytes, plus whether the source text itself was lossy here.
    Str(Vec<u8>, bool),
    Dyn(Dynamic),
    Unknown,
}

impl SVal {
    pub fn into_value(self) -> Value<StrConst> {
        match self {
            SVal::Str(bytes, lossy) => match String::from_utf8(bytes) {
                Ok(text) => Value::Resolved(StrConst {
                    text,
                    valid_utf8: !lossy,
                }),
                Err(e) => Value::Resolved(StrConst {
                    text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    valid_utf8: false,
                }),
            },
            SVal::Dyn(d) => Value::Dynamic(d),
            SVal::Unknown => Value::Unknown,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Num {
    pub v: f64,
    pub int: bool,
}

pub(crate) enum Local<'t> {
    Param,
    Bound(usize, Binding<'t>),
}

/// A value expression found by following a name, and where it sits.
pub(crate) struct Target<'a, 't> {
    pub site: Site<'a, 't>,
    pub value: Node<'t>,
    pub decl: Span,
}

impl<'t> Pkg<'t> {
    pub fn scope(&self, unit: usize, func: Node<'t>) -> Rc<FuncScope<'t>> {
        let key = (unit, func.id());
        if let Some(s) = self.scopes.borrow().get(&key) {
            return s.clone();
        }
        // Writes are counted inside `func`, so those of the top-level
        // declaration holding it are enough: each declaration is walked for
        // them at most once, and only if one of its functions needs a scope.
        let top = self.units[unit]
            .root
            .and_then(|root| root.first_child_for_byte(func.start_byte()))
            .filter(|top| {
                top.start_byte() <= func.start_byte() && func.end_byte() <= top.end_byte()
            });
        let in_top = (unit, top.map_or(func.id(), |t| t.id()));
        let writes = self.writes.borrow().get(&in_top).cloned();
        let writes = writes.unwrap_or_else(|| {
            let w = Rc::new(Writes::build(
                top.unwrap_or(func),
                &self.units[unit].src.text,
            ));
            self.writes.borrow_mut().insert(in_top, w.clone());
            w
        });
        let scope = Rc::new(FuncScope::build(func, &self.units[unit].src.text, &writes));
        self.scopes.borrow_mut().insert(key, scope.clone());
        scope
    }

    /// The innermost function-level binding of `name` visible at `pos`.
    pub fn lookup_local(&self, site: Site<'_, 't>, name: &str, pos: usize) -> Option<Local<'t>> {
        if !self.may_bind(site.unit, *site.chain.first()?, name) {
            return None;
        }
        for i in (0..site.chain.len()).rev() {
            let scope = self.scope(site.unit, site.chain[i]);
            let is_param = scope.params.contains(&name);
            if let Some(b) = scope.locals.get(name) {
                if b.decl.start_byte() < pos {
                    // A block-local redeclaration of a parameter: which one
                    // is visible depends on blocks, so the binding is ambiguous.
                    let decls = b.decls + u32::from(is_param);
                    return Some(Local::Bound(i, Binding { decls, ..*b }));
                }
            }
            if is_param {
                return Some(Local::Param);
            }
        }
        None
    }

    pub fn is_shadowed(&self, site: Site<'_, 't>, name: &str, pos: usize) -> bool {
        let Some(outer) = site.chain.first() else {
            return false;
        };
        self.may_bind(site.unit, *outer, name)
            && site
                .chain
                .iter()
                .any(|f| self.scope(site.unit, *f).binds(name, pos))
    }

    /// Whether `name` may be declared inside `func` (its parameters
    /// included): not when every occurrence of the name in the function's
    /// text is the operand of a selector (`context.Background()`), since a
    /// declared name is never followed by `.`. Saves building the scopes of
    /// the functions around every `pkg.Member` reference.
    fn may_bind(&self, unit: usize, func: Node<'t>, name: &str) -> bool {
        let key = (unit, func.id(), name.to_string());
        if let Some(known) = self.may_bind.borrow().get(&key) {
            return *known;
        }
        let text = self.text(unit, func);
        let found = !only_operand_uses(text, name);
        self.may_bind.borrow_mut().insert(key, found);
        found
    }

    /// Follows an identifier to the single value it was declared with: a
    /// local assigned once and never again, or a package-level variable or
    /// constant. Records a miss when no parsed file declares the name.
    pub fn follow<'a>(&self, site: Site<'a, 't>, ident: Node<'t>) -> Option<Target<'a, 't>> {
        let name = self.text(site.unit, ident);
        match self.lookup_local(site, name, ident.start_byte()) {
            Some(Local::Param) => None,
            Some(Local::Bound(i, b)) => {
                if b.decls != 1 || b.assigns != 0 {
                    return None;
                }
                Some(Target {
                    site: Site {
                        unit: site.unit,
                        chain: &site.chain[..=i],
                    },
                    value: b.value?,
                    decl: self.span(site.unit, b.decl),
                })
            }
            None => {
                let d = self.package_decl(site.unit, name)?;
                if d.ambiguous || d.kind == DeclKind::Other {
                    return None;
                }
                Some(Target {
                    site: Site::package(d.unit),
                    value: d.value?,
                    decl: self.span(d.unit, d.spec),
                })
            }
        }
    }

    /// A package-level declaration; flags a miss when neither the package nor
    /// the file's imports know the name.
    pub fn package_decl(&self, unit: usize, name: &str) -> Option<super::pkg::Decl<'t>> {
        if let Some(d) = self.decl(name) {
            return Some(d);
        }
        if self.import_api(unit, name).is_none() && !is_predeclared(name) {
            self.note_missing(name.to_string());
        }
        None
    }

    /// Records a name no parsed file declares (once).
    pub fn note_missing(&self, name: String) {
        let mut names = self.missing_names.borrow_mut();
        if !names.contains(&name) {
            names.push(name);
        }
    }

    /// How many names are recorded missing so far ([`Pkg::missing_since`]).
    pub fn missing_mark(&self) -> usize {
        self.missing_names.borrow().len()
    }

    /// Takes back the names recorded missing since `mark`: the caller
    /// decides later whether the lookup that missed them counts.
    pub fn missing_since(&self, mark: usize) -> Vec<String> {
        let mut names = self.missing_names.borrow_mut();
        if names.len() <= mark {
            return Vec::new();
        }
        names.split_off(mark)
    }

    /// The member a node names in the prometheus package: `prometheus.X`
    /// through any alias, or bare `X` under a dot import.
    pub fn prom_member(&self, site: Site<'_, 't>, n: Node<'t>, api: Api) -> Option<&'t str> {
        match n.kind() {
            "selector_expression" => {
                let operand = n.child_by_field_id(FIELDS.operand)?;
                if operand.kind() != "identifier" {
                    return None;
                }
                let name = self.text(site.unit, operand);
                if !self.import_api(site.unit, name).is_some_and(|a| a.is(api))
                    || self.is_shadowed(site, name, operand.start_byte())
                {
                    return None;
                }
                Some(self.text(site.unit, n.child_by_field_id(FIELDS.field)?))
            }
            "identifier" | "type_identifier" if self.has_dot(site.unit, api) => {
                let name = self.text(site.unit, n);
                if self.declares(name) {
                    return None;
                }
                Some(name)
            }
            _ => None,
        }
    }

    pub fn fold_str(
        &self,
        site: Site<'_, 't>,
        n: Node<'t>,
        depth: u32,
        decl: &mut Option<Span>,
    ) -> SVal {
        if depth > MAX_DEPTH || !step(depth) {
            return SVal::Unknown;
        }
        match n.kind() {
            "interpreted_string_literal" | "raw_string_literal" => {
                let text = self.text(site.unit, n);
                match decode_string(text) {
                    Some(bytes) => {
                        let lossy = self.units[site.unit].src.lossy && text.contains('\u{fffd}');
                        SVal::Str(bytes, lossy)
                    }
                    None => SVal::Unknown,
                }
            }
            "parenthesized_expression" => match named_children(n).first() {
                Some(inner) => self.fold_str(site, *inner, depth + 1, decl),
                None => SVal::Unknown,
            },
            "binary_expression" => {
                let is_plus = n
                    .child_by_field_id(FIELDS.operator)
                    .is_some_and(|o| self.text(site.unit, o) == "+");
                let (Some(l), Some(r)) = (
                    n.child_by_field_id(FIELDS.left),
                    n.child_by_field_id(FIELDS.right),
                ) else {
                    return SVal::Unknown;
                };
                if !is_plus {
                    return SVal::Unknown;
                }
                match self.fold_str(site, l, depth + 1, decl) {
                    SVal::Dyn(d) => SVal::Dyn(d),
                    SVal::Unknown => match self.fold_str(site, r, depth + 1, decl) {
                        SVal::Dyn(d) => SVal::Dyn(d),
                        _ => SVal::Unknown,
                    },
                    SVal::Str(mut a, la) => match self.fold_str(site, r, depth + 1, decl) {
                        SVal::Str(b, lb) => {
                            a.extend_from_slice(&b);
                            SVal::Str(a, la || lb)
                        }
                        other => other,
                    },
                }
            }
            "identifier" => self.ident_str(site, n, depth, decl),
            "call_expression" => self.call_str(site, n, depth, decl),
            "selector_expression" => self.selector_str(site, n),
            _ => SVal::Unknown,
        }
    }

    fn dynamic(&self, unit: usize, n: Node<'t>) -> SVal {
        SVal::Dyn(Dynamic {
            span: self.span(unit, n),
            text: self.text(unit, n).to_string(),
        })
    }

    fn ident_str(
        &self,
        site: Site<'_, 't>,
        n: Node<'t>,
        depth: u32,
        decl: &mut Option<Span>,
    ) -> SVal {
        let name = self.text(site.unit, n);
        match self.lookup_local(site, name, n.start_byte()) {
            Some(Local::Param) => self.dynamic(site.unit, n),
            Some(Local::Bound(i, b)) => {
                if b.decls != 1 || b.assigns != 0 {
                    return SVal::Unknown;
                }
                let Some(value) = b.value.or(b.multi) else {
                    return SVal::Unknown;
                };
                let inner = Site {
                    unit: site.unit,
                    chain: &site.chain[..=i],
                };
                let mut inner_decl = None;
                match self.fold_str(inner, value, depth + 1, &mut inner_decl) {
                    SVal::Str(_, _) if b.value.is_none() => SVal::Unknown,
                    SVal::Str(bytes, lossy) => {
                        if decl.is_none() {
                            *decl = if b.is_const {
                                Some(self.span(site.unit, b.decl))
                            } else {
                                inner_decl
                            };
                        }
                        SVal::Str(bytes, lossy)
                    }
                    SVal::Dyn(_) => self.dynamic(site.unit, n),
                    SVal::Unknown => SVal::Unknown,
                }
            }
            None => {
                let Some(d) = self.package_decl(site.unit, name) else {
                    return SVal::Unknown;
                };
                let Some(value) = d
                    .value
                    .filter(|_| d.kind == DeclKind::Const && !d.ambiguous)
                else {
                    return SVal::Unknown;
                };
                if decl.is_none() {
                    *decl = Some(self.span(d.unit, d.spec));
                }
                self.fold_str(Site::package(d.unit), value, depth + 1, decl)
            }
        }
    }

    fn call_str(
        &self,
        site: Site<'_, 't>,
        n: Node<'t>,
        depth: u32,
        decl: &mut Option<Span>,
    ) -> SVal {
        let Some(func) = n.child_by_field_id(FIELDS.function) else {
            return SVal::Unknown;
        };
        let args = call_args(n);
        if func.kind() == "identifier" && self.text(site.unit, func) == "string" && args.len() == 1
        {
            return self.fold_str(site, args[0], depth + 1, decl);
        }
        if self.prom_member(site, func, Api::Prometheus) == Some("BuildFQName") && args.len() == 3 {
            let parts: Vec<SVal> = args
                .iter()
                .map(|a| self.fold_str(site, *a, depth + 1, decl))
                .collect();
            return build_fq(parts);
        }
        let mut scratch = None;
        let any_dynamic = args.iter().any(|a| {
            matches!(
                self.fold_str(site, *a, depth + 1, &mut scratch),
                SVal::Dyn(_)
            )
        });
        let callee_dynamic = func.kind() == "selector_expression" && self.root_is_param(site, func);
        if any_dynamic || callee_dynamic {
            self.dynamic(site.unit, n)
        } else {
            SVal::Unknown
        }
    }

    fn selector_str(&self, site: Site<'_, 't>, n: Node<'t>) -> SVal {
        if self.root_is_param(site, n) {
            self.dynamic(site.unit, n)
        } else {
            SVal::Unknown
        }
    }

    /// `p.x.y` where `p` is a parameter of an enclosing function.
    fn root_is_param(&self, site: Site<'_, 't>, mut n: Node<'t>) -> bool {
        for _ in 0..MAX_DEPTH {
            match n.kind() {
                "selector_expression" | "index_expression" => {
                    match n.child_by_field_id(FIELDS.operand) {
                        Some(o) => n = o,
                        None => return false,
                    }
                }
                "call_expression" => match n.child_by_field_id(FIELDS.function) {
                    Some(f) => n = f,
                    None => return false,
                },
                "identifier" => {
                    let name = self.text(site.unit, n);
                    return matches!(
                        self.lookup_local(site, name, n.start_byte()),
                        Some(Local::Param)
                    );
                }
                _ => return false,
            }
        }
        false
    }

    pub fn fold_num(&self, site: Site<'_, 't>, n: Node<'t>, depth: u32) -> Option<Num> {
        if depth > MAX_DEPTH || !step(depth) {
            return None;
        }
        let text = self.text(site.unit, n);
        match n.kind() {
            "int_literal" => Some(Num {
                v: parse_int(text)?,
                int: true,
            }),
            "float_literal" => Some(Num {
                v: parse_float(text)?,
                int: false,
            }),
            "parenthesized_expression" => {
                self.fold_num(site, *named_children(n).first()?, depth + 1)
            }
            "unary_expression" => {
                let op = self.text(site.unit, n.child_by_field_id(FIELDS.operator)?);
                let x = self.fold_num(site, n.child_by_field_id(FIELDS.operand)?, depth + 1)?;
                match op {
                    "-" => Some(Num {
                        v: -x.v,
                        int: x.int,
                    }),
                    "+" => Some(x),
                    _ => None,
                }
            }
            "binary_expression" => {
                let op = self.text(site.unit, n.child_by_field_id(FIELDS.operator)?);
                let a = self.fold_num(site, n.child_by_field_id(FIELDS.left)?, depth + 1)?;
                let b = self.fold_num(site, n.child_by_field_id(FIELDS.right)?, depth + 1)?;
                let int = a.int && b.int;
                let v = match op {
                    "+" => a.v + b.v,
                    "-" => a.v - b.v,
                    "*" => a.v * b.v,
                    "/" if b.v == 0.0 => return None,
                    "/" if int => (a.v / b.v).trunc(),
                    "/" => a.v / b.v,
                    _ => return None,
                };
                Some(Num { v, int })
            }
            "identifier" => {
                let t = self.follow(site, n)?;
                let is_const = match self.lookup_local(site, text, n.start_byte()) {
                    Some(_) => true,
                    None => self.decl(text).is_some_and(|d| d.kind == DeclKind::Const),
                };
                if !is_const {
                    return None;
                }
                self.fold_num(t.site, t.value, depth + 1)
            }
            "call_expression" => {
                let func = n.child_by_field_id(FIELDS.function)?;
                let args = call_args(n);
                let conv = self.text(site.unit, func);
                if func.kind() != "identifier" || args.len() != 1 {
                    return None;
                }
                let x = self.fold_num(site, args[0], depth + 1)?;
                match conv {
                    "float64" | "float32" => Some(Num { v: x.v, int: false }),
                    "int" | "int64" | "int32" | "uint" | "uint64" | "uint32" => Some(Num {
                        v: x.v.trunc(),
                        int: true,
                    }),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// client_golang's `BuildFQName`: empty when `name` is empty, else the
/// non-empty parts joined by `_`. Dynamic wins over Unknown.
pub(crate) fn build_fq(parts: Vec<SVal>) -> SVal {
    let mut dynamic = None;
    let mut unknown = false;
    let mut strs = Vec::with_capacity(parts.len());
    for p in parts {
        match p {
            SVal::Str(b, l) => strs.push((b, l)),
            SVal::Dyn(d) => {
                if dynamic.is_none() {
                    dynamic = Some(d);
                }
            }
            SVal::Unknown => unknown = true,
        }
    }
    if let Some(d) = dynamic {
        return SVal::Dyn(d);
    }
    if unknown {
        return SVal::Unknown;
    }
    if strs.last().is_none_or(|(b, _)| b.is_empty()) {
        return SVal::Str(Vec::new(), false);
    }
    let mut out = Vec::new();
    let mut lossy = false;
    for (b, l) in strs.into_iter().filter(|(b, _)| !b.is_empty()) {
        if !out.is_empty() {
            out.push(b'_');
        }
        out.extend_from_slice(&b);
        lossy |= l;
    }
    SVal::Str(out, lossy)
}

/// Whether every occurrence of the identifier `name` in `text` is followed
/// by `.` (occurrences inside longer identifiers do not count; any other,
/// in a comment or a string too, answers no).
fn only_operand_uses(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let ident = |b: u8| b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80;
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(name) {
        let start = from + i;
        let end = start + name.len();
        let whole =
            (start == 0 || !ident(bytes[start - 1])) && bytes.get(end).is_none_or(|b| !ident(*b));
        if whole && bytes.get(end) != Some(&b'.') {
            return false;
        }
        from = end;
    }
    true
}

fn is_predeclared(name: &str) -> bool {
    matches!(
        name,
        "true" | "false" | "nil" | "iota" | "_" | "string" | "len" | "append" | "make" | "new"
    )
}

#[cfg(test)]
mod tests {
    use super::only_operand_uses;

    #[test]
    fn operand_uses_only() {
        let f =
            "func h(w http.ResponseWriter) {\n\trun(context.Background())\n\t_ = context.TODO()\n}";
        assert!(only_operand_uses(f, "context"));
        // A parameter, a local, a field, a comment: maybe declared (the
        // answer errs on that side).
        assert!(!only_operand_uses(
            "func h(context context.Context) {}",
            "context"
        ));
        assert!(!only_operand_uses(
            "func h() { context := 1; _ = context }",
            "context"
        ));
        assert!(!only_operand_uses("func h() { x.context = 1 }", "context"));
        assert!(!only_operand_uses("func h() { // context\n}", "context"));
        // Inside longer identifiers: not an occurrence.
        assert!(only_operand_uses(
            "func h(mycontext, contexts int) {}",
            "context"
        ));
        assert!(!only_operand_uses("func h() {}", ""));
    }
}
