//! Label arguments, value sources, metric operations and registrations.

use super::tests_link::{at, tree, P};
use crate::facts::{
    ErrorUse, FuncKind, LabelArg, LabelArgs, LabelMethod, LabelUse, PackageFacts, Receiver,
    RegistryKind, ValueSource,
};
use crate::source::SourceFile;
use crate::value::{StrConst, Value};

fn one_pkg(src: &str) -> (Vec<SourceFile>, PackageFacts) {
    let (fs, mut t) = tree(&[P {
        path: Some("example.com/p"),
        files: &[("p/a.go", src)],
    }]);
    (fs, t.packages.remove(0))
}

fn values(u: &LabelUse) -> (&[LabelArg], bool) {
    match &u.args {
        LabelArgs::Values { args, variadic } => (args, *variadic),
        other => panic!("not values: {other:?}"),
    }
}

fn unbounded(s: &ValueSource) -> (&str, bool) {
    match s {
        ValueSource::Unbounded { what, via } => (what, via.is_some()),
        other => panic!("not unbounded: {other:?}"),
    }
}

const HEAD: &str = "package p\nimport (\n\t\"encoding/gob\"\n\t\"fmt\"\n\t\"net/http\"\n\t\"strconv\"\n\t\"time\"\n\t\"github.com/google/uuid\"\n\t\"github.com/gin-gonic/gin\"\n\t\"github.com/labstack/echo/v4\"\n\tPROM\n)\n\
var vec = prometheus.NewCounterVec(prometheus.CounterOpts{Name: \"x_total\"}, []string{\"a\"})\n";

#[test]
fn spellings_and_variadic() {
    let src = format!(
        "{HEAD}func f(code int, req *http.Request, vals []string) {{\n\
         \tvec.WithLabelValues(req.Method, code, \"x\", strconv.Itoa(code))\n\
         \tvec.WithLabelValues(vals...)\n\
         \tvec.GetMetricWithLabelValues(\"a\", vals...)\n}}\n"
    );
    let (fs, p) = one_pkg(&src);
    let us = &p.label_uses;
    assert_eq!(us.len(), 3);
    let (args, variadic) = values(&us[0]);
    assert!(!variadic);
    let spell: Vec<Option<&str>> = args.iter().map(|a| a.spelling.as_deref()).collect();
    assert_eq!(spell, [Some("Method"), Some("code"), None, None]);
    assert_eq!(at(&fs, args[0].span), "req.Method");
    assert_eq!(args[0].source, ValueSource::Bounded);
    assert_eq!(args[1].source, ValueSource::Bounded);
    assert_eq!(args[2].source, ValueSource::Constant);
    assert_eq!(args[3].source, ValueSource::Bounded);
    assert!(us[0].def.is_some());
    let (args, variadic) = values(&us[1]);
    assert!(variadic && args.is_empty());
    assert_eq!(us[2].method, LabelMethod::GetMetricWithLabelValues);
    let (args, variadic) = values(&us[2]);
    assert!(variadic);
    assert_eq!(args.len(), 1);
}

#[test]
fn unbounded_sources_of_net_http() {
    let src = format!(
        "{HEAD}func h(w http.ResponseWriter, r *http.Request) {{\n\
         \tvec.WithLabelValues(r.URL.Path, r.URL.String(), r.RequestURI, r.RemoteAddr, r.Header.Get(\"X\"), r.UserAgent(), r.URL.RawQuery, r.Method, r.Proto, r.URL.Query().Get(\"q\"), r.FormValue(\"a\"), r.Host)\n}}\n"
    );
    let (_, p) = one_pkg(&src);
    let (args, _) = values(&p.label_uses[0]);
    let whats: Vec<&str> = args[..7].iter().map(|a| unbounded(&a.source).0).collect();
    assert_eq!(
        whats,
        [
            "r.URL.Path",
            "r.URL.String()",
            "r.RequestURI",
            "r.RemoteAddr",
            "r.Header.Get(\"X\")",
            "r.UserAgent()",
            "r.URL.RawQuery"
        ]
    );
    assert_eq!(args[7].source, ValueSource::Bounded);
    assert_eq!(args[8].source, ValueSource::Bounded);
    assert_eq!(unbounded(&args[9].source).0, "r.URL.Query().Get(\"q\")");
    assert_eq!(unbounded(&args[10].source).0, "r.FormValue(\"a\")");
    assert_eq!(unbounded(&args[11].source).0, "r.Host");
    assert_eq!(p.label_uses[0].func.kind, FuncKind::HttpHandler);
}

