//! What a rule is, and how it reports.

use instrlint_core::config::Settings;
use instrlint_core::facts::{PackageFacts, TreeFacts};
use instrlint_core::{Diagnostic, Level, Related, Span};

/// The catalog groups, in catalog order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    MetricNames,
    Labels,
    Types,
    Registration,
    Spans,
    Context,
    Promql,
    Otel,
}

impl Group {
    /// The code letter (`M`, `L`, …).
    pub fn letter(self) -> char {
        match self {
            Group::MetricNames => 'M',
            Group::Labels => 'L',
            Group::Types => 'T',
            Group::Registration => 'R',
            Group::Spans => 'S',
            Group::Context => 'C',
            Group::Promql => 'Q',
            Group::Otel => 'O',
        }
    }
    /// Human name, also the SARIF tag.
    pub fn title(self) -> &'static str {
        match self {
            Group::MetricNames => "metric names",
            Group::Labels => "labels",
            Group::Types => "metric types",
            Group::Registration => "registration",
            Group::Spans => "spans",
            Group::Context => "context",
            Group::Promql => "promql",
            Group::Otel => "otel metrics",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub group: Group,
    /// Default level. A rule may report some findings at another level
    /// (M101: error for empty names, warning for the charset).
    pub level: Level,
    /// One line, lower-case, no trailing period.
    pub summary: &'static str,
    pub since: &'static str,
}

pub struct PackageCtx<'a> {
    pub package: &'a PackageFacts,
    /// The whole tree, for uses bound to definitions in other packages
    /// (`tree.def(use.def)`).
    pub tree: &'a TreeFacts,
    pub settings: &'a Settings,
}

pub struct TreeCtx<'a> {
    pub tree: &'a TreeFacts,
    pub settings: &'a Settings,
}

#[derive(Clone, Copy)]
pub enum Check {
    /// Runs once per package, in parallel.
    Package(fn(&PackageCtx, &mut Sink)),
    /// Runs once over the whole tree after the package phase.
    Tree(fn(&TreeCtx, &mut Sink)),
}

/// A registered rule: metadata, check and its Markdown doc.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: Check,
    /// `rules/<CODE>-<name>.md`, embedded.
    pub doc: &'static str,
    /// Runs without being named. A rule that is off by default (C605) runs
    /// only when `--select`, `--extend-select` or `[rules] select` /
    /// `extend_select` names its code.
    pub default_on: bool,
}

/// Collects a rule's findings.
#[derive(Default)]
pub struct Sink {
    diagnostics: Vec<Diagnostic>,
}

impl Sink {
    pub fn new() -> Self {
        Sink::default()
    }

    /// Start a finding of `meta`'s rule at `primary`, at the rule's level.
    pub fn report(
        &mut self,
        meta: &RuleMeta,
        primary: Span,
        message: impl Into<String>,
    ) -> Report<'_> {
        self.diagnostics.push(Diagnostic {
            code: meta.code,
            name: meta.name,
            level: meta.level,
            message: message.into(),
            primary,
            related: Vec::new(),
            help: None,
        });
        Report {
            diag: self.diagnostics.last_mut().expect("just pushed"),
        }
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

/// Builder for the finding just reported.
pub struct Report<'s> {
    diag: &'s mut Diagnostic,
}

impl Report<'_> {
    pub fn help(self, help: impl Into<String>) -> Self {
        self.diag.help = Some(help.into());
        self
    }
    pub fn related(self, span: Span, message: impl Into<String>) -> Self {
        self.diag.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }
    pub fn level(self, level: Level) -> Self {
        self.diag.level = level;
        self
    }
}
