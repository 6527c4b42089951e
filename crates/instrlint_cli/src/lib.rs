//! The instrlint pipeline and commands, as a library for the binary and the tests.

pub mod args;
mod atomic;
pub mod commands;
pub mod gate;
pub mod output;
pub mod pipeline;
pub mod selection;
pub mod server;

pub use pipeline::{lint, LintError, LintOptions, LintOutcome, Stats};

use args::{Cli, Command, DebugCommand};
use clap::Parser;

/// Process exit codes.
pub mod exit {
    /// Nothing at or above `--fail-on`.
    pub const CLEAN: i32 = 0;
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: i32 = 1;
    /// Usage, configuration or I/O error.
    pub const ERROR: i32 = 2;
}

/// Writes `bytes` to standard output. A reader that has gone (a closed pipe,
/// as with `instrlint … | head -1`) is not an error: the rest is dropped
/// quietly, as other command-line tools do, and the exit code stays that of
/// the run.
pub(crate) fn write_stdout(stdout: &mut dyn std::io::Write, bytes: &[u8]) -> std::io::Result<()> {
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Run the command line `args` (including the program name) writing to the
/// given streams; returns the process exit code (0 clean, 1 findings at or
/// above `--fail-on`, 2 usage, config or I/O error). Renders without colour
/// unless `--color always`.
pub fn run_cli<I, T>(
    args: I,
    stdout: &mut dyn std::io::Write,
    stderr: &mut dyn std::io::Write,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    run_cli_on(args, stdout, stderr, false)
}

/// [`run_cli`], told whether `stdout` is a terminal (colour, hyperlinks and
/// the terminal's width with `--color auto`).
pub fn run_cli_on<I, T>(
    args: I,
    stdout: &mut dyn std::io::Write,
    stderr: &mut dyn std::io::Write,
    stdout_is_terminal: bool,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e, stdout, stderr),
    };
    let code = match &cli.command {
        Command::Check(a) => commands::check::run(a, stdout, stderr, stdout_is_terminal),
        Command::Rules(a) => commands::rules::run(a, stdout),
        Command::Explain(a) => commands::explain::run(a, stdout, stderr),
        // The server writes to the process's standard output itself.
        Command::Server(a) => server::run(a),
        Command::Debug(DebugCommand::Facts(a)) => commands::debug::run(a, stdout, stderr),
        Command::Debug(DebugCommand::Parse(a)) => commands::parse::run(a, stdout, stderr),
    };
    let _ = stdout.flush();
    code
}

/// Help and version go to stdout with 0; every usage error exits 2.
fn clap_error(
    e: &clap::Error,
    stdout: &mut dyn std::io::Write,
    stderr: &mut dyn std::io::Write,
) -> i32 {
    use clap::error::ErrorKind;
    let text = e.render().to_string();
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = stdout.write_all(text.as_bytes());
            exit::CLEAN
        }
        _ => {
            let _ = stderr.write_all(text.as_bytes());
            exit::ERROR
        }
    }
}
