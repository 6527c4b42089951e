//! Every fixture package (and the example back end) extracted in the ways
//! that must agree: the ordinary extraction with siblings indexed, with
//! siblings kept as trees, and the bounded one.

use super::bounded::{fallbacks, set_limits, PACKAGE_BYTES, PIECE_BYTES};
use super::tests_siblings::indexed_and_trees;
use super::{extract_package, package_clause};
use crate::facts::PackageFacts;
use crate::source::{FileId, SourceFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn go_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture directory")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    if entries
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "go"))
    {
        out.push(dir.to_path_buf());
    }
    for p in entries.iter().filter(|p| p.is_dir()) {
        go_dirs(p, out);
    }
}

/// The fixture packages: directory, package name and files.
fn fixture_packages() -> Vec<(String, String, Vec<SourceFile>)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = Vec::new();
    go_dirs(&repo.join("tests/fixtures"), &mut dirs);
    go_dirs(&repo.join("examples"), &mut dirs);
    let mut out = Vec::new();
    for dir in &dirs {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("directory")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "go"))
            .collect();
        paths.sort();
        let mut packages: BTreeMap<String, Vec<SourceFile>> = BTreeMap::new();
        for (i, p) in paths.iter().enumerate() {
            let bytes = std::fs::read(p).expect("fixture");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let clause = package_clause(&text).unwrap_or_default();
            packages.entry(clause).or_default().push(SourceFile {
                id: FileId(i as u32),
                is_test: false,
                path: p.display().to_string(),
                abs_path: p.clone(),
                text,
                lossy: false,
            });
        }
        for (name, files) in packages {
            out.push((dir.display().to_string(), name, files));
        }
    }
    out
}

fn extract(dir: &str, name: &str, files: &[SourceFile]) -> PackageFacts {
    let members: Vec<&SourceFile> = files.iter().collect();
    extract_package(dir, name, &members)
}

/// Pieces of a few hundred bytes, each unit's tree parsed alone.
#[test]
fn bounded_extraction_reads_every_fixture_as_the_ordinary_one() {
    let (mut compared, before) = (0, fallbacks());
    for (dir, name, files) in fixture_packages() {
        set_limits(usize::MAX, usize::MAX);
        let ordinary = extract(&dir, &name, &files);
        set_limits(0, 200);
        let bounded = extract(&dir, &name, &files);
        set_limits(PACKAGE_BYTES, PIECE_BYTES);
        assert_eq!(format!("{ordinary:#?}"), format!("{bounded:#?}"), "{dir}");
        compared += 1;
    }
    let fell_back = fallbacks() - before;
    eprintln!("{compared} packages compared, {fell_back} fell back");
    // A package with a syntax error cut into pieces goes back to the
    // ordinary extraction: a few fixtures are about syntax errors.
    assert!(
        compared > 150 && fell_back * 10 < compared,
        "{compared} packages, {fell_back} fell back"
    );
}

/// Siblings read only for their declarations are indexed and their trees
/// dropped: the facts are those read with every sibling's tree at hand.
#[test]
fn indexed_siblings_read_every_fixture_as_sibling_trees() {
    let (mut compared, mut with_siblings, mut indexed, mut kept) = (0, 0, 0, 0);
    for (dir, name, files) in fixture_packages() {
        let (_, (n, k)) = indexed_and_trees(&dir, || extract(&dir, &name, &files));
        with_siblings += usize::from(n > 0);
        indexed += n;
        kept += k;
        compared += 1;
    }
    eprintln!("{compared} packages compared, {with_siblings} with {indexed} siblings indexed, {kept} kept their trees");
    assert!(
        compared > 150 && with_siblings >= 10 && kept == 0,
        "{compared} packages, {with_siblings} with siblings, {kept} kept their trees"
    );
}
