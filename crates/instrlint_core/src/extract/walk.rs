//! The one walk over a parsed file: every pass takes the nodes it wants from
//! it (metric definitions and uses, PromQL sites, suppression scopes, the
//! first syntax error, the tracer and meter field indexes, context calls),
//! and the calls whose facts need the package's field indexes are put off
//! until every file has been walked (`spans::Tx::unit_spans`,
//! `otel::Mx::unit_otel`).

use super::context::ScopeCx;
use super::funcs::Mark;
use super::kinds::KINDS;
use super::otel::{otel_candidate, Mx};
use super::pkg::{Api, Pkg};
use super::promql::{self, Sites};
use super::spans::{indexes, span_candidate, Lib, Tx};
use super::uses::UseFacts;
use super::values::Site;
use super::walker::{visit, MarkLog};
use crate::facts::{BackgroundCall, ConstMetric, MetricDef};
use crate::source::Span;
use aho_corasick::AhoCorasick;
use std::sync::LazyLock;
use tree_sitter::Node;

static SUPPRESS_SCAN: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(["nolint", "instrlint:ignore"]).expect("static suppression patterns are valid")
});

/// What the one walk of a unit does, decided before it starts.
#[derive(Clone, Copy, Default)]
pub(crate) struct Passes {
    /// Metric definitions and uses, PromQL sites, suppression scopes and the
    /// first syntax error: the unit is walked for facts.
    pub facts: bool,
    /// Struct fields that hold tracers ([`Tx::index_fields`]) or meters
    /// ([`Mx::index_fields`]), for the package-wide indexes.
    pub tracer_index: bool,
    pub meter_index: bool,
    /// `context.Background()`/`TODO()` calls, read where they are (their
    /// facts look at the ancestors).
    pub contexts: bool,
    /// Calls named like span starts and `WithValue`, and like OTel
    /// instrument constructors and measurement options: put off.
    pub spans: bool,
    pub otel: bool,
}

impl Passes {
    pub fn any(&self) -> bool {
        self.facts
            || self.tracer_index
            || self.meter_index
            || self.contexts
            || self.spans
            || self.otel
    }
}

