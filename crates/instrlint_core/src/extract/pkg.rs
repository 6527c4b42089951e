//! The package being extracted: its parsed files, their imports, and an index
//! of package-level declarations across all of them.

use super::literals::decode_string;
use super::locals::{FuncScope, Writes};
use crate::source::{SourceFile, Span};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tree_sitter::{Node, Tree};

/// Import paths the extractor cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    Prometheus,
    Promauto,
    NetHttp,
    Gin,
    Echo,
    Grpc,
    /// `go.opentelemetry.io/otel`
    Otel,
    /// `go.opentelemetry.io/otel/trace`
    OtelTrace,
    /// `go.opentelemetry.io/otel/attribute`
    OtelAttribute,
    /// `go.opentelemetry.io/otel/codes`
    OtelCodes,
    /// `go.opentelemetry.io/otel/metric`
    OtelMetric,
    /// `github.com/opentracing/opentracing-go`
    OpenTracing,
    /// `github.com/opentracing/opentracing-go/ext`
    OpenTracingExt,
    /// `github.com/opentracing/opentracing-go/log`
    OpenTracingLog,
    /// `context`
    Context,
    /// `github.com/gofiber/fiber/vN`
    Fiber,
    /// `os`, `log`, `fmt`, `errors` (terminators, formatted names, error values).
    Os,
    Log,
    Fmt,
    Errors,
    /// `github.com/prometheus/client_golang/api/prometheus/v1` (the HTTP API client).
    PromApiV1,
    Other,
}

impl Api {
    fn from_path(path: &str) -> Api {
        match path {
            "github.com/prometheus/client_golang/prometheus" => Api::Prometheus,
            "github.com/prometheus/client_golang/prometheus/promauto" => Api::Promauto,
            "net/http" => Api::NetHttp,
            "github.com/gin-gonic/gin" => Api::Gin,
            "google.golang.org/grpc" => Api::Grpc,
            "go.opentelemetry.io/otel" => Api::Otel,
            "go.opentelemetry.io/otel/trace" => Api::OtelTrace,
            "go.opentelemetry.io/otel/attribute" => Api::OtelAttribute,
            "go.opentelemetry.io/otel/codes" => Api::OtelCodes,
            "go.opentelemetry.io/otel/metric" => Api::OtelMetric,
            "github.com/opentracing/opentracing-go" => Api::OpenTracing,
            "github.com/opentracing/opentracing-go/ext" => Api::OpenTracingExt,
            "github.com/opentracing/opentracing-go/log" => Api::OpenTracingLog,
            "context" => Api::Context,
            "os" => Api::Os,
            "log" => Api::Log,
            "fmt" => Api::Fmt,
            "errors" => Api::Errors,
            "github.com/prometheus/client_golang/api/prometheus/v1" => Api::PromApiV1,
            p if p == "github.com/gofiber/fiber" || p.starts_with("github.com/gofiber/fiber/v") => {
                Api::Fiber
            }
            p if p == "github.com/labstack/echo" || p.starts_with("github.com/labstack/echo/v") => {
                Api::Echo
            }
            _ => Api::Other,
        }
    }
}

pub(crate) struct Unit<'t> {
    pub src: &'t SourceFile,
    pub root: Node<'t>,
    /// Local import name → API (dot and blank imports excluded).
    pub imports: HashMap<&'t str, Api>,
    /// APIs imported with `.`.
    pub dots: Vec<Api>,
    /// Local import name → import path (dot and blank imports excluded).
    pub paths: HashMap<&'t str, String>,
    /// Facts are extracted from this file (it passed the prefilter); other
    /// units only lend their declarations.
    pub walk: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DeclKind {
    Const,
    Var,
    Other,
}

#[derive(Clone, Copy)]
pub(crate) struct Decl<'t> {
    pub unit: usize,
    pub kind: DeclKind,
    pub value: Option<Node<'t>>,
    /// The `const_spec` / `var_spec` (or whole declaration for functions and types).
    pub spec: Node<'t>,
    /// Declared more than once (e.g. per-OS files): never resolved.
    pub ambiguous: bool,
}

pub(crate) struct Pkg<'t> {
    pub name: &'t str,
    pub units: Vec<Unit<'t>>,
    pub decls: HashMap<&'t str, Decl<'t>>,
    pub scopes: RefCell<HashMap<(usize, usize), Rc<FuncScope<'t>>>>,
    /// Per unit, where names are written (built on first use).
    pub writes: RefCell<HashMap<usize, Rc<Writes<'t>>>>,
    /// Names looked up that no parsed file declares, so that only the
    /// siblings that mention one of them are parsed.
    pub missing_names: RefCell<Vec<String>>,
}

