//! `instrlint.toml`: rule selection, per-code levels and rule options.
//!
//! # Schema
//!
//! ```toml
//! min_name_parts = 2            # M104: integer 1..=10 (default 2), parts besides unit and type suffixes
//! namespaces = ["livestream"]   # M104: allowed namespace prefixes, each `^[a-zA-Z_][a-zA-Z0-9_]*$`
//! exclude = ["internal/gen/**"] # path globs, relative to this file's directory
//!
//! [rules]
//! select = ["M", "L201"]        # group letters (M L T R S C Q O) or codes (M105); empty: the defaults
//! extend_select = ["C605"]      # added to `select` (or to the defaults); names rules that are off by default
//! ignore = ["M109"]
//!
//! [rules.level]
//! M109 = "warning"              # error | warning | note | off
//!
//! [promql]                      # Q701
//! native_histograms = ["livestream_join_seconds"]  # queried without `_bucket`
//!
//! [spans]                       # S501/S503/S505: see `span_settings.rs`
//! extra_generic_names = ["serve"]
//! name_pattern = '^[a-z_]+\.[a-z_]+$'
//! error_recording = "both"      # S505: "either" (default) or "both"
//! start_functions = ["util.StartTrace"]  # wrappers returning (ctx, span)
//! [[spans.require]]
//! names = ["signaling.*"]
//! attributes = ["room_id"]
//! [labels]                      # label-name lists (L201, L208, O804); each entry `^[a-zA-Z_][a-zA-Z0-9_]*$`
//! high_cardinality = ["user_id"]        # replaces the default list (globs: `*_uuid`)
//! extra_high_cardinality = ["tenant"]   # extends it (after any replacement)
//! allow = ["user"]                      # names never reported; `extra_allow` extends
//! short_lived = ["room_id"]             # L208 entities; `extra_short_lived` extends
//! ```
//!
//! Every table rejects unknown keys. Errors carry the byte span of the
//! offending key or value. Codes are checked by shape only (a letter and three
//! digits); the CLI checks that they exist in the registry.
//!
//! # Adding a table
//!
//! Add a `Raw…` struct (`#[serde(deny_unknown_fields)]`, `Spanned` wherever a
//! value needs validating), add it as an `Option` field of [`RawConfig`], and
//! convert it in [`RawConfig::validate`], returning [`Invalid`] at the value's
//! span for anything serde cannot check.

use crate::diagnostic::Level;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// Options rules read. Defaults follow `RULES.md`.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// M104: minimum number of `_`-separated parts of a fully-qualified name,
    /// once its trailing unit and type suffixes are set aside.
    pub min_name_parts: usize,
    /// M104: allowed namespace prefixes (empty: no namespace check).
    pub namespaces: Vec<String>,
    /// L201, L208, O804: label name lists.
    pub labels: LabelSettings,
    /// S501, S503: span names and required attributes.
    pub spans: crate::span_settings::SpanSettings,
    /// Q701: `[promql]`.
    pub promql: PromqlSettings,
}

/// `[promql]`: what Q rules need to know about the queried metrics.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PromqlSettings {
    /// Native histograms: `histogram_quantile` over them needs no `_bucket`.
    pub native_histograms: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            min_name_parts: 2,
            namespaces: Vec::new(),
            labels: LabelSettings::default(),
            spans: Default::default(),
            promql: PromqlSettings::default(),
        }
    }
}

/// `[labels]`: the label-name lists of the catalog, replaceable and extendable.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelSettings {
    /// L201, O804: names of the identity of an unbounded population; an
    /// entry may be a glob with `*` (`*_uuid`).
    pub high_cardinality: Vec<String>,
    /// L201, O804: names never reported, even when a glob matches them.
    pub allow: Vec<String>,
    /// L208: labels naming short-lived entities.
    pub short_lived: Vec<String>,
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Default for LabelSettings {
    fn default() -> Self {
        LabelSettings {
            high_cardinality: strings(&[
                "user_id",
                "uid",
                "user",
                "username",
                "email",
                "phone",
                "ip",
                "client_ip",
                "remote_addr",
                "device_id",
                "session_id",
                "request_id",
                "trace_id",
                "span_id",
                "order_id",
                "room_id",
                "stream_id",
                "connection_id",
                "conn_id",
                "customer_id",
                "account_id",
                "message_id",
                "uuid",
                "token",
            ]),
            allow: Vec::new(),
            short_lived: strings(&["room_id", "stream_id", "session_id", "connection_id"]),
        }
    }
}

