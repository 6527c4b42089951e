//! Hand-built facts for rule tests: the one place fact literals are written.

use crate::rule::{PackageCtx, Sink, TreeCtx};
use instrlint_core::config::Settings;
use instrlint_core::facts::{
    Buckets, DefRef, ErrorUse, FuncContext, FuncKind, LabelArg, LabelArgs, LabelKey, LabelList,
    LabelMethod, LabelName, LabelUse, MetricApi, MetricDef, MetricKind, MetricOp, NameOrigin,
    NamePart, NameRole, OriginKind, PackageFacts, Receiver, RegisterCall, RegistryKind, Store,
    TreeFacts, ValueSource,
};
use instrlint_core::{Diagnostic, Dynamic, FileId, Span, StrConst, Value};

pub fn span(file: u32, start: u32, end: u32) -> Span {
    Span::new(FileId(file), start, end)
}

/// The span a constant declared in another file gets.
pub const DECL: Span = Span {
    file: FileId(9),
    start: 5,
    end: 15,
};

/// A metric definition under construction.
pub struct Def(MetricDef);

pub fn metric(kind: MetricKind, name: &str) -> Def {
    let constructor = match kind {
        MetricKind::Desc => "NewDesc".to_string(),
        k => format!("New{}", capitalise(k.as_str())),
    };
    let mut def = MetricDef {
        api: MetricApi::Promauto,
        constructor,
        kind,
        vector: false,
        call: span(0, 0, 0),
        opts: None,
        fq_name: Value::Unknown,
        name_span: span(0, 0, 0),
        name_parts: Vec::new(),
        help: Some(Value::Resolved(StrConst::new("What it measures."))),
        help_span: span(0, 0, 0),
        labels: None,
        const_labels: None,
        buckets: None,
        objectives: None,
        native_histogram: false,
        func: FuncContext::package_level(),
        stores: Vec::new(),
        collected_as: None,
        collected_at: None,
    };
    def.name_parts.push(NamePart {
        role: NameRole::Name,
        value: Value::Resolved(StrConst::new(name)),
        span: span(0, 0, 0),
        decl: None,
        origin: None,
    });
    def.fq_name = Value::Resolved(StrConst::new(name));
    Def(def).at(0, 100)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

pub fn counter(name: &str) -> Def {
    metric(MetricKind::Counter, name)
}
pub fn gauge(name: &str) -> Def {
    metric(MetricKind::Gauge, name)
}
pub fn histogram(name: &str) -> Def {
    metric(MetricKind::Histogram, name)
}
pub fn summary(name: &str) -> Def {
    metric(MetricKind::Summary, name)
}
pub fn desc(name: &str) -> Def {
    metric(MetricKind::Desc, name)
}

impl Def {
    /// Moves the definition to `offset` in `file`: call, Opts, `Name:` and `Help:` spans.
    pub fn at(mut self, file: u32, offset: u32) -> Self {
        let d = &mut self.0;
        d.call = span(file, offset, offset + 200);
        d.opts = Some(span(file, offset + 10, offset + 190));
        d.name_span = span(file, offset + 20, offset + 40);
        d.help_span = span(file, offset + 50, offset + 70);
        if let Some(part) = d.name_parts.last_mut() {
            part.span = d.name_span;
        }
        self
    }

    /// `Namespace`, `Subsystem` and `Name` parts, composed like `BuildFQName`.
    pub fn parts(mut self, namespace: &str, subsystem: &str) -> Self {
        let d = &mut self.0;
        let name = d.name_parts.pop().expect("a Name part");
        let text = |v: &Value<StrConst>| v.resolved().map(|s| s.text.clone()).unwrap_or_default();
        let fq: Vec<String> = [
            namespace.to_string(),
            subsystem.to_string(),
            text(&name.value),
        ]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
        for (role, value, at) in [
            (NameRole::Namespace, namespace, 1),
            (NameRole::Subsystem, subsystem, 2),
        ] {
            d.name_parts.push(NamePart {
                role,
                value: Value::Resolved(StrConst::new(value)),
                span: span(d.call.file.0, d.call.start + at, d.call.start + at + 1),
                decl: None,
                origin: None,
            });
        }
        d.name_parts.push(name);
        d.fq_name = Value::Resolved(StrConst::new(fq.join("_")));
        self
    }

    /// The `Name` part is a constant declared elsewhere ([`DECL`]).
    pub fn declared_elsewhere(mut self) -> Self {
        self.0.name_parts.last_mut().expect("a Name part").decl = Some(DECL);
        self
    }

    pub fn dynamic(mut self, text: &str) -> Self {
        let d = &mut self.0;
        let dynamic = Dynamic {
            span: span(d.call.file.0, d.name_span.start + 2, d.name_span.start + 8),
            text: text.to_string(),
        };
        d.name_parts.last_mut().expect("a Name part").value = Value::Dynamic(dynamic.clone());
        d.fq_name = Value::Dynamic(dynamic);
        self
    }

    /// The dynamic `Name` part varies because of `kind` (M112 reports it).
    pub fn origin(mut self, kind: OriginKind, text: &str) -> Self {
        let d = &mut self.0;
        let at = span(d.call.file.0, d.name_span.start + 2, d.name_span.start + 8);
        d.name_parts.last_mut().expect("a Name part").origin = Some(NameOrigin {
            kind,
            span: at,
            text: text.to_string(),
        });
        self
    }

    pub fn unknown(mut self) -> Self {
        self.0.name_parts.last_mut().expect("a Name part").value = Value::Unknown;
        self.0.fq_name = Value::Unknown;
        self
    }

    pub fn invalid_utf8(mut self) -> Self {
        if let Value::Resolved(s) = &mut self.0.fq_name {
            s.valid_utf8 = false;
        }
        self
    }

    pub fn help(mut self, help: Option<&str>) -> Self {
        self.0.help = help.map(|h| Value::Resolved(StrConst::new(h)));
        self
    }

    pub fn help_unknown(mut self) -> Self {
        self.0.help = Some(Value::Unknown);
        self
    }

    pub fn in_func(mut self, name: &str, receiver: Option<&str>) -> Self {
        let f = &mut self.0.func;
        f.name = Some(name.to_string());
        f.receiver = receiver.map(str::to_string);
        f.kind = FuncKind::Other;
        self
    }

    pub fn const_labels(mut self, keys: &[&str]) -> Self {
        let labels = names(self.0.call, 150, keys);
        self.0.const_labels = Some(labels);
        self
    }

    /// A vector declaring `labels`: name `i` at `call.start + 100 + 10 * i`.
    pub fn labels(mut self, labels: &[&str]) -> Self {
        let d = &mut self.0;
        d.vector = true;
        if !d.constructor.ends_with("Vec") {
            d.constructor.push_str("Vec");
        }
        let (file, start) = (d.call.file.0, d.call.start);
        d.labels = Some(LabelList {
            names: Some(names(d.call, 100, labels)),
            span: span(file, start + 98, start + 190),
            decl: None,
        });
        self
    }

    /// The label list is a variable declared elsewhere ([`DECL`]).
    /// The names then sit in [`DECL`]'s file: name `i` at `5 + 10 * i`.
    pub fn labels_declared_elsewhere(mut self) -> Self {
        let list = self.0.labels.as_mut().expect("labels");
        list.decl = Some(DECL);
        for (i, n) in list.names.iter_mut().flatten().enumerate() {
            n.span = span(DECL.file.0, 5 + 10 * i as u32, 13 + 10 * i as u32);
        }
        self
    }

    /// The label list cannot be resolved.
    pub fn labels_unresolved(mut self) -> Self {
        self.0.labels.as_mut().expect("labels").names = None;
        self
    }

    /// `var <name> = …`.
    pub fn stored_as(mut self, name: &str) -> Self {
        self.0.stores.push(Store::PackageVar {
            name: name.to_string(),
        });
        self
    }

    pub fn buckets(mut self, buckets: Buckets) -> Self {
        self.0.buckets = Some(buckets);
        self
    }

    /// A `[]float64{…}` literal: value `i` at `call.start + 120 + 5 * i`.
    pub fn literal_buckets(self, values: &[Option<f64>]) -> Self {
        let (file, start) = (self.0.call.file.0, self.0.call.start);
        let values = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let at = start + 120 + 5 * i as u32;
                (*v, span(file, at, at + 3))
            })
            .collect();
        let span = span(file, start + 118, start + 180);
        self.buckets(Buckets::Literal { values, span })
    }

    pub fn objectives(mut self) -> Self {
        let (file, start) = (self.0.call.file.0, self.0.call.start);
        self.0.objectives = Some(span(file, start + 80, start + 95));
        self
    }

    pub fn native(mut self) -> Self {
        self.0.native_histogram = true;
        self
    }

    pub fn api(mut self, api: MetricApi) -> Self {
        self.0.api = api;
        self
    }

    pub fn func(mut self, func: FuncContext) -> Self {
        self.0.func = func;
        self
    }

    pub fn build(self) -> MetricDef {
        self.0
    }
}

