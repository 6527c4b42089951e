//! End-to-end extraction tests from Go source strings.

use super::extract_package;
use crate::facts::{Buckets, FuncKind, MetricApi, MetricDef, MetricKind, NameRole, PackageFacts};
use crate::source::{FileId, SourceFile, Span};
use crate::value::{StrConst, Value};

const PROM: &str = "\"github.com/prometheus/client_golang/prometheus\"";
const AUTO: &str = "\"github.com/prometheus/client_golang/prometheus/promauto\"";

/// Source files from `(path, text)` pairs, each `(placeholder, import
/// path)` of `imports` substituted in the text.
pub(super) fn files_importing(srcs: &[(&str, &str)], imports: &[(&str, &str)]) -> Vec<SourceFile> {
    srcs.iter()
        .enumerate()
        .map(|(i, (path, text))| SourceFile {
            id: FileId(i as u32),
            path: path.to_string(),
            abs_path: path.into(),
            text: imports
                .iter()
                .fold(text.to_string(), |t, (from, to)| t.replace(from, to)),
            lossy: false,
            is_test: false,
        })
        .collect()
}

/// The facts of one package made of `srcs`, after [`files_importing`].
pub(super) fn run_importing(
    srcs: &[(&str, &str)],
    imports: &[(&str, &str)],
) -> (Vec<SourceFile>, PackageFacts) {
    let fs = files_importing(srcs, imports);
    let refs: Vec<&SourceFile> = fs.iter().collect();
    let package = super::package_clause(&fs[0].text).unwrap();
    let facts = extract_package("pkg", &package, &refs);
    (fs, facts)
}

fn run(srcs: &[(&str, &str)]) -> (Vec<SourceFile>, PackageFacts) {
    run_importing(srcs, &[("PROM", PROM), ("AUTO", AUTO)])
}

pub(super) fn at(fs: &[SourceFile], s: Span) -> &str {
    &fs[s.file.0 as usize].text[s.start as usize..s.end as usize]
}

fn name(m: &MetricDef) -> &str {
    match &m.fq_name {
        Value::Resolved(s) => &s.text,
        other => panic!("unresolved name {other:?}"),
    }
}

fn one(srcs: &[(&str, &str)]) -> (Vec<SourceFile>, MetricDef) {
    let (fs, facts) = run(srcs);
    assert_eq!(facts.metrics.len(), 1, "{:#?}", facts.metrics);
    (fs, facts.metrics.into_iter().next().unwrap())
}

#[test]
fn aliased_import() {
    let (fs, m) = one(&[(
        "a.go",
        "package pkg\nimport prom PROM\nvar c = prom.NewCounter(prom.CounterOpts{Name: \"jobs_total\", Help: \"Jobs.\"})\n",
    )]);
    assert_eq!(name(&m), "jobs_total");
    assert_eq!(m.api, MetricApi::Prometheus);
    assert_eq!(m.kind, MetricKind::Counter);
    assert_eq!(at(&fs, m.name_span), "\"jobs_total\"");
    assert_eq!(m.help, Some(Value::Resolved(StrConst::new("Jobs."))));
    assert_eq!(m.func.kind, FuncKind::PackageLevel);
}

#[test]
fn dot_import() {
    let (_, m) = one(&[("a.go", "package pkg\nimport . PROM\nvar g = NewGaugeVec(GaugeOpts{Name: \"temp_celsius\"}, []string{\"room\"})\n")]);
    assert_eq!(m.kind, MetricKind::Gauge);
    assert!(m.vector);
    assert_eq!(name(&m), "temp_celsius");
    assert_eq!(m.labels.unwrap().names.unwrap().len(), 1);
}

