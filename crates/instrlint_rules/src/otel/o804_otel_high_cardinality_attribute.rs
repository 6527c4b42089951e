use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::is_high_cardinality;
use instrlint_core::config::LabelSettings;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "O804",
    name: "otel-high-cardinality-attribute",
    group: Group::Otel,
    level: Level::Warning,
    summary:
        "measurement attribute key is the identity of an unbounded population (`user_id`, `email`)",
    since: "0.1.0",
};

const EXEMPLAR: &str = "drop it: the SDK links measurements to the active trace through exemplars";

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let lists = &ctx.settings.labels;
    let pkg = ctx.package;
    // An attribute slice or set shared by several measurements is one cause.
    let mut seen = std::collections::HashSet::new();
    for m in &pkg.otel_measurements {
        let on = m
            .measurement
            .as_ref()
            .and_then(|c| c.instrument)
            .and_then(|i| pkg.otel_instruments.get(i as usize))
            .and_then(|i| i.name.as_ref()?.value.resolved())
            .map_or_else(|| "a measurement".to_string(), |n| format!("`{}`", n.text));
        for attr in &m.attributes {
            let Some(key) = attr.key.resolved().map(|k| k.text.as_str()) else {
                continue;
            };
            let Some(normal) = high_cardinality(lists, key) else {
                continue;
            };
            if !seen.insert(attr.span) {
                continue;
            }
            let help = match normal.as_str() {
                "trace_id" | "span_id" => EXEMPLAR.to_string(),
                _ => "drop it, or map the value to a small set (tier, region, kind); keep the \
                      exact value in logs or span attributes"
                    .to_string(),
            };
            let message = format!(
                "attribute `{key}` on {on} is unbounded: every distinct value is a new series"
            );
            out.report(&META, attr.span, message).help(help);
        }
    }
}

/// L201's lists applied to an attribute key (one configuration, two APIs):
/// the key in snake_case with `.` and `-` as `_` (`user.id` is `user_id`, as
/// the Prometheus exporter writes it), or for a dotted key its last segment
/// (`url.path` is a `path`, `user.email` an `email`). Returns the listed
/// spelling, or `None` when the key is bounded or allowed.
fn high_cardinality(lists: &LabelSettings, key: &str) -> Option<String> {
    let snake = |k: &str| crate::util::names::to_snake(&k.replace(['.', '-'], "_"));
    let whole = snake(key);
    if lists.allow.contains(&whole) {
        return None;
    }
    let last = key.rsplit_once('.').map(|(_, l)| snake(l));
    [Some(whole), last]
        .into_iter()
        .flatten()
        .find(|k| is_high_cardinality(lists, k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_otel::*;
    use instrlint_core::config::Settings;

    #[test]
    fn fires_at_each_listed_key_naming_the_instrument() {
        let d = run(
            check,
            package(
                vec![counter("room.joins").stored_as("joins")],
                vec![
                    measurement(&["user_id", "action", "user.id"], Some(0)),
                    shifted(
                        measurement(&["trace_id", "sessionId", "user.email"], None),
                        1000,
                    ),
                ],
            ),
        );
        assert_eq!(d.len(), 5, "{d:?}");
        assert_eq!(
            d[0].message,
            "attribute `user_id` on `room.joins` is unbounded: every distinct value is a new series"
        );
        assert_eq!(d[0].primary, span(0, 110, 125));
        assert_eq!(d[1].primary, span(0, 150, 165));
        assert!(d[2].message.contains("on a measurement"));
        assert_eq!(d[2].help.as_deref(), Some(EXEMPLAR));
        assert!(d[3].message.contains("`sessionId`"));
        assert!(d[4].message.contains("`user.email`"));
    }

    #[test]
    fn a_shared_attribute_is_reported_once() {
        let shared = measurement(&["user_id"], None);
        let d = run(check, package(vec![], vec![shared.clone(), shared]));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn silent_on_allowed_bounded_and_unknown_keys() {
        let d = run(
            check,
            package(
                vec![],
                vec![measurement(
                    &[
                        "shard_id",
                        "viewer_id",
                        "url.path",
                        "http.route",
                        "method",
                        "id",
                        "",
                    ],
                    None,
                )],
            ),
        );
        assert!(d.is_empty());
        let mut settings = Settings::default();
        settings.labels.allow.push("user_id".into());
        let d = run_with(
            check,
            &settings,
            package(vec![], vec![measurement(&["user_id"], None)]),
        );
        assert!(d.is_empty());
    }
}
