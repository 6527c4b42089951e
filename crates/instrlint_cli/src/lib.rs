//! The instrlint pipeline and commands, as a library for the binary and the tests.

pub mod pipeline;
pub mod selection;

pub use pipeline::{lint, LintError, LintOptions, LintOutcome, Stats};

/// Run the command line `args` (including the program name) writing to the
/// given streams; returns the process exit code (0 clean, 1 findings at or
/// above `--fail-on`, 2 usage, config or I/O error).
pub fn run_cli<I, T>(
    args: I,
    stdout: &mut dyn std::io::Write,
    stderr: &mut dyn std::io::Write,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let _ = (args.into_iter().count(), stdout, stderr);
    2
}