#[test]
fn local_factory_type_and_shadowing_are_not_definitions() {
    let (_, facts) = run(&[(
        "a.go",
        "package pkg\nimport PROM\ntype fac struct{}\nfunc (fac) NewCounter(o prometheus.CounterOpts) {}\nvar myFactory fac\n\
         func a() { myFactory.NewCounter(prometheus.CounterOpts{Name: \"x\"}) }\n\
         func b(prometheus fac) { prometheus.NewCounter(struct{}{}) }\n\
         func c() { prometheus := fac{}; prometheus.NewCounter(1) }\n",
    )]);
    assert!(facts.metrics.is_empty(), "{:#?}", facts.metrics);
}

#[test]
fn name_parts_from_constants_in_a_sibling_file() {
    let (fs, m) = one(&[
        ("consts.go", "package pkg\nconst ns = \"app\"\nconst (\n\tsub string = \"http\"\n\tbase, suffix = \"requests\", \"_total\"\n)\n"),
        ("m.go", "package pkg\nimport PROM\nvar c = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: base + suffix})\n"),
    ]);
    assert_eq!(name(&m), "app_http_requests_total");
    let roles: Vec<NameRole> = m.name_parts.iter().map(|p| p.role).collect();
    assert_eq!(
        roles,
        [NameRole::Namespace, NameRole::Subsystem, NameRole::Name]
    );
    let ns_decl = m.name_parts[0].decl.unwrap();
    assert_eq!(ns_decl.file, FileId(0));
    assert_eq!(at(&fs, ns_decl), "ns = \"app\"");
    assert_eq!(
        at(&fs, m.name_parts[2].decl.unwrap()),
        "base, suffix = \"requests\", \"_total\""
    );
    assert_eq!(m.name_parts[2].span.file, FileId(1));
}

#[test]
fn build_fq_name_in_name_field() {
    let (_, m) = one(&[(
        "a.go",
        "package pkg\nimport PROM\nconst ns = \"app\"\nvar h = prometheus.NewHistogram(prometheus.HistogramOpts{Name: prometheus.BuildFQName(ns, \"\", \"latency_seconds\")})\n",
    )]);
    assert_eq!(name(&m), "app_latency_seconds");
    assert_eq!(m.name_parts.len(), 3);
    assert_eq!(m.name_parts[1].value, Value::Resolved(StrConst::new("")));
    assert!(m.buckets.is_none());
}

#[test]
fn new_desc() {
    let (fs, facts) = run(&[(
        "a.go",
        "package pkg\nimport PROM\nvar labels = []string{\"a\", \"b\"}\n\
         var d1 = prometheus.NewDesc(prometheus.BuildFQName(\"ns\", \"sub\", \"up\"), \"Up.\", nil, prometheus.Labels{\"env\": \"prod\"})\n\
         var d2 = prometheus.NewDesc(\"plain_name\", \"Help\", labels, nil)\n",
    )]);
    let (d1, d2) = (&facts.metrics[0], &facts.metrics[1]);
    assert_eq!(d1.kind, MetricKind::Desc);
    assert_eq!(name(d1), "ns_sub_up");
    assert_eq!(
        at(&fs, d1.name_span),
        "prometheus.BuildFQName(\"ns\", \"sub\", \"up\")"
    );
    assert_eq!(d1.labels.as_ref().unwrap().names.as_ref().unwrap().len(), 0);
    let cl = d1.const_labels.as_ref().unwrap();
    assert_eq!(cl[0].value, Value::Resolved(StrConst::new("env")));
    assert_eq!(name(d2), "plain_name");
    assert_eq!(d2.name_parts[0].role, NameRole::FqName);
    let l = d2.labels.as_ref().unwrap();
    assert_eq!(l.names.as_ref().unwrap().len(), 2);
    assert_eq!(at(&fs, l.decl.unwrap()), "labels = []string{\"a\", \"b\"}");
    assert_eq!(d2.help, Some(Value::Resolved(StrConst::new("Help"))));
}

