use crate::rule::{Group, RuleMeta, Sink, TreeCtx};
use crate::util::defs::named;
use instrlint_core::facts::{MetricDef, MetricKind};
use instrlint_core::Level;
use std::collections::BTreeMap;

pub const META: RuleMeta = RuleMeta {
    code: "M113",
    name: "duplicate-metric",
    group: Group::MetricNames,
    level: Level::Error,
    summary: "the same metric name is defined twice where one program can register both",
    since: "0.1.0",
};

pub fn check(ctx: &TreeCtx, out: &mut Sink) {
    // name → (definition, package index, package is `main`)
    let mut by_name: BTreeMap<&str, Vec<(&MetricDef, usize, bool)>> = BTreeMap::new();
    for (index, pkg) in ctx.tree.packages.iter().enumerate() {
        // Const label values tell same-named metrics apart, and the facts
        // carry only keys. `NewDesc` descriptors are not compared: a
        // collector may describe one family with several `Desc`s.
        let sites = pkg.metrics.iter().filter(|m| {
            m.kind != MetricKind::Desc && m.const_labels.as_ref().is_none_or(Vec::is_empty)
        });
        for (def, name) in named(sites) {
            by_name
                .entry(name)
                .or_default()
                .push((def, index, pkg.name == "main"));
        }
    }
    for (name, mut sites) in by_name {
        sites.sort_by_key(|(def, _, _)| (def.name_span.file, def.name_span.start));
        for (j, (def, pkg, main)) in sites.iter().enumerate() {
            // Two `package main`s are two programs: they never share a registry.
            let first = sites[..j]
                .iter()
                .find(|(d, p, m)| d.call != def.call && (p == pkg || !(*m && *main)));
            if let Some((first, _, _)) = first {
                let message = format!("metric `{name}` is already defined");
                out.report(&META, def.name_span, message)
                    .help("define it once and share it: registering the name twice panics or fails")
                    .related(first.name_span, "first defined here");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn reports_every_later_site_against_the_first() {
        let a = counter("livestream_rooms_joined_total").at(1, 10);
        let b = counter("livestream_rooms_joined_total").at(0, 500);
        let c = gauge("livestream_rooms_joined_total").at(2, 10);
        let d = run_tree(check, vec![vec![a], vec![c, b]]);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].primary, span(1, 30, 50));
        assert_eq!(d[0].related[0].span, span(0, 520, 540));
        assert_eq!(d[0].related[0].message, "first defined here");
        assert_eq!(d[1].primary, span(2, 30, 50));
        assert_eq!(
            d[0].message,
            "metric `livestream_rooms_joined_total` is already defined"
        );
    }

    #[test]
    fn descs_are_not_compared() {
        let name = "livestream_room_viewers";
        let defs = vec![
            desc(name)
                .in_func("Describe", Some("roomCollector"))
                .at(0, 10),
            desc(name)
                .in_func("Collect", Some("giftCollector"))
                .at(0, 400),
            desc(name).at(0, 800),
        ];
        assert!(run_tree(check, vec![defs]).is_empty());
    }

    #[test]
    fn two_main_packages_are_two_programs() {
        let name = "livestream_rooms_joined_total";
        let tree = vec![
            vec![counter(name).at(0, 10)],
            vec![counter(name).at(1, 10), counter(name).at(1, 400)],
            vec![counter(name).at(2, 10)],
        ];
        let d = run_tree_named(check, tree, &["main", "main", "room"]);
        // In the second `main`, twice; the library can land in either program.
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].primary, span(1, 420, 440));
        assert_eq!(d[0].related[0].span, span(1, 30, 50));
        assert_eq!(d[1].primary, span(2, 30, 50));
        assert_eq!(d[1].related[0].span, span(0, 30, 50));
    }

    #[test]
    fn silent_on_distinct_names_const_labels_and_unresolved_names() {
        let defs = vec![
            counter("livestream_rooms_joined_total"),
            counter("livestream_rooms_left_total").at(0, 300),
            gauge("livestream_tier_viewers")
                .const_labels(&["tier"])
                .at(0, 600),
            gauge("livestream_tier_viewers")
                .const_labels(&["tier"])
                .at(0, 900),
            counter("x").unknown(),
            counter("x").unknown().at(0, 1200),
        ];
        assert!(run_tree(check, vec![defs]).is_empty());
    }
}
