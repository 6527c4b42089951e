//! OpenTelemetry metric facts: instruments created on a meter and the
//! attributes passed to measurements.
//!
//! Read during the one walk of each file (`walk.rs`): a package-wide index
//! of struct fields that hold meters ([`Mx::index_fields`]); the calls named
//! like instrument constructors and measurement options are put off until it
//! is complete ([`Mx::unit_otel`]), in the files that import
//! `go.opentelemetry.io/otel/metric` or `go.opentelemetry.io/otel` (all
//! walked files once the package has meter fields).

mod instruments;
mod measurements;
mod meters;

use super::pkg::{Api, Pkg};
use super::spans::Tx;
use super::values::Site;
use super::walker::MarkLog;
use crate::extract::kinds::FIELDS;
use crate::facts::{OtelInstrument, OtelMeasurement, PackageFacts};
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// The package with its meter-holding fields; `tx` lends the span
/// extractor's attribute-key resolution.
pub(crate) struct Mx<'p, 't> {
    pub pkg: &'p Pkg<'t>,
    pub tx: Tx<'p, 't>,
    /// Struct fields typed `metric.Meter`, or assigned / initialised from a
    /// meter anywhere in the package.
    pub meter_fields: HashSet<&'t str>,
}

/// Binds the package's measurements to its instruments, once every walked
/// unit's have been added.
pub(crate) fn bind(facts: &mut PackageFacts) {
    bind_measurements(&facts.otel_instruments, &mut facts.otel_measurements);
}

/// Whether `call` is named like an instrument constructor or a measurement
/// option ([`Mx::instrument`], [`Mx::measurement`]): the walk puts off only
/// such calls until the package's meter fields are known.
pub(crate) fn otel_candidate(pkg: &Pkg<'_>, unit: usize, call: Node<'_>) -> bool {
    let Some(f) = call.child_by_field_id(FIELDS.function) else {
        return false;
    };
    let name = match f.kind() {
        "selector_expression" => match f.child_by_field_id(FIELDS.field) {
            Some(field) => pkg.text(unit, field),
            None => return false,
        },
        "identifier" => pkg.text(unit, f),
        _ => return false,
    };
    matches!(name, "WithAttributes" | "WithAttributeSet")
        || instruments::parse_method(name).is_some()
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
    /// The package with the meter fields found so far (none while the
    /// index is built); its `tx` has no tracer fields.
    pub fn with_fields(pkg: &'p Pkg<'t>, meter_fields: HashSet<&'t str>) -> Self {
        Mx {
            pkg,
            tx: Tx::empty(pkg),
            meter_fields,
        }
    }

    /// Whether a file can hold OTel metric facts: it imports the metric API
    /// or the global `otel` package, or the package has meter fields.
    pub fn wants(&self, u: usize) -> bool {
        !self.meter_fields.is_empty()
            || self.pkg.imports_api(u, Api::OtelMetric)
            || self.pkg.imports_api(u, Api::Otel)
    }

    /// The instruments and measurements of walked unit `u`, once the meter
    /// fields are known: from the calls the walk put off
    /// ([`otel_candidate`]), each with the marks around it in `log`.
    pub fn unit_otel(
        &self,
        u: usize,
        calls: &[(Node<'t>, u32)],
        log: &MarkLog<'t>,
        facts: &mut PackageFacts,
    ) {
        for &(n, top) in calls {
            let chain: Vec<Node<'t>> = log.marks(top).iter().filter_map(|m| m.function()).collect();
            let site = Site {
                unit: u,
                chain: &chain,
            };
            if let Some(inst) = self.instrument(site, n) {
                facts.otel_instruments.push(inst);
            } else if let Some(m) = self.measurement(site, n) {
                facts.otel_measurements.push(m);
            }
        }
    }
}
