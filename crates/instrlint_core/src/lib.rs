//! instrlint's front end: discovery, parsing, resolution and the instrumentation
//! facts that rules read. No rule logic and no rendering live here.

pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod extract;
pub mod facts;
pub mod promql_selectors;
pub mod promql_template;
pub mod rulefiles;
pub mod source;
pub mod span_settings;
pub mod suppress;
pub mod value;

pub use diagnostic::{Diagnostic, Level, Related};
pub use source::{FileId, LineIndex, SourceFile, Span};
pub use value::{Dynamic, StrConst, Value};
