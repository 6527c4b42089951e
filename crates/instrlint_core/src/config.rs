//! `instrlint.toml`: rule selection, per-code levels and rule options.

use crate::diagnostic::Level;
use std::collections::BTreeMap;

/// Options rules read. Defaults follow `RULES.md`.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// M104: minimum number of `_`-separated parts of a fully-qualified name.
    pub min_name_parts: usize,
    /// M104: allowed namespace prefixes (empty: no namespace check).
    pub namespaces: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            min_name_parts: 3,
            namespaces: Vec::new(),
        }
    }
}

/// `[rules]`: codes or group letters to select and ignore, and level overrides.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RulesConfig {
    /// Empty means "all".
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Per-code level override (`M109 = "warning"`), or `"off"` → `None`.
    pub levels: BTreeMap<String, Option<Level>>,
}

/// The whole configuration of a run.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub rules: RulesConfig,
    pub settings: Settings,
    /// Path globs (relative to the config file's directory) never linted.
    pub exclude: Vec<String>,
    /// The file this came from, if any.
    pub path: Option<std::path::PathBuf>,
}

/// A configuration file that cannot be used: where and why.
#[derive(Clone, Debug)]
pub struct ConfigError {
    pub path: std::path::PathBuf,
    /// The file's text (for rendering the snippet); empty if it could not be read.
    pub source_text: String,
    /// Byte range of the offending key or value, if known.
    pub span: Option<(usize, usize)>,
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The name of the configuration file.
pub const CONFIG_FILE_NAME: &str = "instrlint.toml";

/// Look for `instrlint.toml` in `start` (a directory, or a file's directory)
/// and its parents, stopping at the repository root (a directory holding `.git`).
pub fn find(start: &std::path::Path) -> Option<std::path::PathBuf> {
    let _ = start;
    None
}

/// Read and validate a configuration file. Unknown keys, wrong types and bad
/// values are errors that point at the offending span.
pub fn load(path: &std::path::Path) -> Result<Config, ConfigError> {
    Ok(Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    })
}

/// Parse configuration text (`path` is used for messages and to anchor `exclude`).
pub fn parse(text: &str, path: &std::path::Path) -> Result<Config, ConfigError> {
    let _ = text;
    Ok(Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    })
}
