//! Which metric definitions a name rule looks at, and related locations.

use crate::rule::Report;
use instrlint_core::facts::{MetricDef, MetricKind, NameRole};
use instrlint_core::{Span, StrConst};

/// A name client_golang can register at all: M101 at error level is the
/// only M rule that looks at the others.
pub fn registrable(name: &StrConst) -> bool {
    name.valid_utf8 && !name.text.is_empty()
}

/// Definitions whose fully-qualified name is resolved and registrable, with
/// that name. `Dynamic` and `Unknown` names are skipped.
pub fn named<'a>(
    metrics: impl IntoIterator<Item = &'a MetricDef>,
) -> impl Iterator<Item = (&'a MetricDef, &'a str)> {
    metrics.into_iter().filter_map(|def| {
        let name = def.fq_name.resolved()?;
        registrable(name).then_some((def, name.text.as_str()))
    })
}

/// Adds "`value` is declared here" for every name part that is declared
/// elsewhere and whose role and resolved value `offend`.
pub fn declared_here<'s>(
    mut report: Report<'s>,
    def: &MetricDef,
    offends: impl Fn(NameRole, &StrConst) -> bool,
) -> Report<'s> {
    for part in &def.name_parts {
        let (Some(decl), Some(value)) = (part.decl, part.value.resolved()) else {
            continue;
        };
        if offends(part.role, value) {
            report = report.related(decl, format!("`{}` is declared here", value.text));
        }
    }
    report
}

/// Adds "collected as a counter here" when the definition is a `Desc` (or a
/// family generator) whose kind comes from how it is collected.
pub fn collected_here<'s>(report: Report<'s>, def: &MetricDef) -> Report<'s> {
    match (def.kind, def.collected_as, def.collected_at) {
        (MetricKind::Desc, Some(kind), Some(at)) if !contains(def.call, at) => {
            report.related(at, format!("collected as a {} here", kind.as_str()))
        }
        _ => report,
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}

/// A multi-line expression shown in a message: its first line and `…`.
pub fn one_line(text: &str) -> String {
    match text.split_once('\n') {
        Some((first, _)) => format!("{}…", first.trim_end()),
        None => text.to_string(),
    }
}

/// The part that carries the suffix of the name (`Name`, or `NewDesc`'s fqName).
pub fn is_last_part(role: NameRole) -> bool {
    matches!(role, NameRole::Name | NameRole::FqName)
}

/// The index of the package a package rule runs on, in the tree (for
/// comparing `DefRef`s): the tree's own element, or else the package of the
/// same directory and clause.
pub fn package_index(ctx: &crate::rule::PackageCtx) -> Option<u32> {
    let packages = &ctx.tree.packages;
    let me = ctx.package;
    let index = packages
        .iter()
        .position(|p| std::ptr::eq(p, me))
        .or_else(|| {
            packages
                .iter()
                .position(|p| p.dir == me.dir && p.name == me.name)
        })?;
    Some(index as u32)
}
