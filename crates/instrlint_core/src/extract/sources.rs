//! Label values: where each value passed to a vector comes from (L202), its
//! spelling (L207), and the keys of a `prometheus.Labels{…}` map (L204).

use super::lists::elem_expr;
use super::pkg::{call_args, named_children, package_name, unparen, Api, Pkg};
use super::values::{Local, SVal, Site};
use crate::extract::kinds::FIELDS;
use crate::facts::{LabelArg, LabelKey, ValueSource};
use tree_sitter::Node;

/// Wrappers are looked through this many times (`fmt.Sprint(strings.ToLower(x))`).
const MAX_WRAP: u32 = 8;

/// Fields of an `*http.Request` that carry client-chosen text.
const REQUEST_FIELDS: &[&str] = &["RequestURI", "RemoteAddr"];
/// Fields of `r.URL` that carry client-chosen text.
const URL_FIELDS: &[&str] = &["Path", "RawPath", "RawQuery", "Fragment"];
/// `r.X(…)` calls returning client-chosen text.
const REQUEST_CALLS: &[&str] = &[
    "UserAgent",
    "Referer",
    "FormValue",
    "PostFormValue",
    "PathValue",
];
/// gin `c.X(…)` calls returning path params, queries, headers or addresses.
const GIN_CALLS: &[&str] = &[
    "Param",
    "Query",
    "DefaultQuery",
    "PostForm",
    "DefaultPostForm",
    "ClientIP",
    "RemoteIP",
    "GetHeader",
];
/// echo `c.X(…)` calls returning path params, queries or addresses.
const ECHO_CALLS: &[&str] = &["Param", "QueryParam", "QueryString", "FormValue", "RealIP"];

impl<'t> Pkg<'t> {
    /// One positional label value.
    pub fn label_arg(&self, site: Site<'_, 't>, e: Node<'t>) -> LabelArg {
        let inner = unparen(e);
        let spelling = match inner.kind() {
            "identifier" => Some(self.text(site.unit, inner).to_string()),
            "selector_expression" => inner
                .child_by_field_id(FIELDS.field)
                .map(|f| self.text(site.unit, f).to_string()),
            _ => None,
        };
        LabelArg {
            span: self.span(site.unit, e),
            spelling,
            source: self.value_source(site, e),
        }
    }

    /// Constant, bounded, unbounded (directly or through one local) or unknown.
    pub fn value_source(&self, site: Site<'_, 't>, e: Node<'t>) -> ValueSource {
        let e = unparen(e);
        if self.is_constant(site, e) {
            return ValueSource::Constant;
        }
        if let Some(what) = self.unbounded(site, e, 0) {
            return ValueSource::Unbounded { what, via: None };
        }
        match e.kind() {
            "identifier" => {
                let name = self.text(site.unit, e);
                if let Some(Local::Bound(i, b)) = self.lookup_local(site, name, e.start_byte()) {
                    if b.decls == 1 && b.assigns == 0 {
                        if let Some(value) = b.value {
                            let inner = Site {
                                unit: site.unit,
                                chain: &site.chain[..=i],
                            };
                            if let Some(what) = self.unbounded(inner, value, 0) {
                                return ValueSource::Unbounded {
                                    what,
                                    via: Some(self.span(site.unit, b.decl)),
                                };
                            }
                        }
                    }
                }
                ValueSource::Bounded
            }
            "selector_expression" => ValueSource::Bounded,
            "call_expression" if self.is_bounded_conversion(site, e) => ValueSource::Bounded,
            _ => ValueSource::Unknown,
        }
    }

    fn is_constant(&self, site: Site<'_, 't>, e: Node<'t>) -> bool {
        let mut decl = None;
        matches!(self.fold_str(site, e, 0, &mut decl), SVal::Str(..))
            || self.fold_num(site, e, 0).is_some()
    }

    /// `strconv.Itoa(x)` and friends over a value that is not unbounded.
    fn is_bounded_conversion(&self, site: Site<'_, 't>, call: Node<'t>) -> bool {
        let Some((pkg, member)) = self.std_call(site, call) else {
            return false;
        };
        pkg == "strconv"
            && matches!(
                member,
                "Itoa" | "FormatInt" | "FormatUint" | "FormatBool" | "Quote"
            )
    }

