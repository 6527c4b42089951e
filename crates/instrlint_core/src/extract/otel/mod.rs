//! OpenTelemetry metric facts: instruments created on a meter and the
//! attributes passed to measurements.
//!
//! A package-wide index of struct fields that hold meters ([`Mx::new`]), then
//! one walk per file that imports `go.opentelemetry.io/otel/metric` or
//! `go.opentelemetry.io/otel`.

mod instruments;
mod measurements;
mod meters;

use super::kinds::KINDS;
use super::pkg::{Api, Pkg};
use super::spans::{indexes, Tx};
use super::values::Site;
use super::walker::visit;
use crate::facts::{OtelInstrument, OtelMeasurement, PackageFacts};
use std::collections::{HashMap, HashSet};

/// The package with its meter-holding fields; `tx` lends the span
/// extractor's attribute-key resolution.
pub(crate) struct Mx<'p, 't> {
    pub pkg: &'p Pkg<'t>,
    pub tx: Tx<'p, 't>,
    /// Struct fields typed `metric.Meter`, or assigned / initialised from a
    /// meter anywhere in the package.
    pub meter_fields: HashSet<&'t str>,
}

/// Replaces the OTel metric facts of `facts` with those of the walked units.
pub(crate) fn extract_otel(pkg: &Pkg<'_>, facts: &mut PackageFacts) {
    facts.otel_instruments.clear();
    facts.otel_measurements.clear();
    let mx = Mx::new(pkg);
    for u in 0..pkg.units.len() {
        if !pkg.units[u].walk || !mx.wants(u) {
            continue;
        }
        let (instruments, measurements) = mx.walk(u);
        facts.otel_instruments.extend(instruments);
        facts.otel_measurements.extend(measurements);
    }
    bind_measurements(&facts.otel_instruments, &mut facts.otel_measurements);
}

/// Binds each measurement to the one instrument stored under its receiver's name.
fn bind_measurements(instruments: &[OtelInstrument], measurements: &mut [OtelMeasurement]) {
    let mut by_name: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, inst) in instruments.iter().enumerate() {
        if let Some(name) = &inst.stored_as {
            by_name.entry(name).or_default().push(i as u32);
        }
    }
    for m in measurements.iter_mut() {
        let Some(call) = &mut m.measurement else {
            continue;
        };
        call.instrument = match call.receiver.as_deref().and_then(|r| by_name.get(r)) {
            Some(v) if v.len() == 1 => Some(v[0]),
            _ => None,
        };
    }
}

impl<'p, 't> Mx<'p, 't> {
    pub fn new(pkg: &'p Pkg<'t>) -> Self {
        let mut mx = Mx {
            pkg,
            tx: Tx {
                pkg,
                tracer_fields: HashMap::new(),
            },
            meter_fields: HashSet::new(),
        };
        let mut found: Vec<&'t str> = Vec::new();
        for u in 0..pkg.units.len() {
            if !mx.wants(u) {
                continue;
            }
            let text = pkg.units[u].src.text.as_str();
            visit(pkg.units[u].root, text, |path, _, chain| {
                let n = path[path.len() - 1];
                if !indexes(n) {
                    return;
                }
                let site = Site { unit: u, chain };
                mx.index_fields(site, n, &mut found);
            });
        }
        mx.meter_fields.extend(found);
        mx
    }

    /// Whether a file can hold OTel metric facts: it imports the metric API
    /// or the global `otel` package, or the package has meter fields.
    fn wants(&self, u: usize) -> bool {
        !self.meter_fields.is_empty()
            || self.pkg.imports_api(u, Api::OtelMetric)
            || self.pkg.imports_api(u, Api::Otel)
    }

    fn walk(&self, u: usize) -> (Vec<OtelInstrument>, Vec<OtelMeasurement>) {
        let p = self.pkg;
        let mut instruments = Vec::new();
        let mut measurements = Vec::new();
        let text = p.units[u].src.text.as_str();
        visit(p.units[u].root, text, |path, _, chain| {
            let n = path[path.len() - 1];
            if n.kind_id() != KINDS.call_expression {
                return;
            }
            let site = Site { unit: u, chain };
            if let Some(inst) = self.instrument(site, n) {
                instruments.push(inst);
            } else if let Some(m) = self.measurement(site, n) {
                measurements.push(m);
            }
        });
        (instruments, measurements)
    }
}
