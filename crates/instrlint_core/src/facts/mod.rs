//! Instrumentation facts: plain data extracted from Go source, the only thing
//! rules see. One module per fact family; later groups (labels, spans,
//! context, PromQL, OTel) add their families beside `metrics`.

pub mod funcs;
pub mod labels;
pub mod link;
pub mod metrics;
pub mod ops;

use crate::source::FileId;
use serde::Serialize;

pub use funcs::{FuncContext, FuncKind};
pub use labels::{
    DefRef, LabelArg, LabelArgs, LabelKey, LabelMethod, LabelUse, Receiver, Store, ValueSource,
};
pub use metrics::{
    Buckets, LabelList, LabelName, MetricApi, MetricDef, MetricKind, NamePart, NameRole,
};
pub use ops::{ErrorUse, MetricOp, RegisterCall, RegistryKind};

/// Facts of one Go package: the files of one directory that share a package
/// clause (`x` and `x_test` are two packages).
#[derive(Clone, Debug, Default, Serialize)]
pub struct PackageFacts {
    /// Directory, as a display path (`/` separators).
    pub dir: String,
    /// The package clause (`room`, `room_test`).
    pub name: String,
    /// Files of the package that were linted (parsed or prefiltered).
    pub files: Vec<FileId>,
    /// The Go import path of the package (from the nearest `go.mod`), when known.
    pub import_path: Option<String>,
    /// Metric definitions in source order (file, then offset).
    pub metrics: Vec<MetricDef>,
    /// Label-method calls on vectors, in source order.
    pub label_uses: Vec<LabelUse>,
    /// `Add`/`Inc`/`Set`/`Observe`… calls on metrics, in source order.
    pub metric_ops: Vec<MetricOp>,
    /// `Register`/`MustRegister`/`Unregister` calls, in source order.
    pub registrations: Vec<RegisterCall>,
    /// Statements and declarations that span several lines and start on a
    /// line holding a suppression comment (`nolint`, `instrlint:ignore`) or on
    /// the line right after one: a suppression covers the whole statement.
    pub suppression_scopes: Vec<crate::source::Span>,
    /// Files that failed to parse cleanly: the span of the first syntax error.
    pub syntax_errors: Vec<crate::source::Span>,
}

/// Facts of the whole run, for the few cross-package rules (M113).
#[derive(Clone, Debug, Default, Serialize)]
pub struct TreeFacts {
    pub packages: Vec<PackageFacts>,
}

impl TreeFacts {
    pub fn metrics(&self) -> impl Iterator<Item = &MetricDef> {
        self.packages.iter().flat_map(|p| p.metrics.iter())
    }

    /// The definition a use is bound to.
    pub fn def(&self, r: DefRef) -> &MetricDef {
        &self.packages[r.package as usize].metrics[r.index as usize]
    }
}
