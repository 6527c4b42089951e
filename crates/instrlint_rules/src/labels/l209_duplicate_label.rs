use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::{all_names, site};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L209",
    name: "duplicate-label",
    group: Group::Labels,
    level: Level::Error,
    summary: "a label name appears twice, or both as a constant and a variable label",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        let names = all_names(def);
        for (i, &(name, span, constant)) in names.iter().enumerate() {
            let Some(&(_, first, first_constant)) = names[..i].iter().find(|(n, _, _)| *n == name)
            else {
                continue;
            };
            let (message, help) = match (first_constant, constant) {
                (false, false) => (
                    format!("label `{name}` is declared twice"),
                    "declare each label once: registration fails on a duplicate",
                ),
                _ => (
                    format!("label `{name}` is both a constant and a variable label"),
                    "keep it in one place: registration fails when `ConstLabels` repeats a variable label",
                ),
            };
            // A constant label always sorts after the variable ones: point at the variable one.
            let (at, other) = if constant {
                (first, span)
            } else {
                (span, first)
            };
            let related = if constant || first_constant {
                "the constant label"
            } else {
                "first declared here"
            };
            let (at, decl) = site(def, at, false);
            let report = out.report(&META, at, message).help(help);
            let report = report.related(other, related);
            if let Some(decl) = decl {
                report.related(decl, "the repeated label is declared here");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_repeated_and_constant_labels() {
        let v = counter("livestream_gifts_sent_total")
            .labels(&["tier", "kind", "tier"])
            .const_labels(&["kind"]);
        let d = run(check, vec![v]);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "label `tier` is declared twice");
        assert_eq!(d[0].primary, span(0, 220, 228));
        assert_eq!(d[0].related[0].span, span(0, 200, 208));
        assert_eq!(
            d[1].message,
            "label `kind` is both a constant and a variable label"
        );
        assert_eq!(d[1].primary, span(0, 210, 218));
        assert_eq!(d[1].related[0].span, span(0, 250, 258));
    }

    #[test]
    fn silent_on_distinct_names() {
        let v = counter("livestream_gifts_sent_total")
            .labels(&["tier", "kind"])
            .const_labels(&["region"]);
        assert!(run(check, vec![v]).is_empty());
    }
}
