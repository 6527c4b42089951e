//! Binding uses to definitions across files and packages: extraction of
//! several packages, then `facts::link` over the hand-built tree.

use super::extract_package;
use crate::facts::link::link;
use crate::facts::{LabelMethod, LabelUse, MetricDef, Receiver, Store, TreeFacts};
use crate::source::{FileId, SourceFile, Span};

const PROM: &str = "\"github.com/prometheus/client_golang/prometheus\"";
const AUTO: &str = "\"github.com/prometheus/client_golang/prometheus/promauto\"";

/// One package: its import path and its files `(path, text)`.
pub(super) struct P<'a> {
    pub path: Option<&'a str>,
    pub files: &'a [(&'a str, &'a str)],
}

/// Extracts every package (file ids numbered across the tree) and links.
pub(super) fn tree(pkgs: &[P<'_>]) -> (Vec<SourceFile>, TreeFacts) {
    let mut files = Vec::new();
    let mut groups = Vec::new();
    for p in pkgs {
        let mut ids = Vec::new();
        for (path, text) in p.files {
            let id = files.len();
            files.push(SourceFile {
                id: FileId(id as u32),
                path: path.to_string(),
                abs_path: path.into(),
                text: text.replace("PROM", PROM).replace("AUTO", AUTO),
                lossy: false,
                is_test: path.ends_with("_test.go"),
            });
            ids.push(id);
        }
        groups.push((p.path, ids));
    }
    let mut t = TreeFacts::default();
    for (path, ids) in groups {
        let refs: Vec<&SourceFile> = ids.iter().map(|&i| &files[i]).collect();
        let name = super::package_clause(&refs[0].text).unwrap();
        let dir = refs[0].path.rsplit_once('/').map_or(".", |x| x.0);
        let mut facts = extract_package(dir, &name, &refs);
        facts.import_path = path.map(str::to_string);
        t.packages.push(facts);
    }
    link(&mut t);
    (files, t)
}

pub(super) fn at(fs: &[SourceFile], s: Span) -> &str {
    &fs[s.file.0 as usize].text[s.start as usize..s.end as usize]
}

/// The label uses of package `p`.
fn uses(t: &TreeFacts, p: usize) -> &[LabelUse] {
    &t.packages[p].label_uses
}

/// The `Name:` text of the definition a use is bound to.
fn bound_name<'f>(fs: &'f [SourceFile], t: &TreeFacts, u: &LabelUse) -> Option<&'f str> {
    u.def.map(|d| at(fs, t.def(d).name_span))
}

fn def_named<'t>(fs: &[SourceFile], t: &'t TreeFacts, name: &str) -> &'t MetricDef {
    t.metrics()
        .find(|m| at(fs, m.name_span) == format!("\"{name}\""))
        .unwrap_or_else(|| panic!("no definition {name}"))
}

#[test]
fn struct_field_set_in_constructor_in_another_file() {
    let (fs, t) = tree(&[P {
        path: Some("example.com/app/room"),
        files: &[
            (
                "room/metrics.go",
                "package room\nimport (\n\tPROM\n\tAUTO\n)\n\
                 type metrics struct {\n\tjoins *prometheus.CounterVec\n}\n\
                 func newMetrics() *metrics {\n\treturn &metrics{\n\t\tjoins: promauto.NewCounterVec(prometheus.CounterOpts{Name: \"room_joins_total\"}, []string{\"room_id\", \"action\"}),\n\t}\n}\n",
            ),
            (
                "room/server.go",
                "package room\ntype Server struct{ metrics *metrics }\n\
                 func (s *Server) Join(room string) {\n\ts.metrics.joins.WithLabelValues(room, \"join\").Inc()\n}\n",
            ),
        ],
    }]);
    let def = def_named(&fs, &t, "room_joins_total");
    assert_eq!(
        def.stores,
        vec![Store::Field {
            type_name: Some("metrics".into()),
            field: "joins".into()
        }]
    );
    let u = &uses(&t, 0)[0];
    assert_eq!(u.method, LabelMethod::WithLabelValues);
    assert_eq!(
        u.receiver,
        Receiver::Field {
            type_name: Some("metrics".into()),
            field: "joins".into()
        }
    );
    assert_eq!(bound_name(&fs, &t, u), Some("\"room_joins_total\""));
    assert_eq!(u.func.name.as_deref(), Some("Join"));
    assert_eq!(u.func.receiver.as_deref(), Some("Server"));
    let op = &t.packages[0].metric_ops[0];
    assert_eq!(op.method, "Inc");
    assert_eq!(op.def, u.def);
}

