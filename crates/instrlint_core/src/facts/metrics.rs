//! Prometheus client_golang metric definitions.

use super::funcs::FuncContext;
use crate::source::Span;
use crate::value::{StrConst, Value};
use serde::Serialize;

/// Which package the constructor came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricApi {
    /// `prometheus.New…`
    Prometheus,
    /// `promauto.New…` or `promauto.With(reg).New…`
    Promauto,
    /// Kubernetes `k8s.io/component-base/metrics`: `metrics.New…(&metrics.…Opts{…})`.
    Kubernetes,
    /// go-kit `github.com/go-kit/kit/metrics/prometheus`: `New…From(opts, labels)`,
    /// which registers with the default registry.
    GoKit,
    /// kube-state-metrics `generator.NewFamilyGenerator(name, help, metric.Counter, …)`.
    KubeStateMetrics,
}

impl MetricApi {
    /// The package name constructors are called through.
    pub fn qualifier(self) -> &'static str {
        match self {
            MetricApi::Prometheus => "prometheus",
            MetricApi::Promauto => "promauto",
            MetricApi::Kubernetes => "metrics",
            MetricApi::GoKit => "kitprometheus",
            MetricApi::KubeStateMetrics => "generator",
        }
    }

    /// The constructor registers what it builds (a second call panics).
    pub fn registers(self) -> bool {
        matches!(self, MetricApi::Promauto | MetricApi::GoKit)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
    /// `NewDesc` (and the const metrics built from it), or a kube-state-metrics
    /// family generator: the kind is not given by the constructor
    /// ([`MetricDef::collected_as`] says what it is used as).
    Desc,
}

impl MetricKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
            MetricKind::Summary => "summary",
            MetricKind::Untyped => "untyped metric",
            MetricKind::Desc => "metric",
        }
    }
}

/// Which piece of a fully-qualified name a part is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameRole {
    Namespace,
    Subsystem,
    Name,
    /// A complete fully-qualified name (the first argument of `NewDesc`).
    FqName,
}

/// One piece of the name as written: the `Namespace:`/`Subsystem:`/`Name:`
/// value, a `BuildFQName` argument, or the `NewDesc` fqName argument.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamePart {
    pub role: NameRole,
    pub value: Value<StrConst>,
    /// The expression inside the constructor call or Opts literal.
    pub span: Span,
    /// Where the value was declared when that is elsewhere (a constant, a
    /// variable holding the Opts).
    pub decl: Option<Span>,
    /// Why the piece varies at run time in a way M112 reports; `None` for a
    /// constant, and for a piece that is wholly a parameter, a field or a
    /// configuration value.
    pub origin: Option<NameOrigin>,
}

/// Why a name piece is a new metric family per value (M112).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginKind {
    /// A run-time value with literal name text on both sides of it
    /// (`"app_shard_" + shard + "_total"`, `fmt.Sprintf("app_%s_seconds", r)`).
    Spliced,
    /// A variable of a `for` loop around the definition.
    LoopVariable,
    /// Data of the request: an `*http.Request`, gin / echo / fiber context.
    RequestData,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameOrigin {
    pub kind: OriginKind,
    /// The varying value (the spliced expression, the loop variable, the
    /// request access), or the local that holds it.
    pub span: Span,
    pub text: String,
}

/// A label name as declared in the vector's label list or `ConstLabels`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelName {
    pub value: Value<StrConst>,
    pub span: Span,
}

/// The variable label names of a vector (or of a `NewDesc`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelList {
    /// `None` when the list itself cannot be resolved (a call result, a
    /// variable outside the package): rules that need it stay silent.
    pub names: Option<Vec<LabelName>>,
    /// The list expression in the constructor call.
    pub span: Span,
    /// The declaration of the slice when it is a variable declared elsewhere.
    pub decl: Option<Span>,
}

/// Histogram buckets as written.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Buckets {
    /// `prometheus.DefBuckets`, written out.
    Default { span: Span },
    /// A `[]float64{…}` literal; each value resolved or not.
    Literal {
        values: Vec<(Option<f64>, Span)>,
        span: Span,
    },
    /// `LinearBuckets(start, width, count)`.
    Linear {
        start: Option<f64>,
        width: Option<f64>,
        count: Option<f64>,
        span: Span,
    },
    /// `ExponentialBuckets(start, factor, count)`.
    Exponential {
        start: Option<f64>,
        factor: Option<f64>,
        count: Option<f64>,
        span: Span,
    },
    /// `ExponentialBucketsRange(min, max, count)`.
    ExponentialRange {
        min: Option<f64>,
        max: Option<f64>,
        count: Option<f64>,
        span: Span,
    },
    /// Anything else (a variable, a call).
    Other { span: Span },
}

/// One metric definition site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricDef {
    pub api: MetricApi,
    /// The constructor as written after the package qualifier: `NewCounterVec`,
    /// `NewGaugeFunc`, `NewDesc`.
    pub constructor: String,
    pub kind: MetricKind,
    /// `…Vec` constructors.
    pub vector: bool,
    /// The whole constructor call expression.
    pub call: Span,
    /// The Opts literal (`prometheus.CounterOpts{…}`), wherever it is written.
    pub opts: Option<Span>,
    /// The composed fully-qualified name (`BuildFQName` rules: parts joined
    /// by `_`, empty parts skipped, empty when `Name` is empty). `Dynamic` if
    /// any part is dynamic, else `Unknown` if any part is unknown.
    pub fq_name: Value<StrConst>,
    /// Smallest span that shows the name: the `Name:` value (or the fqName
    /// argument of `NewDesc`); when there is no `Name` at all, the Opts literal
    /// or the call.
    pub name_span: Span,
    /// The parts the name was composed from, in order.
    pub name_parts: Vec<NamePart>,
    /// `Help` (or `NewDesc`'s help argument); `None` when absent.
    pub help: Option<Value<StrConst>>,
    /// The `Help:` value, or the Opts literal when `Help` is absent.
    pub help_span: Span,
    /// Variable labels (vectors and `NewDesc`).
    pub labels: Option<LabelList>,
    /// `ConstLabels` keys (when the map literal is resolvable).
    pub const_labels: Option<Vec<LabelName>>,
    pub buckets: Option<Buckets>,
    /// The `Objectives:` value for summaries.
    pub objectives: Option<Span>,
    /// Any `NativeHistogram…` option is set.
    pub native_histogram: bool,
    pub func: FuncContext,
    /// Where the constructed value is stored (`var joins = …`, a struct
    /// field), for binding uses to this definition.
    pub stores: Vec<super::labels::Store>,
    /// For a `Desc`: the kind of the metrics built from it at collection time
    /// (`MustNewConstMetric(desc, prometheus.CounterValue, …)`, const
    /// histograms and summaries), when every such call the linter binds to it
    /// agrees; for a kube-state-metrics family generator, its `metric.…` type.
    /// Filled by `facts::link` for `NewDesc`, by extraction for generators.
    pub collected_as: Option<MetricKind>,
    /// Where that kind is given: the first const metric call, or the
    /// generator's type argument.
    pub collected_at: Option<Span>,
}

impl MetricDef {
    /// The kind the metric-name and label rules judge the name as: the
    /// constructor's, or for a `Desc` the kind it is collected as.
    pub fn name_kind(&self) -> MetricKind {
        self.collected_as.unwrap_or(self.kind)
    }
}
