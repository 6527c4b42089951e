//! OpenTelemetry metric facts from Go source strings.

use super::extract_package;
use crate::facts::{InstrumentKind, MeasurementOption, OtelInstrument, PackageFacts};
use crate::source::{FileId, SourceFile, Span};
use crate::value::Value;

const HEADER: &str = "import (\n\t\"context\"\n\t\"go.opentelemetry.io/otel\"\n\t\"go.opentelemetry.io/otel/attribute\"\n\t\"go.opentelemetry.io/otel/metric\"\n\t\"go.opentelemetry.io/otel/trace\"\n)\n";

fn file(id: u32, path: &str, text: String) -> SourceFile {
    SourceFile {
        id: FileId(id),
        path: path.to_string(),
        abs_path: path.into(),
        text,
        lossy: false,
        is_test: false,
    }
}

fn run(body: &str) -> (SourceFile, PackageFacts) {
    let f = file(0, "room.go", format!("package room\n{HEADER}{body}"));
    let facts = extract_package("room", "room", &[&f]);
    (f, facts)
}

fn at(f: &SourceFile, s: Span) -> &str {
    &f.text[s.start as usize..s.end as usize]
}

fn name(i: &OtelInstrument) -> &str {
    match &i.name.as_ref().unwrap().value {
        Value::Resolved(c) => &c.text,
        other => panic!("unresolved {other:?}"),
    }
}

#[test]
fn instruments_on_a_package_meter_with_options() {
    let (f, facts) = run(r#"
var meter = otel.Meter("livestream")

var joins, _ = meter.Int64Counter("room.joins", metric.WithDescription("Joins."))

func setup() {
	latency, err := meter.Float64Histogram("room.join.duration",
		metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.1, 1))
	_, _ = latency, err
	_, _ = meter.Int64ObservableGauge("room.viewers")
}
"#);
    let i = &facts.otel_instruments;
    assert_eq!(i.len(), 3, "{i:#?}");
    assert_eq!(name(&i[0]), "room.joins");
    assert_eq!(i[0].kind, InstrumentKind::Counter);
    assert!(i[0].int64 && !i[0].observable);
    assert_eq!(i[0].stored_as.as_deref(), Some("joins"));
    assert_eq!(
        at(&f, i[0].description.as_ref().unwrap().span),
        "\"Joins.\""
    );
    assert!(i[0].unit.is_none());
    assert_eq!(i[1].kind, InstrumentKind::Histogram);
    assert_eq!(
        i[1].unit.as_ref().unwrap().value.resolved().unwrap().text,
        "s"
    );
    assert!(i[1].buckets.is_some() && !i[1].opaque_options);
    assert_eq!(i[1].stored_as.as_deref(), Some("latency"));
    assert_eq!(i[2].kind, InstrumentKind::Gauge);
    assert!(i[2].observable && i[2].stored_as.is_none());
}

