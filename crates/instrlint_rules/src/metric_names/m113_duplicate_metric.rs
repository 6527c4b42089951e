use crate::rule::{Group, RuleMeta, Sink, TreeCtx};
use crate::util::defs::named;
use instrlint_core::facts::{MetricDef, MetricKind};
use instrlint_core::{Level, Span};
use std::collections::BTreeMap;

pub const META: RuleMeta = RuleMeta {
    code: "M113",
    name: "duplicate-metric",
    group: Group::MetricNames,
    level: Level::Error,
    summary: "the same metric name is defined twice in the linted tree",
    since: "0.1.0",
};

/// Sites that are one definition: every constructor call is its own; the
/// `NewDesc` calls of one collector (methods of one receiver type, or one
/// function) describe the same family and count once.
#[derive(PartialEq, Eq)]
enum Owner<'a> {
    Call(Span),
    Collector(&'a str, Option<&'a str>),
}

pub fn check(ctx: &TreeCtx, out: &mut Sink) {
    let mut by_name: BTreeMap<&str, Vec<(&MetricDef, Owner)>> = BTreeMap::new();
    for pkg in &ctx.tree.packages {
        // Const label values tell same-named metrics apart, and the facts carry only keys.
        let sites = pkg
            .metrics
            .iter()
            .filter(|m| m.const_labels.as_ref().is_none_or(Vec::is_empty));
        for (def, name) in named(sites) {
            let owner = if def.kind == MetricKind::Desc {
                let f = &def.func;
                Owner::Collector(&pkg.dir, f.receiver.as_deref().or(f.name.as_deref()))
            } else {
                Owner::Call(def.call)
            };
            by_name.entry(name).or_default().push((def, owner));
        }
    }
    for (name, mut sites) in by_name {
        sites.sort_by_key(|(def, _)| (def.name_span.file, def.name_span.start));
        let first = sites[0].0.name_span;
        let mut seen: Vec<&Owner> = Vec::new();
        for (def, owner) in &sites {
            if seen.contains(&owner) {
                continue;
            }
            seen.push(owner);
            if seen.len() > 1 {
                let message = format!("metric `{name}` is already defined");
                out.report(&META, def.name_span, message)
                    .help("define it once and share it: registering the name twice panics or fails")
                    .related(first, "first defined here");
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
    fn descs_of_one_collector_are_one_definition() {
        let name = "livestream_room_viewers";
        let defs = vec![
            desc(name)
                .in_func("Describe", Some("roomCollector"))
                .at(0, 10),
            desc(name)
                .in_func("Collect", Some("roomCollector"))
                .at(0, 400),
            desc(name)
                .in_func("Collect", Some("giftCollector"))
                .at(0, 800),
        ];
        let d = run_tree(check, vec![defs]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].primary, span(0, 820, 840));
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
