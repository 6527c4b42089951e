//! Uses of metric vectors: label values and keys passed to a vector, and the
//! calls that delete its series. Feeds L202–L204, L207, L208 and T304.

use super::funcs::FuncContext;
use crate::source::Span;
use crate::value::{StrConst, Value};
use serde::Serialize;

/// A definition in the tree: `tree.packages[package].metrics[index]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DefRef {
    pub package: u32,
    pub index: u32,
}

/// Where a constructed metric is stored, so that uses elsewhere can find it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Store {
    /// `var joins = promauto.NewCounterVec(…)` (also in a `var (…)` block).
    PackageVar { name: String },
    /// A field of a struct: `metrics{joins: …}` / `&metrics{…}` composite
    /// literals, or `m.joins = …` where `m`'s type is known. `type_name` is the
    /// struct type's name when known (`metrics`).
    Field {
        type_name: Option<String>,
        field: String,
    },
    /// A field of a package-level struct literal: `var m = struct{ joins *prometheus.CounterVec }{joins: …}`
    /// or `var m = metrics{joins: …}`: used as `m.joins`.
    PackageVarField { var: String, field: String },
    /// A local variable of the function (bound during extraction).
    Local { name: String },
}

/// The receiver of a vector method, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Receiver {
    /// `joins.WithLabelValues(…)` (this package) or `metrics.Joins.WithLabelValues(…)`
    /// where `metrics` is an import: `import_path` is its path.
    PackageVar {
        import_path: Option<String>,
        name: String,
    },
    /// `s.metrics.joins.WithLabelValues(…)`: the last field, and the struct type
    /// that holds it when the extractor knows it (`metrics`).
    Field {
        type_name: Option<String>,
        field: String,
    },
    /// `m.joins` where `m` is a package-level variable of this package.
    PackageVarField { var: String, field: String },
    /// A local variable of the enclosing function (`v := promauto.NewCounterVec(…)`
    /// … `v.WithLabelValues(…)`). `def_call` is the constructor call it holds
    /// when that is certain (one declaration in the function, never
    /// reassigned, its address never taken); `facts::link` binds through it.
    Local {
        name: String,
        def_call: Option<Span>,
    },
    /// The constructor call itself, written in place
    /// (`prometheus.MustRegister(prometheus.NewCounter(…))`).
    Definition { call: Span },
    /// Anything else (a call result, a map index, a parameter of interface type).
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LabelMethod {
    WithLabelValues,
    GetMetricWithLabelValues,
    With,
    GetMetricWith,
    CurryWith,
    MustCurryWith,
    Delete,
    DeleteLabelValues,
    DeletePartialMatch,
    Reset,
}

impl LabelMethod {
    /// Counts as a use that creates a series (L208).
    pub fn creates_series(self) -> bool {
        matches!(
            self,
            LabelMethod::WithLabelValues
                | LabelMethod::GetMetricWithLabelValues
                | LabelMethod::With
                | LabelMethod::GetMetricWith
        )
    }
    /// Counts as deleting series (L208).
    pub fn deletes(self) -> bool {
        matches!(
            self,
            LabelMethod::Delete
                | LabelMethod::DeleteLabelValues
                | LabelMethod::DeletePartialMatch
                | LabelMethod::Reset
        )
    }
    pub fn as_str(self) -> &'static str {
        match self {
            LabelMethod::WithLabelValues => "WithLabelValues",
            LabelMethod::GetMetricWithLabelValues => "GetMetricWithLabelValues",
            LabelMethod::With => "With",
            LabelMethod::GetMetricWith => "GetMetricWith",
            LabelMethod::CurryWith => "CurryWith",
            LabelMethod::MustCurryWith => "MustCurryWith",
            LabelMethod::Delete => "Delete",
            LabelMethod::DeleteLabelValues => "DeleteLabelValues",
            LabelMethod::DeletePartialMatch => "DeletePartialMatch",
            LabelMethod::Reset => "Reset",
        }
    }
}

/// Where a label value comes from (L202).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "source", rename_all = "snake_case")]
pub enum ValueSource {
    /// A constant.
    Constant,
    /// A variable, a switch over constants, `strconv.Itoa(resp.StatusCode)`, `r.Method`…
    Bounded,
    /// One of the catalog's unbounded sources; `what` is its text (`r.URL.Path`,
    /// `err.Error()`), possibly reached through one local variable.
    Unbounded {
        what: String,
        via: Option<Span>,
    },
    Unknown,
}

/// One positional value passed to `WithLabelValues` and friends.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelArg {
    pub span: Span,
    /// For L207: the identifier or the last field of a selector when the
    /// argument is exactly that (`code`, `req.Method` → `Method`); else `None`.
    pub spelling: Option<String>,
    pub source: ValueSource,
}

/// A `prometheus.Labels{…}` key passed to `With`/`GetMetricWith`/`Delete`/`CurryWith`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelKey {
    pub key: Value<StrConst>,
    pub span: Span,
    pub value: LabelArg,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum LabelArgs {
    /// `WithLabelValues(a, b)`; `variadic` when the last argument is spread (`vals...`):
    /// the count is then unknown.
    Values { args: Vec<LabelArg>, variadic: bool },
    /// `With(prometheus.Labels{…})`: `None` when the map is not a literal the
    /// extractor can read.
    Keys { keys: Option<Vec<LabelKey>> },
    /// `Reset()`.
    None,
}

/// One call of a label method on a vector.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelUse {
    pub method: LabelMethod,
    /// The whole call expression.
    pub call: Span,
    /// The method name in the call (`WithLabelValues`).
    pub method_span: Span,
    pub receiver: Receiver,
    /// The definition the receiver is bound to, filled by `facts::link` across
    /// the tree; `None` when the binding is not certain. Rules that need the
    /// definition stay silent without it.
    pub def: Option<DefRef>,
    pub args: LabelArgs,
    pub func: FuncContext,
}
