use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::{declared, list, spelling, vector_name};
use instrlint_core::facts::LabelArgs;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L207",
    name: "label-values-swapped",
    group: Group::Labels,
    level: Level::Warning,
    summary: "label values are passed in another order than the declared label names",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for u in &ctx.package.label_uses {
        let (
            LabelArgs::Values {
                args,
                variadic: false,
            },
            Some(r),
        ) = (&u.args, u.def)
        else {
            continue;
        };
        let def = ctx.tree.def(r);
        let Some(names) = declared(def).filter(|n| n.len() == args.len() && n.len() > 1) else {
            continue;
        };
        let Some(given) = args
            .iter()
            .map(|a| a.spelling.as_deref())
            .collect::<Option<Vec<&str>>>()
        else {
            continue;
        };
        let want: Vec<String> = names.iter().map(|(n, _)| spelling(n)).collect();
        let got: Vec<String> = given.iter().map(|g| spelling(g)).collect();
        let (mut a, mut b) = (want.clone(), got.clone());
        a.sort();
        b.sort();
        a.dedup();
        if a != b || want == got {
            continue;
        }
        let order = list(names.iter().map(|(n, _)| *n));
        let message = format!(
            "values spell ({}) but {} declares ({order})",
            list(given.iter().copied()),
            vector_name(def)
        );
        let help = format!("pass them in the declared order: {order}");
        let at = def.labels.as_ref().map_or(def.call, |l| l.span);
        out.report(&META, u.call, message)
            .help(help)
            .related(at, "declared here");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use instrlint_core::facts::LabelMethod::WithLabelValues;

    fn pkg(spellings: &[Option<&str>]) -> Pkg {
        let def = counter("livestream_requests_total")
            .labels(&["method", "room_id"])
            .stored_as("requests");
        Pkg::new(vec![def], vec![values(WithLabelValues, spellings)])
    }

    #[test]
    fn fires_when_identifiers_spell_labels_in_another_order() {
        let d = run_pkg(check, pkg(&[Some("roomID"), Some("Method")]));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "values spell (`roomID`, `Method`) but `requests` declares (`method`, `room_id`)"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("pass them in the declared order: `method`, `room_id`")
        );
    }

    #[test]
    fn silent_in_order_partial_or_unnamed() {
        for args in [
            &[Some("method"), Some("roomId")][..],
            &[Some("roomID"), Some("kind")],
            &[Some("roomID"), None],
            &[Some("method"), Some("method")],
        ] {
            assert!(run_pkg(check, pkg(args)).is_empty(), "{args:?}");
        }
    }
}