#[test]
fn meters_from_providers_fields_and_parameters() {
    let (_, facts) = run(r#"
type Metrics struct {
	meter metric.Meter
	other metric.Meter
	reqs  metric.Int64Counter
}

type Server struct{ m metric.Meter }

func New(p metric.MeterProvider) *Metrics {
	m := &Metrics{meter: p.Meter("room")}
	m.reqs, _ = m.meter.Int64Counter("room.requests")
	return m
}

func (s *Server) init() {
	s.m.Float64UpDownCounter("room.queue")
}

func withParam(mt metric.Meter) {
	mt.Int64Gauge("room.size")
}

func notAMeter(x interface{ Int64Counter(string) }) {
	x.Int64Counter("nope")
}
"#);
    let names: Vec<&str> = facts.otel_instruments.iter().map(name).collect();
    assert_eq!(names, ["room.requests", "room.queue", "room.size"]);
    assert_eq!(facts.otel_instruments[0].stored_as.as_deref(), Some("reqs"));
}

#[test]
fn names_resolve_through_constants_in_other_files_and_stay_dynamic() {
    let a = file(
        0,
        "metrics.go",
        format!(
            "package room\n{HEADER}var meter = otel.Meter(\"x\")\nvar c, _ = meter.Int64Counter(joinsName)\nfunc f(n string) {{ meter.Int64Counter(n) }}\n"
        ),
    );
    let b = file(
        1,
        "names.go",
        "package room\nconst joinsName = \"room.joins_total\"\n".into(),
    );
    let facts = extract_package("room", "room", &[&a, &b]);
    let i = &facts.otel_instruments;
    assert_eq!(i.len(), 2);
    let n = i[0].name.as_ref().unwrap();
    assert_eq!(n.value.resolved().unwrap().text, "room.joins_total");
    assert_eq!(n.decl.unwrap().file, FileId(1));
    assert!(matches!(
        i[1].name.as_ref().unwrap().value,
        Value::Dynamic(_)
    ));
}

#[test]
fn opaque_options_are_flagged() {
    let (_, facts) = run(r#"
var meter = otel.Meter("x")
var opts = []metric.Float64HistogramOption{metric.WithUnit("s")}
var h, _ = meter.Float64Histogram("room.latency", opts...)
"#);
    assert!(facts.otel_instruments[0].opaque_options);
    assert!(facts.otel_instruments[0].unit.is_none());
}

#[test]
fn measurement_attributes_through_constants_keys_sets_and_slices() {
    let (f, facts) = run(r#"
const userKey = "user_id"

var meter = otel.Meter("x")
var joins, _ = meter.Int64Counter("room.joins")

func join(ctx context.Context, id, room string) {
	joins.Add(ctx, 1, metric.WithAttributes(attribute.String(userKey, id), attribute.Key("room_id").String(room)))
	set := attribute.NewSet(attribute.String("shard_id", "1"))
	joins.Add(ctx, 1, metric.WithAttributeSet(set))
	attrs := []attribute.KeyValue{attribute.Int("order_id", 1)}
	opt := metric.WithAttributes(attrs...)
	joins.Add(ctx, 1, opt)
	_, span := otel.Tracer("t").Start(ctx, "join", trace.WithAttributes(attribute.String("user_id", id)))
	span.End()
}
"#);
    let m = &facts.otel_measurements;
    assert_eq!(m.len(), 3, "{m:#?}");
    let keys: Vec<Vec<&str>> = m
        .iter()
        .map(|m| {
            m.attributes
                .iter()
                .map(|a| a.key.resolved().unwrap().text.as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        keys,
        [
            vec!["user_id", "room_id"],
            vec!["shard_id"],
            vec!["order_id"]
        ]
    );
    assert_eq!(
        at(&f, m[0].attributes[0].span),
        "attribute.String(userKey, id)"
    );
    let call = m[0].measurement.as_ref().unwrap();
    assert_eq!((call.method.as_str(), call.instrument), ("Add", Some(0)));
    assert_eq!(m[1].via, MeasurementOption::WithAttributeSet);
    assert!(m[2].measurement.is_none());
}

#[test]
fn no_otel_metric_import_no_facts() {
    let f = file(
        0,
        "room.go",
        "package room\nimport \"go.opentelemetry.io/otel/trace\"\nfunc f(m interface{ Int64Counter(string) }) { m.Int64Counter(\"x\") }\n".into(),
    );
    let facts = extract_package("room", "room", &[&f]);
    assert!(facts.otel_instruments.is_empty());
}

#[test]
fn meter_field_declared_in_another_file_and_meter_functions() {
    let a = file(
        0,
        "server.go",
        format!(
            "package room\n{HEADER}type Server struct {{ meter metric.Meter }}\nfunc meterOf() metric.Meter {{ return otel.Meter(\"x\") }}\nvar q, _ = meterOf().Int64Histogram(\"room.queue\")\n"
        ),
    );
    // No imports at all: found by the prefilter's instrument triggers.
    let b = file(
        1,
        "init.go",
        "package room\nfunc (s *Server) setup() { s.meter.Int64Counter(\"room.requests\") }\n"
            .into(),
    );
    let facts = extract_package("room", "room", &[&a, &b]);
    let names: Vec<&str> = facts.otel_instruments.iter().map(name).collect();
    assert_eq!(names, ["room.queue", "room.requests"]);
    assert_eq!(facts.otel_instruments[1].call.file, FileId(1));
}