fn names(call: Span, at: u32, labels: &[&str]) -> Vec<LabelName> {
    let (file, start) = (call.file.0, call.start + at);
    labels
        .iter()
        .enumerate()
        .map(|(i, n)| LabelName {
            value: Value::Resolved(StrConst::new(*n)),
            span: span(file, start + 10 * i as u32, start + 10 * i as u32 + 8),
        })
        .collect()
}

/// `LinearBuckets(start, width, count)`, `ExponentialBuckets(start, factor,
/// count)` and `ExponentialBucketsRange(min, max, count)`, at `0..1`.
pub fn linear(start: Option<f64>, width: Option<f64>, count: Option<f64>) -> Buckets {
    let span = span(0, 0, 1);
    Buckets::Linear {
        start,
        width,
        count,
        span,
    }
}
pub fn exponential(start: Option<f64>, factor: Option<f64>, count: Option<f64>) -> Buckets {
    let span = span(0, 0, 1);
    Buckets::Exponential {
        start,
        factor,
        count,
        span,
    }
}
pub fn exponential_range(min: Option<f64>, max: Option<f64>, count: Option<f64>) -> Buckets {
    let span = span(0, 0, 1);
    Buckets::ExponentialRange {
        min,
        max,
        count,
        span,
    }
}

/// `Buckets: prometheus.DefBuckets`.
pub fn default_buckets() -> Buckets {
    Buckets::Default {
        span: span(0, 0, 1),
    }
}

