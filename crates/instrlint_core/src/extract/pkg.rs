//! The package being extracted: its parsed files, their imports, and an index
//! of package-level declarations across all of them.

use super::decl_index::LazyDecls;
use super::literals::decode_string;
use super::locals::{FuncScope, Writes};
use super::ExtractOptions;
use crate::extract::kinds::FIELDS;
use crate::source::{SourceFile, Span};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tree_sitter::{Node, Tree};
use typed_arena::Arena;

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
    /// `k8s.io/component-base/metrics`: client_golang's constructors, Opts,
    /// `NewDesc` and value types under Kubernetes' stability framework.
    K8sMetrics,
    /// `k8s.io/component-base/metrics/legacyregistry`: the default registry.
    K8sLegacyRegistry,
    /// `github.com/go-kit/kit/metrics/prometheus`: `New…From(opts, labels)`.
    GoKitProm,
    /// kube-state-metrics `…/pkg/metric_generator`: `NewFamilyGenerator…`.
    KsmGenerator,
    /// kube-state-metrics `…/pkg/metric`: the `Counter`/`Gauge`/`Info`/`StateSet` types.
    KsmMetric,
    /// `go.opencensus.io/trace`
    OcTrace,
    Other,
}

/// Every import path the catalog recognises, with its API and the name of
/// its package (`package opentracing` for `…/opentracing-go`, `package v1`
/// for `…/api/prometheus/v1`): an import without an alias is used under
/// that name, which is often not its last path element.
const KNOWN: &[(&str, Api, &str)] = &[
    (
        "github.com/prometheus/client_golang/prometheus",
        Api::Prometheus,
        "prometheus",
    ),
    (
        "github.com/prometheus/client_golang/prometheus/promauto",
        Api::Promauto,
        "promauto",
    ),
    (
        "github.com/prometheus/client_golang/api/prometheus/v1",
        Api::PromApiV1,
        "v1",
    ),
    ("net/http", Api::NetHttp, "http"),
    ("github.com/gin-gonic/gin", Api::Gin, "gin"),
    ("google.golang.org/grpc", Api::Grpc, "grpc"),
    ("go.opentelemetry.io/otel", Api::Otel, "otel"),
    ("go.opentelemetry.io/otel/trace", Api::OtelTrace, "trace"),
    (
        "go.opentelemetry.io/otel/attribute",
        Api::OtelAttribute,
        "attribute",
    ),
    ("go.opentelemetry.io/otel/codes", Api::OtelCodes, "codes"),
    ("go.opentelemetry.io/otel/metric", Api::OtelMetric, "metric"),
    (
        "github.com/opentracing/opentracing-go",
        Api::OpenTracing,
        "opentracing",
    ),
    (
        "github.com/opentracing/opentracing-go/ext",
        Api::OpenTracingExt,
        "ext",
    ),
    (
        "github.com/opentracing/opentracing-go/log",
        Api::OpenTracingLog,
        "log",
    ),
    ("context", Api::Context, "context"),
    // The pre-1.7 home of `context`, still imported: the same package.
    ("golang.org/x/net/context", Api::Context, "context"),
    ("os", Api::Os, "os"),
    ("log", Api::Log, "log"),
    ("fmt", Api::Fmt, "fmt"),
    ("errors", Api::Errors, "errors"),
    ("k8s.io/component-base/metrics", Api::K8sMetrics, "metrics"),
    (
        "k8s.io/component-base/metrics/legacyregistry",
        Api::K8sLegacyRegistry,
        "legacyregistry",
    ),
    (
        "github.com/go-kit/kit/metrics/prometheus",
        Api::GoKitProm,
        "prometheus",
    ),
    ("go.opencensus.io/trace", Api::OcTrace, "trace"),
];

/// Families whose major versions are paths of their own (`…/v2`).
const VERSIONED: &[(&str, Api, &str)] = &[
    ("github.com/gofiber/fiber", Api::Fiber, "fiber"),
    ("github.com/labstack/echo", Api::Echo, "echo"),
];

/// kube-state-metrics packages, below `k8s.io/kube-state-metrics[/vN]`.
const KSM: &[(&str, Api, &str)] = &[
    ("pkg/metric_generator", Api::KsmGenerator, "generator"),
    ("pkg/metric", Api::KsmMetric, "metric"),
];

