//! `examples/livestream` produces exactly the findings listed in
//! `tests/data/livestream.expected` (`path:line CODE`, paths relative to the
//! example), every group included: examples/livestream/EXPECTED.md explains
//! each of them.

use instrlint_tests::{fixture, repo_root, tests_dir};

fn expected() -> Vec<String> {
    let text = std::fs::read_to_string(tests_dir().join("data/livestream.expected"))
        .expect("tests/data/livestream.expected");
    let mut v: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    v.sort();
    v
}

#[test]
fn expected_file_is_well_formed() {
    let lines = expected();
    assert!(!lines.is_empty());
    for l in &lines {
        let (loc, code) = l.split_once(' ').unwrap_or_else(|| panic!("`{l}`"));
        let (path, line) = loc.rsplit_once(':').unwrap_or_else(|| panic!("`{l}`"));
        assert!(
            code.len() == 4 && code.as_bytes()[0].is_ascii_uppercase(),
            "`{l}`: code"
        );
        let n: usize = line.parse().unwrap_or_else(|_| panic!("`{l}`: line"));
        let file = repo_root().join("examples/livestream").join(path);
        let text = std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("`{l}`: no {path}"));
        assert!(n >= 1 && n <= text.lines().count(), "`{l}`: past the end");
    }
}

#[test]
fn example_findings_match_the_expected_list() {
    let root = repo_root().join("examples/livestream");
    let outcome = instrlint_cli::lint(&instrlint_cli::LintOptions {
        paths: vec![root.clone()],
        ..Default::default()
    })
    .expect("lint runs");
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let mut found: Vec<String> = fixture::findings(&outcome, &root)
        .into_iter()
        .map(|f| format!("{}:{} {}", f.file, f.line, f.code))
        .collect();
    found.sort();
    let want = expected();
    let missing: Vec<&String> = want.iter().filter(|w| !found.contains(w)).collect();
    let extra: Vec<&String> = found.iter().filter(|f| !want.contains(f)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "examples/livestream findings differ from tests/data/livestream.expected\n\
         expected but not found:\n  {}\nfound but not expected:\n  {}\n\
         all found (paste into livestream.expected after review):\n{}",
        fmt(&missing),
        fmt(&extra),
        found.join("\n")
    );
}

fn fmt(v: &[&String]) -> String {
    v.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("\n  ")
}
