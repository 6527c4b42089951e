//! O: OpenTelemetry metric instruments. Definition rules (O801–O803) report
//! inside the constructor call, once per instrument; O804 reports at the
//! offending `attribute.…` expression of a measurement.

pub mod names;
pub mod o801_otel_instrument_name_invalid;
pub mod o802_otel_instrument_name_suffix;
pub mod o803_otel_histogram_missing_unit;
pub mod o804_otel_high_cardinality_attribute;

use crate::rule::Report;
use instrlint_core::facts::{OtelInstrument, OtelString};

/// Instruments whose name is resolved, with the name argument and its text.
/// `Dynamic` and `Unknown` names are skipped.
pub fn named<'a>(
    instruments: impl IntoIterator<Item = &'a OtelInstrument>,
) -> impl Iterator<Item = (&'a OtelInstrument, &'a OtelString, &'a str)> {
    instruments.into_iter().filter_map(|inst| {
        let arg = inst.name.as_ref()?;
        let name = arg.value.resolved()?;
        Some((inst, arg, name.text.as_str()))
    })
}

/// "counter `room.joins`", or the kind alone when the name is not resolved.
pub fn subject(inst: &OtelInstrument, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{} `{n}`", inst.kind.as_str()),
        None => inst.kind.as_str().to_string(),
    }
}

/// Adds "`value` is declared here" when the string came from a constant.
pub fn declared_here<'s>(report: Report<'s>, arg: &OtelString) -> Report<'s> {
    match (arg.decl, arg.value.resolved()) {
        (Some(decl), Some(v)) => report.related(decl, format!("`{}` is declared here", v.text)),
        _ => report,
    }
}