/// `[rules]`: codes or group letters to select and ignore, and level overrides.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RulesConfig {
    /// Empty means "the rules that are on by default".
    pub select: Vec<String>,
    /// Added to `select` (ruff's meaning): with an empty `select`, to the defaults.
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// Per-code level override (`M109 = "warning"`), or `"off"` → `None`.
    pub levels: BTreeMap<String, Option<Level>>,
}

impl RulesConfig {
    /// Whether a rule that is on by default is enabled by `select` /
    /// `extend_select` / `ignore` (see [`RulesConfig::is_enabled`]).
    pub fn is_selected(&self, code: &str) -> bool {
        self.is_enabled(code, true)
    }

    /// Whether `code` is enabled by `select`/`extend_select`/`ignore`. A code
    /// selector is more specific than a group letter and wins over it
    /// (`select = ["M105"]`, `ignore = ["M"]` keeps M105); at equal
    /// specificity `ignore` wins. A rule that is off by default
    /// (`default_on` false) runs only when a code selector names it: an
    /// empty `select` and group letters leave it off. Entries that are not
    /// valid selectors are ignored here (validation rejects them earlier). A
    /// level of `"off"` is not considered here.
    pub fn is_enabled(&self, code: &str, default_on: bool) -> bool {
        // 0: no match, 1: group match, 2: code match.
        let best = |list: &[String], groups: bool| {
            list.iter()
                .filter_map(|s| parse_selector(s).ok())
                .filter(|s| s.matches(code))
                .filter_map(|s| match s {
                    Selector::Group(_) => groups.then_some(1),
                    Selector::Code(_) => Some(2),
                })
                .max()
                .unwrap_or(0)
        };
        let selected = if self.select.is_empty() {
            u8::from(default_on)
        } else {
            best(&self.select, default_on)
        };
        let selected = selected.max(best(&self.extend_select, default_on));
        let ignored = best(&self.ignore, true);
        selected > 0 && selected > ignored
    }
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

impl Config {
    /// The directory `exclude` globs are relative to: the config file's directory.
    pub fn root(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
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
    // Canonical form so that `..` and `.` walk real parents; fall back to a
    // lexical absolute path for a start that does not exist.
    let abs = std::fs::canonicalize(start)
        .or_else(|_| std::path::absolute(start))
        .ok()?;
    let mut dir: &Path = if abs.is_file() { abs.parent()? } else { &abs };
    loop {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
        dir = dir.parent()?;
    }
}

/// Read and validate a configuration file. Unknown keys, wrong types and bad
/// values are errors that point at the offending span.
pub fn load(path: &std::path::Path) -> Result<Config, ConfigError> {
    load_with(path, &|_| true)
}

/// [`load`], with every code in `[rules]` (`select`, `ignore`, `[rules.level]`)
/// checked against `known`: an unknown one is an error at its line.
pub fn load_with(
    path: &std::path::Path,
    known: &dyn Fn(&str) -> bool,
) -> Result<Config, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_with(&text, path, known),
        Err(e) => Err(ConfigError {
            path: path.to_path_buf(),
            source_text: String::new(),
            span: None,
            message: format!("cannot read the configuration file: {}", io_message(&e)),
            help: None,
        }),
    }
}

/// Parse configuration text (`path` is used for messages and to anchor `exclude`).
pub fn parse(text: &str, path: &std::path::Path) -> Result<Config, ConfigError> {
    parse_with(text, path, &|_| true)
}

/// [`parse`], with the codes of `[rules]` checked against `known`.
pub fn parse_with(
    text: &str,
    path: &std::path::Path,
    known: &dyn Fn(&str) -> bool,
) -> Result<Config, ConfigError> {
    let err = |span: Option<(usize, usize)>, message: String, help: Option<String>| ConfigError {
        path: path.to_path_buf(),
        source_text: text.to_string(),
        span,
        message,
        help,
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let (mut message, help) = tidy_toml_message(e.message());
        if let (Some(key), true) = (
            e.span().and_then(|r| text.get(r)),
            message == "duplicate key",
        ) {
            message = format!("duplicate key `{key}`");
        }
        err(e.span().map(|r| (r.start, r.end)), message, help)
    })?;
    let mut config = raw
        .validate(known)
        .map_err(|inv| err(Some(inv.span), inv.message, inv.help))?;
    config.path = Some(path.to_path_buf());
    Ok(config)
}