impl Api {
    fn from_path(path: &str) -> Api {
        known(path).map_or(Api::Other, |(api, _)| api)
    }

    /// Whether an import of `self` answers for `want`: Kubernetes'
    /// `component-base/metrics` (and its `legacyregistry`) are client_golang
    /// with another import path: the same constructors, Opts, value types,
    /// buckets and registration.
    pub fn is(self, want: Api) -> bool {
        self == want
            || (want == Api::Prometheus && matches!(self, Api::K8sMetrics | Api::K8sLegacyRegistry))
    }
}

/// The API and package name of a path the catalog recognises.
fn known(path: &str) -> Option<(Api, &'static str)> {
    if let Some((_, api, name)) = KNOWN.iter().find(|k| k.0 == path) {
        return Some((*api, name));
    }
    if let Some(rest) = path.strip_prefix("k8s.io/kube-state-metrics/") {
        let rest = match rest.split_once('/') {
            Some((v, rest)) if major_version(v) => rest,
            _ => rest,
        };
        return KSM.iter().find(|k| k.0 == rest).map(|k| (k.1, k.2));
    }
    VERSIONED.iter().find_map(|(base, api, name)| {
        let rest = path.strip_prefix(base)?;
        (rest.is_empty() || major_version(rest.strip_prefix('/')?)).then_some((*api, *name))
    })
}

/// `v2`, `v10`: a major-version path element (not `v0`/`v1`, which Go never
/// puts in a path, but accepted alike).
fn major_version(elem: &str) -> bool {
    elem.len() > 1 && elem.starts_with('v') && elem[1..].bytes().all(|b| b.is_ascii_digit())
}

/// The name an import is used under when it has no alias: the package clause
/// of a package in the linted tree (`in_tree`: import path → package name),
/// else the package name of a path the catalog knows, else what Go's tools
/// assume: the last path element that is not a major version (`/v4`),
/// without a `.vN` suffix (`yaml.v3`), a `go-`/`go.` prefix or a `-go`/`.go`
/// suffix (`go-metrics`, `go.uuid`, `opentracing-go`), cut at the first
/// character that cannot be in an identifier (`jaeger-client-go` → `jaeger`).
pub(crate) fn package_name<'a>(path: &'a str, in_tree: &'a HashMap<String, String>) -> &'a str {
    if let Some(name) = in_tree.get(path) {
        return name;
    }
    if let Some((_, name)) = known(path) {
        return name;
    }
    let mut elems = path.rsplit('/');
    let mut last = elems.next().unwrap_or(path);
    if major_version(last) {
        if let Some(prev) = elems.next() {
            last = prev;
        }
    }
    let mut base = last;
    if let Some((stem, v)) = base.rsplit_once('.') {
        if major_version(v) {
            base = stem;
        }
    }
    for prefix in ["go-", "go."] {
        base = base.strip_prefix(prefix).unwrap_or(base);
    }
    for suffix in ["-go", ".go"] {
        base = base.strip_suffix(suffix).unwrap_or(base);
    }
    let end = base
        .char_indices()
        .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
        .map_or(base.len(), |(i, _)| i);
    if end == 0 {
        last
    } else {
        &base[..end]
    }
}

/// A file's imports.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Imports {
    /// Local import name → API (dot and blank imports excluded).
    pub apis: HashMap<String, Api>,
    /// Local import name → import path (dot and blank imports excluded).
    pub paths: HashMap<String, String>,
    /// APIs imported with `.`.
    pub dots: Vec<Api>,
}

pub(crate) struct Unit<'t> {
    pub src: &'t SourceFile,
    /// The unit's tree, when it is parsed (with bounded memory, only the
    /// unit being walked has one; the others lend their declarations
    /// through the index).
    pub root: Option<Node<'t>>,
    /// Its file's imports.
    pub imports: Rc<Imports>,
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

/// What is known of a declaration without its tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DeclInfo {
    pub unit: usize,
    pub kind: DeclKind,
    /// The kind id of its spec (`const_spec`, `function_declaration`, …).
    pub spec_kind: u16,
    pub ambiguous: bool,
}

/// One top-level declaration of a name, read from a unit's tree.
pub(crate) struct TopDecl<'t> {
    pub name: Node<'t>,
    pub kind: DeclKind,
    pub value: Option<Node<'t>>,
    pub spec: Node<'t>,
    /// The top-level declaration holding it (a `const (…)` group, a
    /// function).
    pub top: Node<'t>,
}

