//! `//instrlint:ignore CODE[,CODE] -- reason`, `//nolint:instrlint` and `//nolint`.
//!
//! Forms recognised (the directive must follow `//` directly, without a space,
//! as golangci-lint requires):
//!
//! - `//instrlint:ignore M105,M106 -- reason`: those codes or group letters
//!   (`M`); codes may be separated by commas and/or spaces. Without codes it
//!   covers every code. The reason follows `--`.
//! - `//nolint:instrlint` or `//nolint:errcheck,instrlint`: every code.
//! - `//nolint` and `//nolint:all`: every code (these belong to golangci-lint
//!   as much as to us; see [`SuppressionKind::Nolint`]).
//! - `//nolint:errcheck` (a list without `instrlint`) is not ours.
//!
//! Only real comments count: the scanner skips string, raw-string and rune
//! literals and `/* */` block comments in one linear pass.

use crate::config::parse_selector;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile, Span};
use std::collections::HashMap;

/// Which spelling a suppression uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SuppressionKind {
    /// `//instrlint:ignore …`
    Ignore,
    /// `//nolint:…,instrlint,…`
    NolintInstrlint,
    /// `//nolint` or `//nolint:all`. Never reported as unused: such a comment
    /// usually silences golangci-lint linters, not us.
    Nolint,
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The comment itself.
    pub span: Span,
    /// 1-based line of the comment.
    pub line: u32,
    /// The comment stands alone on its line (it then also covers the next line).
    pub standalone: bool,
    /// Codes or group letters it names; empty means every code (`//nolint`).
    pub codes: Vec<String>,
    pub reason: Option<String>,
    pub kind: SuppressionKind,
}

impl Suppression {
    /// Whether this suppression names `code` (or names no code at all).
    pub fn covers_code(&self, code: &str) -> bool {
        self.codes.is_empty()
            || self.codes.iter().any(|c| match parse_selector(c) {
                Ok(sel) => sel.matches(code),
                Err(_) => c == code,
            })
    }

    /// The lines whose findings it covers: its own and, when it stands alone,
    /// the next one.
    pub fn covers_line(&self, line: u32) -> bool {
        line == self.line || (self.standalone && line == self.line + 1)
    }

    /// Whether an unused suppression of this kind should be reported.
    pub fn reportable_when_unused(&self) -> bool {
        self.kind != SuppressionKind::Nolint
    }
}

/// Whether a text may hold a suppression comment (cheap; [`scan`] decides).
pub fn mentions_suppression(text: &str) -> bool {
    text.contains("nolint") || text.contains("instrlint:ignore")
}

/// Suppression comments of one file.
pub fn scan(file: &SourceFile) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in line_comments(&file.text) {
        let body = &file.text[c.start + 2..c.end];
        if let Some((codes, reason, kind)) = parse_directive(body) {
            out.push(Suppression {
                span: Span::new(file.id, c.start as u32, c.end as u32),
                line: c.line,
                standalone: c.standalone,
                codes,
                reason,
                kind,
            });
        }
    }
    out
}

/// A `//` comment: byte range (from `//` to the end of the line, without the
/// line terminator), 1-based line, and whether only blanks precede it.
#[derive(Debug, PartialEq, Eq)]
struct LineComment {
    start: usize,
    end: usize,
    line: u32,
    standalone: bool,
}

/// All `//` comments of Go source, skipping literals and block comments.
fn line_comments(text: &str) -> Vec<LineComment> {
    scan_comments(text).0
}

