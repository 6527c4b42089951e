//! Metric definitions: recognising constructor calls and reading their Opts.

use super::lists::elem_expr;
use super::pkg::{call_args, named_children, unparen, Api, Pkg};
use super::values::{build_fq, SVal, Site};
use crate::extract::kinds::FIELDS;
use crate::facts::{
    ConstMetric, FuncContext, MetricApi, MetricDef, MetricKind, NamePart, NameRole,
};
use crate::source::Span;
use crate::value::Value;
use tree_sitter::Node;

/// Const metrics built from a `Desc` at collection time: (name, the kind
/// they give it, or `None` when the value type argument says).
const CONST_METRICS: &[(&str, Option<MetricKind>)] = &[
    ("MustNewConstMetric", None),
    ("NewConstMetric", None),
    ("MustNewConstMetricWithCreatedTimestamp", None),
    ("NewConstMetricWithCreatedTimestamp", None),
    // Kubernetes component-base.
    ("NewLazyConstMetric", None),
    ("MustNewConstHistogram", Some(MetricKind::Histogram)),
    ("NewConstHistogram", Some(MetricKind::Histogram)),
    (
        "MustNewConstHistogramWithCreatedTimestamp",
        Some(MetricKind::Histogram),
    ),
    (
        "NewConstHistogramWithCreatedTimestamp",
        Some(MetricKind::Histogram),
    ),
    ("MustNewConstSummary", Some(MetricKind::Summary)),
    ("NewConstSummary", Some(MetricKind::Summary)),
    (
        "MustNewConstSummaryWithCreatedTimestamp",
        Some(MetricKind::Summary),
    ),
    (
        "NewConstSummaryWithCreatedTimestamp",
        Some(MetricKind::Summary),
    ),
];

/// `prometheus.ValueType` values.
const VALUE_TYPES: &[(&str, MetricKind)] = &[
    ("CounterValue", MetricKind::Counter),
    ("GaugeValue", MetricKind::Gauge),
    ("UntypedValue", MetricKind::Untyped),
];

/// client_golang's constructors (also Kubernetes' and promauto's):
/// (name, kind, vector).
const CONSTRUCTORS: &[(&str, MetricKind, bool)] = &[
    ("NewCounter", MetricKind::Counter, false),
    ("NewCounterVec", MetricKind::Counter, true),
    ("NewCounterFunc", MetricKind::Counter, false),
    ("NewGauge", MetricKind::Gauge, false),
    ("NewGaugeVec", MetricKind::Gauge, true),
    ("NewGaugeFunc", MetricKind::Gauge, false),
    ("NewHistogram", MetricKind::Histogram, false),
    ("NewHistogramVec", MetricKind::Histogram, true),
    ("NewSummary", MetricKind::Summary, false),
    ("NewSummaryVec", MetricKind::Summary, true),
    ("NewUntypedFunc", MetricKind::Untyped, false),
    ("NewDesc", MetricKind::Desc, false),
];

/// go-kit's `New…From(opts, labels)`: a vector under every one.
const GOKIT_CONSTRUCTORS: &[(&str, MetricKind, bool)] = &[
    ("NewCounterFrom", MetricKind::Counter, true),
    ("NewGaugeFrom", MetricKind::Gauge, true),
    ("NewHistogramFrom", MetricKind::Histogram, true),
    ("NewSummaryFrom", MetricKind::Summary, true),
];

/// kube-state-metrics family generators: `(name, help, metric.Type, …)`.
const KSM_CONSTRUCTORS: &[(&str, MetricKind, bool)] = &[
    ("NewFamilyGenerator", MetricKind::Desc, false),
    ("NewFamilyGeneratorWithStability", MetricKind::Desc, false),
];

/// kube-state-metrics `metric.Type` values and the kind each exposes.
const KSM_TYPES: &[(&str, MetricKind)] = &[
    ("Counter", MetricKind::Counter),
    ("Gauge", MetricKind::Gauge),
    ("Info", MetricKind::Gauge),
    ("StateSet", MetricKind::Gauge),
];

