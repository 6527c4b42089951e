//! Cheap, parse-free scans: the package clause and the instrumentation prefilter.

use aho_corasick::AhoCorasick;
use std::sync::LazyLock;

/// Substrings that make a file worth parsing, by [`Trigger`]. Later rule
/// groups extend these lists.
///
/// Strong: an instrumentation import, or a method only client_golang's
/// vectors have (`GetMetricWith` also covers `GetMetricWithLabelValues`);
/// such a file yields facts on its own.
const STRONG: &[&str] = &[
    "client_golang/prometheus",
    "go.opentelemetry.io/otel",
    "opentracing",
    "go.opencensus.io/trace",
    "k8s.io/component-base/metrics",
    "kube-state-metrics/",
    "go-kit/kit/metrics/prometheus",
    "WithLabelValues",
    "GetMetricWith",
    "CurryWith",
    "DeleteLabelValues",
    "DeletePartialMatch",
];

/// Own: PromQL queries, which a file yields whatever it imports (the
/// Q rules judge them; `client_golang/api/prometheus` is already strong).
const OWN: &[&str] = &["histogram_quantile(", "rate(", "increase("];

/// Weak: method names common outside instrumentation. They admit files that
/// use a metric, registry, tracer or meter of another file or package
/// without importing an instrumentation library (`metrics.Errors.Add(-1)`,
/// `s.reg.Register(c)`, `s.tracer.Start(…)`, `s.meter.Int64Counter(…)`);
/// [`super::gate`] walks such a file only where that can bind.
const WEAK: &[&str] = &[
    ".Start(",
    ".StartSpan(",
    ".With(",
    ".Delete(",
    ".Reset()",
    // Registration and value operations (T301 reads `Add`).
    "Register(",
    "Unregister(",
    ".Add(",
    "64Counter(",
    "64UpDownCounter(",
    "64Histogram(",
    "64Gauge(",
    "64Observable",
];

/// Why a file is worth parsing, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trigger {
    None,
    Weak,
    /// `context.Background()`/`TODO()` calls (perhaps with weak patterns
    /// too) in a file where no function can be a request handler: only
    /// C605 (off by default) reads them, or C601 when the package declares
    /// a gRPC server whose methods the file may hold. [`super::gate`]
    /// decides.
    Request,
    /// Facts of its own (PromQL queries, context calls) that need nothing
    /// from other files to be reported.
    Own,
    Strong,
}

/// No weak or own pattern ends with the start of a strong one or lies inside
/// one, so a search that resumes after each match (and, unlike an overlapping
/// one, can skip ahead with its prefilter) misses no strong trigger.
static TRIGGER_SCAN: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(STRONG.iter().chain(OWN).chain(WEAK))
        .expect("static trigger patterns are valid")
});

/// The context facts a file importing only `"context"` can yield:
/// `Background()`/`TODO()` calls (C601 reports them only where a request
/// context exists) and `WithValue` calls (C603, C604).
static CONTEXT_CALLS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(["Background", "TODO", "WithValue"])
        .expect("static context patterns are valid")
});

/// Words without which no function of the file has a context
/// (`context.Context`, `*http.Request`, `*gin.Context`, `echo.Context`,
/// `*fiber.Ctx`, `grpc.ServerStream` or a generated `…_…Server` stream).
static REQUEST_TYPES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(["Context", "Request", "Ctx", "Server"])
        .expect("static request-type patterns are valid")
});

/// Words without which no function of the file is a request handler of its
/// own (`funcs::Shape::is_request_handler`): an HTTP handler's
/// `http.ResponseWriter` or `ServeHTTP`, the gin / echo / fiber imports,
/// gRPC's (interceptors, `grpc.ServerStream`). A generated stream
/// `Service_MethodServer` is looked for apart ([`names_generated_stream`]);
/// a unary gRPC method needs a type embedding `Unimplemented…Server`, which
/// may be declared in another file ([`declares_grpc_server`]).
static HANDLER_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "ResponseWriter",
        "ServeHTTP",
        "github.com/gin-gonic/gin",
        "github.com/labstack/echo",
        "github.com/gofiber/fiber",
        "google.golang.org/grpc",
    ])
    .expect("static handler patterns are valid")
});

/// [`classify`], with the functions of `spans.start_functions` (`util.StartTrace`)
/// as triggers of their own: a call of one starts a span.
pub fn classify_with(text: &str, start_functions: &[String]) -> Trigger {
    let found = classify(text);
    if found >= Trigger::Own {
        return found;
    }
    let calls = start_functions.iter().any(|f| {
        let func = f.rsplit('.').next().unwrap_or(f);
        text.match_indices(func)
            .any(|(i, _)| text[i + func.len()..].starts_with('('))
    });
    if calls {
        Trigger::Own
    } else {
        found
    }
}

