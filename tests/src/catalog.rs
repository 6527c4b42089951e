//! The rule catalog (`tests/data/RULES.md`, a copy of the product contract),
//! the README rule table, and the house style of messages.

use crate::want;
use instrlint_rules::Rule;

/// One row of a catalog table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub code: String,
    pub name: String,
    /// `error`, `warning`, `note`; `error / warning` gives two.
    pub levels: Vec<String>,
    /// The level cell does not say "off by default".
    pub default_on: bool,
}

/// Every table row whose first cell is a code, in file order.
pub fn parse(md: &str) -> Vec<Entry> {
    md.lines()
        .filter_map(|l| {
            let cells = cells(l)?;
            if cells.len() < 3 || !want::is_code(&cells[0]) {
                return None;
            }
            // `error / warning`, or `note, **off by default** (…)`.
            let levels = cells[2].split(',').next().unwrap_or("");
            Some(Entry {
                code: cells[0].clone(),
                name: cells[1].clone(),
                levels: levels.split('/').map(|s| s.trim().to_string()).collect(),
                default_on: !cells[2].contains("off by default"),
            })
        })
        .collect()
}

/// The cells of a Markdown table row (`| a | b \| c |` → `a`, `b | c`).
pub fn cells(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    let inner = t.strip_prefix('|')?.strip_suffix('|')?;
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    Some(out)
}

pub const README_START: &str = "<!-- rules:start -->";
pub const README_END: &str = "<!-- rules:end -->";

/// The README rule table for `rules`, as it must appear between the markers.
pub fn readme_table(rules: &[Rule]) -> String {
    let mut s = String::from("| Code | Name | Level | Summary |\n|---|---|---|---|\n");
    for r in rules {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.meta.code,
            r.meta.name,
            readme_level(r),
            r.meta.summary.replace('|', "\\|")
        ));
    }
    s
}

/// `warning`, or `note (off by default)` for a rule that runs only when named.
pub fn readme_level(r: &Rule) -> String {
    if r.default_on {
        r.meta.level.as_str().to_string()
    } else {
        format!("{} (off by default)", r.meta.level.as_str())
    }
}

/// The text between the README markers (trimmed), if both are present.
pub fn readme_block(readme: &str) -> Option<&str> {
    let start = readme.find(README_START)? + README_START.len();
    let end = start + readme[start..].find(README_END)?;
    Some(readme[start..end].trim())
}

/// Rows of the README table: (code, name, level, summary).
pub fn readme_rows(block: &str) -> Vec<[String; 4]> {
    block
        .lines()
        .filter_map(cells)
        .filter(|c| c.len() == 4 && want::is_code(&c[0]))
        .map(|c| [c[0].clone(), c[1].clone(), c[2].clone(), c[3].clone()])
        .collect()
}

/// House style of a finding's message (and of a rule summary): starts with
/// a lower-case letter (or a backtick-quoted value), no trailing period, and
/// names the value rather than judging it.
pub fn message_problems(message: &str) -> Vec<&'static str> {
    let mut p = Vec::new();
    let t = message.trim();
    match t.chars().next() {
        None => p.push("is empty"),
        Some(c) if c.is_uppercase() => p.push("starts with an upper-case letter"),
        Some(_) => {}
    }
    if t.ends_with('.') && !t.ends_with("...") {
        p.push("ends with a period");
    }
    if t.to_lowercase().contains("bad name") {
        p.push("says \"bad name\" instead of what is wrong");
    }
    if t != message {
        p.push("has leading or trailing whitespace");
    }
    if message.contains('\n') {
        p.push("spans several lines");
    }
    p
}

/// Name prefixes that describe a fix, not the problem (ruff's convention).
pub const FIX_PREFIXES: &[&str] = &["avoid-", "prefer-", "use-", "do-not-", "dont-", "no-"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_catalog_rows() {
        let md = "| code | name | level | fires when |\n|---|---|---|---|\n\
| M101 | metric-name-invalid | error / warning | a \\| b |\n| L201 | x | note | y |\n";
        let e = parse(md);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].levels, vec!["error", "warning"]);
        assert_eq!(e[1].code, "L201");
        assert!(e[1].default_on);
        let off = parse("| C605 | x | note, **off by default** (`--select C605`) | y |\n");
        assert_eq!(off[0].levels, vec!["note"]);
        assert!(!off[0].default_on);
    }

    #[test]
    fn readme_block_between_markers() {
        let r = "x\n<!-- rules:start -->\n| Code | Name | Level | Summary |\n|---|---|---|---|\n| M105 | a | warning | b \\| c |\n<!-- rules:end -->\n";
        let b = readme_block(r).unwrap();
        assert_eq!(
            readme_rows(b),
            vec![["M105", "a", "warning", "b | c"].map(String::from)]
        );
        assert_eq!(
            readme_table(&[]),
            "| Code | Name | Level | Summary |\n|---|---|---|---|\n"
        );
    }

    #[test]
    fn message_style() {
        assert!(message_problems("counter `x` does not end in `_total`").is_empty());
        assert!(message_problems("`x` is fine").is_empty());
        assert_eq!(message_problems("Counter x.").len(), 2);
        assert_eq!(message_problems("bad name `x`").len(), 1);
        assert_eq!(message_problems("").len(), 1);
    }
}
