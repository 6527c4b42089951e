//! Instrumentation facts: plain data extracted from Go source, the only thing
//! rules see. One module per fact family; later groups (labels, spans,
//! context, PromQL, OTel) add their families beside `metrics`.

pub mod context;
pub mod funcs;
pub mod labels;
pub mod link;
pub mod metrics;
pub mod ops;
pub mod otel;
pub mod promql;
pub mod spans;

use crate::source::FileId;
use serde::Serialize;

pub use context::{
    BackgroundCall, BackgroundKind, CarriedValue, ContextUse, DetachedSpan, KeyKind, RequestScope,
    WithValueCall,
};
pub use funcs::{FuncContext, FuncKind};
pub use labels::{
    DefRef, LabelArg, LabelArgs, LabelKey, LabelMethod, LabelUse, Receiver, Store, ValueSource,
};
pub use metrics::{
    Buckets, LabelList, LabelName, MetricApi, MetricDef, MetricKind, NameOrigin, NamePart,
    NameRole, OriginKind,
};
pub use ops::{ConstMetric, ErrorUse, MetricOp, RegisterCall, RegistryKind};
pub use otel::{
    InstrumentKind, MeasurementAttribute, MeasurementCall, MeasurementOption, OtelInstrument,
    OtelMeasurement, OtelString,
};
pub use promql::{
    QueriedDefinition, Query, QuerySelector, QuerySource, RuleFileError, RuleFileFacts, SelectorUse,
};
pub use spans::{
    AttributeKey, AttributeVia, Binding, CtxArg, DynamicKind, DynamicPart, EndState, ScopeVar,
    SpanName, SpanStart, TracingApi, UnrecordedError,
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
    /// Display paths of `files`, in the same order.
    pub paths: Vec<String>,
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
    /// Const metrics built from a `Desc` at collection time, in source order.
    pub const_metrics: Vec<ConstMetric>,
    /// Span starts, in source order.
    pub span_starts: Vec<SpanStart>,
    /// `context.Background()` / `context.TODO()` calls, in source order.
    pub background_calls: Vec<BackgroundCall>,
    /// `context.WithValue` calls, in source order.
    pub with_values: Vec<WithValueCall>,
    /// Spans started in goroutines that leave the request's trace (C602).
    pub detached_spans: Vec<DetachedSpan>,
    /// OpenTelemetry metric instruments, in source order.
    pub otel_instruments: Vec<OtelInstrument>,
    /// `metric.WithAttributes` / `WithAttributeSet` measurement options, in source order.
    pub otel_measurements: Vec<OtelMeasurement>,
    /// PromQL queries in string literals, constants and API calls, in source order.
    pub queries: Vec<Query>,
    /// Statements and declarations that span several lines and start on a
    /// line holding a suppression comment (`nolint`, `instrlint:ignore`) or on
    /// the line right after one: a suppression covers the whole statement.
    pub suppression_scopes: Vec<crate::source::Span>,
    /// Files that failed to parse cleanly: the span of the first syntax error.
    pub syntax_errors: Vec<crate::source::Span>,
    /// Files tree-sitter did not finish parsing within the time limit
    /// (`extract::parse_time_limit`): an empty span at the file's start.
    /// They are not linted.
    pub unparsed: Vec<crate::source::Span>,
    /// Files not parsed because `extract::max_abandoned_parses` abandoned
    /// parses were still running: an empty span at the file's start. They
    /// are not linted.
    pub parse_refused: Vec<crate::source::Span>,
    /// Files whose fact extraction did not finish within the same limit:
    /// an empty span at the file's start. They are not linted.
    pub unfinished: Vec<crate::source::Span>,
}

/// Facts of the whole run, for the few cross-package rules (M113).
#[derive(Clone, Debug, Default, Serialize)]
pub struct TreeFacts {
    pub packages: Vec<PackageFacts>,
    /// Prometheus rule files (YAML), sorted by path.
    pub rule_files: Vec<RuleFileFacts>,
}

impl PackageFacts {
    /// The display path of one of the package's files.
    pub fn path_of(&self, file: FileId) -> Option<&str> {
        let i = self.files.iter().position(|f| *f == file)?;
        self.paths.get(i).map(String::as_str)
    }
}

impl TreeFacts {
    pub fn metrics(&self) -> impl Iterator<Item = &MetricDef> {
        self.packages.iter().flat_map(|p| p.metrics.iter())
    }

    /// Every PromQL query of the run: Go packages first, then rule files.
    pub fn queries(&self) -> impl Iterator<Item = &Query> {
        self.packages
            .iter()
            .flat_map(|p| p.queries.iter())
            .chain(self.rule_files.iter().flat_map(|f| f.queries.iter()))
    }

    /// The definition a use is bound to.
    pub fn def(&self, r: DefRef) -> &MetricDef {
        &self.packages[r.package as usize].metrics[r.index as usize]
    }
}
