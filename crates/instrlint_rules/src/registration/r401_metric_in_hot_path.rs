use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::package_index;
use crate::util::hot::hot_place;
use instrlint_core::facts::{DefRef, MetricKind, RegistryKind};
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
        registered.extend(reg.collectors.iter().filter_map(|(_, d)| *d));
        let consequence = match reg.method.as_str() {
            "Register" => format!("the second {} gets an `AlreadyRegisteredError`", hot.unit),
            _ => hot.panics(),
        };
        let message = format!("`{}` inside {}: {consequence}", reg.method, hot.place);
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
        let consequence = if def.api.registers() {
            hot.panics()
        } else {
            hot.leaks()
        };
        let message = format!(
            "`{api}.{}` inside {}: {consequence}",
            def.constructor, hot.place
        );
        out.report(&META, def.call, message).help(ONCE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use instrlint_core::facts::{ErrorUse, FuncKind, MetricApi, RegistryKind::Default};

    #[test]
    fn fires_on_constructors_and_registrations_in_hot_paths() {
        let handler = func(FuncKind::HttpHandler, "joinRoom");
        let mut looped = func(FuncKind::Other, "refresh");
        looped.in_loop = true;
        let mut reg = register("MustRegister", Default, ErrorUse::NotApplicable);
        reg.func = looped;
        let defs = vec![
            counter("livestream_room_joins_total").func(handler.clone()),
            gauge("livestream_room_viewers")
                .api(MetricApi::Prometheus)
                .func(handler)
                .at(0, 300),
        ];
        let mut d = run_pkg(check, Pkg::new(defs, vec![]).regs(vec![reg.clone()]));
        d.sort_by_key(|d| d.primary);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "`promauto.NewCounter` inside HTTP handler `joinRoom`: the second request panics with a duplicate registration"
        );
        assert!(d[1].message.starts_with(
            "`prometheus.NewGauge` inside HTTP handler `joinRoom`: every request leaks"
        ));
        assert_eq!(d[2].message, "`MustRegister` inside a loop in `refresh`: the second iteration panics with a duplicate registration");
    }

    #[test]
    fn a_collector_registered_in_the_same_hot_path_is_one_finding() {
        let handler = func(FuncKind::HttpHandler, "joinRoom");
        let mut reg = register("Register", Default, ErrorUse::Used);
        reg.func = handler.clone();
        let g = gauge("livestream_room_viewers").api(MetricApi::Prometheus);
        let d = run_pkg(
            check,
            Pkg::new(vec![g.func(handler)], vec![]).regs(vec![reg]),
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.ends_with("gets an `AlreadyRegisteredError`"));
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
