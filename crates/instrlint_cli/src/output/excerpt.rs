//! Long lines in snippets: miette pads with `format!("{:width$}")`, which
//! panics past 65,535 columns, and a minified line is unreadable anyway. Before
//! a snippet is rendered, every line it shows that is longer than
//! [`MAX_LINE_CHARS`] is cut down to windows around the span ends on it, the
//! cut parts replaced by `…`; offsets are mapped into the shortened text and
//! back (for the header's position, which stays that of the original).

use instrlint_core::source::floor_char_boundary;

/// Lines up to this many characters are shown whole.
pub const MAX_LINE_CHARS: usize = 160;
/// Characters kept on each side of a span end on a cut line.
const MARGIN_CHARS: usize = 40;
const ELLIPSIS: &str = "…";

/// A text with some of its lines shortened.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub text: String,
    /// Kept pieces, in order: (offset in the original, offset in `text`,
    /// length). Between two pieces the original's bytes became one `…`.
    pieces: Vec<(usize, usize, usize)>,
}

impl Fitted {
    /// Where `offset` of the original lies in the shortened text (a cut
    /// offset maps to its `…`).
    pub fn map(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.0 <= offset);
        if i == 0 {
            return offset.min(self.text.len());
        }
        let (orig, new, len) = self.pieces[i - 1];
        if offset <= orig + len {
            new + (offset - orig)
        } else {
            new + len
        }
    }

    /// Where `offset` of the shortened text lies in the original (an offset
    /// inside a `…` maps to the start of what it replaced).
    pub fn unmap(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.1 <= offset);
        if i == 0 {
            return offset;
        }
        let (orig, new, len) = self.pieces[i - 1];
        orig + (offset - new).min(len)
    }
}

/// `text` with the long lines a snippet of `spans` (byte ranges) would show
/// cut down, or `None` when they are all short. A snippet shows each span's
/// lines and `context` lines around them.
pub fn fit(text: &str, spans: &[(usize, usize)], context: usize) -> Option<Fitted> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|s| *s <= offset.min(text.len())) - 1;
    let line_range = |l: usize| {
        let end = starts.get(l + 1).map_or(text.len(), |s| s - 1);
        (starts[l], end)
    };
    let mut shown: Vec<(usize, usize)> = spans
        .iter()
        .map(|&(a, b)| {
            let (first, last) = (line_of(a), line_of(b.max(a)));
            (
                first.saturating_sub(context),
                (last + context).min(starts.len() - 1),
            )
        })
        .collect();
    shown.sort();
    let mut long: Vec<usize> = Vec::new();
    for (a, b) in shown {
        for l in a..=b {
            let (s, e) = line_range(l);
            if e - s > MAX_LINE_CHARS && text[s..e].chars().nth(MAX_LINE_CHARS).is_some() {
                long.push(l);
            }
        }
    }
    long.sort_unstable();
    long.dedup();
    if long.is_empty() {
        return None;
    }
    let points: Vec<usize> = spans.iter().flat_map(|&(a, b)| [a, b]).collect();
    let mut out = Fitted {
        text: String::with_capacity(text.len().min(1 << 16)),
        pieces: Vec::new(),
    };
    let mut copied = 0;
    for l in long {
        let (s, e) = line_range(l);
        let line = &text[s..e];
        let mut keep: Vec<(usize, usize)> = points
            .iter()
            .filter(|p| (s..=e).contains(*p))
            .map(|p| window(line, p - s))
            .collect();
        if keep.is_empty() {
            keep.push(window(line, 0));
        }
        keep.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (a, b) in keep {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        push_piece(&mut out, text, copied, s);
        copied = s;
        for (a, b) in merged {
            if s + a > copied {
                out.text.push_str(ELLIPSIS);
            }
            push_piece(&mut out, text, s + a, s + b);
            copied = s + b;
        }
        if copied < e {
            out.text.push_str(ELLIPSIS);
            copied = e;
        }
    }
    push_piece(&mut out, text, copied, text.len());
    Some(out)
}

/// Copies `text[from..to]` as a kept piece (nothing if empty).
fn push_piece(out: &mut Fitted, text: &str, from: usize, to: usize) {
    if to <= from {
        return;
    }
    out.pieces.push((from, out.text.len(), to - from));
    out.text.push_str(&text[from..to]);
}

