use super::{lib, Lib};
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::one_line;
use crate::util::names::to_snake;
use crate::util::spelling::last_segment;
use instrlint_core::facts::{DynamicKind, DynamicPart};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "S502",
    name: "span-name-dynamic",
    group: Group::Spans,
    level: Level::Warning,
    summary: "span name is built from an ID, a URL path or a formatted value",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for start in &ctx.package.span_starts {
        // `"room." + kind` alone is not enough evidence: only ID-like parts,
        // URL paths and formatted values of those count.
        let parts: Vec<&DynamicPart> = start
            .name
            .dynamic_parts
            .iter()
            .filter(|p| p.kind != DynamicKind::Other)
            .collect();
        let Some(first) = parts.first() else {
            continue;
        };
        let texts: Vec<String> = parts
            .iter()
            .map(|p| format!("`{}`", one_line(&p.text)))
            .collect();
        let text = one_line(&first.text);
        let key = match first.kind {
            DynamicKind::UrlPath => "url.path".to_string(),
            _ => to_snake(last_segment(&first.text)),
        };
        let setter = match (first.kind, lib(start)) {
            (DynamicKind::FormattedIdLike, _) => "an attribute".to_string(),
            (_, Lib::Otel) => format!("`attribute.String(\"{key}\", {text})`"),
            (_, Lib::OpenTracing) => format!("`span.SetTag(\"{key}\", {text})`"),
            (_, Lib::OpenCensus) => format!("`trace.StringAttribute(\"{key}\", {text})`"),
        };
        out.report(
            &META,
            start.name.span,
            format!("span name is built at run time from {}", texts.join(", ")),
        )
        .help(format!(
            "keep the action in the name (`signaling.join_room`) and put the value in {setter}"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;

    #[test]
    fn fires_at_the_name_and_explains_the_split() {
        let d = run(
            check,
            starts(vec![start("x").dynamic(&[
                ("action", DynamicKind::Other),
                ("msg.RoomID", DynamicKind::IdLike),
            ])]),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "span name is built at run time from `msg.RoomID`"
        );
        assert_eq!(d[0].primary, span(0, 120, 140));
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "keep the action in the name (`signaling.join_room`) and put the value in \
                 `attribute.String(\"room_id\", msg.RoomID)`"
            )
        );
    }

    #[test]
    fn suggests_a_tag_for_opentracing_and_url_path_for_paths() {
        let d = run(
            check,
            starts(vec![start("x")
                .opentracing()
                .dynamic(&[("r.URL.Path", DynamicKind::UrlPath)])]),
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .ends_with("`span.SetTag(\"url.path\", r.URL.Path)`"));
    }

    #[test]
    fn silent_on_other_dynamic_parts_and_constant_names() {
        let d = run(
            check,
            starts(vec![
                start("x").dynamic(&[("kind", DynamicKind::Other)]),
                start("signaling.join_room"),
                start("x").unknown_name(),
            ]),
        );
        assert!(d.is_empty());
    }
}
