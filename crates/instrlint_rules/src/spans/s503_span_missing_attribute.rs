use super::{set_attribute_help, subject};
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::spelling::spells;
use instrlint_core::facts::ScopeVar;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "S503",
    name: "span-missing-attribute",
    group: Group::Spans,
    level: Level::Warning,
    summary: "span lacks an attribute it is required to carry",
    since: "0.1.0",
};

/// Zero-config: the attribute, and the variable spellings that ask for it.
const IN_SCOPE: &[(&str, &[&str])] = &[
    ("room_id", &["room_id"]),
    ("action_type", &["action_type", "action"]),
];

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let require = &ctx.settings.spans.require;
    for start in &ctx.package.span_starts {
        let keys: Option<Vec<&str>> = (start.attributes.iter())
            .map(|a| a.key.resolved().map(|k| k.text.as_str()))
            .collect();
        // A key the resolver cannot settle may be the required one: no guess.
        let Some(keys) = keys else { continue };
        let mut missing: Vec<(&str, Option<&ScopeVar>)> = Vec::new();
        if require.is_empty() {
            for (attr, spellings) in IN_SCOPE {
                let var = (start.scope_vars.iter())
                    .find(|v| spellings.iter().any(|s| spells(&v.name, s)));
                missing.extend(var.map(|v| (*attr, Some(v))));
            }
        } else {
            let name = start.name.value.resolved().map(|n| n.text.as_str());
            let path = ctx.package.path_of(start.call.file).unwrap_or_default();
            let applying = require.iter().filter(|r| r.applies(name, path));
            missing.extend(
                applying
                    .flat_map(|r| &r.attributes)
                    .map(|a| (a.as_str(), None)),
            );
        }
        for (i, &(attr, var)) in missing.iter().enumerate() {
            if keys.contains(&attr) || missing[..i].iter().any(|m| m.0 == attr) {
                continue;
            }
            let subject = subject(start);
            let Some(var) = var else {
                let message =
                    format!("{subject} has no `{attr}` attribute, required by `[[spans.require]]`");
                out.report(&META, start.call, message)
                    .help(set_attribute_help(start, attr, "…"));
                continue;
            };
            let message = format!(
                "`{}` is in scope but {subject} has no `{attr}` attribute",
                var.name
            );
            out.report(&META, start.call, message)
                .help(set_attribute_help(start, attr, &var.name))
                .related(var.span, format!("`{}` is declared here", var.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;

    #[test]
    fn fires_per_missing_attribute_and_names_the_variable() {
        let d = run(
            check,
            starts(vec![
                (start("signaling.join_room").var("ctx").var("roomID")).var("msg.Action"),
                start("x").unknown_name().opentracing().var("room_id"),
            ]),
        );
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "`roomID` is in scope but the span \"signaling.join_room\" has no `room_id` attribute"
        );
        assert_eq!(d[0].primary, span(0, 100, 160));
        assert_eq!(d[0].related[0].message, "`roomID` is declared here");
        assert!(d[1].message.starts_with("`msg.Action` is in scope"));
        assert!(d[1].message.ends_with("no `action_type` attribute"));
        assert!(d[2].message.contains("but the span has no"));
        let help = d[2].help.as_deref();
        assert_eq!(help, Some("call `span.SetTag(\"room_id\", room_id)`"));
    }

    #[test]
    fn silent_on_near_miss_names_set_attributes_and_unresolved_keys() {
        let d = run(
            check,
            starts(vec![
                start("signaling.join_room").var("rid").var("msgType"),
                (start("a").var("roomId").var("actionType"))
                    .attr("room_id")
                    .attr("action_type"),
                start("signaling.join_room").var("roomID").attr_unknown(),
                // `roomID` spells the key, but the key must be exactly `room_id`.
                start("signaling.join_room")
                    .at(0, 400)
                    .var("roomID")
                    .attr("roomID"),
            ]),
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].primary, span(0, 400, 460));
    }

    #[test]
    fn configured_requirements_replace_the_heuristic() {
        let settings = require(vec![
            requirement(&["signaling.*"], &[], &["room_id", "peer_id"]),
            requirement(&[], &["signaling/**"], &["room_id"]),
        ]);
        let d = run_with(
            check,
            &settings,
            starts(vec![
                start("signaling.join_room").attr("peer_id"),
                start("gifts.send").at(1, 0).var("roomID"),
                start("x").unknown_name().at(1, 100),
            ]),
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "the span \"signaling.join_room\" has no `room_id` attribute, required by `[[spans.require]]`"
        );
    }
}
