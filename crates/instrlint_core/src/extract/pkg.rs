//! The package being extracted: its parsed files, their imports, and an index
//! of package-level declarations across all of them.

use super::literals::decode_string;
use super::locals::{FuncScope, Writes};
use super::ExtractOptions;
use crate::extract::kinds::FIELDS;
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
    pub opts: &'t ExtractOptions,
    pub units: Vec<Unit<'t>>,
    pub decls: HashMap<&'t str, Decl<'t>>,
    pub scopes: RefCell<HashMap<(usize, usize), Rc<FuncScope<'t>>>>,
    /// (unit, function id, name) → whether the function's text may declare
    /// the name ([`Pkg::may_bind`]).
    pub may_bind: RefCell<HashMap<(usize, usize, String), bool>>,
    /// Per unit, where names are written (built on first use).
    pub writes: RefCell<HashMap<usize, Rc<Writes<'t>>>>,
    /// Names looked up that no parsed file declares, so that only the
    /// siblings that mention one of them are parsed.
    pub missing_names: RefCell<Vec<String>>,
}

impl<'t> Pkg<'t> {
    pub fn new(
        name: &'t str,
        parsed: &'t [(usize, bool, Tree)],
        files: &[&'t SourceFile],
        opts: &'t ExtractOptions,
    ) -> Self {
        let mut pkg = Pkg {
            name,
            opts,
            units: Vec::with_capacity(parsed.len()),
            decls: HashMap::new(),
            scopes: RefCell::new(HashMap::new()),
            may_bind: RefCell::new(HashMap::new()),
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

    /// A dot import of `api` (or of a package that answers for it, [`Api::is`]).
    pub fn has_dot(&self, unit: usize, api: Api) -> bool {
        self.units[unit].dots.iter().any(|a| a.is(api))
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
                    if let Some(name) = top.child_by_field_id(FIELDS.name) {
                        self.add_decl(self.text(u, name), u, DeclKind::Other, None, top);
                    }
                }
                "type_declaration" => {
                    for spec in named_children(top) {
                        if let Some(name) = spec.child_by_field_id(FIELDS.name) {
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
            let Some(path_node) = spec.child_by_field_id(FIELDS.path) else {
                continue;
            };
            let Some(path) = decode_string(self.text(u, path_node)) else {
                continue;
            };
            let Ok(path) = std::str::from_utf8(&path) else {
                continue;
            };
            let api = Api::from_path(path);
            match spec.child_by_field_id(FIELDS.name) {
                Some(n) if n.kind() == "dot" => self.units[u].dots.push(api),
                Some(n) if n.kind() == "blank_identifier" => {}
                Some(n) => {
                    let local = self.text(u, n);
                    self.units[u].imports.insert(local, api);
                    self.units[u].paths.insert(local, path.to_string());
                }
                None => {
                    let raw = self.text(u, path_node);
                    let raw = raw.trim_matches(|c| c == '"' || c == '`');
                    let local = package_name(raw, &self.opts.package_names);
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
            .child_by_field_id(FIELDS.value)
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
