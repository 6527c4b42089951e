//! Property tests of the constant folder (`values.rs`) through extraction:
//! a metric name built from literals, constants, parentheses and `+` folds
//! to the concatenation; a bucket built from integer arithmetic folds to its
//! value.

use super::extract_package;
use crate::facts::Buckets;
use crate::source::{FileId, SourceFile};
use crate::value::Value;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Str {
    Lit(String),
    Const(usize),
    Paren(Box<Str>),
    Cat(Box<Str>, Box<Str>),
}

#[derive(Clone, Debug)]
enum Int {
    Lit(i64),
    Neg(Box<Int>),
    Paren(Box<Int>),
    Bin(Box<Int>, char, Box<Int>),
}

const CONSTS: &[&str] = &["app", "_http", "requests", "", "_total"];

fn str_expr() -> impl Strategy<Value = Str> {
    let leaf = prop_oneof![
        "[a-z_]{0,5}".prop_map(Str::Lit),
        (0..CONSTS.len()).prop_map(Str::Const),
    ];
    leaf.prop_recursive(6, 40, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Str::Paren(Box::new(e))),
            (inner.clone(), inner).prop_map(|(a, b)| Str::Cat(Box::new(a), Box::new(b))),
        ]
    })
}

fn int_expr() -> impl Strategy<Value = Int> {
    (0i64..50)
        .prop_map(Int::Lit)
        .prop_recursive(5, 30, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Int::Neg(Box::new(e))),
                inner.clone().prop_map(|e| Int::Paren(Box::new(e))),
                (
                    inner.clone(),
                    prop_oneof![Just('+'), Just('-'), Just('*')],
                    inner
                )
                    .prop_map(|(a, op, b)| Int::Bin(Box::new(a), op, Box::new(b))),
            ]
        })
}

fn go_str(e: &Str) -> String {
    match e {
        Str::Lit(s) => format!("\"{s}\""),
        Str::Const(i) => format!("k{i}"),
        Str::Paren(e) => format!("({})", go_str(e)),
        Str::Cat(a, b) => format!("{} + {}", go_str(a), go_str(b)),
    }
}

fn value_str(e: &Str) -> String {
    match e {
        Str::Lit(s) => s.clone(),
        Str::Const(i) => CONSTS[*i].to_string(),
        Str::Paren(e) => value_str(e),
        Str::Cat(a, b) => value_str(a) + &value_str(b),
    }
}

fn go_int(e: &Int) -> String {
    match e {
        Int::Lit(v) => v.to_string(),
        // A space keeps `- -1` from reading as `--`.
        Int::Neg(e) => format!("-({})", go_int(e)),
        Int::Paren(e) => format!("({})", go_int(e)),
        Int::Bin(a, op, b) => format!("({} {op} {})", go_int(a), go_int(b)),
    }
}

fn value_int(e: &Int) -> i64 {
    match e {
        Int::Lit(v) => *v,
        Int::Neg(e) => -value_int(e),
        Int::Paren(e) => value_int(e),
        Int::Bin(a, op, b) => {
            let (a, b) = (value_int(a), value_int(b));
            match op {
                '+' => a + b,
                '-' => a - b,
                _ => a * b,
            }
        }
    }
}

fn facts_of(text: String) -> crate::facts::PackageFacts {
    let f = SourceFile {
        id: FileId(0),
        path: "a.go".to_string(),
        abs_path: "a.go".into(),
        text,
        lossy: false,
        is_test: false,
    };
    extract_package("pkg", "pkg", &[&f])
}

proptest! {
    // Each case parses a file in a debug build: fewer cases than the default.
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn string_constants_fold_to_their_concatenation(e in str_expr()) {
        let consts: String = CONSTS
            .iter()
            .enumerate()
            .map(|(i, v)| format!("const k{i} = \"{v}\"\n"))
            .collect();
        let text = format!(
            "package pkg\nimport \"github.com/prometheus/client_golang/prometheus\"\n{consts}\
             var c = prometheus.NewCounter(prometheus.CounterOpts{{Name: {}, Help: \"h\"}})\n",
            go_str(&e)
        );
        let facts = facts_of(text.clone());
        prop_assert_eq!(facts.metrics.len(), 1, "{}", text);
        match &facts.metrics[0].fq_name {
            Value::Resolved(s) => prop_assert_eq!(&s.text, &value_str(&e), "{}", text),
            other => prop_assert!(false, "not folded: {:?}\n{}", other, text),
        }
    }

    #[test]
    fn integer_arithmetic_folds_to_its_value(e in int_expr()) {
        let text = format!(
            "package pkg\nimport \"github.com/prometheus/client_golang/prometheus\"\n\
             var h = prometheus.NewHistogram(prometheus.HistogramOpts{{Name: \"a_seconds\", Help: \"h\", Buckets: []float64{{{}}}}})\n",
            go_int(&e)
        );
        let facts = facts_of(text.clone());
        prop_assert_eq!(facts.metrics.len(), 1, "{}", text);
        match facts.metrics[0].buckets.as_ref() {
            Some(Buckets::Literal { values, .. }) => {
                prop_assert_eq!(values.len(), 1);
                prop_assert_eq!(values[0].0, Some(value_int(&e) as f64), "{}", text);
            }
            other => prop_assert!(false, "{:?}\n{}", other, text),
        }
    }
}

/// Found by the `source` fuzz target: a fold that branches at every level of
/// a cycle ran 2^MAX_DEPTH steps (the run never ended). Each must now finish,
/// leaving the name unresolved.
#[test]
fn cyclic_constants_fold_in_bounded_time() {
    for decls in [
        "const a = b + b\nconst b = a + a\n",
        "const a = a + a\n",
        "const a = f(b, b)\nconst b = f(a, a)\n",
    ] {
        let text = format!(
            "package pkg\nimport \"github.com/prometheus/client_golang/prometheus\"\n{decls}\
             var c = prometheus.NewCounter(prometheus.CounterOpts{{Name: a, Help: \"h\"}})\n\
             var h = prometheus.NewHistogram(prometheus.HistogramOpts{{Name: \"x_seconds\", Help: \"h\", Buckets: []float64{{n}}}})\n\
             const n = m * m\nconst m = n + n\n"
        );
        let facts = facts_of(text);
        assert_eq!(facts.metrics.len(), 2);
        assert!(!matches!(facts.metrics[0].fq_name, Value::Resolved(_)));
    }
}

#[test]
fn self_referencing_local_folds_in_bounded_time() {
    let text = "package pkg\nimport \"github.com/prometheus/client_golang/prometheus\"\n\
                func f() {\n\tname := g(name, name)\n\
                \t_ = prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: \"h\"})\n}\n";
    let facts = facts_of(text.to_string());
    assert_eq!(facts.metrics.len(), 1);
}