#[derive(Default)]
pub(crate) struct FileFacts<'t> {
    pub metrics: Vec<MetricDef>,
    pub const_metrics: Vec<ConstMetric>,
    pub uses: UseFacts,
    pub suppression_scopes: Vec<Span>,
    pub syntax_error: Option<Span>,
    pub query_sites: Sites<'t>,
    pub background_calls: Vec<BackgroundCall>,
    /// Calls put off, with the marks around each in `log`.
    pub span_calls: Vec<(Node<'t>, u32)>,
    pub otel_calls: Vec<(Node<'t>, u32)>,
    pub log: MarkLog<'t>,
    /// Index entries, in walk order.
    pub tracer_fields: Vec<(&'t str, Lib)>,
    pub meter_fields: Vec<&'t str>,
}

impl<'t> Pkg<'t> {
    /// The one walk of unit `u`. `tx` and `mx` are the package without
    /// tracer and meter fields, as the indexes see it while they are built.
    pub fn walk_unit(
        &self,
        u: usize,
        passes: Passes,
        tx: &Tx<'_, 't>,
        mx: &Mx<'_, 't>,
    ) -> FileFacts<'t> {
        let unit = &self.units[u];
        let mut out = FileFacts::default();
        let Some(root) = unit.root else {
            return out;
        };
        let rows = if passes.facts {
            suppression_rows(&unit.src.text)
        } else {
            Vec::new()
        };
        let metric_api = |a: &Api| {
            a.is(Api::Prometheus) || matches!(a, Api::Promauto | Api::GoKitProm | Api::KsmGenerator)
        };
        let wants_metrics = passes.facts
            && (unit.imports.apis.values().any(metric_api)
                || unit.imports.dots.iter().any(metric_api));
        let mut wants_error = passes.facts && root.has_error();
        let uses_api = promql::uses_api(self, u);
        let indexes_fields = passes.tracer_index || passes.meter_index;
        let put_off = passes.spans || passes.otel;

        let text = unit.src.text.as_str();
        let mut log = MarkLog::default();
        let mut tracer_fields = Vec::new();
        let mut meter_fields = Vec::new();
        visit(
            root,
            text,
            put_off.then_some(&mut log),
            |path, marks, chain, top| {
                let node = path[path.len() - 1];
                if passes.facts {
                    promql::collect_site(path, chain, uses_api, text, &mut out.query_sites);
                    if wants_error && (node.is_error() || node.is_missing()) {
                        out.syntax_error = Some(self.span(u, node));
                        wants_error = false;
                    }
                    if !rows.is_empty() && is_scope_kind(node.kind()) {
                        let start = node.start_position().row;
                        let covered = rows.binary_search(&start).is_ok()
                            || (start > 0 && rows.binary_search(&(start - 1)).is_ok());
                        if covered && node.end_position().row > start {
                            out.suppression_scopes.push(self.span(u, node));
                        }
                    }
                }
                if indexes_fields && indexes(node) {
                    let site = Site { unit: u, chain };
                    if passes.tracer_index {
                        tx.index_fields(site, node, &mut tracer_fields);
                    }
                    if passes.meter_index {
                        mx.index_fields(site, node, &mut meter_fields);
                    }
                }
                if node.kind_id() != KINDS.call_expression {
                    return;
                }
                if wants_metrics {
                    self.visit_call(u, node, path, marks, chain, &mut out.metrics);
                    let site = Site { unit: u, chain };
                    out.const_metrics.extend(self.const_metric(site, node));
                }
                if passes.facts {
                    if let Some(what) = self.use_kind(u, node) {
                        let site = Site { unit: u, chain };
                        let func = || self.func_context(u, marks.iter().map(|m| &m.1));
                        let up = &path[..path.len() - 1];
                        self.visit_use(site, node, up, what, func, &mut out.uses);
                    }
                }
                let mut background = None;
                if passes.contexts {
                    let site = Site { unit: u, chain };
                    background = tx.background_call(&ScopeCx { site, path, marks }, node);
                }
                match background {
                    Some(bg) => out.background_calls.push(bg),
                    None if passes.spans && span_candidate(self, u, node) => {
                        out.span_calls.push((node, top));
                    }
                    None => {}
                }
                if passes.otel && otel_candidate(self, u, node) {
                    out.otel_calls.push((node, top));
                }
            },
        );
        out.log = log;
        out.tracer_fields = tracer_fields;
        out.meter_fields = meter_fields;
        out
    }

    fn visit_call(
        &self,
        u: usize,
        call: Node<'t>,
        path: &[Node<'t>],
        marks: &[(usize, Mark<'t>)],
        chain: &[Node<'t>],
        out: &mut Vec<MetricDef>,
    ) {
        if !self.may_be_constructor(u, call) {
            return;
        }
        let site = Site { unit: u, chain };
        let Some((api, ctor)) = self.constructor(site, call) else {
            return;
        };
        let func = self.func_context(u, marks.iter().map(|m| &m.1));
        let mut def = self.metric_def(site, call, api, ctor, func);
        def.stores = self.stores(site, call, &path[..path.len() - 1]);
        out.push(def);
    }
}

fn is_scope_kind(kind: &str) -> bool {
    kind.ends_with("_statement")
        || kind.ends_with("_declaration")
        || matches!(kind, "var_spec" | "const_spec")
}

/// 0-based rows holding a `nolint` / `instrlint:ignore` comment, sorted.
fn suppression_rows(text: &str) -> Vec<usize> {
    let mut rows = Vec::new();
    let bytes = text.as_bytes();
    let (mut row, mut counted_to) = (0usize, 0usize);
    for m in SUPPRESS_SCAN.find_iter(text) {
        row += bytes[counted_to..m.start()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = m.start();
        let line_start = bytes[..m.start()]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let before = &text[line_start..m.start()];
        if (before.contains("//") || before.contains("/*")) && rows.last() != Some(&row) {
            rows.push(row);
        }
    }
    rows
}
