//! Hand-built facts for rule tests: the one place fact literals are written.

use crate::rule::{PackageCtx, Sink, TreeCtx};
use instrlint_core::config::Settings;
use instrlint_core::facts::LabelName;
use instrlint_core::facts::{
    FuncContext, MetricApi, MetricDef, MetricKind, NamePart, NameRole, PackageFacts, TreeFacts,
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
    };
    def.name_parts.push(NamePart {
        role: NameRole::Name,
        value: Value::Resolved(StrConst::new(name)),
        span: span(0, 0, 0),
        decl: None,
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
        f.kind = instrlint_core::facts::FuncKind::Other;
        self
    }

    pub fn const_labels(mut self, keys: &[&str]) -> Self {
        let file = self.0.call.file.0;
        let labels = keys
            .iter()
            .map(|k| LabelName {
                value: Value::Resolved(StrConst::new(*k)),
                span: span(file, 0, 0),
            })
            .collect();
        self.0.const_labels = Some(labels);
        self
    }

    pub fn build(self) -> MetricDef {
        self.0
    }
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
    let tree = TreeFacts {
        packages: vec![package(defs)],
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
    let tree = TreeFacts {
        packages: packages.into_iter().map(package).collect(),
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
