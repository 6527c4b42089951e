//! instrlint's rules. Each rule is its metadata plus one function over facts;
//! this crate never sees a syntax tree.

pub mod context;
pub mod metric_names;
pub mod promql;
pub mod registry;
pub mod rule;
pub mod spans;
pub mod util;

#[cfg(test)]
mod testutil;
#[cfg(test)]
mod testutil_promql;
#[cfg(test)]
mod testutil_spans;

pub use registry::{find_rule, RULES};
pub use rule::{Check, Group, PackageCtx, Rule, RuleMeta, Sink, TreeCtx};
