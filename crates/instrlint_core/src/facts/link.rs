//! Binding uses to definitions across the tree: `LabelUse.def`,
//! `MetricOp.def`, `ConstMetric.def` and `RegisterCall.collectors` from their
//! `Receiver`s and the definitions' `Store`s, then the kind each `NewDesc` is
//! collected as. Runs once after every package is extracted.
//!
//! A receiver binds only when exactly one definition matches it:
//! - `PackageVar { import_path: None, name }`: a definition of the same package
//!   stored in `var name`; with `Some(path)`, the same in the package whose
//!   import path is `path` (the non-`_test` one when a directory has two).
//! - `Field { type_name, field }`: a definition of the same package stored in
//!   a field `field`; when both types are known they must be equal, and a use
//!   whose type is unknown binds only when one definition has such a field.
//! - `PackageVarField { var, field }`: the same store.
//! - `Local { def_call }` / `Definition { call }`: the definition whose
//!   constructor call is that span, in the same package (bound by extraction).

use super::labels::{DefRef, Receiver, Store};
use super::metrics::{MetricApi, MetricKind};
use super::{PackageFacts, TreeFacts};
use crate::source::Span;
use std::collections::HashMap;

/// Fill the `def` bindings of every use in the tree. A receiver binds only
/// when exactly one definition matches it; otherwise it stays `None`.
pub fn link(tree: &mut TreeFacts) {
    let index = Index::build(tree);
    let mut bound: Vec<Bindings> = Vec::with_capacity(tree.packages.len());
    for (p, pkg) in tree.packages.iter().enumerate() {
        let p = p as u32;
        bound.push(Bindings {
            labels: pkg
                .label_uses
                .iter()
                .map(|u| index.resolve(p, &u.receiver))
                .collect(),
            ops: pkg
                .metric_ops
                .iter()
                .map(|o| index.resolve(p, &o.receiver))
                .collect(),
            descs: pkg
                .const_metrics
                .iter()
                .map(|c| index.resolve(p, &c.desc))
                .collect(),
            collectors: pkg
                .registrations
                .iter()
                .map(|r| {
                    r.collectors
                        .iter()
                        .map(|(c, _)| index.resolve(p, c))
                        .collect()
                })
                .collect(),
        });
    }
    for (pkg, b) in tree.packages.iter_mut().zip(bound) {
        for (u, d) in pkg.label_uses.iter_mut().zip(b.labels) {
            u.def = d;
        }
        for (o, d) in pkg.metric_ops.iter_mut().zip(b.ops) {
            o.def = d;
        }
        for (r, ds) in pkg.registrations.iter_mut().zip(b.collectors) {
            for (c, d) in r.collectors.iter_mut().zip(ds) {
                c.1 = d;
            }
        }
        for (c, d) in pkg.const_metrics.iter_mut().zip(b.descs) {
            c.def = d;
        }
    }
    type_descs(tree);
}

/// `MetricDef::collected_as` of every `NewDesc` the const metrics of the
/// tree bind to, when they agree on its kind.
fn type_descs(tree: &mut TreeFacts) {
    let mut kinds: HashMap<DefRef, Option<(MetricKind, Span)>> = HashMap::new();
    for pkg in &tree.packages {
        for c in &pkg.const_metrics {
            let Some(d) = c.def else { continue };
            kinds
                .entry(d)
                .and_modify(|k| {
                    if k.is_some_and(|(kind, _)| kind != c.kind) {
                        *k = None;
                    }
                })
                .or_insert(Some((c.kind, c.call)));
        }
    }
    for (d, kind) in kinds {
        let def = &mut tree.packages[d.package as usize].metrics[d.index as usize];
        if def.kind != MetricKind::Desc || def.api == MetricApi::KubeStateMetrics {
            continue;
        }
        if let Some((kind, at)) = kind {
            def.collected_as = Some(kind);
            def.collected_at = Some(at);
        }
    }
}

