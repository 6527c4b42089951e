//! Classifies where a node runs: the enclosing named function, closures,
//! loops and goroutines, read off the marked ancestors of the walk.

use super::kinds::KINDS;
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

/// An ancestor that matters for [`FuncContext`], recorded when the walk
/// enters it so that classifying a node never rescans the whole path.
#[derive(Clone, Copy)]
pub(crate) enum Mark<'t> {
    Func(Node<'t>),
    Closure {
        node: Node<'t>,
        by_go: bool,
    },
    LoopBody,
    Return,
    /// A `…HandlerFunc(…)` call.
    Wrap,
}

impl<'t> Mark<'t> {
    /// The function node a mark opens, if any.
    pub fn function(&self) -> Option<Node<'t>> {
        match self {
            Mark::Func(n) | Mark::Closure { node: n, .. } => Some(*n),
            _ => None,
        }
    }

    /// The mark for the last node of `path` (root first), if it is one.
    pub fn of(text: &str, path: &[Node<'t>]) -> Option<Mark<'t>> {
        let (&n, up) = path.split_last()?;
        let parent = up.last();
        let k = &*KINDS;
        match n.kind_id() {
            id if id == k.function_declaration || id == k.method_declaration => Some(Mark::Func(n)),
            id if id == k.func_literal => {
                let by_go = up.len() >= 2
                    && up[up.len() - 2].kind_id() == k.go_statement
                    && parent.is_some_and(|p| {
                        p.kind_id() == k.call_expression
                            && p.child_by_field_name("function").map(|f| f.id()) == Some(n.id())
                    });
                Some(Mark::Closure { node: n, by_go })
            }
            id if id == k.block => parent
                .filter(|p| p.kind_id() == k.for_statement)
                .and_then(|p| p.child_by_field_name("body"))
                .filter(|b| b.id() == n.id())
                .map(|_| Mark::LoopBody),
            id if id == k.return_statement => Some(Mark::Return),
            id if id == k.call_expression => n
                .child_by_field_name("function")
                .and_then(|f| text.get(f.byte_range()))
                .filter(|t| t.ends_with("HandlerFunc"))
                .map(|_| Mark::Wrap),
            _ => None,
        }
    }
}

impl<'t> Pkg<'t> {
    /// Context of a node whose marked ancestors are `marks` (root first).
    pub fn func_context<'m>(
        &self,
        unit: usize,
        marks: impl Iterator<Item = &'m Mark<'t>>,
    ) -> FuncContext
    where
        't: 'm,
    {
        let mut ctx = FuncContext::package_level();
        let mut in_middleware = false;
        let mut returned_or_wrapped = false;
        for mark in marks {
            match *mark {
                Mark::Func(n) => {
                    let name = n.child_by_field_name("name").map(|x| self.text(unit, x));
                    let shape = self.shape(unit, n);
                    ctx.kind = self.classify(n.kind(), name.unwrap_or(""), shape);
                    ctx.name = name.map(str::to_string);
                    ctx.receiver = (n.kind() == "method_declaration")
                        .then(|| self.receiver_type(unit, n))
                        .flatten();
                    in_middleware = shape == Shape::Middleware;
                    returned_or_wrapped = false;
                }
                Mark::Closure { node, by_go } => {
                    let shape = self.shape(unit, node);
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
                    ctx.in_go |= by_go;
                }
                Mark::LoopBody => ctx.in_loop = true,
                Mark::Return | Mark::Wrap => returned_or_wrapped = true,
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
    pub(crate) fn type_ref(&self, unit: usize, mut ty: Node<'t>) -> (Option<Api>, &'t str, bool) {
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
