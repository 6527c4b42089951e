use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::package_index;
use crate::util::hot::hot_place;
use instrlint_core::facts::{DefRef, FuncContext, MetricDef, MetricKind, RegistryKind};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "R401",
    name: "metric-in-hot-path",
    group: Group::Registration,
    level: Level::Error,
    summary: "a metric is constructed or registered in a loop, a handler or a goroutine",
    since: "0.1.0",
};

const ONCE: &str = "create and register it once (a package-level `var`, `init`, or a constructor called at start-up) and use it here";

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let registers = ctx.package.registrations.iter().filter(|r| {
        matches!(r.method.as_str(), "Register" | "MustRegister")
            && r.registry != RegistryKind::Unknown
    });
    let mut registered: Vec<DefRef> = Vec::new();
    for reg in registers {
        let Some(hot) = hot_place(&reg.func) else {
            continue;
        };
        // Only a collector created in the same hot place is registered anew
        // on every pass; registering existing collectors (`for _, c := range
        // collectors { reg.MustRegister(c) }`) is fine.
        let created_here: Vec<(DefRef, &MetricDef)> = reg
            .collectors
            .iter()
            .filter_map(|(_, d)| *d)
            .map(|d| (d, ctx.tree.def(d)))
            .filter(|(_, def)| {
                same_function(&def.func, &reg.func) && hot_place(&def.func).is_some()
            })
            .collect();
        if created_here.is_empty() {
            continue;
        }
        registered.extend(created_here.iter().map(|(d, _)| *d));
        let same_name = created_here
            .iter()
            .all(|(_, def)| def.fq_name.resolved().is_some());
        let consequence = match (reg.method.as_str(), same_name) {
            ("Register", true) => {
                format!("the second {} gets an `AlreadyRegisteredError`", hot.unit)
            }
            (_, true) => hot.panics(),
            _ => format!(
                "a new collector every {}, and a name registered twice fails",
                hot.unit
            ),
        };
        let message = format!(
            "`{}` inside {} registers a collector created there: {consequence}",
            reg.method, hot.place
        );
        out.report(&META, reg.call, message).help(ONCE);
    }
    let package = package_index(ctx);
    for (index, def) in ctx.package.metrics.iter().enumerate() {
        let own = package.map(|package| DefRef {
            package,
            index: index as u32,
        });
        // A `prometheus.New…` registered in a hot path is reported at the registration.
        let covered = !def.api.registers() && own.is_some_and(|o| registered.contains(&o));
        let once = def.kind == MetricKind::Desc || def.constructor.contains("NewConst");
        let Some(hot) = hot_place(&def.func).filter(|_| !once && !covered) else {
            continue;
        };
        let api = def.api.qualifier();
        let consequence = match def.api.registers() {
            // The same name on every pass panics; a name that varies is
            // M112's, and registers a new family each time.
            true if def.fq_name.resolved().is_some() => hot.panics(),
            true => format!("it registers a new collector every {}", hot.unit),
            false => hot.leaks(),
        };
        let message = format!(
            "`{api}.{}` inside {}: {consequence}",
            def.constructor, hot.place
        );
        out.report(&META, def.call, message).help(ONCE);
    }
}

/// Two facts sit in the same named function (closures included).
fn same_function(a: &FuncContext, b: &FuncContext) -> bool {
    a.name == b.name && a.receiver == b.receiver && a.kind == b.kind
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use instrlint_core::facts::{ErrorUse, FuncKind, MetricApi, RegistryKind::Default};

    fn looped(name: &str) -> FuncContext {
        let mut f = func(FuncKind::Other, name);
        f.in_loop = true;
        f
    }

    #[test]
    fn fires_on_constructors_in_hot_paths() {
        let handler = func(FuncKind::HttpHandler, "joinRoom");
        let defs = vec![
            counter("livestream_room_joins_total").func(handler.clone()),
            gauge("livestream_room_viewers")
                .api(MetricApi::Prometheus)
                .func(handler)
                .at(0, 300),
            counter("x")
                .dynamic("name")
                .func(looped("refresh"))
                .at(0, 600),
        ];
        let mut d = run_pkg(check, Pkg::new(defs, vec![]));
        d.sort_by_key(|d| d.primary);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "`promauto.NewCounter` inside HTTP handler `joinRoom`: the second request panics with a duplicate registration"
        );
        assert!(d[1].message.starts_with(
            "`prometheus.NewGauge` inside HTTP handler `joinRoom`: every request leaks"
        ));
        // A name that varies is no duplicate: the message claims none.
        assert_eq!(
            d[2].message,
            "`promauto.NewCounter` inside a loop in `refresh`: it registers a new collector every iteration"
        );
    }

    #[test]
    fn a_collector_created_and_registered_in_a_loop_is_one_finding() {
        let mut reg = register("MustRegister", Default, ErrorUse::NotApplicable);
        reg.func = looped("refresh");
        let g = gauge("livestream_room_viewers")
            .api(MetricApi::Prometheus)
            .func(looped("refresh"));
        let d = run_pkg(check, Pkg::new(vec![g], vec![]).regs(vec![reg]));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`MustRegister` inside a loop in `refresh` registers a collector created there: the second iteration panics with a duplicate registration"
        );
        let mut reg = register("Register", Default, ErrorUse::Used);
        reg.func = func(FuncKind::HttpHandler, "joinRoom");
        let g = gauge("x")
            .dynamic("room")
            .api(MetricApi::Prometheus)
            .func(func(FuncKind::HttpHandler, "joinRoom"));
        let d = run_pkg(check, Pkg::new(vec![g], vec![]).regs(vec![reg]));
        assert_eq!(d.len(), 1);
        assert!(d[0].message.ends_with(
            "registers a collector created there: a new collector every request, and a name registered twice fails"
        ));
    }

    #[test]
    fn registering_existing_collectors_in_a_loop_is_fine() {
        let mut reg = register("Register", Default, ErrorUse::Used);
        reg.func = looped("GetMetrics");
        let existing = gauge("livestream_room_viewers").api(MetricApi::Prometheus);
        let d = run_pkg(
            check,
            Pkg::new(vec![existing], vec![]).regs(vec![reg.clone()]),
        );
        assert!(d.is_empty(), "{d:#?}");
        // An unbound collector: nothing seen, nothing claimed.
        reg.collectors[0].1 = None;
        assert!(run_pkg(check, Pkg::new(vec![], vec![]).regs(vec![reg])).is_empty());
    }

    #[test]
    fn silent_at_start_up_for_descs_and_unknown_registries() {
        let mut ctor = func(FuncKind::Constructor, "newMetrics");
        ctor.in_loop = true;
        let handler = func(FuncKind::HttpHandler, "joinRoom");
        let mut reg = register("Register", RegistryKind::Unknown, ErrorUse::Used);
        reg.func = handler.clone();
        let defs = vec![
            counter("livestream_room_joins_total").func(ctor),
            desc("livestream_room_viewers").func(handler).at(0, 300),
        ];
        assert!(run_pkg(check, Pkg::new(defs, vec![]).regs(vec![reg])).is_empty());
    }
}