/// The byte range of `line` within [`MARGIN_CHARS`] characters of byte `at`.
fn window(line: &str, at: usize) -> (usize, usize) {
    let at = floor_char_boundary(line, at);
    let start = line[..at]
        .char_indices()
        .rev()
        .nth(MARGIN_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let end = line[at..]
        .char_indices()
        .nth(MARGIN_CHARS)
        .map_or(line.len(), |(i, _)| at + i);
    (start, end)
}

/// Context lines miette shows around a span (its default).
pub const CONTEXT_LINES: usize = 1;

/// `labels` pointed into `text` cut down by [`fit`], and the cut text; the
/// labels as they are when no line needs cutting.
pub fn fit_labels(
    text: &str,
    labels: Vec<miette::LabeledSpan>,
) -> (Vec<miette::LabeledSpan>, Option<Fitted>) {
    let spans: Vec<(usize, usize)> = labels
        .iter()
        .map(|l| (l.offset(), l.offset() + l.len()))
        .collect();
    let Some(fitted) = fit(text, &spans, CONTEXT_LINES) else {
        return (labels, None);
    };
    let labels = labels
        .into_iter()
        .map(|l| {
            let (a, b) = (fitted.map(l.offset()), fitted.map(l.offset() + l.len()));
            let span = (a, b.saturating_sub(a));
            let label = l.label().map(String::from);
            if l.primary() {
                miette::LabeledSpan::new_primary_with_span(label, span)
            } else {
                miette::LabeledSpan::new_with_span(label, span)
            }
        })
        .collect();
    (labels, Some(fitted))
}

/// A named text for miette with long lines cut ([`fit_labels`]); the header's
/// position is read from the original text, the way miette reads it.
pub struct CutSource {
    pub name: String,
    pub shown: String,
    pub original: String,
    pub fitted: Fitted,
}

impl miette::SourceCode for CutSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.shown
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        let column = if context_lines_before == 0 && context_lines_after == 0 {
            let start = self.fitted.unmap(span.offset());
            let end = self.fitted.unmap(span.offset() + span.len());
            self.original
                .as_str()
                .read_span(&(start, end - start).into(), 0, 0)?
                .column()
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_left_alone() {
        let text = "package p\n\nvar x = 1\n";
        assert!(fit(text, &[(12, 15)], 1).is_none());
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let pad = "x".repeat(65_600);
        let text = format!("package p\n\nvar s = \"{pad}\"; var c = f(\"fooBar\")\nvar y = 2\n");
        let start = text.find("\"fooBar\"").unwrap();
        let end = start + "\"fooBar\"".len();
        let f = fit(&text, &[(start, end)], 1).expect("the line is long");
        assert!(f.text.len() < 400, "{}", f.text);
        assert_eq!(f.text.lines().count(), text.lines().count());
        let (a, b) = (f.map(start), f.map(end));
        assert_eq!(&f.text[a..b], "\"fooBar\"");
        assert_eq!(f.unmap(a), start);
        assert_eq!(f.unmap(b), end);
        let line = f.text.lines().nth(2).unwrap();
        assert!(line.starts_with("…xxx"), "{line}");
        assert!(line.ends_with("var c = f(\"fooBar\")"), "{line}");
        // Lines after the cut keep their text and offsets.
        let y = text.find("var y").unwrap();
        assert_eq!(&f.text[f.map(y)..f.map(y) + 9], "var y = 2");
    }

    #[test]
    fn a_span_across_a_long_line_keeps_both_ends() {
        let text = format!("a\n{}\nb\n", "é".repeat(1000));
        let (start, end) = (2 + 100, 2 + 1900);
        let f = fit(&text, &[(start, end)], 0).unwrap();
        let middle = f.text.lines().nth(1).unwrap();
        assert!(middle.starts_with('…') && middle.ends_with('…'), "{middle}");
        assert_eq!(middle.matches('…').count(), 3, "{middle}");
        assert_eq!(f.unmap(f.map(start)), start);
        assert_eq!(f.unmap(f.map(end)), end);
        assert!(f.text.starts_with("a\n") && f.text.ends_with("\nb\n"));
    }

    proptest::proptest! {
        /// Any spans on any text: the cut text keeps every line short enough,
        /// offsets map back where they came from, and miette renders it.
        #[test]
        fn any_spans_render(
            chunks in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("x".repeat(300)),
                    proptest::strategy::Just("é€𝄞\t".repeat(90)),
                    proptest::strategy::Just("\n".to_string()),
                    proptest::strategy::Just("\r\n".to_string()),
                    proptest::strategy::Just("\r".to_string()),
                    "[a-z ]{0,20}",
                ],
                0..12,
            ),
            picks in proptest::collection::vec((0usize..100_000, 0usize..400), 1..4),
        ) {
            let text: String = chunks.concat();
            let boundary = |mut i: usize| {
                i = i.min(text.len());
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let labels: Vec<miette::LabeledSpan> = picks
                .iter()
                .enumerate()
                .map(|(k, &(at, len))| {
                    let a = boundary(at % (text.len() + 1));
                    let b = boundary(a + len);
                    let span = (a, b - a);
                    if k == 0 {
                        miette::LabeledSpan::new_primary_with_span(None, span)
                    } else {
                        miette::LabeledSpan::new_with_span(Some("here".into()), span)
                    }
                })
                .collect();
            let (mapped, fitted) = fit_labels(&text, labels.clone());
            if let Some(f) = &fitted {
                for (l, m) in labels.iter().zip(&mapped) {
                    proptest::prop_assert_eq!(f.unmap(m.offset()), l.offset());
                    proptest::prop_assert!(f.text.is_char_boundary(m.offset()));
                    proptest::prop_assert!(f.text.is_char_boundary(m.offset() + m.len()));
                }
                proptest::prop_assert_eq!(f.text.matches('\n').count(), text.matches('\n').count());
            }
            let source = match fitted {
                Some(f) => CutSource { name: "f.go".into(), shown: f.text.clone(), original: text.clone(), fitted: f },
                None => CutSource {
                    name: "f.go".into(),
                    shown: text.clone(),
                    original: text.clone(),
                    fitted: Fitted { text: text.clone(), pieces: vec![(0, 0, text.len())] },
                },
            };
            let report = miette::MietteDiagnostic::new("m").with_labels(mapped);
            let report = miette::Report::new(report).with_source_code(source);
            let mut out = String::new();
            let _ = miette::GraphicalReportHandler::new().render_report(&mut out, report.as_ref());
        }
    }
}
