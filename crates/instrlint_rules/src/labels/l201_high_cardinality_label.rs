use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::{all_names, is_high_cardinality, site};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L201",
    name: "high-cardinality-label",
    group: Group::Labels,
    level: Level::Warning,
    summary:
        "label name is the identity of an unbounded population (`user_id`, `email`, `session_id`)",
    since: "0.1.0",
};

const EXEMPLAR: &str =
    "record it as an exemplar (`ObserveWithExemplar` / `AddWithExemplar`) instead of a label";

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let lists = &ctx.settings.labels;
    for def in &ctx.package.metrics {
        // An info metric is one series per process by design (`build_info`).
        let info = def
            .fq_name
            .resolved()
            .is_some_and(|n| n.text.ends_with("_info"));
        if info {
            continue;
        }
        let mut seen: Vec<&str> = Vec::new();
        // `ConstLabels` never: their values are fixed for the process.
        for (name, span, _) in all_names(def).into_iter().filter(|n| !n.2) {
            if seen.contains(&name) || !is_high_cardinality(lists, name) {
                continue;
            }
            seen.push(name);
            let help = match crate::util::names::to_snake(name).as_str() {
                "trace_id" | "span_id" => EXEMPLAR.to_string(),
                _ => "drop it, or map the value to a small set (tier, region, kind); keep the \
                      exact value in logs or span attributes"
                    .to_string(),
            };
            let message =
                format!("label `{name}` is unbounded: every distinct value is a new series");
            let (at, decl) = site(def, span, false);
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
    fn fires_on_identity_names() {
        let v = counter("livestream_room_joins_total")
            .labels(&["user_id", "action", "viewer_id", "user_id", "trace_id"])
            .labels_declared_elsewhere();
        let d = run(check, vec![v]);
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "label `user_id` is unbounded: every distinct value is a new series"
        );
        // The list is a variable declared elsewhere: the finding stays in the call.
        assert_eq!(d[0].primary, span(0, 198, 290));
        assert_eq!(d[0].related[0].span, span(9, 5, 13));
        assert_eq!(d[0].related[0].message, "`user_id` is declared here");
        assert_eq!(d[1].related[0].span, span(9, 45, 53));
        assert_eq!(d[1].help.as_deref(), Some(EXEMPLAR));
    }

    #[test]
    fn silent_on_bounded_names_const_labels_and_info_metrics() {
        let defs = vec![
            counter("livestream_room_joins_total").labels(&["server_id", "method", "url", "path"]),
            gauge("livestream_x_bytes")
                .const_labels(&["trace_id"])
                .at(0, 300),
            gauge("etcd_server_info").labels(&["user_id"]).at(0, 600),
        ];
        assert!(run(check, defs).is_empty());
        let mut settings = Settings::default();
        settings.labels.allow.push("user_id".into());
        let v = counter("livestream_room_joins_total").labels(&["user_id"]);
        assert!(run_with(check, &settings, vec![v]).is_empty());
        settings.labels.high_cardinality.push("*_uuid".into());
        let v = counter("livestream_room_joins_total").labels(&["device_uuid"]);
        assert_eq!(run_with(check, &settings, vec![v]).len(), 1);
    }
}