/// Reads a unit's imports (into `imports`, later ones winning) and its
/// top-level declarations (appended to `decls`, in source order).
pub(crate) fn read_unit<'t>(
    root: Node<'t>,
    text: &'t str,
    opts: &ExtractOptions,
    imports: &mut Imports,
    decls: &mut Vec<TopDecl<'t>>,
) {
    let t = |n: Node<'_>| text.get(n.byte_range()).unwrap_or("");
    let mut cursor = root.walk();
    let tops: Vec<Node<'t>> = root.named_children(&mut cursor).collect();
    let spec_names =
        |top: Node<'t>, spec: Node<'t>, kind: DeclKind, decls: &mut Vec<TopDecl<'t>>| {
            let mut cursor = spec.walk();
            let names: Vec<Node<'t>> = spec
                .children_by_field_name("name", &mut cursor)
                .filter(|n| n.kind() == "identifier")
                .collect();
            let values: Vec<Node<'t>> = spec
                .child_by_field_id(FIELDS.value)
                .map(expressions)
                .unwrap_or_default();
            for (i, name) in names.iter().enumerate() {
                let value = (values.len() == names.len()).then(|| values[i]);
                if t(*name) != "_" {
                    decls.push(TopDecl {
                        name: *name,
                        kind,
                        value,
                        spec,
                        top,
                    });
                }
            }
        };
    for top in tops {
        match top.kind() {
            "import_declaration" => read_imports(top, text, opts, imports),
            "const_declaration" => {
                for spec in named_of_kind(top, "const_spec") {
                    spec_names(top, spec, DeclKind::Const, decls);
                }
            }
            "var_declaration" => {
                for child in named_children(top) {
                    match child.kind() {
                        "var_spec" => spec_names(top, child, DeclKind::Var, decls),
                        "var_spec_list" => {
                            for spec in named_of_kind(child, "var_spec") {
                                spec_names(top, spec, DeclKind::Var, decls);
                            }
                        }
                        _ => {}
                    }
                }
            }
            "function_declaration" => {
                if let Some(name) = top.child_by_field_id(FIELDS.name) {
                    decls.push(TopDecl {
                        name,
                        kind: DeclKind::Other,
                        value: None,
                        spec: top,
                        top,
                    });
                }
            }
            "type_declaration" => {
                for spec in named_children(top) {
                    if let Some(name) = spec.child_by_field_id(FIELDS.name) {
                        decls.push(TopDecl {
                            name,
                            kind: DeclKind::Other,
                            value: None,
                            spec,
                            top,
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

fn read_imports(decl: Node<'_>, text: &str, opts: &ExtractOptions, imports: &mut Imports) {
    let t = |n: Node<'_>| text.get(n.byte_range()).unwrap_or("");
    let mut specs = named_of_kind(decl, "import_spec");
    for list in named_of_kind(decl, "import_spec_list") {
        specs.extend(named_of_kind(list, "import_spec"));
    }
    for spec in specs {
        let Some(path_node) = spec.child_by_field_id(FIELDS.path) else {
            continue;
        };
        let Some(path) = decode_string(t(path_node)) else {
            continue;
        };
        let Ok(path) = std::str::from_utf8(&path) else {
            continue;
        };
        let api = Api::from_path(path);
        match spec.child_by_field_id(FIELDS.name) {
            Some(n) if n.kind() == "dot" => imports.dots.push(api),
            Some(n) if n.kind() == "blank_identifier" => {}
            Some(n) => {
                let local = t(n);
                imports.apis.insert(local.to_string(), api);
                imports.paths.insert(local.to_string(), path.to_string());
            }
            None => {
                let raw = t(path_node);
                let raw = raw.trim_matches(|c| c == '"' || c == '`');
                let local = package_name(raw, &opts.package_names);
                imports.apis.insert(local.to_string(), api);
                imports.paths.insert(local.to_string(), path.to_string());
            }
        }
    }
}

/// The package's declarations: those of the units whose trees are at hand
/// are their nodes; those of an index are parsed when they are asked for. A
/// name is in one or the other, in its first unit.
pub(crate) struct Decls<'t> {
    trees: HashMap<&'t str, Decl<'t>>,
    index: Option<LazyDecls<'t>>,
}

impl<'t> Decls<'t> {
    /// Every declaration from the index.
    pub fn indexed(index: LazyDecls<'t>) -> Self {
        Decls {
            trees: HashMap::new(),
            index: Some(index),
        }
    }
}

pub(crate) struct Pkg<'t> {
    pub name: &'t str,
    pub opts: &'t ExtractOptions,
    pub units: Vec<Unit<'t>>,
    pub decls: Decls<'t>,
    pub scopes: RefCell<HashMap<(usize, usize), Rc<FuncScope<'t>>>>,
    /// (unit, function id, name) → whether the function's text may declare
    /// the name ([`Pkg::may_bind`]).
    pub may_bind: RefCell<HashMap<(usize, usize, String), bool>>,
    /// Where names are written, per unit and top-level declaration (its node
    /// id), built when a function of it first needs a scope.
    pub writes: RefCell<HashMap<(usize, usize), Rc<Writes<'t>>>>,
    /// Names looked up that no parsed file declares, so that only the
    /// siblings that mention one of them are parsed.
    pub missing_names: RefCell<Vec<String>>,
}

impl<'t> Pkg<'t> {
    /// The package of the `parsed` files, their trees at hand, then of the
    /// units of `siblings` after them (files read only for their
    /// declarations, by their index). The index's first units are those of
    /// `parsed`, in order.
    pub fn new(
        name: &'t str,
        parsed: &'t [(usize, bool, Tree)],
        files: &[&'t SourceFile],
        opts: &'t ExtractOptions,
        siblings: Option<LazyDecls<'t>>,
    ) -> Self {
        let mut units = Vec::with_capacity(parsed.len());
        let mut decls: HashMap<&'t str, Decl<'t>> = HashMap::new();
        for (idx, walk, tree) in parsed {
            let src = files[*idx];
            let root = tree.root_node();
            let u = units.len();
            let mut imports = Imports::default();
            let mut tops = Vec::new();
            read_unit(root, &src.text, opts, &mut imports, &mut tops);
            units.push(Unit {
                src,
                root: Some(root),
                imports: Rc::new(imports),
                walk: *walk,
            });
            for top in tops {
                let name = src.text.get(top.name.byte_range()).unwrap_or("");
                decls
                    .entry(name)
                    .and_modify(|d| d.ambiguous = true)
                    .or_insert(Decl {
                        unit: u,
                        kind: top.kind,
                        value: top.value,
                        spec: top.spec,
                        ambiguous: false,
                    });
            }
        }
        if let Some(siblings) = &siblings {
            let index = siblings.index();
            for (u, unit) in index.units.iter().enumerate().skip(units.len()) {
                units.push(Unit {
                    src: files[unit.file],
                    root: None,
                    imports: index.imports(u),
                    walk: false,
                });
            }
            for name in index.names() {
                if let Some(d) = decls.get_mut(name) {
                    d.ambiguous = true;
                }
            }
        }
        let decls = Decls {
            trees: decls,
            index: siblings,
        };
        Pkg::with_decls(name, opts, units, decls)
    }

    /// The package as unit `u`, one of the index's, sees it with its tree
    /// at hand (`root`); other declarations of the index parsed alone are
    /// kept in `trees`.
    pub fn reading<'v>(&self, u: usize, root: Node<'v>, trees: &'v Arena<Tree>) -> Pkg<'v>
    where
        't: 'v,
    {
        let units = self
            .units
            .iter()
            .enumerate()
            .map(|(i, unit)| Unit {
                src: unit.src,
                root: if i == u { Some(root) } else { unit.root },
                imports: unit.imports.clone(),
                walk: unit.walk,
            })
            .collect();
        let decls = Decls {
            trees: self.decls.trees.clone(),
            index: self
                .decls
                .index
                .as_ref()
                .map(|index| index.reading(u, root, trees)),
        };
        Pkg::with_decls(self.name, self.opts, units, decls)
    }

    /// The package over `units`, its declarations from `decls`.
    pub fn with_decls(
        name: &'t str,
        opts: &'t ExtractOptions,
        units: Vec<Unit<'t>>,
        decls: Decls<'t>,
    ) -> Self {
        Pkg {
            name,
            opts,
            units,
            decls,
            scopes: RefCell::new(HashMap::new()),
            may_bind: RefCell::new(HashMap::new()),
            writes: RefCell::new(HashMap::new()),
            missing_names: RefCell::new(Vec::new()),
        }
    }

    /// The index the package reads declarations from, if any.
    pub fn index(&self) -> Option<&'t super::decl_index::Index> {
        self.decls.index.as_ref().map(LazyDecls::index)
    }

    /// The package-level declaration of `name` (the first one when it is
    /// declared more than once).
    pub fn decl(&self, name: &str) -> Option<Decl<'t>> {
        match self.decls.trees.get(name) {
            Some(d) => Some(*d),
            None => self.decls.index.as_ref()?.decl(name),
        }
    }

    /// What is known of the declaration of `name` without reading its tree.
    pub fn decl_info(&self, name: &str) -> Option<DeclInfo> {
        match self.decls.trees.get(name) {
            Some(d) => Some(DeclInfo {
                unit: d.unit,
                kind: d.kind,
                spec_kind: d.spec.kind_id(),
                ambiguous: d.ambiguous,
            }),
            None => self.decls.index.as_ref()?.info(name),
        }
    }

    /// Whether some parsed file declares `name` at package level.
    pub fn declares(&self, name: &str) -> bool {
        self.decl_info(name).is_some()
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
        self.units[unit].imports.apis.get(name).copied()
    }

    /// A dot import of `api` (or of a package that answers for it, [`Api::is`]).
    pub fn has_dot(&self, unit: usize, api: Api) -> bool {
        self.units[unit].imports.dots.iter().any(|a| a.is(api))
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
    call.child_by_field_id(FIELDS.arguments)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_of_known_apis_tree_packages_and_conventions() {
        let mut tree = HashMap::new();
        tree.insert(
            "example.com/live/internal/live-metrics".to_string(),
            "metrics".to_string(),
        );
        let name = |p: &str| package_name(p, &tree).to_string();
        // The catalog's table.
        assert_eq!(name("github.com/opentracing/opentracing-go"), "opentracing");
        assert_eq!(
            name("github.com/prometheus/client_golang/api/prometheus/v1"),
            "v1"
        );
        assert_eq!(name("golang.org/x/net/context"), "context");
        assert_eq!(name("github.com/labstack/echo/v4"), "echo");
        // A package of the linted tree: its package clause.
        assert_eq!(name("example.com/live/internal/live-metrics"), "metrics");
        // Go's conventions for the rest.
        assert_eq!(name("gopkg.in/yaml.v3"), "yaml");
        assert_eq!(name("github.com/go-redis/redis/v8"), "redis");
        assert_eq!(name("github.com/uber/jaeger-client-go"), "jaeger");
        assert_eq!(name("github.com/armon/go-metrics"), "metrics");
        assert_eq!(name("github.com/satori/go.uuid"), "uuid");
        assert_eq!(name("github.com/gofrs/uuid/v5"), "uuid");
        assert_eq!(name("github.com/mattn/go-sqlite3"), "sqlite3");
        assert_eq!(name("k8s.io/client-go/kubernetes"), "kubernetes");
        assert_eq!(name("fmt"), "fmt");
        assert_eq!(name("v2"), "v2");
    }

    #[test]
    fn versioned_families_and_known_apis() {
        assert_eq!(Api::from_path("github.com/gofiber/fiber/v2"), Api::Fiber);
        assert_eq!(Api::from_path("github.com/labstack/echo"), Api::Echo);
        assert_eq!(
            Api::from_path("github.com/labstack/echo-contrib"),
            Api::Other
        );
        assert_eq!(
            Api::from_path("github.com/labstack/echo/v4/middleware"),
            Api::Other
        );
        assert_eq!(Api::from_path("golang.org/x/net/context"), Api::Context);
        assert_eq!(
            Api::from_path("k8s.io/kube-state-metrics/v2/pkg/metric_generator"),
            Api::KsmGenerator
        );
        assert_eq!(
            Api::from_path("k8s.io/kube-state-metrics/pkg/metric"),
            Api::KsmMetric
        );
        let none = HashMap::new();
        assert_eq!(
            package_name("k8s.io/kube-state-metrics/v2/pkg/metric_generator", &none),
            "generator"
        );
    }
}
