use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::all_names;
use crate::util::names::{describe_char, snake_problem, to_snake};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L205",
    name: "label-name-invalid",
    group: Group::Labels,
    level: Level::Error,
    summary: "label name is empty, reserved (`__…`), outside the classic charset or not snake_case",
    since: "0.1.0",
};

/// The first character outside `^[a-zA-Z_][a-zA-Z0-9_]*$`.
fn outside_charset(name: &str) -> Option<char> {
    name.char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || c == '_' || (i > 0 && c.is_ascii_digit())))
        .map(|(_, c)| c)
}

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        for (name, span, _) in all_names(def) {
            if name.is_empty() {
                out.report(&META, span, "label name is empty")
                    .help("give the label a name: registration fails on an empty one");
            } else if name.starts_with("__") {
                out.report(&META, span, format!("label name `{name}` starts with `__`"))
                    .help("names starting with `__` are reserved for Prometheus itself and rejected at registration");
            } else if let Some(c) = outside_charset(name) {
                let fixed = to_snake(name);
                out.report(&META, span, format!("label name `{name}` contains {}", describe_char(c)))
                    .level(Level::Warning)
                    .help(format!(
                        "rename it to `{fixed}`: names outside `[a-zA-Z_][a-zA-Z0-9_]*` break Prometheus < 3 and most tooling"
                    ));
            } else if let Some(problem) = snake_problem(name) {
                let fixed = to_snake(name);
                out.report(
                    &META,
                    span,
                    format!("label name `{name}` is not snake_case: {problem}"),
                )
                .level(Level::Warning)
                .help(format!("rename it to `{fixed}`"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn errors_and_warnings() {
        let v = counter("livestream_room_joins_total")
            .labels(&["", "__room", "gift-type", "giftType"])
            .const_labels(&["__region"]);
        let d = run(check, vec![v]);
        let levels: Vec<Level> = d.iter().map(|d| d.level).collect();
        assert_eq!(
            levels,
            [
                Level::Error,
                Level::Error,
                Level::Warning,
                Level::Warning,
                Level::Error
            ]
        );
        assert_eq!(d[2].message, "label name `gift-type` contains `-`");
        assert!(d[2]
            .help
            .as_deref()
            .unwrap()
            .starts_with("rename it to `gift_type`"));
        assert_eq!(
            d[3].message,
            "label name `giftType` is not snake_case: it has upper-case letters"
        );
        assert_eq!(d[4].primary, span(0, 250, 258));
    }

    #[test]
    fn silent_on_snake_case_names() {
        let v = counter("livestream_room_joins_total").labels(&["gift_type", "tier2", "le"]);
        assert!(run(check, vec![v]).is_empty());
    }
}
