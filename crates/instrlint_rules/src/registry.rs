//! The one place a rule is registered: one line per rule, in catalog order.

use crate::rule::Rule;

pub static RULES: &[Rule] = &[];

/// Look a rule up by code (`M105`, case-insensitive) or name (`counter-missing-total`).
pub fn find_rule(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.meta.code.eq_ignore_ascii_case(code_or_name) || r.meta.name == code_or_name)
}
