//! Classifies where a node runs: the enclosing named function, closures,
//! loops and goroutines, read off the marked ancestors of the walk.

use super::kinds::KINDS;
use super::pkg::{named_children, Api, Pkg};
use crate::extract::kinds::FIELDS;
use crate::facts::{FuncContext, FuncKind};
use tree_sitter::Node;

/// A function signature's shape, as far as the rules care (RULES.md,
/// "Request handlers").
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// An HTTP handler: `http.ResponseWriter` and `*http.Request` parameters
    /// (whatever else it takes), a `ServeHTTP` method, or a gin / echo / fiber
    /// handler.
    Handler,
    /// `func(http.Handler) http.Handler`: its outer body runs once per wrap.
    Middleware,
    /// A gRPC interceptor (server or client).
    Interceptor,
    /// A gRPC server method: an exported method of a type that embeds a
    /// generated `Unimplemented…Server` taking a `context.Context` first, or a
    /// function whose stream parameter is `grpc.ServerStream` or a generated
    /// `…_…Server` stream interface.
    GrpcMethod,
    Plain,
}

impl Shape {
    /// Its body runs once per request (RULES.md, "Request handlers").
    pub fn is_request_handler(self) -> bool {
        matches!(
            self,
            Shape::Handler | Shape::Interceptor | Shape::GrpcMethod
        )
    }
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
    #[inline]
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
                            && p.child_by_field_id(FIELDS.function).map(|f| f.id()) == Some(n.id())
                    });
                Some(Mark::Closure { node: n, by_go })
            }
            id if id == k.block => parent
                .filter(|p| p.kind_id() == k.for_statement)
                .and_then(|p| p.child_by_field_id(FIELDS.body))
                .filter(|b| b.id() == n.id())
                .map(|_| Mark::LoopBody),
            id if id == k.return_statement => Some(Mark::Return),
            id if id == k.call_expression => n
                .child_by_field_id(FIELDS.function)
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
                    let name = n.child_by_field_id(FIELDS.name).map(|x| self.text(unit, x));
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
                    if shape.is_request_handler() {
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
            Shape::GrpcMethod => return FuncKind::GrpcMethod,
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

    pub(crate) fn receiver_type(&self, unit: usize, method: Node<'t>) -> Option<String> {
        let list = method.child_by_field_id(FIELDS.receiver)?;
        let param = *named_children(list).first()?;
        let mut ty = param.child_by_field_id(FIELDS.type_)?;
        loop {
            match ty.kind() {
                "pointer_type" | "parenthesized_type" => ty = *named_children(ty).first()?,
                "generic_type" => ty = ty.child_by_field_id(FIELDS.type_)?,
                _ => break,
            }
        }
        Some(self.text(unit, ty).to_string())
    }

    /// The shape of a function declaration, method or literal.
    pub(crate) fn shape(&self, unit: usize, f: Node<'t>) -> Shape {
        let params = f
            .child_by_field_id(FIELDS.parameters)
            .map(|p| self.param_types(p))
            .unwrap_or_default();
        let types: Vec<(Option<Api>, &str, bool)> =
            params.iter().map(|t| self.type_ref(unit, *t)).collect();
        let is = |t: &(Option<Api>, &str, bool), api: Api, name: &str, ptr: bool| {
            t.0 == Some(api) && t.1 == name && t.2 == ptr
        };
        let name = f
            .child_by_field_id(FIELDS.name)
            .map(|n| self.text(unit, n))
            .unwrap_or("");
        let is_method = f.kind() == "method_declaration";
        let http = types
            .iter()
            .any(|t| is(t, Api::NetHttp, "ResponseWriter", false))
            && types.iter().any(|t| is(t, Api::NetHttp, "Request", true));
        if http || (is_method && name == "ServeHTTP") {
            return Shape::Handler;
        }
        if types.iter().any(|t| {
            is(t, Api::Gin, "Context", true)
                || is(t, Api::Echo, "Context", false)
                || is(t, Api::Fiber, "Ctx", true)
        }) {
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
        if params.iter().any(|t| self.is_server_stream(unit, *t)) {
            return Shape::GrpcMethod;
        }
        if is_method && self.is_grpc_unary_method(unit, f, name, &types) {
            return Shape::GrpcMethod;
        }
        if types.len() == 1 && is(&types[0], Api::NetHttp, "Handler", false) {
            let result = f.child_by_field_id(FIELDS.result);
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

    /// `grpc.ServerStream`, or a generated server-stream interface
    /// `Service_MethodServer` (`pb.Room_ListViewersServer`, or unqualified in
    /// the generated package itself).
    pub(crate) fn is_server_stream(&self, unit: usize, ty: Node<'t>) -> bool {
        let (api, name) = match ty.kind() {
            "qualified_type" => {
                let (api, name, _) = self.type_ref(unit, ty);
                (api, name)
            }
            "type_identifier" => (None, self.text(unit, ty)),
            _ => return false,
        };
        if api == Some(Api::Grpc) {
            return name == "ServerStream";
        }
        generated_stream_name(name)
    }

    /// An exported method `(ctx context.Context, req *X) (*Y, error)` of a
    /// type that embeds a generated `Unimplemented…Server` (declared in any
    /// file of the package).
    fn is_grpc_unary_method(
        &self,
        unit: usize,
        f: Node<'t>,
        name: &str,
        types: &[(Option<Api>, &str, bool)],
    ) -> bool {
        if !name.starts_with(|c: char| c.is_ascii_uppercase())
            || types.len() != 2
            || types[0] != (Some(Api::Context), "Context", false)
        {
            return false;
        }
        let Some(receiver) = self.receiver_type(unit, f) else {
            return false;
        };
        let Some(decl) = self.package_decl(unit, &receiver) else {
            return false;
        };
        if decl.ambiguous || decl.spec.kind() != "type_spec" {
            return false;
        }
        let Some(st) = decl
            .spec
            .child_by_field_id(FIELDS.type_)
            .filter(|t| t.kind() == "struct_type")
        else {
            return false;
        };
        let fields = named_children(st)
            .into_iter()
            .filter(|n| n.kind() == "field_declaration_list")
            .flat_map(named_children);
        for field in fields {
            if field.kind() != "field_declaration" || field.child_by_field_id(FIELDS.name).is_some()
            {
                continue;
            }
            let Some(mut ty) = field.child_by_field_id(FIELDS.type_) else {
                continue;
            };
            if ty.kind() == "pointer_type" {
                match named_children(ty).first() {
                    Some(inner) => ty = *inner,
                    None => continue,
                }
            }
            let embedded = match ty.kind() {
                "qualified_type" => ty
                    .child_by_field_id(FIELDS.name)
                    .map(|n| self.text(decl.unit, n)),
                "type_identifier" => Some(self.text(decl.unit, ty)),
                _ => None,
            };
            if embedded.is_some_and(|e| {
                e.len() > "UnimplementedServer".len()
                    && e.starts_with("Unimplemented")
                    && e.ends_with("Server")
            }) {
                return true;
            }
        }
        false
    }

    /// One type node per parameter (`a, b T` gives two).
    fn param_types(&self, list: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        for p in named_children(list) {
            let Some(ty) = p.child_by_field_id(FIELDS.type_) else {
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
            .child_by_field_id(FIELDS.package)
            .map(|p| self.text(unit, p))
            .unwrap_or("");
        let name = ty
            .child_by_field_id(FIELDS.name)
            .map(|p| self.text(unit, p))
            .unwrap_or("");
        (self.import_api(unit, pkg), name, ptr)
    }
}

/// `Room_ListViewersServer`: what protoc-gen-go-grpc names the stream of a
/// server-streaming method (`<Service>_<Method>Server`).
pub(crate) fn generated_stream_name(name: &str) -> bool {
    let Some(base) = name.strip_suffix("Server") else {
        return false;
    };
    match base.split_once('_') {
        Some((service, method)) => {
            service.starts_with(|c: char| c.is_ascii_uppercase())
                && method.starts_with(|c: char| c.is_ascii_uppercase())
        }
        None => false,
    }
}