pub fn mentions_instrumentation(text: &str) -> bool {
    classify(text) != Trigger::None
}

/// The strongest trigger the text holds.
pub fn classify(text: &str) -> Trigger {
    let mut found = Trigger::None;
    for m in TRIGGER_SCAN.find_iter(text) {
        let i = m.pattern().as_usize();
        if i < STRONG.len() {
            return Trigger::Strong;
        }
        found = found.max(if i < STRONG.len() + OWN.len() {
            Trigger::Own
        } else {
            Trigger::Weak
        });
    }
    if found < Trigger::Own {
        return found.max(context_facts(text));
    }
    found
}

/// A file that imports `"context"` but has no other trigger is parsed only
/// when it calls `WithValue` ([`Trigger::Own`]), or calls `Background`/`TODO`
/// and also mentions a request-context type: [`Trigger::Own`] where a
/// function of the file may be a request handler, else [`Trigger::Request`].
/// A `context.Background()` in code without any request context cannot be
/// reported, so it costs one more substring scan, not a parse.
fn context_facts(text: &str) -> Trigger {
    if !text.contains("\"context\"") && !text.contains("\"golang.org/x/net/context\"") {
        return Trigger::None;
    }
    let mut background = false;
    for m in CONTEXT_CALLS.find_iter(text) {
        match m.pattern().as_usize() {
            2 => return Trigger::Own,
            _ => background = true,
        }
    }
    if !background || !REQUEST_TYPES.is_match(text) {
        Trigger::None
    } else if HANDLER_WORDS.is_match(text) || names_generated_stream(text) {
        Trigger::Own
    } else {
        Trigger::Request
    }
}

/// Whether the text names a generated server stream `Service_MethodServer`
/// (`funcs::generated_stream_name`), whose methods are request handlers.
fn names_generated_stream(text: &str) -> bool {
    let is_ident = |b: u8| b == b'_' || b.is_ascii_alphanumeric();
    let bytes = text.as_bytes();
    text.match_indices("Server").any(|(i, w)| {
        let end = i + w.len();
        if bytes.get(end).is_some_and(|b| is_ident(*b)) {
            return false;
        }
        let start = bytes[..i]
            .iter()
            .rposition(|b| !is_ident(*b))
            .map_or(0, |p| p + 1);
        super::funcs::generated_stream_name(&text[start..end])
    })
}

/// Whether the text may declare a type embedding a generated
/// `Unimplemented…Server`: the exported methods of such a type, in any file
/// of its package, are gRPC request handlers.
pub fn declares_grpc_server(text: &str) -> bool {
    text.contains("Unimplemented")
}

pub fn package_clause(text: &str) -> Option<String> {
    let (start, end) = package_name_at(text)?;
    Some(text[start..end].to_string())
}

/// The byte range of the package clause's name: after a byte-order mark,
/// white space and comments, `package`, then at least one space or comment.
fn package_name_at(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = if b.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    i = skip_space_and_comments(b, i)?;
    let rest = b.get(i..)?;
    if !rest.starts_with(b"package") {
        return None;
    }
    i += "package".len();
    let after_kw = skip_space_and_comments(b, i)?;
    if after_kw == i {
        return None;
    }
    let start = after_kw;
    let len = text[start..]
        .char_indices()
        .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
        .map(|(n, _)| n)
        .unwrap_or(text.len() - start);
    let first = text[start..start + len].chars().next()?;
    if first.is_ascii_digit() {
        return None;
    }
    Some((start, start + len))
}

/// The import paths of the file's import declarations, read without
/// parsing; `None` when the text after the package clause is not a plain
/// import section (a syntax error, an escape in a path): the caller keeps
/// the text instead.
pub fn import_paths(text: &str) -> Option<Vec<String>> {
    let b = text.as_bytes();
    let (_, mut i) = package_name_at(text)?;
    let mut paths = Vec::new();
    loop {
        i = skip_separators(b, i)?;
        let Some(after) = keyword(b, i, b"import") else {
            return Some(paths);
        };
        i = skip_space_and_comments(b, after)?;
        if b.get(i) == Some(&b'(') {
            i += 1;
            loop {
                i = skip_separators(b, i)?;
                if b.get(i) == Some(&b')') {
                    i += 1;
                    break;
                }
                let (path, next) = import_spec(b, i)?;
                paths.push(path);
                i = next;
            }
        } else {
            let (path, next) = import_spec(b, i)?;
            paths.push(path);
            i = next;
        }
    }
}

