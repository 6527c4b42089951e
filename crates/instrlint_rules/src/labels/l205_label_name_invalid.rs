use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::{all_names, site};
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

/// The problem with a name, its level and the fix.
fn problem(name: &str) -> Option<(String, Level, String)> {
    let rename = format!("rename it to `{}`", to_snake(name));
    if name.is_empty() {
        let help = "give the label a name: registration fails on an empty one";
        Some(("label name is empty".into(), Level::Error, help.into()))
    } else if name.starts_with("__") {
        let help =
            "names starting with `__` are reserved for Prometheus and rejected at registration";
        Some((
            format!("label name `{name}` starts with `__`"),
            Level::Error,
            help.into(),
        ))
    } else if let Some(c) = outside_charset(name) {
        let message = format!("label name `{name}` contains {}", describe_char(c));
        let why = "names outside `[a-zA-Z_][a-zA-Z0-9_]*` break Prometheus < 3 and most tooling";
        Some((message, Level::Warning, format!("{rename}: {why}")))
    } else {
        let problem = snake_problem(name)?;
        let message = format!("label name `{name}` is not snake_case: {problem}");
        Some((message, Level::Warning, rename))
    }
}

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        for (name, span, constant) in all_names(def) {
            let Some((message, level, help)) = problem(name) else {
                continue;
            };
            let (at, decl) = site(def, span, constant);
            let report = out.report(&META, at, message).level(level).help(help);
            if let Some(decl) = decl {
                report.related(decl, "the label is declared here");
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
        assert!(help(&d[2]).starts_with("rename it to `gift_type`"));
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
