//! `// want` markers: the oracle of fixtures and doc examples.
//!
//! - `// want CODE [CODE…]` at the end of a line: one finding of each code must
//!   have its primary span start on that line.
//! - `// want^ CODE` alone on a line: the same, for the line above.
//! - `// want CODE "text"`: that finding's message must also contain `text`.

/// One expected finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// 1-based line the finding's primary span must start on.
    pub line: u32,
    pub code: String,
    /// Text the message must contain.
    pub text: Option<String>,
    /// 1-based line of the comment itself (for messages).
    pub comment_line: u32,
}

/// A malformed marker: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkerError {
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for MarkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// True for a catalog or tool code: one upper-case letter and three digits.
pub fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// All markers of a Go source text.
pub fn parse(text: &str) -> Result<Vec<Marker>, Vec<MarkerError>> {
    parse_with(text, "// want")
}

/// All markers of a YAML file (Prometheus rule files): `# want CODE`, with
/// the same forms as in Go.
pub fn parse_yaml(text: &str) -> Result<Vec<Marker>, Vec<MarkerError>> {
    parse_with(text, "# want")
}

fn parse_with(text: &str, marker: &str) -> Result<Vec<Marker>, Vec<MarkerError>> {
    let mut markers = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let Some(pos) = find_marker(line, marker) else {
            continue;
        };
        let rest = &line[pos + marker.len()..];
        let (caret, rest) = match rest.strip_prefix('^') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            // `// wanted …` is prose, not a marker.
            continue;
        }
        if caret {
            if !line[..pos].trim().is_empty() {
                errors.push(MarkerError {
                    line: line_no,
                    message: "`// want^` must stand alone on its line".into(),
                });
                continue;
            }
            if line_no == 1 {
                errors.push(MarkerError {
                    line: line_no,
                    message: "`// want^` on the first line points at nothing".into(),
                });
                continue;
            }
        }
        let target = if caret { line_no - 1 } else { line_no };
        match parse_items(rest) {
            Ok(items) if items.is_empty() => errors.push(MarkerError {
                line: line_no,
                message: "`// want` names no code".into(),
            }),
            Ok(items) => markers.extend(items.into_iter().map(|(code, text)| Marker {
                line: target,
                code,
                text,
                comment_line: line_no,
            })),
            Err(message) => errors.push(MarkerError {
                line: line_no,
                message,
            }),
        }
    }
    if errors.is_empty() {
        Ok(markers)
    } else {
        Err(errors)
    }
}

/// Byte offset of the `// want` (`marker`) comment that ends `line`, if any. A
/// `// want` inside a string literal earlier on the line is not a marker: the
/// last occurrence wins, and it must not sit inside a double-quoted string.
fn find_marker(line: &str, marker: &str) -> Option<usize> {
    let pos = line.rfind(marker)?;
    let before = &line[..pos];
    // An odd number of unescaped quotes before it means we are inside a string.
    let mut quotes = 0;
    let mut escaped = false;
    for c in before.chars() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => quotes += 1,
            _ => {}
        }
        escaped = false;
    }
    (quotes % 2 == 0).then_some(pos)
}

/// `CODE CODE "text" CODE` → [(CODE, None), (CODE, Some(text)), (CODE, None)].
fn parse_items(rest: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let mut items: Vec<(String, Option<String>)> = Vec::new();
    let mut chars = rest.trim().chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        if c == '"' {
            chars.next();
            let mut text = String::new();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            text.push(n);
                        }
                    }
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => text.push(c),
                }
            }
            if !closed {
                return Err("unterminated `\"text\"` in `// want`".into());
            }
            match items.last_mut() {
                Some((_, t @ None)) => *t = Some(text),
                Some((code, Some(_))) => {
                    return Err(format!("two message texts for {code} in `// want`"))
                }
                None => return Err("`\"text\"` before any code in `// want`".into()),
            }
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == ',' || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            if !is_code(&word) {
                return Err(format!(
                    "`{word}` is not a rule code (like M105) in `// want`"
                ));
            }
            items.push((word, None));
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(line: u32, code: &str, text: Option<&str>, comment_line: u32) -> Marker {
        Marker {
            line,
            code: code.into(),
            text: text.map(Into::into),
            comment_line,
        }
    }

    #[test]
    fn yaml_markers() {
        let src = "groups:\n  - expr: rate(x[5m]) # want Q702\n    # want^ I002\n";
        assert_eq!(
            parse_yaml(src).unwrap(),
            vec![m(2, "Q702", None, 2), m(2, "I002", None, 3)]
        );
        assert!(parse(src).unwrap().is_empty());
    }

    #[test]
    fn trailing_and_caret_markers() {
        let src = "package p\n\tName: \"x\", // want M105 M104\n`q`\n\t// want^ Q701 \"bucket\"\n";
        assert_eq!(
            parse(src).unwrap(),
            vec![
                m(2, "M105", None, 2),
                m(2, "M104", None, 2),
                m(3, "Q701", Some("bucket"), 4),
            ]
        );
    }

    #[test]
    fn text_attaches_to_the_preceding_code() {
        let src = "x // want M105 \"does not end\" M111\n";
        assert_eq!(
            parse(src).unwrap(),
            vec![m(1, "M105", Some("does not end"), 1), m(1, "M111", None, 1)]
        );
    }

    #[test]
    fn prose_and_strings_are_not_markers() {
        let src = "// wanted: nothing\ns := \"// want M105\"\n";
        assert_eq!(parse(src).unwrap(), vec![]);
    }

    #[test]
    fn malformed_markers_are_errors() {
        for src in [
            "x // want\n",
            "x // want m105\n",
            "x // want \"t\" M105\n",
            "x // want M105 \"open\n",
            "x // want^ M105\n",
            "// want^ M105\n",
        ] {
            assert!(parse(src).is_err(), "{src:?} should be rejected");
        }
    }
}
