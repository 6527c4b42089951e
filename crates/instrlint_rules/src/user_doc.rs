//! A rule's doc as users read it (`instrlint explain`, SARIF help, editors):
//! the Markdown of `rules/<CODE>-<name>.md` without what only the test
//! harness reads. Example fences named ```` ```go bad ```` / ```` ```go good ````
//! become ```` ```go ````; `// want CODE …` markers are removed from code
//! lines, and lines holding nothing but a `// want^ CODE …` marker are
//! dropped.

/// `doc` without test markers.
pub fn user_doc(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    let mut in_go = false;
    for line in doc.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let trimmed = body.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_go && info.is_empty() {
                in_go = false;
            } else if !in_go {
                let mut words = info.split_whitespace();
                if words.next() == Some("go") {
                    in_go = true;
                    let indent = &body[..body.len() - body.trim_start().len()];
                    out.push_str(indent);
                    out.push_str("```go");
                    out.push_str(newline);
                    continue;
                }
            }
            out.push_str(line);
            continue;
        }
        if in_go {
            if trimmed.starts_with("// want") {
                continue;
            }
            if let Some(i) = marker_start(body) {
                out.push_str(body[..i].trim_end());
                out.push_str(newline);
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

/// Where a trailing `// want CODE…` marker starts on a code line.
fn marker_start(line: &str) -> Option<usize> {
    let i = line.rfind("// want")?;
    let rest = &line[i + "// want".len()..];
    let code = rest.strip_prefix(' ')?.split_whitespace().next()?;
    let is_code = code.len() == 4
        && code.as_bytes()[0].is_ascii_uppercase()
        && code[1..].bytes().all(|b| b.is_ascii_digit());
    is_code.then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RULES;

    #[test]
    fn markers_and_fence_names_go() {
        let doc = "# M105 x\n\n```go bad\nvar a = 1 // want M105 \"text\"\n\tb() // note // want M105 M107\n// want^ M105\n```\n\n```go good\nvar a = 1 // a comment\n```\n\n```toml\nx = 1 # want M105\n```\n";
        assert_eq!(
            user_doc(doc),
            "# M105 x\n\n```go\nvar a = 1\n\tb() // note\n```\n\n```go\nvar a = 1 // a comment\n```\n\n```toml\nx = 1 # want M105\n```\n"
        );
    }

    #[test]
    fn no_rule_doc_shows_a_test_marker() {
        for rule in RULES {
            let doc = user_doc(rule.doc);
            for marker in ["// want", "```go bad", "```go good"] {
                assert!(!doc.contains(marker), "{}: {marker}", rule.meta.code);
            }
            assert!(doc.contains("```go\n"), "{}", rule.meta.code);
            assert!(doc.contains("## Why is this bad?"), "{}", rule.meta.code);
        }
    }
}
