//! The walk over one parsed file for metric definitions, metric uses,
//! suppression scopes and the first syntax error.

use super::funcs::Mark;
use super::kinds::KINDS;
use super::pkg::{Api, Pkg};
use super::promql::{self, Sites};
use super::uses::UseFacts;
use super::values::Site;
use super::walker::visit;
use crate::facts::{ConstMetric, MetricDef};
use crate::source::Span;
use aho_corasick::AhoCorasick;
use std::sync::LazyLock;
use tree_sitter::Node;

static SUPPRESS_SCAN: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(["nolint", "instrlint:ignore"]).expect("static suppression patterns are valid")
});

#[derive(Default)]
pub(crate) struct FileFacts<'t> {
    pub metrics: Vec<MetricDef>,
    pub const_metrics: Vec<ConstMetric>,
    pub uses: UseFacts,
    pub suppression_scopes: Vec<Span>,
    pub syntax_error: Option<Span>,
    pub query_sites: Sites<'t>,
}

impl<'t> Pkg<'t> {
    pub fn walk_unit(&self, u: usize) -> FileFacts<'t> {
        let unit = &self.units[u];
        let root = unit.root;
        let mut out = FileFacts::default();
        let rows = suppression_rows(&unit.src.text);
        let metric_api = |a: &Api| {
            a.is(Api::Prometheus) || matches!(a, Api::Promauto | Api::GoKitProm | Api::KsmGenerator)
        };
        let wants_metrics =
            unit.imports.values().any(metric_api) || unit.dots.iter().any(metric_api);
        let mut wants_error = root.has_error();
        let uses_api = promql::uses_api(self, u);

        let text = unit.src.text.as_str();
        visit(root, text, |path, marks, chain| {
            let node = path[path.len() - 1];
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
            if node.kind_id() == KINDS.call_expression {
                if wants_metrics {
                    self.visit_call(u, node, path, marks, chain, &mut out.metrics);
                    let site = Site { unit: u, chain };
                    out.const_metrics.extend(self.const_metric(site, node));
                }
                if let Some(what) = self.use_kind(u, node) {
                    let site = Site { unit: u, chain };
                    let func = || self.func_context(u, marks.iter().map(|m| &m.1));
                    let up = &path[..path.len() - 1];
                    self.visit_use(site, node, up, what, func, &mut out.uses);
                }
            }
        });
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