#[test]
fn opts_by_variable_in_another_file_and_by_pointer() {
    let (fs, facts) = run(&[
        ("a.go", "package pkg\nimport PROM\nvar opts = prometheus.CounterOpts{Name: \"c_total\", Help: \"C.\"}\n"),
        ("b.go", "package pkg\nimport PROM\nfunc NewX() {\n\tprometheus.NewCounter(opts)\n\to := &prometheus.GaugeOpts{Name: \"p\"}\n\tprometheus.NewGauge(*o)\n}\n"),
    ]);
    let (c, g) = (&facts.metrics[0], &facts.metrics[1]);
    assert_eq!(name(c), "c_total");
    assert_eq!(c.opts.unwrap().file, FileId(0));
    assert_eq!(
        at(&fs, c.name_parts[0].decl.unwrap()),
        "opts = prometheus.CounterOpts{Name: \"c_total\", Help: \"C.\"}"
    );
    assert_eq!(name(g), "p");
    assert_eq!(g.func.kind, FuncKind::Constructor);
    assert_eq!(
        g.name_parts[0].decl.map(|d| at(&fs, d)),
        Some("o := &prometheus.GaugeOpts{Name: \"p\"}")
    );
}

#[test]
fn promauto_with_registry() {
    let (_, facts) = run(&[(
        "a.go",
        "package pkg\nimport (\n\tPROM\n\tAUTO\n)\nfunc NewM(reg prometheus.Registerer) {\n\
         promauto.With(reg).NewCounter(prometheus.CounterOpts{Name: \"a_total\"})\n\
         f := promauto.With(reg)\n\
         f.NewGauge(prometheus.GaugeOpts{Name: \"b\"})\n\
         promauto.NewSummary(prometheus.SummaryOpts{Name: \"c\", Objectives: map[float64]float64{0.5: 0.05}})\n}\n",
    )]);
    assert_eq!(facts.metrics.len(), 3);
    assert!(facts.metrics.iter().all(|m| m.api == MetricApi::Promauto));
    assert_eq!(name(&facts.metrics[1]), "b");
    assert!(facts.metrics[2].objectives.is_some());
}

#[test]
fn label_slice_and_const_labels_from_other_files() {
    let (fs, m) = one(&[
        ("labels.go", "package pkg\nvar reqLabels = []string{\"method\", codeLabel}\nconst codeLabel = \"code\"\nvar constL = map[string]string{\"team\": \"core\"}\n"),
        ("m.go", "package pkg\nimport PROM\nvar v = prometheus.NewCounterVec(prometheus.CounterOpts{Name: \"r_total\", ConstLabels: constL}, reqLabels)\n"),
    ]);
    let l = m.labels.unwrap();
    let names: Vec<_> = l.names.unwrap().into_iter().map(|n| n.value).collect();
    assert_eq!(
        names,
        [
            Value::Resolved(StrConst::new("method")),
            Value::Resolved(StrConst::new("code"))
        ]
    );
    assert_eq!(l.decl.unwrap().file, FileId(0));
    assert_eq!(at(&fs, l.span), "reqLabels");
    let cl = m.const_labels.unwrap();
    assert_eq!(cl.len(), 1);
    assert_eq!(at(&fs, cl[0].span), "\"team\"");
}

#[test]
fn unresolvable_label_list_is_none() {
    let (_, m) = one(&[("m.go", "package pkg\nimport PROM\nfunc f() { prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: \"g\"}, labelsFor()) }\nfunc labelsFor() []string { return nil }\n")]);
    assert!(m.labels.unwrap().names.is_none());
}

