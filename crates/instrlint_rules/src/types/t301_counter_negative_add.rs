use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::MetricKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "T301",
    name: "counter-negative-add",
    group: Group::Types,
    level: Level::Error,
    summary: "`Add` on a counter with a negative constant",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for op in &ctx.package.metric_ops {
        let (Some(value), Some(r)) = (op.value, op.def) else {
            continue;
        };
        if op.method != "Add" || value >= 0.0 || ctx.tree.def(r).kind != MetricKind::Counter {
            continue;
        }
        out.report(&META, op.call, format!("`Add({value})` on a counter panics: counters only go up"))
            .help("use a gauge for a value that goes down, or count the opposite event in a second counter");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_a_negative_add_to_a_counter() {
        let mut far = op("Add", Some(-0.5));
        far.def = Some(def_ref(1, 0));
        let pkgs = vec![
            Pkg::new(vec![gauge("livestream_room_viewers")], vec![]).ops(vec![far]),
            Pkg::new(vec![counter("livestream_gifts_total")], vec![])
                .ops(vec![op("Add", Some(-1.0))]),
        ];
        let d = run_pkgs(check, &Default::default(), pkgs);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`Add(-0.5)` on a counter panics: counters only go up"
        );
    }

    #[test]
    fn silent_on_gauges_positive_unknown_and_unbound() {
        let mut unbound = op("Add", Some(-1.0));
        unbound.def = None;
        let ops = vec![
            op("Add", Some(2.0)),
            op("Add", None),
            op("Sub", Some(-1.0)),
            unbound,
        ];
        let pkg = Pkg::new(vec![counter("livestream_gifts_total")], vec![]).ops(ops);
        assert!(run_pkg(check, pkg).is_empty());
        let pkg = Pkg::new(vec![gauge("livestream_room_viewers")], vec![])
            .ops(vec![op("Add", Some(-1.0))]);
        assert!(run_pkg(check, pkg).is_empty());
    }
}
