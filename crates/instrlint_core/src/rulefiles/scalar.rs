//! Offsets inside a YAML scalar's value → byte offsets in the file.
//!
//! The scanner gives only the scalar's start. The value is then aligned with
//! the source character by character: non-blank value characters are found in
//! order, skipping what YAML removes (indentation, line breaks, quotes,
//! escape backslashes); blanks in the value (a folded line break, an escaped
//! `\n`) take the position of the source text they came from. An escape that
//! changes a character (`\x41`) stops the alignment: later offsets then map
//! to the last aligned position, which is still inside the scalar.

use super::yaml::{Mark, Style};
use crate::source::LineIndex;

/// Byte offset of a scanner mark in `text`.
pub fn mark_offset(text: &str, index: &LineIndex, mark: Mark) -> usize {
    let line0 = mark.line.saturating_sub(1).min(index.line_count() - 1);
    let start = index.line_start(line0) as usize;
    let line = index.line_text(text, line0);
    start
        + line
            .char_indices()
            .nth(mark.col)
            .map_or(line.len(), |(i, _)| i)
}

/// For each byte of `value` (and one past its end), the byte offset in
/// `text` it was read from.
pub fn value_offsets(text: &str, scalar_start: usize, style: Style, value: &str) -> Vec<usize> {
    let mut cursor = content_start(text, scalar_start, style);
    let src = text.as_bytes();
    let mut aligned = true;
    let mut out = Vec::with_capacity(value.len() + 1);
    for c in value.chars() {
        let here = if !aligned {
            cursor
        } else if c.is_whitespace() {
            let at = cursor;
            match src.get(cursor) {
                Some(b'\\') if style == Style::DoubleQuoted => cursor += 2,
                Some(b) if b.is_ascii_whitespace() => cursor += 1,
                _ => {}
            }
            at
        } else {
            match find_char(text, cursor, c) {
                Some(at) => {
                    cursor = at + c.len_utf8();
                    at
                }
                None => {
                    aligned = false;
                    cursor
                }
            }
        };
        out.extend(std::iter::repeat_n(here, c.len_utf8()));
    }
    out.push(cursor.min(text.len()));
    out
}

/// Where the value's characters begin: after the opening quote; for a block
/// scalar the scanner already marks the first content line (should it mark
/// the `|`/`>` header instead, the content starts on the next line).
fn content_start(text: &str, scalar_start: usize, style: Style) -> usize {
    match style {
        Style::Plain => scalar_start,
        Style::SingleQuoted | Style::DoubleQuoted => scalar_start + 1,
        Style::Block if text[scalar_start..].starts_with(['|', '>']) => text[scalar_start..]
            .find('\n')
            .map_or(text.len(), |i| scalar_start + i + 1),
        Style::Block => scalar_start,
    }
}

/// The next `c` at or after `from`, skipping only characters YAML drops.
fn find_char(text: &str, from: usize, c: char) -> Option<usize> {
    for (i, s) in text.get(from..)?.char_indices() {
        if s == c {
            return Some(from + i);
        }
        if !(s.is_whitespace() || matches!(s, '\\' | '\'' | '"' | '#')) {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::yaml::{load_first_document, Node};
    use super::*;

    /// The source text at the mapped position of `needle` in the `expr` value.
    fn at(text: &str, needle: &str) -> (u32, u32) {
        let doc = load_first_document(text).unwrap().unwrap();
        let Some(Node::Scalar { value, style, mark }) = doc.get("expr") else {
            panic!("no expr")
        };
        let index = LineIndex::new(text);
        let start = mark_offset(text, &index, *mark);
        let offsets = value_offsets(text, start, *style, value);
        let i = value.find(needle).expect("needle in value");
        let off = offsets[i];
        assert!(text[off..].starts_with(needle), "{:?}", &text[off..]);
        let lc = index.line_col(text, off as u32);
        (lc.line, lc.column)
    }

    #[test]
    fn plain_scalar() {
        assert_eq!(at("expr: rate(x[5m])\n", "x["), (1, 12));
    }

    #[test]
    fn plain_scalar_folded_over_lines() {
        let text = "expr: sum(\n  rate(x[5m]))\n";
        assert_eq!(at(text, "rate"), (2, 3));
    }

    #[test]
    fn literal_and_folded_blocks() {
        let text = "expr: |\n  histogram_quantile(0.9,\n    rate(é_x[5m]))\n";
        assert_eq!(at(text, "histogram_quantile"), (2, 3));
        assert_eq!(at(text, "é_x"), (3, 10));
        let text = "expr: >-\n  sum(\n  rate(y[1m]))\n";
        assert_eq!(at(text, "rate"), (3, 3));
    }

    #[test]
    fn quoted_scalars_with_escapes() {
        assert_eq!(at("expr: 'a{b=''c''} + rate(z[1m])'\n", "rate"), (1, 21));
        assert_eq!(
            at("expr: \"x{a=\\\"b\\\"}\\n + rate(z[1m])\"\n", "rate"),
            (1, 23)
        );
    }
}