const OPTS_TYPES: &[&str] = &[
    "Opts",
    "CounterOpts",
    "GaugeOpts",
    "HistogramOpts",
    "SummaryOpts",
    "UntypedOpts",
];

/// The constructor table of an API.
fn constructors(api: MetricApi) -> &'static [(&'static str, MetricKind, bool)] {
    match api {
        MetricApi::Prometheus | MetricApi::Promauto | MetricApi::Kubernetes => CONSTRUCTORS,
        MetricApi::GoKit => GOKIT_CONSTRUCTORS,
        MetricApi::KubeStateMetrics => KSM_CONSTRUCTORS,
    }
}

fn constructor_info(api: MetricApi, name: &str) -> Option<(MetricKind, bool)> {
    constructors(api)
        .iter()
        .find(|c| c.0 == name)
        .map(|c| (c.1, c.2))
}

/// A constructor name of any API, before the qualifier is looked up.
fn any_constructor(name: &str) -> bool {
    [CONSTRUCTORS, GOKIT_CONSTRUCTORS, KSM_CONSTRUCTORS]
        .iter()
        .any(|t| t.iter().any(|c| c.0 == name))
}

/// The metric API of a package qualifier's import.
fn metric_api(api: Api) -> Option<MetricApi> {
    match api {
        Api::Prometheus => Some(MetricApi::Prometheus),
        Api::Promauto => Some(MetricApi::Promauto),
        Api::K8sMetrics => Some(MetricApi::Kubernetes),
        Api::GoKitProm => Some(MetricApi::GoKit),
        Api::KsmGenerator => Some(MetricApi::KubeStateMetrics),
        _ => None,
    }
}

/// Where the Opts literal of a definition was found.
struct OptsSrc<'a, 't> {
    site: Site<'a, 't>,
    lit: Node<'t>,
    /// The variable declaration when the literal came through one.
    decl: Option<Span>,
}

impl<'t> Pkg<'t> {
    /// Cheap test on the callee's last name, before any lookup.
    pub fn may_be_constructor(&self, unit: usize, call: Node<'t>) -> bool {
        let name = match call.child_by_field_id(FIELDS.function) {
            Some(f) if f.kind() == "selector_expression" => f.child_by_field_id(FIELDS.field),
            Some(f) if f.kind() == "identifier" => Some(f),
            _ => None,
        };
        name.is_some_and(|n| any_constructor(self.text(unit, n)))
    }

    /// The API and constructor name when `call` defines a metric.
    pub fn constructor(&self, site: Site<'_, 't>, call: Node<'t>) -> Option<(MetricApi, &'t str)> {
        let func = call.child_by_field_id(FIELDS.function)?;
        let known =
            |api: MetricApi, ctor: &'t str| constructor_info(api, ctor).map(|_| (api, ctor));
        match func.kind() {
            "selector_expression" => {
                let ctor = self.text(site.unit, func.child_by_field_id(FIELDS.field)?);
                if !any_constructor(ctor) {
                    return None;
                }
                let operand = unparen(func.child_by_field_id(FIELDS.operand)?);
                match operand.kind() {
                    "identifier" => {
                        let name = self.text(site.unit, operand);
                        if !self.is_shadowed(site, name, operand.start_byte()) {
                            if let Some(api) = self.import_api(site.unit, name) {
                                return known(metric_api(api)?, ctor);
                            }
                        }
                        let t = self.follow(site, operand)?;
                        self.is_promauto_with(t.site, unparen(t.value))
                            .then_some(())
                            .and_then(|_| known(MetricApi::Promauto, ctor))
                    }
                    "call_expression" => self
                        .is_promauto_with(site, operand)
                        .then_some(())
                        .and_then(|_| known(MetricApi::Promauto, ctor)),
                    _ => None,
                }
            }
            "identifier" => {
                let ctor = self.text(site.unit, func);
                if !any_constructor(ctor)
                    || self.declares(ctor)
                    || self.is_shadowed(site, ctor, func.start_byte())
                {
                    return None;
                }
                self.units[site.unit]
                    .imports
                    .dots
                    .iter()
                    .filter_map(|a| metric_api(*a))
                    .find_map(|api| known(api, ctor))
            }
            _ => None,
        }
    }