#[test]
fn field_of_unknown_type_binds_only_when_unique() {
    let src = |second: &str| {
        format!(
            "package p\nimport (\n\tPROM\n\tAUTO\n)\n\
             type a struct{{ joins *prometheus.CounterVec }}\n\
             func newA() *a {{ return &a{{joins: promauto.NewCounterVec(prometheus.CounterOpts{{Name: \"a_total\"}}, []string{{\"x\"}})}} }}\n\
             {second}\n\
             func use(get func() *a) {{ get().joins.WithLabelValues(\"1\") }}\n"
        )
    };
    let one = src("");
    let (fs, t) = tree(&[P {
        path: None,
        files: &[("p/a.go", &one)],
    }]);
    let u = &uses(&t, 0)[0];
    assert_eq!(
        u.receiver,
        Receiver::Field {
            type_name: None,
            field: "joins".into()
        }
    );
    assert_eq!(bound_name(&fs, &t, u), Some("\"a_total\""));

    let two = src(
        "type b struct{ joins *prometheus.CounterVec }\n\
         func newB() *b { return &b{joins: promauto.NewCounterVec(prometheus.CounterOpts{Name: \"b_total\"}, []string{\"x\"})} }",
    );
    let (_, t) = tree(&[P {
        path: None,
        files: &[("p/a.go", &two)],
    }]);
    assert_eq!(t.packages[0].metrics.len(), 2);
    assert_eq!(
        uses(&t, 0)[0].def,
        None,
        "two fields named joins: ambiguous"
    );
}

#[test]
fn typed_field_picks_its_type_among_same_field_names() {
    let src = "package p\nimport (\n\tPROM\n\tAUTO\n)\n\
               type a struct{ joins *prometheus.CounterVec }\n\
               type b struct{ joins *prometheus.CounterVec }\n\
               func newA() a { return a{joins: promauto.NewCounterVec(prometheus.CounterOpts{Name: \"a_total\"}, []string{\"x\"})} }\n\
               func newB() *b {\n\tm := &b{}\n\tm.joins = promauto.NewCounterVec(prometheus.CounterOpts{Name: \"b_total\"}, []string{\"x\"})\n\treturn m\n}\n\
               func (m *b) hit() { m.joins.WithLabelValues(\"1\") }\n\
               func hitA(x a) { x.joins.Reset() }\n";
    let (fs, t) = tree(&[P {
        path: None,
        files: &[("p/a.go", src)],
    }]);
    let b = def_named(&fs, &t, "b_total");
    assert_eq!(
        b.stores,
        vec![Store::Field {
            type_name: Some("b".into()),
            field: "joins".into()
        }]
    );
    let us = uses(&t, 0);
    assert_eq!(us.len(), 2);
    assert_eq!(bound_name(&fs, &t, &us[0]), Some("\"b_total\""));
    assert_eq!(us[1].method, LabelMethod::Reset);
    assert_eq!(bound_name(&fs, &t, &us[1]), Some("\"a_total\""));
}

#[test]
fn package_var_in_another_file_grouped_and_assigned_in_init() {
    let (fs, t) = tree(&[P {
        path: None,
        files: &[
            (
                "p/defs.go",
                "package p\nimport PROM\nvar (\n\tjoins = prometheus.NewCounterVec(prometheus.CounterOpts{Name: \"joins_total\"}, []string{\"a\"})\n\tleaves *prometheus.CounterVec\n)\n\
                 func init() {\n\tleaves = prometheus.NewCounterVec(prometheus.CounterOpts{Name: \"leaves_total\"}, []string{\"a\", \"b\"})\n}\n",
            ),
            (
                "p/use.go",
                "package p\nfunc f(x string) {\n\tjoins.WithLabelValues(x).Inc()\n\tleaves.DeleteLabelValues(x, \"b\")\n}\n",
            ),
        ],
    }]);
    assert_eq!(
        def_named(&fs, &t, "joins_total").stores,
        vec![Store::PackageVar {
            name: "joins".into()
        }]
    );
    assert_eq!(
        def_named(&fs, &t, "leaves_total").stores,
        vec![Store::PackageVar {
            name: "leaves".into()
        }]
    );
    let us = uses(&t, 0);
    assert_eq!(us.len(), 2);
    assert_eq!(bound_name(&fs, &t, &us[0]), Some("\"joins_total\""));
    assert_eq!(bound_name(&fs, &t, &us[1]), Some("\"leaves_total\""));
}