    /// `pkg.Member(…)` where `pkg` imports the standard package of that name.
    fn std_call(&self, site: Site<'_, 't>, call: Node<'t>) -> Option<(&'t str, &'t str)> {
        let f = call.child_by_field_id(FIELDS.function)?;
        if f.kind() != "selector_expression" {
            return None;
        }
        let operand = f.child_by_field_id(FIELDS.operand)?;
        if operand.kind() != "identifier" {
            return None;
        }
        let name = self.text(site.unit, operand);
        if self.is_shadowed(site, name, operand.start_byte()) {
            return None;
        }
        let path = self.units[site.unit].imports.paths.get(name)?;
        let member = self.text(site.unit, f.child_by_field_id(FIELDS.field)?);
        let pkg: &'static str = match path.as_str() {
            "strconv" => "strconv",
            "fmt" => "fmt",
            "strings" => "strings",
            "time" => "time",
            p if package_name(p, &self.opts.package_names) == "uuid" => "uuid",
            _ => return None,
        };
        Some((pkg, member))
    }

    /// The text of the unbounded source inside `e`, if `e` is one of the
    /// catalog's unbounded sources or a formatting/conversion wrapper of one.
    pub fn unbounded(&self, site: Site<'_, 't>, e: Node<'t>, depth: u32) -> Option<String> {
        if depth > MAX_WRAP {
            return None;
        }
        let e = unparen(e);
        let text = || Some(self.text(site.unit, e).to_string());
        match e.kind() {
            "selector_expression" => {
                let operand = e.child_by_field_id(FIELDS.operand)?;
                let field = self.text(site.unit, e.child_by_field_id(FIELDS.field)?);
                if REQUEST_FIELDS.contains(&field) && self.is_http_request(site, operand) {
                    return text();
                }
                // The `Host` header of a request a server received; the host
                // of a request a client sends is the client's own choice.
                if field == "Host"
                    && self.is_http_request(site, operand)
                    && (self.web_context_request(site, operand) || self.in_http_handler(site))
                {
                    return text();
                }
                if URL_FIELDS.contains(&field) && self.is_request_url(site, operand) {
                    return text();
                }
                None
            }
            "call_expression" => self.unbounded_call(site, e, depth),
            _ => None,
        }
    }

    fn unbounded_call(&self, site: Site<'_, 't>, call: Node<'t>, depth: u32) -> Option<String> {
        let text = || Some(self.text(site.unit, call).to_string());
        let args = call_args(call);
        if let Some((pkg, member)) = self.std_call(site, call) {
            return match (pkg, member) {
                ("uuid", m) if m.starts_with("New") || m.starts_with("Must") => text(),
                ("time", "Now") => text(),
                ("fmt", m) if m.starts_with("Sprint") => args
                    .iter()
                    .find_map(|a| self.unbounded(site, *a, depth + 1)),
                ("strconv", _) | ("strings", _) => args
                    .first()
                    .and_then(|a| self.unbounded(site, *a, depth + 1)),
                _ => None,
            };
        }
        let f = call.child_by_field_id(FIELDS.function)?;
        if f.kind() == "identifier" && self.text(site.unit, f) == "string" && args.len() == 1 {
            return self.unbounded(site, args[0], depth + 1);
        }
        if f.kind() != "selector_expression" {
            return None;
        }
        let operand = unparen(f.child_by_field_id(FIELDS.operand)?);
        let method = self.text(site.unit, f.child_by_field_id(FIELDS.field)?);
        // A method on an unbounded value (`time.Now().Format(…)`, `uuid.New().String()`).
        if operand.kind() == "call_expression" && self.is_source_call(site, operand) {
            return text();
        }
        match method {
            "Error" if args.is_empty() && self.is_error_value(site, operand) => return text(),
            "String" if args.is_empty() && self.is_request_url(site, operand) => return text(),
            "Get" => {
                let o = unparen(operand);
                if o.kind() == "selector_expression" {
                    let field = o
                        .child_by_field_id(FIELDS.field)
                        .map(|x| self.text(site.unit, x));
                    let owner = o.child_by_field_id(FIELDS.operand);
                    if field == Some("Header")
                        && owner.is_some_and(|x| self.is_http_request(site, x))
                    {
                        return text();
                    }
                }
                if o.kind() == "call_expression" && self.is_url_query(site, o) {
                    return text();
                }
            }
            _ => {}
        }
        if REQUEST_CALLS.contains(&method) && self.is_http_request(site, operand) {
            return text();
        }
        match self.web_context(site, operand) {
            Some(Api::Gin) if GIN_CALLS.contains(&method) => text(),
            Some(Api::Echo) if ECHO_CALLS.contains(&method) => text(),
            _ => None,
        }
    }

    /// `c.Request` of a gin context or `c.Request()` of an echo context.
    fn web_context_request(&self, site: Site<'_, 't>, e: Node<'t>) -> bool {
        let e = unparen(e);
        let sel = match e.kind() {
            "selector_expression" => Some(e),
            "call_expression" => e
                .child_by_field_id(FIELDS.function)
                .filter(|f| f.kind() == "selector_expression"),
            _ => None,
        };
        sel.and_then(|s| s.child_by_field_id(FIELDS.operand))
            .is_some_and(|o| self.web_context(site, o).is_some())
    }

    /// Inside a function (or a closure in one) with an `http.ResponseWriter`
    /// parameter: a request there was received, not sent.
    fn in_http_handler(&self, site: Site<'_, 't>) -> bool {
        site.chain.iter().any(|f| {
            f.child_by_field_id(FIELDS.parameters)
                .map(named_children)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| p.child_by_field_id(FIELDS.type_))
                .any(|t| {
                    self.type_ref(site.unit, t) == (Some(Api::NetHttp), "ResponseWriter", false)
                })
        })
    }

    /// `time.Now()` or `uuid.New…()` (possibly through further method calls).
    fn is_source_call(&self, site: Site<'_, 't>, mut call: Node<'t>) -> bool {
        for _ in 0..MAX_WRAP {
            if let Some((pkg, member)) = self.std_call(site, call) {
                return (pkg == "time" && member == "Now")
                    || (pkg == "uuid"
                        && (member.starts_with("New") || member.starts_with("Must")));
            }
            let Some(operand) = call
                .child_by_field_id(FIELDS.function)
                .filter(|f| f.kind() == "selector_expression")
                .and_then(|f| f.child_by_field_id(FIELDS.operand))
                .map(unparen)
            else {
                return false;
            };
            if operand.kind() != "call_expression" {
                return false;
            }
            call = operand;
        }
        false
    }

    /// `r.URL` of an `*http.Request`.
    fn is_request_url(&self, site: Site<'_, 't>, e: Node<'t>) -> bool {
        let e = unparen(e);
        e.kind() == "selector_expression"
            && e.child_by_field_id(FIELDS.field)
                .is_some_and(|f| self.text(site.unit, f) == "URL")
            && e.child_by_field_id(FIELDS.operand)
                .is_some_and(|o| self.is_http_request(site, o))
    }

    /// `r.URL.Query()`.
    fn is_url_query(&self, site: Site<'_, 't>, call: Node<'t>) -> bool {
        call.child_by_field_id(FIELDS.function)
            .filter(|f| f.kind() == "selector_expression")
            .is_some_and(|f| {
                f.child_by_field_id(FIELDS.field)
                    .is_some_and(|x| self.text(site.unit, x) == "Query")
                    && f.child_by_field_id(FIELDS.operand)
                        .is_some_and(|o| self.is_request_url(site, o))
            })
    }

    /// The entries of a `prometheus.Labels{…}` / `map[string]string{…}`
    /// literal, or of a local holding one (declared once, never assigned).
    pub fn label_keys(&self, site: Site<'_, 't>, e: Node<'t>) -> Option<Vec<LabelKey>> {
        let e = unparen(e);
        let (site, lit) = match e.kind() {
            "composite_literal" => (site, e),
            "identifier" => {
                let t = self.follow(site, e)?;
                (t.site, unparen(t.value))
            }
            _ => return None,
        };
        if lit.kind() != "composite_literal" {
            return None;
        }
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
            let value = elem_expr(el.child_by_field_id(FIELDS.value)?);
            let mut decl = None;
            out.push(LabelKey {
                key: self.fold_str(site, key, 0, &mut decl).into_value(),
                span: self.span(site.unit, key),
                value: self.label_arg(site, value),
            });
        }
        Some(out)
    }
}