/// `//` comments, and the byte ranges of raw strings and block comments
/// (which may cross lines). One pass over the bytes; unterminated literals
/// end at the end of the line (interpreted strings, runes) or of the file
/// (raw strings, block comments).
fn scan_comments(text: &str) -> (Vec<LineComment>, Vec<(usize, usize)>) {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut long_literals = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    let mut line_start = 0usize;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                line += 1;
                i += 1;
                line_start = i;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let start = i;
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                let mut end = i;
                if end > start && b[end - 1] == b'\r' {
                    end -= 1;
                }
                let standalone = b[line_start..start]
                    .iter()
                    .all(|&c| c == b' ' || c == b'\t');
                out.push(LineComment {
                    start,
                    end,
                    line,
                    standalone,
                });
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    if b[i] == b'\n' {
                        line += 1;
                        line_start = i + 1;
                    }
                    i += 1;
                }
                i = (i + 2).min(b.len());
                long_literals.push((start, i));
            }
            b'`' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    if b[i] == b'\n' {
                        line += 1;
                        line_start = i + 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(b.len());
                long_literals.push((start, i));
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    if b[i] == b'\\' && i + 1 < b.len() && b[i + 1] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                }
                if i < b.len() && b[i] == q {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    (out, long_literals)
}

/// Text to insert into a Go file so that findings of `code` starting on
/// 1-based `line` are suppressed: `offset` is a byte offset of `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insertion {
    pub offset: usize,
    pub text: String,
}

/// Where and what to write so that `//instrlint:ignore CODE -- REASON`
/// silences `code` on 1-based `line` of `text` (the code action "ignore CODE
/// on this line"), in the first way that applies:
/// - an `//instrlint:ignore` comment already covering the line (at its end,
///   or alone on the line above) gets `,CODE` added to its codes;
/// - a line that ends in code gets the comment at its end;
/// - otherwise (the line ends in another comment, or inside a raw string or a
///   block comment) the comment goes alone on a new line above the line, or
///   above the line where the literal the line is inside starts, with that
///   line's indentation (it then covers the statement that starts there).
pub fn ignore_insertion(text: &str, line: u32, code: &str, reason: &str) -> Insertion {
    let (comments, long_literals) = scan_comments(text);
    let lines = crate::source::LineIndex::new(text);
    let line0 = (line.max(1) as usize - 1).min(lines.line_count() - 1);
    let extend = |c: &LineComment| -> Option<Insertion> {
        let body = &text[c.start + 2..c.end];
        let (codes, _, kind) = parse_directive(body)?;
        if kind != SuppressionKind::Ignore || codes.is_empty() {
            return None;
        }
        let rest = &body["instrlint:ignore".len()..];
        let codes_part = rest.find("--").map_or(rest, |i| &rest[..i]);
        Some(Insertion {
            offset: c.start + 2 + "instrlint:ignore".len() + codes_part.trim_end().len(),
            text: format!(",{code}"),
        })
    };
    let on = |l0: usize| comments.iter().filter(move |c| c.line as usize == l0 + 1);
    if let Some(i) = on(line0).find(|c| !c.standalone).and_then(extend) {
        return i;
    }
    if let Some(i) = line0
        .checked_sub(1)
        .and_then(|above| on(above).find(|c| c.standalone))
        .and_then(extend)
    {
        return i;
    }
    let inside = |offset: usize| {
        long_literals
            .iter()
            .find(|&&(start, end)| start < offset && offset < end)
            .copied()
    };
    let line_text = lines.line_text(text, line0);
    let end = lines.line_start(line0) as usize + line_text.len();
    let comment = format!("//instrlint:ignore {code} -- {reason}");
    if on(line0).next().is_none() && inside(end).is_none() {
        return Insertion {
            offset: end,
            text: format!(" {comment}"),
        };
    }
    // A new line above: above the literal the line starts inside, if any.
    let mut target = line0;
    while let Some((start, _)) = inside(lines.line_start(target) as usize) {
        target = lines.line_of(start as u32);
    }
    let start = lines.line_start(target) as usize;
    let target_text = lines.line_text(text, target);
    let indent = &target_text[..target_text.len() - target_text.trim_start().len()];
    let newline = if text[start + target_text.len()..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    Insertion {
        offset: start,
        text: format!("{indent}{comment}{newline}"),
    }
}

/// Parse the text after `//`. `None` when it is not one of our directives.
fn parse_directive(body: &str) -> Option<(Vec<String>, Option<String>, SuppressionKind)> {
    if let Some(rest) = body.strip_prefix("instrlint:ignore") {
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None; // `//instrlint:ignored`, `//instrlint:ignore:x`
        }
        let (codes_part, reason) = match rest.find("--") {
            Some(i) => (&rest[..i], non_empty(&rest[i + 2..])),
            None => (rest, None),
        };
        let codes = codes_part
            .split([',', ' ', '\t'])
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        return Some((codes, reason, SuppressionKind::Ignore));
    }
    let rest = body.strip_prefix("nolint")?;
    if rest.is_empty() || rest.starts_with([' ', '\t']) {
        return Some((Vec::new(), reason_after(rest), SuppressionKind::Nolint));
    }
    let rest = rest.strip_prefix(':')?;
    let list_end = rest.find([' ', '\t']).unwrap_or(rest.len());
    let (list, tail) = rest.split_at(list_end);
    let mut ours = None;
    for name in list.split(',') {
        if name.eq_ignore_ascii_case("all") {
            ours = Some(SuppressionKind::Nolint);
            break;
        }
        if name.eq_ignore_ascii_case("instrlint") {
            ours = Some(SuppressionKind::NolintInstrlint);
        }
    }
    ours.map(|kind| (Vec::new(), reason_after(tail), kind))
}

