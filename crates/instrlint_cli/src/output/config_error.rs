//! A configuration error rendered by miette: file, line, snippet, message, help.

use super::excerpt::{self, CutSource};
use instrlint_core::config::ConfigError;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;

struct Report<'a> {
    error: &'a ConfigError,
    source: Option<Source>,
    /// The error's span in `source`.
    label: Option<LabeledSpan>,
}

/// The file's text, or the text with long lines cut around the error.
enum Source {
    Whole(NamedSource<String>),
    Cut(CutSource),
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.source.is_some() {
            write!(f, "invalid configuration: {}", self.error.message)
        } else {
            write!(f, "invalid configuration: {}", self.error)
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        match self.source.as_ref()? {
            Source::Whole(s) => Some(s as &dyn SourceCode),
            Source::Cut(s) => Some(s as &dyn SourceCode),
        }
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(self.label.clone().into_iter()))
    }
}

/// The error as miette renders it, plain, ending with a newline.
pub fn render(error: &ConfigError) -> String {
    let (source, label) = match error.span {
        Some((start, end))
            if !error.source_text.is_empty() && start <= end && end <= error.source_text.len() =>
        {
            let name = error.path.display().to_string();
            let label = LabeledSpan::new_primary_with_span(None, (start, end - start));
            // Long lines are cut around the span (miette panics past 65,535 columns).
            match excerpt::fit_labels(&error.source_text, vec![label]) {
                (labels, Some(fitted)) => (
                    Some(Source::Cut(CutSource {
                        name,
                        shown: fitted.text.clone(),
                        original: error.source_text.clone(),
                        fitted,
                    })),
                    labels.into_iter().next(),
                ),
                (labels, None) => (
                    Some(Source::Whole(NamedSource::new(
                        name,
                        error.source_text.clone(),
                    ))),
                    labels.into_iter().next(),
                ),
            }
        }
        _ => (None, None),
    };
    let report = Report {
        error,
        source,
        label,
    };
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(super::text::PLAIN_WIDTH);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("error: {error}");
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_message_and_help() {
        let text = "[rules]\nselect = [\"X999\"]\n";
        let start = text.find("\"X999\"").unwrap();
        let e = ConfigError {
            path: "conf/instrlint.toml".into(),
            source_text: text.to_string(),
            span: Some((start, start + 6)),
            message: "unknown rule code `X999`".to_string(),
            help: Some("run `instrlint rules` to list the codes".to_string()),
        };
        let out = render(&e);
        assert!(out.contains("conf/instrlint.toml:2:11"), "{out}");
        assert!(out.contains("select = [\"X999\"]"), "{out}");
        assert!(out.contains("unknown rule code `X999`"), "{out}");
        assert!(out.contains("run `instrlint rules`"), "{out}");
    }

    #[test]
    fn without_span() {
        let e = ConfigError {
            path: "instrlint.toml".into(),
            source_text: String::new(),
            span: None,
            message: "cannot read: permission denied".to_string(),
            help: None,
        };
        assert!(render(&e).contains("instrlint.toml: cannot read: permission denied"));
    }
}
