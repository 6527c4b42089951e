//! Between instrlint's model and the protocol's: file URIs and paths, byte
//! offsets and positions (in the negotiated encoding), findings and LSP
//! diagnostics.

use crate::output::rule_url;
use crate::pipeline::UNUSED_IGNORE;
use instrlint_core::config::ConfigError;
use instrlint_core::source::floor_char_boundary;
use instrlint_core::{Diagnostic, Level, LineIndex, SourceFile, Span};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Position, Range, Uri,
};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a position's `character` counts (negotiated at `initialize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Byte offset → position. An offset inside a character or past the text is
/// moved back to the character's start or the text's end.
pub fn position(text: &str, lines: &LineIndex, offset: usize, enc: Encoding) -> Position {
    let offset = floor_char_boundary(text, offset);
    let line0 = lines.line_of(offset as u32);
    let start = lines.line_start(line0) as usize;
    let prefix = &text[start..offset];
    let character = match enc {
        Encoding::Utf8 => prefix.len(),
        Encoding::Utf16 => prefix.encode_utf16().count(),
    };
    Position::new(line0 as u32, character as u32)
}

/// Position → byte offset. As the protocol says, a character past the end of
/// its line means the line's end, and a line past the last means the text's
/// end; a position inside a character means that character's start.
pub fn offset(text: &str, lines: &LineIndex, pos: Position, enc: Encoding) -> usize {
    let line0 = pos.line as usize;
    if line0 >= lines.line_count() {
        return text.len();
    }
    let start = lines.line_start(line0) as usize;
    let line = lines.line_text(text, line0);
    let wanted = pos.character as usize;
    let mut units = 0;
    for (i, c) in line.char_indices() {
        let width = match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if units + width > wanted {
            return start + i;
        }
        units += width;
    }
    start + line.len()
}

pub fn range(text: &str, lines: &LineIndex, start: usize, end: usize, enc: Encoding) -> Range {
    Range::new(
        position(text, lines, start, enc),
        position(text, lines, end.max(start), enc),
    )
}

/// The `file://` URI of an absolute path (bytes outside the unreserved set
/// and `/` percent-encoded).
pub fn uri_of(path: &Path) -> Uri {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/'); // C:/x → file:///C:/x
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).unwrap_or_else(|_| Uri::from_str("file:///").expect("a valid URI"))
}

/// The path of a `file://` URI (local host only); `None` for other schemes.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let slash = rest.find('/')?;
    let (host, path) = rest.split_at(slash);
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path)?;
    let decoded = String::from_utf8(bytes).ok()?;
    // file:///C:/x (or /c%3A/x) is C:/x on Windows.
    let is_drive = |s: &str| {
        let b = s.as_bytes();
        b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':'
    };
    if cfg!(windows) && is_drive(&decoded) {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The span's range in its file (the text the run linted).
fn span_range(span: Span, files: &[SourceFile], enc: Encoding) -> Range {
    let text = &files[span.file.0 as usize].text;
    let lines = LineIndex::new(text);
    range(text, &lines, span.start as usize, span.end as usize, enc)
}

fn severity(level: Level) -> DiagnosticSeverity {
    match level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warning => DiagnosticSeverity::WARNING,
        Level::Note => DiagnosticSeverity::INFORMATION,
    }
}

/// One finding as an LSP diagnostic: code, the rule's URL, source
/// `instrlint`, severity from the level, the help line after the message,
/// related sites (in whatever file of the package), and the `unnecessary`
/// tag on a suppression that silences nothing (I001).
pub fn diagnostic(d: &Diagnostic, files: &[SourceFile], enc: Encoding) -> lsp_types::Diagnostic {
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(
                uri_of(&files[r.span.file.0 as usize].abs_path),
                span_range(r.span, files, enc),
            ),
            message: r.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: span_range(d.primary, files, enc),
        severity: Some(severity(d.level)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: Uri::from_str(&rule_url(d.code, d.name))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("instrlint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (d.code == UNUSED_IGNORE.0).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// A configuration file that cannot be used, as a diagnostic on that file
/// (at the offending key or value when known, else at its start).
pub fn config_diagnostic(e: &ConfigError, enc: Encoding) -> lsp_types::Diagnostic {
    let text = &e.source_text;
    let lines = LineIndex::new(text);
    let range = match e.span {
        Some((start, end)) => range(text, &lines, start, end, enc),
        None => Range::default(),
    };
    let message = match &e.help {
        Some(help) => format!("invalid configuration: {}\nhelp: {help}", e.message),
        None => format!("invalid configuration: {}", e.message),
    };
    lsp_types::Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("instrlint".to_string()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_both_encodings_round_trip() {
        let text = "ab\n€x𝄞y\r\nz";
        let lines = LineIndex::new(text);
        let y = text.find('y').unwrap();
        assert_eq!(
            position(text, &lines, y, Encoding::Utf16),
            Position::new(1, 4)
        );
        assert_eq!(
            position(text, &lines, y, Encoding::Utf8),
            Position::new(1, 8)
        );
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            // Every offset but the `\n` of `\r\n` (inside the line break).
            for (i, _) in text
                .char_indices()
                .filter(|&(i, _)| !text[..i].ends_with('\r'))
            {
                let p = position(text, &lines, i, enc);
                assert_eq!(offset(text, &lines, p, enc), i, "{enc:?} {i}");
            }
        }
        // Past the line's end: the line's end (before \r\n); past the last line: the end.
        assert_eq!(
            offset(text, &lines, Position::new(1, 99), Encoding::Utf16),
            text.find('\r').unwrap()
        );
        assert_eq!(
            offset(text, &lines, Position::new(9, 0), Encoding::Utf8),
            text.len()
        );
        // Inside 𝄞 (a UTF-16 surrogate pair): its start.
        let clef = text.find('𝄞').unwrap();
        assert_eq!(
            offset(text, &lines, Position::new(1, 3), Encoding::Utf16),
            clef
        );
    }

    #[test]
    fn file_uris_and_paths() {
        let path = Path::new("/home/a b/π/x#1.go");
        let uri = uri_of(path);
        assert_eq!(uri.as_str(), "file:///home/a%20b/%CF%80/x%231.go");
        assert_eq!(path_of(&uri).as_deref(), Some(path));
        let vscode = Uri::from_str("file:///home/a%20b/x.go").unwrap();
        assert_eq!(path_of(&vscode), Some(PathBuf::from("/home/a b/x.go")));
        let localhost = Uri::from_str("file://localhost/x.go").unwrap();
        assert_eq!(path_of(&localhost), Some(PathBuf::from("/x.go")));
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(path_of(&untitled), None);
    }
}
