//! Siblings read only for their declarations: indexed, their trees dropped,
//! a declaration parsed alone when a lookup asks for it.

use super::tests::files_importing;
use super::{extract_package_walking, set_sibling_trees, sibling_counts};
use crate::facts::PackageFacts;
use crate::source::SourceFile;
use crate::value::Value;

const PROM: &str = "\"github.com/prometheus/client_golang/prometheus\"";

/// A package of two files: `walked`, and a sibling (`PROM` in their texts is
/// client_golang's import path).
fn walked_and_sibling(walked: (&str, &str), sibling: (&str, &str)) -> Vec<SourceFile> {
    files_importing(&[walked, sibling], &[("PROM", PROM)])
}

/// What `extract` reads with every sibling's tree at hand, checked to be
/// what it reads with the siblings indexed (`what` names the package); the
/// facts, with the siblings indexed and the packages sent back to their
/// trees meanwhile.
pub(super) fn indexed_and_trees(
    what: &str,
    extract: impl Fn() -> PackageFacts,
) -> (PackageFacts, (usize, usize)) {
    set_sibling_trees(true);
    let trees = extract();
    set_sibling_trees(false);
    let before = sibling_counts();
    let indexed = extract();
    let after = sibling_counts();
    assert_eq!(format!("{indexed:#?}"), format!("{trees:#?}"), "{what}");
    (indexed, (after.0 - before.0, after.1 - before.1))
}

/// [`indexed_and_trees`] of the package whose first file alone is walked.
fn both_ways(fs: &[SourceFile]) -> (PackageFacts, (usize, usize)) {
    let refs: Vec<&SourceFile> = fs.iter().collect();
    let walk: Vec<bool> = (0..fs.len()).map(|i| i == 0).collect();
    indexed_and_trees("room", || {
        extract_package_walking("pkg", "room", &refs, walk.clone())
    })
}

fn metric_names(facts: &PackageFacts) -> Vec<String> {
    facts
        .metrics
        .iter()
        .map(|m| match &m.fq_name {
            Value::Resolved(s) => s.text.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn a_constant_is_read_from_its_declaration_parsed_alone() {
    let fs = walked_and_sibling(
        ("metrics.go", "package room\nimport PROM\nvar joins = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: prefix + \"joins_total\"})\n"),
        ("names.go", "package room\n\nfunc helper() int { return 1 }\n\nconst (\n\tns     = \"live\"\n\tprefix = \"room_\"\n)\n\nvar unrelated = helper()\n"),
    );
    let (indexed, counts) = both_ways(&fs);
    assert_eq!(metric_names(&indexed), ["live_room_joins_total"]);
    assert_eq!(counts, (1, 0));
    // The name parts point into the sibling, at the declarations.
    let parts = &indexed.metrics[0].name_parts;
    let decl = parts[0].decl.expect("declaration of ns");
    assert_eq!(decl.file, fs[1].id);
    assert_eq!(
        &fs[1].text[decl.start as usize..decl.end as usize],
        "ns     = \"live\""
    );
}

#[test]
fn a_declaration_with_a_syntax_error_sends_the_siblings_back_to_their_trees() {
    let fs = walked_and_sibling(
        ("metrics.go", "package room\nimport PROM\nvar joins = prometheus.NewCounter(prometheus.CounterOpts{Name: prefix + \"joins_total\"})\n"),
        ("names.go", "package room\n\nconst (\n\tprefix = \"room_\"\n\tbroken = 1 + + ,\n)\n"),
    );
    let (indexed, counts) = both_ways(&fs);
    // Read from the whole file's tree, the group's first constant is there.
    assert_eq!(metric_names(&indexed), ["room_joins_total"]);
    assert_eq!(counts, (1, 1));
}

#[test]
fn tracer_fields_of_an_indexed_sibling_are_read_from_its_tree_parsed_again() {
    let fs = walked_and_sibling(
        ("join.go", "package room\nimport (\n\t\"context\"\n\tPROM\n)\nvar joins = prometheus.NewCounter(prometheus.CounterOpts{Name: prefix + \"joins_total\"})\nfunc (s *server) Join(ctx context.Context) {\n\tctx, span := s.tracer.Start(ctx, prefix+\"join\")\n\tdefer span.End()\n\tjoins.Inc()\n\t_ = ctx\n}\n"),
        ("server.go", "package room\nimport \"go.opentelemetry.io/otel/trace\"\nconst prefix = \"room_\"\ntype server struct {\n\ttracer trace.Tracer\n}\n"),
    );
    let (indexed, counts) = both_ways(&fs);
    assert_eq!(counts, (1, 0));
    assert_eq!(indexed.span_starts.len(), 1, "{:#?}", indexed.span_starts);
    match &indexed.span_starts[0].name.value {
        Value::Resolved(s) => assert_eq!(s.text, "room_join"),
        other => panic!("unresolved span name {other:?}"),
    }
}