#[test]
fn bucket_forms() {
    let (_, facts) = run(&[(
        "a.go",
        "package pkg\nimport PROM\nconst k = 7\n\
         func NewH(n int, b []float64) {\n\
         prometheus.NewHistogram(prometheus.HistogramOpts{Name: \"a\", Buckets: []float64{-1, .5, 1e-3, 2 * 3, 10 / 4, 10.0 / 4, -(k - 1)}})\n\
         prometheus.NewHistogram(prometheus.HistogramOpts{Name: \"b\", Buckets: prometheus.LinearBuckets(-1, 0.5, 3)})\n\
         prometheus.NewHistogram(prometheus.HistogramOpts{Name: \"c\", Buckets: prometheus.ExponentialBuckets(1, 2, n)})\n\
         prometheus.NewHistogram(prometheus.HistogramOpts{Name: \"d\", Buckets: prometheus.ExponentialBucketsRange(0.1, 10, 5)})\n\
         prometheus.NewHistogram(prometheus.HistogramOpts{Name: \"e\", Buckets: prometheus.DefBuckets})\n\
         prometheus.NewHistogram(prometheus.HistogramOpts{Name: \"f\", Buckets: b, NativeHistogramBucketFactor: 1.1})\n}\n",
    )]);
    let b: Vec<&Buckets> = facts
        .metrics
        .iter()
        .map(|m| m.buckets.as_ref().unwrap())
        .collect();
    match b[0] {
        Buckets::Literal { values, .. } => {
            let v: Vec<Option<f64>> = values.iter().map(|x| x.0).collect();
            assert_eq!(
                v,
                [
                    Some(-1.0),
                    Some(0.5),
                    Some(0.001),
                    Some(6.0),
                    Some(2.0),
                    Some(2.5),
                    Some(-6.0)
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        b[1],
        Buckets::Linear {
            start: Some(-1.0),
            width: Some(0.5),
            count: Some(3.0),
            ..
        }
    ));
    assert!(matches!(
        b[2],
        Buckets::Exponential {
            start: Some(1.0),
            factor: Some(2.0),
            count: None,
            ..
        }
    ));
    assert!(matches!(
        b[3],
        Buckets::ExponentialRange {
            min: Some(0.1),
            max: Some(10.0),
            count: Some(5.0),
            ..
        }
    ));
    assert!(matches!(b[4], Buckets::Default { .. }));
    assert!(matches!(b[5], Buckets::Other { .. }));
    assert!(facts.metrics[5].native_histogram);
    assert!(!facts.metrics[0].native_histogram);
}

#[test]
fn dynamic_names() {
    let (fs, facts) = run(&[(
        "a.go",
        "package pkg\nimport (\n\t\"fmt\"\n\t\"strings\"\n\tPROM\n)\n\
         func NewA(name string, kind string) {\n\
         prometheus.NewCounter(prometheus.CounterOpts{Name: \"x_\" + name + \"_total\"})\n\
         prometheus.NewCounter(prometheus.CounterOpts{Name: fmt.Sprintf(\"%s_total\", kind)})\n\
         prometheus.NewCounter(prometheus.CounterOpts{Namespace: strings.ToLower(kind), Name: \"y\"})\n\
         local := name\n\
         prometheus.NewCounter(prometheus.CounterOpts{Name: local})\n}\n",
    )]);
    let dyn_text = |i: usize| match &facts.metrics[i].fq_name {
        Value::Dynamic(d) => {
            assert_eq!(at(&fs, d.span), d.text);
            d.text.clone()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(dyn_text(0), "name");
    assert_eq!(dyn_text(1), "fmt.Sprintf(\"%s_total\", kind)");
    assert_eq!(dyn_text(2), "strings.ToLower(kind)");
    assert_eq!(dyn_text(3), "local");
}

#[test]
fn unknown_names() {
    let (_, facts) = run(&[(
        "a.go",
        "package pkg\nimport (\n\t\"example.com/other\"\n\tPROM\n)\nvar pkgName = \"x\"\n\
         func f() {\n\
         prometheus.NewCounter(prometheus.CounterOpts{Name: pkgName})\n\
         prometheus.NewCounter(prometheus.CounterOpts{Name: other.Name})\n\
         n := \"a\"\n\
         n = \"b\"\n\
         prometheus.NewCounter(prometheus.CounterOpts{Name: n})\n\
         ok := \"c_total\"\n\
         prometheus.NewCounter(prometheus.CounterOpts{Name: ok})\n}\n",
    )]);
    assert!(facts.metrics[0].fq_name.is_unknown());
    assert!(facts.metrics[1].fq_name.is_unknown());
    assert!(facts.metrics[2].fq_name.is_unknown());
    assert_eq!(name(&facts.metrics[3]), "c_total");
}

#[test]
fn escapes_and_invalid_utf8() {
    let (_, facts) = run(&[(
        "a.go",
        "package pkg\nimport PROM\n\
         var a = prometheus.NewGauge(prometheus.GaugeOpts{Name: \"a\\x5fb\\u00e9\"})\n\
         var b = prometheus.NewGauge(prometheus.GaugeOpts{Name: \"\\xff\"})\n\
         var c = prometheus.NewGauge(prometheus.GaugeOpts{Name: \"\\xc3\" + \"\\251\"})\n\
         var d = prometheus.NewGauge(prometheus.GaugeOpts{Name: `raw\\n`})\n",
    )]);
    assert_eq!(
        facts.metrics[0].fq_name,
        Value::Resolved(StrConst::new("a_bé"))
    );
    match &facts.metrics[1].fq_name {
        Value::Resolved(s) => assert!(!s.valid_utf8),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        facts.metrics[2].fq_name,
        Value::Resolved(StrConst::new("é"))
    );
    assert_eq!(name(&facts.metrics[3]), "raw\\n");
}

#[test]
fn func_contexts() {
    let (_, facts) = run(&[(
        "main.go",
        "package pkg\nimport (\n\t\"net/http\"\n\tPROM\n)\n\
         func handle(w http.ResponseWriter, r *http.Request) { prometheus.NewCounter(prometheus.CounterOpts{Name: \"h\"}) }\n\
         func mw(next http.Handler) http.Handler {\n\
         \tprometheus.NewCounter(prometheus.CounterOpts{Name: \"outer\"})\n\
         \treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { prometheus.NewCounter(prometheus.CounterOpts{Name: \"inner\"}) })\n}\n\
         func work() {\n\
         \tfor i := 0; i < 3; i++ { prometheus.NewCounter(prometheus.CounterOpts{Name: \"loop\"}) }\n\
         \tgo func() { prometheus.NewCounter(prometheus.CounterOpts{Name: \"go\"}) }()\n}\n\
         type Server struct{}\n\
         func (s *Server) setupMetrics() { prometheus.NewCounter(prometheus.CounterOpts{Name: \"ctor\"}) }\n\
         func init() { prometheus.NewCounter(prometheus.CounterOpts{Name: \"init\"}) }\n",
    )]);
    let by = |n: &str| {
        facts
            .metrics
            .iter()
            .find(|m| name(m) == n)
            .unwrap()
            .func
            .clone()
    };
    assert_eq!(by("h").kind, FuncKind::HttpHandler);
    let outer = by("outer");
    assert_eq!(outer.kind, FuncKind::HttpMiddleware);
    assert!(!outer.in_middleware_handler && !outer.in_closure);
    let inner = by("inner");
    assert!(inner.in_middleware_handler && inner.in_closure && inner.in_handler_closure);
    let lp = by("loop");
    assert!(lp.in_loop && !lp.in_go);
    assert_eq!(lp.name.as_deref(), Some("work"));
    let g = by("go");
    assert!(g.in_go && g.in_closure && !g.in_loop);
    let c = by("ctor");
    assert_eq!(c.kind, FuncKind::Constructor);
    assert_eq!(c.receiver.as_deref(), Some("Server"));
    assert_eq!(by("init").kind, FuncKind::Init);
}

#[test]
fn syntax_error_keeps_valid_parts() {
    let (_, facts) = run(&[(
        "a.go",
        "package pkg\nimport PROM\nfunc broken( {\n\tx := \n}\nvar c = prometheus.NewCounter(prometheus.CounterOpts{Name: \"ok_total\"})\n",
    )]);
    assert_eq!(facts.syntax_errors.len(), 1);
    assert!(facts
        .metrics
        .iter()
        .any(|m| m.fq_name == Value::Resolved(StrConst::new("ok_total"))));
}

#[test]
fn suppression_scopes_cover_multiline_statements() {
    let (fs, facts) = run(&[(
        "a.go",
        "package pkg\nimport PROM\n//nolint:instrlint\nvar c = prometheus.NewCounter(prometheus.CounterOpts{\n\tName: \"x\",\n})\nvar d = prometheus.NewCounter(prometheus.CounterOpts{\n\tName: \"y\",\n})\n",
    )]);
    assert_eq!(
        facts.suppression_scopes.len(),
        2,
        "{:?}",
        facts.suppression_scopes
    );
    assert!(facts
        .suppression_scopes
        .iter()
        .all(|s| at(&fs, *s).contains("\"x\"") && !at(&fs, *s).contains("\"y\"")));
}

#[test]
fn files_without_triggers_are_not_parsed() {
    let (_, facts) = run(&[("a.go", "package pkg\nfunc broken( {\n")]);
    assert!(facts.syntax_errors.is_empty());
    assert_eq!(facts.files, [FileId(0)]);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let depth = 100_000;
            let src = format!(
                "package pkg\nimport PROM\nconst deep = {}\"x\"{}\nvar c = prometheus.NewCounter(prometheus.CounterOpts{{Name: {}deep{}}})\n",
                "(".repeat(depth),
                ")".repeat(depth),
                "(".repeat(depth),
                ")".repeat(depth)
            );
            let (_, facts) = run(&[("a.go", &src)]);
            facts.metrics.len()
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), 1);
}

#[test]
fn framework_handlers_interceptors_and_main() {
    let (_, facts) = run(&[(
        "main.go",
        "package main\nimport (\n\tgg \"github.com/gin-gonic/gin\"\n\t\"github.com/labstack/echo/v4\"\n\t\"google.golang.org/grpc\"\n\t\"context\"\n\tPROM\n)\n\
         func g(c *gg.Context) { prometheus.NewCounter(prometheus.CounterOpts{Name: \"gin\"}) }\n\
         func e(c echo.Context) error { prometheus.NewCounter(prometheus.CounterOpts{Name: \"echo\"}); return nil }\n\
         func i(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) { prometheus.NewCounter(prometheus.CounterOpts{Name: \"grpc\"}); return nil, nil }\n\
         func main() { prometheus.NewCounter(prometheus.CounterOpts{Name: \"main\"}) }\n",
    )]);
    let kind = |n: &str| {
        facts
            .metrics
            .iter()
            .find(|m| name(m) == n)
            .unwrap()
            .func
            .kind
    };
    assert_eq!(kind("gin"), FuncKind::HttpHandler);
    assert_eq!(kind("echo"), FuncKind::HttpHandler);
    assert_eq!(kind("grpc"), FuncKind::GrpcInterceptor);
    let (_, facts) = run(&[("m.go", "package pkg\nimport PROM\nfunc main() { prometheus.NewCounter(prometheus.CounterOpts{Name: \"m\"}) }\n")]);
    assert_eq!(facts.metrics[0].func.kind, FuncKind::Other);
    assert_eq!(kind("main"), FuncKind::Main);
}

#[test]
fn missing_and_positional_names() {
    let (fs, facts) = run(&[(
        "a.go",
        "package pkg\nimport PROM\nvar a = prometheus.NewGauge(prometheus.GaugeOpts{Help: \"no name\"})\n\
         var b = prometheus.NewGauge(prometheus.GaugeOpts{\"ns\", \"sub\", \"n\", \"h\", nil})\n\
         var c = prometheus.NewGauge(makeOpts())\n",
    )]);
    let (a, b, c) = (&facts.metrics[0], &facts.metrics[1], &facts.metrics[2]);
    assert_eq!(a.fq_name, Value::Resolved(StrConst::new("")));
    assert_eq!(
        at(&fs, a.name_span),
        "prometheus.GaugeOpts{Help: \"no name\"}"
    );
    assert!(b.fq_name.is_unknown());
    assert!(c.fq_name.is_unknown() && c.opts.is_none());
    assert_eq!(c.help, Some(Value::Unknown));
    assert_eq!(at(&fs, c.name_span), "makeOpts()");
}

#[test]
fn multi_value_call_local_is_dynamic() {
    let (_, m) = one(&[(
        "a.go",
        "package pkg\nimport PROM\nfunc f(t string) {\n\tn, err := build(t)\n\t_ = err\n\tprometheus.NewCounter(prometheus.CounterOpts{Name: n})\n}\n",
    )]);
    assert!(matches!(m.fq_name, Value::Dynamic(ref d) if d.text == "n"));
}

#[test]
fn lossy_source_marks_names_invalid() {
    let f = SourceFile {
        id: FileId(0),
        path: "a.go".into(),
        abs_path: "a.go".into(),
        text: format!("package pkg\nimport {PROM}\nvar c = prometheus.NewCounter(prometheus.CounterOpts{{Name: \"a\u{fffd}b\"}})\n"),
        lossy: true,
        is_test: false,
    };
    let facts = extract_package("pkg", "pkg", &[&f]);
    assert!(matches!(&facts.metrics[0].fq_name, Value::Resolved(s) if !s.valid_utf8));
}

#[test]
fn deeply_nested_constructor_calls_stay_linear() {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let depth = 20_000;
            let src = format!(
                "package pkg\nimport PROM\nfunc f() {{ _ = {}prometheus.CounterOpts{{Name: \"x\"}}{} }}\n",
                "prometheus.NewCounter(".repeat(depth),
                ")".repeat(depth)
            );
            let started = std::time::Instant::now();
            let (_, facts) = run(&[("a.go", &src)]);
            (facts.metrics.len(), started.elapsed())
        })
        .unwrap();
    let (count, elapsed) = handle.join().unwrap();
    assert_eq!(count, 20_000);
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}