#[test]
fn unbounded_errors_ids_times_and_formatting() {
    let src = format!(
        "{HEAD}func f(e error, x string) {{\n\
         \tvar err error\n\
         \tvec.WithLabelValues(err.Error(), e.Error(), uuid.NewString(), uuid.New().String(), time.Now().Format(time.RFC3339), fmt.Sprintf(\"%s\", e.Error()), fmt.Sprint(x))\n}}\n"
    );
    let (_, p) = one_pkg(&src);
    let (args, _) = values(&p.label_uses[0]);
    let whats: Vec<&str> = args[..6].iter().map(|a| unbounded(&a.source).0).collect();
    assert_eq!(
        whats,
        [
            "err.Error()",
            "e.Error()",
            "uuid.NewString()",
            "uuid.New().String()",
            "time.Now().Format(time.RFC3339)",
            "e.Error()"
        ]
    );
    assert_eq!(args[6].source, ValueSource::Unknown);
}

#[test]
fn gin_and_echo_params() {
    let src = format!(
        "{HEAD}func g(c *gin.Context) {{ vec.WithLabelValues(c.Param(\"id\"), c.Query(\"q\"), c.ClientIP(), c.FullPath(), c.Request.URL.Path) }}\n\
         func e(c echo.Context) error {{ vec.WithLabelValues(c.Param(\"id\"), c.QueryParam(\"q\"), c.RealIP(), c.Path(), c.Request().RemoteAddr); return nil }}\n"
    );
    let (_, p) = one_pkg(&src);
    let (g, _) = values(&p.label_uses[0]);
    assert_eq!(unbounded(&g[0].source).0, "c.Param(\"id\")");
    assert_eq!(unbounded(&g[1].source).0, "c.Query(\"q\")");
    assert_eq!(unbounded(&g[2].source).0, "c.ClientIP()");
    assert_eq!(g[3].source, ValueSource::Unknown, "FullPath is the route");
    assert_eq!(unbounded(&g[4].source).0, "c.Request.URL.Path");
    let (e, _) = values(&p.label_uses[1]);
    assert_eq!(unbounded(&e[0].source).0, "c.Param(\"id\")");
    assert_eq!(unbounded(&e[1].source).0, "c.QueryParam(\"q\")");
    assert_eq!(unbounded(&e[2].source).0, "c.RealIP()");
    assert_eq!(e[3].source, ValueSource::Unknown);
    assert_eq!(unbounded(&e[4].source).0, "c.Request().RemoteAddr");
}

