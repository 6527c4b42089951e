//! `instrlint debug facts PATH...`: the extracted facts of every package and
//! Prometheus rule file as JSON, found and grouped as `check` does.

use crate::args::FactsArgs;
use crate::exit;
use crate::pipeline::{collect_facts, LintOptions};
use instrlint_core::facts::{PackageFacts, RuleFileFacts};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Serialize)]
struct Dump<'a> {
    /// File id → display path.
    files: BTreeMap<u32, &'a str>,
    packages: &'a [PackageFacts],
    /// Prometheus rule files (YAML) and their queries.
    rule_files: &'a [RuleFileFacts],
}

pub fn run(args: &FactsArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let opts = LintOptions {
        paths: args.paths.clone(),
        include_tests: args.include_tests,
        ..LintOptions::default()
    };
    let collected = match collect_facts(&opts) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}");
            return exit::ERROR;
        }
    };
    let dump = Dump {
        files: collected
            .files
            .iter()
            .map(|f| (f.id.0, f.path.as_str()))
            .collect(),
        packages: &collected.tree.packages,
        rule_files: &collected.tree.rule_files,
    };
    let mut json = serde_json::to_string_pretty(&dump).expect("facts serialise");
    json.push('\n');
    for p in &collected.problems {
        let _ = writeln!(stderr, "error: {}: {}", p.path, p.message);
    }
    if stdout.write_all(json.as_bytes()).is_err() || !collected.problems.is_empty() {
        return exit::ERROR;
    }
    exit::CLEAN
}
