//! PromQL text → the named selectors Q rules judge, with the functions around
//! them. Parsing is `promql-parser`'s; this module only walks its syntax tree.

use crate::facts::{QuerySelector, SelectorUse};
use promql_parser::label::{MatchOp, METRIC_NAME};
use promql_parser::parser::{self, Expr, VectorSelector};

/// Functions whose range-vector argument Q702 checks.
pub const RATE_FUNCTIONS: &[&str] = &["rate", "irate", "increase"];

/// What a parsed query holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    pub selectors: Vec<QuerySelector>,
    /// A function call or an aggregation.
    pub has_call: bool,
    /// A range selector (`x[5m]`) or a subquery.
    pub has_range: bool,
}

impl Analysis {
    /// Enough structure to be taken for a query when found in an arbitrary
    /// string: plain words parse as selectors, so they are not.
    pub fn looks_like_query(&self) -> bool {
        self.has_call || self.has_range
    }
}

/// Parse `text` as PromQL. The error is the parser's message.
pub fn analyze(text: &str) -> Result<Analysis, String> {
    let expr = parser::parse(text)?;
    let mut out = Analysis::default();
    walk(&expr, Around::default(), &mut out);
    Ok(out)
}

/// Cheap test before parsing a Go string: a function call or a range
/// selector needs a `(` or a `[`.
pub fn may_be_query(text: &str) -> bool {
    (text.contains('(') || text.contains('[')) && text.len() <= 16 * 1024
}

/// The context a sub-expression sits in.
#[derive(Clone, Copy, Default)]
struct Around<'a> {
    in_quantile: bool,
    /// Set only for the direct argument of a rate function.
    rate_fn: Option<&'a str>,
}

impl Around<'_> {
    fn outside_quantile() -> Self {
        Around::default()
    }
    fn keep_quantile(self) -> Self {
        Around {
            in_quantile: self.in_quantile,
            rate_fn: None,
        }
    }
}

fn walk(e: &Expr, around: Around<'_>, out: &mut Analysis) {
    match e {
        Expr::Aggregate(a) => {
            out.has_call = true;
            walk(&a.expr, around.keep_quantile(), out);
            if let Some(p) = &a.param {
                walk(p, Around::outside_quantile(), out);
            }
        }
        Expr::Unary(u) => walk(&u.expr, Around::outside_quantile(), out),
        Expr::Binary(b) => {
            walk(&b.lhs, Around::outside_quantile(), out);
            walk(&b.rhs, Around::outside_quantile(), out);
        }
        Expr::Paren(p) => walk(&p.expr, around.keep_quantile(), out),
        Expr::Subquery(s) => {
            out.has_range = true;
            walk(&s.expr, around.keep_quantile(), out);
        }
        Expr::VectorSelector(vs) => record(vs, around, out),
        Expr::MatrixSelector(ms) => {
            out.has_range = true;
            record(&ms.vs, around, out);
        }
        Expr::Call(c) => {
            out.has_call = true;
            let name = c.func.name;
            for (i, arg) in c.args.args.iter().enumerate() {
                let inner = match name {
                    "histogram_quantile" => Around {
                        in_quantile: i == 1,
                        rate_fn: None,
                    },
                    f if RATE_FUNCTIONS.contains(&f) => Around {
                        in_quantile: around.in_quantile,
                        rate_fn: Some(f),
                    },
                    _ => Around::outside_quantile(),
                };
                walk(arg, inner, out);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

fn record(vs: &VectorSelector, around: Around<'_>, out: &mut Analysis) {
    let Some(metric) = metric_name(vs) else {
        return;
    };
    out.selectors.push(QuerySelector {
        metric,
        used: SelectorUse {
            rate_fn: around.rate_fn.map(str::to_string),
            in_quantile: around.in_quantile,
        },
        defined: None,
    });
}

/// The selector's metric name: written before the braces, or an equality
/// matcher on `__name__`.
fn metric_name(vs: &VectorSelector) -> Option<String> {
    if let Some(n) = &vs.name {
        return Some(n.clone());
    }
    vs.matchers
        .matchers
        .iter()
        .find(|m| m.name == METRIC_NAME && matches!(m.op, MatchOp::Equal))
        .map(|m| m.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(a: &Analysis) -> Vec<(&str, Option<&str>, bool)> {
        a.selectors
            .iter()
            .map(|s| {
                (
                    s.metric.as_str(),
                    s.used.rate_fn.as_deref(),
                    s.used.in_quantile,
                )
            })
            .collect()
    }

    #[test]
    fn quantile_through_aggregation_and_rate() {
        let a = analyze("histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))").unwrap();
        assert_eq!(sel(&a), [("x_bucket", Some("rate"), true)]);
        assert!(a.has_call && a.has_range);
    }

    #[test]
    fn binary_operands_do_not_reach_the_quantile() {
        let a =
            analyze("histogram_quantile(0.9, rate(a[5m]) / ignoring(le) group_left b)").unwrap();
        assert_eq!(sel(&a), [("a", Some("rate"), false), ("b", None, false)]);
    }

    #[test]
    fn name_matcher_and_regex_names() {
        let a = analyze(r#"increase({__name__="jobs_done"}[1h]) + rate({__name__=~"x.*"}[5m])"#)
            .unwrap();
        assert_eq!(sel(&a), [("jobs_done", Some("increase"), false)]);
    }

    #[test]
    fn subquery_is_not_directly_under_rate() {
        let a = analyze("rate(sum(x)[5m:1m])").unwrap();
        assert_eq!(sel(&a), [("x", None, false)]);
    }

    #[test]
    fn plain_words_are_not_queries() {
        let a = analyze("hello").unwrap();
        assert!(!a.looks_like_query());
        assert!(analyze("hello world").is_err());
        assert!(analyze("rate(x[5m]").is_err());
    }
}
