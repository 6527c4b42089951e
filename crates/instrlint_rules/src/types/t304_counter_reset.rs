use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::vector_name;
use instrlint_core::facts::{LabelMethod, MetricKind};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "T304",
    name: "counter-reset",
    group: Group::Types,
    level: Level::Warning,
    summary: "`Reset()` on a counter vector",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for u in &ctx.package.label_uses {
        let (LabelMethod::Reset, Some(r)) = (u.method, u.def) else {
            continue;
        };
        let def = ctx.tree.def(r);
        if def.kind != MetricKind::Counter {
            continue;
        }
        let message = format!(
            "`Reset()` on counter vector {} restarts every series at zero",
            vector_name(def)
        );
        out.report(&META, u.call, message)
            .help("delete only the series that ended (`DeleteLabelValues`), or use a gauge for a value that may restart: `rate()` reads a reset as a restart and loses data")
            .related(def.call, "the counter is defined here");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_reset_of_a_counter_vector() {
        let def = counter("livestream_gifts_total")
            .labels(&["tier"])
            .stored_as("gifts");
        let d = run_pkg(check, Pkg::new(vec![def], vec![reset()]));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`Reset()` on counter vector `gifts` restarts every series at zero"
        );
        assert_eq!(d[0].primary, span(0, 1000, 1060));
    }

    #[test]
    fn silent_on_gauges_deletions_and_unbound_resets() {
        let mut unbound = reset();
        unbound.def = None;
        let uses = vec![unbound, values(LabelMethod::DeleteLabelValues, &[None])];
        let def = counter("livestream_gifts_total").labels(&["tier"]);
        assert!(run_pkg(check, Pkg::new(vec![def], uses)).is_empty());
        let def = gauge("livestream_room_viewers").labels(&["tier"]);
        assert!(run_pkg(check, Pkg::new(vec![def], vec![reset()])).is_empty());
    }
}
