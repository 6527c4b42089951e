//! Queries built at run time (`fmt.Sprintf("rate(x[%s])", window)`,
//! `"rate(" + name + "[5m])"`): the literal text with a hole for each value
//! that is not known. Each hole gets a placeholder that keeps the query
//! parseable where it sits (a duration in a range, a string in a matcher, a
//! number, a name); selectors whose metric name holds a placeholder are
//! dropped, so only names written out in full are judged.

use crate::promql_selectors::{analyze, Analysis};

/// A piece of a query template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// A value known only at run time: a `fmt` verb (`verb` is its letter)
    /// or a variable in a concatenation (`verb` is `v`).
    Hole {
        verb: char,
    },
}

/// The placeholder of a name: any selector whose metric name contains it is
/// not a name written in the source.
pub const HOLE: &str = "__instrlint_hole__";

/// The pieces of a `fmt.Sprintf` format: text, `%%` as `%`, and a hole per
/// verb (`%s`, `%-8q`, `%.2f`, `%[1]d`). `None` for a malformed verb.
pub fn format_pieces(format: &str) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            text.push('%');
            continue;
        }
        // Flags, width, precision and an argument index, then the verb.
        let verb = loop {
            match chars.next()? {
                '+' | '-' | '#' | ' ' | '0'..='9' | '.' | '*' => {}
                '[' => while chars.next()? != ']' {},
                v if v.is_ascii_alphabetic() => break v,
                _ => return None,
            }
        };
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut text)));
        }
        out.push(Piece::Hole { verb });
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Some(out)
}

/// Whether a template has holes at all.
pub fn has_holes(pieces: &[Piece]) -> bool {
    pieces.iter().any(|p| matches!(p, Piece::Hole { .. }))
}

/// The query with every hole replaced by a placeholder that fits where it
/// sits, parsed; selectors whose name holds a placeholder are dropped.
/// Returns the text parsed and the analysis; an error when it does not
/// parse, or when holes leave it no selector to judge.
pub fn analyze_template(pieces: &[Piece]) -> Result<(String, Analysis), String> {
    let text = fill(pieces);
    let mut analysis = analyze(&text)?;
    analysis.selectors.retain(|s| !s.metric.contains(HOLE));
    if has_holes(pieces) && analysis.selectors.is_empty() {
        return Err("no selector is written out".to_string());
    }
    Ok((text, analysis))
}

/// Functions whose first argument is a number (`histogram_quantile(φ, …)`).
const SCALAR_FIRST: &[&str] = &[
    "histogram_quantile",
    "quantile_over_time",
    "quantile",
    "topk",
    "bottomk",
    "limitk",
];

fn fill(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Hole { verb } => {
                let next = pieces.get(i + 1).and_then(|n| match n {
                    Piece::Text(t) => t.chars().next(),
                    Piece::Hole { .. } => Some('x'),
                });
                let placeholder = placeholder(&out, *verb, next);
                out.push_str(&placeholder);
            }
        }
    }
    out
}

/// Where the text so far leaves the next character.
#[derive(Default)]
struct Lexed {
    /// Inside a string literal opened by this quote.
    quote: Option<char>,
    /// Open `[` and `{`.
    brackets: u32,
    braces: u32,
    /// The last character outside white space, and the last identifier (or
    /// keyword) when nothing but white space follows it.
    last: Option<char>,
    word: String,
    /// The word before the last `(` still open, per open parenthesis.
    parens: Vec<String>,
}

fn lex(text: &str) -> Lexed {
    let mut l = Lexed::default();
    let mut escaped = false;
    let mut prev_ident = false;
    for c in text.chars() {
        if let Some(q) = l.quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q != '`' {
                escaped = true;
            } else if c == q {
                l.quote = None;
                l.last = Some(c);
            }
            continue;
        }
        let ident = c.is_alphanumeric() || c == '_' || c == ':';
        if ident {
            if !prev_ident {
                l.word.clear();
            }
            l.word.push(c);
        } else if !c.is_whitespace() {
            match c {
                '"' | '\'' | '`' => l.quote = Some(c),
                '[' => l.brackets += 1,
                ']' => l.brackets = l.brackets.saturating_sub(1),
                '{' => l.braces += 1,
                '}' => l.braces = l.braces.saturating_sub(1),
                '(' => l.parens.push(std::mem::take(&mut l.word)),
                ')' => {
                    l.parens.pop();
                }
                _ => {}
            }
            if c != '(' {
                l.word.clear();
            }
        }
        if !c.is_whitespace() {
            l.last = Some(c);
        }
        prev_ident = ident;
    }
    l
}

