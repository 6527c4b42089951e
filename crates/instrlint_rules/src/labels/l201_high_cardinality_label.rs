use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::{all_names, is_high_cardinality, site};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L201",
    name: "high-cardinality-label",
    group: Group::Labels,
    level: Level::Warning,
    summary: "label name is unbounded by nature (`user_id`, `email`, `path`, any `*_id`)",
    since: "0.1.0",
};

const EXEMPLAR: &str =
    "record it as an exemplar (`ObserveWithExemplar` / `AddWithExemplar`) instead of a label";

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let lists = &ctx.settings.labels;
    for def in &ctx.package.metrics {
        let mut seen: Vec<&str> = Vec::new();
        for (name, span, constant) in all_names(def) {
            if seen.contains(&name) || !is_high_cardinality(lists, name) {
                continue;
            }
            seen.push(name);
            let help = match crate::util::names::to_snake(name).as_str() {
                "trace_id" | "span_id" => EXEMPLAR.to_string(),
                _ if constant => "a constant label is one series per process; keep the value in \
                                  a log field or a span attribute, or drop it"
                    .to_string(),
                _ => "drop it, or map the value to a small set (tier, region, kind); keep the \
                      exact value in logs or span attributes"
                    .to_string(),
            };
            let message =
                format!("label `{name}` is unbounded: every distinct value is a new series");
            let (at, decl) = site(def, span, constant);
            let report = out.report(&META, at, message).help(help);
            if let Some(decl) = decl {
                report.related(decl, format!("`{name}` is declared here"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use instrlint_core::config::Settings;

    #[test]
    fn fires_on_listed_names_and_ids() {
        let v = counter("livestream_room_joins_total")
            .labels(&["user_id", "action", "viewer_id", "user_id"])
            .labels_declared_elsewhere();
        let d = run(
            check,
            vec![v, gauge("livestream_x_bytes").const_labels(&["trace_id"])],
        );
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "label `user_id` is unbounded: every distinct value is a new series"
        );
        // The list is a variable declared elsewhere: the finding stays in the call.
        assert_eq!(d[0].primary, span(0, 198, 290));
        assert_eq!(d[0].related[0].span, span(9, 5, 13));
        assert_eq!(d[0].related[0].message, "`user_id` is declared here");
        assert_eq!(d[1].related[0].span, span(9, 25, 33));
        assert_eq!(d[2].help.as_deref(), Some(EXEMPLAR));
    }

    #[test]
    fn silent_on_allowed_and_bounded_names() {
        let v = counter("livestream_room_joins_total").labels(&["shard_id", "method", "id"]);
        assert!(run(check, vec![v]).is_empty());
        let mut settings = Settings::default();
        settings.labels.allow.push("viewer_id".into());
        let v = counter("livestream_room_joins_total").labels(&["viewer_id"]);
        assert!(run_with(check, &settings, vec![v]).is_empty());
    }
}
