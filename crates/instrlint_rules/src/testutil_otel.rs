//! Hand-built OpenTelemetry metric facts for the O rule tests.

use crate::rule::{PackageCtx, Sink};
use instrlint_core::config::Settings;
use instrlint_core::facts::{
    InstrumentKind, MeasurementAttribute, MeasurementCall, MeasurementOption, OtelInstrument,
    OtelMeasurement, OtelString, PackageFacts,
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

fn string(text: &str, at: Span) -> OtelString {
    OtelString {
        value: Value::Resolved(StrConst::new(text)),
        span: at,
        decl: None,
    }
}

/// An instrument under construction: `meter.<method>(name)` with its name
/// argument at 10..20 and the call at 0..40 of file 0.
pub struct Inst(pub OtelInstrument);

pub fn instrument(kind: InstrumentKind, name: &str) -> Inst {
    let method = match kind {
        InstrumentKind::Counter => "Int64Counter",
        InstrumentKind::UpDownCounter => "Int64UpDownCounter",
        InstrumentKind::Histogram => "Float64Histogram",
        InstrumentKind::Gauge => "Float64Gauge",
    };
    Inst(OtelInstrument {
        call: span(0, 0, 40),
        method: method.to_string(),
        kind,
        int64: method.starts_with("Int64"),
        observable: false,
        name: Some(string(name, span(0, 10, 20))),
        unit: None,
        description: None,
        buckets: None,
        opaque_options: false,
        stored_as: None,
    })
}

pub fn counter(name: &str) -> Inst {
    instrument(InstrumentKind::Counter, name)
}

pub fn histogram(name: &str) -> Inst {
    instrument(InstrumentKind::Histogram, name)
}

impl Inst {
    pub fn unit(mut self, unit: &str) -> Self {
        self.0.unit = Some(string(unit, span(0, 25, 30)));
        self
    }
    pub fn declared_elsewhere(mut self) -> Self {
        if let Some(n) = &mut self.0.name {
            n.decl = Some(DECL);
        }
        self
    }
    pub fn dynamic(mut self, text: &str) -> Self {
        if let Some(n) = &mut self.0.name {
            n.value = Value::Dynamic(Dynamic {
                span: n.span,
                text: text.to_string(),
            });
        }
        self
    }
    pub fn opaque(mut self) -> Self {
        self.0.opaque_options = true;
        self
    }
    pub fn stored_as(mut self, name: &str) -> Self {
        self.0.stored_as = Some(name.to_string());
        self
    }
}

/// `x.Add(ctx, 1, metric.WithAttributes(<keys>))`: the option at 100..200,
/// attribute `i` at `110 + 20*i` .. `+15`. An empty key is Unknown.
pub fn measurement(keys: &[&str], instrument: Option<u32>) -> OtelMeasurement {
    OtelMeasurement {
        option: span(0, 100, 200),
        via: MeasurementOption::WithAttributes,
        measurement: Some(MeasurementCall {
            call: span(0, 80, 210),
            method: "Add".to_string(),
            receiver: Some("joins".to_string()),
            instrument,
        }),
        attributes: keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let start = 110 + 20 * i as u32;
                MeasurementAttribute {
                    key: if k.is_empty() {
                        Value::Unknown
                    } else {
                        Value::Resolved(StrConst::new(*k))
                    },
                    span: span(0, start, start + 15),
                }
            })
            .collect(),
    }
}

/// The measurement moved `by` bytes further down file 0.
pub fn shifted(mut m: OtelMeasurement, by: u32) -> OtelMeasurement {
    let mv = |s: &mut Span| *s = span(s.file.0, s.start + by, s.end + by);
    mv(&mut m.option);
    if let Some(c) = &mut m.measurement {
        mv(&mut c.call);
    }
    for a in &mut m.attributes {
        mv(&mut a.span);
    }
    m
}

pub fn package(instruments: Vec<Inst>, measurements: Vec<OtelMeasurement>) -> PackageFacts {
    PackageFacts {
        dir: "room".to_string(),
        name: "room".to_string(),
        files: vec![FileId(0)],
        paths: vec!["room/metrics.go".to_string()],
        otel_instruments: instruments.into_iter().map(|i| i.0).collect(),
        otel_measurements: measurements,
        ..PackageFacts::default()
    }
}

/// `package` plus one instrument per O rule that fires, for the registry's
/// every-rule-fires test.
pub fn with_otel_facts(mut package: PackageFacts) -> PackageFacts {
    let extra = self::package(
        vec![
            counter("room joins"),
            counter("room.joins_total"),
            histogram("room.join.duration"),
        ],
        vec![measurement(&["user_id"], None)],
    );
    package.otel_instruments.extend(extra.otel_instruments);
    package.otel_measurements.extend(extra.otel_measurements);
    package
}

pub fn run_with(
    check: fn(&PackageCtx, &mut Sink),
    settings: &Settings,
    package: PackageFacts,
) -> Vec<Diagnostic> {
    crate::testutil::run_package(check, settings, package)
}

pub fn run(check: fn(&PackageCtx, &mut Sink), package: PackageFacts) -> Vec<Diagnostic> {
    run_with(check, &Settings::default(), package)
}