#[test]
fn block_local_redeclaration_of_a_parameter_is_not_dynamic() {
    let (_, m) = one(&[(
        "a.go",
        "package pkg\nimport PROM\nfunc f(name string) {\n\tif true {\n\t\tname := \"fixed\"\n\t\tprometheus.NewCounter(prometheus.CounterOpts{Name: name})\n\t}\n}\n",
    )]);
    assert!(m.fq_name.is_unknown());
}

#[test]
fn name_origins_spliced_loop_and_request() {
    use crate::facts::OriginKind::{LoopVariable, RequestData, Spliced};
    let (fs, facts) = run(&[(
        "a.go",
        "package pkg\nimport (\n\t\"fmt\"\n\t\"net/http\"\n\t\"strings\"\n\tprom PROM\n)\n\
         func a(shard string) { prom.NewCounter(prom.CounterOpts{Name: \"app_shard_\" + shard + \"_total\"}) }\n\
         func b(region string) { n := fmt.Sprintf(\"app_%s_seconds\", region); prom.NewHistogram(prom.HistogramOpts{Name: n}) }\n\
         func c(stages []string) { for _, st := range stages { prom.NewGauge(prom.GaugeOpts{Subsystem: st, Name: \"depth\"}) } }\n\
         func d(w http.ResponseWriter, r *http.Request) { prom.NewCounter(prom.CounterOpts{Name: strings.ToLower(r.URL.Path)}) }\n\
         func e(program string) { prom.NewCounter(prom.CounterOpts{Namespace: program, Name: \"x_total\"}) }\n\
         func f(service string) { prom.NewCounter(prom.CounterOpts{Name: fmt.Sprintf(\"%s_requests_total\", service)}) }\n\
         func g(ns, sub string) { prom.NewCounter(prom.CounterOpts{Name: ns + \"_\" + sub + \"_total\"}) }\n",
    )]);
    let origins: Vec<Option<(crate::facts::OriginKind, &str)>> = facts
        .metrics
        .iter()
        .map(|m| {
            m.name_parts
                .iter()
                .find_map(|p| p.origin.as_ref())
                .map(|o| (o.kind, at(&fs, o.span)))
        })
        .collect();
    assert_eq!(
        origins,
        [
            Some((Spliced, "shard")),
            Some((Spliced, "region")),
            Some((LoopVariable, "st")),
            Some((RequestData, "r.URL.Path")),
            None,
            None,
            None,
        ]
    );
}

