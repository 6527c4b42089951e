use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::{declared_here, named};
use crate::util::names::name_parts;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M104",
    name: "metric-name-prefix",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "metric name has no application prefix, or not an allowed namespace",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let namespaces = &ctx.settings.namespaces;
    let min_parts = ctx.settings.min_name_parts;
    for (def, name) in named(&ctx.package.metrics) {
        let in_namespace = namespaces.is_empty()
            || namespaces
                .iter()
                .any(|ns| name.len() > ns.len() + 1 && name.starts_with(&format!("{ns}_")));
        let count = name_parts(name).len();
        let (message, help) = if !in_namespace {
            let allowed: Vec<String> = namespaces.iter().map(|ns| format!("`{ns}_`")).collect();
            (
                format!(
                    "metric name `{name}` does not start with an allowed namespace ({})",
                    allowed.join(", ")
                ),
                format!(
                    "set `Namespace: \"{}\"` or prefix the name with it",
                    namespaces[0]
                ),
            )
        } else if count < min_parts {
            let parts = if count == 1 { "part" } else { "parts" };
            (
                format!(
                    "metric name `{name}` has {count} {parts} besides its unit and type \
                     suffixes, fewer than {min_parts}"
                ),
                "prefix it with the application or library it belongs to (set `Namespace`): \
                 other programs export the bare name too"
                    .to_string(),
            )
        } else {
            continue;
        };
        let report = out.report(&META, def.name_span, message).help(help);
        declared_here(report, def, |_, _| true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use instrlint_core::config::Settings;

    #[test]
    fn counts_parts_without_the_suffixes() {
        let d = run(
            check,
            vec![
                counter("viewers_total"),
                counter("room_viewers_total"),
                histogram("handshake_seconds"),
                gauge("alertmanager_receivers"),
                gauge("seconds"),
            ],
        );
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "metric name `viewers_total` has 1 part besides its unit and type suffixes, fewer than 2"
        );
        assert!(d[1]
            .message
            .starts_with("metric name `handshake_seconds` has 1 part "));
        assert!(d[2].message.contains("has 0 parts besides"));
    }

    #[test]
    fn min_name_parts_raises_the_bar() {
        let settings = Settings {
            min_name_parts: 3,
            ..Settings::default()
        };
        let d = run_with(check, &settings, vec![counter("room_viewers_total")]);
        assert_eq!(
            d[0].message,
            "metric name `room_viewers_total` has 2 parts besides its unit and type suffixes, fewer than 3"
        );
    }

    #[test]
    fn min_name_parts_and_namespaces_come_from_settings() {
        let settings = Settings {
            min_name_parts: 2,
            namespaces: vec!["livestream".to_string(), "signaling".to_string()],
            ..Settings::default()
        };
        let defs = vec![
            counter("viewers_total"),
            counter("joined_total").parts("livestream", "room"),
            counter("signaling_offers_total"),
            counter("livestreamx_offers_total"),
        ];
        let d = run_with(check, &settings, defs);
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "metric name `viewers_total` does not start with an allowed namespace (`livestream_`, `signaling_`)"
        );
        assert!(d[1].message.contains("`livestreamx_offers_total`"));
    }

    #[test]
    fn silent_on_unresolved_names() {
        let d = run(
            check,
            vec![counter("x").unknown(), counter("x").dynamic("name")],
        );
        assert!(d.is_empty());
    }
}
