//! Context facts: request scope, `context.Background()`/`TODO()` calls and
//! `context.WithValue` keys and values (C601, C603, C604).

use super::funcs::Mark;
use super::pkg::{call_args, named_children, unparen, Api, DeclKind};
use super::spans::Tx;
use super::values::{Local, Site};
use crate::extract::kinds::FIELDS;
use crate::facts::{
    BackgroundCall, CarriedValue, ContextUse, KeyKind, RequestScope, WithValueCall,
};
use tree_sitter::Node;

/// Where a call sits: its site, its ancestors (root first, the call last)
/// and the marked ones among them.
pub(crate) struct ScopeCx<'a, 't> {
    pub site: Site<'a, 't>,
    pub path: &'a [Node<'t>],
    pub marks: &'a [(usize, Mark<'t>)],
}

/// `pkg.Name` / `*pkg.Name` of a parameter type: (API, name, pointer).
type TypeRef<'t> = Option<(Api, &'t str, bool)>;

const BUILTIN_TYPES: &[&str] = &[
    "string",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "byte",
    "rune",
    "float32",
    "float64",
    "bool",
    "complex64",
    "complex128",
];

impl<'p, 't> Tx<'p, 't> {
    pub fn background_call(&self, cx: &ScopeCx<'_, 't>, call: Node<'t>) -> Option<BackgroundCall> {
        let p = self.pkg;
        let kind = p.background_kind(cx.site, call)?;
        let up = &cx.path[..cx.path.len().saturating_sub(1)];
        let has = |kind: &str| up.iter().any(|n| n.kind() == kind);
        Some(BackgroundCall {
            kind,
            call: p.span(cx.site.unit, call),
            request_scope: self.request_scope(cx.site),
            starts_span: false,
            func: p.func_context(cx.site.unit, cx.marks.iter().map(|m| &m.1)),
            used_as: self.context_use(cx),
            deferred: has("defer_statement"),
            after_cancel: self.after_cancel(cx),
            in_go_statement: has("go_statement"),
        })
    }

    /// What happens to the context the last node of `cx.path` makes, once
    /// `context.With…` wrappers and parentheses are stepped over.
    fn context_use(&self, cx: &ScopeCx<'_, 't>) -> ContextUse {
        let p = self.pkg;
        let u = cx.site.unit;
        let path = cx.path;
        let mut i = path.len() - 1;
        while i > 0 {
            let (node, parent) = (path[i], path[i - 1]);
            match parent.kind() {
                "parenthesized_expression" => i -= 1,
                "binary_expression" => {
                    let op = parent
                        .child_by_field_id(FIELDS.operator)
                        .map(|o| p.text(u, o));
                    return match op {
                        Some("==" | "!=") => ContextUse::Compared,
                        _ => ContextUse::Other,
                    };
                }
                "argument_list" if i >= 2 => {
                    let outer = path[i - 2];
                    let wrapper = p
                        .api_call(cx.site, outer, Api::Context)
                        .is_some_and(|m| m.starts_with("With"));
                    if !wrapper {
                        return ContextUse::Passed;
                    }
                    i -= 2;
                }
                "expression_list" if i >= 2 => {
                    return self.landing(cx, path[i - 2], parent, node);
                }
                "return_statement" | "literal_element" | "keyed_element" => {
                    return ContextUse::Stored;
                }
                _ => return ContextUse::Other,
            }
        }
        ContextUse::Other
    }

    /// `value` (an element of `list`) lands in `stmt`: a local variable is
    /// the context of later calls; a field, an element, a package variable
    /// or a `return` keeps it for later.
    fn landing(
        &self,
        cx: &ScopeCx<'_, 't>,
        stmt: Node<'t>,
        list: Node<'t>,
        value: Node<'t>,
    ) -> ContextUse {
        let p = self.pkg;
        let u = cx.site.unit;
        match stmt.kind() {
            "return_statement" => ContextUse::Stored,
            "var_spec" if cx.site.chain.is_empty() => ContextUse::Stored,
            "var_spec" => ContextUse::Passed,
            "short_var_declaration" | "assignment_statement"
                if stmt.child_by_field_id(FIELDS.right).map(|r| r.id()) == Some(list.id()) =>
            {
                let rights = named_children(list);
                let lefts = stmt
                    .child_by_field_id(FIELDS.left)
                    .map(super::pkg::expressions)
                    .unwrap_or_default();
                let index = if rights.len() == 1 {
                    0
                } else {
                    rights
                        .iter()
                        .position(|r| r.id() == value.id())
                        .unwrap_or(0)
                };
                let Some(target) = lefts.get(index).map(|t| unparen(*t)) else {
                    return ContextUse::Other;
                };
                match target.kind() {
                    "identifier" if stmt.kind() == "short_var_declaration" => ContextUse::Passed,
                    "identifier" => {
                        let name = p.text(u, target);
                        if p.lookup_local(cx.site, name, target.start_byte()).is_some() {
                            ContextUse::Passed
                        } else {
                            ContextUse::Stored
                        }
                    }
                    "selector_expression" | "index_expression" => ContextUse::Stored,
                    _ => ContextUse::Other,
                }
            }
            _ => ContextUse::Other,
        }
    }

