use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::labels::{all_names, site};
use instrlint_core::facts::MetricKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "L206",
    name: "reserved-label",
    group: Group::Labels,
    level: Level::Error,
    summary: "`le` on a histogram or `quantile` on a summary (or either on another metric)",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        for (name, span, constant) in all_names(def) {
            let (at, decl) = site(def, span, constant);
            let (owner, series) = match name {
                "le" => (
                    MetricKind::Histogram,
                    "the bucket bound of histogram series",
                ),
                "quantile" => (MetricKind::Summary, "the quantile of summary series"),
                _ => continue,
            };
            if def.kind == owner {
                let message = format!(
                    "label `{name}` is reserved on a {}: `{}` panics",
                    owner.as_str(),
                    def.constructor
                );
                let report = out.report(&META, at, message);
                let report = report.help(format!("rename it: `{name}` carries {series}"));
                if let Some(decl) = decl {
                    report.related(decl, "the label is declared here");
                }
            } else {
                let kind = def.kind.as_str();
                let a = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                let message = format!("label `{name}` on {a} {kind} is mistaken for {series}");
                let report = out.report(&META, at, message).level(Level::Warning);
                let report =
                    report.help("rename it: PromQL and dashboards give it a fixed meaning");
                if let Some(decl) = decl {
                    report.related(decl, "the label is declared here");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn error_on_the_owning_kind_and_warning_elsewhere() {
        let defs = vec![
            histogram("livestream_join_latency_seconds").labels(&["le"]),
            summary("livestream_chunk_size_bytes")
                .const_labels(&["quantile"])
                .at(0, 300),
            gauge("livestream_room_viewers").labels(&["le"]).at(0, 600),
        ];
        let d = run(check, defs);
        let levels: Vec<Level> = d.iter().map(|d| d.level).collect();
        assert_eq!(levels, [Level::Error, Level::Error, Level::Warning]);
        assert_eq!(
            d[0].message,
            "label `le` is reserved on a histogram: `NewHistogramVec` panics"
        );
        assert_eq!(
            d[2].message,
            "label `le` on a gauge is mistaken for the bucket bound of histogram series"
        );
    }

    #[test]
    fn silent_on_other_names() {
        let defs =
            vec![histogram("livestream_join_latency_seconds").labels(&["level", "quantiles"])];
        assert!(run(check, defs).is_empty());
    }
}