/// `[name] "path"` at `i`: the path and the index after it.
fn import_spec(b: &[u8], mut i: usize) -> Option<(String, usize)> {
    if matches!(b.get(i), Some(b'.')) {
        i += 1;
    } else if b
        .get(i)
        .is_some_and(|c| *c == b'_' || c.is_ascii_alphabetic() || *c >= 0x80)
    {
        i = identifier(b, i)?;
    }
    i = skip_space_and_comments(b, i)?;
    let quote = *b.get(i)?;
    if quote != b'"' && quote != b'`' {
        return None;
    }
    let len = b[i + 1..].iter().position(|c| *c == quote || *c == b'\n')?;
    let path = &b[i + 1..i + 1 + len];
    if b[i + 1 + len] != quote || path.contains(&b'\\') {
        return None;
    }
    Some((std::str::from_utf8(path).ok()?.to_string(), i + len + 2))
}

/// White space, comments and semicolons from `i`.
fn skip_separators(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i = skip_space_and_comments(b, i)?;
        if b.get(i) != Some(&b';') {
            return Some(i);
        }
        i += 1;
    }
}

/// The index after keyword `word` at `i`, if the word ends there.
fn keyword(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    let end = i + word.len();
    let is_ident = |c: &u8| *c == b'_' || c.is_ascii_alphanumeric() || *c >= 0x80;
    (b.get(i..end)? == word && !b.get(end).is_some_and(is_ident)).then_some(end)
}

/// The index after the identifier starting at `i` (none there: `None`).
fn identifier(b: &[u8], i: usize) -> Option<usize> {
    let is_ident = |c: &u8| *c == b'_' || c.is_ascii_alphanumeric() || *c >= 0x80;
    let len = b[i..].iter().take_while(|c| is_ident(c)).count();
    (len > 0).then_some(i + len)
}