/// The code of function `name` of `kind`, outside loops, closures and goroutines.
pub fn func(kind: FuncKind, name: &str) -> FuncContext {
    FuncContext {
        name: Some(name.to_string()),
        kind,
        ..FuncContext::package_level()
    }
}

pub fn def_ref(package: u32, index: u32) -> DefRef {
    DefRef { package, index }
}

fn arg(at: Span, spelling: Option<&str>) -> LabelArg {
    LabelArg {
        span: at,
        spelling: spelling.map(str::to_string),
        source: ValueSource::Bounded,
    }
}

fn label_use(method: LabelMethod, args: LabelArgs) -> LabelUse {
    LabelUse {
        method,
        call: span(0, 1000, 1060),
        method_span: span(0, 1010, 1020),
        receiver: Receiver::PackageVar {
            import_path: None,
            name: "joins".to_string(),
        },
        def: Some(def_ref(0, 0)),
        args,
        func: func(FuncKind::Other, "join"),
    }
}

/// `joins.<method>(args…)` bound to the package's first definition; argument
/// `i` (spelled as given) at `1020 + 10 * i`.
pub fn values(method: LabelMethod, spellings: &[Option<&str>]) -> LabelUse {
    let args = spellings
        .iter()
        .enumerate()
        .map(|(i, s)| arg(span(0, 1020 + 10 * i as u32, 1028 + 10 * i as u32), *s))
        .collect();
    let variadic = false;
    label_use(method, LabelArgs::Values { args, variadic })
}

/// `joins.<method>(prometheus.Labels{key: v, …})` bound to the first definition.
pub fn keys(method: LabelMethod, keys: &[&str]) -> LabelUse {
    let keys = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let at = span(0, 1020 + 10 * i as u32, 1025 + 10 * i as u32);
            LabelKey {
                key: Value::Resolved(StrConst::new(*k)),
                span: at,
                value: arg(span(0, at.end + 1, at.end + 4), None),
            }
        })
        .collect();
    label_use(method, LabelArgs::Keys { keys: Some(keys) })
}

/// Sets the value source of argument (or key) `i`.
pub fn sourced(mut u: LabelUse, i: usize, source: ValueSource) -> LabelUse {
    match &mut u.args {
        LabelArgs::Values { args, .. } => args[i].source = source,
        LabelArgs::Keys { keys: Some(keys) } => keys[i].value.source = source,
        _ => panic!("no argument {i}"),
    }
    u
}

/// The last argument is spread (`vals...`).
pub fn spread(mut u: LabelUse) -> LabelUse {
    if let LabelArgs::Values { variadic, .. } = &mut u.args {
        *variadic = true;
    }
    u
}

pub fn reset() -> LabelUse {
    label_use(LabelMethod::Reset, LabelArgs::None)
}

/// The value source of an argument: `what` from an unbounded source,
/// through a local assigned at [`DECL`] when `via`.
pub fn unbounded(what: &str, via: bool) -> ValueSource {
    ValueSource::Unbounded {
        what: what.to_string(),
        via: via.then_some(DECL),
    }
}

/// `x.<method>(value)` bound to the first definition.
pub fn op(method: &str, value: Option<f64>) -> MetricOp {
    MetricOp {
        method: method.to_string(),
        call: span(0, 1100, 1120),
        receiver: Receiver::Unknown,
        def: Some(def_ref(0, 0)),
        value,
        value_span: Some(span(0, 1110, 1115)),
        func: func(FuncKind::Other, "sendGift"),
    }
}

