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
        let mut offset = (offset as usize).min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
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
