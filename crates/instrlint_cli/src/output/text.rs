//! Human-readable reports: each finding rendered by miette's graphical
//! handler with its source snippet, code, URL, help and labels.

use super::{excerpt, rule_url, Positions};
use crate::pipeline::LintOutcome;
use instrlint_core::source::floor_char_boundary;
use instrlint_core::{Diagnostic, Level, SourceFile};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, Severity,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::sync::Arc;

/// Width used when the output is not a terminal, so output is stable.
pub const PLAIN_WIDTH: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextOptions {
    pub color: bool,
    /// Writing to a terminal: the terminal's width.
    pub terminal: bool,
    /// Rule links as OSC 8 hyperlinks (the terminal supports them); else the
    /// URL is printed.
    pub hyperlinks: bool,
}

/// A file's text under its display path. miette reports the header's column
/// in bytes; this reports it in UTF-16 code units, like every other format.
struct FileSource {
    name: String,
    text: Arc<str>,
    /// When long lines were cut from `text` ([`excerpt`]): the file's own
    /// text and the mapping, for the header's column.
    original: Option<(Arc<str>, excerpt::Fitted)>,
}

impl SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        // Only the header's location query reads without context lines.
        let column = if context_lines_before == 0 && context_lines_after == 0 {
            match &self.original {
                Some((text, fitted)) => utf16_column(text, fitted.unmap(span.offset())),
                None => utf16_column(&self.text, span.offset()),
            }
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// 0-based column of `offset` in UTF-16 code units.
fn utf16_column(text: &str, offset: usize) -> usize {
    let offset = floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].encode_utf16().count()
}

/// A core diagnostic seen through miette's `Diagnostic` trait.
struct Report {
    message: String,
    code: String,
    severity: Severity,
    help: Option<String>,
    url: String,
    source: FileSource,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.url))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

pub fn severity(level: Level) -> Severity {
    match level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Note => Severity::Advice,
    }
}

/// The handler used for findings and configuration errors.
pub fn handler(opts: TextOptions) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(opts.hyperlinks);
    if opts.terminal {
        handler
    } else {
        handler.with_width(PLAIN_WIDTH)
    }
}

fn span(d: instrlint_core::Span) -> miette::SourceSpan {
    (d.start as usize, d.len() as usize).into()
}

pub fn render(outcome: &LintOutcome, opts: TextOptions) -> String {
    let handler = handler(opts);
    let positions = Positions::new(&outcome.files);
    let mut sources: Vec<Option<Arc<str>>> = vec![None; outcome.files.len()];
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let file = positions.file(d.primary);
        let text = sources[d.primary.file.0 as usize]
            .get_or_insert_with(|| Arc::from(file.text.as_str()))
            .clone();
        let report = to_report(d, file, text);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&report.message);
        }
        for r in d.related.iter().filter(|r| !inline(d, r)) {
            let (start, _) = positions.range(r.span);
            out.push_str(&format!(
                "  related: {}:{}:{}: {}\n",
                positions.file(r.span).path,
                start.line,
                start.column,
                r.message
            ));
        }
        out.push('\n');
    }
    out
}

/// A related location drawn in the primary's snippet: same file, and not
/// overlapping the primary span (a label that contains it, such as the Opts
/// variable holding the offending `Name:`, would hide its underline). The
/// others are listed after the snippet as `related: path:line:col`.
fn inline(d: &Diagnostic, r: &instrlint_core::Related) -> bool {
    let (p, s) = (d.primary, r.span);
    s.file == p.file && (s.end <= p.start || p.end <= s.start)
}

