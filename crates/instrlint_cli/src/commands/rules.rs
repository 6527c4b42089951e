//! `instrlint rules`: the registry as an aligned table or JSON.

use crate::args::{ListFormat, RulesArgs};
use crate::exit;
use crate::output::rule_url;
use instrlint_rules::{Rule, RULES};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub group: &'static str,
    pub level: &'static str,
    /// Runs without being selected (C605 runs only when named).
    pub default: bool,
    pub summary: &'static str,
    pub url: String,
}

impl RuleInfo {
    pub fn of(rule: &Rule) -> Self {
        let m = &rule.meta;
        RuleInfo {
            code: m.code,
            name: m.name,
            group: m.group.title(),
            level: m.level.as_str(),
            default: rule.default_on,
            summary: m.summary,
            url: rule_url(m.code, m.name),
        }
    }
}

pub fn run(args: &RulesArgs, stdout: &mut dyn Write) -> i32 {
    let out = match args.format {
        ListFormat::Text => table(RULES),
        ListFormat::Json => {
            let infos: Vec<RuleInfo> = RULES.iter().map(RuleInfo::of).collect();
            let mut s = serde_json::to_string_pretty(&infos).expect("plain data serialises");
            s.push('\n');
            s
        }
    };
    match crate::write_stdout(stdout, out.as_bytes()) {
        Ok(()) => exit::CLEAN,
        Err(_) => exit::ERROR,
    }
}

pub fn table(rules: &[Rule]) -> String {
    let header = ["CODE", "NAME", "LEVEL", "SUMMARY"];
    let levels: Vec<String> = rules
        .iter()
        .map(|r| {
            let level = r.meta.level.as_str();
            if r.default_on {
                level.to_string()
            } else {
                format!("{level} (off by default)")
            }
        })
        .collect();
    let rows: Vec<[&str; 4]> = rules
        .iter()
        .zip(&levels)
        .map(|(r, level)| {
            let m = &r.meta;
            [m.code, m.name, level.as_str(), m.summary]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use instrlint_core::Level;
    use instrlint_rules::{Check, Group, RuleMeta};

    fn rule(code: &'static str, name: &'static str, level: Level) -> Rule {
        Rule {
            meta: RuleMeta {
                code,
                name,
                group: Group::MetricNames,
                level,
                summary: "a summary",
                since: "0.1.0",
            },
            check: Check::Package(|_, _| {}),
            doc: "",
            default_on: true,
        }
    }

    #[test]
    fn aligned_with_header() {
        let mut off = rule("C605", "context-background-with-ctx", Level::Note);
        off.default_on = false;
        let rules = [
            rule("M101", "metric-name-invalid", Level::Error),
            rule("M105", "counter-missing-total", Level::Warning),
            off,
        ];
        let t = table(&rules);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(
            lines[0],
            "CODE  NAME                         LEVEL                  SUMMARY"
        );
        assert_eq!(
            lines[1],
            "M101  metric-name-invalid          error                  a summary"
        );
        assert_eq!(
            lines[3],
            "C605  context-background-with-ctx  note (off by default)  a summary"
        );
    }
}
