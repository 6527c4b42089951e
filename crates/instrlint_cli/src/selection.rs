//! Which rules run, and at what level: registry × config × command line.

use instrlint_core::config::RulesConfig;
use instrlint_core::Level;
use instrlint_rules::{Rule, RULES};

/// An enabled rule with its effective level.
#[derive(Clone, Copy)]
pub struct Enabled {
    pub rule: &'static Rule,
    /// The level findings of this rule are reported at when it was overridden
    /// in the config (`None`: the level the rule reported).
    pub level_override: Option<Level>,
}

fn matches(selector: &str, code: &str) -> bool {
    let s = selector.trim();
    if s.len() == 1 {
        return code.starts_with(&s.to_ascii_uppercase());
    }
    s.eq_ignore_ascii_case(code)
}

/// A selector the registry does not know (`--select X999`).
pub fn unknown_selectors<'a>(selectors: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    selectors
        .into_iter()
        .filter(|s| !RULES.iter().any(|r| matches(s, r.meta.code)) && !is_known_group(s))
        .cloned()
        .collect()
}

fn is_known_group(s: &str) -> bool {
    s.len() == 1 && "MLTRSCQO".contains(&s.to_ascii_uppercase())
}

/// The rules to run: config `[rules]` first, then the command line's
/// `--select` (replaces the config's select when given) and `--ignore` (adds).
pub fn enabled_rules(
    config: &RulesConfig,
    cli_select: &[String],
    cli_ignore: &[String],
) -> Vec<Enabled> {
    let select: &[String] = if cli_select.is_empty() {
        &config.select
    } else {
        cli_select
    };
    RULES
        .iter()
        .filter(|r| select.is_empty() || select.iter().any(|s| matches(s, r.meta.code)))
        .filter(|r| {
            !config
                .ignore
                .iter()
                .chain(cli_ignore)
                .any(|s| matches(s, r.meta.code))
        })
        .filter_map(|r| match config.levels.get(r.meta.code) {
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