#[test]
fn one_local_assignment_is_followed_once() {
    let src = format!(
        "{HEAD}func h(w http.ResponseWriter, r *http.Request) {{\n\
         \tpath := r.URL.Path\n\
         \tp2 := path\n\
         \tkind := \"a\"\n\
         \tvar mode string\n\
         \tswitch r.Method {{\n\tcase \"GET\":\n\t\tmode = \"read\"\n\tdefault:\n\t\tmode = \"write\"\n\t}}\n\
         \tvec.WithLabelValues(path, p2, kind, mode)\n}}\n"
    );
    let (fs, p) = one_pkg(&src);
    let (args, _) = values(&p.label_uses[0]);
    match &args[0].source {
        ValueSource::Unbounded { what, via } => {
            assert_eq!(what, "r.URL.Path");
            assert_eq!(at(&fs, via.unwrap()), "path := r.URL.Path");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(args[0].spelling.as_deref(), Some("path"));
    assert_eq!(
        args[1].source,
        ValueSource::Bounded,
        "two hops are not followed"
    );
    assert_eq!(args[2].source, ValueSource::Constant);
    assert_eq!(args[3].source, ValueSource::Bounded);
}

#[test]
fn label_keys_from_literals_and_locals() {
    let src = format!(
        "{HEAD}const key = \"a\"\n\
         func f(r *http.Request, dyn prometheus.Labels) {{\n\
         \tvec.With(prometheus.Labels{{key: r.URL.Path, \"b\": \"x\"}})\n\
         \tls := map[string]string{{\"a\": \"1\"}}\n\
         \tvec.Delete(ls)\n\
         \tvec.GetMetricWith(dyn)\n\
         \tvec.MustCurryWith(prometheus.Labels{{\"a\": \"1\"}})\n\
         \tvec.Reset()\n}}\n"
    );
    let (fs, p) = one_pkg(&src);
    let us = &p.label_uses;
    assert_eq!(us.len(), 5);
    let LabelArgs::Keys { keys: Some(keys) } = &us[0].args else {
        panic!("{:?}", us[0].args)
    };
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].key, Value::Resolved(StrConst::new("a")));
    assert_eq!(at(&fs, keys[0].span), "key");
    assert_eq!(unbounded(&keys[0].value.source).0, "r.URL.Path");
    assert_eq!(keys[1].key, Value::Resolved(StrConst::new("b")));
    let LabelArgs::Keys { keys: Some(keys) } = &us[1].args else {
        panic!("{:?}", us[1].args)
    };
    assert_eq!(us[1].method, LabelMethod::Delete);
    assert_eq!(keys.len(), 1);
    assert_eq!(us[2].args, LabelArgs::Keys { keys: None });
    assert_eq!(us[3].method, LabelMethod::MustCurryWith);
    assert_eq!(us[4].args, LabelArgs::None);
    assert!(us.iter().all(|u| u.def == us[0].def && u.def.is_some()));
}

#[test]
fn unrelated_with_and_delete_calls_are_not_recorded() {
    let src = format!(
        "{HEAD}func f(m map[string]int, l interface{{ With(string) }}) {{\n\
         \tlogger := newLogger()\n\tlogger.With(\"a\")\n\tl.With(\"b\")\n\tdelete(m, \"a\")\n\tstrconv.Itoa(1)\n}}\n"
    );
    let (_, p) = one_pkg(&src);
    assert!(p.label_uses.is_empty(), "{:#?}", p.label_uses);
}

#[test]
fn metric_ops_fold_constants() {
    let src = format!(
        "{HEAD}const step = 2\n\
         var c = prometheus.NewCounter(prometheus.CounterOpts{{Name: \"c_total\"}})\n\
         func f(n float64) {{\n\
         \tc.Add(-1)\n\tc.Add(-(step * 3))\n\tc.Add(n)\n\tc.Inc()\n\
         \tvec.WithLabelValues(\"a\").Add(-0.5)\n\tvec.With(prometheus.Labels{{\"a\": \"b\"}}).Inc()\n}}\n"
    );
    let (fs, p) = one_pkg(&src);
    let ops = &p.metric_ops;
    assert_eq!(ops.len(), 6, "{ops:#?}");
    let vals: Vec<Option<f64>> = ops.iter().map(|o| o.value).collect();
    assert_eq!(vals, [Some(-1.0), Some(-6.0), None, None, Some(-0.5), None]);
    assert_eq!(at(&fs, ops[1].value_span.unwrap()), "-(step * 3)");
    let c = p.metrics.iter().position(|m| !m.vector).unwrap() as u32;
    assert_eq!(ops[0].def.map(|d| d.index), Some(c));
    assert_eq!(
        ops[4].receiver,
        Receiver::PackageVar {
            import_path: None,
            name: "vec".into()
        }
    );
    assert!(ops[4].def.is_some() && ops[4].def != ops[0].def);
    assert_eq!(ops[5].def, ops[4].def);
}