    /// The call sits in a branch taken once a context is done: a `case
    /// <-x.Done():` of a `select`, or the body of an `if` whose condition (or
    /// initialiser) calls `x.Err()`.
    fn after_cancel(&self, cx: &ScopeCx<'_, 't>) -> bool {
        let p = self.pkg;
        let u = cx.site.unit;
        cx.path.windows(2).any(|w| {
            let (n, child) = (w[0], w[1]);
            match n.kind() {
                "communication_case" => n
                    .child_by_field_id(FIELDS.communication)
                    .is_some_and(|c| c.id() != child.id() && p.text(u, c).contains(".Done()")),
                "if_statement" => {
                    n.child_by_field_id(FIELDS.consequence).map(|c| c.id()) == Some(child.id())
                        && ["initializer", "condition"].iter().any(|f| {
                            n.child_by_field_name(f)
                                .is_some_and(|c| p.text(u, c).contains(".Err()"))
                        })
                }
                _ => false,
            }
        })
    }

    /// The context visible at a site: from the innermost function outwards,
    /// the first one that has a context, and whether any function around the
    /// site is a request handler. `main` and `init` have none. Test files
    /// (linted with `--include-tests`) are read like any other: a test
    /// function has no request context, an `httptest` handler has one.
    pub fn request_scope(&self, site: Site<'_, 't>) -> Option<RequestScope> {
        let p = self.pkg;
        let mut found: Option<RequestScope> = None;
        let mut handler = false;
        for f in site.chain.iter().rev() {
            if found.is_none() {
                found = self.function_scope(site.unit, *f);
            }
            if p.shape(site.unit, *f).is_request_handler() {
                handler = true;
                break;
            }
            if f.kind() == "function_declaration" {
                let name = f
                    .child_by_field_id(FIELDS.name)
                    .map(|n| p.text(site.unit, n));
                if matches!(name, Some("main" | "init")) {
                    return None;
                }
            }
        }
        found.map(|rs| RequestScope { handler, ..rs })
    }

    /// Which context one function has, from its signature.
    fn function_scope(&self, unit: usize, f: Node<'t>) -> Option<RequestScope> {
        let p = self.pkg;
        let params: Vec<(Option<&'t str>, TypeRef<'t>, Node<'t>)> = f
            .child_by_field_id(FIELDS.parameters)
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|decl| {
                let ty_node = decl.child_by_field_id(FIELDS.type_)?;
                let ty = p.qualified_type(unit, ty_node);
                let mut cursor = decl.walk();
                let names: Vec<Option<&'t str>> = decl
                    .children_by_field_name("name", &mut cursor)
                    .map(|n| Some(p.text(unit, n)))
                    .collect();
                let names = if names.is_empty() { vec![None] } else { names };
                Some(names.into_iter().map(move |n| (n, ty, ty_node)))
            })
            .flatten()
            .collect();
        let scope = |name: Option<&str>, expr: &str, reason: &str| RequestScope {
            use_instead: expr.replace('$', name.filter(|n| *n != "_").unwrap_or("ctx")),
            reason: reason.to_string(),
            handler: false,
        };
        let kinds: &[(Api, &str, bool, &str, &str)] = &[
            (
                Api::Context,
                "Context",
                false,
                "$",
                "context.Context parameter",
            ),
            (
                Api::NetHttp,
                "Request",
                true,
                "$.Context()",
                "*http.Request parameter",
            ),
            (
                Api::Gin,
                "Context",
                true,
                "$.Request.Context()",
                "*gin.Context parameter",
            ),
            (
                Api::Echo,
                "Context",
                false,
                "$.Request().Context()",
                "echo.Context parameter",
            ),
            (
                Api::Fiber,
                "Ctx",
                true,
                "$.UserContext()",
                "*fiber.Ctx parameter",
            ),
        ];
        for (api, ty, ptr, expr, reason) in kinds {
            if let Some((name, _, _)) = params
                .iter()
                .find(|(_, t, _)| *t == Some((*api, *ty, *ptr)))
            {
                return Some(scope(*name, expr, reason));
            }
        }
        params
            .iter()
            .find(|(_, _, ty)| p.is_server_stream(unit, *ty))
            .map(|(name, _, _)| scope(*name, "$.Context()", "gRPC stream"))
    }

