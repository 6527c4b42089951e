use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::one_line;
use instrlint_core::facts::NameRole;
use instrlint_core::{Level, Value};

pub const META: RuleMeta = RuleMeta {
    code: "M112",
    name: "metric-name-dynamic",
    group: Group::MetricNames,
    level: Level::Error,
    summary: "metric name is built from a value known only at run time",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        let Value::Dynamic(dynamic) = &def.fq_name else {
            continue;
        };
        let role = def
            .name_parts
            .iter()
            .find(|p| matches!(&p.value, Value::Dynamic(d) if d.span == dynamic.span))
            .map_or(NameRole::Name, |p| p.role);
        let piece = match role {
            NameRole::Namespace => "namespace",
            NameRole::Subsystem => "subsystem",
            NameRole::Name | NameRole::FqName => "name",
        };
        let text = one_line(&dynamic.text);
        out.report(
            &META,
            dynamic.span,
            format!("metric {piece} is built at run time from `{text}`"),
        )
        .help("use a constant name and put the varying value in a label");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_at_the_dynamic_expression() {
        let d = run(
            check,
            vec![counter("x").dynamic("fmt.Sprintf(\"%s_total\", kind)")],
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "metric name is built at run time from `fmt.Sprintf(\"%s_total\", kind)`"
        );
        assert_eq!(d[0].primary, span(0, 122, 128));
    }

    #[test]
    fn silent_on_resolved_and_unknown_names() {
        let d = run(
            check,
            vec![counter("livestream_rooms_total"), counter("x").unknown()],
        );
        assert!(d.is_empty());
    }
}
