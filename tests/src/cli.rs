//! Running the `instrlint` command line in process, for the CLI tests.

/// What one run printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `instrlint ARGS…` through `run_cli`, with stdout and stderr captured.
pub fn cli(args: &[&str]) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = std::iter::once("instrlint").chain(args.iter().copied());
    let code = instrlint_cli::run_cli(argv, &mut out, &mut err);
    Run {
        code,
        stdout: String::from_utf8(out).expect("stdout is UTF-8"),
        stderr: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}
