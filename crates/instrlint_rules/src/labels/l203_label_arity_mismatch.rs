use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::{consequence, declared, list, vector_name};
use instrlint_core::facts::{LabelArgs, LabelMethod};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L203",
    name: "label-arity-mismatch",
    group: Group::Labels,
    level: Level::Error,
    summary: "`WithLabelValues` gets a different number of values than the vector declares",
    since: "0.1.0",
};

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for u in &ctx.package.label_uses {
        let LabelArgs::Values {
            args,
            variadic: false,
        } = &u.args
        else {
            continue;
        };
        if !matches!(
            u.method,
            LabelMethod::WithLabelValues
                | LabelMethod::GetMetricWithLabelValues
                | LabelMethod::DeleteLabelValues
        ) {
            continue;
        }
        let Some(def) = u.def.map(|r| ctx.tree.def(r)) else {
            continue;
        };
        let Some(list_of) = def.labels.as_ref().filter(|_| def.vector) else {
            continue;
        };
        let Some(names) = &list_of.names else {
            continue;
        };
        let (want, got) = (names.len(), args.len());
        if want == got {
            continue;
        }
        let shown = match declared(def) {
            Some(l) if !l.is_empty() => format!(" ({})", list(l.iter().map(|(n, _)| *n))),
            _ => String::new(),
        };
        let message = format!(
            "{} declares {want} label{}{shown}; this call passes {got}",
            vector_name(def),
            plural(want)
        );
        let method = u.method.as_str();
        let help = format!(
            "pass exactly one value per declared label, in order: `{method}` {} on a count mismatch",
            consequence(u.method)
        );
        out.report(&META, u.call, message)
            .help(help)
            .related(list_of.span, "declared here");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    fn vector() -> Def {
        counter("livestream_room_joins_total")
            .labels(&["room_id", "action"])
            .stored_as("joins")
    }

    #[test]
    fn fires_on_a_different_count_in_another_package() {
        let a = || Some("a");
        let mut far = values(LabelMethod::DeleteLabelValues, &[a()]);
        far.def = Some(def_ref(0, 0));
        let uses = vec![values(LabelMethod::WithLabelValues, &[a(), a(), a()])];
        let pkgs = vec![
            Pkg::new(vec![vector()], vec![]),
            Pkg::new(vec![], vec![far]),
        ];
        let mut d = run_pkgs(check, &Default::default(), pkgs);
        d.extend(run_pkg(check, Pkg::new(vec![vector()], uses)));
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "`joins` declares 2 labels (`room_id`, `action`); this call passes 1"
        );
        assert!(help(&d[0]).ends_with("`DeleteLabelValues` deletes nothing on a count mismatch"));
        assert_eq!(d[0].related[0].message, "declared here");
        assert!(help(&d[1]).contains("`WithLabelValues` panics"));
    }

    #[test]
    fn silent_when_counts_match_unbound_variadic_or_unresolved() {
        let two = || values(LabelMethod::WithLabelValues, &[None, None]);
        let mut unbound = values(LabelMethod::WithLabelValues, &[None]);
        unbound.def = None;
        let variadic = spread(values(LabelMethod::WithLabelValues, &[None]));
        let uses = vec![two(), unbound, variadic, values(LabelMethod::With, &[None])];
        assert!(run_pkg(check, Pkg::new(vec![vector()], uses)).is_empty());
        let uses = vec![values(LabelMethod::WithLabelValues, &[None])];
        let defs = vec![vector().labels_unresolved()];
        assert!(run_pkg(check, Pkg::new(defs, uses)).is_empty());
    }
}
