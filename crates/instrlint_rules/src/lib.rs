//! instrlint's rules. Each rule is its metadata plus one function over facts;
//! this crate never sees a syntax tree.

pub mod context;
pub mod labels;
pub mod metric_names;
pub mod otel;
pub mod promql;
pub mod registration;
pub mod registry;
pub mod rule;
pub mod spans;
pub mod types;
pub mod user_doc;
pub mod util;

#[cfg(test)]
mod testutil;
#[cfg(test)]
mod testutil_otel;
#[cfg(test)]
mod testutil_promql;
#[cfg(test)]
mod testutil_spans;

pub use registry::{find_rule, RULES};
pub use rule::{Check, Group, PackageCtx, Rule, RuleMeta, Sink, TreeCtx};
pub use user_doc::user_doc;
