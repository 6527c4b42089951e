//! Hand-built PromQL facts for the Q rule tests.

use crate::rule::{Sink, TreeCtx};
use instrlint_core::config::Settings;
use instrlint_core::facts::{
    MetricKind, PackageFacts, QueriedDefinition, Query, QuerySelector, QuerySource, RuleFileFacts,
    SelectorUse, TreeFacts,
};
use instrlint_core::{Diagnostic, FileId, Span};

/// A selector under construction.
pub struct Sel(QuerySelector);

fn sel(metric: &str, rate_fn: Option<&str>, in_quantile: bool) -> Sel {
    Sel(QuerySelector {
        metric: metric.into(),
        used: SelectorUse {
            rate_fn: rate_fn.map(str::to_string),
            in_quantile,
        },
        defined: None,
    })
}

/// A selector reaching `histogram_quantile`, directly or under `rate_fn`.
pub fn quantile(metric: &str, rate_fn: Option<&str>) -> Sel {
    sel(metric, rate_fn, true)
}

/// A selector directly under `rate_fn`, outside any quantile.
pub fn rated(metric: &str, rate_fn: &str) -> Sel {
    sel(metric, Some(rate_fn), false)
}

/// A selector under no function Q rules look at.
pub fn plain(metric: &str) -> Sel {
    sel(metric, None, false)
}

impl Sel {
    /// Defined in the tree under the selector's name.
    pub fn defined_as(mut self, kind: MetricKind, path: &str, line: u32) -> Self {
        self.0.defined = Some(QueriedDefinition {
            name: self.0.metric.clone(),
            kind,
            native_histogram: false,
            path: path.into(),
            line,
            span: Span::new(FileId(7), 10, 20),
        });
        self
    }

    pub fn native(mut self) -> Self {
        if let Some(d) = &mut self.0.defined {
            d.native_histogram = true;
        }
        self
    }
}

/// A query in a rule file holding `selectors`.
pub fn query(selectors: Vec<Sel>) -> Query {
    Query {
        text: String::new(),
        span: Span::new(FileId(1), 40, 80),
        decl: None,
        source: QuerySource::RuleFile {
            group: "g".into(),
            rule: None,
        },
        selectors: selectors.into_iter().map(|s| s.0).collect(),
    }
}

/// Run a tree check over `queries` with `native_histograms` configured.
pub fn run(
    check: fn(&TreeCtx, &mut Sink),
    native_histograms: &[&str],
    queries: Vec<Query>,
) -> Vec<Diagnostic> {
    let tree = TreeFacts {
        rule_files: vec![RuleFileFacts {
            path: "alerts.rules.yml".into(),
            queries,
            errors: Vec::new(),
        }],
        ..TreeFacts::default()
    };
    let mut settings = Settings::default();
    settings.promql.native_histograms = native_histograms.iter().map(|s| s.to_string()).collect();
    let mut sink = Sink::new();
    check(
        &TreeCtx {
            tree: &tree,
            settings: &settings,
        },
        &mut sink,
    );
    sink.into_diagnostics()
}

/// `package` with queries that make every Q rule fire (for the registry test).
pub fn with_query_facts(package: PackageFacts) -> PackageFacts {
    PackageFacts {
        queries: vec![query(vec![
            quantile("livestream_join_seconds", Some("rate")).defined_as(
                MetricKind::Histogram,
                "internal/room/metrics.go",
                22,
            ),
            rated("livestream_room_viewers", "rate"),
        ])],
        ..package
    }
}
