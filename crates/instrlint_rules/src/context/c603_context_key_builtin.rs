use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::KeyKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "C603",
    name: "context-key-builtin",
    group: Group::Context,
    level: Level::Warning,
    summary: "`context.WithValue` key of a built-in type",
    since: "0.1.0",
};

const HELP: &str = "declare an unexported key type (`type roomKey struct{}`) and use `roomKey{}`";

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for call in &ctx.package.with_values {
        let message = match &call.key {
            KeyKind::BuiltinLiteral => {
                "context key is a plain literal or untyped constant: another package can use the same key"
                    .to_string()
            }
            KeyKind::BuiltinTyped { type_name } => format!(
                "context key has built-in type `{type_name}`: another package can use the same key"
            ),
            KeyKind::Named | KeyKind::Unknown => continue,
        };
        out.report(&META, call.key_span, message).help(HELP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil_spans::*;
    use instrlint_core::facts::{CarriedValue, PackageFacts, WithValueCall};

    fn calls(calls: Vec<WithValueCall>) -> PackageFacts {
        PackageFacts {
            with_values: calls,
            ..package()
        }
    }

    #[test]
    fn fires_at_literal_and_builtin_typed_keys() {
        let typed = KeyKind::BuiltinTyped {
            type_name: "string".to_string(),
        };
        let d = run(
            check,
            calls(vec![
                with_value(100, KeyKind::BuiltinLiteral, CarriedValue::Other),
                with_value(200, typed, CarriedValue::Other),
            ]),
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].primary, span(0, 120, 130));
        assert_eq!(
            d[1].message,
            "context key has built-in type `string`: another package can use the same key"
        );
    }

    #[test]
    fn silent_on_named_and_unknown_keys() {
        let d = run(
            check,
            calls(vec![
                with_value(100, KeyKind::Named, CarriedValue::Other),
                with_value(200, KeyKind::Unknown, CarriedValue::Span),
            ]),
        );
        assert!(d.is_empty());
    }
}