#[test]
fn another_package_through_its_import_path() {
    let (fs, t) = tree(&[
        P {
            path: Some("example.com/app/internal/metrics"),
            files: &[(
                "internal/metrics/m.go",
                "package metrics\nimport AUTO\nimport \"github.com/prometheus/client_golang/prometheus\"\n\
                 var Joins = promauto.NewCounterVec(prometheus.CounterOpts{Name: \"joins_total\"}, []string{\"room_id\"})\n",
            )],
        },
        P {
            path: Some("example.com/app/internal/metrics"),
            files: &[(
                "internal/metrics/m_test.go",
                "package metrics_test\nimport m \"example.com/app/internal/metrics\"\nfunc T() { m.Joins.WithLabelValues(\"a\") }\n",
            )],
        },
        P {
            path: Some("example.com/app/room"),
            files: &[(
                "room/room.go",
                "package room\nimport mx \"example.com/app/internal/metrics\"\n\
                 func Join(id string) {\n\tmx.Joins.WithLabelValues(id, \"extra\")\n\tmx.Joins.Delete(map[string]string{\"room_id\": id})\n}\n",
            )],
        },
    ]);
    let us = uses(&t, 2);
    assert_eq!(us.len(), 2);
    assert_eq!(
        us[0].receiver,
        Receiver::PackageVar {
            import_path: Some("example.com/app/internal/metrics".into()),
            name: "Joins".into()
        }
    );
    assert_eq!(bound_name(&fs, &t, &us[0]), Some("\"joins_total\""));
    assert_eq!(us[0].def.map(|d| d.package), Some(0));
    assert_eq!(us[1].method, LabelMethod::Delete);
    assert_eq!(us[1].def, us[0].def);
    // The external test package binds to the non-test package of the path.
    assert_eq!(
        bound_name(&fs, &t, &uses(&t, 1)[0]),
        Some("\"joins_total\"")
    );
}

#[test]
fn local_var_binds_in_its_function_only_when_certain() {
    let src = "package p\nimport AUTO\nimport \"github.com/prometheus/client_golang/prometheus\"\n\
               func a() {\n\tv := promauto.NewCounterVec(prometheus.CounterOpts{Name: \"a_total\"}, []string{\"x\"})\n\tv.WithLabelValues(\"1\").Add(-2)\n}\n\
               func b() {\n\tv := promauto.NewCounterVec(prometheus.CounterOpts{Name: \"b_total\"}, []string{\"x\"})\n\tw := v\n\tw.WithLabelValues(\"1\")\n}\n\
               func c() {\n\tv := promauto.NewCounterVec(prometheus.CounterOpts{Name: \"c_total\"}, []string{\"x\"})\n\tv = nil\n\tv.WithLabelValues(\"1\")\n}\n";
    let (fs, t) = tree(&[P {
        path: None,
        files: &[("p/a.go", src)],
    }]);
    assert_eq!(
        def_named(&fs, &t, "a_total").stores,
        vec![Store::Local { name: "v".into() }]
    );
    let us = uses(&t, 0);
    assert_eq!(us.len(), 2, "the reassigned local is not recorded: {us:#?}");
    assert_eq!(bound_name(&fs, &t, &us[0]), Some("\"a_total\""));
    assert_eq!(bound_name(&fs, &t, &us[1]), Some("\"b_total\""));
    let op = &t.packages[0].metric_ops[0];
    assert_eq!(op.value, Some(-2.0));
    assert_eq!(op.def, us[0].def);
}

#[test]
fn package_level_struct_literal_fields() {
    let src = "package p\nimport PROM\n\
               var m = struct {\n\tjoins *prometheus.CounterVec\n}{\n\tjoins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: \"anon_total\"}, []string{\"x\"}),\n}\n\
               type ms struct{ hits *prometheus.CounterVec }\n\
               var n = &ms{hits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: \"named_total\"}, []string{\"x\"})}\n\
               func f() { m.joins.WithLabelValues(\"1\"); n.hits.With(prometheus.Labels{\"x\": \"1\"}) }\n";
    let (fs, t) = tree(&[P {
        path: None,
        files: &[("p/a.go", src)],
    }]);
    assert_eq!(
        def_named(&fs, &t, "anon_total").stores,
        vec![Store::PackageVarField {
            var: "m".into(),
            field: "joins".into()
        }]
    );
    assert_eq!(
        def_named(&fs, &t, "named_total").stores,
        vec![
            Store::PackageVarField {
                var: "n".into(),
                field: "hits".into()
            },
            Store::Field {
                type_name: Some("ms".into()),
                field: "hits".into()
            }
        ]
    );
    let us = uses(&t, 0);
    assert_eq!(
        us[0].receiver,
        Receiver::PackageVarField {
            var: "m".into(),
            field: "joins".into()
        }
    );
    assert_eq!(bound_name(&fs, &t, &us[0]), Some("\"anon_total\""));
    assert_eq!(bound_name(&fs, &t, &us[1]), Some("\"named_total\""));
}