    /// `call` builds a const metric from a `Desc`: the `Desc` as written and
    /// the kind the call gives it. The value type must be written as
    /// `prometheus.CounterValue` (or through a constant or a local set once).
    pub fn const_metric(&self, site: Site<'_, 't>, call: Node<'t>) -> Option<ConstMetric> {
        let f = call.child_by_field_id(FIELDS.function)?;
        let name = match f.kind() {
            "selector_expression" => self.text(site.unit, f.child_by_field_id(FIELDS.field)?),
            "identifier" => self.text(site.unit, f),
            _ => return None,
        };
        let (ctor, fixed) = CONST_METRICS.iter().find(|c| c.0 == name)?;
        if self.prom_member(site, f, Api::Prometheus) != Some(*ctor) {
            return None;
        }
        let args = call_args(call);
        let desc = *args.first()?;
        let kind = match fixed {
            Some(kind) => *kind,
            None => self.value_type(site, *args.get(1)?, 0)?,
        };
        Some(ConstMetric {
            constructor: ctor.to_string(),
            call: self.span(site.unit, call),
            desc: self.receiver_of(site, desc),
            kind,
            def: None,
        })
    }

    fn value_type(&self, site: Site<'_, 't>, n: Node<'t>, depth: u32) -> Option<MetricKind> {
        let n = unparen(n);
        if let Some(member) = self.prom_member(site, n, Api::Prometheus) {
            return VALUE_TYPES.iter().find(|v| v.0 == member).map(|v| v.1);
        }
        if n.kind() != "identifier" || depth > 4 {
            return None;
        }
        let t = self.follow(site, n)?;
        self.value_type(t.site, t.value, depth + 1)
    }

    fn is_promauto_with(&self, site: Site<'_, 't>, n: Node<'t>) -> bool {
        n.kind() == "call_expression"
            && n.child_by_field_id(FIELDS.function)
                .is_some_and(|f| self.prom_member(site, f, Api::Promauto) == Some("With"))
    }

    pub fn metric_def(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        api: MetricApi,
        ctor: &str,
        func: FuncContext,
    ) -> MetricDef {
        let (kind, vector) = constructor_info(api, ctor).unwrap_or((MetricKind::Untyped, false));
        let call_span = self.span(site.unit, call);
        let mut def = MetricDef {
            api,
            constructor: ctor.to_string(),
            kind,
            vector,
            call: call_span,
            opts: None,
            fq_name: Value::Unknown,
            name_span: call_span,
            name_parts: Vec::new(),
            help: None,
            help_span: call_span,
            labels: None,
            const_labels: None,
            buckets: None,
            objectives: None,
            native_histogram: false,
            func,
            stores: Vec::new(),
            collected_as: None,
            collected_at: None,
        };
        let args = call_args(call);
        if api == MetricApi::KubeStateMetrics {
            self.fill_generator(site, &args, &mut def);
        } else if kind == MetricKind::Desc {
            self.fill_desc(site, &args, &mut def);
        } else {
            if let Some(first) = args.first() {
                self.fill_opts(site, *first, &mut def);
            }
            if vector {
                def.labels = args.get(1).map(|a| self.label_list(site, *a));
            }
        }
        def
    }

