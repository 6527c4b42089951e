use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::package_index;
use crate::util::labels::{declared, is_short_lived, may_receive, site, vector_name};
use instrlint_core::facts::{DefRef, LabelUse};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L208",
    name: "series-never-deleted",
    group: Group::Labels,
    level: Level::Warning,
    summary: "a vector labelled by a short-lived entity never deletes its series",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let Some(package) = package_index(ctx) else {
        return;
    };
    let uses: Vec<&LabelUse> = ctx
        .tree
        .packages
        .iter()
        .flat_map(|p| &p.label_uses)
        .collect();
    for (index, def) in ctx.package.metrics.iter().enumerate() {
        let Some(names) = declared(def).filter(|_| def.vector) else {
            continue;
        };
        let Some((label, span)) = names
            .into_iter()
            .find(|(n, _)| is_short_lived(&ctx.settings.labels, n))
        else {
            continue;
        };
        let me = DefRef {
            package,
            index: index as u32,
        };
        let mine = |u: &&&LabelUse| u.def == Some(me);
        let Some(created) = uses.iter().filter(mine).find(|u| u.method.creates_series()) else {
            continue;
        };
        let deleted = uses
            .iter()
            .filter(|u| u.method.deletes())
            .any(|u| match u.def {
                Some(r) => r == me,
                None => may_receive(def, &u.receiver),
            });
        if deleted {
            continue;
        }
        let name = vector_name(def);
        let message = format!("{name} is labelled by `{label}` but never deletes a series");
        let help = format!(
            "call `DeleteLabelValues` or `DeletePartialMatch` on {name} when the entity ends: \
             otherwise every past `{label}` stays in memory and in every scrape"
        );
        let (at, decl) = site(def, span, false);
        let report = out.report(&META, at, message).help(help);
        let report = report.related(created.call, "series created here");
        if let Some(decl) = decl {
            report.related(decl, format!("`{label}` is declared here"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use instrlint_core::facts::LabelMethod::*;

    fn vector() -> Def {
        gauge("livestream_room_viewers")
            .labels(&["tier", "room_id"])
            .stored_as("viewers")
    }

    #[test]
    fn fires_once_without_a_deletion_in_the_tree() {
        let uses = vec![
            values(WithLabelValues, &[None, None]),
            keys(With, &["tier", "room_id"]),
        ];
        let d = run_pkg(check, Pkg::new(vec![vector()], uses));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`viewers` is labelled by `room_id` but never deletes a series"
        );
        assert_eq!(d[0].primary, span(0, 210, 218));
        assert_eq!(d[0].related[0].message, "series created here");
    }

    #[test]
    fn silent_with_a_deletion_unbound_deletion_or_no_use() {
        let create = || values(WithLabelValues, &[None, None]);
        for deletion in [
            values(DeleteLabelValues, &[None, None]),
            keys(DeletePartialMatch, &["room_id"]),
            reset(),
        ] {
            let uses = vec![create(), deletion];
            assert!(run_pkg(check, Pkg::new(vec![vector()], uses)).is_empty());
        }
        let mut unbound = reset();
        unbound.def = None;
        unbound.receiver = instrlint_core::facts::Receiver::Unknown;
        let uses = vec![create(), unbound];
        assert!(run_pkg(check, Pkg::new(vec![vector()], uses)).is_empty());
        assert!(run_pkg(check, Pkg::new(vec![vector()], vec![])).is_empty());
    }
}
