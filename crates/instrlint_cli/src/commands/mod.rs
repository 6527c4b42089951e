//! One module per subcommand; each returns the process exit code.

pub mod check;
pub mod debug;
pub mod explain;
pub mod parse;
pub mod rules;
pub mod stats;
