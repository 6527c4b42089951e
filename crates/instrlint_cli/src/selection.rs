//! Which rules run, and at what level: registry × config × command line.

use instrlint_core::config::{parse_selector, RulesConfig, Selector};
use instrlint_core::Level;
use instrlint_rules::{Rule, RULES};

/// An enabled rule with its effective level.
#[derive(Clone, Copy)]
pub struct Enabled {
    pub rule: &'static Rule,
    /// The level set for this code in `[rules.level]` (`None`: the level the
    /// rule reported).
    pub level_override: Option<Level>,
}

/// Selectors that are malformed or name no registered rule, each with why.
pub fn invalid_selectors<'a>(selectors: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    selectors
        .into_iter()
        .filter_map(|s| match parse_selector(s) {
            Err(why) => Some(why),
            Ok(Selector::Code(c)) if !RULES.iter().any(|r| r.meta.code == c) => {
                Some(format!("`{c}` is not a rule code (see `instrlint rules`)"))
            }
            Ok(_) => None,
        })
        .collect()
}

/// Command-line selectors are case-insensitive and comma-separated.
pub fn normalize_cli_selectors(raw: &[String]) -> Vec<String> {
    raw.iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Selectors given on the command line.
#[derive(Clone, Debug, Default)]
pub struct CliSelection<'a> {
    pub select: &'a [String],
    pub extend_select: &'a [String],
    pub ignore: &'a [String],
}

/// The rules to run. `--select` replaces the config's `select` when given;
/// `--extend-select` and `--ignore` add to the config's `extend_select` and
/// `ignore`. Rules that are off by default run only when a code names them.
pub fn enabled_rules(config: &RulesConfig, cli: &CliSelection) -> Vec<Enabled> {
    let effective = RulesConfig {
        select: if cli.select.is_empty() {
            config.select.clone()
        } else {
            cli.select.to_vec()
        },
        extend_select: config
            .extend_select
            .iter()
            .chain(cli.extend_select)
            .cloned()
            .collect(),
        ignore: config.ignore.iter().chain(cli.ignore).cloned().collect(),
        levels: config.levels.clone(),
    };
    RULES
        .iter()
        .filter(|r| effective.is_enabled(r.meta.code, r.default_on))
        .filter_map(|r| match effective.levels.get(r.meta.code) {
            Some(None) => None,
            Some(Some(level)) => Some(Enabled {
                rule: r,
                level_override: Some(*level),
            }),
            None => Some(Enabled {
                rule: r,
                level_override: None,
            }),
        })
        .collect()
}
