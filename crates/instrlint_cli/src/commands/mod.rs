//! One module per subcommand; each returns the process exit code.

pub mod check;
pub mod debug;
pub mod explain;
pub mod rules;
