//! The one place a rule is registered: one line per rule, in catalog order.

use crate::metric_names;
use crate::rule::{Check, Rule};

/// `rule!(Package|Tree, group::module, "CODE-name.md")`: the module's `META`
/// and `check`, and the doc from `rules/` embedded.
macro_rules! rule {
    ($scope:ident, $group:ident :: $module:ident, $doc:literal) => {
        Rule {
            meta: $group::$module::META,
            check: Check::$scope($group::$module::check),
            doc: include_str!(concat!("../../../rules/", $doc)),
        }
    };
}

pub static RULES: &[Rule] = &[
    rule!(
        Package,
        metric_names::m101_metric_name_invalid,
        "M101-metric-name-invalid.md"
    ),
    rule!(
        Package,
        metric_names::m102_metric_name_case,
        "M102-metric-name-case.md"
    ),
    rule!(
        Package,
        metric_names::m103_metric_name_colon,
        "M103-metric-name-colon.md"
    ),
    rule!(
        Package,
        metric_names::m104_metric_name_prefix,
        "M104-metric-name-prefix.md"
    ),
    rule!(
        Package,
        metric_names::m105_counter_missing_total,
        "M105-counter-missing-total.md"
    ),
    rule!(
        Package,
        metric_names::m106_non_counter_total,
        "M106-non-counter-total.md"
    ),
    rule!(
        Package,
        metric_names::m107_reserved_suffix,
        "M107-reserved-suffix.md"
    ),
    rule!(
        Package,
        metric_names::m108_non_base_unit,
        "M108-non-base-unit.md"
    ),
    rule!(
        Package,
        metric_names::m109_histogram_missing_unit,
        "M109-histogram-missing-unit.md"
    ),
    rule!(
        Package,
        metric_names::m110_type_in_name,
        "M110-type-in-name.md"
    ),
    rule!(
        Package,
        metric_names::m111_missing_help,
        "M111-missing-help.md"
    ),
    rule!(
        Package,
        metric_names::m112_metric_name_dynamic,
        "M112-metric-name-dynamic.md"
    ),
    rule!(
        Tree,
        metric_names::m113_duplicate_metric,
        "M113-duplicate-metric.md"
    ),
];

/// Look a rule up by code (`M105`, case-insensitive) or name (`counter-missing-total`).
pub fn find_rule(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.meta.code.eq_ignore_ascii_case(code_or_name) || r.meta.name == code_or_name)
}
