use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "S501",
    name: "span-name-generic",
    group: Group::Spans,
    level: Level::Warning,
    summary: "span name says nothing about the operation",
    since: "0.1.0",
};

const HELP: &str = "name the component and the action, like `signaling.join_room`";

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let spans = &ctx.settings.spans;
    for start in &ctx.package.span_starts {
        let Some(name) = start.name.value.resolved() else {
            continue; // Dynamic is S502's, Unknown nobody's
        };
        let name = name.text.as_str();
        let lower = name.to_lowercase();
        if spans
            .generic_names
            .iter()
            .any(|g| g.to_lowercase() == lower)
        {
            let message = if name.is_empty() {
                "span name is empty".to_string()
            } else {
                format!("span name \"{name}\" says nothing about the operation")
            };
            out.report(&META, start.name.span, message).help(HELP);
        } else if spans.name_matches_pattern(name) == Some(false) {
            let pattern = spans.name_pattern.as_deref().unwrap_or_default();
            out.report(
                &META,
                start.name.span,
                format!("span name \"{name}\" does not match `spans.name_pattern` `{pattern}`"),
            )
            .help(format!("rename it to match `{pattern}`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;
    use instrlint_core::config::Settings;
    use instrlint_core::facts::DynamicKind;

    #[test]
    fn fires_on_generic_and_empty_names_in_any_case() {
        let d = run(
            check,
            starts(vec![start("handle"), start("Process_Message"), start("")]),
        );
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "span name \"handle\" says nothing about the operation"
        );
        assert_eq!(d[0].primary, span(0, 120, 140));
        assert_eq!(d[2].message, "span name is empty");
    }

    #[test]
    fn fires_on_a_name_outside_the_pattern_once() {
        let mut settings = Settings::default();
        settings.spans.name_pattern = Some(r"^[a-z]+\.[a-z_]+$".to_string());
        let d = run_with(
            check,
            &settings,
            starts(vec![
                start("JoinRoom"),
                start("signaling.join_room"),
                start("run"),
            ]),
        );
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("does not match `spans.name_pattern`"));
        assert!(d[1].message.contains("says nothing"));
    }

    #[test]
    fn silent_on_specific_dynamic_and_unknown_names() {
        let d = run(
            check,
            starts(vec![
                start("signaling.join_room"),
                start("gifts.send").opentracing(),
                start("handle").dynamic(&[("kind", DynamicKind::Other)]),
                start("handle").unknown_name(),
            ]),
        );
        assert!(d.is_empty());
    }
}