#[test]
fn empty_objectives_are_none() {
    let (_, facts) = run(&[(
        "a.go",
        "package pkg\nimport prom PROM\n\
         var none = map[float64]float64{}\n\
         var a = prom.NewSummary(prom.SummaryOpts{Name: \"a_seconds\", Objectives: map[float64]float64{}})\n\
         var b = prom.NewSummary(prom.SummaryOpts{Name: \"b_seconds\", Objectives: none})\n\
         var c = prom.NewSummary(prom.SummaryOpts{Name: \"c_seconds\", Objectives: map[float64]float64{0.5: 0.05}})\n\
         var d = prom.NewSummary(prom.SummaryOpts{Name: \"d_seconds\", Objectives: objectives()})\n",
    )]);
    let set: Vec<bool> = facts
        .metrics
        .iter()
        .map(|m| m.objectives.is_some())
        .collect();
    assert_eq!(set, [false, false, true, true]);
}

/// A file whose extraction runs past the time limit is recorded as
/// unfinished and none of its facts are kept; with time enough, the same
/// package gives its facts.
#[test]
fn extraction_past_the_time_limit_keeps_no_fact_of_the_file() {
    let src = [(
        "a.go",
        "package p\n\nimport PROM\n\nvar c = prometheus.NewCounter(prometheus.CounterOpts{Name: \"a\", Help: \"h\"})\n\n\
         func f() {\n\tfor i := 0; i < 3; i++ {\n\t\tc.Add(float64(i))\n\t}\n}\n",
    )];
    super::budget::set_thread_limit(Some(std::time::Duration::ZERO));
    let (_, facts) = run(&src);
    super::budget::set_thread_limit(None);
    assert_eq!(facts.unfinished, [Span::new(FileId(0), 0, 0)]);
    assert!(
        facts.metrics.is_empty() && facts.metric_ops.is_empty(),
        "{facts:#?}"
    );
    let (_, facts) = run(&src);
    assert!(facts.unfinished.is_empty());
    assert_eq!(facts.metrics.len(), 1);
}