    fn fill_desc(&self, site: Site<'_, 't>, args: &[Node<'t>], def: &mut MetricDef) {
        if let Some(fq) = args.first() {
            def.name_span = self.span(site.unit, *fq);
            let (parts, value) = self.fq_parts(site, *fq, NameRole::FqName, None);
            def.name_parts = parts;
            def.fq_name = value.into_value();
        }
        if let Some(help) = args.get(1) {
            let mut decl = None;
            def.help = Some(self.fold_str(site, *help, 0, &mut decl).into_value());
            def.help_span = self.span(site.unit, *help);
        }
        def.labels = args.get(2).map(|a| self.label_list(site, *a));
        def.const_labels = args.get(3).and_then(|a| self.const_labels(site, *a));
    }

    /// `generator.NewFamilyGenerator(name, help, metric.Counter, …)`: a
    /// name, a help text and the kind of the family.
    fn fill_generator(&self, site: Site<'_, 't>, args: &[Node<'t>], def: &mut MetricDef) {
        self.fill_desc(site, &args[..args.len().min(2)], def);
        let Some(ty) = args.get(2) else {
            return;
        };
        let kind = self
            .prom_member(site, unparen(*ty), Api::KsmMetric)
            .and_then(|t| KSM_TYPES.iter().find(|k| k.0 == t));
        if let Some((_, kind)) = kind {
            def.collected_as = Some(*kind);
            def.collected_at = Some(self.span(site.unit, *ty));
        }
    }

    /// Parts of a name expression: a `BuildFQName(ns, sub, name)` call gives
    /// three parts, anything else one part with `role`.
    fn fq_parts(
        &self,
        site: Site<'_, 't>,
        n: Node<'t>,
        role: NameRole,
        var_decl: Option<Span>,
    ) -> (Vec<NamePart>, SVal) {
        let inner = unparen(n);
        let is_build = inner.kind() == "call_expression"
            && inner
                .child_by_field_id(FIELDS.function)
                .is_some_and(|f| self.prom_member(site, f, Api::Prometheus) == Some("BuildFQName"));
        let args = if is_build {
            call_args(inner)
        } else {
            Vec::new()
        };
        if args.len() == 3 {
            let roles = [NameRole::Namespace, NameRole::Subsystem, NameRole::Name];
            let mut parts = Vec::new();
            let mut vals = Vec::new();
            for (arg, role) in args.iter().zip(roles) {
                let (part, v) = self.name_part(site, *arg, role, var_decl);
                parts.push(part);
                vals.push(v);
            }
            return (parts, build_fq(vals));
        }
        let (part, v) = self.name_part(site, n, role, var_decl);
        (vec![part], v)
    }

    fn name_part(
        &self,
        site: Site<'_, 't>,
        n: Node<'t>,
        role: NameRole,
        var_decl: Option<Span>,
    ) -> (NamePart, SVal) {
        let mut decl = None;
        let v = self.fold_str(site, n, 0, &mut decl);
        let origin = match &v {
            SVal::Str(..) => None,
            _ => self.name_origin(site, n),
        };
        let part = NamePart {
            role,
            value: v.clone().into_value(),
            span: self.span(site.unit, n),
            decl: decl.or(var_decl),
            origin,
        };
        (part, v)
    }

    /// `map[float64]float64{}`, directly or through the one value of a
    /// variable: the explicit way to have no quantiles (T305).
    fn is_empty_map(&self, site: Site<'_, 't>, value: Node<'t>) -> bool {
        let value = unparen(value);
        let value = match value.kind() {
            "identifier" => match self.follow(site, value) {
                Some(t) => unparen(t.value),
                None => return false,
            },
            _ => value,
        };
        value.kind() == "composite_literal"
            && value
                .child_by_field_id(FIELDS.type_)
                .is_some_and(|t| t.kind() == "map_type")
            && value
                .child_by_field_id(FIELDS.body)
                .is_some_and(|b| named_children(b).is_empty())
    }

    fn fill_opts(&self, site: Site<'_, 't>, arg: Node<'t>, def: &mut MetricDef) {
        let arg_span = self.span(site.unit, arg);
        def.name_span = arg_span;
        def.help_span = arg_span;
        def.help = Some(Value::Unknown);
        let Some(src) = self.opts_source(site, arg, 0, None) else {
            return;
        };
        let s = src.site;
        let lit_span = self.span(s.unit, src.lit);
        def.opts = Some(lit_span);
        def.name_span = lit_span;
        def.help_span = lit_span;
        def.help = None;
        let Some(body) = src.lit.child_by_field_id(FIELDS.body) else {
            return;
        };
        let (mut ns, mut sub, mut name) = (None, None, None);
        let mut positional = false;
        for el in named_children(body) {
            if el.kind() != "keyed_element" {
                positional = true;
                continue;
            }
            let (Some(key), Some(value)) = (
                el.child_by_field_id(FIELDS.key),
                el.child_by_field_id(FIELDS.value),
            ) else {
                continue;
            };
            let value = elem_expr(value);
            match self.text(s.unit, elem_expr(key)) {
                "Namespace" => ns = Some(value),
                "Subsystem" => sub = Some(value),
                "Name" => name = Some(value),
                "Help" => {
                    let mut decl = None;
                    def.help = Some(self.fold_str(s, value, 0, &mut decl).into_value());
                    def.help_span = self.span(s.unit, value);
                }
                "ConstLabels" => def.const_labels = self.const_labels(s, value),
                "Buckets" => def.buckets = Some(self.buckets(s, value)),
                "Objectives" if !self.is_empty_map(s, value) => {
                    def.objectives = Some(self.span(s.unit, value))
                }
                k if k.starts_with("NativeHistogram") => def.native_histogram = true,
                _ => {}
            }
        }
        if positional {
            def.help = Some(Value::Unknown);
            return;
        }
        let mut vals = Vec::new();
        for (node, role) in [(ns, NameRole::Namespace), (sub, NameRole::Subsystem)] {
            match node {
                Some(n) => {
                    let (part, v) = self.name_part(s, n, role, src.decl);
                    def.name_parts.push(part);
                    vals.push(v);
                }
                None => vals.push(SVal::Str(Vec::new(), false)),
            }
        }
        match name {
            Some(n) => {
                def.name_span = self.span(s.unit, n);
                let (parts, v) = self.fq_parts(s, n, NameRole::Name, src.decl);
                def.name_parts.extend(parts);
                vals.push(v);
            }
            None => vals.push(SVal::Str(Vec::new(), false)),
        }
        def.fq_name = build_fq(vals).into_value();
    }

    fn opts_source<'a>(
        &self,
        site: Site<'a, 't>,
        n: Node<'t>,
        depth: u32,
        decl: Option<Span>,
    ) -> Option<OptsSrc<'a, 't>> {
        if depth > 16 {
            return None;
        }
        let n = unparen(n);
        match n.kind() {
            "composite_literal" => {
                let ty = n.child_by_field_id(FIELDS.type_)?;
                let t = self.qualified_prom(site, ty)?;
                OPTS_TYPES
                    .contains(&t)
                    .then_some(OptsSrc { site, lit: n, decl })
            }
            "unary_expression" => {
                let op = self.text(site.unit, n.child_by_field_id(FIELDS.operator)?);
                if op != "&" && op != "*" {
                    return None;
                }
                self.opts_source(site, n.child_by_field_id(FIELDS.operand)?, depth + 1, decl)
            }
            "call_expression" => {
                let f = n.child_by_field_id(FIELDS.function)?;
                let member = self.prom_member(site, f, Api::Prometheus)?;
                let args = call_args(n);
                if !OPTS_TYPES.contains(&member) || args.len() != 1 {
                    return None;
                }
                self.opts_source(site, args[0], depth + 1, decl)
            }
            "identifier" => {
                let t = self.follow(site, n)?;
                self.opts_source(t.site, t.value, depth + 1, decl.or(Some(t.decl)))
            }
            _ => None,
        }
    }
}
