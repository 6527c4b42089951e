//! `instrlint debug facts PATH...`: the extracted facts of every package as JSON,
//! found and grouped as `check` does.

use crate::args::FactsArgs;
use crate::exit;
use instrlint_core::discover::{self, DiscoverOptions};
use instrlint_core::extract;
use instrlint_core::facts::PackageFacts;
use instrlint_core::{FileId, SourceFile};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Serialize)]
struct Dump<'a> {
    /// File id → display path.
    files: BTreeMap<u32, &'a str>,
    packages: Vec<PackageFacts>,
}

pub fn run(args: &FactsArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let opts = DiscoverOptions {
        include_tests: args.include_tests,
        ..DiscoverOptions::default()
    };
    let found = discover::discover(&args.paths, &opts);
    let mut problems = found.problems;
    let mut files: Vec<SourceFile> = Vec::new();
    for c in &found.files {
        match std::fs::read(&c.abs) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                if !c.explicit && discover::is_generated(&text) {
                    continue;
                }
                files.push(SourceFile {
                    id: FileId(files.len() as u32),
                    path: c.display.clone(),
                    abs_path: c.abs.clone(),
                    lossy: std::str::from_utf8(&bytes).is_err(),
                    is_test: c.display.ends_with("_test.go"),
                    text,
                });
            }
            Err(e) => problems.push(discover::IoProblem {
                path: c.display.clone(),
                message: e.to_string(),
            }),
        }
    }

    let mut groups: BTreeMap<(String, String), Vec<&SourceFile>> = BTreeMap::new();
    for f in &files {
        let dir = f.path.rfind('/').map_or(".", |i| &f.path[..i]).to_string();
        let package = extract::package_clause(&f.text).unwrap_or_default();
        groups.entry((dir, package)).or_default().push(f);
    }
    let dump = Dump {
        files: files.iter().map(|f| (f.id.0, f.path.as_str())).collect(),
        packages: groups
            .iter()
            .map(|((dir, name), members)| extract::extract_package(dir, name, members))
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&dump).expect("facts serialise");
    json.push('\n');
    for p in &problems {
        let _ = writeln!(stderr, "error: {}: {}", p.path, p.message);
    }
    if stdout.write_all(json.as_bytes()).is_err() || !problems.is_empty() {
        return exit::ERROR;
    }
    exit::CLEAN
}