/// A rule selector: a group letter (`M`) or a code (`M105`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Selector {
    Group(char),
    Code(String),
}

impl Selector {
    pub fn matches(&self, code: &str) -> bool {
        match self {
            Selector::Group(g) => code.starts_with(*g),
            Selector::Code(c) => c == code,
        }
    }
}

/// The rule groups, by letter.
pub const GROUP_LETTERS: &[char] = &['M', 'L', 'T', 'R', 'S', 'C', 'Q', 'O'];

/// Parse a `select`/`ignore` entry: a group letter or a code (a letter and
/// three digits). The shape only: whether the code exists is the registry's
/// business.
pub fn parse_selector(s: &str) -> Result<Selector, String> {
    let mut chars = s.chars();
    match (chars.next(), chars.as_str()) {
        (Some(c), "") if GROUP_LETTERS.contains(&c) => Ok(Selector::Group(c)),
        _ if is_code_shape(s) => Ok(Selector::Code(s.to_string())),
        _ => {
            let hint =
                if s != s.to_ascii_uppercase() && parse_selector(&s.to_ascii_uppercase()).is_ok() {
                    format!(" (codes are upper-case: `{}`)", s.to_ascii_uppercase())
                } else {
                    String::new()
                };
            Err(format!(
                "`{s}` is not a rule code or group letter: expected one of the group letters {} or a code like `M105`{hint}",
                GROUP_LETTERS.iter().collect::<String>()
            ))
        }
    }
}

/// An upper-case ASCII letter followed by three digits.
fn is_code_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

