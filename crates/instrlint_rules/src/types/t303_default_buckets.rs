use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::named;
use instrlint_core::facts::MetricKind;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "T303",
    name: "default-buckets",
    group: Group::Types,
    level: Level::Note,
    summary: "a `_seconds` histogram uses the default buckets",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    let histograms =
        ctx.package.metrics.iter().filter(|m| {
            m.kind == MetricKind::Histogram && m.buckets.is_none() && !m.native_histogram
        });
    for (def, name) in named(histograms) {
        if !name.ends_with("_seconds") {
            continue;
        }
        out.report(&META, def.name_span, format!("histogram `{name}` uses the default buckets (5 ms to 10 s)"))
            .help(
                "set `Buckets` to fit the expected range (`prometheus.ExponentialBucketsRange(0.01, 30, 12)`), \
                 enable native histograms (`NativeHistogramBucketFactor: 1.1`), \
                 or write `Buckets: prometheus.DefBuckets` if they fit",
            );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_seconds_without_buckets() {
        let d = run(check, vec![histogram("livestream_join_latency_seconds")]);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "histogram `livestream_join_latency_seconds` uses the default buckets (5 ms to 10 s)"
        );
        assert_eq!(d[0].primary, span(0, 120, 140));
    }

    #[test]
    fn silent_with_buckets_native_or_other_units() {
        let defs = vec![
            histogram("livestream_join_latency_seconds").buckets(default_buckets()),
            histogram("livestream_join_latency_seconds")
                .native()
                .at(0, 300),
            histogram("livestream_chunk_size_bytes").at(0, 600),
            summary("livestream_join_latency_seconds").at(0, 900),
        ];
        assert!(run(check, defs).is_empty());
    }
}
