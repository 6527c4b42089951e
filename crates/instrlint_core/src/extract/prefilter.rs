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
    /// Facts of its own (PromQL queries, context calls) that need nothing
    /// from other files to be reported.
    Own,
    Strong,
}

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
    for m in TRIGGER_SCAN.find_overlapping_iter(text) {
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
    if found < Trigger::Own && context_facts_possible(text) {
        return Trigger::Own;
    }
    found
}

/// A file that imports `"context"` but has no other trigger is parsed only
/// when it calls `WithValue`, or calls `Background`/`TODO` and also mentions a
/// request-context type: a `context.Background()` in code without any request
/// context cannot be reported, so it costs one more substring scan, not a parse.
fn context_facts_possible(text: &str) -> bool {
    if !text.contains("\"context\"") && !text.contains("\"golang.org/x/net/context\"") {
        return false;
    }
    let mut background = false;
    for m in CONTEXT_CALLS.find_iter(text) {
        match m.pattern().as_usize() {
            2 => return true,
            _ => background = true,
        }
    }
    background && REQUEST_TYPES.is_match(text)
}

pub fn package_clause(text: &str) -> Option<String> {
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
    let name = &text[start..start + len];
    let first = name.chars().next()?;
    if first.is_ascii_digit() {
        return None;
    }
    Some(name.to_string())
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
    fn configured_start_functions_trigger() {
        let text = "package room\nimport \"example.com/app/util\"\nfunc f() { ctx, span := util.StartTrace(ctx, \"x\") }";
        assert_eq!(classify(text), Trigger::None);
        let wanted = ["util.StartTrace".to_string()];
        assert_eq!(classify_with(text, &wanted), Trigger::Own);
        assert_eq!(classify_with("StartTraceX(1)", &wanted), Trigger::None);
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
