//! Shared test harness (see the `[[test]]` targets).
//!
//! - [`want`]: the `// want` marker parser.
//! - [`fixture`]: lint a directory and compare findings with markers.
//! - [`docs`]: executable blocks and required sections of `rules/*.md`.
//! - [`catalog`]: the catalog copy, the README rule table, message style.

pub mod catalog;
pub mod cli;
pub mod docs;
pub mod fixture;
pub mod want;

use std::path::PathBuf;

/// The repository root (the workspace directory).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `tests/`, the directory of this package (and cargo's cwd for its tests).
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/`.
pub fn fixtures_dir() -> PathBuf {
    tests_dir().join("fixtures")
}

/// `rules/`.
pub fn rules_dir() -> PathBuf {
    repo_root().join("rules")
}
