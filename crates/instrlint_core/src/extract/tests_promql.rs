//! PromQL query extraction from Go source.

use super::tests::{at, run_importing};
use crate::facts::{PackageFacts, Query, QuerySource};
use crate::source::SourceFile;

const API: &str = "\"github.com/prometheus/client_golang/api/prometheus/v1\"";

fn run(srcs: &[(&str, &str)]) -> (Vec<SourceFile>, PackageFacts) {
    run_importing(srcs, &[("API", API)])
}

fn metrics(q: &Query) -> Vec<&str> {
    q.selectors.iter().map(|s| s.metric.as_str()).collect()
}

#[test]
fn literals_raw_strings_and_concatenations() {
    let (fs, facts) = run(&[(
        "a.go",
        "package alerts\n\
         const base = \"room_join_seconds\"\n\
         const p99 = `histogram_quantile(0.99,\n  sum by (le) (rate(room_join_seconds[5m])))`\n\
         func f() string { return \"rate(\" + base + \"_bucket[5m])\" }\n\
         var words = \"hello (world)\"\n\
         var selector = \"up\"\n",
    )]);
    assert_eq!(facts.queries.len(), 2, "{:#?}", facts.queries);
    let (a, b) = (&facts.queries[0], &facts.queries[1]);
    assert!(at(&fs, a.span).starts_with("`histogram_quantile"));
    assert_eq!(metrics(a), ["room_join_seconds"]);
    assert!(a.selectors[0].used.in_quantile);
    assert_eq!(a.source, QuerySource::GoLiteral);
    assert_eq!(at(&fs, b.span), "\"rate(\" + base + \"_bucket[5m])\"");
    assert_eq!(b.text, "rate(room_join_seconds_bucket[5m])");
}

#[test]
fn api_call_with_a_constant_is_one_site() {
    let (fs, facts) = run(&[
        (
            "q.go",
            "package alerts\nconst members = \"rate(room_members[5m])\"\n",
        ),
        (
            "a.go",
            "package alerts\n\
             import (\n\t\"context\"\n\t\"time\"\n\tAPI\n)\n\
             func check(ctx context.Context, api v1.API) {\n\
             \tapi.Query(ctx, members, time.Now())\n\
             \tapi.QueryRange(ctx, \"increase(jobs[1h])\", v1.Range{})\n\
             }\n",
        ),
    ]);
    assert_eq!(facts.queries.len(), 2, "{:#?}", facts.queries);
    let (a, b) = (&facts.queries[0], &facts.queries[1]);
    assert_eq!(at(&fs, a.span), "members");
    assert_eq!(
        a.source,
        QuerySource::ApiCall {
            method: "Query".into()
        }
    );
    assert_eq!(
        at(&fs, a.decl.unwrap()),
        "members = \"rate(room_members[5m])\""
    );
    assert_eq!(a.selectors[0].used.rate_fn.as_deref(), Some("rate"));
    assert_eq!(at(&fs, b.span), "\"increase(jobs[1h])\"");
    assert_eq!(metrics(b), ["jobs"]);
}

#[test]
fn imports_tags_and_dynamic_strings_are_not_queries() {
    let (_, facts) = run(&[(
        "a.go",
        "package alerts\n\
         import \"context\"\n\
         type T struct { A string `json:\"rate(x[5m])\"` }\n\
         func f(ctx context.Context, m string) string { return \"rate(\" + m + \"[5m])\" }\n",
    )]);
    assert!(facts.queries.is_empty(), "{:#?}", facts.queries);
}

#[test]
fn sprintf_formats_and_concatenations_with_variables_are_templates() {
    let (fs, facts) = run(&[(
        "a.go",
        "package alerts\n\
         import (\n\t\"fmt\"\n\t\"context\"\n\t\"time\"\n\tAPI\n)\n\
         const joinsFmt = \"sum(rate(room_joins{job=%q}[%s]))\"\n\
         func a(window string) string { return fmt.Sprintf(\"rate(room_leaves[%s])\", window) }\n\
         func b(job, window string) string { return fmt.Sprintf(joinsFmt, job, window) }\n\
         func c(window string) string { return \"rate(room_gifts[\" + window + \"])\" }\n\
         func d(name string) string { return \"rate(\" + name + \"[5m])\" }\n\
         func e(n int) string { return fmt.Sprintf(\"failed %d times (retrying)\", n) }\n\
         func f(ctx context.Context, api v1.API, job string) {\n\
         \tapi.Query(ctx, fmt.Sprintf(\"increase(room_kicks{job=%q}[1h])\", job), time.Now())\n}\n",
    )]);
    let found: Vec<(&str, Vec<&str>)> = facts
        .queries
        .iter()
        .map(|q| (at(&fs, q.span), metrics(q)))
        .collect();
    assert_eq!(
        found,
        [
            ("\"rate(room_leaves[%s])\"", vec!["room_leaves"]),
            ("joinsFmt", vec!["room_joins"]),
            ("\"rate(room_gifts[\" + window + \"])\"", vec!["room_gifts"]),
            (
                "fmt.Sprintf(\"increase(room_kicks{job=%q}[1h])\", job)",
                vec!["room_kicks"]
            ),
        ]
    );
    // The constant format is reported where it is used, not again where declared.
    assert!(facts.queries[1].decl.is_some());
}
