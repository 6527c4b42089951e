use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::declared;
use instrlint_core::facts::{LabelArg, LabelArgs, LabelMethod, ValueSource};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L202",
    name: "unbounded-label-value",
    group: Group::Labels,
    level: Level::Warning,
    summary: "label value comes from an unbounded source (URL path, header, error text, UUID)",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for u in &ctx.package.label_uses {
        let curries = matches!(
            u.method,
            LabelMethod::CurryWith | LabelMethod::MustCurryWith
        );
        if !(u.method.creates_series() || curries) {
            continue;
        }
        let labels = u.def.and_then(|r| declared(ctx.tree.def(r)));
        // Each argument with the label it fills, when that is known.
        let args: Vec<(&LabelArg, Option<&str>)> = match &u.args {
            LabelArgs::Values { args, .. } => {
                let names = labels.filter(|l| l.len() == args.len());
                let name = |i: usize| names.as_ref().map(|l| l[i].0);
                args.iter().enumerate().map(|(i, a)| (a, name(i))).collect()
            }
            LabelArgs::Keys { keys: Some(keys) } => keys
                .iter()
                .map(|k| (&k.value, k.key.resolved().map(|s| s.text.as_str())))
                .collect(),
            _ => continue,
        };
        for (arg, label) in args {
            let ValueSource::Unbounded { what, via } = &arg.source else {
                continue;
            };
            let message = match label {
                Some(label) => {
                    format!("label `{label}` gets `{what}`: every distinct value is a new series")
                }
                None => format!(
                    "label value `{what}` is unbounded: every distinct value is a new series"
                ),
            };
            let mut report = out.report(&META, arg.span, message).help(
                "map it to a small, fixed set first (the route pattern, a status class, an error kind)",
            );
            if let Some(via) = via {
                report = report.related(*via, "assigned here");
            }
            let _ = report;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_unbounded_values_and_keys() {
        let by_value = values(LabelMethod::WithLabelValues, &[None, None]);
        let by_value = sourced(by_value, 1, unbounded("r.URL.Path", true));
        let err = || unbounded("err.Error()", false);
        let by_key = sourced(keys(LabelMethod::With, &["route"]), 0, err());
        let deleted = sourced(keys(LabelMethod::Delete, &["route"]), 0, err());
        let def = counter("livestream_requests_total").labels(&["method", "route"]);
        let uses = vec![
            by_value,
            by_key,
            deleted,
            values(LabelMethod::WithLabelValues, &[None]),
        ];
        let d = run_pkg(check, Pkg::new(vec![def], uses));
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "label `route` gets `r.URL.Path`: every distinct value is a new series"
        );
        assert_eq!(d[0].primary, span(0, 1030, 1038));
        assert_eq!(d[0].related[0].message, "assigned here");
        assert!(d[1].message.starts_with("label `route` gets `err.Error()`"));
    }

    #[test]
    fn silent_on_bounded_values() {
        let def = counter("livestream_requests_total").labels(&["method"]);
        let uses = vec![values(LabelMethod::WithLabelValues, &[Some("method")])];
        assert!(run_pkg(check, Pkg::new(vec![def], uses)).is_empty());
    }
}
