//! Every input kept in `fuzz/regressions/TARGET/` (crashes the fuzzer found,
//! since fixed, and a few hand-made hard cases) runs through its target
//! under `cargo test`: none may panic.

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(target);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    out.sort();
    out
}

fn replay(target: &str) {
    let all = inputs(target);
    assert!(!all.is_empty(), "fuzz/regressions/{target}/ is empty");
    for (path, data) in all {
        let r = std::panic::catch_unwind(|| instrlint_fuzz::run(target, &data));
        assert!(r.is_ok(), "{target}: {} panics", path.display());
    }
}

#[test]
fn source_regressions() {
    replay("source");
}

#[test]
fn config_regressions() {
    replay("config");
}

#[test]
fn promql_regressions() {
    replay("promql");
}

#[test]
fn promql_file_quotes_any_string() {
    for q in ["a`b", "x\"y\\z\n\r\u{7}", "plain"] {
        let go = instrlint_fuzz::promql_file(q);
        assert!(go.contains("api.Query(ctx, "), "{go}");
        let report = {
            // A directory of its own: the file's package siblings are read too.
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("check.go");
            std::fs::write(&path, &go).unwrap();
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = instrlint_cli::run_cli(
                [
                    "instrlint",
                    "check",
                    "--format",
                    "json",
                    path.to_str().unwrap(),
                ],
                &mut out,
                &mut err,
            );
            assert!(code == 0 || code == 1, "{}", String::from_utf8_lossy(&err));
            String::from_utf8(out).unwrap()
        };
        assert!(
            !report.contains("\"I002\""),
            "{q:?} gives a parse error:\n{go}\n{report}"
        );
    }
}
