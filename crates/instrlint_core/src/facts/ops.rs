//! Value operations on metrics (`Add`, `Inc`, `Observe`, …) and the
//! registration calls. Feeds T301, T304, R401 and R402.

use super::funcs::FuncContext;
use super::labels::{DefRef, Receiver};
use super::metrics::MetricKind;
use crate::source::Span;
use serde::Serialize;

/// `counter.Add(x)`, `vec.WithLabelValues(…).Add(x)`, `gauge.Set(x)`, `hist.Observe(x)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricOp {
    /// `Add`, `Inc`, `Sub`, `Dec`, `Set`, `Observe`.
    pub method: String,
    pub call: Span,
    /// The receiver of the metric (the vector when the call goes through
    /// `WithLabelValues(…)`/`With(…)`).
    pub receiver: Receiver,
    pub def: Option<DefRef>,
    /// The first argument folded to a number, when it is constant.
    pub value: Option<f64>,
    /// The argument expression.
    pub value_span: Option<Span>,
    pub func: FuncContext,
}

/// Which registry a `Register`/`MustRegister`/`Unregister` call goes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryKind {
    /// `prometheus.Register` / `prometheus.MustRegister` / `prometheus.Unregister`.
    Default,
    /// A value bound to `prometheus.NewRegistry()`, `NewPedanticRegistry()`,
    /// `prometheus.DefaultRegisterer`, or a `prometheus.Registerer`-typed
    /// parameter or field.
    Registry,
    /// Another receiver: not a registry we know of (RULES.md: Unknown).
    Unknown,
}

/// What the caller does with the error of `Register`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorUse {
    /// The call is an expression statement: the error is dropped.
    Discarded,
    /// Assigned to `_`.
    Blank,
    /// Assigned to a variable, returned, passed on, compared…
    Used,
    /// `MustRegister` / `Unregister`: no error to handle.
    NotApplicable,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegisterCall {
    /// `Register`, `MustRegister`, `Unregister`.
    pub method: String,
    pub call: Span,
    pub registry: RegistryKind,
    pub error: ErrorUse,
    /// The collectors passed, bound where possible (for T304's
    /// unregister-and-recreate).
    pub collectors: Vec<(Receiver, Option<DefRef>)>,
    pub func: FuncContext,
}

/// A metric built at collection time from a `Desc`:
/// `MustNewConstMetric(desc, prometheus.CounterValue, v)`, `NewConstMetric`,
/// the const histograms and summaries, Kubernetes `NewLazyConstMetric`. The
/// kind it gives types the `NewDesc` definition `desc` binds to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConstMetric {
    /// `MustNewConstMetric`, `NewConstHistogram`, …
    pub constructor: String,
    pub call: Span,
    /// The `Desc` argument, as written.
    pub desc: Receiver,
    /// Counter, gauge or untyped (from the value type argument), histogram or summary.
    pub kind: MetricKind,
    /// The `NewDesc` definition `desc` is bound to, filled by `facts::link`.
    pub def: Option<DefRef>,
}