#[test]
fn unknown_package_var_and_unknown_import_stay_unbound() {
    let (_, t) = tree(&[P {
        path: Some("example.com/p"),
        files: &[(
            "p/a.go",
            "package p\nimport other \"example.com/other\"\nfunc f() { other.Joins.WithLabelValues(\"a\"); joins.Reset() }\n",
        )],
    }]);
    let us = uses(&t, 0);
    assert_eq!(us.len(), 2);
    assert!(us.iter().all(|u| u.def.is_none()));
}

#[test]
fn local_then_stored_in_a_literal_or_field() {
    let src = "package p\nimport PROM\n\
               type delegate struct {\n\treceived *prometheus.CounterVec\n\tsent *prometheus.CounterVec\n}\n\
               func newDelegate(reg prometheus.Registerer) *delegate {\n\
               \treceived := prometheus.NewCounterVec(prometheus.CounterOpts{Name: \"received_total\"}, []string{\"kind\"})\n\
               \tsent := prometheus.NewCounterVec(prometheus.CounterOpts{Name: \"sent_total\"}, []string{\"kind\"})\n\
               \treg.MustRegister(received, sent)\n\
               \td := &delegate{received: received}\n\
               \td.sent = sent\n\
               \tgo func() { other := &delegate{received: received}; _ = other }()\n\
               \treturn d\n}\n\
               func (d *delegate) on() {\n\td.received.WithLabelValues(\"a\").Inc()\n\td.sent.WithLabelValues(\"a\").Inc()\n}\n";
    let (fs, t) = tree(&[P {
        path: None,
        files: &[("p/a.go", src)],
    }]);
    assert_eq!(
        def_named(&fs, &t, "received_total").stores,
        vec![
            Store::Local {
                name: "received".into()
            },
            Store::Field {
                type_name: Some("delegate".into()),
                field: "received".into()
            }
        ]
    );
    assert_eq!(
        def_named(&fs, &t, "sent_total").stores[1],
        Store::Field {
            type_name: Some("delegate".into()),
            field: "sent".into()
        }
    );
    let us = uses(&t, 0);
    assert_eq!(bound_name(&fs, &t, &us[0]), Some("\"received_total\""));
    assert_eq!(bound_name(&fs, &t, &us[1]), Some("\"sent_total\""));
    let reg = &t.packages[0].registrations[0];
    assert!(reg.collectors.iter().all(|c| c.1.is_some()));
}

#[test]
fn typed_locals_package_vars_from_constructors_and_dot_imports() {
    let src = "package p\nimport . PROM\n\
               type metrics struct{ joins *CounterVec }\n\
               func newMetrics() *metrics {\n\tvar m metrics\n\tm.joins = NewCounterVec(CounterOpts{Name: \"joins_total\"}, []string{\"x\"})\n\tMustRegister(m.joins)\n\treturn &m\n}\n\
               var global = newMetrics()\n\
               func f(ids []string) {\n\tfor _, id := range ids {\n\t\tglobal.joins.WithLabelValues(id)\n\t}\n}\n";
    let (fs, t) = tree(&[P {
        path: None,
        files: &[("p/a.go", src)],
    }]);
    assert_eq!(
        def_named(&fs, &t, "joins_total").stores,
        vec![Store::Field {
            type_name: Some("metrics".into()),
            field: "joins".into()
        }]
    );
    let u = &uses(&t, 0)[0];
    assert_eq!(
        u.receiver,
        Receiver::Field {
            type_name: Some("metrics".into()),
            field: "joins".into()
        }
    );
    assert_eq!(bound_name(&fs, &t, u), Some("\"joins_total\""));
    assert!(u.func.in_loop);
    let r = &t.packages[0].registrations[0];
    assert_eq!(r.registry, crate::facts::RegistryKind::Default);
    assert!(r.collectors[0].1.is_some());
}