impl<'t> Pkg<'t> {
    pub fn new(name: &'t str, parsed: &'t [(usize, bool, Tree)], files: &[&'t SourceFile]) -> Self {
        let mut pkg = Pkg {
            name,
            units: Vec::with_capacity(parsed.len()),
            decls: HashMap::new(),
            scopes: RefCell::new(HashMap::new()),
            writes: RefCell::new(HashMap::new()),
            missing_names: RefCell::new(Vec::new()),
        };
        for (idx, walk, tree) in parsed {
            let src = files[*idx];
            let root = tree.root_node();
            let u = pkg.units.len();
            pkg.units.push(Unit {
                src,
                root,
                imports: HashMap::new(),
                dots: Vec::new(),
                paths: HashMap::new(),
                walk: *walk,
            });
            pkg.index_unit(u);
        }
        pkg
    }

    pub fn text(&self, unit: usize, n: Node<'_>) -> &'t str {
        self.units[unit].src.text.get(n.byte_range()).unwrap_or("")
    }

    pub fn span(&self, unit: usize, n: Node<'_>) -> Span {
        Span::new(
            self.units[unit].src.id,
            n.start_byte() as u32,
            n.end_byte() as u32,
        )
    }

    /// The API an identifier names as an import in `unit`.
    pub fn import_api(&self, unit: usize, name: &str) -> Option<Api> {
        self.units[unit].imports.get(name).copied()
    }

    pub fn has_dot(&self, unit: usize, api: Api) -> bool {
        self.units[unit].dots.contains(&api)
    }

    fn index_unit(&mut self, u: usize) {
        let root = self.units[u].root;
        let mut cursor = root.walk();
        let tops: Vec<Node<'t>> = root.named_children(&mut cursor).collect();
        for top in tops {
            match top.kind() {
                "import_declaration" => self.index_imports(u, top),
                "const_declaration" => {
                    for spec in named_of_kind(top, "const_spec") {
                        self.index_spec(u, spec, DeclKind::Const);
                    }
                }
                "var_declaration" => {
                    for child in named_children(top) {
                        match child.kind() {
                            "var_spec" => self.index_spec(u, child, DeclKind::Var),
                            "var_spec_list" => {
                                for spec in named_of_kind(child, "var_spec") {
                                    self.index_spec(u, spec, DeclKind::Var);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "function_declaration" => {
                    if let Some(name) = top.child_by_field_name("name") {
                        self.add_decl(self.text(u, name), u, DeclKind::Other, None, top);
                    }
                }
                "type_declaration" => {
                    for spec in named_children(top) {
                        if let Some(name) = spec.child_by_field_name("name") {
                            self.add_decl(self.text(u, name), u, DeclKind::Other, None, spec);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn index_imports(&mut self, u: usize, decl: Node<'t>) {
        let mut specs = named_of_kind(decl, "import_spec");
        for list in named_of_kind(decl, "import_spec_list") {
            specs.extend(named_of_kind(list, "import_spec"));
        }
        for spec in specs {
            let Some(path_node) = spec.child_by_field_name("path") else {
                continue;
            };
            let Some(path) = decode_string(self.text(u, path_node)) else {
                continue;
            };
            let Ok(path) = std::str::from_utf8(&path) else {
                continue;
            };
            let api = Api::from_path(path);
            match spec.child_by_field_name("name") {
                Some(n) if n.kind() == "dot" => self.units[u].dots.push(api),
                Some(n) if n.kind() == "blank_identifier" => {}
                Some(n) => {
                    let local = self.text(u, n);
                    self.units[u].imports.insert(local, api);
                    self.units[u].paths.insert(local, path.to_string());
                }
                None => {
                    let local = default_import_name(
                        self.units[u]
                            .src
                            .text
                            .get(path_node.byte_range())
                            .unwrap_or(""),
                    );
                    self.units[u].imports.insert(local, api);
                    self.units[u].paths.insert(local, path.to_string());
                }
            }
        }
    }

    fn index_spec(&mut self, u: usize, spec: Node<'t>, kind: DeclKind) {
        let mut cursor = spec.walk();
        let names: Vec<Node<'t>> = spec
            .children_by_field_name("name", &mut cursor)
            .filter(|n| n.kind() == "identifier")
            .collect();
        let values: Vec<Node<'t>> = spec
            .child_by_field_name("value")
            .map(expressions)
            .unwrap_or_default();
        for (i, name) in names.iter().enumerate() {
            let value = if values.len() == names.len() {
                Some(values[i])
            } else {
                None
            };
            let text = self.text(u, *name);
            if text != "_" {
                self.add_decl(text, u, kind, value, spec);
            }
        }
    }

    fn add_decl(
        &mut self,
        name: &'t str,
        unit: usize,
        kind: DeclKind,
        value: Option<Node<'t>>,
        spec: Node<'t>,
    ) {
        self.decls
            .entry(name)
            .and_modify(|d| d.ambiguous = true)
            .or_insert(Decl {
                unit,
                kind,
                value,
                spec,
                ambiguous: false,
            });
    }
}

/// The last path element of a quoted import path, the Go default local name.
/// The `/vN` major-version suffix is not a package name, so `echo/v4` → `echo`.
fn default_import_name(quoted: &str) -> &str {
    let path = quoted.trim_matches(|c| c == '"' || c == '`');
    let mut parts = path.rsplit('/');
    let last = parts.next().unwrap_or(path);
    let is_major =
        last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    match (is_major, parts.next()) {
        (true, Some(prev)) => prev,
        _ => last,
    }
}

/// Named children, comments excluded.
pub(crate) fn named_children<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

pub(crate) fn named_of_kind<'t>(n: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor)
        .filter(|c| c.kind() == kind)
        .collect()
}

/// The expressions of an `expression_list` (or the node itself).
pub(crate) fn expressions(n: Node<'_>) -> Vec<Node<'_>> {
    if n.kind() == "expression_list" {
        named_children(n)
    } else {
        vec![n]
    }
}

/// Arguments of a call, comments excluded.
pub(crate) fn call_args(call: Node<'_>) -> Vec<Node<'_>> {
    call.child_by_field_name("arguments")
        .map(named_children)
        .unwrap_or_default()
}

/// Strips any number of parentheses, iteratively.
pub(crate) fn unparen(mut n: Node<'_>) -> Node<'_> {
    while n.kind() == "parenthesized_expression" {
        match named_children(n).first() {
            Some(inner) => n = *inner,
            None => break,
        }
    }
    n
}