#[test]
fn siblings_handed_over_without_texts_are_read_only_when_a_name_is_missing() {
    let fs = files_importing(
        &[
            (
                "metrics.go",
                "package room\nimport PROM\nvar joins = prometheus.NewCounter(prometheus.CounterOpts{Name: prefix + \"joins\"})\n",
            ),
            ("names.go", "package room\nconst prefix = \"room_\"\n"),
            ("other.go", "package room\nvar unrelated = 1\n"),
            ("doc.go", "package room\n"),
        ],
        &[("PROM", PROM)],
    );
    let without_texts: Vec<SourceFile> = fs
        .iter()
        .enumerate()
        .map(|(i, f)| SourceFile {
            text: if i == 0 {
                f.text.clone()
            } else {
                String::new()
            },
            ..f.clone()
        })
        .collect();
    let refs: Vec<&SourceFile> = without_texts.iter().collect();
    let asked = std::cell::RefCell::new(Vec::new());
    let load = |i: usize| {
        asked.borrow_mut().push(i);
        Some(fs[i].clone())
    };
    let walk = vec![true, false, false, false];
    let (facts, loaded) = super::extract_package_loading(
        "pkg",
        "room",
        &refs,
        walk,
        &super::ExtractOptions::default(),
        &load,
    );
    assert_eq!(name(&facts.metrics[0]), "room_joins");
    // Every file not walked is read to look for `prefix`; only the one that
    // holds it is kept (its declaration is where the name comes from).
    assert_eq!(*asked.borrow(), [1, 2, 3]);
    let kept: Vec<usize> = loaded.iter().map(|(i, _)| *i).collect();
    assert_eq!(kept, [1]);
    assert_eq!(loaded[0].1.text, fs[1].text);
}