/// Index of the first byte at or after `i` that is neither white space nor in
/// a comment; `None` when a block comment is unterminated.
fn skip_space_and_comments(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = b[i + 2..].windows(2).position(|w| w == b"*/")?;
            i += 2 + end + 2;
        } else {
            return Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_after_bom_comments_and_build_tags() {
        let src = "\u{feff}//go:build linux\n// +build linux\n\n/* doc\n package nope */\npackage  room_test // x\n";
        assert_eq!(package_clause(src).as_deref(), Some("room_test"));
        assert_eq!(
            package_clause("package/* c */main\n").as_deref(),
            Some("main")
        );
        assert_eq!(package_clause("packagemain"), None);
        assert_eq!(package_clause("/* open"), None);
        assert_eq!(package_clause(""), None);
        assert_eq!(package_clause("func x() {}"), None);
    }

    #[test]
    fn import_paths_read_without_parsing() {
        let src = "// doc\npackage room // x\n\nimport \"context\"\nimport (\n\t\"fmt\"; m \"example.com/app/metrics\"\n\t// c\n\t. `net/http`\n\t_ \"embed\" /* e */\n)\nimport pb \"example.com/api/roompb\"\n\nfunc f() { _ = \"example.com/other\" }\n";
        assert_eq!(
            import_paths(src).unwrap(),
            [
                "context",
                "fmt",
                "example.com/app/metrics",
                "net/http",
                "embed",
                "example.com/api/roompb"
            ]
        );
        assert_eq!(import_paths("package p\n").unwrap(), Vec::<String>::new());
        assert_eq!(
            import_paths("package p; import \"a\"; func f() {}").unwrap(),
            ["a"]
        );
        assert_eq!(import_paths("package p\nimport (\n\t\"a\"\n"), None);
        assert_eq!(import_paths("package p\nimport \"a\\x62\""), None);
        assert_eq!(import_paths("package p\nimport 1"), None);
        assert_eq!(import_paths("func f() {}"), None);
        assert_eq!(
            import_paths("package p\nimports := 1").unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn prefilter_triggers() {
        assert!(mentions_instrumentation(
            "import \"github.com/prometheus/client_golang/prometheus/promauto\""
        ));
        // `"context"` alone yields no fact: only with the calls that make one.
        assert!(!mentions_instrumentation("import \"context\""));
        assert!(!mentions_instrumentation(
            "import \"context\"\nfunc main() { run(context.Background()) }"
        ));
        assert!(mentions_instrumentation(
            "import \"context\"\nfunc h(ctx context.Context) { run(context.Background()) }"
        ));
        assert!(mentions_instrumentation(
            "import \"context\"\nfunc main() { context.WithValue(c, k, v) }"
        ));
        assert!(mentions_instrumentation(
            "import \"golang.org/x/net/context\"\nfunc h(ctx context.Context) { run(context.TODO()) }"
        ));
        assert!(!mentions_instrumentation(
            "func h(ctx Context) { run(Background()) }"
        ));
        assert!(!mentions_instrumentation("import \"fmt\"\nfunc main() {}"));
        assert!(mentions_instrumentation(
            "func (s *S) A() { s.tracer.Start(x, \"a\") }"
        ));
        assert!(mentions_instrumentation(
            "package room\nfunc f() { metrics.Joins.WithLabelValues(id).Inc() }"
        ));
        assert!(mentions_instrumentation("m.rooms.Delete(labels)"));
        assert!(mentions_instrumentation("reg.MustRegister(c)"));
        assert!(mentions_instrumentation("metrics.Errors.Add(-1)"));
    }

    #[test]
    fn background_calls_outside_any_handler_are_request_triggers() {
        let plain =
            "import \"context\"\nfunc pull(ctx context.Context) { run(context.Background()) }";
        assert_eq!(classify(plain), Trigger::Request);
        let test = "import (\"context\"; \"net/http/httptest\")\nfunc TestX(t *testing.T) { s := httptest.NewServer(nil); run(context.TODO()) }";
        assert_eq!(classify(test), Trigger::Request);
        let handler = "import (\"context\"; \"net/http\")\nfunc h(w http.ResponseWriter, r *http.Request) { run(context.Background()) }";
        assert_eq!(classify(handler), Trigger::Own);
        let serve = "import \"context\"\nfunc (s *S) ServeHTTP(w W, r *Request) { run(context.Background()) }";
        assert_eq!(classify(serve), Trigger::Own);
        let stream = "import \"context\"\nfunc (s *S) List(r *pb.ListReq, stream pb.Room_ListViewersServer) error { return run(context.TODO()) }";
        assert_eq!(classify(stream), Trigger::Own);
        let interceptor = "import (\"context\"; \"google.golang.org/grpc\")\nfunc i(ctx context.Context) { run(context.Background()) }";
        assert_eq!(classify(interceptor), Trigger::Own);
        let gin = "import (\"context\"; \"github.com/gin-gonic/gin\")\nfunc h(c *gin.Context) { run(context.Background()) }";
        assert_eq!(classify(gin), Trigger::Own);
        // A weak pattern too: still a request trigger, which the gate walks
        // where a weak one would be walked.
        let weak = "import \"context\"\nfunc f(ctx context.Context) { s.tracer.Start(context.Background(), \"x\") }";
        assert_eq!(classify(weak), Trigger::Request);
        assert!(mentions_instrumentation(plain));
    }

    #[test]
    fn generated_stream_names() {
        assert!(names_generated_stream("s pb.Room_ListViewersServer)"));
        assert!(names_generated_stream("Room_ListViewersServer"));
        assert!(!names_generated_stream("httptest.NewServer(h)"));
        assert!(!names_generated_stream("Room_ListViewersServerX"));
        assert!(!names_generated_stream("room_listServer"));
        assert!(declares_grpc_server(
            "type S struct{ pb.UnimplementedRoomServer }"
        ));
        assert!(!declares_grpc_server("type S struct{}"));
    }

    #[test]
    fn configured_start_functions_trigger() {
        let text = "package room\nimport \"example.com/app/util\"\nfunc f() { ctx, span := util.StartTrace(ctx, \"x\") }";
        assert_eq!(classify(text), Trigger::None);
        let wanted = ["util.StartTrace".to_string()];
        assert_eq!(classify_with(text, &wanted), Trigger::Own);
        assert_eq!(classify_with("StartTraceX(1)", &wanted), Trigger::None);
    }

    #[test]
    fn no_weaker_pattern_can_hide_a_strong_one() {
        // `classify` resumes after each match: a match of a weaker pattern
        // that overlaps one of a stronger pattern would hide it.
        let stronger_than = |weaker: &[&str], stronger: &[&str]| {
            for strong in stronger {
                for other in weaker {
                    assert!(!strong.contains(other), "{other} inside {strong}");
                    for k in 1..other.len().min(strong.len()) {
                        assert!(
                            !strong.starts_with(&other[other.len() - k..]),
                            "{other} ends with the start of {strong}"
                        );
                    }
                }
            }
        };
        stronger_than(WEAK, OWN);
        stronger_than(WEAK, STRONG);
        stronger_than(OWN, STRONG);
        assert_eq!(
            classify("m.Add(1); x.GetMetricWith(l); `rate(x[1m])`"),
            Trigger::Strong
        );
    }

    #[test]
    fn trigger_strength() {
        assert_eq!(classify("x := 1"), Trigger::None);
        assert_eq!(classify("m.Delete(k); m.Add(1)"), Trigger::Weak);
        assert_eq!(classify("m.Add(1); q := `rate(x[5m])`"), Trigger::Own);
        assert_eq!(
            classify("import \"context\"\nfunc f() { context.WithValue(c, k, v); s.Add(1) }"),
            Trigger::Own
        );
        assert_eq!(
            classify("m.Add(1); metrics.Joins.WithLabelValues(id)"),
            Trigger::Strong
        );
        assert_eq!(
            classify("import \"go.opentelemetry.io/otel/trace\""),
            Trigger::Strong
        );
    }
}
