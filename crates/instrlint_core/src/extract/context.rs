//! Context facts: request scope, `context.Background()`/`TODO()` calls and
//! `context.WithValue` keys and values (C601, C603, C604).

use super::funcs::Mark;
use super::pkg::{call_args, named_children, unparen, Api, DeclKind};
use super::spans::Tx;
use super::values::{Local, Site};
use crate::facts::{BackgroundCall, CarriedValue, KeyKind, RequestScope, WithValueCall};
use tree_sitter::Node;

/// Where a call sits: its site, its file's test flag and its marked ancestors.
pub(crate) struct ScopeCx<'a, 't> {
    pub site: Site<'a, 't>,
    pub is_test: bool,
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
        Some(BackgroundCall {
            kind,
            call: p.span(cx.site.unit, call),
            request_scope: self.request_scope(cx),
            starts_span: false,
            func: p.func_context(cx.site.unit, cx.marks.iter().map(|m| &m.1)),
        })
    }

    /// The request context visible at a site: from the innermost function
    /// outwards, the first one that has a request context. `main`, `init`
    /// and test files have none.
    pub fn request_scope(&self, cx: &ScopeCx<'_, 't>) -> Option<RequestScope> {
        if cx.is_test {
            return None;
        }
        let p = self.pkg;
        for f in cx.site.chain.iter().rev() {
            if let Some(rs) = self.function_scope(cx.site.unit, *f) {
                return Some(rs);
            }
            if f.kind() == "function_declaration" {
                let name = f
                    .child_by_field_name("name")
                    .map(|n| p.text(cx.site.unit, n));
                if matches!(name, Some("main" | "init")) {
                    return None;
                }
            }
        }
        None
    }

    /// Why one function has a request context, from its signature.
    fn function_scope(&self, unit: usize, f: Node<'t>) -> Option<RequestScope> {
        let p = self.pkg;
        let params: Vec<(Option<&'t str>, TypeRef<'t>)> = f
            .child_by_field_name("parameters")
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .flat_map(|decl| {
                let ty = decl
                    .child_by_field_name("type")
                    .and_then(|t| p.qualified_type(unit, t));
                let mut cursor = decl.walk();
                let names: Vec<Option<&'t str>> = decl
                    .children_by_field_name("name", &mut cursor)
                    .map(|n| Some(p.text(unit, n)))
                    .collect();
                let names = if names.is_empty() { vec![None] } else { names };
                names.into_iter().map(move |n| (n, ty))
            })
            .collect();
        let scope = |name: Option<&str>, expr: &str, reason: &str| RequestScope {
            use_instead: expr.replace('$', name.filter(|n| *n != "_").unwrap_or("ctx")),
            reason: reason.to_string(),
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
            (
                Api::Grpc,
                "ServerStream",
                false,
                "$.Context()",
                "gRPC interceptor",
            ),
        ];
        for (api, ty, ptr, expr, reason) in kinds {
            if let Some((name, _)) = params.iter().find(|(_, t)| *t == Some((*api, *ty, *ptr))) {
                return Some(scope(*name, expr, reason));
            }
        }
        let is_handler =
            |t: &Option<(Api, &str, bool)>| *t == Some((Api::NetHttp, "Handler", false));
        let result = f.child_by_field_name("result").and_then(|r| {
            if r.kind() == "parameter_list" {
                let list = named_children(r);
                (list.len() == 1)
                    .then(|| list[0].child_by_field_name("type"))
                    .flatten()
            } else {
                Some(r)
            }
        });
        let result_handler = result.is_some_and(|r| is_handler(&p.qualified_type(unit, r)));
        if params.len() == 1 && is_handler(&params[0].1) && result_handler {
            return Some(RequestScope {
                use_instead: "r.Context()".into(),
                reason: "HTTP middleware".into(),
            });
        }
        None
    }

    pub fn with_value(&self, cx: &ScopeCx<'_, 't>, call: Node<'t>) -> Option<WithValueCall> {
        let p = self.pkg;
        if p.api_call(cx.site, call, Api::Context)? != "WithValue" {
            return None;
        }
        let args = call_args(call);
        if args.len() != 3 {
            return None;
        }
        let value = if self.span_expr(cx.site, args[2], 0) {
            CarriedValue::Span
        } else if self.tracer_expr(cx.site, args[2], 0).is_some() {
            CarriedValue::Tracer
        } else {
            CarriedValue::Other
        };
        Some(WithValueCall {
            call: p.span(cx.site.unit, call),
            key: self.key_kind(cx.site, args[1], 0),
            key_span: p.span(cx.site.unit, args[1]),
            value,
            value_span: p.span(cx.site.unit, args[2]),
            func: p.func_context(cx.site.unit, cx.marks.iter().map(|m| &m.1)),
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
            "unary_expression" => match key.child_by_field_name("operand") {
                Some(o) if unparen(o).kind() == "composite_literal" => KeyKind::Named,
                _ => KeyKind::Unknown,
            },
            "call_expression" => {
                let Some(f) = key.child_by_field_name("function") else {
                    return KeyKind::Unknown;
                };
                let name = p.text(site.unit, f);
                if f.kind() == "identifier" && call_args(key).len() == 1 {
                    if BUILTIN_TYPES.contains(&name) {
                        return KeyKind::BuiltinTyped {
                            type_name: name.to_string(),
                        };
                    }
                    if p.decls
                        .get(name)
                        .is_some_and(|d| d.spec.kind() == "type_spec")
                    {
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
                    let Some(d) = p.decls.get(name).filter(|d| !d.ambiguous) else {
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
            if let Some(ty) = spec.child_by_field_name("type") {
                return type_kind(p.text(unit, ty));
            }
        }
        if spec.kind() == "const_spec" && spec.child_by_field_name("value").is_none() {
            // `const ( a = iota; b )`: `b` repeats the last spec with a value.
            let mut prev = spec.prev_named_sibling();
            while let Some(s) = prev {
                if s.kind() == "const_spec" && s.child_by_field_name("value").is_some() {
                    return match s.child_by_field_name("type") {
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
