use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::{consequence, declared, list, vector_name};
use instrlint_core::facts::{LabelArgs, LabelMethod};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L204",
    name: "label-keys-mismatch",
    group: Group::Labels,
    level: Level::Error,
    summary: "`With(prometheus.Labels{…})` keys differ from the declared label names",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for u in &ctx.package.label_uses {
        let subset = match u.method {
            LabelMethod::With | LabelMethod::GetMetricWith | LabelMethod::Delete => false,
            LabelMethod::CurryWith
            | LabelMethod::MustCurryWith
            | LabelMethod::DeletePartialMatch => true,
            _ => continue,
        };
        let (LabelArgs::Keys { keys: Some(keys) }, Some(r)) = (&u.args, u.def) else {
            continue;
        };
        let def = ctx.tree.def(r);
        let (Some(names), true) = (declared(def), def.vector) else {
            continue;
        };
        let Some(given) = keys
            .iter()
            .map(|k| k.key.resolved().map(|s| s.text.as_str()))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let names: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
        let not_in = |a: &[&str], b: &[&str]| a.iter().filter(|k| !b.contains(k)).count();
        let mut wrong = Vec::new();
        if !subset && not_in(&names, &given) > 0 {
            let missing = names.iter().copied().filter(|n| !given.contains(n));
            wrong.push(format!("lacks {}", list(missing)));
        }
        if not_in(&given, &names) > 0 {
            let extra = given.iter().copied().filter(|k| !names.contains(k));
            wrong.push(format!("has undeclared {}", list(extra)));
        }
        if wrong.is_empty() {
            continue;
        }
        let message = format!(
            "{} declares labels {}; this call {}",
            vector_name(def),
            list(names.iter().copied()),
            wrong.join(" and ")
        );
        let rule = if subset {
            "a subset of the declared labels"
        } else {
            "exactly the declared labels"
        };
        let help = format!(
            "use {rule} as keys: `{}` {} otherwise",
            u.method.as_str(),
            consequence(u.method)
        );
        let list_span = def.labels.as_ref().map_or(def.call, |l| l.span);
        out.report(&META, u.call, message)
            .help(help)
            .related(list_span, "declared here");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    fn pkg(uses: Vec<instrlint_core::facts::LabelUse>) -> Pkg {
        let def = counter("livestream_room_joins_total")
            .labels(&["room_id", "action"])
            .stored_as("joins");
        Pkg::new(vec![def], uses)
    }

    #[test]
    fn fires_on_missing_and_extra_keys() {
        let uses = vec![
            keys(LabelMethod::With, &["room_id", "kind"]),
            keys(LabelMethod::MustCurryWith, &["kind"]),
        ];
        let d = run_pkg(check, pkg(uses));
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "`joins` declares labels `room_id`, `action`; this call lacks `action` and has undeclared `kind`"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("use exactly the declared labels as keys: `With` panics otherwise")
        );
        assert_eq!(
            d[1].message,
            "`joins` declares labels `room_id`, `action`; this call has undeclared `kind`"
        );
        assert_eq!(d[1].related[0].message, "declared here");
    }

    #[test]
    fn silent_on_matching_keys_and_subsets() {
        let uses = vec![
            keys(LabelMethod::Delete, &["action", "room_id"]),
            keys(LabelMethod::DeletePartialMatch, &["room_id"]),
            keys(LabelMethod::CurryWith, &[]),
        ];
        assert!(run_pkg(check, pkg(uses)).is_empty());
    }
}
