//! The same input gives byte-identical output: across two runs and across
//! `-j 1` / `-j 2`, in every format, on the fixture tree and the example.
//! (`scripts/smoke-real-code.sh`, run by `.ci/run`, checks the same on real
//! Debian Go packages.)

fn run(args: &[&str]) -> (i32, Vec<u8>) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = std::iter::once("instrlint").chain(args.iter().copied());
    let code = instrlint_cli::run_cli(argv, &mut out, &mut err);
    (code, out)
}

fn assert_stable(paths: &[&str]) {
    for format in ["text", "json", "sarif", "github", "markdown"] {
        let with_jobs = |jobs: &str| {
            let mut args = vec!["check", "--format", format, "--color", "never", "-j", jobs];
            args.extend_from_slice(paths);
            run(&args)
        };
        let first = with_jobs("1");
        assert!(first.0 == 0 || first.0 == 1, "exit {}", first.0);
        assert!(!first.1.is_empty(), "{format}: empty report");
        for jobs in ["1", "2", "2", "4"] {
            let again = with_jobs(jobs);
            assert_eq!(again.0, first.0, "{format} -j {jobs}: exit code differs");
            assert!(
                again.1 == first.1,
                "{format} -j {jobs}: output differs from -j 1\n--- -j 1\n{}\n--- -j {jobs}\n{}",
                String::from_utf8_lossy(&first.1),
                String::from_utf8_lossy(&again.1)
            );
        }
    }
}

#[test]
fn fixture_tree_output_is_byte_identical() {
    // Cargo runs tests in `tests/`.
    assert_stable(&["fixtures", "--include-tests"]);
}

#[test]
fn example_output_is_byte_identical() {
    assert_stable(&["../examples/livestream", "fixtures/cli/snapshot"]);
}