/// golangci-lint's explanation form: `//nolint:x // reason`.
fn reason_after(tail: &str) -> Option<String> {
    let t = tail.trim();
    non_empty(t.strip_prefix("//").unwrap_or(t))
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The result of applying suppressions.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Diagnostic>,
    /// Suppressions that silenced nothing.
    pub unused: Vec<Suppression>,
}

/// Drop the diagnostics that a suppression covers. A suppression covers a
/// finding whose primary span starts on the comment's line, on the line below
/// a standalone comment, or inside one of `scopes` (multi-line statements)
/// that starts on one of those lines. `line_of(file, offset)` gives 1-based lines.
///
/// `unused` lists, in input order, the `//instrlint:ignore` and
/// `//nolint:instrlint` comments that silenced nothing. A plain `//nolint`
/// (or `//nolint:all`) is never reported: it usually exists for golangci-lint.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    suppressions: &[Suppression],
    scopes: &[Span],
    line_of: &dyn Fn(FileId, u32) -> u32,
) -> Applied {
    // (file, covered line) → suppressions covering that line.
    let mut by_line: HashMap<(FileId, u32), Vec<usize>> = HashMap::new();
    for (i, s) in suppressions.iter().enumerate() {
        by_line.entry((s.span.file, s.line)).or_default().push(i);
        if s.standalone {
            by_line
                .entry((s.span.file, s.line + 1))
                .or_default()
                .push(i);
        }
    }
    // Only the scopes that start on a covered line matter.
    let mut scoped: HashMap<FileId, Vec<(Span, &[usize])>> = HashMap::new();
    for scope in scopes {
        let start_line = line_of(scope.file, scope.start);
        if let Some(sups) = by_line.get(&(scope.file, start_line)) {
            scoped
                .entry(scope.file)
                .or_default()
                .push((*scope, sups.as_slice()));
        }
    }

    let mut used = vec![false; suppressions.len()];
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let file = d.primary.file;
        let at = d.primary.start;
        let line = line_of(file, at);
        let on_line = by_line.get(&(file, line)).map(Vec::as_slice).unwrap_or(&[]);
        let in_scopes = scoped
            .get(&file)
            .into_iter()
            .flatten()
            .filter(|(scope, _)| scope.start <= at && at < scope.end)
            .flat_map(|(_, sups)| sups.iter());
        let mut suppressed = false;
        for &i in on_line.iter().chain(in_scopes) {
            if suppressions[i].covers_code(d.code) {
                used[i] = true;
                suppressed = true;
            }
        }
        if !suppressed {
            kept.push(d);
        }
    }
    let unused = suppressions
        .iter()
        .zip(&used)
        .filter(|(s, used)| !**used && s.reportable_when_unused())
        .map(|(s, _)| s.clone())
        .collect();
    Applied { kept, unused }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Level;
    use crate::source::LineIndex;

    /// `text` with the insertion for (`line`, `code`) applied, and whether
    /// the result's suppressions cover `code` on the line the finding is on
    /// after the edit (`needle`'s line).
    fn ignored(text: &str, line: u32, code: &str, needle: &str) -> (String, bool) {
        let ins = ignore_insertion(text, line, code, "reason");
        let mut out = text.to_string();
        out.insert_str(ins.offset, &ins.text);
        let f = file(&out);
        let at = LineIndex::new(&out).line_of(out.find(needle).expect("needle") as u32) as u32 + 1;
        let covered = scan(&f)
            .iter()
            .any(|s| s.covers_code(code) && s.covers_line(at));
        (out, covered)
    }

    #[test]
    fn ignore_goes_at_the_end_of_a_line_of_code() {
        let text = "package p\n\nvar c = f(\"http://x\")\n";
        let (out, covered) = ignored(text, 3, "M105", "http");
        assert_eq!(
            out,
            "package p\n\nvar c = f(\"http://x\") //instrlint:ignore M105 -- reason\n"
        );
        assert!(covered);
        let crlf = "package p\r\nvar c = f()\r\nvar d = 1\r\n";
        let (out, covered) = ignored(crlf, 2, "M105", "f()");
        assert_eq!(
            out,
            "package p\r\nvar c = f() //instrlint:ignore M105 -- reason\r\nvar d = 1\r\n"
        );
        assert!(covered);
    }

    #[test]
    fn ignore_extends_a_directive_that_covers_the_line() {
        let text = "var c = f() //instrlint:ignore M111 -- legacy\n";
        let (out, covered) = ignored(text, 1, "M105", "f()");
        assert_eq!(out, "var c = f() //instrlint:ignore M111,M105 -- legacy\n");
        assert!(covered);
        let text = "\t//instrlint:ignore M111\n\tvar c = f()\n";
        let (out, covered) = ignored(text, 2, "M105", "f()");
        assert_eq!(out, "\t//instrlint:ignore M111,M105\n\tvar c = f()\n");
        assert!(covered);
    }

    #[test]
    fn ignore_goes_above_a_line_ending_in_a_comment_or_a_literal() {
        let text = "func f() {\n\tc := g() // counts joins\n}\n";
        let (out, covered) = ignored(text, 2, "M105", "g()");
        assert_eq!(
            out,
            "func f() {\n\t//instrlint:ignore M105 -- reason\n\tc := g() // counts joins\n}\n"
        );
        assert!(covered);
        // A finding inside a raw string: the comment goes above the line
        // where the string starts (covering the statement starting there).
        let text = "package p\n\n  const q = `\nrate(x[5m])\n`\n";
        let ins = ignore_insertion(text, 4, "Q702", "reason");
        assert_eq!(ins.offset, text.find("  const").unwrap());
        assert_eq!(ins.text, "  //instrlint:ignore Q702 -- reason\n");
        // A line that starts a raw string ends inside it.
        let ins = ignore_insertion(text, 3, "Q702", "reason");
        assert_eq!(ins.offset, text.find("  const").unwrap());
    }

    fn file(text: &str) -> SourceFile {
        file_id(0, text)
    }

    fn file_id(id: u32, text: &str) -> SourceFile {
        SourceFile {
            id: FileId(id),
            path: format!("f{id}.go"),
            abs_path: format!("/f{id}.go").into(),
            text: text.to_string(),
            lossy: false,
            is_test: false,
        }
    }

    fn diag(code: &'static str, file: &SourceFile, needle: &str) -> Diagnostic {
        let start = file.text.find(needle).expect("needle") as u32;
        Diagnostic {
            code,
            name: "test-rule",
            level: Level::Warning,
            message: format!("{code} at {needle}"),
            primary: Span::new(file.id, start, start + needle.len() as u32),
            related: Vec::new(),
            help: None,
        }
    }

    /// Scan and apply over one or more files.
    fn run(files: &[&SourceFile], diags: Vec<Diagnostic>, scopes: &[Span]) -> Applied {
        let sups: Vec<Suppression> = files.iter().flat_map(|f| scan(f)).collect();
        let idx: Vec<(FileId, LineIndex)> = files
            .iter()
            .map(|f| (f.id, LineIndex::new(&f.text)))
            .collect();
        let line_of = |id: FileId, off: u32| {
            let (_, li) = idx.iter().find(|(i, _)| *i == id).unwrap();
            li.line_of(off) as u32 + 1
        };
        apply(diags, &sups, scopes, &line_of)
    }

    fn kept_messages(a: &Applied) -> Vec<&str> {
        a.kept.iter().map(|d| d.message.as_str()).collect()
    }

    #[test]
    fn scan_forms() {
        let f = file(concat!(
            "package p\n",
            "//instrlint:ignore M105,M106 -- legacy name\n",
            "x := 1 //instrlint:ignore M105, L -- two\n",
            "//instrlint:ignore\n",
            "//nolint:instrlint // because\n",
            "//nolint:errcheck,instrlint,gosec\n",
            "//nolint\n",
            "//nolint:errcheck\n",
            "// nolint\n",
            "// instrlint:ignore M105\n",
            "//instrlint:ignored M105\n",
            "//nolintx\n",
            "//nolint:all\n",
        ));
        let s = scan(&f);
        let summary: Vec<_> = s
            .iter()
            .map(|s| {
                (
                    s.line,
                    s.standalone,
                    s.codes.join(","),
                    s.reason.clone(),
                    s.kind,
                )
            })
            .collect();
        use SuppressionKind::*;
        assert_eq!(
            summary,
            vec![
                (
                    2,
                    true,
                    "M105,M106".into(),
                    Some("legacy name".into()),
                    Ignore
                ),
                (3, false, "M105,L".into(), Some("two".into()), Ignore),
                (4, true, "".into(), None, Ignore),
                (5, true, "".into(), Some("because".into()), NolintInstrlint),
                (6, true, "".into(), None, NolintInstrlint),
                (7, true, "".into(), None, Nolint),
                (13, true, "".into(), None, Nolint),
            ]
        );
        // The span is the comment, without the line terminator.
        let t = &f.text[s[1].span.start as usize..s[1].span.end as usize];
        assert_eq!(t, "//instrlint:ignore M105, L -- two");
    }

    #[test]
    fn crlf_and_span() {
        let f = file("package p\r\nx := 1 //nolint:instrlint\r\n");
        let s = scan(&f);
        assert_eq!(s.len(), 1);
        assert_eq!(
            &f.text[s[0].span.start as usize..s[0].span.end as usize],
            "//nolint:instrlint"
        );
        assert_eq!(s[0].line, 2);
        assert!(!s[0].standalone);
    }

    #[test]
    fn markers_inside_literals_and_block_comments_are_ignored() {
        let f = file(concat!(
            "package p\n",
            "var a = \"//nolint:instrlint\"\n",
            "var b = \"esc \\\" //instrlint:ignore M105\"\n",
            "var c = `raw\n",
            "//instrlint:ignore M105\n",
            "still raw`\n",
            "var d = '\"' //instrlint:ignore M106\n",
            "/* block\n",
            "//nolint\n",
            "*/ var e = 1\n",
            "var f = '\\'' // plain comment\n",
            "var g = \"/* not a comment\" //nolint:instrlint\n",
        ));
        let s = scan(&f);
        let got: Vec<_> = s.iter().map(|s| (s.line, s.codes.join(","))).collect();
        assert_eq!(got, vec![(7, "M106".to_string()), (12, String::new())]);
    }

    #[test]
    fn same_line_and_standalone_line_above() {
        let f = file(concat!(
            "package p\n",
            "var a = x(\"a\") //instrlint:ignore M105\n",
            "//instrlint:ignore M105 -- reason\n",
            "var b = x(\"b\")\n",
            "var c = x(\"c\")\n",
        ));
        let a = run(
            &[&f],
            vec![
                diag("M105", &f, "\"a\""),
                diag("M105", &f, "\"b\""),
                diag("M105", &f, "\"c\""),
            ],
            &[],
        );
        assert_eq!(kept_messages(&a), ["M105 at \"c\""]);
        assert!(a.unused.is_empty());
    }

    #[test]
    fn trailing_comment_does_not_cover_next_line() {
        let f = file(concat!(
            "package p\n",
            "var a = x(\"a\") //instrlint:ignore M105\n",
            "var b = x(\"b\")\n",
        ));
        let a = run(&[&f], vec![diag("M105", &f, "\"b\"")], &[]);
        assert_eq!(kept_messages(&a), ["M105 at \"b\""]);
        assert_eq!(a.unused.len(), 1);
        assert_eq!(a.unused[0].line, 2);
    }

    #[test]
    fn codes_and_groups_must_match() {
        let f = file(concat!(
            "package p\n",
            "var a = x(\"a\") //instrlint:ignore M105\n",
            "var b = x(\"b\") //instrlint:ignore M\n",
            "var c = x(\"c\") //instrlint:ignore L201,M106\n",
        ));
        let a = run(
            &[&f],
            vec![
                diag("M106", &f, "\"a\""),
                diag("M106", &f, "\"b\""),
                diag("M106", &f, "\"c\""),
            ],
            &[],
        );
        assert_eq!(kept_messages(&a), ["M106 at \"a\""]);
        assert_eq!(a.unused.iter().map(|s| s.line).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn statement_scope() {
        let f = file(concat!(
            "package p\n",
            "//instrlint:ignore M105\n",
            "var reqs = promauto.NewCounter(prometheus.CounterOpts{\n",
            "\tName: \"reqs\",\n",
            "})\n",
            "var other = promauto.NewCounter(prometheus.CounterOpts{\n",
            "\tName: \"other\",\n",
            "})\n",
        ));
        let scope = |from: &str, to: &str| {
            let s = f.text.find(from).unwrap() as u32;
            let e = (f.text[s as usize..].find(to).unwrap() + to.len()) as u32 + s;
            Span::new(f.id, s, e)
        };
        let scopes = [scope("var reqs", "})"), scope("var other", "})")];
        let a = run(
            &[&f],
            vec![diag("M105", &f, "\"reqs\""), diag("M105", &f, "\"other\"")],
            &scopes,
        );
        assert_eq!(kept_messages(&a), ["M105 at \"other\""]);
        assert!(a.unused.is_empty());

        // Without the scope, the finding on line 4 is not covered.
        let a = run(&[&f], vec![diag("M105", &f, "\"reqs\"")], &[]);
        assert_eq!(a.kept.len(), 1);
        assert_eq!(a.unused.len(), 1);
    }

    #[test]
    fn nolint_forms() {
        let f = file(concat!(
            "package p\n",
            "var a = x(\"a\") //nolint:errcheck\n",
            "var b = x(\"b\") //nolint:errcheck,instrlint\n",
            "var c = x(\"c\") //nolint\n",
            "var d = x(\"d\") // nolint\n",
        ));
        let a = run(
            &[&f],
            vec![
                diag("M105", &f, "\"a\""),
                diag("L201", &f, "\"b\""),
                diag("Q701", &f, "\"c\""),
                diag("M105", &f, "\"d\""),
            ],
            &[],
        );
        assert_eq!(kept_messages(&a), ["M105 at \"a\"", "M105 at \"d\""]);
    }

    #[test]
    fn unused_reporting() {
        let f = file(concat!(
            "package p\n",
            "//instrlint:ignore M105 -- unused\n",
            "var a = 1\n",
            "var b = 1 //nolint:instrlint\n",
            "var c = 1 //nolint\n",
            "var d = 1 //nolint:all\n",
            "var e = x(\"e\") //instrlint:ignore M105\n",
        ));
        let a = run(&[&f], vec![diag("M105", &f, "\"e\"")], &[]);
        assert!(a.kept.is_empty());
        let unused: Vec<_> = a.unused.iter().map(|s| (s.line, s.kind)).collect();
        assert_eq!(
            unused,
            [
                (2, SuppressionKind::Ignore),
                (4, SuppressionKind::NolintInstrlint)
            ]
        );
    }

    #[test]
    fn files_do_not_interact() {
        let f0 = file_id(0, "package p\nvar a = x(\"a\") //instrlint:ignore M105\n");
        let f1 = file_id(1, "package p\nvar a = x(\"a\")\n");
        let a = run(&[&f0, &f1], vec![diag("M105", &f1, "\"a\"")], &[]);
        assert_eq!(a.kept.len(), 1);
        assert_eq!(a.kept[0].primary.file, FileId(1));
        assert_eq!(a.unused.len(), 1);
        assert_eq!(a.unused[0].span.file, FileId(0));
    }

    #[test]
    fn scan_is_linear_on_pathological_input() {
        // Many unterminated quotes and comment openers: must stay fast.
        let text = format!("package p\n{}", "\"/*`'\\".repeat(200_000));
        let start = std::time::Instant::now();
        let _ = scan(&file(&text));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn file(text: String) -> SourceFile {
        SourceFile {
            id: FileId(0),
            path: "f.go".to_string(),
            abs_path: "/f.go".into(),
            text,
            lossy: false,
            is_test: false,
        }
    }

    /// Go-ish text with comments, strings, runes and directives.
    fn goish() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("//instrlint:ignore M105 -- why\n"),
                Just("//nolint\n"),
                Just("//nolint:errcheck,instrlint\n"),
                Just("// instrlint:ignore M105\n"),
                Just("/* //nolint */"),
                Just("\"//nolint\""),
                Just("`//instrlint:ignore\n`"),
                Just("'\"'"),
                Just("'\\''"),
                Just("\\"),
                Just("x := 1"),
                Just("\n"),
                Just("\r\n"),
                Just("/*"),
                Just("*/"),
                Just("\""),
                Just("`"),
                Just("'"),
                Just("é"),
            ],
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    fn code() -> impl Strategy<Value = String> {
        prop_oneof!["[MLTRSCQO][1-9][0-9]{2}", "[MLTRSCQO]",]
    }

    proptest! {
        /// Scanning never panics, and every suppression lies in the file on
        /// the line its span starts on, starting with `//`.
        #[test]
        fn scan_is_total(text in goish()) {
            let f = file(text);
            let idx = crate::source::LineIndex::new(&f.text);
            for s in scan(&f) {
                let start = s.span.start as usize;
                prop_assert!(s.span.end as usize <= f.text.len());
                prop_assert!(f.text[start..].starts_with("//"));
                prop_assert_eq!(idx.line_col(&f.text, s.span.start).line, s.line);
            }
        }

        /// Arbitrary text never panics the scanner.
        #[test]
        fn scan_any_text(text in ".{0,200}") {
            let _ = scan(&file(text));
        }

        /// A directive on its own line after arbitrary code lines is found
        /// with its codes and reason, and covers its line and the next.
        #[test]
        fn directive_round_trips(
            codes in proptest::collection::vec(code(), 1..4),
            sep in prop_oneof![Just(","), Just(" "), Just(", ")],
            reason in "[a-z ]{1,20}",
            before in 0usize..5,
        ) {
            let mut text = String::from("package p\n");
            for i in 0..before {
                text.push_str(&format!("var v{i} = \"//nolint:x\" // plain\n"));
            }
            let reason = reason.trim().to_string();
            text.push_str(&format!("//instrlint:ignore {} -- {reason}\nvar x = 1\n", codes.join(sep)));
            let found = scan(&file(text));
            prop_assert_eq!(found.len(), 1, "{:?}", found);
            let s = &found[0];
            prop_assert_eq!(s.kind, SuppressionKind::Ignore);
            prop_assert_eq!(&s.codes, &codes);
            prop_assert_eq!(s.line as usize, before + 2);
            prop_assert!(s.standalone);
            prop_assert!(s.covers_line(s.line) && s.covers_line(s.line + 1));
            prop_assert!(!s.covers_line(s.line + 2));
            for c in &codes {
                prop_assert!(s.covers_code(c));
            }
            if reason.is_empty() {
                prop_assert_eq!(&s.reason, &None);
            } else {
                prop_assert_eq!(s.reason.as_deref(), Some(reason.as_str()));
            }
        }
    }
}