#[test]
fn registrations_registry_kinds() {
    let src = format!(
        "{HEAD}var c = prometheus.NewCounter(prometheus.CounterOpts{{Name: \"c_total\"}})\n\
         var global = prometheus.NewRegistry()\n\
         type srv struct{{ reg prometheus.Registerer }}\n\
         func setup(param prometheus.Registerer, s *srv, other thing) {{\n\
         \tprometheus.MustRegister(c, prometheus.NewGauge(prometheus.GaugeOpts{{Name: \"g\"}}))\n\
         \treg := prometheus.NewPedanticRegistry()\n\
         \treg.MustRegister(c)\n\
         \tglobal.MustRegister(c)\n\
         \tparam.MustRegister(c)\n\
         \ts.reg.MustRegister(c)\n\
         \tprometheus.DefaultRegisterer.MustRegister(c)\n\
         \tother.MustRegister(c)\n\
         \tprometheus.Unregister(c)\n}}\n"
    );
    let (fs, p) = one_pkg(&src);
    let kinds: Vec<(&str, RegistryKind)> = p
        .registrations
        .iter()
        .map(|r| (r.method.as_str(), r.registry.clone()))
        .collect();
    use RegistryKind::*;
    assert_eq!(
        kinds,
        [
            ("MustRegister", Default),
            ("MustRegister", Registry),
            ("MustRegister", Registry),
            ("MustRegister", Registry),
            ("MustRegister", Registry),
            ("MustRegister", Registry),
            ("MustRegister", Unknown),
            ("Unregister", Default),
        ]
    );
    assert!(p
        .registrations
        .iter()
        .all(|r| r.error == ErrorUse::NotApplicable));
    let first = &p.registrations[0];
    assert_eq!(first.collectors.len(), 2);
    let c_def = first.collectors[0].1.expect("c is bound");
    assert_eq!(
        at(&fs, p.metrics[c_def.index as usize].name_span),
        "\"c_total\""
    );
    assert!(matches!(first.collectors[1].0, Receiver::Definition { .. }));
    let g = first.collectors[1].1.expect("inline definition is bound");
    assert_eq!(at(&fs, p.metrics[g.index as usize].name_span), "\"g\"");
    assert_eq!(first.func.kind, FuncKind::Constructor);
}

#[test]
fn register_error_uses() {
    let src = format!(
        "{HEAD}var c = prometheus.NewCounter(prometheus.CounterOpts{{Name: \"c_total\"}})\n\
         var _ = prometheus.Register(c)\n\
         func f(reg *prometheus.Registry) error {{\n\
         \tprometheus.Register(c)\n\
         \t_ = reg.Register(c)\n\
         \tif err := reg.Register(c); err != nil {{\n\t\treturn err\n\t}}\n\
         \terr := prometheus.Register(c)\n\
         \tdefer prometheus.Register(c)\n\
         \treturn (reg.Register(c))\n}}\n\
         func g() {{ gob.Register(c) }}\n"
    );
    let (_, p) = one_pkg(&src);
    let uses: Vec<ErrorUse> = p.registrations.iter().map(|r| r.error).collect();
    use ErrorUse::*;
    assert_eq!(
        uses,
        [Blank, Discarded, Blank, Used, Used, Discarded, Used],
        "{:#?}",
        p.registrations
    );
    assert_eq!(p.registrations[1].registry, RegistryKind::Default);
    assert_eq!(p.registrations[2].registry, RegistryKind::Registry);
    assert_eq!(p.registrations[0].func.kind, FuncKind::PackageLevel);
}

#[test]
fn broken_source_does_not_panic() {
    let src = format!(
        "{HEAD}func f(r *http.Request) {{\n\tvec.WithLabelValues(r.URL.\n\tvec.With(prometheus.Labels{{\"a\": }})\n\tx := &metrics{{joins: prometheus.NewCounterVec(\n\tprometheus.MustRegister(\n"
    );
    let (_, p) = one_pkg(&src);
    assert!(!p.syntax_errors.is_empty());
}