    /// A `context.WithValue` call at `site`, inside the marked nodes `marks`
    /// (root first).
    pub fn with_value(
        &self,
        site: Site<'_, 't>,
        marks: &[Mark<'t>],
        call: Node<'t>,
    ) -> Option<WithValueCall> {
        let p = self.pkg;
        if p.api_call(site, call, Api::Context)? != "WithValue" {
            return None;
        }
        let args = call_args(call);
        if args.len() != 3 {
            return None;
        }
        let value = if self.span_expr(site, args[2], 0) {
            CarriedValue::Span
        } else if self.tracer_expr(site, args[2], 0).is_some() {
            CarriedValue::Tracer
        } else {
            CarriedValue::Other
        };
        Some(WithValueCall {
            call: p.span(site.unit, call),
            key: self.key_kind(site, args[1], 0),
            key_span: p.span(site.unit, args[1]),
            value,
            value_span: p.span(site.unit, args[2]),
            func: p.func_context(site.unit, marks.iter()),
        })
    }

    /// C603: the kind of a `WithValue` key.
    fn key_kind(&self, site: Site<'_, 't>, key: Node<'t>, depth: u32) -> KeyKind {
        let p = self.pkg;
        let key = unparen(key);
        if depth > 8 {
            return KeyKind::Unknown;
        }
        match key.kind() {
            "interpreted_string_literal"
            | "raw_string_literal"
            | "int_literal"
            | "float_literal"
            | "rune_literal"
            | "imaginary_literal" => KeyKind::BuiltinLiteral,
            "composite_literal" => KeyKind::Named,
            "unary_expression" => match key.child_by_field_id(FIELDS.operand) {
                Some(o) if unparen(o).kind() == "composite_literal" => KeyKind::Named,
                _ => KeyKind::Unknown,
            },
            "call_expression" => {
                let Some(f) = key.child_by_field_id(FIELDS.function) else {
                    return KeyKind::Unknown;
                };
                let name = p.text(site.unit, f);
                if f.kind() == "identifier" && call_args(key).len() == 1 {
                    if BUILTIN_TYPES.contains(&name) {
                        return KeyKind::BuiltinTyped {
                            type_name: name.to_string(),
                        };
                    }
                    let decl = p.package_decl(site.unit, name);
                    if decl.is_some_and(|d| d.spec.kind() == "type_spec") {
                        return KeyKind::Named;
                    }
                }
                KeyKind::Unknown
            }
            "identifier" => self.ident_key_kind(site, key, depth),
            _ => KeyKind::Unknown,
        }
    }

    fn ident_key_kind(&self, site: Site<'_, 't>, key: Node<'t>, depth: u32) -> KeyKind {
        let p = self.pkg;
        let name = p.text(site.unit, key);
        let (unit, spec, value, is_const, inner) =
            match p.lookup_local(site, name, key.start_byte()) {
                Some(Local::Param) => {
                    let Some(ty) = p.param_type(site, name) else {
                        return KeyKind::Unknown;
                    };
                    return type_kind(p.text(site.unit, ty));
                }
                Some(Local::Bound(i, b)) => {
                    if b.decls != 1 {
                        return KeyKind::Unknown;
                    }
                    let inner = Site {
                        unit: site.unit,
                        chain: &site.chain[..=i],
                    };
                    (site.unit, b.decl, b.value, b.is_const, inner)
                }
                None => {
                    // A key declared in a file not walked: its sibling is
                    // parsed for it (`package_decl` notes the name missing).
                    let Some(d) = p.package_decl(site.unit, name).filter(|d| !d.ambiguous) else {
                        return KeyKind::Unknown;
                    };
                    if d.kind == DeclKind::Other {
                        return KeyKind::Unknown;
                    }
                    (
                        d.unit,
                        d.spec,
                        d.value,
                        d.kind == DeclKind::Const,
                        Site::package(d.unit),
                    )
                }
            };
        if matches!(spec.kind(), "var_spec" | "const_spec") {
            if let Some(ty) = spec.child_by_field_id(FIELDS.type_) {
                return type_kind(p.text(unit, ty));
            }
        }
        if spec.kind() == "const_spec" && spec.child_by_field_id(FIELDS.value).is_none() {
            // `const ( a = iota; b )`: `b` repeats the last spec with a value.
            let mut prev = spec.prev_named_sibling();
            while let Some(s) = prev {
                if s.kind() == "const_spec" && s.child_by_field_id(FIELDS.value).is_some() {
                    return match s.child_by_field_id(FIELDS.type_) {
                        Some(ty) => type_kind(p.text(unit, ty)),
                        None => KeyKind::BuiltinLiteral,
                    };
                }
                prev = s.prev_named_sibling();
            }
            return KeyKind::Unknown;
        }
        let Some(value) = value.map(unparen) else {
            return KeyKind::Unknown;
        };
        match self.key_kind(inner, value, depth + 1) {
            // An untyped constant stays untyped; a variable takes the default type.
            KeyKind::BuiltinLiteral if is_const => KeyKind::BuiltinLiteral,
            KeyKind::BuiltinLiteral => KeyKind::BuiltinTyped {
                type_name: default_type(value.kind()).to_string(),
            },
            other => other,
        }
    }
}

fn type_kind(ty: &str) -> KeyKind {
    if BUILTIN_TYPES.contains(&ty) {
        KeyKind::BuiltinTyped {
            type_name: ty.to_string(),
        }
    } else if ty == "any" || ty.starts_with("interface") {
        KeyKind::Unknown
    } else {
        KeyKind::Named
    }
}

fn default_type(literal_kind: &str) -> &'static str {
    match literal_kind {
        "int_literal" => "int",
        "float_literal" => "float64",
        "rune_literal" => "rune",
        "imaginary_literal" => "complex128",
        _ => "string",
    }
}
