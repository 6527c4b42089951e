use crate::context::c601_context_background_in_request::place;
use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::one_line;
use instrlint_core::facts::{NameRole, OriginKind};
use instrlint_core::{Level, Span, Value};

pub const META: RuleMeta = RuleMeta {
    code: "M112",
    name: "metric-name-dynamic",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "metric name varies per value, iteration or request",
    since: "0.1.0",
};

const HELP: &str = "use a constant name and put the varying value in a label";

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        // A spliced value, a loop variable or request data, where written.
        if let Some((part, origin)) = def
            .name_parts
            .iter()
            .find_map(|p| p.origin.as_ref().map(|o| (p, o)))
        {
            let piece = piece(part.role);
            let text = one_line(&origin.text);
            let message = match origin.kind {
                OriginKind::Spliced => format!(
                    "metric {piece} splices `{text}` into its text: every value is a new metric family"
                ),
                OriginKind::LoopVariable => format!(
                    "metric {piece} comes from the loop variable `{text}`: every iteration defines a new metric family"
                ),
                OriginKind::RequestData => format!(
                    "metric {piece} comes from request data `{text}`: every request can define a new metric family"
                ),
            };
            // A value spliced in a local's declaration: the finding stays in
            // the definition, at the piece, with the splice as related.
            let inside = |outer: Span| {
                outer.file == origin.span.file
                    && outer.start <= origin.span.start
                    && origin.span.end <= outer.end
            };
            if inside(def.call) || def.opts.is_some_and(inside) {
                out.report(&META, origin.span, message).help(HELP);
            } else {
                out.report(&META, part.span, message)
                    .help(HELP)
                    .related(origin.span, format!("`{text}` is spliced in here"));
            }
            continue;
        }
        // Any run-time name built inside a request handler.
        let Value::Dynamic(dynamic) = &def.fq_name else {
            continue;
        };
        if !def.func.in_request_handler() {
            continue;
        }
        let role = def
            .name_parts
            .iter()
            .find(|p| matches!(&p.value, Value::Dynamic(d) if d.span == dynamic.span))
            .map_or(NameRole::Name, |p| p.role);
        let text = one_line(&dynamic.text);
        out.report(
            &META,
            dynamic.span,
            format!(
                "metric {} is built from `{text}` inside {}: every request can define a new metric family",
                piece(role),
                place(&def.func)
            ),
        )
        .help(HELP);
    }
}

fn piece(role: NameRole) -> &'static str {
    match role {
        NameRole::Namespace => "namespace",
        NameRole::Subsystem => "subsystem",
        NameRole::Name | NameRole::FqName => "name",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use instrlint_core::facts::FuncKind;

    #[test]
    fn fires_at_a_spliced_value_a_loop_variable_and_request_data() {
        let defs = vec![
            counter("x")
                .dynamic("\"app_shard_\" + shard + \"_total\"")
                .origin(OriginKind::Spliced, "shard"),
            counter("x")
                .dynamic("name")
                .origin(OriginKind::LoopVariable, "name")
                .at(0, 300),
            counter("x")
                .dynamic("r.URL.Path")
                .origin(OriginKind::RequestData, "r.URL.Path")
                .at(0, 600),
        ];
        let d = run(check, defs);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "metric name splices `shard` into its text: every value is a new metric family"
        );
        assert_eq!(d[0].primary, span(0, 122, 128));
        assert_eq!(d[0].help.as_deref(), Some(HELP));
        assert!(d[1].message.contains("the loop variable `name`"));
        assert!(d[2].message.contains("request data `r.URL.Path`"));
    }

    #[test]
    fn fires_on_a_name_built_in_a_request_handler() {
        let def = counter("x")
            .dynamic("kind")
            .func(func(FuncKind::HttpHandler, "joinRoom"));
        let d = run(check, vec![def]);
        assert_eq!(
            d[0].message,
            "metric name is built from `kind` inside HTTP handler `joinRoom`: every request can define a new metric family"
        );
    }

    #[test]
    fn silent_on_configuration_resolved_and_unknown_names() {
        // A wrapper library: the name is wholly a parameter.
        let d = run(
            check,
            vec![
                counter("x")
                    .dynamic("program")
                    .func(func(FuncKind::Other, "NewCollector")),
                counter("livestream_rooms_total"),
                counter("x").unknown(),
            ],
        );
        assert!(d.is_empty());
    }
}