/// A `Register`-family call at package level with its collector bound to the first definition.
pub fn register(method: &str, registry: RegistryKind, error: ErrorUse) -> RegisterCall {
    RegisterCall {
        method: method.to_string(),
        call: span(0, 1200, 1240),
        registry,
        error,
        collectors: vec![(Receiver::Unknown, Some(def_ref(0, 0)))],
        func: FuncContext::package_level(),
    }
}

/// One package of hand-built facts.
#[derive(Default)]
pub struct Pkg {
    pub defs: Vec<Def>,
    pub uses: Vec<LabelUse>,
    pub ops: Vec<MetricOp>,
    pub regs: Vec<RegisterCall>,
}

impl Pkg {
    pub fn new(defs: Vec<Def>, uses: Vec<LabelUse>) -> Pkg {
        Pkg {
            defs,
            uses,
            ..Pkg::default()
        }
    }
    pub fn ops(mut self, ops: Vec<MetricOp>) -> Self {
        self.ops = ops;
        self
    }
    pub fn regs(mut self, regs: Vec<RegisterCall>) -> Self {
        self.regs = regs;
        self
    }

    pub fn facts(self) -> PackageFacts {
        PackageFacts {
            label_uses: self.uses,
            metric_ops: self.ops,
            registrations: self.regs,
            ..package(self.defs)
        }
    }
}

/// Runs a package rule on every package of the tree, in order.
pub fn run_pkgs(
    check: fn(&PackageCtx, &mut Sink),
    settings: &Settings,
    pkgs: Vec<Pkg>,
) -> Vec<Diagnostic> {
    let tree = TreeFacts {
        packages: pkgs.into_iter().map(Pkg::facts).collect(),
        ..TreeFacts::default()
    };
    let mut sink = Sink::new();
    for package in &tree.packages {
        let ctx = PackageCtx {
            package,
            tree: &tree,
            settings,
        };
        check(&ctx, &mut sink);
    }
    sink.into_diagnostics()
}

/// A finding's help text.
pub fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().unwrap_or_default()
}

/// [`run_pkgs`] on one package with the default settings.
pub fn run_pkg(check: fn(&PackageCtx, &mut Sink), pkg: Pkg) -> Vec<Diagnostic> {
    run_pkgs(check, &Settings::default(), vec![pkg])
}

fn package(defs: Vec<Def>) -> PackageFacts {
    PackageFacts {
        dir: "room".to_string(),
        name: "room".to_string(),
        metrics: defs.into_iter().map(Def::build).collect(),
        ..PackageFacts::default()
    }
}

pub fn run(check: fn(&PackageCtx, &mut Sink), defs: Vec<Def>) -> Vec<Diagnostic> {
    run_with(check, &Settings::default(), defs)
}

pub fn run_with(
    check: fn(&PackageCtx, &mut Sink),
    settings: &Settings,
    defs: Vec<Def>,
) -> Vec<Diagnostic> {
    run_package(check, settings, package(defs))
}

/// Runs a package rule on `package`, alone in its tree.
pub fn run_package(
    check: fn(&PackageCtx, &mut Sink),
    settings: &Settings,
    package: PackageFacts,
) -> Vec<Diagnostic> {
    let tree = TreeFacts {
        packages: vec![package],
        ..TreeFacts::default()
    };
    let mut sink = Sink::new();
    check(
        &PackageCtx {
            package: &tree.packages[0],
            tree: &tree,
            settings,
        },
        &mut sink,
    );
    sink.into_diagnostics()
}

pub fn run_tree(check: fn(&TreeCtx, &mut Sink), packages: Vec<Vec<Def>>) -> Vec<Diagnostic> {
    let names = vec![""; packages.len()];
    run_tree_named(check, packages, &names)
}

/// [`run_tree`] with each package's clause (`main`, `room`); an empty name
/// keeps the default.
pub fn run_tree_named(
    check: fn(&TreeCtx, &mut Sink),
    packages: Vec<Vec<Def>>,
    names: &[&str],
) -> Vec<Diagnostic> {
    let tree = TreeFacts {
        packages: packages
            .into_iter()
            .zip(names)
            .map(|(defs, name)| {
                let mut p = package(defs);
                if !name.is_empty() {
                    p.name = name.to_string();
                }
                p
            })
            .collect(),
        ..TreeFacts::default()
    };
    let mut sink = Sink::new();
    check(
        &TreeCtx {
            tree: &tree,
            settings: &Settings::default(),
        },
        &mut sink,
    );
    sink.into_diagnostics()
}
