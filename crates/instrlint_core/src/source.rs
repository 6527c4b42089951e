//! Source files, byte spans and byte-offset → line/column conversion.

use serde::Serialize;

/// Index of a file in the run's file table (`Vec<SourceFile>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// A half-open byte range `[start, end)` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: u32, end: u32) -> Self {
        Span { file, start, end }
    }
    pub fn len(&self) -> u32 {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One Go source file of the run. `path` is the display path: relative to the
/// working directory when the file lies under it, with `/` separators.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub id: FileId,
    pub path: String,
    pub abs_path: std::path::PathBuf,
    /// The file's text. Invalid UTF-8 sequences are replaced by U+FFFD
    /// (`from_utf8_lossy`), so spans index this text, not the raw bytes.
    pub text: String,
    /// True when the raw bytes were not valid UTF-8.
    pub lossy: bool,
    /// True for `_test.go` files.
    pub is_test: bool,
}

/// A 1-based line and column. `column` counts UTF-16 code units (SARIF's
/// default `columnKind`), `char_column` counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
    pub char_column: u32,
}

/// Byte offset → line/column lookup for one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

/// `at`, kept within `text` and moved back to the start of the character it
/// falls inside.
pub fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        LineIndex { line_starts }
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line0: usize) -> u32 {
        self.line_starts[line0]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and columns of `offset` in `text` (the text this index was built from).
    /// An offset inside a multi-byte character is moved back to the character's start.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = floor_char_boundary(text, offset as usize);
        let line0 = self.line_of(offset as u32);
        let start = self.line_starts[line0] as usize;
        let prefix = &text[start..offset];
        let column = prefix.chars().map(|c| c.len_utf16() as u32).sum::<u32>() + 1;
        let char_column = prefix.chars().count() as u32 + 1;
        LineCol {
            line: line0 as u32 + 1,
            column,
            char_column,
        }
    }

    /// The text of 0-based line `line0`, without its line terminator.
    pub fn line_text<'t>(&self, text: &'t str, line0: usize) -> &'t str {
        let start = self.line_starts[line0] as usize;
        let end = self
            .line_starts
            .get(line0 + 1)
            .map(|&e| e as usize)
            .unwrap_or(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_char_boundary_stays_inside_the_text_on_a_character() {
        let text = "aé€";
        let got: Vec<usize> = (0..9).map(|at| floor_char_boundary(text, at)).collect();
        assert_eq!(got, [0, 1, 1, 3, 3, 3, 6, 6, 6]);
        assert_eq!(floor_char_boundary("", 4), 0);
    }

    #[test]
    fn columns_count_utf16_units() {
        let text = "ab\n€x𝄞y\r\nz";
        let idx = LineIndex::new(text);
        assert_eq!(
            idx.line_col(text, 0),
            LineCol {
                line: 1,
                column: 1,
                char_column: 1
            }
        );
        let y = text.find('y').unwrap() as u32;
        // € is 1 UTF-16 unit, x is 1, 𝄞 is 2.
        assert_eq!(
            idx.line_col(text, y),
            LineCol {
                line: 2,
                column: 5,
                char_column: 4
            }
        );
        let z = text.find('z').unwrap() as u32;
        assert_eq!(idx.line_col(text, z).line, 3);
        assert_eq!(idx.line_text(text, 1), "€x𝄞y");
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    /// Text mixing ASCII, CR, LF, 2-, 3- and 4-byte characters.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('a'),
                Just(' '),
                Just('\n'),
                Just('\r'),
                Just('\t'),
                Just('é'),
                Just('€'),
                Just('𝄞'),
                Just('\u{feff}'),
                any::<char>(),
            ],
            0..200,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        /// line_col agrees with counting by hand, and converts back to the offset.
        #[test]
        fn line_col_round_trips(text in text(), pick in any::<prop::sample::Index>()) {
            let idx = LineIndex::new(&text);
            let boundaries: Vec<usize> =
                (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let offset = boundaries[pick.index(boundaries.len())];
            let lc = idx.line_col(&text, offset as u32);

            let before = &text[..offset];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let prefix = &text[line_start..offset];
            prop_assert_eq!(lc.line as usize, before.matches('\n').count() + 1);
            prop_assert_eq!(lc.column as usize, prefix.encode_utf16().count() + 1);
            prop_assert_eq!(lc.char_column as usize, prefix.chars().count() + 1);
            prop_assert_eq!(idx.line_start(lc.line as usize - 1) as usize, line_start);

            // Back: walk `column - 1` UTF-16 units from the line's start.
            let mut units = lc.column as usize - 1;
            let mut back = line_start;
            for c in text[line_start..].chars() {
                if units == 0 {
                    break;
                }
                units -= c.len_utf16();
                back += c.len_utf8();
            }
            prop_assert_eq!(back, offset);

            // Line text has no terminator and is a prefix of what follows the line start.
            let line = idx.line_text(&text, lc.line as usize - 1);
            prop_assert!(!line.contains('\n'));
            prop_assert!(!line.ends_with('\r'));
            prop_assert!(text[line_start..].starts_with(line));
            prop_assert_eq!(idx.line_count(), text.matches('\n').count() + 1);
        }

        /// Any offset (inside a character, past the end) gives a position,
        /// never before the character's start or past the text.
        #[test]
        fn any_offset_is_safe(text in text(), offset in 0u32..1000) {
            let idx = LineIndex::new(&text);
            let lc = idx.line_col(&text, offset);
            let end = idx.line_col(&text, text.len() as u32);
            prop_assert!(lc <= end);
            prop_assert!(lc.line >= 1 && lc.column >= 1 && lc.char_column <= lc.column);
        }

        /// Positions are monotonic in the offset.
        #[test]
        fn monotonic(text in text(), a in 0u32..300, b in 0u32..300) {
            let idx = LineIndex::new(&text);
            let (lo, hi) = (a.min(b), a.max(b));
            let (x, y) = (idx.line_col(&text, lo), idx.line_col(&text, hi));
            prop_assert!((x.line, x.column) <= (y.line, y.column));
        }
    }
}