// ---------------------------------------------------------------------------
// Raw (serde) schema and validation.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    min_name_parts: Option<Spanned<i64>>,
    namespaces: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    rules: Option<RawRules>,
    spans: Option<crate::span_settings::RawSpans>,
    labels: Option<RawLabels>,
    promql: Option<RawPromql>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabels {
    high_cardinality: Option<Vec<Spanned<String>>>,
    extra_high_cardinality: Option<Vec<Spanned<String>>>,
    allow: Option<Vec<Spanned<String>>>,
    extra_allow: Option<Vec<Spanned<String>>>,
    short_lived: Option<Vec<Spanned<String>>>,
    extra_short_lived: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPromql {
    native_histograms: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    level: Option<BTreeMap<Spanned<String>, RawLevel>>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RawLevel {
    Error,
    Warning,
    Note,
    Off,
}

/// A value serde accepted but validation rejects.
struct Invalid {
    span: (usize, usize),
    message: String,
    help: Option<String>,
}

fn span_of<T>(s: &Spanned<T>) -> (usize, usize) {
    let r = s.span();
    (r.start, r.end)
}

impl RawConfig {
    fn validate(self, known: &dyn Fn(&str) -> bool) -> Result<Config, Invalid> {
        let mut config = Config::default();
        if let Some(n) = self.min_name_parts {
            let v = *n.get_ref();
            if !(1..=10).contains(&v) {
                return Err(Invalid {
                    span: span_of(&n),
                    message: format!("`min_name_parts` must be between 1 and 10, not {v}"),
                    help: Some("the default is 3 (`namespace_subsystem_name`)".into()),
                });
            }
            config.settings.min_name_parts = v as usize;
        }
        for ns in self.namespaces.unwrap_or_default() {
            if !is_identifier(ns.get_ref()) {
                return Err(Invalid {
                    span: span_of(&ns),
                    message: format!(
                        "namespace `{}` is not a valid metric name prefix",
                        ns.get_ref()
                    ),
                    help: Some(
                        "a namespace is letters, digits and `_`, not starting with a digit".into(),
                    ),
                });
            }
            config.settings.namespaces.push(ns.into_inner());
        }
        for glob in self.exclude.unwrap_or_default() {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                return Err(Invalid {
                    span: span_of(&glob),
                    message: format!("invalid glob `{}`: {}", glob.get_ref(), e.kind()),
                    help: Some(
                        "globs are relative to the directory of instrlint.toml; `**` matches any number of directories".into(),
                    ),
                });
            }
            config.exclude.push(glob.into_inner());
        }
        if let Some(rules) = self.rules {
            config.rules = rules.validate(known)?;
        }
        if let Some(spans) = self.spans {
            config.settings.spans = spans.validate().map_err(|e| Invalid {
                span: e.span,
                message: e.message,
                help: e.help,
            })?;
        }
        if let Some(labels) = self.labels {
            labels.apply(&mut config.settings.labels)?;
        }
        if let Some(promql) = self.promql {
            for name in promql.native_histograms.unwrap_or_default() {
                if !is_metric_name(name.get_ref()) {
                    return Err(Invalid {
                        span: span_of(&name),
                        message: format!("`{}` is not a metric name", name.get_ref()),
                        help: Some(
                            "a metric name is letters, digits, `_` and `:`, not starting with a digit"
                                .into(),
                        ),
                    });
                }
                config
                    .settings
                    .promql
                    .native_histograms
                    .push(name.into_inner());
            }
        }
        Ok(config)
    }
}

impl RawLabels {
    /// Replace, then extend, each list; every entry must be a label name.
    fn apply(self, out: &mut LabelSettings) -> Result<(), Invalid> {
        let lists = [
            (
                self.high_cardinality,
                self.extra_high_cardinality,
                &mut out.high_cardinality,
            ),
            (self.allow, self.extra_allow, &mut out.allow),
            (
                self.short_lived,
                self.extra_short_lived,
                &mut out.short_lived,
            ),
        ];
        for (i, (replace, extra, list)) in lists.into_iter().enumerate() {
            // `high_cardinality` entries may be globs (`*_uuid`).
            let globs = i == 0;
            if let Some(names) = replace {
                *list = label_names(names, globs)?;
            }
            for name in label_names(extra.unwrap_or_default(), globs)? {
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
        Ok(())
    }
}

fn label_names(list: Vec<Spanned<String>>, globs: bool) -> Result<Vec<String>, Invalid> {
    list.into_iter()
        .map(|n| {
            let name = n.get_ref();
            let checked = if globs && name.contains('*') {
                name.replace('*', "x")
            } else {
                name.clone()
            };
            if is_identifier(&checked) {
                Ok(n.into_inner())
            } else {
                Err(Invalid {
                    span: span_of(&n),
                    message: format!("`{}` is not a valid label name", n.get_ref()),
                    help: Some(if globs {
                        "a label name is letters, digits and `_`, not starting with a digit; \
                         `*` matches any run of them"
                            .into()
                    } else {
                        "a label name is letters, digits and `_`, not starting with a digit".into()
                    }),
                })
            }
        })
        .collect()
}

/// `^[a-zA-Z_:][a-zA-Z0-9_:]*$`
fn is_metric_name(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b':')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b':')
}

impl RawRules {
    /// Codes and group letters are case-insensitive (as on the command
    /// line) and kept upper-case; a code `known` rejects is an error.
    fn validate(self, known: &dyn Fn(&str) -> bool) -> Result<RulesConfig, Invalid> {
        let unknown = |code: &str, span: (usize, usize)| Invalid {
            span,
            message: format!("`{code}` is not a rule code (see `instrlint rules`)"),
            help: None,
        };
        let selectors = |list: Option<Vec<Spanned<String>>>| -> Result<Vec<String>, Invalid> {
            list.unwrap_or_default()
                .into_iter()
                .map(|s| {
                    let upper = s.get_ref().to_ascii_uppercase();
                    match parse_selector(&upper) {
                        Ok(Selector::Code(c)) if !known(&c) => Err(unknown(&c, span_of(&s))),
                        Ok(_) => Ok(upper),
                        Err(message) => Err(Invalid {
                            span: span_of(&s),
                            message,
                            help: None,
                        }),
                    }
                })
                .collect()
        };
        let mut out = RulesConfig {
            select: selectors(self.select)?,
            extend_select: selectors(self.extend_select)?,
            ignore: selectors(self.ignore)?,
            levels: BTreeMap::new(),
        };
        for (code, level) in self.level.unwrap_or_default() {
            let upper = code.get_ref().to_ascii_uppercase();
            if is_code_shape(&upper) && !known(&upper) {
                return Err(unknown(&upper, span_of(&code)));
            }
            if !is_code_shape(&upper) {
                let help = if parse_selector(&upper).is_ok() {
                    "levels are set per code, not per group".to_string()
                } else {
                    "a code is a group letter and three digits".to_string()
                };
                return Err(Invalid {
                    span: span_of(&code),
                    message: format!(
                        "`{}` is not a rule code: expected a code like `M105`",
                        code.get_ref()
                    ),
                    help: Some(help),
                });
            }
            let level = match level {
                RawLevel::Error => Some(Level::Error),
                RawLevel::Warning => Some(Level::Warning),
                RawLevel::Note => Some(Level::Note),
                RawLevel::Off => None,
            };
            out.levels.insert(upper, level);
        }
        Ok(out)
    }
}

/// `^[a-zA-Z_][a-zA-Z0-9_]*$`
fn is_identifier(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Turn serde's wording into ours ("unknown field" → "unknown key", Rust
/// type names → TOML ones) and add a "did you mean" for near misses.
fn tidy_toml_message(raw: &str) -> (String, Option<String>) {
    let mut message = raw.trim().to_string();
    for (from, to) in [
        ("unknown field", "unknown key"),
        ("unknown variant", "unknown level"),
        ("expected i64", "expected an integer"),
        ("expected a sequence", "expected an array"),
        ("invalid type: sequence", "invalid type: array"),
        ("invalid type: map", "invalid type: table"),
        ("expected struct RawRules", "expected a table"),
        ("expected struct RawLabels", "expected a table"),
        ("expected struct RawPromql", "expected a table"),
        ("expected a map", "expected a table"),
        (
            "wanted string or table",
            "invalid type: expected a level (`error`, `warning`, `note` or `off`)",
        ),
    ] {
        message = message.replace(from, to);
    }
    let mut help = None;
    if message.starts_with("unknown key") || message.starts_with("unknown level") {
        let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
        if let Some((given, expected)) = quoted.split_first() {
            let best = expected
                .iter()
                .map(|e| (edit_distance(given, e), *e))
                .min()
                .filter(|(d, e)| *d <= e.len().max(given.len()) / 2 && *d > 0);
            if let Some((_, e)) = best {
                help = Some(format!("did you mean `{e}`?"));
            }
        }
    }
    (message, help)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// An I/O error's message without the `(os error N)` suffix, lower-case.
pub(crate) fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            let s = match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            };
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_lowercase().chain(c).collect(),
                None => s,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> ConfigError {
        parse(text, Path::new("instrlint.toml")).expect_err("expected a configuration error")
    }

    /// The text of the 1-based line the error's span starts on, and the spanned text.
    fn pointed(e: &ConfigError) -> (usize, &str) {
        let (start, end) = e.span.expect("error without a span");
        let line = e.source_text[..start].matches('\n').count() + 1;
        (line, &e.source_text[start..end])
    }

    #[test]
    fn full_schema_parses() {
        let text = r#"
min_name_parts = 4
namespaces = ["livestream", "_x1"]
exclude = ["internal/gen/**", "*.pb.go"]
[rules]
select = ["M", "L201"]
ignore = ["M109"]
[rules.level]
M109 = "warning"
M105 = "off"
L201 = "note"
"#;
        let c = parse(text, Path::new("/repo/instrlint.toml")).unwrap();
        assert_eq!(c.settings.min_name_parts, 4);
        assert_eq!(c.settings.namespaces, ["livestream", "_x1"]);
        assert_eq!(c.exclude, ["internal/gen/**", "*.pb.go"]);
        assert_eq!(c.rules.select, ["M", "L201"]);
        assert_eq!(c.rules.ignore, ["M109"]);
        assert_eq!(c.rules.levels["M109"], Some(Level::Warning));
        assert_eq!(c.rules.levels["M105"], None);
        assert_eq!(c.rules.levels["L201"], Some(Level::Note));
        assert_eq!(c.root(), Some(Path::new("/repo")));
    }

    #[test]
    fn promql_native_histograms() {
        let c = parse(
            "[promql]\nnative_histograms = [\"livestream_join_seconds\"]\n",
            Path::new("instrlint.toml"),
        )
        .unwrap();
        assert_eq!(
            c.settings.promql.native_histograms,
            ["livestream_join_seconds"]
        );
        let e = parse_err("[promql]\nnative_histograms = [\"9x\"]\n");
        assert_eq!(pointed(&e), (2, "\"9x\""));
        let e = parse_err("promql = 3\n");
        assert!(e.message.contains("expected a table"), "{}", e.message);
    }

    #[test]
    fn empty_file_gives_defaults() {
        let c = parse("", Path::new("instrlint.toml")).unwrap();
        assert_eq!(c.settings, Settings::default());
        assert_eq!(c.rules, RulesConfig::default());
        assert!(c.exclude.is_empty());
    }

    #[test]
    fn unknown_key_points_at_key() {
        let e = parse_err("namespaces = []\nmin_parts = 3\n");
        assert_eq!(pointed(&e), (2, "min_parts"));
        assert!(
            e.message.starts_with("unknown key `min_parts`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("`min_name_parts`"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("did you mean `min_name_parts`?"));
    }

    #[test]
    fn unknown_key_in_rules_table() {
        let e = parse_err("[rules]\nselect = []\nselct = [\"M\"]\n");
        assert_eq!(pointed(&e).0, 3);
        assert!(e.message.contains("unknown key `selct`"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("did you mean `select`?"));
    }

    #[test]
    fn wrong_type_points_at_value() {
        let e = parse_err("namespaces = []\nmin_name_parts = \"3\"\n");
        assert_eq!(pointed(&e), (2, "\"3\""));
        assert!(e.message.contains("expected an integer"), "{}", e.message);

        let e = parse_err("\n\nnamespaces = \"livestream\"\n");
        assert_eq!(pointed(&e).0, 3);
        assert!(e.message.contains("expected an array"), "{}", e.message);
    }

    #[test]
    fn out_of_range_min_name_parts() {
        let e = parse_err("\nmin_name_parts = 11\n");
        assert_eq!(pointed(&e), (2, "11"));
        assert!(e.message.contains("between 1 and 10"), "{}", e.message);
        assert!(parse_err("min_name_parts = 0").message.contains("not 0"));
    }

    #[test]
    fn bad_namespace_points_at_entry() {
        let e = parse_err("namespaces = [\n  \"ok\",\n  \"9lives\",\n]\n");
        assert_eq!(pointed(&e), (3, "\"9lives\""));
    }

    #[test]
    fn invalid_glob_points_at_entry() {
        let e = parse_err("exclude = [\"ok/**\"]\nnamespaces = []\nexclude2 = 1\n");
        assert!(
            e.message.contains("unknown key `exclude2`"),
            "{}",
            e.message
        );
        let e = parse_err("# excludes\nexclude = [\"ok/**\", \"gen/[a-\"]\n");
        assert_eq!(pointed(&e), (2, "\"gen/[a-\""));
        assert!(
            e.message.starts_with("invalid glob `gen/[a-`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn invalid_selector_points_at_entry() {
        let e = parse_err("[rules]\nselect = [\"M\"]\nignore = [\"M1O9\", \"X\"]\n");
        assert_eq!(pointed(&e), (3, "\"M1O9\""));
        assert!(
            e.message.contains("`M1O9` is not a rule code"),
            "{}",
            e.message
        );
        // Case does not matter, as on the command line.
        let c = parse(
            "[rules]\nselect = [\"m105\", \"l\"]\n[rules.level]\nm109 = \"off\"\n",
            Path::new("i.toml"),
        )
        .unwrap();
        assert_eq!(c.rules.select, ["M105", "L"]);
        assert_eq!(c.rules.levels["M109"], None);
        // Unknown codes, where the caller knows the codes.
        let known = |c: &str| c == "M105";
        let e = parse_with(
            "[rules]\nselect = [\"M105\", \"m999\"]\n",
            Path::new("i.toml"),
            &known,
        )
        .unwrap_err();
        assert_eq!(e.span, Some((26, 32)));
        assert_eq!(
            e.message,
            "`M999` is not a rule code (see `instrlint rules`)"
        );
        let e = parse_with(
            "[rules.level]\nZ999 = \"warning\"\n",
            Path::new("i.toml"),
            &known,
        )
        .unwrap_err();
        assert_eq!(e.span, Some((14, 18)));
    }

    #[test]
    fn bad_level_points_at_value() {
        let e = parse_err("[rules.level]\nM109 = \"warning\"\nM105 = \"warn\"\n");
        assert_eq!(pointed(&e), (3, "\"warn\""));
        assert!(
            e.message.starts_with("unknown level `warn`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("`off`"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("did you mean `warning`?"));
    }

    #[test]
    fn level_of_wrong_type_points_at_value() {
        let e = parse_err("[rules.level]\nM105 = 3\n");
        assert_eq!(pointed(&e), (2, "3"));
        assert!(e.message.contains("expected a level"), "{}", e.message);
    }

    #[test]
    fn duplicate_key_is_named() {
        let e = parse_err("min_name_parts = 3\nmin_name_parts = 4\n");
        assert_eq!(pointed(&e), (2, "min_name_parts"));
        assert_eq!(e.message, "duplicate key `min_name_parts`");
    }

    #[test]
    fn bad_level_key_points_at_key() {
        let e = parse_err("[rules.level]\nM109 = \"warning\"\nM = \"note\"\n");
        assert_eq!(pointed(&e), (3, "M"));
        assert_eq!(
            e.help.as_deref(),
            Some("levels are set per code, not per group")
        );
    }

    #[test]
    fn syntax_error_has_span() {
        let e = parse_err("namespaces = [\"a\"\nmin_name_parts = 3\n");
        assert!(e.span.is_some());
        assert_eq!(e.source_text, "namespaces = [\"a\"\nmin_name_parts = 3\n");
    }

    #[test]
    fn unreadable_file_has_no_span() {
        let dir = tempfile::tempdir().unwrap();
        let e = load(&dir.path().join("missing.toml")).unwrap_err();
        assert!(e.span.is_none());
        assert!(e.source_text.is_empty());
        assert!(
            e.message.contains("no such file or directory"),
            "{}",
            e.message
        );
    }

    #[test]
    fn load_reads_and_records_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&p, "min_name_parts = 2\n").unwrap();
        let c = load(&p).unwrap();
        assert_eq!(c.settings.min_name_parts, 2);
        assert_eq!(c.path.as_deref(), Some(p.as_path()));
    }

    #[test]
    fn labels_replace_and_extend() {
        let text = "[labels]\nhigh_cardinality = [\"user_id\"]\nextra_high_cardinality = [\"tenant\", \"user_id\"]\nextra_allow = [\"pod_id\"]\nshort_lived = []\n";
        let c = parse(text, Path::new("instrlint.toml")).unwrap();
        let l = &c.settings.labels;
        assert_eq!(l.high_cardinality, ["user_id", "tenant"]);
        let defaults = LabelSettings::default();
        assert_eq!(l.allow.len(), defaults.allow.len() + 1);
        assert_eq!(l.allow.last().map(String::as_str), Some("pod_id"));
        assert!(l.short_lived.is_empty());
        let c = parse(
            "[labels]\nextra_short_lived = [\"call_id\"]\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(
            c.settings.labels.high_cardinality,
            defaults.high_cardinality
        );
        assert_eq!(
            c.settings.labels.short_lived.last().map(String::as_str),
            Some("call_id")
        );
    }

    #[test]
    fn bad_label_name_points_at_entry() {
        let e = parse_err("[labels]\nallow = [\"ok\"]\nextra_short_lived = [\"a\", \"room-id\"]\n");
        assert_eq!(pointed(&e), (3, "\"room-id\""));
        assert_eq!(e.message, "`room-id` is not a valid label name");
        let e = parse_err("[labels]\nhigh_cardinality = [\"\"]\n");
        assert_eq!(pointed(&e), (2, "\"\""));
        // Globs only where names are matched, not where they are listed exactly.
        let c = parse(
            "[labels]\nextra_high_cardinality = [\"*_uuid\"]\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(
            c.settings
                .labels
                .high_cardinality
                .last()
                .map(String::as_str),
            Some("*_uuid")
        );
        let e = parse_err("[labels]\nshort_lived = [\"*_id\"]\n");
        assert_eq!(pointed(&e), (2, "\"*_id\""));
        let e = parse_err("[labels]\nhigh_cardinalty = []\n");
        assert_eq!(pointed(&e), (2, "high_cardinalty"));
        assert_eq!(e.help.as_deref(), Some("did you mean `high_cardinality`?"));
        let e = parse_err("labels = 3\n");
        assert!(e.message.contains("expected a table"), "{}", e.message);
    }

    #[test]
    fn selectors() {
        assert_eq!(parse_selector("M"), Ok(Selector::Group('M')));
        assert_eq!(parse_selector("M105"), Ok(Selector::Code("M105".into())));
        assert!(parse_selector("X").is_err());
        assert!(parse_selector("M10").is_err());
        assert!(parse_selector("M1050").is_err());
        assert!(parse_selector("").is_err());
        assert!(Selector::Group('M').matches("M105"));
        assert!(!Selector::Group('M').matches("L201"));
        assert!(Selector::Code("M105".into()).matches("M105"));
        assert!(!Selector::Code("M105".into()).matches("M106"));
    }

    #[test]
    fn select_and_ignore() {
        let r = RulesConfig {
            select: vec!["M".into(), "L201".into()],
            ignore: vec!["M109".into()],
            ..RulesConfig::default()
        };
        assert!(r.is_selected("M105"));
        assert!(!r.is_selected("M109"));
        assert!(r.is_selected("L201"));
        assert!(!r.is_selected("L202"));
        let all = RulesConfig::default();
        assert!(all.is_selected("Q701"));
        let specific = RulesConfig {
            select: vec!["M105".into()],
            ignore: vec!["M".into()],
            ..RulesConfig::default()
        };
        assert!(specific.is_selected("M105"));
        assert!(!specific.is_selected("M106"));
    }

    #[test]
    fn rules_off_by_default_run_only_when_named() {
        let defaults = RulesConfig::default();
        assert!(!defaults.is_enabled("C605", false));
        assert!(defaults.is_enabled("C601", true));
        let group = RulesConfig {
            select: vec!["C".into()],
            ..RulesConfig::default()
        };
        assert!(group.is_enabled("C601", true));
        assert!(!group.is_enabled("C605", false));
        let named = RulesConfig {
            select: vec!["C605".into()],
            ..RulesConfig::default()
        };
        assert!(named.is_enabled("C605", false));
        assert!(!named.is_enabled("C601", true));
        // extend_select adds to the defaults (ruff's meaning) …
        let extended = RulesConfig {
            extend_select: vec!["C605".into()],
            ..RulesConfig::default()
        };
        assert!(extended.is_enabled("C605", false));
        assert!(extended.is_enabled("M105", true));
        // … or to `select`, and `ignore` still wins at equal specificity.
        let both = RulesConfig {
            select: vec!["M".into()],
            extend_select: vec!["C605".into(), "C".into()],
            ignore: vec!["C602".into()],
            ..RulesConfig::default()
        };
        assert!(both.is_enabled("M105", true));
        assert!(both.is_enabled("C605", false));
        assert!(both.is_enabled("C601", true));
        assert!(!both.is_enabled("C602", true));
    }

    #[test]
    fn extend_select_is_read_and_checked() {
        let c = parse(
            "[rules]\nextend_select = [\"C605\"]\n",
            Path::new("instrlint.toml"),
        )
        .unwrap();
        assert_eq!(c.rules.extend_select, ["C605"]);
        let e = parse_err("[rules]\nextend_select = [\"C60\"]\n");
        assert_eq!(pointed(&e), (2, "\"C60\""));
    }

    #[test]
    fn find_walks_up_and_stops_at_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // outer/instrlint.toml must not be found from inside repo/ (repo has .git).
        std::fs::create_dir_all(root.join("outer/repo/.git")).unwrap();
        std::fs::create_dir_all(root.join("outer/repo/a/b")).unwrap();
        std::fs::write(root.join("outer").join(CONFIG_FILE_NAME), "").unwrap();
        std::fs::write(root.join("outer/repo/a/b/x.go"), "package b\n").unwrap();
        assert_eq!(find(&root.join("outer/repo/a/b")), None);
        assert_eq!(find(&root.join("outer/repo/a/b/x.go")), None);

        // Found in a parent below the repository root, also starting from a file.
        std::fs::write(root.join("outer/repo/a").join(CONFIG_FILE_NAME), "").unwrap();
        let found = find(&root.join("outer/repo/a/b/x.go")).unwrap();
        assert_eq!(
            found,
            std::fs::canonicalize(root.join("outer/repo/a").join(CONFIG_FILE_NAME)).unwrap()
        );
        // At the repository root itself.
        std::fs::write(root.join("outer/repo").join(CONFIG_FILE_NAME), "").unwrap();
        let found = find(&root.join("outer/repo/a/b/..")).unwrap();
        assert!(found.ends_with("outer/repo/a/instrlint.toml"), "{found:?}");
        let found = find(&root.join("outer/repo/a/b/../..")).unwrap();
        assert!(found.ends_with("outer/repo/instrlint.toml"), "{found:?}");
        // Outside any repository the search goes up to the filesystem root.
        std::fs::create_dir_all(root.join("outer/plain/deep")).unwrap();
        let found = find(&root.join("outer/plain/deep")).unwrap();
        assert!(found.ends_with("outer/instrlint.toml"), "{found:?}");
    }
}