fn placeholder(before: &str, verb: char, next: Option<char>) -> String {
    let l = lex(before);
    let glued_before = before
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
    let glued_after = next.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
    let numeric = matches!(verb, 'd' | 'f' | 'F' | 'g' | 'G' | 'e' | 'E');
    if l.quote.is_some() {
        return HOLE.to_string();
    }
    if l.brackets > 0 {
        // A range or subquery duration (`[%s]`, `[%dm]`, `[%s:%s]`).
        return if numeric && glued_after { "1" } else { "1m" }.to_string();
    }
    if verb == 'q' {
        return format!("\"{HOLE}\"");
    }
    if l.braces > 0 {
        return match l.last {
            // A matcher value written without quotes in the format.
            Some('=' | '~') => format!("\"{HOLE}\""),
            // A whole matcher (`{%s}`, `{job="a",%s}`).
            Some('{' | ',') if matches!(next, Some('}' | ',') | None) => {
                format!("{HOLE}=\"{HOLE}\"")
            }
            // A label name.
            _ => HOLE.to_string(),
        };
    }
    let word_before = before
        .trim_end()
        .ends_with(|c: char| c.is_alphanumeric() || c == '_');
    if word_before && !glued_before && l.word == "offset" {
        return "1m".to_string();
    }
    let first_arg = l.last == Some('(')
        && l.parens
            .last()
            .is_some_and(|f| SCALAR_FIRST.contains(&f.as_str()));
    if (numeric || first_arg) && !glued_before && !glued_after {
        return "1".to_string();
    }
    HOLE.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(format: &str) -> String {
        fill(&format_pieces(format).unwrap())
    }

    fn metrics(format: &str) -> Vec<String> {
        let (_, a) = analyze_template(&format_pieces(format).unwrap()).unwrap();
        a.selectors.into_iter().map(|s| s.metric).collect()
    }

    #[test]
    fn verbs_are_parsed_like_fmt() {
        assert_eq!(
            format_pieces("a%sb%%c%-8.2fd%[1]q").unwrap(),
            [
                Piece::Text("a".into()),
                Piece::Hole { verb: 's' },
                Piece::Text("b%c".into()),
                Piece::Hole { verb: 'f' },
                Piece::Text("d".into()),
                Piece::Hole { verb: 'q' },
            ]
        );
        assert_eq!(format_pieces("50%"), None);
    }

    #[test]
    fn placeholders_fit_where_the_verb_sits() {
        assert_eq!(filled("rate(x[%s])"), "rate(x[1m])");
        assert_eq!(filled("rate(x[%dm])"), "rate(x[1m])");
        assert_eq!(filled("rate(x[%s:%s])"), "rate(x[1m:1m])");
        assert_eq!(
            filled("rate(x{job=%q}[5m])"),
            format!("rate(x{{job=\"{HOLE}\"}}[5m])")
        );
        assert_eq!(
            filled("rate(x{job=\"%s\"}[5m])"),
            format!("rate(x{{job=\"{HOLE}\"}}[5m])")
        );
        assert_eq!(
            filled("sum(up{%s})"),
            format!("sum(up{{{HOLE}=\"{HOLE}\"}})")
        );
        assert_eq!(
            filled("histogram_quantile(%s, x)"),
            "histogram_quantile(1, x)"
        );
        assert_eq!(filled("x > %d"), "x > 1");
        assert_eq!(filled("x offset %s"), "x offset 1m");
        assert_eq!(filled("sum by (%s) (x)"), format!("sum by ({HOLE}) (x)"));
        assert_eq!(
            filled("rate(%s_total[5m])"),
            format!("rate({HOLE}_total[5m])")
        );
        assert_eq!(
            filled("rate(x_%d_total[5m])"),
            format!("rate(x_{HOLE}_total[5m])")
        );
    }

    #[test]
    fn names_with_a_hole_are_not_judged() {
        assert_eq!(metrics("rate(room_joins[%s])"), ["room_joins"]);
        assert_eq!(
            metrics("histogram_quantile(%f, sum by (le) (rate(join_seconds{job=%q}[%s])))"),
            ["join_seconds"]
        );
        for nothing_written in [
            "rate(%s[5m])",
            "rate(%s_total[5m])",
            r#"rate({__name__="%s"}[5m])"#,
            "%s(x[5m])",
        ] {
            assert!(
                analyze_template(&format_pieces(nothing_written).unwrap()).is_err(),
                "{nothing_written}"
            );
        }
    }
}