fn to_report(d: &Diagnostic, file: &SourceFile, text: Arc<str>) -> Report {
    let mut labels = vec![LabeledSpan::new_primary_with_span(None, span(d.primary))];
    labels.extend(
        d.related
            .iter()
            .filter(|r| inline(d, r))
            .map(|r| LabeledSpan::new_with_span(Some(r.message.clone()), span(r.span))),
    );
    // Long lines are cut around the spans (miette panics past 65,535 columns).
    let (labels, fitted) = excerpt::fit_labels(&text, labels);
    let (text, original) = match fitted {
        Some(f) => (Arc::from(f.text.as_str()), Some((text, f))),
        None => (text, None),
    };
    Report {
        message: d.message.clone(),
        code: format!("{} {}", d.code, d.name),
        severity: severity(d.level),
        help: d.help.clone(),
        url: rule_url(d.code, d.name),
        source: FileSource {
            name: file.path.clone(),
            text,
            original,
        },
        labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::outcome;

    const PLAIN: TextOptions = TextOptions {
        color: false,
        terminal: false,
        hyperlinks: false,
    };

    #[test]
    fn renders_snippet_code_url_help_and_labels() {
        let out = render(&outcome(), PLAIN);
        assert!(!out.contains('\u{1b}'), "no escape codes: {out}");
        assert!(out.contains("M105 counter-missing-total"), "{out}");
        assert!(out.contains("rules/M105-counter-missing-total.md"), "{out}");
        assert!(
            out.contains("counter `bad` does not end in `_total`"),
            "{out}"
        );
        assert!(out.contains("rename it to `bad_total`"), "{out}");
        assert!(out.contains("[cmd/main.go:3:22]"), "{out}");
        assert!(out.contains("resolved through this call"), "{out}");
        assert!(
            out.contains("related: cmd/other name.go:3:14: also defined here"),
            "{out}"
        );
        assert!(out.contains("README.md#tool-codes"), "{out}");
    }

    #[test]
    fn a_related_location_around_the_primary_does_not_hide_its_underline() {
        use crate::output::testutil::{file, span_of};
        use instrlint_core::Related;
        let text =
            "package room\n\nvar opts = prometheus.CounterOpts{Name: \"joins\", Help: \"h\"}\n";
        let mut o = outcome();
        o.files = vec![file(0, "room/metrics.go", text)];
        let decl = span_of(
            0,
            text,
            "opts = prometheus.CounterOpts{Name: \"joins\", Help: \"h\"}",
        );
        o.diagnostics = vec![Diagnostic {
            code: "M105",
            name: "counter-missing-total",
            level: Level::Warning,
            message: "counter `joins` does not end in `_total`".to_string(),
            primary: span_of(0, text, "\"joins\""),
            related: vec![Related {
                span: decl,
                message: "`joins` is declared here".to_string(),
            }],
            help: None,
        }];
        let out = render(&o, PLAIN);
        // The primary's underline sits under `"joins"` (column 42, 7 wide) …
        let underline = out
            .lines()
            .find(|l| l.contains('─') && !l.contains('╭') && !l.contains('╰'))
            .unwrap_or_else(|| panic!("no underline: {out}"));
        let start = underline.chars().position(|c| c == '─').unwrap();
        let width = underline.chars().filter(|c| *c == '─').count();
        let line = out.lines().find(|l| l.contains("var opts")).unwrap();
        let col = line.chars().position(|c| c == '"').unwrap();
        assert_eq!((start, width), (col, 7), "{out}");
        // … and the enclosing declaration is listed after the snippet.
        assert!(
            out.contains("  related: room/metrics.go:3:5: `joins` is declared here"),
            "{out}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let out = render(
            &outcome(),
            TextOptions {
                color: true,
                terminal: false,
                hyperlinks: false,
            },
        );
        assert!(out.contains('\u{1b}'));
    }

    #[test]
    fn the_url_is_shown_unless_the_terminal_takes_hyperlinks() {
        let url =
            "https://github.com/instrlint/instrlint/blob/main/rules/M105-counter-missing-total.md";
        let plain = render(&outcome(), PLAIN);
        assert!(plain.contains(url) && !plain.contains("(link)"), "{plain}");
        assert!(!plain.contains("\u{1b}]8;;"), "{plain}");
        let linked = render(
            &outcome(),
            TextOptions {
                hyperlinks: true,
                ..PLAIN
            },
        );
        assert!(linked.contains(&format!("\u{1b}]8;;{url}")), "{linked}");
    }
}