struct Bindings {
    labels: Vec<Option<DefRef>>,
    ops: Vec<Option<DefRef>>,
    descs: Vec<Option<DefRef>>,
    collectors: Vec<Vec<Option<DefRef>>>,
}

/// Definitions of one package by store.
#[derive(Default)]
struct PkgIndex<'a> {
    vars: HashMap<&'a str, Vec<u32>>,
    /// Field name → (struct type when known, definition).
    fields: HashMap<&'a str, Vec<(Option<&'a str>, u32)>>,
    var_fields: HashMap<(&'a str, &'a str), Vec<u32>>,
    calls: HashMap<Span, u32>,
}

struct Index<'a> {
    packages: Vec<PkgIndex<'a>>,
    /// Import path → the package that answers for it.
    by_path: HashMap<&'a str, u32>,
}

impl<'a> Index<'a> {
    fn build(tree: &'a TreeFacts) -> Self {
        let packages = tree.packages.iter().map(PkgIndex::build).collect();
        let mut candidates: HashMap<&'a str, Vec<u32>> = HashMap::new();
        for (p, pkg) in tree.packages.iter().enumerate() {
            if let Some(path) = pkg.import_path.as_deref() {
                candidates.entry(path).or_default().push(p as u32);
            }
        }
        let by_path = candidates
            .into_iter()
            .filter_map(|(path, ps)| {
                let main: Vec<u32> = ps
                    .iter()
                    .copied()
                    .filter(|&p| !tree.packages[p as usize].name.ends_with("_test"))
                    .collect();
                let pick = if main.is_empty() { ps } else { main };
                (pick.len() == 1).then(|| (path, pick[0]))
            })
            .collect();
        Index { packages, by_path }
    }

    fn resolve(&self, package: u32, r: &Receiver) -> Option<DefRef> {
        let here = &self.packages[package as usize];
        let (p, index) = match r {
            Receiver::PackageVar {
                import_path: None,
                name,
            } => (package, one(here.vars.get(name.as_str())?)?),
            Receiver::PackageVar {
                import_path: Some(path),
                name,
            } => {
                let p = *self.by_path.get(path.as_str())?;
                (p, one(self.packages[p as usize].vars.get(name.as_str())?)?)
            }
            Receiver::Field { type_name, field } => {
                let defs = here.fields.get(field.as_str())?;
                let matching: Vec<u32> = defs
                    .iter()
                    .filter(|(t, _)| match (type_name.as_deref(), t) {
                        (Some(want), Some(have)) => want == *have,
                        _ => true,
                    })
                    .map(|(_, d)| *d)
                    .collect();
                (package, one(&matching)?)
            }
            Receiver::PackageVarField { var, field } => (
                package,
                one(here.var_fields.get(&(var.as_str(), field.as_str()))?)?,
            ),
            Receiver::Local {
                def_call: Some(call),
                ..
            }
            | Receiver::Definition { call } => (package, *here.calls.get(call)?),
            Receiver::Local { def_call: None, .. } | Receiver::Unknown => return None,
        };
        Some(DefRef { package: p, index })
    }
}

impl<'a> PkgIndex<'a> {
    fn build(pkg: &'a PackageFacts) -> Self {
        let mut ix = PkgIndex::default();
        for (i, m) in pkg.metrics.iter().enumerate() {
            let i = i as u32;
            ix.calls.insert(m.call, i);
            for s in &m.stores {
                match s {
                    Store::PackageVar { name } => ix.vars.entry(name).or_default().push(i),
                    Store::Field { type_name, field } => ix
                        .fields
                        .entry(field)
                        .or_default()
                        .push((type_name.as_deref(), i)),
                    Store::PackageVarField { var, field } => {
                        ix.var_fields.entry((var, field)).or_default().push(i)
                    }
                    Store::Local { .. } => {}
                }
            }
        }
        ix
    }
}

/// The single distinct definition of a candidate list.
fn one(defs: &[u32]) -> Option<u32> {
    let first = *defs.first()?;
    defs.iter().all(|&d| d == first).then_some(first)
}
