//! The one place a rule is registered: one line per rule, in catalog order.

use crate::rule::{Check, Rule};
use crate::{context, labels, metric_names, otel, promql, registration, spans, types};

/// `rule!(Package|Tree, group::module, "CODE-name.md")`: the module's `META`
/// and `check`, and the doc from `rules/` embedded; `rule!(…, off)` for a
/// rule that runs only when its code is selected.
macro_rules! rule {
    ($scope:ident, $group:ident :: $module:ident, $doc:literal) => {
        rule!($scope, $group::$module, $doc, true)
    };
    ($scope:ident, $group:ident :: $module:ident, $doc:literal, off) => {
        rule!($scope, $group::$module, $doc, false)
    };
    ($scope:ident, $group:ident :: $module:ident, $doc:literal, $on:literal) => {
        Rule {
            meta: $group::$module::META,
            check: Check::$scope($group::$module::check),
            doc: include_str!(concat!("../../../rules/", $doc)),
            default_on: $on,
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
    rule!(
        Package,
        labels::l201_high_cardinality_label,
        "L201-high-cardinality-label.md"
    ),
    rule!(
        Package,
        labels::l202_unbounded_label_value,
        "L202-unbounded-label-value.md"
    ),
    rule!(
        Package,
        labels::l203_label_arity_mismatch,
        "L203-label-arity-mismatch.md"
    ),
    rule!(
        Package,
        labels::l204_label_keys_mismatch,
        "L204-label-keys-mismatch.md"
    ),
    rule!(
        Package,
        labels::l205_label_name_invalid,
        "L205-label-name-invalid.md"
    ),
    rule!(
        Package,
        labels::l206_reserved_label,
        "L206-reserved-label.md"
    ),
    rule!(
        Package,
        labels::l207_label_values_swapped,
        "L207-label-values-swapped.md"
    ),
    rule!(
        Package,
        labels::l208_series_never_deleted,
        "L208-series-never-deleted.md"
    ),
    rule!(
        Package,
        labels::l209_duplicate_label,
        "L209-duplicate-label.md"
    ),
    rule!(
        Package,
        types::t301_counter_negative_add,
        "T301-counter-negative-add.md"
    ),
    rule!(
        Package,
        types::t302_invalid_buckets,
        "T302-invalid-buckets.md"
    ),
    rule!(
        Package,
        types::t303_default_buckets,
        "T303-default-buckets.md"
    ),
    rule!(Package, types::t304_counter_reset, "T304-counter-reset.md"),
    rule!(
        Package,
        types::t305_summary_not_aggregatable,
        "T305-summary-not-aggregatable.md"
    ),
    rule!(
        Package,
        registration::r401_metric_in_hot_path,
        "R401-metric-in-hot-path.md"
    ),
    rule!(
        Package,
        registration::r402_register_error_ignored,
        "R402-register-error-ignored.md"
    ),
    rule!(
        Package,
        spans::s501_span_name_generic,
        "S501-span-name-generic.md"
    ),
    rule!(
        Package,
        spans::s502_span_name_dynamic,
        "S502-span-name-dynamic.md"
    ),
    rule!(
        Package,
        spans::s503_span_missing_attribute,
        "S503-span-missing-attribute.md"
    ),
    rule!(
        Package,
        spans::s504_span_not_ended,
        "S504-span-not-ended.md"
    ),
    rule!(
        Package,
        spans::s505_span_error_not_recorded,
        "S505-span-error-not-recorded.md"
    ),
    rule!(
        Package,
        spans::s506_span_context_dropped,
        "S506-span-context-dropped.md"
    ),
    rule!(
        Package,
        context::c601_context_background_in_request,
        "C601-context-background-in-request.md"
    ),
    rule!(
        Package,
        context::c602_goroutine_detached_trace,
        "C602-goroutine-detached-trace.md"
    ),
    rule!(
        Package,
        context::c603_context_key_builtin,
        "C603-context-key-builtin.md"
    ),
    rule!(
        Package,
        context::c604_span_in_context_value,
        "C604-span-in-context-value.md"
    ),
    rule!(
        Package,
        context::c605_context_background_with_ctx,
        "C605-context-background-with-ctx.md",
        off
    ),
    rule!(
        Tree,
        promql::q701_quantile_missing_bucket,
        "Q701-quantile-missing-bucket.md"
    ),
    rule!(
        Tree,
        promql::q702_rate_on_non_counter,
        "Q702-rate-on-non-counter.md"
    ),
    rule!(
        Package,
        otel::o801_otel_instrument_name_invalid,
        "O801-otel-instrument-name-invalid.md"
    ),
    rule!(
        Package,
        otel::o802_otel_instrument_name_suffix,
        "O802-otel-instrument-name-suffix.md"
    ),
    rule!(
        Package,
        otel::o803_otel_histogram_missing_unit,
        "O803-otel-histogram-missing-unit.md"
    ),
    rule!(
        Package,
        otel::o804_otel_high_cardinality_attribute,
        "O804-otel-high-cardinality-attribute.md"
    ),
];

/// Look a rule up by code (`M105`, case-insensitive) or name (`counter-missing-total`).
pub fn find_rule(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.meta.code.eq_ignore_ascii_case(code_or_name) || r.meta.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTIONS: &[&str] = &[
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Options",
        "## References",
    ];

    #[test]
    fn codes_are_unique_and_in_catalog_order() {
        for pair in RULES.windows(2) {
            let (a, b) = (&pair[0].meta, &pair[1].meta);
            assert!(
                (a.group, a.code[1..].parse::<u32>().unwrap())
                    < (b.group, b.code[1..].parse::<u32>().unwrap()),
                "{} must come before {}",
                a.code,
                b.code
            );
        }
        for rule in RULES {
            let m = &rule.meta;
            assert!(m.code.starts_with(m.group.letter()), "{}", m.code);
            assert_eq!(m.code.len(), 4, "{}", m.code);
        }
    }

    #[test]
    fn names_are_kebab_case_and_summaries_in_house_style() {
        for m in RULES.iter().map(|r| &r.meta) {
            assert!(
                m.name.split('-').all(|w| !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
                "{}: name `{}` is not kebab-case",
                m.code,
                m.name
            );
            assert!(
                !m.summary.starts_with(|c: char| c.is_uppercase()),
                "{}: summary starts upper-case",
                m.code
            );
            assert!(
                !m.summary.ends_with('.'),
                "{}: summary ends with a period",
                m.code
            );
            for prefix in ["avoid-", "prefer-", "use-", "do-not-", "no-"] {
                assert!(!m.name.starts_with(prefix), "{}: name says the fix", m.code);
            }
        }
    }

    #[test]
    fn every_rule_fires_and_messages_follow_house_style() {
        use crate::rule::{PackageCtx, Sink, TreeCtx};
        use crate::testutil::*;
        use instrlint_core::config::Settings;
        use instrlint_core::facts::LabelMethod::{With, WithLabelValues};
        use instrlint_core::facts::{ErrorUse, FuncKind, LabelUse, RegistryKind, TreeFacts};

        let defs = [
            counter("livestream_room-joins_total"),
            counter(""),
            counter("livestream_roomJoins_total").at(0, 300),
            gauge("livestream:room_viewers_current").at(0, 600),
            counter("viewers_total").at(0, 900),
            counter("livestream_rooms_joined").at(0, 1200),
            gauge("livestream_room_viewers_total").at(0, 1500),
            gauge("livestream_gift_coins_sum").at(0, 1800),
            histogram("livestream_join_latency_ms").at(0, 2100),
            histogram("livestream_chunk_size").at(0, 2400),
            gauge("livestream_room_viewers_gauge").at(0, 2700),
            gauge("livestream_room_viewers").help(None).at(0, 3000),
            counter("x")
                .dynamic("kind")
                .origin(instrlint_core::facts::OriginKind::Spliced, "kind")
                .at(0, 3300),
            gauge("livestream_room_viewers").at(1, 0),
        ];
        let mut defs = Vec::from(defs);
        // L, T and R: a vector with bad label names, histograms and a summary,
        // a definition in a handler, and uses bound to the vectors.
        let (gifts, viewers) = (defs.len() as u32, defs.len() as u32 + 1);
        defs.extend([
            counter("livestream_gifts_sent_total")
                .labels(&["user_id", "tier", "", "le", "tier"])
                .stored_as("gifts")
                .at(2, 0),
            gauge("livestream_room_viewers")
                .labels(&["method", "room_id"])
                .stored_as("viewers")
                .at(3, 0),
            histogram("livestream_join_latency_seconds").at(2, 300),
            histogram("livestream_chunk_size_bytes")
                .literal_buckets(&[Some(2.0), Some(1.0)])
                .at(2, 600),
            summary("livestream_join_latency_seconds")
                .objectives()
                .at(2, 900),
            counter("livestream_room_joins_total")
                .func(func(FuncKind::HttpHandler, "joinRoom"))
                .at(2, 1200),
        ]);
        let on = |mut u: LabelUse, def: u32| {
            u.def = Some(def_ref(0, def));
            u
        };
        let swapped = values(WithLabelValues, &[Some("roomID"), Some("method")]);
        let uses = vec![
            on(sourced(swapped, 0, unbounded("r.URL.Path", false)), viewers),
            on(values(WithLabelValues, &[None]), viewers),
            on(keys(With, &["kind"]), viewers),
            on(reset(), gifts),
        ];
        let mut add = op("Add", Some(-1.0));
        add.def = Some(def_ref(0, gifts));
        let package = Pkg {
            defs,
            uses,
            ops: vec![add],
            regs: vec![register(
                "Register",
                RegistryKind::Default,
                ErrorUse::Discarded,
            )],
        }
        .facts();
        let package = crate::testutil_spans::with_span_and_context_facts(package);
        let package = crate::testutil_otel::with_otel_facts(package);
        let package = crate::testutil_promql::with_query_facts(package);
        let tree = TreeFacts {
            packages: vec![package.clone()],
            ..TreeFacts::default()
        };
        let settings = Settings::default();
        let mut sink = Sink::new();
        for rule in RULES {
            match rule.check {
                Check::Package(f) => f(
                    &PackageCtx {
                        package: &package,
                        tree: &tree,
                        settings: &settings,
                    },
                    &mut sink,
                ),
                Check::Tree(f) => f(
                    &TreeCtx {
                        tree: &tree,
                        settings: &settings,
                    },
                    &mut sink,
                ),
            }
        }
        let diagnostics = sink.into_diagnostics();
        for rule in RULES {
            assert!(
                diagnostics.iter().any(|d| d.code == rule.meta.code),
                "{} never fired",
                rule.meta.code
            );
        }
        for d in &diagnostics {
            let help = d
                .help
                .as_deref()
                .unwrap_or_else(|| panic!("{}: no help", d.code));
            for text in [d.message.as_str(), help] {
                assert!(
                    !text.starts_with(|c: char| c.is_uppercase()),
                    "{}: `{text}`",
                    d.code
                );
                assert!(
                    !text.ends_with('.'),
                    "{}: `{text}` ends with a period",
                    d.code
                );
                assert!(!text.contains("bad name"), "{}: `{text}`", d.code);
            }
        }
    }

    #[test]
    fn docs_have_the_header_and_sections_in_order() {
        for rule in RULES {
            let m = &rule.meta;
            let mut lines = rule.doc.lines();
            assert_eq!(
                lines.next(),
                Some(format!("# {} {}", m.code, m.name).as_str())
            );
            let header = format!(
                "Level: {} · Group: {} · Since: {}",
                m.level,
                m.group.title(),
                m.since
            );
            assert_eq!(lines.next(), Some(header.as_str()), "{}", m.code);
            let found: Vec<&str> = rule.doc.lines().filter(|l| l.starts_with("## ")).collect();
            let expected: Vec<&str> = SECTIONS
                .iter()
                .copied()
                .filter(|s| *s != "## Options" || found.contains(s))
                .collect();
            assert_eq!(found, expected, "{}: sections", m.code);
        }
    }

    #[test]
    fn docs_have_marked_bad_and_good_examples() {
        for rule in RULES {
            let code = rule.meta.code;
            let (example, rest) = rule.doc.split_once("## Use instead").unwrap();
            assert!(example.contains("```go bad"), "{code}: no bad example");
            assert!(
                example
                    .lines()
                    .any(|l| l.contains("// want ") && l.split_whitespace().any(|w| w == code)),
                "{code}: no `// want {code}` marker"
            );
            assert!(rest.contains("```go good"), "{code}: no good example");
            assert!(
                !rest.contains("// want"),
                "{code}: marker in a good example"
            );
        }
    }

    #[test]
    fn find_rule_by_code_or_name() {
        assert_eq!(
            find_rule("m105").unwrap().meta.name,
            "counter-missing-total"
        );
        assert_eq!(find_rule("duplicate-metric").unwrap().meta.code, "M113");
        assert!(find_rule("M999").is_none());
    }
}
