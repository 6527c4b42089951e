//! Where a Go file's top-level declarations start, found without parsing
//! (comments, strings, runes and brackets followed): a large file is parsed
//! and walked a piece at a time, each piece a run of whole declarations.
//! A cut in the wrong place gives a piece that does not parse cleanly, and
//! the caller then reads the file whole.

/// Byte offsets of the lines that start a top-level declaration: a line
/// that begins, in its first column, with `func`, `var`, `const`, `type`
/// or `import` and a character that cannot continue an identifier, outside
/// comments and strings, with no bracket open.
pub(crate) fn decl_starts(text: &str) -> Vec<usize> {
    const KEYWORDS: [&[u8]; 5] = [b"func", b"var", b"const", b"type", b"import"];
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut depth: i64 = 0;
    let mut i = 0;
    let mut line_start = true;
    while i < b.len() {
        if line_start && depth == 0 {
            let rest = &b[i..];
            let starts = KEYWORDS.iter().any(|k| {
                rest.starts_with(k)
                    && rest
                        .get(k.len())
                        .is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80))
            });
            if starts {
                out.push(i);
            }
        }
        line_start = false;
        match b[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
                i += 1;
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != quote && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if b.get(i) == Some(&quote) {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Pieces of `text` of about `target` bytes each, cut only where a
/// top-level declaration starts ([`decl_starts`]); one piece when the text
/// is no longer than twice that.
pub(crate) fn pieces(text: &str, target: usize) -> Vec<(usize, usize)> {
    if text.len() <= target.saturating_mul(2) {
        return vec![(0, text.len())];
    }
    let mut out = Vec::new();
    let mut from = 0;
    for start in decl_starts(text) {
        if start >= from + target && text.len() - start >= target / 2 {
            out.push((from, start));
            from = start;
        }
    }
    out.push((from, text.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_starts_outside_comments_strings_and_brackets() {
        let text = "package p\n\nimport \"fmt\"\n\n// func in a comment\nvar x = `\nfunc in a raw string\n`\n\
            /* block\nfunc in a block comment */\nconst (\n\tfunc_ = 1\n)\n\nfunc f() {\n\ts := \"{\"\n\t_ = '{'\n}\n\
            type T struct{}\nfuncs := 1\nvar_x\n";
        let starts: Vec<&str> = decl_starts(text)
            .into_iter()
            .map(|i| &text[i..text[i..].find('\n').map_or(text.len(), |e| i + e)])
            .collect();
        assert_eq!(
            starts,
            [
                "import \"fmt\"",
                "var x = `",
                "const (",
                "func f() {",
                "type T struct{}"
            ]
        );
    }

    #[test]
    fn pieces_cut_at_declarations() {
        let mut text = String::from("package p\n\n");
        for i in 0..100 {
            text.push_str(&format!("func f{i}() {{\n\t_ = \"}}\"\n}}\n\n"));
        }
        let pieces = pieces(&text, 400);
        assert!(pieces.len() > 3, "{pieces:?}");
        assert_eq!(pieces[0].0, 0);
        assert_eq!(pieces.last().unwrap().1, text.len());
        for w in pieces.windows(2) {
            assert_eq!(w[0].1, w[1].0);
            assert!(text[w[1].0..].starts_with("func f"));
        }
        assert_eq!(super::pieces("package p\n", 400), [(0, 10)]);
    }
}
