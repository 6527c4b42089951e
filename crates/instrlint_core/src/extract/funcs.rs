//! Classifies where a node runs: the enclosing named function, closures,
//! loops and goroutines, read off the ancestor path of the walk.

use super::pkg::{named_children, Api, Pkg};
use crate::facts::{FuncContext, FuncKind};
use tree_sitter::Node;

/// A function signature's shape, as far as the rules care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Handler,
    Middleware,
    Interceptor,
    Plain,
}

impl<'t> Pkg<'t> {
    /// Context of the node at the end of `path` (root first).
    pub fn func_context(&self, unit: usize, path: &[Node<'t>]) -> FuncContext {
        let mut ctx = FuncContext::package_level();
        let mut in_middleware = false;
        let mut returned_or_wrapped = false;
        for (i, n) in path.iter().enumerate() {
            match n.kind() {
                "function_declaration" | "method_declaration" => {
                    let name = n.child_by_field_name("name").map(|x| self.text(unit, x));
                    let shape = self.shape(unit, *n);
                    ctx.kind = self.classify(n.kind(), name.unwrap_or(""), shape);
                    ctx.name = name.map(str::to_string);
                    ctx.receiver = (n.kind() == "method_declaration")
                        .then(|| self.receiver_type(unit, *n))
                        .flatten();
                    in_middleware = shape == Shape::Middleware;
                    returned_or_wrapped = false;
                }
                "func_literal" => {
                    let shape = self.shape(unit, *n);
                    ctx.in_closure = true;
                    ctx.in_loop = false;
                    if matches!(shape, Shape::Handler | Shape::Interceptor) {
                        ctx.in_handler_closure = true;
                    }
                    if in_middleware && (returned_or_wrapped || shape == Shape::Handler) {
                        ctx.in_middleware_handler = true;
                    }
                    if shape == Shape::Middleware {
                        in_middleware = true;
                        returned_or_wrapped = false;
                    }
                    let started_by_go = i >= 2
                        && path[i - 2].kind() == "go_statement"
                        && path[i - 1].kind() == "call_expression"
                        && path[i - 1].child_by_field_name("function").map(|f| f.id())
                            == Some(n.id());
                    if started_by_go {
                        ctx.in_go = true;
                    }
                }
                "for_statement" => {
                    let body = n.child_by_field_name("body").map(|b| b.id());
                    if path.get(i + 1).map(|c| c.id()) == body && body.is_some() {
                        ctx.in_loop = true;
                    }
                }
                "return_statement" => returned_or_wrapped = true,
                "call_expression" if in_middleware => {
                    let wraps = n
                        .child_by_field_name("function")
                        .is_some_and(|f| self.text(unit, f).ends_with("HandlerFunc"));
                    if wraps {
                        returned_or_wrapped = true;
                    }
                }
                _ => {}
            }
        }
        ctx
    }

    fn classify(&self, kind: &str, name: &str, shape: Shape) -> FuncKind {
        if kind == "function_declaration" && name == "init" {
            return FuncKind::Init;
        }
        if kind == "function_declaration" && name == "main" && self.name == "main" {
            return FuncKind::Main;
        }
        match shape {
            Shape::Handler => return FuncKind::HttpHandler,
            Shape::Middleware => return FuncKind::HttpMiddleware,
            Shape::Interceptor => return FuncKind::GrpcInterceptor,
            Shape::Plain => {}
        }
        let lower = name.to_ascii_lowercase();
        if ["new", "register", "setup", "init"]
            .iter()
            .any(|p| lower.starts_with(p))
        {
            FuncKind::Constructor
        } else {
            FuncKind::Other
        }
    }

    fn receiver_type(&self, unit: usize, method: Node<'t>) -> Option<String> {
        let list = method.child_by_field_name("receiver")?;
        let param = *named_children(list).first()?;
        let mut ty = param.child_by_field_name("type")?;
        loop {
            match ty.kind() {
                "pointer_type" | "parenthesized_type" => ty = *named_children(ty).first()?,
                "generic_type" => ty = ty.child_by_field_name("type")?,
                _ => break,
            }
        }
        Some(self.text(unit, ty).to_string())
    }

    fn shape(&self, unit: usize, f: Node<'t>) -> Shape {
        let params = f
            .child_by_field_name("parameters")
            .map(|p| self.param_types(p))
            .unwrap_or_default();
        let types: Vec<(Option<Api>, &str, bool)> =
            params.iter().map(|t| self.type_ref(unit, *t)).collect();
        let is = |t: &(Option<Api>, &str, bool), api: Api, name: &str, ptr: bool| {
            t.0 == Some(api) && t.1 == name && t.2 == ptr
        };
        if types.len() == 2
            && is(&types[0], Api::NetHttp, "ResponseWriter", false)
            && is(&types[1], Api::NetHttp, "Request", true)
        {
            return Shape::Handler;
        }
        if types
            .iter()
            .any(|t| is(t, Api::Gin, "Context", true) || is(t, Api::Echo, "Context", false))
        {
            return Shape::Handler;
        }
        const GRPC: &[&str] = &[
            "UnaryServerInfo",
            "StreamServerInfo",
            "UnaryHandler",
            "StreamHandler",
            "UnaryInvoker",
            "Streamer",
        ];
        if types
            .iter()
            .any(|t| t.0 == Some(Api::Grpc) && GRPC.contains(&t.1))
        {
            return Shape::Interceptor;
        }
        if types.len() == 1 && is(&types[0], Api::NetHttp, "Handler", false) {
            let result = f.child_by_field_name("result");
            let result_types = match result {
                Some(r) if r.kind() == "parameter_list" => self.param_types(r),
                Some(r) => vec![r],
                None => vec![],
            };
            if result_types.len() == 1
                && is(
                    &self.type_ref(unit, result_types[0]),
                    Api::NetHttp,
                    "Handler",
                    false,
                )
            {
                return Shape::Middleware;
            }
        }
        Shape::Plain
    }

    /// One type node per parameter (`a, b T` gives two).
    fn param_types(&self, list: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        for p in named_children(list) {
            let Some(ty) = p.child_by_field_name("type") else {
                continue;
            };
            let mut cursor = p.walk();
            let names = p
                .children_by_field_name("name", &mut cursor)
                .filter(|x| x.kind() == "identifier")
                .count()
                .max(1);
            out.extend(std::iter::repeat_n(ty, names));
        }
        out
    }

    /// `pkg.Name` or `*pkg.Name` → (API of `pkg`, `Name`, is pointer).
    fn type_ref(&self, unit: usize, mut ty: Node<'t>) -> (Option<Api>, &'t str, bool) {
        let mut ptr = false;
        if ty.kind() == "pointer_type" {
            ptr = true;
            match named_children(ty).first() {
                Some(inner) => ty = *inner,
                None => return (None, "", ptr),
            }
        }
        if ty.kind() != "qualified_type" {
            return (None, "", ptr);
        }
        let pkg = ty
            .child_by_field_name("package")
            .map(|p| self.text(unit, p))
            .unwrap_or("");
        let name = ty
            .child_by_field_name("name")
            .map(|p| self.text(unit, p))
            .unwrap_or("");
        (self.import_api(unit, pkg), name, ptr)
    }
}
