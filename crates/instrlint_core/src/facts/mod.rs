//! Instrumentation facts: plain data extracted from Go source, the only thing
//! rules see. One module per fact family; later groups (labels, spans,
//! context, PromQL, OTel) add their families beside `metrics`.

pub mod funcs;
pub mod metrics;

use crate::source::FileId;
use serde::Serialize;

pub use funcs::{FuncContext, FuncKind};
pub use metrics::{
    Buckets, LabelList, LabelName, MetricApi, MetricDef, MetricKind, NamePart, NameRole,
};

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
    /// Metric definitions in source order (file, then offset).
    pub metrics: Vec<MetricDef>,
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
}
