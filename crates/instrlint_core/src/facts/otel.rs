//! OpenTelemetry metric instruments (`meter.Int64Counter(…)` and friends) and
//! the attributes passed at measurement time. Feeds O801–O804.

use crate::source::Span;
use crate::value::{StrConst, Value};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstrumentKind {
    Counter,
    UpDownCounter,
    Histogram,
    Gauge,
}

impl InstrumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InstrumentKind::Counter => "counter",
            InstrumentKind::UpDownCounter => "up-down counter",
            InstrumentKind::Histogram => "histogram",
            InstrumentKind::Gauge => "gauge",
        }
    }
}

/// A string argument of the constructor or of one of its options.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OtelString {
    /// Resolved through constants (across the package's files); `Dynamic` or
    /// `Unknown` as for metric names.
    pub value: Value<StrConst>,
    /// The argument as written in the call.
    pub span: Span,
    /// The constant declaration the value came from, when it is not a literal.
    pub decl: Option<Span>,
}

/// `meter.{Int64,Float64}{Counter,UpDownCounter,Histogram,Gauge}(name, opts...)`
/// and the `…Observable…` variants, on a meter from `otel.Meter(…)`,
/// `provider.Meter(…)`, or a variable, parameter or field holding one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OtelInstrument {
    /// The constructor call.
    pub call: Span,
    /// The method as written: `Int64Counter`, `Float64ObservableGauge`.
    pub method: String,
    pub kind: InstrumentKind,
    /// `Int64…` (true) or `Float64…` (false).
    pub int64: bool,
    pub observable: bool,
    /// The name argument (absent only in code that does not compile).
    pub name: Option<OtelString>,
    /// `metric.WithUnit(…)`.
    pub unit: Option<OtelString>,
    /// `metric.WithDescription(…)`.
    pub description: Option<OtelString>,
    /// The `metric.WithExplicitBucketBoundaries(…)` call.
    pub buckets: Option<Span>,
    /// Some option is not a `metric.…(…)` call (a variable, `opts...`): what
    /// it sets is not known, so "no unit" is not known either.
    pub opaque_options: bool,
    /// The variable or field the instrument is assigned to (`reqs`, `m.latency`
    /// → `latency`).
    pub stored_as: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementOption {
    /// `metric.WithAttributes(kv...)`
    WithAttributes,
    /// `metric.WithAttributeSet(attribute.NewSet(kv...))`
    WithAttributeSet,
}

/// The call a measurement option is passed to directly.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeasurementCall {
    pub call: Span,
    /// `Add`, `Record`, `Observe`, `ObserveInt64`, …
    pub method: String,
    /// The receiver's last name (`reqs`, `s.latency` → `latency`).
    pub receiver: Option<String>,
    /// Index into `PackageFacts::otel_instruments` when the receiver is
    /// stored under exactly one instrument's name.
    pub instrument: Option<u32>,
}

/// One attribute key of a measurement option.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeasurementAttribute {
    /// Resolved through constants and `attribute.Key("…")`.
    pub key: Value<StrConst>,
    /// The `attribute.…` expression.
    pub span: Span,
}

/// A `metric.WithAttributes(…)` / `metric.WithAttributeSet(…)` option. Those
/// options exist only for measurements (`Add`, `Record`, `Observe…`), so the
/// option is a measurement's attributes even where the call is not bound.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OtelMeasurement {
    /// The option call.
    pub option: Span,
    pub via: MeasurementOption,
    /// The measurement call, when the option is passed to it directly.
    pub measurement: Option<MeasurementCall>,
    /// Keys that could be read (attribute expressions, slices and sets
    /// followed once through a local or package variable).
    pub attributes: Vec<MeasurementAttribute>,
}
